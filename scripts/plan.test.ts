import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildPlan, diffObjects, diffUsers, usersOf, type K8sObject, type PlanUser } from "./plan/diff";
import { formatMarkdown, MAX_LENGTH } from "./plan/markdown";
import { readHelmReleases } from "./plan/trees";

const ROOT = path.resolve(__dirname, "..");
const TSX = require.resolve("tsx/cli", { paths: [ROOT] });

// ---------------------------------------------------------------------------------------------------------------
// The comparison, on hand-made data (fast)

const user = (username: string, extra: Partial<PlanUser> = {}): PlanUser => ({
  username,
  email: `${username}@example.com`,
  groups: [],
  enabled: true,
  ...extra,
});

const obj = (kind: string, name: string, namespace?: string, extra: Record<string, unknown> = {}): K8sObject => ({
  apiVersion: kind === "Deployment" ? "apps/v1" : "v1",
  kind,
  metadata: { name, ...(namespace && { namespace }) },
  ...extra,
});

const workspaceNamespace = (u: string) =>
  ({ apiVersion: "v1", kind: "Namespace", metadata: { name: `ws-${u}`, labels: { "vibecode.dev/user": u } } }) as K8sObject;

const ctx = { usersFile: "stacks/dev/users.yaml", basePurgeUsers: [], purgeUsersKey: "vibecode-platform:purgeUsers" };
const header = { stack: "dev", baseRef: "origin/main", baseCommit: "0123456789abcdef0123456789abcdef01234567", usersFile: "stacks/dev/users.yaml" };

describe("users diff", () => {
  test("added, removed, suspended, resumed and changed, with the fields that changed", () => {
    const base = [user("alice", { tier: "medium" }), user("bob"), user("carol", { enabled: false }), user("erin")];
    const head = [user("alice", { tier: "large", groups: ["admins"] }), user("bob", { enabled: false }), user("carol", { name: "Carol" }), user("dave")];
    expect(diffUsers(base, head).map((c) => [c.username, c.kind, c.fields])).toEqual([
      ["alice", "changed", [{ field: "groups", from: undefined, to: "[admins]" }, { field: "tier", from: "medium", to: "large" }]],
      ["bob", "suspended", []],
      ["carol", "resumed", [{ field: "name", from: undefined, to: "Carol" }]],
      ["dave", "added", []],
      ["erin", "removed", []],
    ]);
  });

  test("users files are read leniently: defaults applied, junk skipped", () => {
    expect(usersOf({ users: [{ username: "a", email: "a@x.io", enabled: false }, "junk", { email: "no-name" }] })).toEqual([
      { username: "a", email: "a@x.io", name: undefined, groups: [], tier: undefined, storage: undefined, enabled: false },
    ]);
    expect(usersOf(undefined)).toEqual([]);
  });
});

describe("objects diff and warnings", () => {
  test("objects are grouped by owner: the user label, the namespace's owner, else platform", () => {
    const base = [workspaceNamespace("alice"), obj("Service", "code-server", "ws-alice")];
    const head = [
      workspaceNamespace("alice"),
      obj("Service", "code-server", "ws-alice", { spec: { ports: [{ port: 81 }] } }),
      obj("ConfigMap", "x", "authelia"),
      obj("ClusterRole", "y", undefined, { metadata: { name: "y", labels: { "vibecode.dev/user": "alice" } } }),
    ];
    expect(diffObjects(base, head).map((c) => [c.kind, c.objectKind, c.name, c.owner, c.paths.map((p) => p.path)])).toEqual([
      ["added", "ClusterRole", "y", "alice", []], // cluster-scoped first
      ["added", "ConfigMap", "x", undefined, []],
      ["changed", "Service", "code-server", "alice", ["spec"]],
    ]);
  });

  test("changed paths go to the leaves, keys with dots are quoted", () => {
    const before = obj("Deployment", "d", "ws-bob", { metadata: { name: "d", namespace: "ws-bob", labels: { "app.kubernetes.io/name": "a" } }, spec: { replicas: 1, template: { spec: { containers: [{ image: "a:1" }] } } } });
    const after = obj("Deployment", "d", "ws-bob", { metadata: { name: "d", namespace: "ws-bob", labels: { "app.kubernetes.io/name": "b" } }, spec: { replicas: 0, template: { spec: { containers: [{ image: "a:2" }, { image: "s:1" }] } } } });
    expect(diffObjects([before], [after])[0]!.paths.map((p) => p.path)).toEqual([
      'metadata.labels["app.kubernetes.io/name"]',
      "spec.replicas",
      "spec.template.spec.containers[0].image",
      "spec.template.spec.containers[1]",
    ]);
  });

  test("data loss: a removed user (guard or prepared purge), namespace, volume, a replaced or shrunk volume", () => {
    const pvc = (storage: string, storageClassName = "standard") =>
      obj("PersistentVolumeClaim", "home", "ws-bob", { spec: { storageClassName, resources: { requests: { storage } } } });
    const users = diffUsers([user("alice"), user("bob"), user("zed")], [user("bob")]);
    const objects = diffObjects(
      [workspaceNamespace("alice"), obj("PersistentVolumeClaim", "home", "ws-alice"), pvc("20Gi"), obj("Secret", "s", "authelia")],
      [pvc("10Gi", "fast"), obj("Secret", "s", "authelia")],
    );
    const plan = buildPlan(users, objects, { ...ctx, basePurgeUsers: ["zed"] });
    expect(plan.dataLoss).toEqual([
      expect.stringMatching(/^User \*\*alice\*\* is removed from `stacks\/dev\/users.yaml`: .*removal guard refuses `pulumi up`.*suspend ali/),
      expect.stringMatching(/^User \*\*zed\*\* is removed .* prepared for purge .*\*\*deletes their namespace and home volume\*\*/),
      "Namespace `ws-alice` is removed: **everything in it is deleted**, volumes included.",
      expect.stringMatching(/^PersistentVolumeClaim `ws-alice\/home` is removed: \*\*the files on it are deleted\*\*/),
      expect.stringMatching(/^PersistentVolumeClaim `ws-bob\/home`: `spec.storageClassName` cannot change in place, .*\*\*replaces the volume\*\*/),
      "PersistentVolumeClaim `ws-bob/home` shrinks from 20Gi to 10Gi: Kubernetes refuses to shrink a volume, so `pulumi up` fails on it.",
    ]);
    // bob's entry did not change, but his volume does.
    expect([...plan.otherUsers.keys()]).toEqual(["bob"]);
  });

  test("growing a volume, suspending its owner or adding a user is not a warning", () => {
    const pvc = (storage: string) => obj("PersistentVolumeClaim", "home", "ws-bob", { spec: { resources: { requests: { storage } } } });
    const users = diffUsers([user("bob")], [user("bob", { enabled: false, storage: "30Gi" }), user("dave")]);
    const plan = buildPlan(users, diffObjects([pvc("20Gi")], [pvc("30Gi"), workspaceNamespace("dave")]), ctx);
    expect(plan.dataLoss).toEqual([]);
    expect(plan.otherUsers.size).toBe(0);
  });

  test("data services: a StatefulSet with volume claims, a CloudNativePG cluster", () => {
    const sts = obj("StatefulSet", "postgres", "authelia", { apiVersion: "apps/v1", spec: { volumeClaimTemplates: [{ metadata: { name: "data" } }] } });
    const cnpg = { apiVersion: "postgresql.cnpg.io/v1", kind: "Cluster", metadata: { name: "postgres", namespace: "authelia" } };
    const plan = buildPlan([], diffObjects([sts, cnpg], []), ctx);
    expect(plan.dataLoss).toEqual([
      expect.stringMatching(/^Cluster `authelia\/postgres` \(PostgreSQL\) is removed: the operator \*\*deletes its database volumes\*\*/),
      expect.stringMatching(/^StatefulSet `authelia\/postgres` is removed: it keeps its data in volume claims/),
    ]);
  });
});

describe("Helm releases", () => {
  test("come from resources.json as HelmRelease objects of the platform; a chart bump is a change", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-helm-"));
    const write = (version: string) => {
      const resources = [
        { type: "kubernetes:helm.sh/v3:Release", name: "ingress:traefik", inputs: { name: "traefik", namespace: "traefik", chart: "traefik", version } },
        { type: "random:index/randomPassword:RandomPassword", name: "x", inputs: {} },
      ];
      fs.writeFileSync(path.join(dir, "resources.json"), JSON.stringify({ resources }));
      return readHelmReleases(dir);
    };
    try {
      const changes = diffObjects(write("37.1.0"), write("37.2.0"));
      expect(changes.map((c) => [c.kind, c.objectKind, c.namespace, c.name, c.owner, c.paths])).toEqual([
        ["changed", "HelmRelease", "traefik", "traefik", undefined, [{ path: "spec.version", from: "37.1.0", to: "37.2.0" }]],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Markdown", () => {
  test("no warnings: a green line, users table, objects per user then platform; Secret values never shown", () => {
    const users = diffUsers([user("alice")], [user("alice"), user("dave", { name: "Dave | <b>D</b>", tier: "large", groups: ["dev"] })]);
    const secret = (v: string) => obj("Secret", "authelia-users", "authelia", { stringData: { "users_database.yml": v } });
    const objects = diffObjects([secret("hunter2-old")], [workspaceNamespace("dave"), obj("Service", "code-server", "ws-dave"), secret("hunter2-new")]);
    const md = formatMarkdown(buildPlan(users, objects, ctx), header);
    expect(md).toBe(
      [
        "<!-- vibecode-plan:dev -->",
        "## Plan: stack `dev`",
        "",
        "Base `origin/main` (`0123456789ab`) → this change · users file `stacks/dev/users.yaml`",
        "",
        "✅ Nothing is deleted, and no other person's workspace changes.",
        "",
        "### Users",
        "",
        "| Change | User | Details |",
        "|---|---|---|",
        "| ➕ added | `dave` | dave@example.com · Dave \\| \\<b\\>D\\</b\\> · tier `large` · groups `dev` |",
        "",
        "### Kubernetes objects: 2 added, 1 changed, 0 removed",
        "",
        "#### **`dave`** (`ws-dave`): 2 added",
        "",
        "- ➕ Namespace `ws-dave`",
        "- ➕ Service `ws-dave/code-server`",
        "",
        "#### **platform**: 1 changed",
        "",
        '- ✏️ Secret `authelia/authelia-users`: `stringData["users_database.yml"]` (values hidden)',
        "",
      ].join("\n"),
    );
    expect(md).not.toContain("hunter2");
  });

  test("warnings come first and loud; other objects show short old → new values", () => {
    const users = diffUsers([user("alice"), user("bob")], [user("bob")]);
    const dep = (replicas: number) => obj("Deployment", "code-server", "ws-bob", { spec: { replicas } });
    const objects = diffObjects([workspaceNamespace("alice"), workspaceNamespace("bob"), dep(1)], [workspaceNamespace("bob"), dep(2)]);
    const md = formatMarkdown(buildPlan(users, objects, ctx), header);
    const caution = md.indexOf("> [!CAUTION]\n> ### 🛑 DATA LOSS — this change deletes data");
    const warning = md.indexOf("> [!WARNING]\n> ### ⚠️ This change touches other people's workspaces");
    expect(caution).toBeGreaterThan(0);
    expect(warning).toBeGreaterThan(caution);
    expect(md.indexOf("### Users")).toBeGreaterThan(warning);
    expect(md).toContain("> - **bob**: Deployment `ws-bob/code-server` changed\n");
    expect(md).toContain("- ✏️ Deployment `ws-bob/code-server`: `spec.replicas` `1` → `2`\n");
    expect(md).toContain("| ❌ removed | `alice` | removed from the file |");
    expect(md).not.toContain("✅");
  });

  test("a huge plan is cut below GitHub's comment limit", () => {
    const many = Array.from({ length: 3000 }, (_, i) => obj("ConfigMap", `a-rather-long-config-map-name-${i}`, "platform-namespace"));
    const md = formatMarkdown(buildPlan([], diffObjects([], many), ctx), header);
    expect(md.length).toBeLessThanOrEqual(MAX_LENGTH);
    expect(md).toContain("- … and 2960 more");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The command, end to end, in a throwaway git repository holding this project's committed tree

describe("npm run plan -- --base <ref>", () => {
  let tmp: string;
  let repo: string;
  let devUsers: string;
  let devConfig: string;
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=plan test", "-c", "user.email=plan@example.com", "-c", "commit.gpgsign=false", ...args], {
      cwd: repo,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  const plan = (...args: string[]) => {
    const r = spawnSync(process.execPath, [TSX, "scripts/plan.ts", ...args], { cwd: repo, encoding: "utf8", timeout: 300_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** The object lines of the Markdown (`- ➕ Kind \`ns/name\``…). */
  const objectLines = (md: string) => md.split("\n").filter((l) => /^- (➕|✏️|❌) /.test(l));

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
    repo = path.join(tmp, "repo");
    fs.mkdirSync(repo);
    // This project's last commit (others' uncommitted work cannot break the test), with this plan code on top.
    execFileSync("sh", ["-c", `git -C "$1" archive HEAD | tar -x -C "$2"`, "sh", ROOT, repo]);
    for (const f of ["scripts/plan.ts", ...fs.readdirSync(path.join(ROOT, "scripts/plan")).map((f) => `scripts/plan/${f}`)]) {
      fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
    git("init", "-q");
    fs.appendFileSync(path.join(repo, ".git", "info", "exclude"), "node_modules\n");
    git("add", ".");
    git("commit", "-q", "-m", "base");
    devUsers = fs.readFileSync(path.join(repo, "stacks/dev/users.yaml"), "utf8");
    devConfig = fs.readFileSync(path.join(repo, "Pulumi.dev.yaml"), "utf8");
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  afterEach(() => {
    // Back to the committed files (the tests change only these two).
    fs.writeFileSync(path.join(repo, "stacks/dev/users.yaml"), devUsers);
    fs.writeFileSync(path.join(repo, "Pulumi.dev.yaml"), devConfig);
    expect(git("status", "--porcelain")).toBe("");
  });

  test('"add dave" lists only dave\'s objects plus the Authelia users database, and no warning', () => {
    const dave = path.join(tmp, "dave.yaml");
    fs.writeFileSync(dave, `${devUsers}  - username: dave\n    email: dave@example.com\n    tier: large\n`);
    const result = plan("--base", "HEAD", "--stack", "dev", "--users", dave);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const md = result.stdout;
    expect(md).not.toContain("[!CAUTION]");
    expect(md).not.toContain("[!WARNING]");
    expect(md).toContain("✅ Nothing is deleted, and no other person's workspace changes.");
    expect(md).toContain("| ➕ added | `dave` | dave@example.com · tier `large` |");
    const lines = objectLines(md);
    const notDave = lines.filter((l) => !/^- ➕ \w+ `ws-dave(\/[-a-z0-9]+)?`$/.test(l));
    expect(notDave).toEqual(['- ✏️ Secret `authelia/authelia-users`: `stringData["users_database.yml"]` (values hidden)']);
    expect(lines).toEqual(expect.arrayContaining(["- ➕ Namespace `ws-dave`", "- ➕ PersistentVolumeClaim `ws-dave/home`", "- ➕ Deployment `ws-dave/code-server`"]));
    expect(md).toMatch(new RegExp(`### Kubernetes objects: ${lines.length - 1} added, 1 changed, 0 removed`));
  });

  test('"remove alice" shows the data-loss warning', () => {
    const withoutAlice = devUsers.replace(/  - username: alice\n(    .*\n)+/, "");
    expect(withoutAlice).not.toContain("alice");
    fs.writeFileSync(path.join(repo, "stacks/dev/users.yaml"), withoutAlice);
    const result = plan("--base", "HEAD"); // stack dev and its own users file by default
    expect(result.status).toBe(0);
    const md = result.stdout;
    expect(md).toContain("> [!CAUTION]\n> ### 🛑 DATA LOSS — this change deletes data");
    expect(md).toMatch(/> - User \*\*alice\*\* is removed from `stacks\/dev\/users.yaml`: .*The removal guard refuses `pulumi up` unless .*`vibecode-platform:purgeUsers`/);
    expect(md).toContain("> - Namespace `ws-alice` is removed: **everything in it is deleted**, volumes included.");
    expect(md).toMatch(/> - PersistentVolumeClaim `ws-alice\/home` is removed: \*\*the files on it are deleted\*\*/);
    expect(md).not.toContain("[!WARNING]"); // bob and carol are untouched
    expect(md).toContain("| ❌ removed | `alice` | removed from the file |");
    const lines = objectLines(md);
    expect(lines.filter((l) => !l.includes("`ws-alice")).sort()).toEqual([
      '- ✏️ Secret `authelia/authelia-users`: `stringData["users_database.yml"]` (values hidden)',
    ]);
    expect(lines.filter((l) => l.includes("`ws-alice")).every((l) => l.startsWith("- ❌ "))).toBe(true);
  });

  test("a change that reaches into everyone's workspace: a loud warning naming the others, not the suspended user", () => {
    fs.appendFileSync(path.join(repo, "Pulumi.dev.yaml"), "  vibecode-platform:idleTimeoutSeconds: 7200\n");
    fs.writeFileSync(path.join(repo, "stacks/dev/users.yaml"), devUsers.replace("    groups: [developers]\n  - username: carol", "    groups: [developers]\n    enabled: false\n  - username: carol"));
    const result = plan("--base", "HEAD");
    expect(result.status).toBe(0);
    const md = result.stdout;
    expect(md).toContain("| ⏸️ suspended | `bob` | workspace stopped, files kept |");
    expect(md).toContain("> [!WARNING]\n> ### ⚠️ This change touches other people's workspaces");
    expect(md).toMatch(/> - \*\*alice\*\*: Deployment `ws-alice\/code-server` changed/);
    expect(md).toMatch(/> - \*\*carol\*\*: Deployment `ws-carol\/code-server` changed/);
    expect(md).not.toMatch(/> - \*\*bob\*\*/);
    expect(md).not.toContain("[!CAUTION]");
    expect(md).toContain("- ❌ Ingress `ws-bob/code-server`");
  });

  test("an invalid users file: the render's positioned problems, exit 1", () => {
    const bad = path.join(tmp, "bad.yaml");
    fs.writeFileSync(bad, "users:\n  - username: Dave\n    email: dave@example.com\n");
    const result = plan("--base", "HEAD", "--users", bad);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`plan: rendering this change (stack dev) failed:\n${bad}:2:15: username "Dave" must be a DNS label`);
  });

  test("a base without a render script is refused with a clear message", () => {
    // A commit whose tree holds only a package.json without scripts.
    const blob = execFileSync("git", ["hash-object", "-w", "--stdin"], { cwd: repo, input: '{"name":"old"}\n', encoding: "utf8" }).trim();
    const tree = execFileSync("git", ["mktree"], { cwd: repo, input: `100644 blob ${blob}\tpackage.json\n`, encoding: "utf8" }).trim();
    const commit = git("commit-tree", tree, "-m", "before render").trim();
    const result = plan("--base", commit);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `plan: the base ${commit} (${commit.slice(0, 12)}) has no render script: its package.json has no "render" script, ` +
        "so its Kubernetes objects cannot be rendered and compared. Plan against a base that has `npm run render` (scripts/render.ts).\n",
    );
  });

  test.each<[string, string[], RegExp]>([
    ["an unknown ref", ["--base", "no-such-branch"], /^plan: --base "no-such-branch" names no commit in this repository/],
    ["no --base", [], /^plan: --base <git-ref> is required\n/],
    ["an unknown stack", ["--base", "HEAD", "--stack", "qa"], /^plan: --stack must be one of dev, prod, not "qa"\n/],
    ["a positional argument", ["--base", "HEAD", "extra"], /^plan: Unexpected argument 'extra'/],
  ])("%s: usage on stderr, exit 2", (_name, args, stderr) => {
    const result = plan(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(stderr);
    expect(result.stderr).toContain("usage: npm run --silent plan -- --base <git-ref>");
  });
});
