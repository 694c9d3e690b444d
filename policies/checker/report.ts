/**
 * The checker's three output formats.
 *
 * - `json`: exactly `{"violations":[{"policy","enforcement","file","resource":{"kind","namespace","name"},"message"}]}`
 *   (the command contract in design.md). `namespace` is `null` for objects without one.
 * - `text`: one `file:line:column: error|warning <policy>: <Kind> <namespace>/<name>: <message>` line per violation
 *   (the format editors and CI problem matchers understand), then a summary line.
 * - `sarif`: SARIF 2.1.0 for GitHub code scanning: one `reportingDescriptor` per enabled rule (id, name,
 *   descriptions, default level), one result per violation with level `error` (mandatory) or `warning`
 *   (advisory), and a `physicalLocation` with the file's repository-relative path and the field's line and column.
 */
import { pathToFileURL } from "url";
import type { Finding } from "../engine";
import { enforcementFor } from "../engine";
import type { EnforcementOverrides } from "../engine";
import { nameOf, namespaceOf } from "../objects";
import { parsePath } from "../path";
import type { Rule } from "../types";
import type { SourcedObject } from "./load";
import type { Position } from "./yaml";

/** A finding with where it was read from. */
export interface LocatedFinding {
  readonly finding: Finding;
  readonly source: SourcedObject;
  readonly position: Position;
}

export function locate(findings: readonly Finding[], sources: readonly SourcedObject[]): LocatedFinding[] {
  return findings.map((finding) => {
    const source = sources[finding.objectIndex]!;
    return { finding, source, position: source.locate(parsePath(finding.violation.path)) };
  });
}

export interface JsonViolation {
  policy: string;
  enforcement: "mandatory" | "advisory";
  file: string;
  resource: { kind: string; namespace: string | null; name: string };
  message: string;
}

export function toJson(findings: readonly LocatedFinding[]): { violations: JsonViolation[] } {
  return {
    violations: findings.map(({ finding, source }) => ({
      policy: finding.violation.policy,
      enforcement: finding.enforcement,
      file: source.file,
      resource: { kind: finding.object.kind, namespace: namespaceOf(finding.object) ?? null, name: nameOf(finding.object) },
      message: finding.violation.message,
    })),
  };
}

export function toText(findings: readonly LocatedFinding[], summary: { objects: number; files: number }): string {
  const lines = findings.map(({ finding, source, position }) => {
    const ns = namespaceOf(finding.object);
    const resource = `${finding.object.kind} ${ns ? `${ns}/` : ""}${nameOf(finding.object)}`;
    const level = finding.enforcement === "mandatory" ? "error" : "warning";
    return `${source.file}:${position.line}:${position.column}: ${level} ${finding.violation.policy}: ${resource}: ${finding.violation.message}`;
  });
  const mandatory = findings.filter((f) => f.finding.enforcement === "mandatory").length;
  const advisory = findings.length - mandatory;
  lines.push(
    `policy: ${summary.objects} objects in ${summary.files} files: ${mandatory} mandatory and ${advisory} advisory violations`,
  );
  return lines.join("\n") + "\n";
}

/** A SARIF artifact URI: repository-relative paths as they are, anything absolute as a file: URL. */
function artifactUri(file: string): string {
  return file.startsWith("/") ? pathToFileURL(file).href : file.split("/").map(encodeURIComponent).join("/");
}

export function toSarif(
  findings: readonly LocatedFinding[],
  rules: readonly Rule[],
  enforcement: EnforcementOverrides,
  toolVersion: string,
): unknown {
  const enabled = rules
    .map((rule) => ({ rule, level: enforcementFor(rule, enforcement) }))
    .filter((r) => r.level !== "disabled");
  const index = new Map(enabled.map((r, i) => [r.rule.name, i]));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "vibecode-policy",
            version: toolVersion,
            rules: enabled.map(({ rule, level }) => ({
              id: rule.name,
              name: rule.name
                .split("-")
                .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
                .join(""),
              shortDescription: { text: rule.description },
              fullDescription: { text: rule.description },
              help: { text: `${rule.description} See policies/ in this repository for the restricted fields and allowed values.` },
              defaultConfiguration: { level: level === "mandatory" ? "error" : "warning" },
              properties: { tags: ["kubernetes", "security"] },
            })),
          },
        },
        results: findings.map(({ finding, source, position }) => ({
          ruleId: finding.violation.policy,
          ruleIndex: index.get(finding.violation.policy) ?? 0,
          level: finding.enforcement === "mandatory" ? "error" : "warning",
          message: {
            text: `${finding.object.kind} ${namespaceOf(finding.object) ? `${namespaceOf(finding.object)}/` : ""}${nameOf(finding.object)}: ${finding.violation.message}`,
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(source.file) },
                region: { startLine: position.line, startColumn: position.column },
              },
            },
          ],
        })),
      },
    ],
  };
}
