import { parse } from "yaml";
import { runUnderMocks } from "../../scripts/render/mock-runtime";
import { Cluster, kindClusterConfig, kindCreateScript } from "./cluster";

describe("Cluster", () => {
  it("lays out KIND: an ingress-ready control plane mapping 80/443 to Traefik's node ports, and labelled pools", () => {
    const config = kindClusterConfig({ platformWorkers: 1, workspaceWorkers: 2, image: "docker.io/kindest/node:v1.34.0" }) as any;
    expect(config.nodes.map((n: any) => [n.role, n.labels])).toEqual([
      ["control-plane", { "ingress-ready": "true" }],
      ["worker", { "vibecode.dev/pool": "platform" }],
      ["worker", { "vibecode.dev/pool": "workspaces" }],
      ["worker", { "vibecode.dev/pool": "workspaces" }],
    ]);
    expect(config.nodes[0].extraPortMappings).toEqual([
      { containerPort: 30080, hostPort: 80, protocol: "TCP" },
      { containerPort: 30443, hostPort: 443, protocol: "TCP" },
    ]);
  });

  it("creates KIND through commands that explain a missing kind or Docker, and keeps the kubeconfig secret", async () => {
    const { resources } = await runUnderMocks(() => new Cluster("cluster", { mode: "kind" }), { project: "test", stack: "unit" });
    const create = resources.find((r) => r.name === "cluster:kind-cluster")!;
    expect(create.type).toBe("command:local:Command");
    expect(create.inputs.create).toBe(kindCreateScript("vibecode"));
    expect(String(create.inputs.create)).toContain("kind is not installed");
    expect(String(create.inputs.create)).toContain("Docker is not running");
    expect(parse(String(create.inputs.stdin)).nodes[0].image).toBe("docker.io/kindest/node:v1.34.0");
    expect(create.inputs.delete).toBe("kind delete cluster --name 'vibecode'");
    const provider = resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
    expect(provider.name).toBe("cluster:kind");
  });

  it("uses an existing cluster's context, and refuses existing mode without kubeconfig or context", async () => {
    const { resources } = await runUnderMocks(() => new Cluster("cluster", { context: "prod-admin" }), { project: "test", stack: "unit" });
    const provider = resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
    expect(provider.inputs.context).toBe("prod-admin");
    // Secrets are updated in place (the Authelia users database changes with every new person): no delete-then-create.
    expect(provider.inputs.enableSecretMutable).toBe("true");
    expect(() => new Cluster("c", { mode: "existing" })).toThrow("Cluster c: existing mode needs a kubeconfig or a context");
    expect(() => new Cluster("c", { mode: "minikube" })).toThrow('Cluster c: mode must be "kind" or "existing", got "minikube"');
  });
});
