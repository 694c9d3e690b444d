import type { BenchResults } from "../bench";
import { sampleResults as passing } from "./sample-results";
import { BENCH_TARGETS, missedTargets } from "./targets";

describe("bench targets", () => {
  it("passes figures that meet every target", () => {
    expect(missedTargets(passing())).toEqual([]);
  });

  it.each<[string, (r: BenchResults) => void, string]>([
    ["slow against the floor", (r) => (r.render[1]!.timesFloorTime = 1.52), "render of 1000 users takes 1.52× the floor's time (target ≤ 1.5×)"],
    ["memory-hungry", (r) => (r.render[1]!.timesFloorRss = 1.3), "render of 1000 users peaks at 1.30× the floor's RSS (target ≤ 1.25×)"],
    ["super-linear", (r) => (r.render[0]!.seconds = 2), "render time grows 17.25× from 100 to 1000 users (target ≤ 12.0×)"],
    ["too many objects per user", (r) => (r.render[1]!.objects = 1193 + 900 * 15), "each user adds 15.0 Kubernetes objects (target ≤ 14)"],
    ["a slow checker", (r) => (r.policy = { objectsPerSecond: 500, objects: 11633, seconds: 23, timesFasterThanRender: 1.5 }), "the policy checker is 1.5× faster than the render (target ≥ 5×)"],
    ["a heavy dev platform (CPU)", (r) => (r.footprint.dev.cpuRequestCores = 1.2), "the dev platform requests 1.2 CPU (target ≤ 1)"],
    ["a heavy dev platform (memory)", (r) => (r.footprint.dev.memoryRequestMiB = 1600), "the dev platform requests 1600 MiB (target ≤ 1536 MiB)"],
  ])("reports %s", (_, spoil, message) => {
    const r = passing();
    spoil(r);
    expect(missedTargets(r)).toEqual([message]);
  });

  it("judges time and memory at the largest size only: start-up dominates small renders", () => {
    const r = passing();
    r.render[0]!.timesFloorTime = 1.7; // 10 users: start-up is most of both processes
    r.render[0]!.timesFloorRss = 1.3;
    expect(missedTargets(r)).toEqual([]);
  });

  it("skips what it has no figures for (one size, checker not measured)", () => {
    const r = passing();
    r.render = [r.render[1]!];
    r.floor = [r.floor[1]!];
    r.policy = { skipped: "scripts/policy.ts is not there" };
    expect(missedTargets(r)).toEqual([]);
  });

  it("states the targets of the benchmark issue", () => {
    expect(BENCH_TARGETS).toMatchObject({ maxTimesFloorTime: 1.5, maxTimesFloorRss: 1.25, maxObjectsPerUser: 14, minCheckerSpeedup: 5 });
  });
});
