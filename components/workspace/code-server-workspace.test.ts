import { runUnderMocks, type RecordedResource } from "../../scripts/render/mock-runtime";
import { CodeServerWorkspace } from "./code-server-workspace";

async function registered(args: Partial<ConstructorParameters<typeof CodeServerWorkspace>[1]> = {}): Promise<RecordedResource[]> {
  const run = await runUnderMocks(
    () => new CodeServerWorkspace("alice", { username: "alice", domain: "dev.example.com", ...args }),
    { project: "test", stack: "unit" },
  );
  return run.resources;
}

describe("CodeServerWorkspace on the mock runtime", () => {
  it("registers each Kubernetes object as its own resource under the component", async () => {
    const resources = await registered();
    const component = resources.find((r) => r.type === "vibecode:workspace:CodeServerWorkspace")!;
    const children = resources.filter((r) => r.custom);
    expect(children.map((r) => r.type).sort()).toEqual([
      "kubernetes:apps/v1:Deployment",
      "kubernetes:core/v1:LimitRange",
      "kubernetes:core/v1:Namespace",
      "kubernetes:core/v1:PersistentVolumeClaim",
      "kubernetes:core/v1:ResourceQuota",
      "kubernetes:core/v1:Service",
      "kubernetes:core/v1:ServiceAccount",
      "kubernetes:networking.k8s.io/v1:Ingress",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:traefik.io/v1alpha1:Middleware",
    ]);
    for (const child of children) expect(child.parent).toBe(component.urn);
  });

  it("protects the home volume and the namespace (which would take the volume with it) and nothing else", async () => {
    const resources = await registered();
    const guarded = resources.filter((r) => r.protect).map((r) => r.name).sort();
    expect(guarded).toEqual(["alice:Namespace/ws-alice", "alice:PersistentVolumeClaim/ws-alice/home"]);
    for (const r of resources.filter((x) => x.protect)) expect(r.retainOnDelete).toBe(true);
  });

  it("makes every namespaced object depend on its namespace", async () => {
    const resources = await registered();
    const ns = resources.find((r) => r.type === "kubernetes:core/v1:Namespace")!;
    for (const r of resources.filter((x) => x.custom && x !== ns)) expect(r.dependsOn).toEqual([ns.urn]);
  });

  it("leaves data unprotected only when asked to (purge on purpose)", async () => {
    const resources = await registered({ protectData: false });
    expect(resources.filter((r) => r.protect)).toEqual([]);
  });

  it("suspended: keeps the volume protected, registers no route", async () => {
    const resources = await registered({ enabled: false });
    expect(resources.some((r) => r.type.endsWith(":Ingress"))).toBe(false);
    const deployment = resources.find((r) => r.type.endsWith(":Deployment"))!;
    expect((deployment.inputs.spec as { replicas: number }).replicas).toBe(0);
    expect(resources.find((r) => r.type.endsWith(":PersistentVolumeClaim"))!.protect).toBe(true);
  });
});
