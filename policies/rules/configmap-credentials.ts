/**
 * Hygiene: ConfigMaps hold no credentials.
 *
 * ConfigMaps are readable by anyone who may read configuration, are printed by `kubectl describe`, end up in
 * rendered manifests and review diffs, and are never encrypted at rest. Credentials belong in Secrets.
 *
 * Restricted fields: `data[*]` and `binaryData[*]` of ConfigMaps. A value is refused when
 * - its key names a credential (see {@link isCredentialKey}) and the value is not empty or a placeholder;
 * - it contains a PEM private key (`-----BEGIN … PRIVATE KEY-----`);
 * - it contains a well-known token format: AWS access key IDs (`AKIA…`/`ASIA…`), GitHub tokens (`ghp_…`, `gho_…`,
 *   `ghu_…`, `ghs_…`, `ghr_…`, `github_pat_…`), Slack tokens (`xox?-…`), Google API keys (`AIza…`);
 * - it contains a URL with a password (`scheme://user:password@host`);
 * - it is a configuration file (several lines) with a `credential-key: value` or `credential-key=value` line
 *   whose value is not empty, a nested block or a placeholder.
 *
 * Placeholders that are not credentials: empty values, `${VAR}`, `$(VAR)`, `$VAR`, `{{ template }}`,
 * `<angle brackets>`, `null`/`~`, `changeme`, masks like `***`/`xxx`/`…`/`REDACTED`, and absolute file paths
 * (`/run/secrets/db-password`, where the credential is read from a mounted Secret).
 *
 * Messages never repeat the value.
 */
import { formatPath } from "../path";
import { isRecord, str } from "../objects";
import type { KubeObject, Rule, Violation } from "../types";

const NAME = "hygiene-configmap-credentials";

/** Words that make a key a credential wherever they appear in it. */
const CREDENTIAL_WORDS = new Set(["password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "credential", "credentials", "privatekey", "accesskey", "secretkey"]);
/** Word pairs that mean a key (`api_key`, `private-key`, `accessKey`). */
const KEY_QUALIFIERS = new Set(["api", "private", "access", "secret", "auth", "encryption", "signing", "client", "master", "session"]);
/** Last words that make a credential-ish key describe something else (`token_ttl`, `secret_name`, `password_file`). */
const BENIGN_SUFFIXES = new Set([
  "name", "names", "file", "path", "dir", "ref", "id", "ttl", "lifetime", "expiry", "expiration", "expires", "length",
  "size", "type", "url", "uri", "endpoint", "header", "enabled", "policy", "reset", "duration", "timeout", "mode",
  "field", "env", "location", "format", "algorithm", "rotation", "hint", "placeholder", "min", "max", "count",
]);

/** Splits `dbPassword`, `DB_PASSWORD`, `client-secret.value` into lower-case words. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => w.toLowerCase());
}

/** Whether a key names a credential (`password`, `db_password`, `API_KEY`, `jwtSecret`, `secret_key_base`…). */
export function isCredentialKey(key: string): boolean {
  const words = keyWords(key);
  if (words.length === 0) return false;
  if (BENIGN_SUFFIXES.has(words[words.length - 1]!) && words.length > 1) return false;
  return words.some((w, i) => CREDENTIAL_WORDS.has(w) || (w === "key" && i > 0 && KEY_QUALIFIERS.has(words[i - 1]!)));
}

const PLACEHOLDER =
  /^(?:\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*\}\}|<[^>]*>|%\([^)]*\)s|null|~|none|nil|changeme|change-me|\*+|x{3,}|\.{3}|…|redacted|\[redacted\]|true|false|\/[^\s]*)$/i;

/** Whether a value is empty or a reference/placeholder rather than a credential. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^(["'])(.*)\1$/, "$2").trim();
  return v === "" || PLACEHOLDER.test(v);
}

const PATTERNS: readonly [RegExp, string][] = [
  [/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/, "a PEM private key"],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/, "an AWS access key ID"],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/, "a GitHub token"],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, "a Slack token"],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, "a Google API key"],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]+@[^\s]+/i, "a URL with an embedded password"],
];

/** A `key: value` / `key = value` / `"key": "value"` line of an embedded config file. */
const CONFIG_LINE = /^\s*(?:export\s+)?["']?([A-Za-z0-9_.-]+)["']?\s*[:=]\s*(.*?)\s*,?\s*$/;

/** Why a ConfigMap entry looks like a credential, or undefined. */
export function credentialProblem(key: string, value: string): string | undefined {
  for (const [pattern, what] of PATTERNS) if (pattern.test(value)) return `contains ${what}`;
  if (isCredentialKey(key) && !isPlaceholder(value) && !value.includes("\n")) return "names a credential and has a value";
  if (value.includes("\n")) {
    const lines = value.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const match = CONFIG_LINE.exec(lines[i]!);
      if (!match) continue;
      const [, lineKey, lineValue] = match as unknown as [string, string, string];
      // Strip a trailing comment; a value opening a block (`|`, `>`, `{`, `[`) is not a literal credential, and neither
      // is an unquoted call in a script (`token = f.read().strip()` reads the value from elsewhere).
      const literal = lineValue.replace(/\s+#.*$/, "");
      const isCall = !/^["']/.test(literal) && /^[A-Za-z_][\w.]*\(.*\)[\w.()]*$/.test(literal);
      if (isCredentialKey(lineKey) && !isPlaceholder(literal) && !/^[|>{[]/.test(literal) && !isCall) {
        return `line ${i + 1} sets ${JSON.stringify(lineKey)} to a literal value`;
      }
    }
  }
  return undefined;
}

export const configMapCredentialsRule: Rule = {
  name: NAME,
  description: "ConfigMaps must not contain credentials (passwords, tokens, keys); use Secrets.",
  defaultEnforcement: "mandatory",
  scope: "object",
  check(obj: KubeObject): Violation[] {
    if (obj.apiVersion !== "v1" || obj.kind !== "ConfigMap") return [];
    const violations: Violation[] = [];
    for (const field of ["data", "binaryData"] as const) {
      const entries = obj[field];
      if (!isRecord(entries)) continue;
      for (const [key, raw] of Object.entries(entries)) {
        let value = str(raw) ?? (raw === undefined || raw === null ? "" : String(raw));
        if (field === "binaryData") value = Buffer.from(value, "base64").toString("latin1");
        const problem = credentialProblem(key, value);
        if (problem === undefined) continue;
        const path = formatPath([field, key]);
        violations.push({ policy: NAME, path, message: `${path} ${problem}; credentials belong in a Secret, not a ConfigMap` });
      }
    }
    return violations;
  },
};
