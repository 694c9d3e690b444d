import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseUsersFile } from "../components/provisioning/users-file";
import { generateUsersFile, main, runBench, type BenchResults } from "./bench";
import { renderMarkdown } from "./bench/report";
import { sampleResults } from "./bench/sample-results";

const RULES = { tiers: ["small", "medium", "large"], reservedUsernames: [], storageMin: "1Gi", storageMax: "500Gi" };

describe("bench", () => {
  it("generates a valid users file: every fifth person suspended, tiers mixed", () => {
    const users = parseUsersFile(generateUsersFile(12), "generated.yaml", RULES);
    expect(users).toHaveLength(12);
    expect(users.filter((u) => !u.enabled).map((u) => u.username)).toEqual(["user00004", "user00009"]);
    expect(new Set(users.map((u) => u.tier))).toEqual(new Set(["small", "medium", "large"]));
  });

  it.each([
    [["--users", "0"], "--users sizes must be between 1 and 20000"],
    [["--users", "10,abc"], "--users takes a comma-separated list of sizes"],
    [["--runs", "0"], "--runs takes a whole number from 1 to 20"],
    [["--runs", "two"], "--runs takes a whole number from 1 to 20"],
    [["--node-cpu", "0"], "--node-cpu takes a number of cores"],
    [["--node-memory", "lots"], "--node-memory must be a quantity such as 32Gi"],
    [["--frobnicate"], "Unknown option '--frobnicate'"],
  ])("refuses %j with exit 2 and says why", async (argv, message) => {
    const errors: string[] = [];
    const spy = jest.spyOn(console, "error").mockImplementation((m: string) => void errors.push(m));
    try {
      expect(await main(argv)).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join("\n")).toContain(message);
    expect(errors.join("\n")).toContain("usage: npm run --silent bench");
  });

  it("reports the marginal objects per user and the checker's speed-up over the render", () => {
    const results = sampleResults();
    const md = renderMarkdown(results);
    expect(md).toContain("| 1000 | 11633 | 11.6 | 13651 | 34.50 | 25.00 | 1.38 | 875 | 1848 | 0.47 |");
    expect(md).toContain("| 100 | 1193 | 11.9 | 1411 | 5.00 | 4.00 | 1.25 | 330 | 322 | 1.02 |");
    expect(md).toContain("Rendering 1000 users costs 6.90× rendering 100 (10× the users); each user adds 11.6 Kubernetes objects.");
    expect(md).toContain("11633 objects in 5.71 s = 2037 objects/s, 6× faster than rendering them.");
  });

  it("measures real renders, floors and the checker (1 and 3 people, one run each)", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"));
    const progress = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    let results: BenchResults;
    try {
      results = await runBench({ users: [1, 3], runs: 1, json: true, check: false, out });
    } finally {
      progress.mockRestore();
    }
    const [one, three] = results.render;
    // Two more enabled people: 12 objects each (namespace, service account, volume, deployment, service, ingress,
    // forward-auth middleware, three network policies, quota, limit range).
    expect(three!.objects - one!.objects).toBe(24);
    expect(results.floor.map((f) => f.resources)).toEqual(results.render.map((r) => r.resources));
    for (const row of [...results.render, ...results.floor]) {
      expect(row.seconds).toBeGreaterThan(0);
      expect(row.peakRssMiB).toBeGreaterThan(50);
    }
    for (const row of results.render) {
      expect(row.timesFloorTime).toBeGreaterThan(0.2);
      expect(row.timesFloorRss).toBeGreaterThan(0.2);
    }
    expect(results.policy).toMatchObject({ objects: three!.objects });
    expect(results.footprint.dev.cpuRequestCores).toBeLessThanOrEqual(1);
    expect(results.footprint.dev.memoryRequestMiB).toBeLessThanOrEqual(1536);
    // The prod stack's workspaceNode (default 8 CPU / 32Gi); small requests 100m / 512Mi: memory bounds it at 64.
    expect(results.workspacesPerNode.node).toEqual({ cpu: 8, memory: "32Gi" });
    expect(results.workspacesPerNode.tiers.small).toEqual({ byRequests: 64, byLimits: 8 });
  });
});
