/**
 * End-to-end harness: a throwaway Pulumi project directory that points at this repository's program, a local file
 * state backend, and helpers to run the real `pulumi` CLI and `kubectl` against the control plane that
 * scripts/e2e/control-plane.sh started (KUBECONFIG). Used by e2e.spec.ts (node:test, not the unit suite).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const STACK = "e2e";

/** One user entry of the users file (the shape of README "Users file"). */
export interface E2eUser {
  username: string;
  email: string;
  name?: string;
  groups?: string[];
  tier?: string;
  enabled?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** The users of test/e2e/users.yaml. */
export function baseUsers(): E2eUser[] {
  return (parse(fs.readFileSync(path.join(REPO_ROOT, "test", "e2e", "users.yaml"), "utf8")) as { users: E2eUser[] }).users;
}

/** `count` generated users (user01, user02, …), for scale runs. */
export function generatedUsers(count: number, prefix = "user"): E2eUser[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(2, "0");
    return { username: `${prefix}${n}`, email: `${prefix}${n}@example.com`, groups: ["developers"] };
  });
}

/**
 * A Pulumi project directory outside the repository whose files are symbolic links into it (so `pulumi stack
 * init` and `pulumi config` write the temporary copy of Pulumi.e2e.yaml, never the repository's), with its own
 * users file and state backend.
 */
export class E2eProject {
  readonly dir: string;
  readonly usersFile: string;
  readonly stateDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Wall time of every `pulumi up`, in order. */
  readonly ups: { label: string; seconds: number; users: number; ok: boolean }[] = [];

  constructor(
    readonly root: string,
    readonly stack: string = STACK,
  ) {
    this.dir = path.join(root, "project");
    this.usersFile = path.join(root, "users.yaml");
    this.stateDir = path.join(root, "state");
    fs.mkdirSync(this.dir, { recursive: true });
    fs.mkdirSync(this.stateDir, { recursive: true });
    for (const entry of ["package.json", "tsconfig.json", "node_modules", "infra", "components", "stacks", "policies"]) {
      fs.symlinkSync(path.join(REPO_ROOT, entry), path.join(this.dir, entry));
    }
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(this.dir, "Pulumi.yaml"));
    // Every stack of the suite starts from the e2e stack's config.
    fs.copyFileSync(path.join(REPO_ROOT, `Pulumi.${STACK}.yaml`), path.join(this.dir, `Pulumi.${stack}.yaml`));
    if (!process.env.KUBECONFIG) throw new Error("KUBECONFIG is not set: run the suite through scripts/e2e/run.sh");
    this.env = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: "vibecode-e2e",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      // `npm test` type-checks the program; here ts-node only transpiles (much faster on 2 cores).
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      NO_COLOR: "1",
    };
  }

  /** Creates the stack (passphrase secrets) and points its config at this project's users file. */
  init(users: E2eUser[]): void {
    this.writeUsers(users);
    this.must(run("pulumi", ["stack", "init", this.stack, "--secrets-provider", "passphrase", "--non-interactive"], { cwd: this.dir, env: this.env }));
    this.must(this.pulumi(["config", "set", "vibecode-platform:usersFile", this.usersFile]));
  }

  writeUsers(users: E2eUser[]): void {
    fs.writeFileSync(this.usersFile, stringify({ users }));
  }

  pulumi(args: string[], timeoutSeconds = 1800): RunResult {
    return run("pulumi", [...args, "--stack", this.stack, "--non-interactive"], { cwd: this.dir, env: this.env, timeoutSeconds });
  }

  /** `pulumi up --yes`, timed; `label` names it in the report. */
  up(label: string, users: number, extra: string[] = []): RunResult {
    const r = this.pulumi(["up", "--yes", "--skip-preview", ...extra]);
    this.ups.push({ label, seconds: r.seconds, users, ok: r.code === 0 });
    return r;
  }

  /** `pulumi preview --json`: the planned steps. */
  previewSteps(extra: string[] = []): { result: RunResult; steps: PreviewStep[] } {
    const result = this.pulumi(["preview", "--json", ...extra]);
    let steps: PreviewStep[] = [];
    try {
      steps = (JSON.parse(result.stdout) as { steps?: PreviewStep[] }).steps ?? [];
    } catch {
      /* not JSON: left to the caller's assertion on result */
    }
    return { result, steps };
  }

  /** Removes the temporary project, users file and state (unless E2E_KEEP_STATE is set). */
  cleanup(): void {
    if (!process.env.E2E_KEEP_STATE) fs.rmSync(this.root, { recursive: true, force: true });
  }

  must(r: RunResult): RunResult {
    if (r.code !== 0) throw new Error(`command failed (${r.code}):\n${tail(r.stdout)}\n${tail(r.stderr)}`);
    return r;
  }
}

export interface PreviewStep {
  op: string;
  urn: string;
  diffReasons?: string[];
  newState?: { type?: string };
  oldState?: { type?: string };
}

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutSeconds?: number } = {}): RunResult {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? REPO_ROOT,
    env: opts.env ?? process.env,
    input: opts.input,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: (opts.timeoutSeconds ?? 600) * 1000,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { code: r.status ?? (r.error ? 127 : 1), stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? `\n${r.error.message}` : ""), seconds };
}

export function kubectl(args: string[], input?: string): RunResult {
  return run("kubectl", args, { input, timeoutSeconds: 120 });
}

/** Parsed `kubectl get … -o json` (an object or a List). */
export function kubectlJson<T = KubeObject>(args: string[]): T {
  const r = kubectl([...args, "-o", "json"]);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: Record<string, unknown> & { nodeName?: string; replicas?: number };
  status?: Record<string, unknown> & { phase?: string; conditions?: { type: string; status: string }[] };
}

export interface KubeList<T = KubeObject> {
  items: T[];
}

/** The Kubernetes objects the stack's state records (from `pulumi stack export`). */
export function stackKubernetesObjects(project: E2eProject): { urn: string; apiVersion: string; kind: string; name: string; namespace?: string }[] {
  const exported = JSON.parse(project.must(project.pulumi(["stack", "export"])).stdout) as {
    deployment: { resources?: { urn: string; type: string; custom?: boolean; outputs?: Record<string, unknown> }[] };
  };
  return (exported.deployment.resources ?? [])
    .filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:"))
    .map((r) => {
      const o = r.outputs ?? {};
      const metadata = (o.metadata ?? {}) as { name?: string; namespace?: string };
      return { urn: r.urn, apiVersion: String(o.apiVersion), kind: String(o.kind), name: String(metadata.name), namespace: metadata.namespace };
    });
}

/** `kubectl` resource name for apiVersion+kind, e.g. `Deployment.v1.apps`, `Namespace.v1.`. */
export function resourceName(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return `${kind}.${version}.${group}`;
}

export function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Polls `check` until it returns true or `seconds` pass. */
export async function eventually(seconds: number, check: () => boolean | Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export function makeTempRoot(): string {
  return fs.mkdtempSync(path.join(process.env.E2E_TMPDIR ?? os.tmpdir(), "vibecode-e2e-"));
}

export function isRunningReady(p: KubeObject): boolean {
  return p.status?.phase === "Running" && (p.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** Adds a suite's timings and notes to the JSON report named by $E2E_REPORT (several suites share one file). */
export function appendReport(report: { ups: unknown[]; notes: string[] }): void {
  const file = process.env.E2E_REPORT;
  if (!file) return;
  let all: { ups: unknown[]; notes: string[] } = { ups: [], notes: [] };
  try {
    all = JSON.parse(fs.readFileSync(file, "utf8")) as typeof all;
  } catch {
    /* first suite */
  }
  fs.writeFileSync(file, JSON.stringify({ ups: [...(all.ups ?? []), ...report.ups], notes: [...(all.notes ?? []), ...report.notes] }, null, 2));
}
