/**
 * Authelia 4.39's `configuration.yml`, generated from typed options. Pure: no Pulumi, no secrets.
 *
 * Only current keys are written (see `../shared/docs/platform-facts.md`, "Authelia", and upstream
 * `internal/configuration/deprecation.go`): `server.address`, `session.cookies[]`, `identity_validation.reset_password`,
 * `storage.postgres.address`, `notifier.smtp.address`. Secret values never appear here: Authelia reads each of them
 * from the file named by an `AUTHELIA_<KEY>_FILE` environment variable ({@link AUTHELIA_SECRET_FILE_ENV}), pointing
 * into a mounted Kubernetes Secret, so the configuration itself can live in a ConfigMap.
 *
 * Access control is written so that adding a user never changes it: each workspace host `<username>.<domain>` is
 * matched by ONE `domain_regex` rule whose named group `User` must equal the logged-in username (Authelia's
 * `RegexpGroupStringSubjectMatcher`); see `access-control.ts` for an executable model of how Authelia evaluates it.
 */
import { createHash } from "node:crypto";
import YAML from "yaml";
import { ARGON2ID_PARAMETERS } from "./users-database";

/** Authelia access-control policies a rule may carry. */
export type AutheliaRulePolicy = "bypass" | "one_factor" | "two_factor" | "deny";
/** Policies a workspace host may require: never `bypass` (the `User` group needs an identified user). */
export type WorkspacePolicy = "one_factor" | "two_factor";

/** One `access_control.rules[]` entry (the subset of keys this platform writes and `access-control.ts` models). */
export interface AutheliaAccessControlRule {
  domain?: string | string[];
  domain_regex?: string | string[];
  resources?: string | string[];
  methods?: string | string[];
  subject?: string | (string | string[])[];
  networks?: string | string[];
  query?: unknown[];
  policy: AutheliaRulePolicy;
}

/** `access_control` as Authelia reads it. */
export interface AutheliaAccessControl {
  default_policy: "deny" | "one_factor" | "two_factor";
  rules: AutheliaAccessControlRule[];
}

/** The notifier: a file inside the pod (development) or an SMTP submission server (production). */
export type AutheliaNotifierOptions =
  | { kind: "filesystem"; filename: string }
  | {
      kind: "smtp";
      /** `submission://host:587` (STARTTLS), `submissions://host:465` (implicit TLS) or `smtp://host:25`. */
      address: string;
      /** `Name <user@example.com>` or `user@example.com`. */
      sender: string;
      username?: string;
      /** Name announced in HELO/EHLO. Default: Authelia's (`localhost`). */
      identifier?: string;
    };

/** Everything {@link buildAutheliaConfiguration} needs. Hosts are lowercase DNS names. */
export interface AutheliaConfigurationOptions {
  /** Base domain and session cookie domain, e.g. `dev.example.com`: workspaces are `<username>.<domain>`. */
  domain: string;
  /** The portal's host, e.g. `auth.dev.example.com` (must be under `domain`). */
  portalHost: string;
  /** Where Authelia sends people who logged in without a target. Must be `https://` under `domain`, not the portal. Unset: the portal shows its own "logged in" page. */
  defaultRedirectionUrl?: string;
  /** Factor(s) required on a workspace host. */
  workspacePolicy: WorkspacePolicy;
  /** Group whose members reach the platform hosts (with two factors). */
  adminGroup: string;
  /** Platform hosts (dashboards and the like) reserved to `adminGroup`; each under `domain`. */
  platformHosts: readonly string[];
  postgres: { host: string; port: number; database: string; username: string };
  redis: { host: string; port: number; databaseIndex?: number };
  notifier: AutheliaNotifierOptions;
  /** Path of the users database inside the pod (the file backend). */
  usersDatabasePath: string;
  /** Session lifetimes (Authelia duration strings). Defaults: 1 hour inactivity, 12 hours, remember-me 1 month. */
  session?: { inactivity?: string; expiration?: string; rememberMe?: string };
  /** Display name in TOTP apps and WebAuthn prompts. Default `VibeCode`. */
  brandName?: string;
  /** Default `info`. */
  logLevel?: "error" | "warn" | "info" | "debug" | "trace";
}

/**
 * Environment variables through which Authelia reads its secrets from files (`AUTHELIA_` + the key in upper case with
 * `.` → `_` + `_FILE`; verified against Authelia v4.39.20 `docs/data/configkeys.json`, where each of these keys is
 * marked `secret: true`).
 */
export const AUTHELIA_SECRET_FILE_ENV = {
  sessionSecret: "AUTHELIA_SESSION_SECRET_FILE",
  storageEncryptionKey: "AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE",
  resetPasswordJwtSecret: "AUTHELIA_IDENTITY_VALIDATION_RESET_PASSWORD_JWT_SECRET_FILE",
  postgresPassword: "AUTHELIA_STORAGE_POSTGRES_PASSWORD_FILE",
  redisPassword: "AUTHELIA_SESSION_REDIS_PASSWORD_FILE",
  smtpPassword: "AUTHELIA_NOTIFIER_SMTP_PASSWORD_FILE",
} as const;

/** Authelia's listening port in the pod. */
export const AUTHELIA_PORT = 9091;

/** Public suffixes refused as cookie domains (a short sample of the Public Suffix List; Authelia checks the full list at startup). */
const KNOWN_PUBLIC_SUFFIXES: ReadonlySet<string> = new Set([
  "ac.uk", "co.uk", "gov.uk", "ltd.uk", "me.uk", "net.uk", "org.uk", "plc.uk", "sch.uk",
  "com.au", "net.au", "org.au", "co.jp", "co.nz", "co.za", "com.br", "com.cn", "com.mx", "co.in",
  "appspot.com", "azurewebsites.net", "blogspot.com", "cloudfront.net", "github.io", "gitlab.io",
  "herokuapp.com", "netlify.app", "pages.dev", "vercel.app", "workers.dev",
]);

const DNS_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/**
 * Refuses a session cookie domain Authelia (or browsers) would refuse: it must be a lowercase DNS name containing a
 * period (Authelia's `reDomainCharacters`), not `localhost` or under it, not an IP address, not a wildcard, and not a
 * public suffix (checked against a short built-in sample only; Authelia itself checks the whole Public Suffix List).
 */
export function assertValidCookieDomain(domain: string): void {
  const fail = (why: string): never => {
    throw new Error(`Authelia: the session cookie domain "${domain}" ${why}`);
  };
  if (domain === "") fail("is empty");
  if (domain.startsWith("*.") || domain.startsWith(".")) fail("must be a plain domain (no leading '*.' or '.')");
  if (domain === "localhost" || domain.endsWith(".localhost")) fail("must not be localhost: browsers do not share cookies on it; use a real (or /etc/hosts) domain with a dot");
  if (/^[0-9.]+$/.test(domain) || domain.includes(":")) fail("must be a domain name, not an IP address: workspaces are its subdomains");
  if (!domain.includes(".")) fail("must contain a period (Authelia refuses single-label cookie domains)");
  if (!DNS_NAME.test(domain)) fail("must be a lowercase DNS name (letters, digits, '-', separated by '.')");
  if (KNOWN_PUBLIC_SUFFIXES.has(domain)) fail("is a public suffix: browsers refuse cookies for it");
}

/** True when `host` is `domain` or one of its subdomains. */
function isUnder(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** Escapes a literal for use inside a Go RE2 (and JavaScript) regular expression. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The one rule pattern matching every workspace host; its `User` group must equal the logged-in username. */
export function workspaceHostRegex(domain: string): string {
  return `^(?P<User>[a-z0-9-]+)\\.${escapeRegex(domain)}$`;
}

/**
 * The access rules, in order (first match wins):
 * 1. the portal: `bypass` (its own login page; it never needs forward-auth);
 * 2. platform hosts: `two_factor` for the admin group;
 * 3. platform hosts: `deny` for everyone else (so a platform host can never fall through to the workspace rule, even
 *    if someone's username equals its first label);
 * 4. workspace hosts `<User>.<domain>`: the workspace policy, for the owner only;
 * everything else: the default policy `deny`.
 */
export function buildAccessControl(o: Pick<AutheliaConfigurationOptions, "domain" | "portalHost" | "platformHosts" | "adminGroup" | "workspacePolicy">): AutheliaAccessControl {
  const rules: AutheliaAccessControlRule[] = [{ domain: o.portalHost, policy: "bypass" }];
  const platformHosts = [...new Set(o.platformHosts)].sort();
  if (platformHosts.length > 0) {
    rules.push({ domain: [...platformHosts], subject: [`group:${o.adminGroup}`], policy: "two_factor" });
    rules.push({ domain: [...platformHosts], policy: "deny" });
  }
  rules.push({ domain_regex: workspaceHostRegex(o.domain), policy: o.workspacePolicy });
  return { default_policy: "deny", rules };
}

/** Refuses options Authelia would refuse at startup, or that would break the access model, naming the option. */
export function validateConfigurationOptions(o: AutheliaConfigurationOptions): void {
  assertValidCookieDomain(o.domain);
  const fail = (message: string): never => {
    throw new Error(`Authelia: ${message}`);
  };
  if (!DNS_NAME.test(o.portalHost) || !o.portalHost.endsWith(`.${o.domain}`)) {
    fail(`the portal host "${o.portalHost}" must be a subdomain of the cookie domain "${o.domain}"`);
  }
  for (const host of o.platformHosts) {
    if (!DNS_NAME.test(host) || !host.endsWith(`.${o.domain}`)) fail(`platform host "${host}" must be a subdomain of "${o.domain}" (Authelia only protects hosts under its cookie domain)`);
    if (host === o.portalHost) fail(`platform host "${host}" is the portal itself`);
  }
  if (o.workspacePolicy !== "one_factor" && o.workspacePolicy !== "two_factor") {
    fail(`workspacePolicy must be "two_factor" or "one_factor", got ${JSON.stringify(o.workspacePolicy)}`);
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(o.adminGroup)) fail(`adminGroup "${o.adminGroup}" must be a DNS label`);
  if (o.defaultRedirectionUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(o.defaultRedirectionUrl);
    } catch {
      return fail(`defaultRedirectionUrl "${o.defaultRedirectionUrl}" is not a URL`);
    }
    if (url.protocol !== "https:") fail(`defaultRedirectionUrl "${o.defaultRedirectionUrl}" must be https`);
    if (!isUnder(url.hostname, o.domain)) fail(`defaultRedirectionUrl "${o.defaultRedirectionUrl}" must be under "${o.domain}"`);
    if (url.hostname === o.portalHost && (url.pathname === "/" || url.pathname === "")) fail("defaultRedirectionUrl must not be the portal itself");
  }
  if (o.notifier.kind === "smtp" && !/^(smtp|submissions?):\/\/[^:/]+(:\d+)?$/.test(o.notifier.address)) {
    fail(`smtp.address "${o.notifier.address}" must look like submission://host:587 (or submissions://host:465, smtp://host:25)`);
  }
}

/**
 * The parsed `configuration.yml`. Contains no secret: session secret, storage encryption key, reset-password JWT
 * secret and the Postgres, Redis and SMTP passwords come from files (see {@link AUTHELIA_SECRET_FILE_ENV}).
 */
export function buildAutheliaConfiguration(o: AutheliaConfigurationOptions): Record<string, unknown> {
  validateConfigurationOptions(o);
  const brand = o.brandName ?? "VibeCode";
  const notifier =
    o.notifier.kind === "filesystem"
      ? { filesystem: { filename: o.notifier.filename } }
      : {
          smtp: {
            address: o.notifier.address,
            sender: o.notifier.sender,
            ...(o.notifier.username !== undefined ? { username: o.notifier.username } : {}),
            ...(o.notifier.identifier !== undefined ? { identifier: o.notifier.identifier } : {}),
            subject: `[${brand}] {title}`,
          },
        };
  return {
    theme: "auto",
    server: {
      address: `tcp://:${AUTHELIA_PORT}/`,
      // Authelia would otherwise write /app/.healthcheck.env (for Docker's HEALTHCHECK) at startup, which fails on a
      // read-only root filesystem; Kubernetes probes use GET /api/health, which stays.
      disable_healthcheck: true,
      // Only the endpoint Traefik uses; the legacy /api/verify, auth-request and ext-authz endpoints are not served.
      endpoints: { authz: { "forward-auth": { implementation: "ForwardAuth" } } },
    },
    log: { level: o.logLevel ?? "info", format: "json" },
    // Node clocks are the host's business; the default startup check would need UDP egress to time.cloudflare.com.
    ntp: { disable_startup_check: true },
    totp: {
      issuer: o.domain,
      algorithm: "SHA1",
      digits: 6,
      period: 30,
      skew: 1,
      secret_size: 32,
    },
    webauthn: {
      display_name: brand,
      attestation_conveyance_preference: "indirect",
      timeout: "60 seconds",
      selection_criteria: { user_verification: "preferred" },
    },
    identity_validation: {
      // The JWT secret comes from AUTHELIA_IDENTITY_VALIDATION_RESET_PASSWORD_JWT_SECRET_FILE.
      reset_password: { jwt_lifespan: "5 minutes", jwt_algorithm: "HS256" },
      elevated_session: { code_lifespan: "5 minutes", elevation_lifespan: "10 minutes" },
    },
    authentication_backend: {
      // The users database is generated by Pulumi and mounted read-only: a password Authelia wrote would be lost (and
      // differ between replicas). Passwords change through the stack (see the Authelia component's docs).
      password_reset: { disable: true },
      password_change: { disable: true },
      // Suspending a user (disabled: true) ends their sessions within a minute.
      refresh_interval: "1 minute",
      file: {
        path: o.usersDatabasePath,
        watch: true,
        search: { email: false, case_insensitive: false },
        password: {
          algorithm: "argon2",
          argon2: {
            variant: "argon2id",
            iterations: ARGON2ID_PARAMETERS.iterations,
            memory: ARGON2ID_PARAMETERS.memoryKiB,
            parallelism: ARGON2ID_PARAMETERS.parallelism,
            key_length: ARGON2ID_PARAMETERS.keyLength,
            salt_length: ARGON2ID_PARAMETERS.saltLength,
          },
        },
      },
    },
    access_control: buildAccessControl(o),
    session: {
      // The secret comes from AUTHELIA_SESSION_SECRET_FILE.
      name: "authelia_session",
      same_site: "lax",
      inactivity: o.session?.inactivity ?? "1 hour",
      expiration: o.session?.expiration ?? "12 hours",
      remember_me: o.session?.rememberMe ?? "1 month",
      cookies: [
        {
          domain: o.domain,
          authelia_url: `https://${o.portalHost}`,
          ...(o.defaultRedirectionUrl !== undefined ? { default_redirection_url: o.defaultRedirectionUrl } : {}),
        },
      ],
      // The password comes from AUTHELIA_SESSION_REDIS_PASSWORD_FILE.
      redis: { host: o.redis.host, port: o.redis.port, database_index: o.redis.databaseIndex ?? 0 },
    },
    regulation: { modes: ["user"], max_retries: 5, find_time: "2 minutes", ban_time: "10 minutes" },
    storage: {
      // The encryption key comes from AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE, the password from
      // AUTHELIA_STORAGE_POSTGRES_PASSWORD_FILE.
      postgres: {
        address: `tcp://${o.postgres.host}:${o.postgres.port}`,
        database: o.postgres.database,
        username: o.postgres.username,
        timeout: "5 seconds",
      },
    },
    notifier,
  };
}

/** The configuration as the YAML text of the ConfigMap (stable key order: as built). */
export function renderAutheliaConfiguration(config: Record<string, unknown>): string {
  // No anchors/aliases: the file is read by people too.
  return YAML.stringify(config, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** SHA-256 (hex) of a text: the pod-template annotation that rolls the pods when the configuration changes. */
export function checksumOf(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
