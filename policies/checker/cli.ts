/**
 * The standalone checker's command line (design.md, "Command contracts"):
 *
 *     policy check <file-or-dir>... [--format text|json|sarif] [--pod-security baseline|restricted] [--config <file>]
 *
 * Exit status: 0 — no mandatory violation; 1 — at least one mandatory violation; 2 — bad input (unknown flag,
 * unreadable path, empty directory, invalid YAML, a document that is not a Kubernetes object, invalid config),
 * with the reasons on stderr and nothing on stdout.
 *
 * Pure apart from reading files: {@link runCli} resolves to what to print and the exit code, so tests can call it
 * directly and `scripts/policy.ts` stays a small wrapper.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { z } from "zod";
import type { CheckerConfig } from "../config";
import { ConfigError, parseConfig } from "../config";
import { evaluate } from "../engine";
import { RULES } from "../registry";
import { DEFAULT_SETTINGS } from "../types";
import type { LoadOptions } from "./load";
import { loadManifests } from "./load";
import { locate, toJson, toSarif, toText } from "./report";

export const USAGE = `usage: policy check <file-or-dir>... [--format text|json|sarif] [--pod-security baseline|restricted] [--config <file>]

Checks Kubernetes manifests (multi-document YAML, JSON, kind: List; directories recursively) against the
platform's policies: Pod Security Standards, quotas, isolation and hygiene rules.

  --format         text (default), json, or sarif (SARIF 2.1.0 for GitHub code scanning)
  --pod-security   level for namespaces whose Namespace object is not among the inputs or has no
                   pod-security.kubernetes.io/enforce label (default: restricted, or the config file's)
  --config         YAML file: podSecurity, systemNamespaces, budget, rules (enforcement per rule)

Exit status: 0 no mandatory violation, 1 mandatory violations, 2 bad input.
`;

/** The command line after parsing, validated. */
export const CLI_SCHEMA = z.object({
  command: z.literal("check", { message: 'the only command is "check"' }),
  paths: z.array(z.string().min(1)).min(1, { message: "give at least one file or directory to check" }),
  format: z.enum(["text", "json", "sarif"], { message: "--format must be text, json or sarif" }).default("text"),
  podSecurity: z.enum(["baseline", "restricted"], { message: "--pod-security must be baseline or restricted" }).optional(),
  config: z.string().min(1, { message: "--config needs a file" }).optional(),
});
export type CliOptions = z.infer<typeof CLI_SCHEMA>;

export interface CliResult {
  readonly exitCode: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

const badInput = (lines: readonly string[], withUsage = false): CliResult => ({
  exitCode: 2,
  stdout: "",
  stderr: lines.map((l) => `policy: ${l}\n`).join("") + (withUsage ? USAGE.split("\n")[0] + "\n" : ""),
});

const FLAGS = {
  format: { type: "string" },
  "pod-security": { type: "string" },
  config: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Parses argv (without `node script`) into options, or explains what is wrong. */
export function parseCommandLine(argv: readonly string[]): CliOptions | { help: true } | { errors: string[] } {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (e) {
    // node:util reports unknown flags and missing values clearly ("Unknown option '--formt'").
    return { errors: [(e as Error).message] };
  }
  if (parsed.values.help) return { help: true };
  const [command, ...paths] = parsed.positionals;
  const result = CLI_SCHEMA.safeParse({
    command,
    paths,
    format: parsed.values.format,
    podSecurity: parsed.values["pod-security"],
    config: parsed.values.config,
  });
  if (!result.success) return { errors: result.error.issues.map((issue) => issue.message) };
  return result.data;
}

function toolVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export async function runCli(argv: readonly string[], cwd: string = process.cwd(), loadOptions: LoadOptions = {}): Promise<CliResult> {
  const options = parseCommandLine(argv);
  if ("help" in options) return { exitCode: 0, stdout: USAGE, stderr: "" };
  if ("errors" in options) return badInput(options.errors, true);

  let config: CheckerConfig = { settings: DEFAULT_SETTINGS, enforcement: {} };
  if (options.config !== undefined) {
    const configPath = path.resolve(cwd, options.config);
    let text: string;
    try {
      text = fs.readFileSync(configPath, "utf8");
    } catch (e) {
      return badInput([`${options.config}: cannot read config: ${(e as Error).message}`]);
    }
    try {
      config = parseConfig(text, options.config);
    } catch (e) {
      if (e instanceof ConfigError) return badInput(e.messages);
      throw e;
    }
  }
  const settings = options.podSecurity ? { ...config.settings, defaultPodSecurityLevel: options.podSecurity } : config.settings;

  const loaded = await loadManifests(options.paths, cwd, loadOptions);
  if (loaded.errors.length > 0) return badInput(loaded.errors);

  const findings = evaluate(
    loaded.objects.map((s) => s.object),
    { settings, enforcement: config.enforcement },
  );
  const located = locate(findings, loaded.objects);
  const exitCode = findings.some((f) => f.enforcement === "mandatory") ? 1 : 0;
  let stdout: string;
  switch (options.format) {
    case "json":
      stdout = JSON.stringify(toJson(located), null, 2) + "\n";
      break;
    case "sarif":
      stdout = JSON.stringify(toSarif(located, RULES, config.enforcement, toolVersion()), null, 2) + "\n";
      break;
    default:
      stdout = toText(located, { objects: loaded.objects.length, files: loaded.files.length });
  }
  return { exitCode, stdout, stderr: "" };
}
