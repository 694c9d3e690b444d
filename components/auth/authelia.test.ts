import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { isSecretValue, runUnderMocks, type RecordedResource } from "../../scripts/render/mock-runtime";
import {
  sharedSchemasAvailable,
  validateAutheliaConfiguration,
  validateAutheliaUsersDatabase,
  validateKubernetesObjects,
} from "../../test/support/schema-validation";
import type { WorkspaceUser } from "../provisioning/users-file";
import { evaluateAccess } from "./access-control";
import { Authelia, type AutheliaArgs } from "./authelia";
import type { AutheliaAccessControl } from "./configuration";
import { AUTHELIA_POD_LABELS, CONFIG_CHECKSUM_ANNOTATION } from "./manifests";
import { isBcryptDigest } from "./users-database";

const SCHEMAS = sharedSchemasAvailable();
const itWithSchemas = SCHEMAS ? it : it.skip;
if (!SCHEMAS) {
  console.warn("../shared/schemas is absent: the rendered Authelia configuration and users database were NOT schema-checked (those tests are skipped)");
}

const DOMAIN = "dev.example.com";
const ALICE: WorkspaceUser = { username: "alice", email: "alice@example.com", name: "Alice", groups: [], enabled: true };
const BOB: WorkspaceUser = { username: "bob", email: "bob@example.com", groups: ["admins"], enabled: true };
const CAROL: WorkspaceUser = { username: "carol", email: "carol@example.com", groups: [], enabled: false };
/** Plain-text passwords handed in by the caller (as the data components would): they too must stay secret. */
const POSTGRES_PASSWORD = "caller-postgres-password-6f1d";
const REDIS_PASSWORD = "caller-redis-password-81ac";
const SMTP_PASSWORD = "caller-smtp-password-2b7e";

function args(overrides: Partial<AutheliaArgs> = {}): AutheliaArgs {
  return {
    domain: DOMAIN,
    users: [ALICE, BOB],
    postgres: { host: "postgres.authelia.svc.cluster.local", password: POSTGRES_PASSWORD, podLabels: { "app.kubernetes.io/name": "postgres" } },
    redis: { host: "valkey.authelia.svc.cluster.local", password: REDIS_PASSWORD, podLabels: { "app.kubernetes.io/name": "valkey" } },
    platformHosts: [`grafana.${DOMAIN}`],
    ...overrides,
  };
}

const PROD: Partial<AutheliaArgs> = {
  replicas: 2,
  smtp: { address: "submission://smtp.example.com:587", sender: "VibeCode <noreply@example.com>", username: "vibecode", password: SMTP_PASSWORD },
};

interface Run {
  resources: RecordedResource[];
  component: Authelia;
}

async function run(a: AutheliaArgs): Promise<Run> {
  let component: Authelia | undefined;
  const result = await runUnderMocks(
    () => {
      component = new Authelia("authelia", a);
    },
    { project: "test", stack: "unit" },
  );
  return { resources: result.resources, component: component! };
}

/** Inputs with every secret wrapper replaced by its value. */
function unwrap(value: unknown): any {
  if (isSecretValue(value)) return unwrap(value.value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  return value;
}

/** Every string in `value` that is NOT inside a secret wrapper, with its path. */
function plainStrings(value: unknown, path = ""): { path: string; text: string }[] {
  if (isSecretValue(value)) return [];
  if (typeof value === "string") return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => plainStrings(v, `${path}[${i}]`));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => plainStrings(v, `${path}.${k}`));
  return [];
}

const k8sResources = (resources: RecordedResource[]) => resources.filter((r) => r.type.startsWith("kubernetes:"));
const byKind = (resources: RecordedResource[], kind: string) => k8sResources(resources).filter((r) => r.type.endsWith(`:${kind}`));
const one = (resources: RecordedResource[], kind: string, name?: string) => {
  const found = byKind(resources, kind).filter((r) => name === undefined || unwrap(r.inputs).metadata.name === name);
  expect(found).toHaveLength(1);
  return unwrap(found[0]!.inputs);
};
const usersDatabaseText = (resources: RecordedResource[]): string => one(resources, "Secret", "authelia-users").stringData["users_database.yml"];
const configurationText = (resources: RecordedResource[]): string => one(resources, "ConfigMap", "authelia-config").data["configuration.yml"];

/** What the mock runtime returns for a `random` resource (see scripts/render/mock-runtime.ts). */
function mockRandomValues(resources: RecordedResource[]): string[] {
  return resources
    .filter((r) => r.type.startsWith("random:index/"))
    .flatMap((r) => {
      const fake = `mock-${r.name}-${r.type.split(":").pop()}`.replace(/[^A-Za-z0-9-]/g, "-");
      return [fake, Buffer.from(fake).toString("hex"), Buffer.from(fake).toString("base64")];
    });
}

describe("Authelia on the mock runtime", () => {
  let dev: Run;
  let prod: Run;
  beforeAll(async () => {
    dev = await run(args());
    prod = await run(args(PROD));
  });

  it("registers each object as its own resource under the component", () => {
    const component = dev.resources.find((r) => r.type === "vibecode:auth:Authelia")!;
    expect(component).toBeDefined();
    expect(k8sResources(dev.resources).map((r) => r.name).sort()).toEqual([
      "authelia:ConfigMap/authelia/authelia-config",
      "authelia:Deployment/authelia/authelia",
      "authelia:Ingress/authelia/authelia",
      "authelia:Namespace/authelia",
      "authelia:NetworkPolicy/authelia/allow-dns",
      "authelia:NetworkPolicy/authelia/allow-ingress-controller",
      "authelia:NetworkPolicy/authelia/allow-postgres",
      "authelia:NetworkPolicy/authelia/allow-redis",
      "authelia:NetworkPolicy/authelia/default-deny-all",
      "authelia:Secret/authelia/authelia-secrets",
      "authelia:Secret/authelia/authelia-users",
      "authelia:Service/authelia/authelia",
      "authelia:ServiceAccount/authelia/authelia",
    ]);
    for (const r of dev.resources.filter((x) => x.custom)) expect(r.parent).toBe(component.urn);
    const ns = dev.resources.find((r) => r.type === "kubernetes:core/v1:Namespace")!;
    for (const r of k8sResources(dev.resources).filter((x) => x !== ns)) expect(r.dependsOn).toContain(ns.urn);
  });

  it("creates the namespace with Pod Security restricted", () => {
    expect(one(dev.resources, "Namespace").metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    });
  });

  it("renders schema-valid Kubernetes objects (dev and prod)", () => {
    for (const r of [dev, prod]) expect(validateKubernetesObjects(k8sResources(r.resources).map((x) => unwrap(x.inputs)))).toEqual([]);
  });

  itWithSchemas("renders a configuration and a users database valid against Authelia 4.39's schemas", () => {
    for (const r of [dev, prod]) {
      expect(validateAutheliaConfiguration(parse(configurationText(r.resources)))).toEqual([]);
      expect(validateAutheliaUsersDatabase(parse(usersDatabaseText(r.resources)))).toEqual([]);
    }
  });

  it("runs Authelia under a restricted security context, reading secrets from files", () => {
    const spec = one(dev.resources, "Deployment").spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: "RuntimeDefault" } });
    expect(spec.automountServiceAccountToken).toBe(false);
    for (const c of [...spec.containers, ...spec.initContainers]) {
      expect(c.securityContext).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(c.image).toBe("ghcr.io/authelia/authelia:4.39.20");
    }
    const authelia = spec.containers[0];
    expect(authelia.env).toEqual([
      { name: "X_AUTHELIA_CONFIG", value: "/config/configuration.yml" },
      { name: "AUTHELIA_SESSION_SECRET_FILE", value: "/run/secrets/authelia/SESSION_SECRET" },
      { name: "AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE", value: "/run/secrets/authelia/STORAGE_ENCRYPTION_KEY" },
      { name: "AUTHELIA_IDENTITY_VALIDATION_RESET_PASSWORD_JWT_SECRET_FILE", value: "/run/secrets/authelia/RESET_PASSWORD_JWT_SECRET" },
      { name: "AUTHELIA_STORAGE_POSTGRES_PASSWORD_FILE", value: "/run/secrets/authelia/STORAGE_POSTGRES_PASSWORD" },
      { name: "AUTHELIA_SESSION_REDIS_PASSWORD_FILE", value: "/run/secrets/authelia/SESSION_REDIS_PASSWORD" },
    ]);
    const prodEnv = one(prod.resources, "Deployment").spec.template.spec.containers[0].env;
    expect(prodEnv).toContainEqual({ name: "AUTHELIA_NOTIFIER_SMTP_PASSWORD_FILE", value: "/run/secrets/authelia/NOTIFIER_SMTP_PASSWORD" });
    for (const probe of [authelia.startupProbe, authelia.readinessProbe, authelia.livenessProbe]) {
      expect(probe.httpGet).toEqual({ path: "/api/health", port: "http" });
    }
    expect(authelia.ports).toEqual([{ name: "http", containerPort: 9091, protocol: "TCP" }]);
    expect(authelia.resources.requests).toEqual({ cpu: "50m", memory: "64Mi" });
  });

  it("mounts the users Secret as a directory (no subPath) and syncs it into the file Authelia watches", () => {
    const spec = one(dev.resources, "Deployment").spec.template.spec;
    const mounts = [...spec.containers, ...spec.initContainers].flatMap((c: any) => c.volumeMounts);
    for (const m of mounts) expect(m.subPath).toBeUndefined();
    expect(spec.volumes).toContainEqual({ name: "users-source", secret: { secretName: "authelia-users", defaultMode: 0o440 } });
    const sidecar = spec.initContainers[0];
    expect(sidecar).toMatchObject({ name: "users-sync", restartPolicy: "Always" });
    expect(sidecar.command.join(" ")).toMatch(/mv -f "\$tmp" "\$dst"/);
    const config = parse(configurationText(dev.resources));
    expect(config.authentication_backend.file).toMatchObject({ path: "/run/authelia/users/users_database.yml", watch: true });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: "users", mountPath: "/run/authelia/users" });
  });

  it("annotates the pod template with the checksum of the configuration", () => {
    const annotations = one(dev.resources, "Deployment").spec.template.metadata.annotations;
    expect(annotations[CONFIG_CHECKSUM_ANNOTATION]).toBe(createHash("sha256").update(configurationText(dev.resources)).digest("hex"));
  });

  it("exposes Service authelia 80 → 9091 and the forward-auth address", async () => {
    expect(one(dev.resources, "Service").spec.ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    expect(one(dev.resources, "Service").spec.selector).toEqual(AUTHELIA_POD_LABELS);
    expect(await outputValue(dev.component.forwardAuthAddress)).toBe("http://authelia.authelia.svc.cluster.local/api/authz/forward-auth");
    expect(await outputValue(dev.component.portalUrl)).toBe(`https://auth.${DOMAIN}`);
    expect(await outputValue(dev.component.namespace)).toBe("authelia");
  });

  it("serves the portal on auth.<domain> with a cert-manager certificate and no forward-auth", () => {
    const ingress = one(dev.resources, "Ingress");
    expect(ingress.metadata.annotations).toMatchObject({ "cert-manager.io/cluster-issuer": "vibecode-ca", "vibecode.dev/portal": "true" });
    expect(ingress.metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"]).toBeUndefined();
    expect(ingress.spec.tls).toEqual([{ hosts: [`auth.${DOMAIN}`], secretName: "authelia-tls" }]);
    expect(ingress.spec.rules[0].host).toBe(`auth.${DOMAIN}`);
  });

  it("fences the pods with NetworkPolicies: deny all, ingress controller in, DNS/Postgres/Redis out, SMTP only in prod", () => {
    const policies = (r: Run) => new Map(byKind(r.resources, "NetworkPolicy").map((x) => [unwrap(x.inputs).metadata.name, unwrap(x.inputs).spec]));
    const d = policies(dev);
    expect(d.get("default-deny-all")).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(d.get("allow-ingress-controller").ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } } }], ports: [{ protocol: "TCP", port: 9091 }] },
    ]);
    expect(d.get("allow-postgres").egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "authelia" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "postgres" } } }],
        ports: [{ protocol: "TCP", port: 5432 }],
      },
    ]);
    expect(d.get("allow-redis").egress[0].ports).toEqual([{ protocol: "TCP", port: 6379 }]);
    expect(d.has("allow-smtp")).toBe(false);
    expect(policies(prod).get("allow-smtp").egress).toEqual([
      { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }], ports: [{ protocol: "TCP", port: 587 }] },
    ]);
  });

  it("runs 2 replicas in prod with a PodDisruptionBudget and topology spread; dev has neither", () => {
    expect(byKind(dev.resources, "PodDisruptionBudget")).toHaveLength(0);
    expect(one(dev.resources, "Deployment").spec.template.spec.topologySpreadConstraints).toBeUndefined();
    const deployment = one(prod.resources, "Deployment");
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.topologySpreadConstraints[0]).toMatchObject({ topologyKey: "kubernetes.io/hostname", maxSkew: 1 });
    expect(one(prod.resources, "PodDisruptionBudget").spec).toEqual({ minAvailable: 1, selector: { matchLabels: AUTHELIA_POD_LABELS } });
  });

  it("builds the users database from the users with the provider's bcrypt digests of the generated initial passwords", async () => {
    const db = parse(usersDatabaseText(dev.resources));
    expect(Object.keys(db.users)).toEqual(["alice", "bob"]);
    expect(db.users.alice).toMatchObject({ displayname: "Alice", email: "alice@example.com", groups: [], disabled: false });
    expect(db.users.bob.groups).toEqual(["admins"]);
    const passwords = await outputValue(dev.component.initialPasswords);
    expect(Object.keys(passwords).sort()).toEqual(["alice", "bob"]);
    expect(isBcryptDigest(db.users.alice.password)).toBe(true);
    // Each digest is the one the random provider computed for that person's password (the mock derives it from the
    // resource), so the file changes only when a password does.
    const aliceDigest = dev.resources.find((r) => r.name === "authelia-initial-password-alice")!;
    expect(aliceDigest.type).toBe("random:index/randomPassword:RandomPassword");
    expect(db.users.alice.password).not.toBe(db.users.bob.password);
    expect(await pulumi.isSecret(dev.component.initialPasswords)).toBe(true);
  });

  it("marks suspended users disabled", async () => {
    const r = await run(args({ users: [ALICE, BOB, CAROL] }));
    expect(parse(usersDatabaseText(r.resources)).users.carol.disabled).toBe(true);
  });

  it("gives alice (and only alice) her workspace in the rendered configuration", () => {
    const ac = parse(configurationText(dev.resources)).access_control as AutheliaAccessControl;
    expect(evaluateAccess(ac, { host: `alice.${DOMAIN}`, user: { username: "alice", groups: [] } })).toBe("two_factor");
    expect(evaluateAccess(ac, { host: `alice.${DOMAIN}`, user: { username: "bob", groups: ["admins"] } })).toBe("deny");
    expect(evaluateAccess(ac, { host: `alice.${DOMAIN}` })).not.toBe("bypass");
    expect(evaluateAccess(ac, { host: `auth.${DOMAIN}` })).toBe("bypass");
  });

  it("re-running with the same inputs registers identical inputs (stable hashes: no diff)", async () => {
    const again = await run(args());
    const snapshot = (r: Run) => r.resources.map((x) => [x.name, JSON.stringify(unwrap(x.inputs))]);
    expect(snapshot(again)).toEqual(snapshot(dev));
    expect(usersDatabaseText(again.resources)).toBe(usersDatabaseText(dev.resources));
  });

  it("adding a user changes only the users-database Secret (not the ConfigMap, not the pod template)", async () => {
    const more = await run(args({ users: [ALICE, BOB, { ...CAROL, enabled: true }] }));
    const inputsOf = (r: Run) => new Map(k8sResources(r.resources).map((x) => [x.name, JSON.stringify(unwrap(x.inputs))]));
    const before = inputsOf(dev);
    const after = inputsOf(more);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const changed = [...before.keys()].filter((name) => before.get(name) !== after.get(name));
    expect(changed).toEqual(["authelia:Secret/authelia/authelia-users"]);
    // Alice's and Bob's entries are untouched; carol is new.
    const a = parse(usersDatabaseText(dev.resources)).users;
    const b = parse(usersDatabaseText(more.resources)).users;
    expect(b.alice).toEqual(a.alice);
    expect(b.bob).toEqual(a.bob);
    expect(Object.keys(b)).toEqual(["alice", "bob", "carol"]);
    // The only new resource besides that is carol's initial password.
    const names = (r: Run) => new Set(r.resources.map((x) => x.name));
    expect([...names(more)].filter((n) => !names(dev).has(n))).toEqual(["authelia-initial-password-carol"]);
  });

  it("keeps every generated or supplied secret out of plain inputs: only inside secret values", () => {
    for (const r of [dev, prod]) {
      const needles = [...mockRandomValues(r.resources), POSTGRES_PASSWORD, REDIS_PASSWORD, SMTP_PASSWORD];
      expect(mockRandomValues(r.resources).length).toBeGreaterThanOrEqual(3 * 5); // session, storage, jwt, alice, bob
      const leaks = r.resources.flatMap((res) =>
        plainStrings(res.inputs)
          .filter(({ text }) => needles.some((n) => text.includes(n)) || text.includes("$argon2id$"))
          .map(({ path }) => `${res.name}${path}`),
      );
      expect(leaks).toEqual([]);
      // ...and they are really there, wrapped: the scan looks at the right place.
      const secretsSecret = byKind(r.resources, "Secret").find((x) => unwrap(x.inputs).metadata.name === "authelia-secrets")!;
      expect(JSON.stringify(unwrap(secretsSecret.inputs))).toContain(POSTGRES_PASSWORD);
      expect(JSON.stringify(unwrap(secretsSecret.inputs))).toContain("mock-authelia-session-secret-RandomPassword");
      // No ConfigMap and no env literal carries any of them even when unwrapped.
      const configMaps = byKind(r.resources, "ConfigMap").map((x) => JSON.stringify(unwrap(x.inputs)));
      const env = JSON.stringify(one(r.resources, "Deployment").spec.template.spec.containers.map((c: any) => c.env));
      for (const n of needles) {
        for (const text of [...configMaps, env]) expect(text).not.toContain(n);
      }
    }
  });

  it("generates 64-character secrets and 32-character initial passwords", () => {
    const randoms = new Map(dev.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword").map((r) => [r.name, r.inputs]));
    expect(randoms.get("authelia-storage-encryption-key")).toMatchObject({ length: 64 });
    expect(randoms.get("authelia-session-secret")).toMatchObject({ length: 64 });
    expect(randoms.get("authelia-reset-password-jwt-secret")).toMatchObject({ length: 64 });
    expect(randoms.get("authelia-initial-password-alice")).toMatchObject({ length: 32 });
  });
});

describe("Authelia arguments", () => {
  it("refuses a data service without pod labels or CIDRs, naming the argument", async () => {
    await expect(run(args({ postgres: { host: "db", password: "x" } }))).rejects.toThrow(/postgres\.podLabels/);
  });

  it("accepts an external database by CIDR", async () => {
    const r = await run(args({ postgres: { host: "db.example.net", password: "x", cidrs: ["203.0.113.10/32"] } }));
    const policy = byKind(r.resources, "NetworkPolicy").map((x) => unwrap(x.inputs)).find((x) => x.metadata.name === "allow-postgres");
    expect(policy.spec.egress[0].to).toEqual([{ ipBlock: { cidr: "203.0.113.10/32" } }]);
  });

  it("refuses usernames that would be the portal's or a platform host's host name", async () => {
    await expect(run(args({ users: [{ ...ALICE, username: "auth" }] }))).rejects.toThrow(/portal/);
    await expect(run(args({ users: [{ ...ALICE, username: "grafana" }] }))).rejects.toThrow(/platform host/);
  });

  it("refuses a cookie domain Authelia would refuse", async () => {
    await expect(run(args({ domain: "localhost" }))).rejects.toThrow(/localhost/);
  });

  it("uses a custom namespace in the forward-auth address", async () => {
    const r = await run(args({ namespace: "sso" }));
    expect(await outputValue(r.component.forwardAuthAddress)).toBe("http://authelia.sso.svc.cluster.local/api/authz/forward-auth");
  });
});

function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}
