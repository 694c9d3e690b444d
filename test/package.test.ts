/**
 * The library as others consume it: the npm package (compiled components with types), a consumer project
 * compiled against the packed tarball, and the multi-language plugin's schema inference.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";

const ROOT = path.resolve(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const npm = (args: string[], cwd = ROOT) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("npm package", () => {
  let tarball: string;
  let files: string[];
  beforeAll(() => {
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), "vibecode-pack-"));
    const [info] = JSON.parse(npm(["pack", "--json", "--pack-destination", dest]));
    tarball = path.join(dest, info.filename);
    files = info.files.map((f: { path: string }) => f.path);
  });

  it("ships the compiled components with their types, and no tests", () => {
    for (const f of ["dist/components/index.js", "dist/components/index.d.ts", "dist/components/workspace/code-server-workspace.js", "dist/components/workspace/code-server-workspace.d.ts", "PulumiPlugin.yaml"]) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /\.test\.|testing\.|^test\/|^scripts\//.test(f))).toEqual([]);
    expect(pkg.exports["."]).toEqual({ types: "./dist/components/index.d.ts", default: "./dist/components/index.js" });
  });

  it("compiles the example consumer against the packed package", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "vibecode-consumer-"));
    const installed = path.join(project, "node_modules", "@vibecode", "platform");
    fs.mkdirSync(installed, { recursive: true });
    execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
    // The package's own dependencies (and TypeScript's node types), as npm would install them beside it.
    for (const dep of [...Object.keys(pkg.dependencies), "@types/node"]) {
      const target = path.join(project, "node_modules", dep);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.symlinkSync(path.join(ROOT, "node_modules", dep), target, "dir");
    }
    for (const f of ["index.ts", "tsconfig.json"]) fs.copyFileSync(path.join(ROOT, "examples", "consumer", f), path.join(project, f));
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    expect(() => execFileSync(process.execPath, [tsc, "-p", project], { encoding: "utf8", stdio: "pipe" })).not.toThrow();
    // And a misuse is caught by the shipped types: the consumer really type-checks against them.
    fs.appendFileSync(path.join(project, "index.ts"), '\nnew CodeServerWorkspace("x", { username: "x" });\n');
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", project], { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      output = String((e as { stdout: string }).stdout);
    }
    expect(output).toMatch(/Property 'domain' is missing/);
  });
});

describe("multi-language plugin", () => {
  it("declares a nodejs plugin whose entry exists", () => {
    const manifest = parse(fs.readFileSync(path.join(ROOT, "PulumiPlugin.yaml"), "utf8"));
    expect(manifest.runtime).toBe("nodejs");
    expect(fs.existsSync(path.join(ROOT, manifest.main))).toBe(true);
  });

  it("infers a schema for every offered component (serializable args only)", () => {
    const names = ["CodeServerWorkspace", "WorkspaceFleet", "Cluster", "Ingress", "Authelia", "Postgres", "Redis"];
    const { PLUGIN_COMPONENTS } = require("../components/plugin") as { PLUGIN_COMPONENTS: { name: string }[] };
    expect(PLUGIN_COMPONENTS.map((c) => c.name)).toEqual(names);
    const result = new Analyzer(ROOT, "vibecode", pkg, new Set(names)).analyze();
    expect(Object.keys(result.components).sort()).toEqual([...names].sort());
    const ws = result.components.CodeServerWorkspace!;
    expect(ws.inputs.username).toMatchObject({ type: "string" });
    expect(ws.inputs.username!.optional).toBeFalsy();
    expect(ws.inputs.domain!.optional).toBeFalsy();
    expect(ws.inputs.enabled).toMatchObject({ type: "boolean", optional: true });
    expect(ws.inputs.tier).toMatchObject({ $ref: "#/types/vibecode:index:WorkspaceTier", optional: true });
    expect(ws.outputs.url).toMatchObject({ type: "string" });
    expect(ws.inputs.username!.description).toMatch(/DNS label/);
  });
});
