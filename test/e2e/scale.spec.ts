/**
 * End-to-end scale run: a fresh stack with E2E_SCALE_USERS (default 30) users, deployed from nothing on a control
 * plane of its own (the main suite's stack keeps cluster-wide objects — issuers, protected namespaces — that a
 * second platform stack in the same cluster would collide with). Records the wall time of the first `pulumi up`
 * and of a no-op one. Run by scripts/e2e/run.sh after e2e.spec.ts.
 */
import * as assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { appendReport, E2eProject, eventually, generatedUsers, isRunningReady, kubectlJson, type KubeList, makeTempRoot, tail } from "./harness";

const SCALE_USERS = Number(process.env.E2E_SCALE_USERS ?? 30);

describe(`e2e scale: a fresh stack with ${SCALE_USERS} users`, { concurrency: false }, () => {
  const project = new E2eProject(makeTempRoot());
  let deployed = false;

  after(() => {
    project.cleanup();
    console.log(`\ne2e scale pulumi up wall times:\n${project.ups.map((u) => `  ${u.label}: ${u.seconds.toFixed(1)}s (${u.users} users${u.ok ? "" : ", FAILED"})`).join("\n")}`);
    appendReport({ ups: project.ups, notes: [] });
  });

  it(`pulumi up from nothing with ${SCALE_USERS} users; every workspace pod Running`, async () => {
    project.init(generatedUsers(SCALE_USERS));
    const r = project.up(`fresh stack, first up`, SCALE_USERS);
    assert.equal(r.code, 0, `pulumi up failed:\n${tail(r.stdout, 60)}\n${tail(r.stderr)}`);
    deployed = true;
    const running = () =>
      kubectlJson<KubeList>(["get", "pods", "-A", "-l", "app.kubernetes.io/name=code-server"]).items.filter(
        (p) => p.metadata.namespace?.startsWith("ws-") && isRunningReady(p),
      ).length;
    assert.ok(await eventually(120, () => running() === SCALE_USERS), `${running()} of ${SCALE_USERS} workspace pods Running`);
  });

  it(`a second pulumi up at ${SCALE_USERS} users plans no change`, (t) => {
    if (!deployed) return t.skip("first up failed");
    const r = project.up(`fresh stack, no-op up`, SCALE_USERS, ["--expect-no-changes"]);
    assert.equal(r.code, 0, `pulumi up --expect-no-changes failed:\n${tail(r.stdout, 60)}\n${tail(r.stderr)}`);
  });
});
