/**
 * The checker's configuration file (`--config <file>`), validated with zod; every error carries the
 * `file:line:column` of the offending key or value.
 *
 * ```yaml
 * podSecurity:
 *   level: restricted        # privileged | baseline | restricted: namespaces without an enforce label
 *   version: latest          # latest | v1.<minor>: namespaces without an enforce-version label
 * systemNamespaces: [kube-system, kube-public, kube-node-lease]   # where host access is tolerated
 * budget:                    # quota-workspace-budget: sum of workspace quota limits
 *   cpu: "64"
 *   memory: 256Gi
 * rules:                     # enforcement per rule: mandatory | advisory | disabled
 *   hygiene-image-tag: advisory
 *   "pod-security-*": mandatory          # a trailing * matches every rule with that prefix
 *   quota-workspace-budget: { enforcement: advisory }
 * ```
 *
 * A `--pod-security` flag on the command line overrides `podSecurity.level`.
 */
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { parsePodSecurityVersion } from "./context";
import { KUBERNETES_YAML_OPTIONS, TO_JS_OPTIONS, positionOf } from "./checker/yaml";
import type { EnforcementOverrides } from "./engine";
import { overrideMatches } from "./engine";
import { quantityValue } from "./quantity";
import { RULES } from "./registry";
import type { Enforcement, PathSegment, PodSecurityLevel, PolicySettings } from "./types";
import { DEFAULT_SETTINGS, ENFORCEMENTS, POD_SECURITY_LEVELS } from "./types";

const enforcement = z.enum(ENFORCEMENTS as [Enforcement, ...Enforcement[]], { message: "must be mandatory, advisory or disabled" });
const quantity = z
  .union([z.string(), z.number()])
  .refine((v) => quantityValue(v) !== undefined, { message: "not a valid Kubernetes quantity (e.g. 64, 500m, 256Gi)" })
  .transform(String);
const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: "not a valid namespace name" });

export const CONFIG_SCHEMA = z
  .object({
    podSecurity: z
      .object({
        level: z
          .enum(POD_SECURITY_LEVELS as [PodSecurityLevel, ...PodSecurityLevel[]], { message: "must be privileged, baseline or restricted" })
          .optional(),
        version: z
          .string({ message: 'must be "latest" or "v1.<minor>" (quote it: "v1.30")' })
          .refine((v) => parsePodSecurityVersion(v) !== undefined, { message: 'must be "latest" or "v1.<minor>"' })
          .optional(),
      })
      .strict()
      .optional(),
    systemNamespaces: z.array(dnsLabel).optional(),
    budget: z.object({ cpu: quantity.optional(), memory: quantity.optional() }).strict().optional(),
    rules: z
      .record(
        z.string(),
        z.union([enforcement, z.object({ enforcement }).strict()], {
          message: "must be mandatory, advisory or disabled, or { enforcement: <one of those> }",
        }),
      )
      .superRefine((rules, ctx) => {
        for (const key of Object.keys(rules)) {
          if (!RULES.some((rule) => overrideMatches(key, rule.name))) {
            ctx.addIssue({ code: "custom", path: [key], message: `no rule is called ${JSON.stringify(key)}` });
          }
        }
      })
      .optional(),
  })
  .strict();

export type CheckerConfigFile = z.infer<typeof CONFIG_SCHEMA>;

/** What a config file contributes: settings (merged over the defaults) and enforcement overrides. */
export interface CheckerConfig {
  readonly settings: PolicySettings;
  readonly enforcement: EnforcementOverrides;
}

export class ConfigError extends Error {
  constructor(readonly messages: readonly string[]) {
    super(messages.join("\n"));
  }
}

/** Applies a validated config file over `base` settings. */
export function configFrom(file: CheckerConfigFile, base: PolicySettings = DEFAULT_SETTINGS): CheckerConfig {
  const enforcementOverrides: Record<string, Enforcement> = {};
  for (const [key, value] of Object.entries(file.rules ?? {})) {
    enforcementOverrides[key] = typeof value === "string" ? value : value.enforcement;
  }
  const version = file.podSecurity?.version;
  return {
    settings: {
      ...base,
      defaultPodSecurityLevel: file.podSecurity?.level ?? base.defaultPodSecurityLevel,
      defaultPodSecurityVersion: version === undefined ? base.defaultPodSecurityVersion : parsePodSecurityVersion(version)!,
      systemNamespaces: file.systemNamespaces ?? base.systemNamespaces,
      budget: file.budget ?? base.budget,
    },
    enforcement: enforcementOverrides,
  };
}

/**
 * Parses and validates a config file's text. Throws {@link ConfigError} with `file:line:column: message` lines.
 */
export function parseConfig(text: string, file: string): CheckerConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...KUBERNETES_YAML_OPTIONS, lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return `${file}:${pos?.line ?? 1}:${pos?.col ?? 1}: invalid YAML: ${e.message.split("\n")[0]}`;
      }),
    );
  }
  const value: unknown = doc.toJS(TO_JS_OPTIONS) ?? {};
  const result = CONFIG_SCHEMA.safeParse(value);
  if (result.success) return configFrom(result.data);
  const messages: string[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s === "string" || typeof s === "number");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const pos = positionOf(doc, [...path, key], lineCounter);
        messages.push(`${file}:${pos.line}:${pos.column}: ${[...path, key].join(".")}: unknown setting`);
      }
      continue;
    }
    const pos = positionOf(doc, path, lineCounter, issue.code === "custom" && path[0] === "rules" ? "key" : "value");
    messages.push(`${file}:${pos.line}:${pos.column}: ${path.length > 0 ? path.join(".") : "(top level)"}: ${issue.message}`);
  }
  throw new ConfigError(messages);
}
