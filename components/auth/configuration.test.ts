import { parse } from "yaml";
import { sharedSchemasAvailable, validateAutheliaConfiguration } from "../../test/support/schema-validation";
import { authorizeRequest, evaluateAccess, explainAccess } from "./access-control";
import {
  assertValidCookieDomain,
  buildAutheliaConfiguration,
  renderAutheliaConfiguration,
  workspaceHostRegex,
  type AutheliaAccessControl,
  type AutheliaConfigurationOptions,
} from "./configuration";

const SCHEMAS = sharedSchemasAvailable();
const itWithSchemas = SCHEMAS ? it : it.skip;
if (!SCHEMAS) {
  console.warn("../shared/schemas is absent: the Authelia configuration was NOT validated against configuration.json (those tests are skipped)");
}

const DOMAIN = "dev.example.com";

function options(overrides: Partial<AutheliaConfigurationOptions> = {}): AutheliaConfigurationOptions {
  return {
    domain: DOMAIN,
    portalHost: `auth.${DOMAIN}`,
    workspacePolicy: "two_factor",
    adminGroup: "admins",
    platformHosts: [`grafana.${DOMAIN}`, `traefik.${DOMAIN}`],
    postgres: { host: "postgres.authelia.svc.cluster.local", port: 5432, database: "authelia", username: "authelia" },
    redis: { host: "valkey.authelia.svc.cluster.local", port: 6379 },
    notifier: { kind: "filesystem", filename: "/data/notification.txt" },
    usersDatabasePath: "/run/authelia/users/users_database.yml",
    ...overrides,
  };
}

const PROD_SMTP: AutheliaConfigurationOptions["notifier"] = {
  kind: "smtp",
  address: "submission://smtp.example.com:587",
  sender: "VibeCode <noreply@example.com>",
  username: "vibecode",
};

/**
 * Keys Authelia 4.39 deprecates or removed, from ../shared/docs/platform-facts.md ("Deprecated (must not appear)")
 * and upstream internal/configuration/deprecation.go (v4.39.20), as dotted paths; `[]` stands for any list item.
 * The JSON schema rejects most of them as unknown, but marks some merely `deprecated: true` (accepted), so this
 * list is checked on its own.
 */
const DEPRECATED_KEYS: readonly string[] = [
  "jwt_secret",
  "default_redirection_url",
  "host",
  "port",
  "tls_key",
  "tls_cert",
  "log_level",
  "log_file_path",
  "log_format",
  "logs_level",
  "logs_file",
  "server.host",
  "server.port",
  "server.path",
  "server.read_buffer_size",
  "server.write_buffer_size",
  "server.enable_pprof",
  "server.enable_expvars",
  "session.domain",
  "session.remember_me_duration",
  "storage.postgres.host",
  "storage.postgres.port",
  "storage.postgres.sslmode",
  "storage.postgres.ssl",
  "storage.mysql.host",
  "storage.mysql.port",
  "notifier.smtp.host",
  "notifier.smtp.port",
  "notifier.smtp.disable_verify_cert",
  "notifier.smtp.trusted_cert",
  "authentication_backend.disable_reset_password",
  "authentication_backend.file.password.iterations",
  "authentication_backend.file.password.memory",
  "authentication_backend.file.password.parallelism",
  "authentication_backend.file.password.key_length",
  "authentication_backend.file.password.salt_length",
  "webauthn.user_verification",
];

/** Every key path in `value`, dotted, with list items as `[]`. */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${prefix}[]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const here = prefix === "" ? key : `${prefix}.${key}`;
    return [here, ...keyPaths(child, here)];
  });
}

/** All string values in `value`. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value === null || typeof value !== "object") return [];
  return Object.values(value).flatMap(strings);
}

describe("buildAutheliaConfiguration", () => {
  const dev = buildAutheliaConfiguration(options());
  const prod = buildAutheliaConfiguration(options({ notifier: PROD_SMTP, defaultRedirectionUrl: `https://www.${DOMAIN}/` }));

  itWithSchemas("dev and prod configurations are valid against Authelia 4.39's configuration.json (no unknown keys)", () => {
    expect(validateAutheliaConfiguration(dev)).toEqual([]);
    expect(validateAutheliaConfiguration(prod)).toEqual([]);
    // Also the YAML text as Authelia reads it.
    expect(validateAutheliaConfiguration(parse(renderAutheliaConfiguration(prod)))).toEqual([]);
  });

  itWithSchemas("the schema check would catch a deprecated-and-removed key (the check has teeth)", () => {
    expect(validateAutheliaConfiguration({ ...dev, jwt_secret: "x" }).length).toBeGreaterThan(0);
    expect(validateAutheliaConfiguration({ ...dev, server: { host: "0.0.0.0", port: 9091 } }).length).toBeGreaterThan(0);
  });

  it("uses no deprecated key", () => {
    for (const config of [dev, prod]) {
      const paths = keyPaths(config);
      expect(paths.filter((p) => DEPRECATED_KEYS.includes(p))).toEqual([]);
    }
    // And not the deprecated {user}/{group} domain wildcards either.
    expect(strings(dev.access_control).filter((s) => s.includes("{user}") || s.includes("{group}"))).toEqual([]);
  });

  it("writes the current keys", () => {
    const c = prod as any;
    expect(c.server.address).toBe("tcp://:9091/");
    expect(c.session.cookies).toEqual([
      { domain: DOMAIN, authelia_url: `https://auth.${DOMAIN}`, default_redirection_url: `https://www.${DOMAIN}/` },
    ]);
    expect(c.session.redis).toEqual({ host: "valkey.authelia.svc.cluster.local", port: 6379, database_index: 0 });
    expect(c.storage.postgres.address).toBe("tcp://postgres.authelia.svc.cluster.local:5432");
    expect(c.notifier.smtp.address).toBe("submission://smtp.example.com:587");
    expect(c.identity_validation.reset_password).toBeDefined();
    expect(c.authentication_backend.file).toMatchObject({
      path: "/run/authelia/users/users_database.yml",
      watch: true,
      password: { algorithm: "argon2", argon2: { variant: "argon2id", iterations: 3, memory: 65536, parallelism: 4, key_length: 32, salt_length: 16 } },
    });
    expect((dev as any).notifier).toEqual({ filesystem: { filename: "/data/notification.txt" } });
    expect(c.log.level).toBe("info");
  });

  it("holds no secret: no secret-bearing key is set (they come from AUTHELIA_*_FILE)", () => {
    const secretKeys = ["session.secret", "storage.encryption_key", "identity_validation.reset_password.jwt_secret", "storage.postgres.password", "session.redis.password", "notifier.smtp.password", "jwt_secret"];
    for (const config of [dev, prod]) expect(keyPaths(config).filter((p) => secretKeys.includes(p))).toEqual([]);
  });

  it("renders plain YAML without anchors or aliases", () => {
    expect(renderAutheliaConfiguration(prod)).not.toMatch(/[&*]a\d/);
  });

  it("does not depend on the users: the same options give the same text", () => {
    expect(renderAutheliaConfiguration(buildAutheliaConfiguration(options()))).toBe(renderAutheliaConfiguration(dev));
  });

  it("refuses cookie domains Authelia or browsers refuse, naming the reason", () => {
    expect(() => assertValidCookieDomain("localhost")).toThrow(/localhost/);
    expect(() => assertValidCookieDomain("dev.localhost")).toThrow(/localhost/);
    expect(() => assertValidCookieDomain("example")).toThrow(/period/);
    expect(() => assertValidCookieDomain("*.example.com")).toThrow(/plain domain/);
    expect(() => assertValidCookieDomain("127.0.0.1")).toThrow(/IP address/);
    expect(() => assertValidCookieDomain("co.uk")).toThrow(/public suffix/);
    expect(() => assertValidCookieDomain("Dev.Example.com")).toThrow(/lowercase/);
    expect(() => assertValidCookieDomain("dev.example.com")).not.toThrow();
    expect(() => buildAutheliaConfiguration(options({ domain: "localhost", portalHost: "auth.localhost" }))).toThrow(/localhost/);
  });

  it("refuses hosts outside the cookie domain and a redirection URL Authelia would refuse", () => {
    expect(() => buildAutheliaConfiguration(options({ platformHosts: ["grafana.other.com"] }))).toThrow(/platform host/);
    expect(() => buildAutheliaConfiguration(options({ portalHost: "auth.other.com" }))).toThrow(/portal host/);
    expect(() => buildAutheliaConfiguration(options({ defaultRedirectionUrl: `http://www.${DOMAIN}/` }))).toThrow(/https/);
    expect(() => buildAutheliaConfiguration(options({ defaultRedirectionUrl: `https://auth.${DOMAIN}/` }))).toThrow(/portal/);
    expect(() => buildAutheliaConfiguration(options({ notifier: { ...PROD_SMTP, address: "smtp.example.com:587" } as any }))).toThrow(/submission/);
    expect(() => buildAutheliaConfiguration(options({ workspacePolicy: "bypass" as any }))).toThrow(/workspacePolicy/);
  });
});

describe("access control of the generated configuration (Authelia 4.39 semantics, see access-control.ts)", () => {
  const ac = (overrides: Partial<AutheliaConfigurationOptions> = {}) =>
    buildAutheliaConfiguration(options(overrides)).access_control as AutheliaAccessControl;
  const alice = { username: "alice", groups: [] as string[] };
  const bob = { username: "bob", groups: ["admins"] };
  const carol = { username: "carol", groups: ["developers"] };

  it("denies by default", () => {
    expect(ac().default_policy).toBe("deny");
    expect(evaluateAccess(ac(), { host: "example.org", user: alice })).toBe("deny");
    expect(evaluateAccess(ac(), { host: DOMAIN, user: alice })).toBe("deny");
  });

  it("gives alice two-factor access to alice.<domain>", () => {
    expect(evaluateAccess(ac(), { host: `alice.${DOMAIN}`, user: alice })).toBe("two_factor");
    expect(authorizeRequest(ac(), { host: `alice.${DOMAIN}`, user: alice }, "two_factor")).toBe("allowed");
    // One factor is not enough: Authelia asks for the second.
    expect(authorizeRequest(ac(), { host: `alice.${DOMAIN}`, user: alice }, "one_factor")).toBe("login");
  });

  it("denies bob (even as an admin) at alice.<domain>, and alice at bob.<domain>", () => {
    expect(evaluateAccess(ac(), { host: `alice.${DOMAIN}`, user: bob })).toBe("deny");
    expect(authorizeRequest(ac(), { host: `alice.${DOMAIN}`, user: bob }, "two_factor")).toBe("forbidden");
    expect(evaluateAccess(ac(), { host: `bob.${DOMAIN}`, user: alice })).toBe("deny");
    expect(evaluateAccess(ac(), { host: `bob.${DOMAIN}`, user: bob })).toBe("two_factor");
  });

  it("never lets an anonymous request into a workspace: it must log in (never bypass)", () => {
    for (const host of [`alice.${DOMAIN}`, `bob.${DOMAIN}`, `nobody.${DOMAIN}`, `alice.${DOMAIN}:443`]) {
      const decision = explainAccess(ac(), { host });
      expect(decision.policy).not.toBe("bypass");
      expect(authorizeRequest(ac(), { host }, "none")).toBe("login");
    }
    for (const method of ["GET", "POST", "OPTIONS", "HEAD"]) {
      expect(authorizeRequest(ac(), { host: `alice.${DOMAIN}`, method, path: "/api/x" }, "none")).not.toBe("allowed");
    }
  });

  it("does not match look-alike hosts with the workspace rule", () => {
    for (const host of [`x.alice.${DOMAIN}`, `alice.${DOMAIN}.evil.com`, `alice-dev.example.com`, `alice.devXexample.com`, `ALICE.${DOMAIN}`]) {
      expect(evaluateAccess(ac(), { host, user: alice })).toBe("deny");
    }
  });

  it("lets the portal through without a login (bypass), for everyone", () => {
    expect(evaluateAccess(ac(), { host: `auth.${DOMAIN}` })).toBe("bypass");
    expect(evaluateAccess(ac(), { host: `auth.${DOMAIN}`, user: alice })).toBe("bypass");
    expect(authorizeRequest(ac(), { host: `auth.${DOMAIN}` }, "none")).toBe("allowed");
  });

  it("gives admins two-factor access to platform hosts and denies everyone else there", () => {
    for (const host of [`grafana.${DOMAIN}`, `traefik.${DOMAIN}`]) {
      expect(evaluateAccess(ac(), { host, user: bob })).toBe("two_factor");
      expect(evaluateAccess(ac(), { host, user: alice })).toBe("deny");
      expect(evaluateAccess(ac(), { host, user: carol })).toBe("deny");
      expect(authorizeRequest(ac(), { host }, "none")).toBe("login");
    }
    // A person whose username equals a platform host's label does not reach it through the workspace rule.
    expect(evaluateAccess(ac(), { host: `grafana.${DOMAIN}`, user: { username: "grafana", groups: [] } })).toBe("deny");
  });

  it("uses the configured admin group", () => {
    const rules = ac({ adminGroup: "platform-admins" });
    expect(evaluateAccess(rules, { host: `grafana.${DOMAIN}`, user: bob })).toBe("deny");
    expect(evaluateAccess(rules, { host: `grafana.${DOMAIN}`, user: { username: "dan", groups: ["platform-admins"] } })).toBe("two_factor");
  });

  it("allows one factor on workspaces only when configured so (dev)", () => {
    const rules = ac({ workspacePolicy: "one_factor" });
    expect(evaluateAccess(rules, { host: `alice.${DOMAIN}`, user: alice })).toBe("one_factor");
    expect(evaluateAccess(rules, { host: `alice.${DOMAIN}`, user: bob })).toBe("deny");
    expect(evaluateAccess(rules, { host: `grafana.${DOMAIN}`, user: bob })).toBe("two_factor");
  });

  it("has ONE workspace rule, so adding a user changes nothing", () => {
    const rules = ac().rules.filter((r) => r.domain_regex !== undefined);
    expect(rules).toEqual([{ domain_regex: workspaceHostRegex(DOMAIN), policy: "two_factor" }]);
    expect(workspaceHostRegex(DOMAIN)).toBe("^(?P<User>[a-z0-9-]+)\\.dev\\.example\\.com$");
    // A user the configuration has never heard of gets exactly their own workspace.
    expect(evaluateAccess(ac(), { host: `zoe.${DOMAIN}`, user: { username: "zoe", groups: [] } })).toBe("two_factor");
  });

  it("without platform hosts writes no admin rules", () => {
    expect(ac({ platformHosts: [] }).rules).toHaveLength(2);
  });
});
