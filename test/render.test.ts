import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { render, writeRender, type RenderResult } from "../scripts/render/render";
import { sharedSchemasAvailable, validateKubernetesObjects } from "./support/schema-validation";

const ROOT = path.resolve(__dirname, "..");
const THREE_USERS = path.join(__dirname, "fixtures", "three-users.yaml");
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `vibecode-${name}-`));

/** Every file under `dir`, relative path → bytes. */
function snapshotDir(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else files.set(path.relative(dir, p), fs.readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return files;
}

function runCli(args: string[]) {
  return spawnSync(process.execPath, [require.resolve("tsx/cli"), "scripts/render.ts", ...args], { cwd: ROOT, encoding: "utf8" });
}

describe("offline render of the dev stack", () => {
  let result: RenderResult;
  let outDir: string;
  beforeAll(async () => {
    result = await render({ stack: "dev", usersFile: THREE_USERS });
    outDir = tmp("render");
    writeRender(result, outDir);
  });

  const objectsOf = (ns: string) => result.objects.filter((o) => (o.object.metadata as { namespace?: string }).namespace === ns);
  const kindsIn = (ns: string) => objectsOf(ns).map((o) => `${o.object.kind}/${(o.object.metadata as { name: string }).name}`).sort();

  it("gives each enabled user every workspace object", () => {
    for (const user of ["alice", "bob"]) {
      expect(result.objects.some((o) => o.file === `_cluster.namespace.ws-${user}.yaml`)).toBe(true);
      expect(kindsIn(`ws-${user}`)).toEqual([
        "Deployment/code-server",
        "Ingress/code-server",
        "LimitRange/workspace-limits",
        "Middleware/forward-auth",
        "NetworkPolicy/allow-dns-and-internet",
        "NetworkPolicy/allow-ingress-controller",
        "NetworkPolicy/default-deny-all",
        "PersistentVolumeClaim/home",
        "ResourceQuota/workspace-quota",
        "Service/code-server",
        "ServiceAccount/workspace",
      ]);
    }
  });

  it("keeps the suspended user's namespace, volume and isolation, without pod or route", () => {
    expect(kindsIn("ws-carol")).toEqual([
      "Deployment/code-server",
      "LimitRange/workspace-limits",
      "NetworkPolicy/allow-dns-and-internet",
      "NetworkPolicy/allow-ingress-controller",
      "NetworkPolicy/default-deny-all",
      "PersistentVolumeClaim/home",
      "ResourceQuota/workspace-quota",
      "Service/code-server",
      "ServiceAccount/workspace",
    ]);
    const deployment = objectsOf("ws-carol").find((o) => o.object.kind === "Deployment")!.object as { spec: { replicas: number } };
    expect(deployment.spec.replicas).toBe(0);
  });

  it("applies the stack config: storage class and tier", () => {
    const pvc = parse(fs.readFileSync(path.join(outDir, "manifests", "ws-alice.persistentvolumeclaim.home.yaml"), "utf8"));
    expect(pvc.spec.storageClassName).toBe("standard");
    expect(pvc.spec.resources.requests.storage).toBe("20Gi"); // medium tier
    const ingress = parse(fs.readFileSync(path.join(outDir, "manifests", "ws-bob.ingress.code-server.yaml"), "utf8"));
    expect(ingress.spec.rules[0].host).toBe("bob.vibecode.localtest.me");
  });

  it("writes only schema-valid Kubernetes objects", () => {
    const objects = [...snapshotDir(path.join(outDir, "manifests")).values()].map((text) => parse(text));
    expect(objects).toHaveLength(result.objects.length);
    if (!sharedSchemasAvailable()) console.warn("../shared/schemas is absent: custom resources (Traefik Middleware) were not schema-checked");
    expect(validateKubernetesObjects(objects)).toEqual([]);
  });

  it("records every resource with its parent and protection in resources.json", () => {
    const doc = JSON.parse(fs.readFileSync(path.join(outDir, "resources.json"), "utf8"));
    const byName = new Map<string, any>(doc.resources.map((r: any) => [r.name, r]));
    const pvc = byName.get("alice:PersistentVolumeClaim/ws-alice/home");
    expect(pvc).toMatchObject({ type: "kubernetes:core/v1:PersistentVolumeClaim", protect: true, retainOnDelete: true });
    expect(pvc.parent).toBe(byName.get("alice").urn);
    expect(byName.get("alice").parent).toBe(byName.get("workspaces").urn);
    expect(byName.get("workspaces").type).toBe("vibecode:provisioning:WorkspaceFleet");
    const k8sObjects = doc.resources.filter((r: any) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"));
    expect(k8sObjects).toHaveLength(result.objects.length);
  });

  it("is byte-identical when rendered again", async () => {
    const again = tmp("render-again");
    writeRender(await render({ stack: "dev", usersFile: THREE_USERS }), again);
    expect(snapshotDir(again)).toEqual(snapshotDir(outDir));
  });

  it("adding a user changes none of the other users' objects, only the sign-on users database", async () => {
    const withDave = path.join(tmp("users"), "users.yaml");
    fs.writeFileSync(withDave, fs.readFileSync(THREE_USERS, "utf8") + "  - username: dave\n    email: dave@example.com\n");
    const after = tmp("render-dave");
    writeRender(await render({ stack: "dev", usersFile: withDave }), after);
    const before = snapshotDir(path.join(outDir, "manifests"));
    const now = snapshotDir(path.join(after, "manifests"));
    const changed = [...before].filter(([file, text]) => now.get(file) !== text).map(([file]) => file);
    expect(changed).toEqual(["authelia.secret.authelia-users.yaml"]);
    const added = [...now.keys()].filter((f) => !before.has(f));
    expect(added.length).toBe(12);
    for (const f of added) expect(f.startsWith("ws-dave.") || f === "_cluster.namespace.ws-dave.yaml").toBe(true);
  });
});

describe("render command line", () => {
  it("writes manifests and resources.json, exit 0", () => {
    const out = tmp("cli");
    const r = runCli(["--stack", "prod", "--out", out]);
    expect(r.stderr).toMatch(/render: \d+ Kubernetes objects, \d+ resources/);
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(out, "resources.json"))).toBe(true);
    expect(fs.readdirSync(path.join(out, "manifests"))).toContain("ws-alice.deployment.code-server.yaml");
  });

  it("refuses an invalid users file with positioned messages and writes nothing", () => {
    const bad = path.join(tmp("bad"), "users.yaml");
    fs.writeFileSync(bad, "users:\n  - username: Alice\n    email: alice@example.com\n");
    const out = path.join(tmp("cli-bad"), "out");
    const r = runCli(["--stack", "dev", "--users", bad, "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:15: username \"Alice\" must be a DNS label`, "m"));
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses invalid config naming the key, and writes nothing", () => {
    const out = path.join(tmp("cli-config"), "out");
    const r = runCli(["--stack", "dev", "--config", "domain=localhost", "--config", "tiers={\"x\":1}", "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('config key "vibecode-platform:domain"');
    expect(r.stderr).toContain('config key "vibecode-platform:tiers" at x');
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses an unknown stack and a bad command line", () => {
    expect(runCli(["--stack", "staging", "--out", tmp("x")]).stderr).toMatch(/Pulumi.staging.yaml: no such stack file; stacks here: dev, (e2e, )?prod/);
    const r = runCli(["--stack", "dev"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--out is required");
    expect(runCli(["--stack", "dev", "--out", tmp("y"), "--frobnicate"]).status).toBe(2);
  });
});
