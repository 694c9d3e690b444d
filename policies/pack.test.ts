/**
 * The Pulumi pack: adapter functions (table tests) and the real thing — the pack loaded by Pulumi's own policy
 * runner (`@pulumi/pulumi/cmd/run-policy-pack`, which `pulumi preview --policy-pack policies` starts, with ts-node
 * type-checking this directory) and driven over its gRPC Analyzer interface the way the engine drives it.
 */
import { spawn } from "child_process";
import type { ChildProcess } from "child_process";
import * as path from "path";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { buildPolicies, checkStack, kubernetesTypeOf, materialize, objectFromResource, resourcePolicy } from "./pack";
import { RULES, ruleNamed } from "./registry";
import type { Loose } from "./testing";
import { clone, namespace, specOf, workload, workspace } from "./testing";
import { DEFAULT_SETTINGS } from "./types";

/** Pulumi's marker for a value not known during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** An object whose listed fields throw when read, like @pulumi/policy's unknown-checking proxy. */
function withUnknowns(value: Loose, unknownKeys: string[]): Loose {
  return new Proxy(value, {
    get(target, key) {
      if (typeof key === "string" && unknownKeys.includes(key)) throw new Error(`${key} can't be known during preview`);
      return target[key];
    },
  });
}

describe("type tokens", () => {
  it.each<[string, { apiVersion: string; kind: string } | undefined]>([
    ["kubernetes:core/v1:Pod", { apiVersion: "v1", kind: "Pod" }],
    ["kubernetes:apps/v1:Deployment", { apiVersion: "apps/v1", kind: "Deployment" }],
    ["kubernetes:networking.k8s.io/v1:Ingress", { apiVersion: "networking.k8s.io/v1", kind: "Ingress" }],
    ["kubernetes:traefik.io/v1alpha1:Middleware", { apiVersion: "traefik.io/v1alpha1", kind: "Middleware" }],
    ["kubernetes:batch/v1:CronJob", { apiVersion: "batch/v1", kind: "CronJob" }],
    ["kubernetes:yaml/v2:ConfigGroup", undefined],
    ["kubernetes:yaml:ConfigFile", undefined],
    ["kubernetes:helm.sh/v4:Chart", undefined],
    ["kubernetes:helm.sh/v3:Release", undefined],
    ["kubernetes:kustomize/v2:Directory", undefined],
    ["kubernetes:core/v1:PodList", undefined],
    ["kubernetes:apps/v1:DeploymentPatch", undefined],
    ["pulumi:providers:kubernetes", undefined],
    ["vibecode:workspace:CodeServerWorkspace", undefined],
    ["random:index/randomPassword:RandomPassword", undefined],
  ])("%s", (type, expected) => {
    expect(kubernetesTypeOf(type)).toEqual(expected);
  });
});

describe("props to objects", () => {
  it("records unknown fields instead of failing", () => {
    const unknownPaths: string[] = [];
    const props = withUnknowns({ metadata: withUnknowns({ name: "a", namespace: "x" }, ["namespace"]), spec: { containers: [withUnknowns({ name: "c", image: "x" }, ["image"])] } }, []);
    expect(materialize(props, [], unknownPaths)).toEqual({ metadata: { name: "a" }, spec: { containers: [{ name: "c" }] } });
    expect(unknownPaths).toEqual(["metadata.namespace", "spec.containers[0].image"]);
  });

  it("fills apiVersion/kind from the type token and the name of auto-named resources", () => {
    expect(objectFromResource("kubernetes:core/v1:ConfigMap", { data: { a: "b" } }, "settings-1x2y")).toEqual({
      object: { apiVersion: "v1", kind: "ConfigMap", data: { a: "b" }, metadata: { name: "settings-1x2y" } },
      unknownPaths: [],
    });
  });
});

describe("policies", () => {
  const policies = buildPolicies();

  it("one policy per rule, with the rule's name and default enforcement", () => {
    expect(policies.map((p) => p.name)).toEqual(RULES.map((r) => r.name));
    for (const policy of policies) {
      const rule = ruleNamed(policy.name)!;
      expect(policy.enforcementLevel).toBe(rule.defaultEnforcement);
      expect("validateResource" in policy).toBe(rule.scope === "object");
      expect("validateStack" in policy).toBe(rule.scope === "stack");
    }
  });

  /** Calls a resource policy the way @pulumi/policy does, collecting reported messages. */
  function runResourcePolicy(name: string, type: string, props: Loose, config: Loose = {}): string[] {
    const policy = policies.find((p) => p.name === name) as ResourceValidationPolicy;
    const reported: string[] = [];
    const validate = policy.validateResource as (args: Loose, report: (m: string) => void) => void;
    validate({ type, props, name: "res", urn: "urn:pulumi:dev::p::" + type + "::res", getConfig: () => config }, (m) => reported.push(m));
    return reported;
  }

  it.each<[string, string, string, () => Loose, string[]]>([
    ["image tag on a Deployment's inputs", "hygiene-image-tag", "kubernetes:apps/v1:Deployment", () => {
      const d = clone(workload("Deployment"));
      specOf(d).containers[0].image = "nginx";
      return d;
    }, ['spec.template.spec.containers[0].image is "nginx", which has no tag (it means :latest) (container "app"); pin a version tag or a digest']],
    ["not a Kubernetes resource", "hygiene-image-tag", "random:index/randomPassword:RandomPassword", () => ({ length: 16 }), []],
    ["a clean ConfigMap", "hygiene-configmap-credentials", "kubernetes:core/v1:ConfigMap", () => ({ metadata: { name: "c" }, data: { LOG_LEVEL: "info" } }), []],
    ["unknown image during preview is not judged", "hygiene-image-tag", "kubernetes:core/v1:Pod", () => {
      const p = clone(workload("Pod"));
      return { ...p, spec: { ...p.spec, containers: [withUnknowns(p.spec.containers[0], ["image"])] } };
    }, []],
  ])("%s", (_name, policy, type, props, expected) => {
    expect(runResourcePolicy(policy, type, props())).toEqual(expected);
  });

  it("host access reads systemNamespaces from the policy's config", () => {
    const ds = clone(workload("DaemonSet", "datadog"));
    specOf(ds).hostPID = true;
    expect(runResourcePolicy("isolation-host-access", "kubernetes:apps/v1:DaemonSet", ds)).toHaveLength(1);
    expect(runResourcePolicy("isolation-host-access", "kubernetes:apps/v1:DaemonSet", ds, { systemNamespaces: ["kube-system", "datadog"] })).toEqual([]);
  });

  it("an unknown namespace suppresses namespace-dependent findings", () => {
    const ds = clone(workload("DaemonSet", "x"));
    specOf(ds).hostPID = true;
    const props = { ...ds, metadata: withUnknowns(ds.metadata, ["namespace"]) };
    expect(runResourcePolicy("isolation-host-access", "kubernetes:apps/v1:DaemonSet", props)).toEqual([]);
  });

  /** Turns objects into the resources a stack policy sees. */
  const resources = (objects: Loose[]) =>
    objects.map((o, i) => ({
      type: `kubernetes:${o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`,
      props: o,
      name: `r${i}`,
      urn: `urn:pulumi:dev::p::${o.kind}::r${i}`,
    }));

  it("stack policies use the namespace's Pod Security label and attribute violations to the resource", () => {
    const privileged = clone(workload("Deployment", "monitoring"));
    specOf(privileged).containers[0].securityContext.privileged = true;
    const reported: [string, string | undefined][] = [];
    const rule = ruleNamed("pod-security-baseline-privileged")!;
    checkStack(rule, resources([namespace("monitoring", { level: "baseline" }), privileged]), DEFAULT_SETTINGS, (m, urn) => reported.push([m, urn]));
    expect(reported).toEqual([
      ['spec.template.spec.containers[0].securityContext.privileged is true (container "app"); privileged containers are not allowed (allowed: false or unset)', "urn:pulumi:dev::p::Deployment::r1"],
    ]);
    reported.length = 0;
    checkStack(rule, resources([namespace("monitoring", { level: "privileged" }), privileged]), DEFAULT_SETTINGS, (m, urn) => reported.push([m, urn]));
    expect(reported).toEqual([]);
  });

  it("stack rules about other objects are not decided while an object's namespace is unknown", () => {
    const objects = workspace("ws-a");
    const quota = objects.find((o) => o.kind === "ResourceQuota");
    const rs = resources(objects).map((r) => (r.props === quota ? { ...r, props: { ...quota, metadata: withUnknowns(quota.metadata, ["namespace"]) } } : r));
    // The framework turns this error into its advisory "can't run policy during preview".
    expect(() => checkStack(ruleNamed("quota-workspace-resource-quota")!, rs, DEFAULT_SETTINGS, () => {})).toThrow(/can't be known during preview/);
  });

  it("Pod Security skips pods whose Namespace's labels are unknown, and only those", () => {
    const privileged = (ns: string) => {
      const d = clone(workload("Deployment", ns));
      specOf(d).containers[0].securityContext.privileged = true;
      return d;
    };
    const pending = namespace("pending", { level: "privileged" });
    const rs = resources([{ ...pending, metadata: withUnknowns(pending.metadata, ["labels"]) }, privileged("pending"), privileged("known")]);
    const reported: (string | undefined)[] = [];
    checkStack(ruleNamed("pod-security-baseline-privileged")!, rs, DEFAULT_SETTINGS, (_m, urn) => reported.push(urn));
    expect(reported).toEqual(["urn:pulumi:dev::p::Deployment::r2"]);
  });

  it("the budget stack policy reads its budget from config", () => {
    const policy = policies.find((p) => p.name === "quota-workspace-budget") as StackValidationPolicy;
    const reported: string[] = [];
    const run = (config: Loose) =>
      (policy.validateStack as (args: Loose, report: (m: string) => void) => void)(
        { resources: resources([...workspace("ws-a"), ...workspace("ws-b")]), getConfig: () => config },
        (m) => reported.push(m),
      );
    run({});
    expect(reported).toEqual([]);
    run({ cpu: "3" });
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatch(/total limits\.cpu 4, budget 3/);
  });

  it("a complete workspace passes every policy", () => {
    const objects = workspace("ws-a");
    for (const policy of policies) {
      const reported: string[] = [];
      if ("validateStack" in policy) {
        (policy.validateStack as (args: Loose, report: (m: string) => void) => void)({ resources: resources(objects), getConfig: () => ({}) }, (m) => reported.push(m));
      } else {
        for (const r of resources(objects)) {
          const rule = ruleNamed(policy.name)!;
          (resourcePolicy(rule).validateResource as (args: Loose, report: (m: string) => void) => void)({ ...r, getConfig: () => ({}) }, (m) => reported.push(m));
        }
      }
      expect([policy.name, reported]).toEqual([policy.name, []]);
    }
  });
});

/**
 * The pack as `pulumi preview --policy-pack policies` runs it. Pulumi's language host starts
 * `@pulumi/pulumi/cmd/run-policy-pack <engine> .` in the pack directory; the pack prints its gRPC port and the
 * engine calls GetAnalyzerInfo, Configure, Analyze (per resource) and AnalyzeStack.
 */
describe("the pack under Pulumi's policy runner (gRPC)", () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
  const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
  const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
  const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }));
  const { Empty } = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [pulumiDir] }));
  /* eslint-enable @typescript-eslint/no-require-imports */

  let child: ChildProcess | undefined;
  let client: Loose;
  let stderr = "";

  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) => client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));

  const resource = (type: string, name: string, props: Loose) => {
    const r = new analyzerPb.AnalyzerResource();
    r.setType(type);
    r.setName(name);
    r.setUrn(`urn:pulumi:dev::platform::${type}::${name}`);
    r.setProperties(Struct.fromJavaScript(props));
    r.setOptions(new analyzerPb.AnalyzerResourceOptions());
    return r;
  };
  const diagnostics = (response: Loose) =>
    response.getDiagnosticsList().map((d: Loose) => ({ policy: d.getPolicyname(), urn: d.getUrn(), enforcement: d.getEnforcementlevel(), message: d.getMessage() }));

  beforeAll(async () => {
    const runner = path.join(pulumiDir, "cmd", "run-policy-pack");
    child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: __dirname, stdio: ["ignore", "pipe", "pipe"] });
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      child!.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const match = /^(\d+)\s*$/m.exec(out);
        if (match) resolve(match[1]!);
      });
      child!.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
    });
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }, 180_000);

  afterAll(() => {
    client?.close();
    child?.kill();
  });

  it("describes every policy", async () => {
    const info: Loose = await call("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("vibecode-kubernetes");
    expect(info.getVersion()).toBe("0.1.0");
    expect(info.getPoliciesList().map((p: Loose) => p.getName())).toEqual(RULES.map((r) => r.name));
  });

  it("Analyze reports object rules on a resource's inputs", async () => {
    const pod = clone(workload("Pod", "apps", "web"));
    specOf(pod).containers[0].image = "nginx:latest";
    const request = new analyzerPb.AnalyzeRequest();
    request.setType("kubernetes:core/v1:Pod");
    request.setName("web");
    request.setUrn("urn:pulumi:dev::platform::kubernetes:core/v1:Pod::web");
    request.setProperties(Struct.fromJavaScript(pod));
    request.setOptions(new analyzerPb.AnalyzerResourceOptions());
    const response: Loose = await call("analyze", request);
    expect(diagnostics(response)).toEqual([
      {
        policy: "hygiene-image-tag",
        urn: "",
        enforcement: analyzerPb.EnforcementLevel.MANDATORY,
        message: expect.stringContaining('spec.containers[0].image is "nginx:latest", which uses the mutable latest tag'),
      },
    ]);
  });

  it("AnalyzeStack reports stack rules against their resources, and skips unknown values", async () => {
    const privileged = clone(workload("Deployment", "apps", "agent"));
    specOf(privileged).containers[0].securityContext.privileged = true;
    const unknownImage = clone(workload("Deployment", "apps", "pending"));
    specOf(unknownImage).containers[0].image = UNKNOWN;
    const request = new analyzerPb.AnalyzeStackRequest();
    request.setResourcesList([
      resource("kubernetes:core/v1:Namespace", "apps", namespace("apps", { level: "baseline" })),
      resource("kubernetes:apps/v1:Deployment", "agent", privileged),
      resource("kubernetes:apps/v1:Deployment", "pending", unknownImage),
      resource("vibecode:workspace:CodeServerWorkspace", "alice", {}),
    ]);
    const response: Loose = await call("analyzeStack", request);
    expect(diagnostics(response)).toEqual([
      {
        policy: "pod-security-baseline-privileged",
        urn: "urn:pulumi:dev::platform::kubernetes:apps/v1:Deployment::agent",
        enforcement: analyzerPb.EnforcementLevel.MANDATORY,
        message: expect.stringContaining("spec.template.spec.containers[0].securityContext.privileged is true"),
      },
    ]);
  });

  it("AnalyzeStack: an unknown namespace makes the cross-object rules advisory 'can't run during preview'", async () => {
    const objects = workspace("ws-a");
    const quota = objects.find((o) => o.kind === "ResourceQuota");
    quota.metadata.namespace = UNKNOWN;
    const request = new analyzerPb.AnalyzeStackRequest();
    request.setResourcesList(objects.map((o, i) => resource(`kubernetes:${o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`, `r${i}`, o)));
    const response: Loose = await call("analyzeStack", request);
    const quotaRule = diagnostics(response).filter((d: Loose) => d.policy === "quota-workspace-resource-quota");
    expect(quotaRule).toEqual([
      { policy: "quota-workspace-resource-quota", urn: "", enforcement: analyzerPb.EnforcementLevel.ADVISORY, message: expect.stringMatching(/can't run policy .* during preview/) },
    ]);
    // Pod Security and object rules still judge the workspace (and find nothing wrong).
    expect(diagnostics(response).filter((d: Loose) => d.enforcement !== analyzerPb.EnforcementLevel.ADVISORY)).toEqual([]);
  });

  it("honours enforcement levels from the policy pack config", async () => {
    const configure = new analyzerPb.ConfigureAnalyzerRequest();
    const advisory = new analyzerPb.PolicyConfig();
    advisory.setEnforcementlevel(analyzerPb.EnforcementLevel.ADVISORY);
    advisory.setProperties(new Struct()); // the engine always sends a (possibly empty) property map
    configure.getPolicyconfigMap().set("pod-security-baseline-privileged", advisory);
    await call("configure", configure);
    const privileged = clone(workload("Deployment", "apps", "agent"));
    specOf(privileged).containers[0].securityContext.privileged = true;
    const request = new analyzerPb.AnalyzeStackRequest();
    request.setResourcesList([resource("kubernetes:apps/v1:Deployment", "agent", privileged)]);
    const response: Loose = await call("analyzeStack", request);
    expect(diagnostics(response).map((d: Loose) => [d.policy, d.enforcement])).toEqual([["pod-security-baseline-privileged", analyzerPb.EnforcementLevel.ADVISORY]]);
  });
});
