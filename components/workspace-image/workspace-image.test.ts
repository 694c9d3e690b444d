import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isSecretValue, runUnderMocks, type RecordedResource } from "../../scripts/render/mock-runtime";
import { versions, workspaceImageVersions } from "../versions";
import {
  aiAssistantEnv,
  contextHash,
  registryHost,
  WORKSPACE_IMAGE_CONTEXT,
  WorkspaceImage,
  workspaceImageBuildArgs,
  type WorkspaceImageArgs,
} from "./workspace-image";

async function run(args: WorkspaceImageArgs): Promise<{ rs: RecordedResource[]; imageRef: string | undefined }> {
  let out: Promise<string | undefined> = Promise.resolve(undefined);
  const { resources } = await runUnderMocks(
    () => {
      const img = new WorkspaceImage("ws-image", args);
      out = new Promise((resolve) => img.imageRef.apply((v) => resolve(v)));
    },
    { project: "test", stack: "unit" },
  );
  const imageRef = await Promise.race([out, new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000).unref())]);
  return { rs: resources, imageRef };
}
const byType = (rs: RecordedResource[], t: string) => rs.filter((r) => r.type === t);
const IMAGE = "docker-build:index:Image";
const COMMAND = "command:local:Command";

describe("WorkspaceImage (dev: load into KIND)", () => {
  let rs: RecordedResource[];
  let imageRef: string | undefined;
  beforeAll(async () => {
    ({ rs, imageRef } = await run({ repository: "vibecode/code-server", kindClusterName: "vibecode" }));
  });

  it("builds infra/images/code-server for linux/amd64 with a content-addressed tag, loaded, not pushed", () => {
    const [img] = byType(rs, IMAGE);
    expect(byType(rs, IMAGE)).toHaveLength(1);
    const i = img!.inputs as any;
    expect(i.context).toEqual({ location: WORKSPACE_IMAGE_CONTEXT });
    expect(i.dockerfile.location).toBe(path.join(WORKSPACE_IMAGE_CONTEXT, "Dockerfile"));
    expect(i.platforms).toEqual(["linux/amd64"]);
    expect(i.push).toBe(false);
    expect(i.load).toBe(true);
    expect(i.registries).toBeUndefined();
    const hash = contextHash(WORKSPACE_IMAGE_CONTEXT, workspaceImageBuildArgs({ repository: "x" }));
    expect(i.tags).toEqual([`vibecode/code-server:${versions.codeServer.tag}-${hash}`]);
    expect(i.buildArgs).toEqual({
      CODE_SERVER_TAG: versions.codeServer.tag,
      CLAUDE_CODE_VERSION: workspaceImageVersions.claudeCodeExtension.version,
      EXTRA_EXTENSIONS: "",
    });
  });

  it("runs `kind load docker-image` after the build, re-run when the digest changes", () => {
    const [img] = byType(rs, IMAGE);
    const cmds = byType(rs, COMMAND);
    expect(cmds).toHaveLength(1);
    const tag = (img!.inputs as any).tags[0];
    expect(cmds[0]!.inputs.create).toBe(`kind load docker-image ${tag} --name vibecode`);
    expect(cmds[0]!.dependsOn).toContain(img!.urn);
    expect(cmds[0]!.inputs.triggers).toBeDefined();
    expect(imageRef).toBe(tag);
  });

  it("parents everything to the component", () => {
    const comp = rs.find((r) => r.type === "vibecode:workspace:WorkspaceImage")!;
    for (const r of rs.filter((x) => x.custom)) expect(r.parent).toBe(comp.urn);
  });
});

describe("WorkspaceImage (prod: push to a registry)", () => {
  let rs: RecordedResource[];
  beforeAll(async () => {
    ({ rs } = await run({
      repository: "ghcr.io/acme/vibecode-code-server",
      push: true,
      registryUsername: "robot",
      registryPassword: "s3cr3t-token",
      tag: "4.145.2-vibecode.1",
    }));
  });

  it("pushes the tag, does not load, and runs no kind command", () => {
    const i = byType(rs, IMAGE)[0]!.inputs as any;
    expect(i.push).toBe(true);
    expect(i.load).toBe(false);
    expect(i.tags).toEqual(["ghcr.io/acme/vibecode-code-server:4.145.2-vibecode.1"]);
    expect(byType(rs, COMMAND)).toHaveLength(0);
  });

  it("passes registry credentials only as secrets", () => {
    const i = byType(rs, IMAGE)[0]!.inputs as any;
    // The secret credentials make the whole `registries` input a secret on the wire.
    expect(isSecretValue(i.registries)).toBe(true);
    expect(i.registries.value).toEqual([{ address: "ghcr.io", username: "robot", password: "s3cr3t-token" }]);
    // The plain-text password appears nowhere outside a secret wrapper.
    const plain = JSON.stringify({ ...i, registries: undefined });
    expect(plain).not.toContain("s3cr3t-token");
  });

  it("refuses half of a credential pair", async () => {
    await expect(run({ repository: "ghcr.io/a/b", push: true, registryPassword: "x" })).rejects.toThrow(/registryUsername/);
  });
});

describe("no API key in the image", () => {
  it("has no build argument, Dockerfile ARG/ENV or setting carrying an API key", () => {
    const args = workspaceImageBuildArgs({ repository: "x", extraExtensions: "a.b@1.0.0" });
    for (const k of Object.keys(args)) expect(k).not.toMatch(/KEY|TOKEN|SECRET|PASSWORD/i);
    const dockerfile = fs.readFileSync(path.join(WORKSPACE_IMAGE_CONTEXT, "Dockerfile"), "utf8");
    const instructions = dockerfile.split("\n").filter((l) => /^\s*(ARG|ENV)\b/.test(l));
    for (const l of instructions) expect(l).not.toMatch(/ANTHROPIC|API_KEY|TOKEN|SECRET/i);
    expect(fs.readFileSync(path.join(WORKSPACE_IMAGE_CONTEXT, "settings.json"), "utf8")).not.toMatch(/apiKey|API_KEY|sk-ant/i);
  });

  it("Dockerfile starts from the pinned code-server image and ends as uid 1000, installing nothing under /home/coder", () => {
    const dockerfile = fs.readFileSync(path.join(WORKSPACE_IMAGE_CONTEXT, "Dockerfile"), "utf8");
    expect(dockerfile).toContain(`ARG CODE_SERVER_TAG=${versions.codeServer.tag}`);
    expect(dockerfile).toContain(`FROM ${versions.codeServer.image}:\${CODE_SERVER_TAG}`);
    expect(dockerfile).toContain(`ARG CLAUDE_CODE_VERSION=${workspaceImageVersions.claudeCodeExtension.version}`);
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users[users.length - 1]).toBe("1000");
    expect(dockerfile).not.toMatch(/^(COPY|ADD|RUN)[^\n]*\/home\/coder/m);
  });

  it("settings.json is a flat JSON object (it becomes configurationDefaults)", () => {
    const s = JSON.parse(fs.readFileSync(path.join(WORKSPACE_IMAGE_CONTEXT, "settings.json"), "utf8"));
    expect(typeof s).toBe("object");
    expect(Array.isArray(s)).toBe(false);
  });
});

describe("helpers", () => {
  it("aiAssistantEnv reads the key from a Secret, optionally", () => {
    expect(aiAssistantEnv("anthropic", "api-key")).toEqual({
      name: "ANTHROPIC_API_KEY",
      valueFrom: { secretKeyRef: { name: "anthropic", key: "api-key", optional: true } },
    });
  });

  it("registryHost finds the registry of a repository", () => {
    expect(registryHost("ghcr.io/acme/x")).toBe("ghcr.io");
    expect(registryHost("localhost:5000/x")).toBe("localhost:5000");
    expect(registryHost("acme/x")).toBe("docker.io");
  });

  it("contextHash changes with the files and with the build args", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ctx-"));
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\n");
    const a = contextHash(dir, { A: "1" });
    expect(contextHash(dir, { A: "1" })).toBe(a);
    expect(contextHash(dir, { A: "2" })).not.toBe(a);
    fs.writeFileSync(path.join(dir, "settings.json"), "{}\n");
    expect(contextHash(dir, { A: "1" })).not.toBe(a);
  });
});
