/**
 * The standalone checker end to end: `scripts/policy.ts` run as the npm script runs it (node + tsx), for exit
 * codes 0/1/2 and the json and sarif output shapes; then the input handling (lists, directories, positions, flags,
 * config) through `runCli` directly, which is the same code without a process per case.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../policies/checker/cli";
import { RULES } from "../policies/registry";

const ROOT = path.join(__dirname, "..");
const CORPUS = "test/policy-corpus";
const GOOD = `${CORPUS}/pod-security-baseline-privileged/good-container.yaml`;
const BAD = `${CORPUS}/pod-security-baseline-privileged/bad-container.yaml`;

function policy(...args: string[]) {
  const result = spawnSync(process.execPath, [require.resolve("tsx/cli"), "scripts/policy.ts", ...args], { cwd: ROOT, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policy-cli-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe("policy check (process)", () => {
  it("exit 0 and an empty violation list for clean manifests", () => {
    const r = policy("check", GOOD, "--format", "json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ violations: [] });
  });

  it("exit 1 with the contract's JSON shape for mandatory violations", () => {
    const r = policy("check", BAD, "--format", "json");
    expect(r.status).toBe(1);
    const output = JSON.parse(r.stdout);
    expect(Object.keys(output)).toEqual(["violations"]);
    expect(output.violations).toEqual([
      {
        policy: "pod-security-baseline-privileged",
        enforcement: "mandatory",
        file: BAD,
        resource: { kind: "Deployment", namespace: "apps", name: "deployment-demo" },
        message: expect.stringMatching(/^spec\.template\.spec\.containers\[0\]\.securityContext\.privileged is true/),
      },
    ]);
    for (const v of output.violations) expect(Object.keys(v)).toEqual(["policy", "enforcement", "file", "resource", "message"]);
  });

  it("SARIF 2.1.0 for GitHub code scanning", () => {
    const r = policy("check", BAD, `${CORPUS}/hygiene-image-tag/bad-init-latest.yaml`, "--format", "sarif");
    expect(r.status).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    const driver = sarif.runs[0].tool.driver;
    expect(driver.name).toBe("vibecode-policy");
    expect(driver.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.name));
    for (const rule of driver.rules) {
      expect(rule.shortDescription.text).toEqual(expect.any(String));
      expect(rule.fullDescription.text).toEqual(expect.any(String));
      expect(["error", "warning"]).toContain(rule.defaultConfiguration.level);
    }
    expect(sarif.runs[0].results).toEqual([
      {
        ruleId: "pod-security-baseline-privileged",
        ruleIndex: driver.rules.findIndex((r: { id: string }) => r.id === "pod-security-baseline-privileged"),
        level: "error",
        message: { text: expect.stringContaining("Deployment apps/deployment-demo: spec.template.spec.containers[0].securityContext.privileged is true") },
        locations: [{ physicalLocation: { artifactLocation: { uri: BAD }, region: { startLine: expect.any(Number), startColumn: expect.any(Number) } } }],
      },
      {
        ruleId: "hygiene-image-tag",
        ruleIndex: driver.rules.findIndex((r: { id: string }) => r.id === "hygiene-image-tag"),
        level: "error",
        message: { text: expect.stringContaining("spec.initContainers[0].image") },
        locations: [{ physicalLocation: { artifactLocation: { uri: `${CORPUS}/hygiene-image-tag/bad-init-latest.yaml` }, region: { startLine: expect.any(Number), startColumn: expect.any(Number) } } }],
      },
    ]);
    // The region is the offending field's line.
    const lines = fs.readFileSync(path.join(ROOT, BAD), "utf8").split("\n");
    expect(lines[sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine - 1]).toMatch(/^\s+privileged: true$/);
  });

  it.each<[string, () => string[], RegExp]>([
    ["invalid YAML", () => ["check", write("broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n")], /broken\.yaml:\d+:\d+: invalid YAML: /],
    ["a document that is not a Kubernetes object", () => ["check", write("values.yaml", "replicas: 3\nimage: nginx\n")], /values\.yaml:1:1: document 1 is not a Kubernetes object/],
    ["an empty directory", () => ["check", (fs.mkdirSync(path.join(tmp, "empty"), { recursive: true }), path.join(tmp, "empty"))], /empty: no Kubernetes manifests \(\*\.yaml, \*\.yml, \*\.json\) in this directory/],
    ["an unreadable path", () => ["check", path.join(tmp, "does-not-exist.yaml")], /does-not-exist\.yaml: cannot read: no such file or directory/],
    ["no files", () => ["check"], /give at least one file or directory to check/],
    ["an unknown format", () => ["check", GOOD, "--format", "xml"], /--format must be text, json or sarif/],
  ])("exit 2 for %s, with a clear message and nothing on stdout", (_name, args, message) => {
    const r = policy(...args());
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });

  it("text output: file:line:column, level, policy, resource, message, then a summary", () => {
    const r = policy("check", BAD);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /^test\/policy-corpus\/pod-security-baseline-privileged\/bad-container\.yaml:\d+:\d+: error pod-security-baseline-privileged: Deployment apps\/deployment-demo: spec\.template\.spec\.containers\[0\]\.securityContext\.privileged is true/,
    );
    expect(r.stdout.trim().split("\n").pop()).toBe("policy: 2 objects in 1 files: 1 mandatory and 0 advisory violations");
  });
});

describe("policy check (inputs and options)", () => {
  const run = (...args: string[]) => runCli(args, ROOT);
  const json = async (...args: string[]) => {
    const r = await run(...args, "--format", "json");
    return { exitCode: r.exitCode, violations: JSON.parse(r.stdout || '{"violations":[]}').violations as { policy: string; file: string; resource: { kind: string; namespace: string | null; name: string }; enforcement: string }[], stderr: r.stderr };
  };

  it("checks the whole corpus directory recursively", async () => {
    const r = { ...(await json("check", CORPUS)), run: await run("check", CORPUS) };
    expect(r.exitCode).toBe(1);
    // Together the files share one context (one "apps" Namespace wins, quotas add up), so per-file expectations
    // are the corpus test's job; here: every file was read and most bad ones are flagged.
    const files = new Set(r.violations.map((v) => v.file));
    expect(files.size).toBeGreaterThanOrEqual(RULES.length * 2);
    expect(r.run.stdout.trim().split("\n").pop()).toMatch(/^policy: \d+ objects in \d+ files/);
  });

  it("parsing in worker threads gives the same report, positions included", async () => {
    const [sequential, parallel] = await Promise.all([
      runCli(["check", CORPUS, "--format", "sarif"], ROOT, { parallel: "never" }),
      runCli(["check", CORPUS, "--format", "sarif"], ROOT, { parallel: "always" }),
    ]);
    expect(parallel).toEqual(sequential);
    expect(JSON.parse(parallel.stdout).runs[0].results.length).toBeGreaterThan(50);
  });

  it("expands kind: List and reports each item as its own resource, with item positions", async () => {
    const file = write(
      "list.yaml",
      [
        "apiVersion: v1",
        "kind: List",
        "items:",
        "- apiVersion: v1",
        "  kind: Service",
        "  metadata: {name: ok, namespace: ws-a, labels: {vibecode.dev/workspace: 'true'}}",
        "  spec: {type: ClusterIP}",
        "- apiVersion: v1",
        "  kind: Service",
        "  metadata: {name: public, namespace: ws-a, labels: {vibecode.dev/workspace: 'true'}}",
        "  spec:",
        "    type: LoadBalancer",
      ].join("\n"),
    );
    const r = await run("check", file);
    expect(r.exitCode).toBe(1);
    expect(r.stdout.split("\n")[0]).toBe(
      `${file}:12:5: error isolation-service-type: Service ws-a/public: spec.type is LoadBalancer in a workspace namespace; workspaces are exposed only through their Ingress`,
    );
  });

  it("reads multi-document YAML, .yml and .json under directories, skipping other files and dot-directories", async () => {
    const dir = path.join(tmp, "tree");
    write("tree/a.yml", "---\n# comment only\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\ndata: {PASSWORD: hunter2}\n---\n");
    write("tree/nested/b.json", JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b", namespace: "x" }, data: { token: "abc123" } }, null, 2));
    write("tree/README.md", "not a manifest");
    write("tree/.git/config.yaml", "not: kubernetes\n");
    const r = await json("check", dir);
    expect(r.stderr).toBe("");
    expect(r.violations.map((v) => [v.policy, v.resource.name])).toEqual([
      ["hygiene-configmap-credentials", "a"],
      ["hygiene-configmap-credentials", "b"],
    ]);
  });

  it("YAML 1.1 booleans mean what they mean to kubectl (hostNetwork: yes is true)", async () => {
    const file = write("yes.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: kube-system}\nspec:\n  hostNetwork: yes\n  containers: []\n");
    expect((await json("check", file)).violations.map((v) => v.policy)).toEqual(["pod-security-baseline-host-namespaces"]);
  });

  it("--pod-security sets the level of namespaces the inputs do not describe", async () => {
    const file = `${CORPUS}/pod-security-restricted-capabilities/bad-add-chown.yaml`;
    expect((await json("check", file)).violations.map((v) => v.policy)).toEqual(["pod-security-restricted-capabilities"]);
    expect((await json("check", file, "--pod-security", "baseline")).violations).toEqual([]);
    expect((await run("check", file, "--pod-security", "privileged")).exitCode).toBe(2);
  });

  it("--config sets enforcement: advisory violations are reported but exit 0", async () => {
    const config = write("policy.yaml", "rules:\n  pod-security-*: advisory\n");
    const r = await json("check", BAD, "--config", config);
    expect(r.exitCode).toBe(0);
    expect(r.violations.map((v) => [v.policy, v.enforcement])).toEqual([["pod-security-baseline-privileged", "advisory"]]);
    const disabled = write("off.yaml", "rules:\n  pod-security-baseline-privileged: disabled\n");
    expect(await json("check", BAD, "--config", disabled)).toMatchObject({ exitCode: 0, violations: [] });
  });

  it("--config errors are exit 2 with file:line:column", async () => {
    const config = write("bad-config.yaml", "rules:\n  no-such-rule: advisory\n");
    const r = await run("check", GOOD, "--config", config);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${config}:2:3: rules.no-such-rule: no rule is called "no-such-rule"`);
  });

  it("reports every bad input, not just the first", async () => {
    const r = await run("check", path.join(tmp, "missing-1.yaml"), write("bad2.yaml", "- 1\n- 2\n"), path.join(tmp, "missing-2"));
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(3);
  });

  it("--help prints the usage", async () => {
    expect(await run("--help")).toMatchObject({ exitCode: 0, stdout: expect.stringContaining("usage: policy check") });
  });

  it("the project's own workspace objects pass", async () => {
    // The render wiring lives elsewhere; here the compliant fixtures stand in for a workspace.
    expect(await json("check", `${CORPUS}/isolation-default-deny/good-missing.yaml`)).toMatchObject({ exitCode: 0, violations: [] });
  });
});
