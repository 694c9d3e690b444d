/**
 * What `bench --check` holds the figures to, so a change that makes the render slower, hungrier or bigger fails
 * its pull request instead of surprising the people who run it (the targets of the benchmark issue).
 *
 * Ratios, not absolute times: the render and its floor run on the same machine in the same bench, so a slow or
 * busy runner moves both. The time and memory targets apply to the largest size measured, where the engine's own
 * work dominates; at tens of users the fixed start-up (loading the SDK, cdk8s, zod, the stack config) is most of
 * both processes and is reported, not judged.
 */
import type { BenchResults } from "../bench";

export const BENCH_TARGETS = {
  /** Render seconds / floor seconds, largest size. */
  maxTimesFloorTime: 1.5,
  /** Render peak RSS / floor peak RSS, largest size. */
  maxTimesFloorRss: 1.25,
  /** Growth of render time between the two largest sizes, per growth of users (1.2: 12× the time for 10× the users). */
  maxGrowthPerUserGrowth: 1.2,
  /** Kubernetes objects each additional user adds (the workspace's isolation objects; see CodeServerWorkspace). */
  maxObjectsPerUser: 14,
  /** Render seconds / policy-checker seconds on the same (largest) render. */
  minCheckerSpeedup: 5,
  /** The dev platform without workspaces, so a laptop KIND cluster fits it plus several workspaces. */
  maxDevCpuRequestCores: 1,
  maxDevMemoryRequestMiB: 1536,
} as const;

/** Every target the results miss, one sentence each; empty when all are met. */
export function missedTargets(r: BenchResults, t: typeof BENCH_TARGETS = BENCH_TARGETS): string[] {
  const missed: string[] = [];
  const last = r.render.length - 1;
  if (last >= 0) {
    const render = r.render[last]!;
    const time = render.timesFloorTime;
    const rss = render.timesFloorRss;
    if (time > t.maxTimesFloorTime) missed.push(`render of ${render.users} users takes ${time.toFixed(2)}× the floor's time (target ≤ ${t.maxTimesFloorTime}×)`);
    if (rss > t.maxTimesFloorRss) missed.push(`render of ${render.users} users peaks at ${rss.toFixed(2)}× the floor's RSS (target ≤ ${t.maxTimesFloorRss}×)`);
  }
  if (last >= 1) {
    const [a, b] = [r.render[last - 1]!, r.render[last]!];
    const users = b.users / a.users;
    const growth = b.seconds / a.seconds;
    if (users > 1 && growth > users * t.maxGrowthPerUserGrowth) {
      missed.push(`render time grows ${growth.toFixed(2)}× from ${a.users} to ${b.users} users (target ≤ ${(users * t.maxGrowthPerUserGrowth).toFixed(1)}×)`);
    }
    const perUser = (b.objects - a.objects) / (b.users - a.users);
    if (perUser > t.maxObjectsPerUser) missed.push(`each user adds ${perUser.toFixed(1)} Kubernetes objects (target ≤ ${t.maxObjectsPerUser})`);
  }
  if ("timesFasterThanRender" in r.policy && r.policy.timesFasterThanRender < t.minCheckerSpeedup) {
    missed.push(`the policy checker is ${r.policy.timesFasterThanRender}× faster than the render (target ≥ ${t.minCheckerSpeedup}×)`);
  }
  const dev = r.footprint.dev;
  if (dev.cpuRequestCores > t.maxDevCpuRequestCores) missed.push(`the dev platform requests ${dev.cpuRequestCores} CPU (target ≤ ${t.maxDevCpuRequestCores})`);
  if (dev.memoryRequestMiB > t.maxDevMemoryRequestMiB) missed.push(`the dev platform requests ${dev.memoryRequestMiB} MiB (target ≤ ${t.maxDevMemoryRequestMiB} MiB)`);
  return missed;
}
