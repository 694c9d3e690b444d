/**
 * The two sides of a plan on disk: the base commit's tree extracted from git (`git archive | tar -x`, so the
 * repository's work tree, index and worktree list are untouched), and each side rendered by its own `render`
 * script (`npm run --silent render`), so the base is planned by the code it was written with.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { K8sObject } from "./diff";

/** A problem the person running the plan can fix (bad ref, failed render): message printed as is. */
export class PlanError extends Error {
  constructor(
    message: string,
    /** 1: the inputs are wrong (a render failed, git failed); 2: the command line is wrong. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = "PlanError";
  }
}

/** Full commit id of `ref` in the repository at `root`. */
export function resolveCommit(root: string, ref: string): string {
  if (ref.startsWith("-")) throw new PlanError(`--base ${JSON.stringify(ref)} is not a git ref`, 2);
  const top = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: root, encoding: "utf8" });
  if (top.status !== 0) throw new PlanError(`${root} is not in a git repository (git: ${oneLine(top.stderr || top.error?.message || "")})`);
  const result = spawnSync("git", ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) {
    throw new PlanError(
      `--base ${JSON.stringify(ref)} names no commit in this repository` +
        " (in a shallow CI checkout, fetch the base first, e.g. `git fetch --depth=1 origin main`)",
      2,
    );
  }
  return result.stdout.trim();
}

/** Writes the tree of `commit` (the project directory at `root` within it) into `dest`. */
export async function extractTree(root: string, commit: string, dest: string): Promise<string> {
  // Archived from the top of the repository (from a subdirectory, git archive would take only that directory).
  const top = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: root, encoding: "utf8" }).stdout.trim();
  const prefix = path.relative(fs.realpathSync(top), fs.realpathSync(root));
  fs.mkdirSync(dest, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const archive = spawn("git", ["archive", "--format=tar", commit], { cwd: top, stdio: ["ignore", "pipe", "pipe"] });
    const tar = spawn("tar", ["-x", "-f", "-", "-C", dest], { stdio: ["pipe", "ignore", "pipe"] });
    let errors = "";
    archive.stderr.on("data", (d: Buffer) => void (errors += d.toString()));
    tar.stderr.on("data", (d: Buffer) => void (errors += d.toString()));
    archive.stdout.pipe(tar.stdin);
    let pending = 2;
    let failed = false;
    const done = (what: string) => (code: number | null) => {
      if (code !== 0 && !failed) {
        failed = true;
        reject(new PlanError(`extracting the base ${commit.slice(0, 12)} failed (${what} exit ${code}): ${oneLine(errors)}`));
      }
      if (--pending === 0 && !failed) resolve();
    };
    archive.on("error", (e) => reject(new PlanError(`cannot run git: ${e.message}`)));
    tar.on("error", (e) => reject(new PlanError(`cannot run tar: ${e.message}`)));
    archive.on("close", done("git archive"));
    tar.on("close", done("tar"));
  });
  return path.join(dest, prefix);
}

/** Whether a tree has a `render` script in its package.json. */
export function hasRenderScript(tree: string): boolean {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(tree, "package.json"), "utf8")) as { scripts?: Record<string, unknown> };
    return typeof pkg.scripts?.render === "string";
  } catch {
    return false;
  }
}

/** Makes `tree` use the dependencies installed at `from` (a symlink), when it has none of its own. */
export function linkNodeModules(tree: string, from: string): void {
  const target = path.join(tree, "node_modules");
  if (fs.existsSync(target)) return;
  const source = path.join(from, "node_modules");
  if (!fs.existsSync(source)) throw new PlanError(`${source} does not exist: run \`npm ci\` first`);
  fs.symlinkSync(fs.realpathSync(source), target, "dir");
}

export interface RenderOutcome {
  ok: boolean;
  /** Stopped by {@link RenderRun.cancel} (or its time limit). */
  cancelled: boolean;
  /** The render's messages (positioned problems when the users file or config is invalid). */
  stderr: string;
}

/** A render under way. */
export interface RenderRun {
  done: Promise<RenderOutcome>;
  /** Stops it (when the other side failed, its result is not needed). */
  cancel: () => void;
}

/** Runs `npm run --silent render -- --stack <s> --out <out> [--users <file>]` in `tree`. */
export function renderTree(tree: string, stack: string, out: string, usersFile?: string): RenderRun {
  const args = ["run", "--silent", "render", "--", "--stack", stack, "--out", out];
  if (usersFile) args.push("--users", usersFile);
  // Its own process group, so cancelling stops npm and the render it started.
  const child = spawn(npmCommand(), args, { cwd: tree, stdio: ["ignore", "ignore", "pipe"], env: process.env, detached: true });
  let cancelled = false;
  const cancel = () => {
    cancelled = true;
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  const done = new Promise<RenderOutcome>((resolve) => {
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => void (stderr += d.toString()));
    const timer = setTimeout(cancel, RENDER_TIMEOUT_MS);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ ok: false, cancelled, stderr: `cannot run npm: ${e.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const ok = code === 0 && fs.existsSync(path.join(out, "manifests"));
      resolve({ ok, cancelled, stderr: signal ? `${stderr}\n(render stopped: ${signal})` : stderr });
    });
  });
  return { done, cancel };
}

const RENDER_TIMEOUT_MS = 10 * 60 * 1000;

function npmCommand(): string {
  return process.platform === "win32" ? "npm.cmd" : "npm";
}

/** Every object of a render's `manifests/` directory. */
export function readManifests(dir: string): K8sObject[] {
  const manifests = path.join(dir, "manifests");
  return fs
    .readdirSync(manifests)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => parse(fs.readFileSync(path.join(manifests, f), "utf8"), { version: "1.2" }) as K8sObject)
    .filter((o) => o && typeof o === "object");
}

/**
 * The Helm releases of a render (`resources.json`): the manifests leave them out (Helm expands them at deploy
 * time), but a chart or values change is a change to review. Each becomes a pseudo-object of kind `HelmRelease`
 * whose spec is the release's inputs (secret values already masked by the render).
 */
export function readHelmReleases(dir: string): K8sObject[] {
  const file = path.join(dir, "resources.json");
  if (!fs.existsSync(file)) return [];
  const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { resources?: { type?: string; name?: string; inputs?: Record<string, unknown> }[] };
  return (doc.resources ?? [])
    .filter((r) => typeof r.type === "string" && /^kubernetes:helm\.sh\/v\d+:(Release|Chart)$/.test(r.type))
    .map((r) => {
      const inputs = r.inputs ?? {};
      const name = typeof inputs.name === "string" ? inputs.name : String(r.name);
      const namespace = typeof inputs.namespace === "string" ? inputs.namespace : undefined;
      return { apiVersion: "helm.sh/v3", kind: "HelmRelease", metadata: { name, ...(namespace && { namespace }) }, spec: inputs };
    });
}

/** A stack's config values (`Pulumi.<stack>.yaml` `config:`), or undefined when the tree has no such stack. */
export function readStackConfig(tree: string, stack: string): Record<string, unknown> | undefined {
  const file = path.join(tree, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) return undefined;
  try {
    const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    return doc?.config ?? {};
  } catch {
    return {};
  }
}

/** A users file's parsed data, or undefined when it does not exist or does not parse. */
export function readUsersData(file: string): unknown {
  try {
    return parse(fs.readFileSync(file, "utf8"), { version: "1.2" });
  } catch {
    return undefined;
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}
