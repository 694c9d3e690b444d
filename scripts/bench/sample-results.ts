import type { BenchResults } from "../bench";

/** Bench results that meet every target, shaped like a real 100/1,000-user run (for tests). */
export function sampleResults(): BenchResults {
  return {
    render: [
      { users: 100, seconds: 5, peakRssMiB: 330, objects: 1193, resources: 1411, timesFloorTime: 1.25, timesFloorRss: 1.02 },
      { users: 1000, seconds: 34.5, peakRssMiB: 875, objects: 11633, resources: 13651, timesFloorTime: 1.38, timesFloorRss: 0.47 },
    ],
    floor: [
      { resources: 1411, seconds: 4, peakRssMiB: 322 },
      { resources: 13651, seconds: 25, peakRssMiB: 1848 },
    ],
    policy: { objectsPerSecond: 2037, objects: 11633, seconds: 5.71, timesFasterThanRender: 6 },
    footprint: {
      dev: { cpuRequestCores: 0.225, memoryRequestMiB: 496, cpuLimitCores: 2.8, memoryLimitMiB: 2272 },
      prod: { cpuRequestCores: 1.165, memoryRequestMiB: 2272, cpuLimitCores: 5.1, memoryLimitMiB: 5120 },
    },
    workspacesPerNode: { node: { cpu: 8, memory: "32Gi" }, tiers: { small: { byRequests: 64, byLimits: 8 } } },
  };
}
