/**
 * Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program: fully-qualified keys to strings
 * (objects and lists as JSON). Encrypted (`secure:`) values cannot be decrypted offline; they become a
 * placeholder and stay marked secret.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { StackConfigError } from "../../stacks/config";

/** Stands in for an encrypted config value in an offline render. */
export const SECURE_PLACEHOLDER = "offline-render-placeholder";

/** The config of one stack file. */
export interface StackConfigFile {
  name: string;
  values: Record<string, string>;
  secretKeys: string[];
}

/** Reads and flattens `Pulumi.<stack>.yaml` under `root`. */
export function readStackConfigFile(root: string, stack: string): StackConfigFile {
  const name = `Pulumi.${stack}.yaml`;
  const file = path.join(root, name);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(stack) || !fs.existsSync(file)) {
    const known = fs.readdirSync(root).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)).map((f) => f.slice(7, -5));
    throw new StackConfigError([`${name}: no such stack file; stacks here: ${known.sort().join(", ")}`]);
  }
  const doc = parseDocument(fs.readFileSync(file, "utf8"), { prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new StackConfigError(doc.errors.map((e) => `${name}:${e.linePos?.[0].line ?? 1}:${e.linePos?.[0].col ?? 1}: ${e.message}`));
  }
  const parsed = (doc.toJS() ?? {}) as { config?: Record<string, unknown> };
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(parsed.config ?? {})) {
    if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      values[key] = SECURE_PLACEHOLDER;
      secretKeys.push(key);
    } else {
      values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { name, values, secretKeys };
}
