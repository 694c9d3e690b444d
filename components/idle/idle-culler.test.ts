import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runUnderMocks } from "../../scripts/render/mock-runtime";
import { validateKubernetesObjects } from "../../test/support/schema-validation";
import { registerKubernetesObjects, type KubernetesObject } from "../kubernetes/register";
import { imageRef, workspaceImageVersions } from "../versions";
import { CULL_SCRIPT } from "./cull-script";
import {
  buildIdleCullerManifests,
  IDLE_AFTER_ANNOTATION,
  IDLE_CULLER_POD_LABELS,
  idleAnnotations,
  idleCullerWorkspaceObjects,
} from "./idle-culler";

const objs = buildIdleCullerManifests() as any[];
const find = (kind: string, name?: string) => objs.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const wsObjs = idleCullerWorkspaceObjects({
  namespace: "ws-alice",
  podLabels: { "app.kubernetes.io/name": "code-server", "app.kubernetes.io/instance": "alice" },
}) as any[];

describe("idle culler (platform objects)", () => {
  it("are schema-valid Kubernetes objects, also the per-workspace ones", () => {
    expect(validateKubernetesObjects([...objs, ...wsObjs])).toEqual([]);
  });

  it("register as Pulumi resources on the mock runtime", async () => {
    const { resources } = await runUnderMocks(
      () => registerKubernetesObjects("idle", [...objs, ...wsObjs] as KubernetesObject[], {}),
      { project: "test", stack: "unit" },
    );
    expect(resources.map((r) => r.type).sort()).toEqual(
      [
        "kubernetes:batch/v1:CronJob",
        "kubernetes:core/v1:ConfigMap",
        "kubernetes:core/v1:Namespace",
        "kubernetes:core/v1:ServiceAccount",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
      ].sort(),
    );
  });

  it("lives in a restricted vibecode-system namespace", () => {
    const ns = find("Namespace");
    expect(ns.metadata.name).toBe("vibecode-system");
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("grants cluster-wide only `list namespaces`; workspace powers come from per-namespace RoleBindings", () => {
    const bindings = objs.filter((o) => o.kind === "ClusterRoleBinding");
    expect(bindings).toHaveLength(1);
    const reader = find("ClusterRole", bindings[0].roleRef.name);
    expect(reader.rules).toEqual([{ apiGroups: [""], resources: ["namespaces"], verbs: ["list"] }]);
    const role = find("ClusterRole", "vibecode-idle-culler");
    expect(role.rules).toEqual([
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list"] },
      { apiGroups: ["apps"], resources: ["deployments/scale"], resourceNames: ["code-server"], verbs: ["patch"] },
      { apiGroups: [""], resources: ["pods"], verbs: ["list"] },
    ]);
    // No binding anywhere grants it cluster-wide.
    expect(bindings.some((b) => b.roleRef.name === role.metadata.name)).toBe(false);
    const rb = wsObjs.find((o) => o.kind === "RoleBinding");
    expect(rb.metadata.namespace).toBe("ws-alice");
    expect(rb.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "vibecode-idle-culler" });
    expect(rb.subjects).toEqual([{ kind: "ServiceAccount", name: "idle-culler", namespace: "vibecode-system" }]);
    const allVerbs = objs.filter((o) => o.kind === "ClusterRole").flatMap((r) => r.rules.flatMap((x: any) => x.verbs));
    for (const v of ["create", "delete", "deletecollection", "update", "*", "escalate", "bind", "impersonate"]) expect(allVerbs).not.toContain(v);
  });

  it("runs one non-overlapping CronJob, pinned image, restricted security context, read-only root", () => {
    const cj = find("CronJob");
    expect(cj.spec.concurrencyPolicy).toBe("Forbid");
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe("idle-culler");
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    const c = pod.containers[0];
    expect(c.image).toBe(imageRef(workspaceImageVersions.idleCullerPython));
    expect(c.image).not.toMatch(/:latest$|bitnami/);
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(c.env).toEqual(expect.arrayContaining([{ name: "IDLE_ANNOTATION", value: IDLE_AFTER_ANNOTATION }]));
    expect(find("ConfigMap").data["cull.py"]).toBe(CULL_SCRIPT);
    expect(cj.spec.jobTemplate.spec.template.metadata.labels).toMatchObject(IDLE_CULLER_POD_LABELS);
  });

  it("the workspace NetworkPolicy admits only the culler pods, on 8080", () => {
    const np = wsObjs.find((o) => o.kind === "NetworkPolicy");
    expect(np.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "vibecode-system" } },
            podSelector: { matchLabels: IDLE_CULLER_POD_LABELS },
          },
        ],
        ports: [{ protocol: "TCP", port: 8080 }],
      },
    ]);
  });

  it("idleAnnotations sets the threshold and refuses silly values", () => {
    expect(idleAnnotations(3600)).toEqual({ [IDLE_AFTER_ANNOTATION]: "3600" });
    expect(() => idleAnnotations(10)).toThrow();
    expect(() => idleAnnotations(1.5e3 + 0.5)).toThrow();
  });
});

function havePython(): boolean {
  try {
    execFileSync("python3", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

(havePython() ? describe : describe.skip)("cull.py decisions (python3 on this machine)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cull-"));
  fs.writeFileSync(path.join(dir, "cull.py"), CULL_SCRIPT);
  const py = (expr: string) =>
    execFileSync("python3", ["-c", `import sys, json; sys.path.insert(0, ${JSON.stringify(dir)}); import cull; print(json.dumps(${expr}))`], {
      encoding: "utf8",
    }).trim();

  it("culls only when the heartbeat is older than the threshold", () => {
    const now = 1_800_000_000;
    expect(py(`cull.should_cull(${now}, ${(now - 3700) * 1000}, None, 3600)`)).toBe("true");
    expect(py(`cull.should_cull(${now}, ${(now - 100) * 1000}, None, 3600)`)).toBe("false");
  });

  it("without a heartbeat yet, counts from the container start; with neither, never culls", () => {
    const now = 1_800_000_000;
    expect(py(`cull.should_cull(${now}, 0, ${now - 4000}, 3600)`)).toBe("true");
    expect(py(`cull.should_cull(${now}, 0, ${now - 10}, 3600)`)).toBe("false");
    expect(py(`cull.should_cull(${now}, 0, None, 3600)`)).toBe("false");
  });

  it("ignores missing, non-numeric and non-positive thresholds", () => {
    expect(py(`[cull.parse_threshold(v) for v in [None, "x", "0", "-5", " 900 "]]`)).toBe("[null, null, null, null, 900]");
    expect(py(`cull.parse_time("2026-11-22T16:00:00Z")`)).toBe(`${Date.parse("2026-11-22T16:00:00Z") / 1000}.0`);
  });
});
