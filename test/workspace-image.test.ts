/** The workspace image and the AI assistant's key, as the dev stack renders them. */
import * as path from "node:path";
import { render } from "../scripts/render/render";

type Obj = Record<string, any>;
const USERS = path.join(__dirname, "fixtures", "alice-and-bob.yaml");
const KEY = "sentinel-anthropic-key-0123456789";

describe("workspace image with the AI assistant", () => {
  it("builds the image once, loads it into KIND, runs every workspace on it and hands the key over at run time", async () => {
    const { objects, resources } = await render({
      stack: "dev",
      usersFile: USERS,
      overrides: { workspaceImageRepository: "vibecode/code-server", aiApiKey: KEY },
    });
    const images = resources.filter((r: Obj) => r.type === "docker-build:index:Image") as Obj[];
    expect(images).toHaveLength(1);
    expect(images[0]!.inputs.push).toBe(false);
    const ref: string = images[0]!.inputs.tags[0];
    expect(ref).toMatch(/^vibecode\/code-server:4\.145\.2-[0-9a-f]{12}$/);
    expect(JSON.stringify(images[0]!.inputs)).not.toContain(KEY);
    const load = resources.find((r: Obj) => r.type === "command:local:Command" && String(r.inputs.create).startsWith("kind load")) as Obj;
    expect(load.inputs.create).toBe(`kind load docker-image ${ref} --name vibecode`);

    for (const user of ["alice", "bob"]) {
      const deployment = objects.find((o) => o.file === `ws-${user}.deployment.code-server.yaml`)!.object as Obj;
      const container = deployment.spec.template.spec.containers[0];
      expect(container.image).toBe(ref);
      expect(container.env).toEqual([{ name: "ANTHROPIC_API_KEY", valueFrom: { secretKeyRef: { name: "ai-assistant", key: "api-key", optional: true } } }]);
      const secret = objects.find((o) => o.file === `ws-${user}.secret.ai-assistant.yaml`)!.object as Obj;
      expect(secret.stringData).toEqual({ "api-key": KEY });
    }
    const holders = objects.filter((o) => JSON.stringify(o.object).includes(KEY)).map((o) => o.file);
    expect(holders).toEqual(["ws-alice.secret.ai-assistant.yaml", "ws-bob.secret.ai-assistant.yaml"]);
    expect(JSON.stringify(resources)).not.toContain(KEY);
  });

  it("lets a tier name its own image, and keeps the pinned upstream image otherwise", async () => {
    const tiers = JSON.stringify({
      small: { cpuRequest: "100m", cpuLimit: "1", memoryRequest: "512Mi", memoryLimit: "2Gi", storage: "10Gi" },
      gpu: { cpuRequest: "1", cpuLimit: "4", memoryRequest: "4Gi", memoryLimit: "16Gi", storage: "50Gi", image: "registry.example.com/vibecode/code-server-ml:1.2.3" },
    });
    const { objects } = await render({ stack: "dev", usersFile: USERS, overrides: { tiers, defaultTier: "gpu" } });
    const image = (o: Obj | undefined) => o!.spec.template.spec.containers[0].image;
    expect(image(objects.find((o) => o.file === "ws-alice.deployment.code-server.yaml")!.object as Obj)).toBe("registry.example.com/vibecode/code-server-ml:1.2.3");
    const plain = await render({ stack: "dev", usersFile: USERS });
    expect(image(plain.objects.find((o) => o.file === "ws-alice.deployment.code-server.yaml")!.object as Obj)).toBe("docker.io/codercom/code-server:4.145.2");
    await expect(render({ stack: "dev", usersFile: USERS, overrides: { tiers: tiers.replace(":1.2.3", ":latest") } })).rejects.toThrow(/config key "vibecode-platform:tiers" at gpu.image: must not use the latest tag/);
  });
});

describe("idle culling", () => {
  it("adds the culler once and, per workspace, the threshold, a RoleBinding and a NetworkPolicy; everything passes the schemas and policies", async () => {
    const { runCli } = await import("../policies/checker/cli");
    const { validateKubernetesObjects } = await import("./support/schema-validation");
    const { writeRender } = await import("../scripts/render/render");
    const fs = await import("node:fs");
    const os = await import("node:os");
    const result = await render({ stack: "dev", usersFile: USERS, overrides: { idleCulling: "true" } });
    const files = result.objects.map((o) => o.file);
    expect(files.filter((f) => f.startsWith("vibecode-system."))).toEqual(expect.arrayContaining(["vibecode-system.cronjob.idle-culler.yaml"]));
    const deployment = result.objects.find((o) => o.file === "ws-alice.deployment.code-server.yaml")!.object as Obj;
    expect(deployment.metadata.annotations).toEqual({ "vibecode.dev/idle-after-seconds": "3600" });
    expect(files.filter((f) => f.startsWith("ws-alice.") && /rolebinding|networkpolicy.*culler/.test(f))).toHaveLength(2);
    expect(validateKubernetesObjects(result.objects.map((o) => o.object))).toEqual([]);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "vibecode-idle-"));
    writeRender(result, out);
    const checked = await runCli(["check", path.join(out, "manifests"), "--format", "json"], out);
    expect(JSON.parse(checked.stdout).violations.filter((v: Obj) => v.enforcement === "mandatory")).toEqual([]);
  });
});
