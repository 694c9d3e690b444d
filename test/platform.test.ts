/**
 * The whole platform, as the dev and prod stacks render it: schema validity, who may reach what, where secrets
 * go, and what a change of the users file touches.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { authorizeRequest } from "../components/auth/access-control";
import { render, writeRender, type RenderedObject, type RenderResult } from "../scripts/render/render";
import { platformFootprint } from "../scripts/render/footprint";
import { runUnderMocks } from "../scripts/render/mock-runtime";
import { readStackConfigFile } from "../scripts/render/stack-config-file";
import { loadPlatformInputs, PROJECT_ROOT, runPlatform } from "../stacks/platform";
import { runCli as runPolicyChecker } from "../policies/checker/cli";
import {
  sharedSchemasAvailable,
  validateAutheliaConfiguration,
  validateAutheliaUsersDatabase,
  validateKubernetesObjects,
} from "./support/schema-validation";

type Obj = Record<string, any>;
const TWO_USERS = path.join(__dirname, "fixtures", "alice-and-bob.yaml");

const find = (objects: RenderedObject[], kind: string, ns: string | undefined, name: string): Obj | undefined =>
  objects.find((o) => {
    const meta = o.object.metadata as Obj;
    return o.object.kind === kind && meta.namespace === ns && meta.name === name;
  })?.object as Obj;
const autheliaConfiguration = (objects: RenderedObject[]) =>
  parse(find(objects, "ConfigMap", "authelia", "authelia-config")!.data["configuration.yml"]);
const usersDatabase = (objects: RenderedObject[]) =>
  parse(find(objects, "Secret", "authelia", "authelia-users")!.stringData["users_database.yml"]);

/** Flattened key paths of a configuration, e.g. `session.cookies.0.domain`. */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return [p, ...keyPaths(v, p)];
  });
}

/** Keys Authelia 4.39 deprecates (platform-facts, from upstream's deprecation list); none may appear. */
const DEPRECATED_AUTHELIA_KEYS = [
  "jwt_secret",
  "default_redirection_url",
  "host",
  "port",
  "server.host",
  "server.port",
  "server.path",
  "session.domain",
  "session.remember_me_duration",
  "storage.postgres.host",
  "storage.postgres.port",
  "notifier.smtp.host",
  "notifier.smtp.port",
];

describe.each(["dev", "prod"])("the %s stack", (stack) => {
  let result: RenderResult;
  beforeAll(async () => {
    result = await render({ stack, usersFile: TWO_USERS });
  });

  it("renders only schema-valid objects: core API, custom resources, Authelia configuration and users database", () => {
    if (!sharedSchemasAvailable()) console.warn("../shared/schemas is absent: CRs and Authelia files were checked against the core API only");
    expect(validateKubernetesObjects(result.objects.map((o) => o.object))).toEqual([]);
    expect(validateAutheliaConfiguration(autheliaConfiguration(result.objects))).toEqual([]);
    expect(validateAutheliaUsersDatabase(usersDatabase(result.objects))).toEqual([]);
  });

  it("uses no deprecated Authelia key", () => {
    const keys = keyPaths(autheliaConfiguration(result.objects));
    expect(keys.filter((k) => DEPRECATED_AUTHELIA_KEYS.includes(k))).toEqual([]);
    expect(keys).toContain("server.address");
    expect(keys).toContain("session.cookies");
  });

  it("lets alice into alice's workspace with two factors only, never bob, never anyone anonymous", () => {
    const { access_control: acl, session } = autheliaConfiguration(result.objects);
    const domain = session.cookies[0].domain;
    const alice = { username: "alice", groups: ["developers"] };
    const bob = { username: "bob", groups: ["developers"] };
    const host = `alice.${domain}`;
    expect(acl.default_policy).toBe("deny");
    expect(authorizeRequest(acl, { host, user: alice }, "two_factor")).toBe("allowed");
    expect(authorizeRequest(acl, { host, user: alice }, "one_factor")).toBe("login");
    expect(authorizeRequest(acl, { host, user: bob }, "two_factor")).toBe("forbidden");
    expect(authorizeRequest(acl, { host }, "none")).toBe("login");
    expect(authorizeRequest(acl, { host: `bob.${domain}`, user: alice }, "two_factor")).toBe("forbidden");
    expect(authorizeRequest(acl, { host: `auth.${domain}` }, "none")).toBe("allowed");
    expect(authorizeRequest(acl, { host: "alice.evil.example" , user: alice }, "two_factor")).toBe("forbidden");
  });

  it("admits to Postgres and Redis only Authelia's pods (and, for CloudNativePG, its own instances and operator)", () => {
    const policies = result.objects.filter((o) => o.object.kind === "NetworkPolicy" && (o.object.metadata as Obj).namespace === "authelia").map((o) => o.object as Obj);
    const selects = (policy: Obj, labels: Record<string, string>) =>
      Object.entries(policy.spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    const sourcesOn = (labels: Record<string, string>, port: number) =>
      policies
        .filter((p) => selects(p, labels))
        .flatMap((p) => (p.spec.ingress ?? []).filter((rule: Obj) => (rule.ports ?? []).some((x: Obj) => x.port === port)))
        .flatMap((rule: Obj) => rule.from ?? [{ everywhere: true }]);
    const authelia = { podSelector: { matchLabels: { "app.kubernetes.io/instance": "authelia", "app.kubernetes.io/name": "authelia" } } };

    const redisPod = find(result.objects, "StatefulSet", "authelia", "redis")!.spec.template.metadata.labels;
    expect(sourcesOn(redisPod, 6379)).toEqual([authelia]);
    expect(policies.some((p) => selects(p, redisPod) && p.spec.podSelector.matchLabels && p.spec.policyTypes.includes("Ingress") && !p.spec.ingress)).toBe(true);

    if (stack === "dev") {
      const pgPod = find(result.objects, "StatefulSet", "authelia", "postgres")!.spec.template.metadata.labels;
      expect(sourcesOn(pgPod, 5432)).toEqual([authelia]);
    } else {
      const cnpgPod = { "cnpg.io/cluster": "postgres", "cnpg.io/instanceRole": "primary" };
      expect(sourcesOn(cnpgPod, 5432)).toEqual(
        expect.arrayContaining([authelia, { podSelector: { matchLabels: { "cnpg.io/cluster": "postgres" } } }]),
      );
      expect(sourcesOn(cnpgPod, 5432)).toHaveLength(3);
    }
  });

  it("keeps generated secrets in Secrets: never in a ConfigMap, an env literal or resources.json", () => {
    // Under the mock runtime, every @pulumi/random value is `mock-<resource name>-RandomPassword`.
    const sentinel = /mock-[A-Za-z0-9-]+-RandomPassword/;
    for (const { object } of result.objects) {
      const text = JSON.stringify(object);
      if (object.kind === "Secret") continue;
      expect({ file: `${object.kind}/${(object.metadata as Obj).name}`, leak: sentinel.exec(text)?.[0] }).toEqual({
        file: `${object.kind}/${(object.metadata as Obj).name}`,
        leak: undefined,
      });
    }
    const secrets = result.objects.filter((o) => o.object.kind === "Secret");
    expect(secrets.some((s) => sentinel.test(JSON.stringify(s.object)))).toBe(true); // the values do exist, here only
    expect(JSON.stringify(result.resources)).not.toMatch(sentinel);
  });

  it("passes the policy checker with no mandatory violation (as CI runs it on the render)", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `vibecode-policy-${stack}-`));
    writeRender(result, out);
    const checked = await runPolicyChecker(["check", path.join(out, "manifests"), "--format", "json"], out);
    const report = JSON.parse(checked.stdout) as { violations: { enforcement: string; policy: string; message: string }[] };
    expect(report.violations.filter((v) => v.enforcement === "mandatory")).toEqual([]);
    expect(checked.exitCode).toBe(0);
  });

  it("renders identical bytes again", async () => {
    const a = fs.mkdtempSync(path.join(os.tmpdir(), "vibecode-a-"));
    const b = fs.mkdtempSync(path.join(os.tmpdir(), "vibecode-b-"));
    writeRender(result, a);
    writeRender(await render({ stack, usersFile: TWO_USERS }), b);
    for (const f of ["resources.json", ...fs.readdirSync(path.join(a, "manifests")).map((m) => `manifests/${m}`)]) {
      expect(fs.readFileSync(path.join(b, f), "utf8")).toBe(fs.readFileSync(path.join(a, f), "utf8"));
    }
  });
});

describe("platform configuration", () => {
  it("the prod stack is highly available where it matters", async () => {
    const { objects, resources } = await render({ stack: "prod", usersFile: TWO_USERS });
    expect(find(objects, "Deployment", "authelia", "authelia")!.spec.replicas).toBe(2);
    expect(find(objects, "PodDisruptionBudget", "authelia", "authelia")!.spec.minAvailable).toBe(1);
    expect(find(objects, "Cluster", "authelia", "postgres")!.spec.instances).toBe(3);
    const traefik = resources.find((r) => r.name === "ingress:traefik") as Obj;
    expect(traefik.inputs.values.deployment.replicas).toBe(2);
    expect(find(objects, "ClusterIssuer", undefined, "letsencrypt")!.spec.acme.email).toBe("platform-team@example.com");
  });

  it.each([
    [["domain="], 'Pulumi.dev.yaml (with --config overrides): config key "vibecode-platform:domain": must be a lowercase DNS name'],
    [["issuer=acme", "acmeEmail=not-an-email"], 'config key "vibecode-platform:acmeEmail": must be an e-mail address'],
    [["issuer=acme"], 'config key "vibecode-platform:acmeEmail": is required with issuer acme'],
    [["defaultTier=huge"], 'config key "vibecode-platform:defaultTier": names no tier; defined tiers: small, medium, large'],
    [["cluster=existing"], 'config key "vibecode-platform:kubeContext": is required with cluster existing'],
    [["workspacePolicy=one_factor", "cluster=existing", "kubeContext=x"], 'config key "vibecode-platform:workspacePolicy": one_factor is allowed only on a KIND dev cluster'],
    [["postgresMode=external"], 'config key "vibecode-platform:postgresHost": is required with postgresMode external'],
    [["traefikReplicas=0"], 'config key "vibecode-platform:traefikReplicas"'],
    [["domainn=x.example.com"], 'config key "vibecode-platform:domainn": unknown key'],
    [['workspaceNode={"cpu":0.4,"memory":"32Gi"}'], 'config key "vibecode-platform:tiers" at large.cpuRequest: 500m is more than one workspace node has (workspaceNode cpu 0.4); no pod of this tier could be scheduled'],
    [['workspaceNode={"cpu":8,"memory":"1Gi"}'], 'config key "vibecode-platform:tiers" at large.memoryRequest: 2Gi is more than one workspace node has (workspaceNode memory 1Gi)'],
    [['workspaceNode={"cpu":"eight","memory":"32Gi"}'], 'config key "vibecode-platform:workspaceNode" at cpu: cpu must be a number of cores, e.g. 8'],
    [['workspaceNode={"memory":"32Gi"}'], 'config key "vibecode-platform:workspaceNode" at cpu: is required'],
  ])("refuses %j naming the key", async (overrides, message) => {
    const config = Object.fromEntries(overrides.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
    await expect(render({ stack: "dev", usersFile: TWO_USERS, overrides: config })).rejects.toThrow(message);
  });

  it("with the cluster's own cert-manager (installCertManager false), the dev root CA goes to its namespace", async () => {
    const { objects, resources } = await render({
      stack: "dev",
      usersFile: TWO_USERS,
      overrides: { installCertManager: "false", certManagerNamespace: "security" },
    });
    expect(find(objects, "Certificate", "security", "vibecode-root-ca")!.spec.isCA).toBe(true);
    expect(find(objects, "Namespace", undefined, "security")).toBeUndefined(); // exists already: not ours
    expect(find(objects, "Namespace", undefined, "cert-manager")).toBeUndefined();
    expect(resources.filter((r) => String(r.name).endsWith(":cert-manager") && r.type === "kubernetes:helm.sh/v3:Release")).toEqual([]);
  });

  it.each([
    ["dev", {}, true], // KIND: the stack knows the cluster's kubeconfig
    ["prod", {}, false], // kubeContext: shards use the same context; no undefined output to warn about
    ["prod", { "vibecode-platform:kubeconfig": "apiVersion: v1" }, true],
  ])("exports the kubeconfig (a secret) for shards only when the stack has one: %s %j", async (stack, extra, exported) => {
    const file = readStackConfigFile(PROJECT_ROOT, stack);
    const config = { ...file.values, ...extra };
    const inputs = loadPlatformInputs(stack, config, file.name, TWO_USERS, [...file.secretKeys, ...Object.keys(extra)]);
    let outputs: Record<string, unknown> = {};
    await runUnderMocks(async () => (outputs = { ...(await runPlatform(inputs)) }), { project: "vibecode-platform", stack, config, secretKeys: [...file.secretKeys, ...Object.keys(extra)] });
    expect("kubeconfig" in outputs).toBe(exported);
  });

  it("the dev platform fits a laptop: at most 1 CPU and 1.5 GiB requested without workspaces", async () => {
    const f = platformFootprint(await render({ stack: "dev", usersFile: TWO_USERS }));
    expect(f.parts.map((p) => p.name).sort()).toEqual([
      "Deployment/authelia/authelia",
      "StatefulSet/authelia/postgres",
      "StatefulSet/authelia/redis",
      "cert-manager",
      "cert-manager-cainjector",
      "cert-manager-webhook",
      "traefik",
    ]);
    expect(f.cpuRequestCores).toBeCloseTo(0.225, 6); // the README quotes these figures
    expect(f.memoryRequestMiB).toBe(496);
    expect(f.cpuRequestCores).toBeLessThanOrEqual(1);
    expect(f.memoryRequestMiB).toBeLessThanOrEqual(1536);
  });

  it("refuses a missing domain naming the key and how to set it", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "vibecode-root-"));
    fs.writeFileSync(path.join(root, "Pulumi.bare.yaml"), "config:\n  vibecode-platform:cluster: kind\n");
    await expect(render({ stack: "bare", usersFile: TWO_USERS, projectRoot: root })).rejects.toThrow(
      'Pulumi.bare.yaml: config key "vibecode-platform:domain": is required — set it with `pulumi config set vibecode-platform:domain dev.example.com`',
    );
  });
});
