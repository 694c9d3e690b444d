/**
 * The CI workflows (.github/workflows/*.yml) are code too: they must parse, call only scripts that exist, refer only
 * to files that exist, pin every action to a full commit SHA, and set least-privilege permissions.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

const files = fs.existsSync(WORKFLOWS) ? fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort() : [];

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: unknown;
  steps?: Step[];
  uses?: string;
}
interface Workflow {
  name?: string;
  on?: Record<string, { paths?: string[] } | null>;
  permissions?: unknown;
  jobs?: Record<string, Job>;
}

function load(file: string): { text: string; workflow: Workflow; errors: string[] } {
  const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  return { text, workflow: doc.toJS() as Workflow, errors: [...doc.errors, ...doc.warnings].map((e) => e.message) };
}

const stepsOf = (w: Workflow) => Object.values(w.jobs ?? {}).flatMap((j) => j.steps ?? []);
const runScripts = (w: Workflow) => stepsOf(w).flatMap((s) => (typeof s.run === "string" ? [s.run] : []));

/** `npm run [--flags] <script>`, `npm run-script <script>`, `npm test`, `npm start`… → script names. */
export function npmScriptsCalled(shell: string): string[] {
  const out: string[] = [];
  for (const m of shell.matchAll(/\bnpm\s+(?:run|run-script)\s+((?:--?[\w-]+(?:=\S+)?\s+)*)([\w:.-]+)/g)) out.push(m[2]!);
  for (const m of shell.matchAll(/\bnpm\s+(test|start|stop|restart)\b/g)) out.push(m[1]!);
  return out;
}

/** Repository paths named in a shell script or an input: words that start with a top-level directory or file. */
export function pathsReferenced(text: string): string[] {
  const out = new Set<string>();
  const words = text.split(/[\s"'=<>|;&()]+/).filter(Boolean);
  words.forEach((word, i) => {
    // Not checkable: variables, expressions, globs; and the outputs CI itself writes (out/, *.sarif, plan.md).
    if (/[$*?{}]/.test(word)) return;
    if (/^(stacks|components|scripts|policies|infra|test|examples)\/[\w./-]+$/.test(word)) out.add(word.replace(/\/$/, ""));
    else if (/^(Pulumi(\.[\w-]+)?\.yaml|package(-lock)?\.json|tsconfig\.json|jest\.config\.js)$/.test(word)) out.add(word);
    else if (words[i - 1] === "--policy-pack") out.add(word); // a directory
  });
  return [...out];
}

/** Existing files matched by a workflow `paths:` glob (`**` any depth, `*` within a name). */
function globMatches(glob: string): boolean {
  const re = new RegExp(
    `^${glob
      .split("**")
      .map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
      .join(".*")}$`,
  );
  const walk = (dir: string): boolean =>
    fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
      if (e.name === "node_modules" || e.name === ".git") return false;
      const rel = path.relative(ROOT, path.join(dir, e.name)).split(path.sep).join("/");
      return e.isDirectory() ? walk(path.join(dir, e.name)) : re.test(rel);
    });
  return walk(ROOT);
}

test("there are workflows", () => {
  expect(files).toEqual(expect.arrayContaining(["pull-request.yml", "deploy.yml"]));
});

describe.each(files)("%s", (file) => {
  const { text, workflow, errors } = load(file);

  test("parses as YAML, with a name, triggers and jobs", () => {
    expect(errors).toEqual([]);
    expect(typeof workflow.name).toBe("string");
    expect(workflow.on && typeof workflow.on).toBe("object");
    expect(Object.keys(workflow.jobs ?? {}).length).toBeGreaterThan(0);
    for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
      expect({ id, steps: Array.isArray(job.steps) && job.steps.length > 0 }).toEqual({ id, steps: true });
    }
  });

  test("every `npm run X` it calls is a script of package.json", () => {
    const called = runScripts(workflow).flatMap(npmScriptsCalled);
    expect(called.length).toBeGreaterThan(0);
    expect(called.filter((s) => !(s in scripts))).toEqual([]);
  });

  test("every file path it references exists", () => {
    const referenced = new Set<string>();
    for (const run of runScripts(workflow)) for (const p of pathsReferenced(run)) referenced.add(p);
    for (const step of stepsOf(workflow)) {
      for (const value of Object.values(step.with ?? {})) if (typeof value === "string") for (const p of pathsReferenced(value)) referenced.add(p);
    }
    const missing = [...referenced].filter((p) => !fs.existsSync(path.join(ROOT, p)));
    expect(missing).toEqual([]);
    // Path filters that match nothing would silently never trigger.
    const filters = Object.values(workflow.on ?? {}).flatMap((t) => (t && Array.isArray(t.paths) ? t.paths : []));
    expect(filters.filter((g) => !globMatches(g))).toEqual([]);
  });

  test("every action is pinned to a full commit SHA, with its tag in a comment", () => {
    const uses = [...stepsOf(workflow).map((s) => s.uses), ...Object.values(workflow.jobs ?? {}).map((j) => j.uses)].filter(
      (u): u is string => typeof u === "string",
    );
    for (const u of uses) {
      if (u.startsWith("./")) continue; // an action of this repository
      expect(u).toMatch(/^[A-Za-z0-9-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
    }
    // In the text: `uses: owner/repo@<sha> # vX.Y.Z`.
    for (const line of text.split("\n").filter((l) => /^\s*(-\s+)?uses:/.test(l) && !/uses:\s*\.\//.test(l))) {
      expect(line).toMatch(/uses:\s*\S+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+){0,2}\s*$/);
    }
  });

  test("permissions are set: none by default, and explicitly per job", () => {
    expect(workflow.permissions).toEqual({});
    for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
      expect({ id, permissions: job.permissions }).toEqual({ id, permissions: expect.any(Object) });
      const granted = job.permissions as Record<string, string>;
      expect(Object.values(granted).every((v) => v === "read" || v === "write" || v === "none")).toBe(true);
      expect(JSON.stringify(granted)).not.toMatch(/write-all|read-all/);
    }
  });
});

describe("the checks themselves", () => {
  test("npm scripts are found with or without flags", () => {
    expect(npmScriptsCalled("npm ci && npm test\nnpm run --silent plan -- --base x > plan.md\nnpm run-script render")).toEqual(["plan", "render", "test"]);
  });

  test("paths: repository files and --policy-pack directories, not variables or outputs", () => {
    expect(pathsReferenced('npm run --silent users -- validate stacks/dev/users.yaml "stacks/$STACK/users.yaml" out/dev/manifests')).toEqual([
      "stacks/dev/users.yaml",
    ]);
    expect(pathsReferenced("pulumi preview --policy-pack policies --stack dev")).toEqual(["policies"]);
  });
});

describe("what the pull-request workflow runs", () => {
  const { workflow } = load("pull-request.yml");
  const all = runScripts(workflow).join("\n");

  test("install, test, validate, render both stacks, policy SARIF, plan both stacks", () => {
    for (const command of [
      "npm ci",
      "npm test",
      "npm run --silent users -- validate stacks/dev/users.yaml",
      "npm run --silent users -- validate stacks/prod/users.yaml",
      "npm run --silent render -- --stack dev --out out/dev",
      "npm run --silent render -- --stack prod --out out/prod",
      "npm run --silent policy -- check out/dev/manifests out/prod/manifests --format sarif > policy.sarif",
      "npm run --silent plan -- --base HEAD^1 --stack dev",
      "npm run --silent plan -- --base HEAD^1 --stack prod",
      "pulumi preview --stack \"$STACK\" --policy-pack policies",
    ]) {
      expect(all).toContain(command);
    }
  });

  test("the jobs that run the pull request's code cannot write to the repository or its pull requests", () => {
    for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
      const runsCode = (job.steps ?? []).some((s) => typeof s.run === "string" && /npm (ci|test|run)/.test(s.run));
      if (!runsCode) continue;
      const granted = job.permissions as Record<string, string>;
      expect({ id, contents: granted.contents, pullRequests: granted["pull-requests"] }).toEqual({ id, contents: "read", pullRequests: undefined });
    }
  });

  test("pulumi preview runs only when backend credentials are configured", () => {
    const preview = workflow.jobs!.preview as Job & { if?: string; needs?: string[] };
    expect(preview.if).toBe("needs.credentials.outputs.configured == 'true'");
    expect(preview.needs).toContain("credentials");
  });
});

describe("what the benchmark workflow runs", () => {
  const { workflow } = load("benchmark.yml");

  test("the benchmark at 100 and 1,000 people with its targets checked, failing the job when one is missed", () => {
    const script = runScripts(workflow).find((s) => s.includes("npm run --silent bench"))!;
    expect(script).toContain("npm run --silent bench -- --users 100,1000 --runs 3 --check --out bench-results");
    expect(script).toMatch(/status=\$\?[\s\S]*exit "\$status"/);
  });
});
