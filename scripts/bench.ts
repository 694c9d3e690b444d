/**
 * `npm run --silent bench -- [--users 10,100,1000] [--runs 3] [--json] [--check] [--out bench-results]
 *  [--node-cpu <cores>] [--node-memory <quantity>]` (node size: default the prod stack's `workspaceNode`)
 *
 * For each size: a generated users file, the offline render of the prod stack timed as a whole process (median of
 * --runs after a warm-up), its peak RSS, Kubernetes objects and Pulumi resources; beside it the floor (a bare Pulumi
 * program registering as many resources under the same mock runtime, timed the same way). Render, floor and, on
 * the largest size, the policy checker run in turn, run after run; ratios are taken run by run. Then the
 * platform's own footprint (dev and prod) and workspaces per node per tier.
 * Progress goes to stderr; results.json, results.md and chart.svg to --out. With --check, exit 1 when a target of
 * bench/targets.ts is missed (each miss on stderr).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { isQuantity, parseQuantity } from "../components/kubernetes/quantity";
import type { StackConfig } from "../stacks/config";
import { PROJECT_ROOT } from "../stacks/platform";
import { platformFootprint, type Footprint } from "./render/footprint";
import { render } from "./render/render";
import { renderChart, renderMarkdown } from "./bench/report";
import { missedTargets } from "./bench/targets";

const USAGE =
  "usage: npm run --silent bench -- [--users 10,100,1000] [--runs 3] [--json] [--check] [--out <dir>] [--node-cpu <cores>] [--node-memory <quantity>]";

const RUNS_MESSAGE = "--runs takes a whole number from 1 to 20";

const flagsSchema = z.strictObject({
  users: z
    .string()
    .regex(/^\d+(,\d+)*$/, "--users takes a comma-separated list of sizes, e.g. 10,100,1000")
    .default("10,100,1000")
    .transform((s) => s.split(",").map(Number))
    .refine((sizes) => sizes.every((n) => n >= 1 && n <= 20000), "--users sizes must be between 1 and 20000"),
  runs: z.coerce.number({ error: RUNS_MESSAGE }).int(RUNS_MESSAGE).min(1, RUNS_MESSAGE).max(20, RUNS_MESSAGE).default(3),
  json: z.boolean().default(false),
  check: z.boolean().default(false),
  out: z.string().min(1).default("bench-results"),
  /** Default: the prod stack's `workspaceNode`. */
  "node-cpu": z.coerce.number({ error: "--node-cpu takes a number of cores, e.g. 8" }).positive("--node-cpu takes a number of cores, e.g. 8").optional(),
  "node-memory": z.string().refine(isQuantity, "--node-memory must be a quantity such as 32Gi").optional(),
});

/** One timed whole-process measurement. */
interface Sample {
  seconds: number;
  peakRssMiB: number;
  stderr: string;
}

export interface BenchResults {
  /**
   * Medians over the runs; `timesFloorTime`/`timesFloorRss` are the medians of each run's ratio to the floor run
   * beside it (robust to a machine whose speed drifts during the bench).
   */
  render: { users: number; seconds: number; peakRssMiB: number; objects: number; resources: number; timesFloorTime: number; timesFloorRss: number }[];
  floor: { resources: number; seconds: number; peakRssMiB: number }[];
  /** The checker on the largest render; `timesFasterThanRender`: median of render seconds / checker seconds, run by run. */
  policy: { objectsPerSecond: number; objects: number; seconds: number; timesFasterThanRender: number } | { skipped: string };
  footprint: { dev: FootprintSummary; prod: FootprintSummary };
  workspacesPerNode: { node: { cpu: number; memory: string }; tiers: Record<string, { byRequests: number; byLimits: number }> };
}

interface FootprintSummary {
  cpuRequestCores: number;
  memoryRequestMiB: number;
  cpuLimitCores: number;
  memoryLimitMiB: number;
}

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** Runs a TypeScript entry point as its own process (same runner as `npm run render`) and measures it. */
function runMeasured(script: string, args: string[]): Sample {
  const usageFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vibecode-bench-")), "usage.json");
  const started = process.hrtime.bigint();
  const child = spawnSync(
    process.execPath,
    ["--require", require.resolve("tsx/cjs"), "--require", path.join(__dirname, "bench", "report-usage.js"), script, ...args],
    { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, VIBECODE_BENCH_USAGE_FILE: usageFile }, maxBuffer: 256 * 2 ** 20 },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0 && child.status !== 1) throw new Error(`bench: ${script} ${args.join(" ")} failed (${child.status}): ${child.stderr.slice(-2000)}`);
  const usage = JSON.parse(fs.readFileSync(usageFile, "utf8")) as { maxRssKiB: number };
  return { seconds, peakRssMiB: usage.maxRssKiB / 1024, stderr: child.stderr };
}

/** A users file of `n` people (every fifth suspended, tiers mixed), as the users file's own syntax has it. */
export function generateUsersFile(n: number): string {
  const tiers = ["small", "medium", "large"];
  const lines = ["users:"];
  for (let i = 0; i < n; i++) {
    const u = `user${String(i).padStart(5, "0")}`;
    lines.push(`  - username: ${u}`, `    email: ${u}@example.com`, `    tier: ${tiers[i % 3]}`);
    if (i % 5 === 4) lines.push("    enabled: false");
  }
  return lines.join("\n") + "\n";
}

/** How many workspaces of each tier fit on one node, by requests and by limits. */
function workspacesPerNode(node: { cpu: number; memory: string }, tiers: StackConfig["tiers"]): BenchResults["workspacesPerNode"] {
  const memory = parseQuantity(node.memory);
  const fit = (cpu: string, mem: string) => Math.floor(Math.min(node.cpu / parseQuantity(cpu), memory / parseQuantity(mem)));
  return {
    node,
    tiers: Object.fromEntries(
      Object.entries(tiers).map(([name, t]) => [name, { byRequests: fit(t.cpuRequest, t.memoryRequest), byLimits: fit(t.cpuLimit, t.memoryLimit) }]),
    ),
  };
}

function summarize(f: Footprint): FootprintSummary {
  return {
    cpuRequestCores: round(f.cpuRequestCores, 3),
    memoryRequestMiB: round(f.memoryRequestMiB, 0),
    cpuLimitCores: round(f.cpuLimitCores, 3),
    memoryLimitMiB: round(f.memoryLimitMiB, 0),
  };
}

export async function runBench(flags: z.infer<typeof flagsSchema>): Promise<BenchResults> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "vibecode-bench-"));
  const footprint = { dev: summarize(platformFootprint(await render({ stack: "dev" }))), prod: summarize(platformFootprint(await render({ stack: "prod" }))) };
  const renderRows: BenchResults["render"] = [];
  const floorRows: BenchResults["floor"] = [];
  let policy: BenchResults["policy"] = { skipped: "not measured" };
  const largestUsers = Math.max(...flags.users);
  for (const users of flags.users) {
    const usersFile = path.join(work, `users-${users}.yaml`);
    fs.writeFileSync(usersFile, generateUsersFile(users));
    // Each run writes into a folder of its own, as a render in a fresh checkout does (no earlier render to replace).
    let run = 0;
    let out = "";
    const renderOnce = () => {
      if (out) fs.rmSync(out, { recursive: true, force: true });
      out = path.join(work, `render-${users}-${run++}`);
      return runMeasured("scripts/render.ts", ["--stack", "prod", "--users", usersFile, "--out", out]);
    };
    progress(`${users} users: warm-up`);
    const warm = renderOnce(); // file-system caches, tsx's transform cache
    const counts = /render: (\d+) Kubernetes objects, (\d+) resources/.exec(warm.stderr);
    if (!counts) throw new Error(`bench: the render printed no counts: ${warm.stderr.slice(-500)}`);
    const objects = Number(counts[1]);
    const resources = Number(counts[2]);
    const floorOnce = () => runMeasured("scripts/bench/floor.ts", [String(resources)]);
    const checkOnce = () => runMeasured("scripts/policy.ts", ["check", path.join(out, "manifests"), "--format", "json"]);
    const withChecker = users === largestUsers;
    floorOnce();
    if (withChecker) checkOnce();
    // Render, floor (and checker) in turn, run after run: a machine that speeds up or slows down during the bench
    // moves each pair together, so the ratios are taken pair by pair and their median reported.
    const renders: Sample[] = [];
    const floors: Sample[] = [];
    const checks: Sample[] = [];
    for (let i = 0; i < flags.runs; i++) {
      progress(`${users} users: run ${i + 1} of ${flags.runs} (render ${resources} resources, floor${withChecker ? ", policy checker" : ""})`);
      renders.push(renderOnce());
      floors.push(floorOnce());
      if (withChecker) checks.push(checkOnce());
    }
    const pairs = (f: (i: number) => number) => median(renders.map((_, i) => f(i)));
    renderRows.push({
      users,
      seconds: round(median(renders.map((s) => s.seconds))),
      peakRssMiB: round(median(renders.map((s) => s.peakRssMiB)), 0),
      objects,
      resources,
      timesFloorTime: round(pairs((i) => renders[i]!.seconds / floors[i]!.seconds)),
      timesFloorRss: round(pairs((i) => renders[i]!.peakRssMiB / floors[i]!.peakRssMiB)),
    });
    floorRows.push({ resources, seconds: round(median(floors.map((s) => s.seconds))), peakRssMiB: round(median(floors.map((s) => s.peakRssMiB)), 0) });
    if (withChecker) {
      const seconds = median(checks.map((s) => s.seconds));
      policy = {
        objectsPerSecond: round(objects / seconds, 0),
        objects,
        seconds: round(seconds),
        timesFasterThanRender: round(pairs((i) => renders[i]!.seconds / checks[i]!.seconds), 1),
      };
    }
  }
  const prodConfig = (await render({ stack: "prod", usersFile: path.join(work, `users-${flags.users[0]}.yaml`) })).inputs.config;
  const node = { cpu: flags["node-cpu"] ?? prodConfig.workspaceNode.cpu, memory: flags["node-memory"] ?? prodConfig.workspaceNode.memory };
  return { render: renderRows, floor: floorRows, policy, footprint, workspacesPerNode: workspacesPerNode(node, prodConfig.tiers) };
}

export async function main(argv: string[]): Promise<number> {
  let flags: z.infer<typeof flagsSchema>;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        users: { type: "string" },
        runs: { type: "string" },
        json: { type: "boolean" },
        check: { type: "boolean" },
        out: { type: "string" },
        "node-cpu": { type: "string" },
        "node-memory": { type: "string" },
      },
      strict: true,
    });
    const checked = flagsSchema.safeParse(values);
    if (!checked.success) {
      console.error(checked.error.issues.map((i) => `bench: ${i.message}`).join("\n") + "\n" + USAGE);
      return 2;
    }
    flags = checked.data;
  } catch (err) {
    console.error(`bench: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const results = await runBench(flags);
  fs.mkdirSync(flags.out, { recursive: true });
  fs.writeFileSync(path.join(flags.out, "results.json"), JSON.stringify(results, null, 2) + "\n");
  fs.writeFileSync(path.join(flags.out, "results.md"), renderMarkdown(results));
  fs.writeFileSync(path.join(flags.out, "chart.svg"), renderChart(results));
  process.stdout.write(flags.json ? JSON.stringify(results) + "\n" : renderMarkdown(results));
  progress(`results in ${flags.out}/ (results.json, results.md, chart.svg)`);
  if (flags.check) {
    const missed = missedTargets(results);
    for (const m of missed) console.error(`bench: target missed: ${m}`);
    if (missed.length > 0) return 1;
    progress("every target met");
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
