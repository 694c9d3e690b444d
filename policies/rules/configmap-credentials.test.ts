import type { Loose } from "../testing";
import { violationsOf } from "../engine";
import { violationsOfRule } from "../testing";
import { configMapCredentialsRule, credentialProblem, isCredentialKey, isPlaceholder } from "./configmap-credentials";

const P = "hygiene-configmap-credentials";
const configMap = (data: Record<string, string>, binaryData?: Record<string, string>): Loose => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "c", namespace: "a" },
  data,
  ...(binaryData ? { binaryData } : {}),
});

describe(P, () => {
  it.each<[string, boolean]>([
    ["password", true],
    ["DB_PASSWORD", true],
    ["dbPassword", true],
    ["jwt_secret", true],
    ["client-secret", true],
    ["API_KEY", true],
    ["apiKey", true],
    ["apikey", true],
    ["secret_key_base", true],
    ["github.token", true],
    ["private-key", true],
    ["token_ttl", false],
    ["secretName", false],
    ["password_file", false],
    ["password_reset", false],
    ["tokenEndpoint", false],
    ["AWS_ACCESS_KEY_ID", false],
    ["keyboard", false],
    ["monkey", false],
    ["log_level", false],
  ])("isCredentialKey(%s) = %s", (key, expected) => {
    expect(isCredentialKey(key)).toBe(expected);
  });

  it.each([["", true], ["${DB_PASSWORD}", true], ["$(PASSWORD)", true], ["{{ .Values.password }}", true], ["<set me>", true], ["/run/secrets/db-password", true], ['""', true], ["changeme", true], ["***", true], ["hunter2", false], ["s3cr3t-value", false]])(
    "isPlaceholder(%j) = %s",
    (value, expected) => {
      expect(isPlaceholder(value)).toBe(expected);
    },
  );

  it.each<[string, string, string, boolean]>([
    ["PEM private key under an innocent key", "tls.key", "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n", true],
    ["OpenSSH private key", "id", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn...\n", true],
    ["a certificate is public", "ca.crt", "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n", false],
    ["AWS access key ID", "config", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", true],
    ["GitHub token", "notes", "use ghp_" + "A".repeat(36), true],
    ["URL with a password", "DATABASE_URL", "postgres://app:hunter2@db:5432/app", true],
    ["URL without a password", "DATABASE_URL", "postgres://app@db:5432/app", false],
    ["config file with a literal password", "config.yml", "storage:\n  postgres:\n    username: authelia\n    password: hunter2\n", true],
    ["config file with an env reference", "config.yml", "storage:\n  postgres:\n    password: ${POSTGRES_PASSWORD}\n", false],
    ["config file with a nested password_policy block", "config.yml", "password_policy:\n  standard:\n    enabled: true\n", false],
    ["env file", "app.env", "LOG_LEVEL=info\nSESSION_SECRET=abcdef123456\n", true],
    ["JSON config", "creds.json", '{\n  "client_id": "x",\n  "client_secret": "abc123"\n}', true],
    ["plain settings", "settings", "log_level: debug\nworkers: 4\n", false],
    ["script reading a token from a file", "cull.py", "with open(path) as f:\n    self.token = f.read().strip()\n", false],
    ["script with a quoted token literal", "cull.py", "def f():\n    self.token = \"abc123def\"\n", true],
  ])("credentialProblem: %s", (_name, key, value, flagged) => {
    expect(credentialProblem(key, value) !== undefined).toBe(flagged);
  });

  it.each<[string, Loose, string[]]>([
    ["clean", configMap({ LOG_LEVEL: "info", "app.yaml": "port: 8080\n" }), []],
    ["password value", configMap({ ADMIN_PASSWORD: "hunter2" }), [`${P} data.ADMIN_PASSWORD`]],
    ["empty password is a slot, not a secret", configMap({ ADMIN_PASSWORD: "" }), []],
    ["key with dots", configMap({ "smtp.password": "hunter2" }), [`${P} data["smtp.password"]`]],
    ["binaryData with a private key", configMap({}, { key: Buffer.from("-----BEGIN PRIVATE KEY-----\nabc\n").toString("base64") }), [`${P} binaryData.key`]],
    ["not a ConfigMap", { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { password: "hunter2" } }, []],
  ])("%s", (_name, obj, expected) => {
    expect(violationsOfRule(configMapCredentialsRule, [obj])).toEqual(expected);
  });

  it("never repeats the value in its message", () => {
    const [message] = violationsOf([configMap({ API_TOKEN: "tok-123456" })], { rules: [configMapCredentialsRule] }).map((v) => v.message);
    expect(message).toContain("data.API_TOKEN");
    expect(message).not.toContain("tok-123456");
  });
});
