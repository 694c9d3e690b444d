/**
 * End-to-end suite: the real Pulumi engine, the real Kubernetes provider and a real API server (kwok plays the
 * kubelets). Run with `npm run test:e2e` (scripts/e2e/run.sh starts the control plane and sets KUBECONFIG); it is
 * not part of the unit suite (node:test, file not named *.test.ts).
 *
 * The steps share one stack and run in order; a step whose precondition failed is skipped, not failed again.
 * Wall times of every `pulumi up` are printed at the end and added to $E2E_REPORT (JSON) when set. The fresh
 * 30-user deployment runs in scale.spec.ts, on a control plane of its own.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  baseUsers,
  E2eProject,
  type E2eUser,
  eventually,
  generatedUsers,
  appendReport,
  isRunningReady,
  kubectl,
  kubectlJson,
  type KubeList,
  type KubeObject,
  makeTempRoot,
  REPO_ROOT,
  resourceName,
  stackKubernetesObjects,
  tail,
} from "./harness";

const SCALE_USERS = Number(process.env.E2E_SCALE_USERS ?? 30);
const NS = (u: string) => `ws-${u}`;

let project: E2eProject;
let users: E2eUser[];
let deployed = false;
const notes: string[] = [];

function workspacePods(user: string): KubeObject[] {
  return kubectlJson<KubeList>(["-n", NS(user), "get", "pods", "-l", "app.kubernetes.io/name=code-server"]).items.filter(
    (p) => !p.metadata.deletionTimestamp,
  );
}

/** The first "… because it is protected …" diagnostic of a Pulumi run, with its first lines. */
function protectMessage(output: string): string {
  const lines = output.split("\n");
  const i = lines.findIndex((l) => /because it is protected/.test(l));
  return i < 0 ? "(no protect diagnostic)" : lines.slice(Math.max(0, i - 1), i + 2).join("\n");
}

/** Fails with the command's output when it did not succeed. */
function ok(r: { code: number; stdout: string; stderr: string }, what: string): void {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${tail(r.stdout, 60)}\n${tail(r.stderr, 60)}`);
}

describe("e2e: real Pulumi engine against a local API server", { concurrency: false }, () => {
  before(() => {
    project = new E2eProject(makeTempRoot());
    users = baseUsers();
    project.init(users);
  });

  after(() => {
    project?.cleanup();
    const report = { ups: project?.ups ?? [], notes };
    console.log(`\ne2e pulumi up wall times:\n${report.ups.map((u) => `  ${u.label}: ${u.seconds.toFixed(1)}s (${u.users} users${u.ok ? "" : ", FAILED"})`).join("\n")}`);
    for (const n of notes) console.log(`note: ${n}`);
    appendReport(report);
  });

  it(`pulumi up with ${baseUsers().length} users creates every object; workspace pods run on kwok nodes`, async () => {
    const r = project.up("first up", users.length);
    ok(r, "pulumi up");
    deployed = true;

    const objects = stackKubernetesObjects(project);
    assert.ok(objects.length > 40, `expected the whole platform in state, found ${objects.length} Kubernetes objects`);
    const missing: string[] = [];
    const byType = new Map<string, Set<string>>();
    for (const o of objects) {
      const type = resourceName(o.apiVersion, o.kind);
      if (!byType.has(type)) {
        const list = kubectlJson<KubeList>(["get", type, "-A"]);
        byType.set(type, new Set(list.items.map((i) => `${i.metadata.namespace ?? ""}/${i.metadata.name}`)));
      }
      if (!byType.get(type)!.has(`${o.namespace ?? ""}/${o.name}`)) missing.push(`${o.kind} ${o.namespace ?? ""}/${o.name}`);
    }
    assert.deepEqual(missing, [], "objects in Pulumi state but not in the API server");

    const nodes = new Map(kubectlJson<KubeList>(["get", "nodes"]).items.map((n) => [n.metadata.name, n]));
    for (const u of users.filter((x) => x.enabled !== false)) {
      const running = await eventually(60, () => workspacePods(u.username).some(isRunningReady));
      const pods = workspacePods(u.username);
      assert.ok(running, `${u.username}: no Running+Ready code-server pod (${JSON.stringify(pods.map((p) => p.status?.phase))})`);
      const node = nodes.get(pods[0]!.spec!.nodeName!);
      assert.ok(node?.metadata.labels?.type === "kwok", `${u.username}: pod on ${pods[0]!.spec!.nodeName}, not a kwok node`);
      assert.ok(node?.metadata.labels?.["vibecode.dev/pool"], "kwok nodes carry the dev cluster's pool label");
      const pvc = kubectlJson(["-n", NS(u.username), "get", "pvc", "home"]);
      assert.equal(pvc.status?.phase, "Bound", `${u.username}: home volume not Bound`);
    }
  });

  it("Pod Security Admission rejects a privileged pod in a workspace namespace", (t) => {
    if (!deployed) return t.skip("first up failed");
    const ns = NS(users[0]!.username);
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "e2e-privileged", namespace: ns },
      spec: { containers: [{ name: "c", image: "busybox:1.37", securityContext: { privileged: true } }] },
    };
    const r = kubectl(["create", "-f", "-"], JSON.stringify(pod));
    assert.notEqual(r.code, 0, "a privileged pod was admitted into a workspace namespace");
    assert.match(r.stderr, /violates PodSecurity "restricted:/, `rejected, but not by Pod Security Admission: ${r.stderr}`);
    assert.equal(kubectl(["-n", ns, "get", "pod", "e2e-privileged"]).code, 1, "the pod must not exist");
  });

  it("a second pulumi up plans no change", (t) => {
    if (!deployed) return t.skip("first up failed");
    const preview = project.pulumi(["preview", "--expect-no-changes", "--diff"]);
    ok(preview, "pulumi preview --expect-no-changes");
    const r = project.up("second up (no changes)", users.length, ["--expect-no-changes"]);
    ok(r, "pulumi up --expect-no-changes");
  });

  it("adding a user creates only that user's resources (and updates the users database)", async (t) => {
    if (!deployed) return t.skip("first up failed");
    const added: E2eUser = { username: "dave", email: "dave@example.com", groups: ["developers"] };
    users = [...users, added];
    project.writeUsers(users);
    const { result, steps } = project.previewSteps();
    ok(result, "pulumi preview --json");
    // `read` is the removal guard's StackReference, read on every run: not a change.
    const changed = steps.filter((s) => s.op !== "same" && s.op !== "read");
    const foreign = changed.filter((s) => !s.urn.includes(added.username));
    const foreignNames = foreign.map((s) => `${s.op} ${s.urn.split("::").slice(-2).join("::")}`);
    if (foreignNames.length > 0) notes.push(`adding a user also changes: ${foreignNames.join("; ")}`);
    // The users database Secret must be updated in place — never replaced, which would delete it for a moment
    // (the providers set enableSecretMutable; scripts/e2e/README.md "Findings") — and nothing else outside the new
    // user's own resources may change.
    const usersDb = foreign.filter((s) => /Secret::authelia:Secret\/authelia\/authelia-users$/.test(s.urn));
    assert.equal(usersDb.length, 1, `the Authelia users database was not updated; changes: ${foreignNames.join("; ")}`);
    assert.equal(usersDb[0]!.op, "update", "the Authelia users database must be updated in place, not replaced");
    const unexpected = foreign.filter((s) => !usersDb.includes(s));
    assert.deepEqual(unexpected.map((s) => `${s.op} ${s.urn}`), [], "changes outside the new user's resources and the users database");
    assert.ok(changed.some((s) => s.op === "create" && s.urn.includes(`${added.username}`)), "no resource created for the new user");
    assert.ok(changed.filter((s) => s.urn.includes(added.username)).every((s) => s.op === "create"), "the new user's resources are creates");

    ok(project.up("add one user", users.length), "pulumi up (add user)");
    assert.ok(await eventually(60, () => workspacePods(added.username).some(isRunningReady)), "the new user's pod is not Running");
  });

  it("suspending a user removes the pod and keeps the volume", async (t) => {
    if (!deployed) return t.skip("first up failed");
    const who = users[1]!.username;
    users = users.map((u) => (u.username === who ? { ...u, enabled: false } : u));
    project.writeUsers(users);
    ok(project.up("suspend one user", users.length), "pulumi up (suspend)");
    assert.ok(await eventually(60, () => workspacePods(who).length === 0), `${who}: a pod still exists after suspension`);
    const pvc = kubectlJson(["-n", NS(who), "get", "pvc", "home"]);
    assert.equal(pvc.status?.phase, "Bound", "the suspended user's volume is kept");
    assert.equal(kubectl(["-n", NS(who), "get", "ingress", "code-server"]).code, 1, "the suspended user's route is gone");
  });

  it("removing a user from the file: pulumi up refuses, nothing is deleted", (t) => {
    if (!deployed) return t.skip("first up failed");
    const who = users[2]!.username;
    project.writeUsers(users.filter((u) => u.username !== who));
    const r = project.up("remove a user (refused by the removal guard)", users.length - 1);
    const output = `${r.stdout}\n${r.stderr}`;
    assert.notEqual(r.code, 0, "pulumi up accepted the removal of a user with data");
    const message = output.split("\n").filter((l) => l.includes(`"${who}"`) || l.includes("protected")).join("\n");
    notes.push(`removal refused with:\n${message}`);
    assert.match(output, new RegExp(`user "${who}" was removed from the file, but their home volume is protected`), `refused, but not by the removal guard:\n${tail(output)}`);
    assert.equal(kubectl(["-n", NS(who), "get", "pvc", "home"]).code, 0, "the volume survives");

    // Without the guard, the engine's own protection refuses (protect on namespace and volume).
    ok(project.pulumi(["config", "set", "vibecode-platform:removalGuard", "false"]), "config set");
    const unguarded = project.up("remove a user, guard off (refused by protect)", users.length - 1);
    ok(project.pulumi(["config", "set", "vibecode-platform:removalGuard", "true"]), "config set");
    const out2 = `${unguarded.stdout}\n${unguarded.stderr}`;
    notes.push(`with removalGuard=false:\n${protectMessage(out2)}`);
    assert.notEqual(unguarded.code, 0, "with the guard off, pulumi up deleted a protected volume");
    assert.match(out2, /protected/i, `refused, but not by resource protection:\n${tail(out2)}`);
    assert.equal(kubectl(["-n", NS(who), "get", "pvc", "home"]).code, 0, "the volume survives");

    project.writeUsers(users); // put them back for what follows
  });

  it("pulumi preview --policy-pack policies reports no mandatory violation", (t) => {
    if (!deployed) return t.skip("first up failed");
    const pack = path.join(REPO_ROOT, "policies");
    if (!fs.existsSync(path.join(pack, "PulumiPolicy.yaml"))) return t.skip("policies/PulumiPolicy.yaml not present yet");
    const r = project.pulumi(["preview", "--policy-pack", pack]);
    const output = `${r.stdout}\n${r.stderr}`;
    const mandatory = output.split("\n").filter((l) => /mandatory/i.test(l));
    notes.push(`policy preview exit ${r.code}; ${mandatory.length} lines mention "mandatory"; advisory lines: ${output.split("\n").filter((l) => /advisory/i.test(l)).length}`);
    assert.equal(r.code, 0, `policy preview failed:\n${tail(output, 80)}`);
    assert.match(output, /Policies:\s*\n\s*✅ vibecode-kubernetes@/, `the pack did not run (or did not pass):\n${tail(output)}`);
    assert.deepEqual(mandatory.filter((l) => !/0 mandatory/i.test(l)), [], "mandatory policy violations");
  });

  it(`scale: grow the stack to ${SCALE_USERS} users`, async (t) => {
    if (!deployed) return t.skip("first up failed");
    if (SCALE_USERS <= users.length) return t.skip(`E2E_SCALE_USERS=${SCALE_USERS}`);
    const extra = generatedUsers(SCALE_USERS - users.length);
    users = [...users, ...extra];
    project.writeUsers(users);
    ok(project.up(`grow to ${users.length} users (+${extra.length})`, users.length), "pulumi up (scale)");
    const last = extra[extra.length - 1]!.username;
    assert.ok(await eventually(120, () => workspacePods(last).some(isRunningReady)), `${last}: pod not Running`);
    ok(project.up(`no-op up at ${users.length} users`, users.length, ["--expect-no-changes"]), "pulumi up --expect-no-changes (scale)");
  });

  it("pulumi destroy fails on protected volumes and keeps them; --exclude-protected succeeds and keeps them", (t) => {
    if (!deployed) return t.skip("first up failed");
    const pvcsBefore = kubectlJson<KubeList>(["get", "pvc", "-A", "-l", "vibecode.dev/workspace"]).items.length
      || users.length;
    const workloadsBefore = kubectlJson<KubeList>(["get", "deployments", "-A"]).items.length;
    const refused = project.pulumi(["destroy", "--yes", "--skip-preview"]);
    const workloadsAfter = kubectlJson<KubeList>(["get", "deployments", "-A"]).items.length;
    notes.push(`plain destroy: deployments before ${workloadsBefore}, after ${workloadsAfter}; summary: ${refused.stdout.split("\n").filter((l) => /^\s+(- )?\d+ (deleted|unchanged|errored)|^\s+-\s*\d+ to delete/.test(l)).map((l) => l.trim()).join(", ")}`);
    const out = `${refused.stdout}\n${refused.stderr}`;
    notes.push(`plain destroy: exit ${refused.code}:\n${protectMessage(out)}`);
    assert.notEqual(refused.code, 0, "pulumi destroy deleted protected resources");
    assert.match(out, /cannot be deleted\s+because it is protected/);
    // It fails only after deleting everything unprotected; the volumes are what must survive.
    const homes = kubectlJson<KubeList>(["get", "pvc", "-A"]).items.filter((p) => p.metadata.namespace?.startsWith("ws-"));
    assert.equal(homes.length, users.length, "every home volume survives a plain pulumi destroy");

    ok(project.pulumi(["destroy", "--yes", "--skip-preview", "--exclude-protected"]), "pulumi destroy --exclude-protected");
    const pvcs = kubectlJson<KubeList>(["get", "pvc", "-A"]).items.filter((p) => p.metadata.namespace?.startsWith("ws-"));
    assert.equal(pvcs.length, users.length, `home volumes kept for every user (had ${pvcsBefore})`);
    const nss = kubectlJson<KubeList>(["get", "namespaces"]).items.map((n) => n.metadata.name);
    for (const u of users) assert.ok(nss.includes(NS(u.username)), `${NS(u.username)} kept`);
    const deployments = kubectlJson<KubeList>(["get", "deployments", "-A"]).items.filter((d) => d.metadata.namespace?.startsWith("ws-"));
    assert.deepEqual(deployments.map((d) => `${d.metadata.namespace}/${d.metadata.name}`), [], "workloads are destroyed");
  });

});
