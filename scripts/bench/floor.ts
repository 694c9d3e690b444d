/**
 * The floor of the benchmark: a bare Pulumi program that registers N trivial Kubernetes resources under the same
 * mock runtime, runner and settings as the offline render. What the render costs above this is the project's own.
 *
 *   node --require tsx/cjs scripts/bench/floor.ts <resources>
 */
process.setSourceMapsEnabled(false); // as scripts/render.ts does

import * as k8s from "@pulumi/kubernetes";
import { runUnderMocks } from "../render/mock-runtime";

const count = Number(process.argv[2]);
if (!Number.isInteger(count) || count < 1) {
  console.error("usage: floor.ts <resources>");
  process.exit(2);
}
runUnderMocks(
  () => {
    for (let i = 0; i < count; i++) {
      new k8s.core.v1.ConfigMap(`cm-${i}`, { metadata: { name: `cm-${i}`, namespace: "floor" }, data: { key: "value" } });
    }
  },
  { project: "floor", stack: "bench" },
).then(
  (run) => console.error(`floor: ${run.resources.length} resources`),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
