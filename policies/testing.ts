/**
 * Test builders: compliant objects that pass every rule, to be mutated one field at a time by table tests, so each
 * case shows exactly which field makes which rule fire. Used by the rule tests only.
 */
import { evaluate } from "./engine";
import type { EvaluateOptions } from "./engine";
import { RULES } from "./registry";
import type { KubeObject, PodSecurityLevel, PolicySettings, Rule } from "./types";
import { DEFAULT_SETTINGS } from "./types";

/** A JSON-ish value tests can poke into (`obj.spec.containers[0].securityContext.privileged = true`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

/** A container that satisfies the restricted level, quotas and hygiene. */
export function compliantContainer(name: string): Loose {
  return {
    name,
    image: "registry.example.com/tools/app:1.4.2",
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  };
}

/** A pod spec (one init container, one container) that passes every rule at the restricted level. */
export function compliantPodSpec(): Loose {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    automountServiceAccountToken: false,
    initContainers: [compliantContainer("init")],
    containers: [compliantContainer("app")],
  };
}

export function pod(namespace = "apps", name = "demo"): Loose {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, namespace }, spec: compliantPodSpec() };
}

/** Wraps a pod spec in a workload of `kind`, with the template where that kind keeps it. */
export function workload(kind: string, namespace = "apps", name = "demo"): Loose {
  const template = { metadata: { labels: { app: name } }, spec: compliantPodSpec() };
  const meta = { name, namespace };
  switch (kind) {
    case "Pod":
      return pod(namespace, name);
    case "PodTemplate":
      return { apiVersion: "v1", kind, metadata: meta, template };
    case "ReplicationController":
      return { apiVersion: "v1", kind, metadata: meta, spec: { replicas: 1, selector: { app: name }, template } };
    case "Job":
      return { apiVersion: "batch/v1", kind, metadata: meta, spec: { template: { ...template, spec: { ...template.spec, restartPolicy: "Never" } } } };
    case "CronJob":
      return {
        apiVersion: "batch/v1",
        kind,
        metadata: meta,
        spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { ...template, spec: { ...template.spec, restartPolicy: "Never" } } } } },
      };
    default:
      return { apiVersion: "apps/v1", kind, metadata: meta, spec: { selector: { matchLabels: { app: name } }, template } };
  }
}

/** The path prefix of the pod spec inside each kind, as violations report it. */
export const POD_SPEC_PATHS: Readonly<Record<string, string>> = {
  Pod: "spec",
  PodTemplate: "template.spec",
  ReplicationController: "spec.template.spec",
  ReplicaSet: "spec.template.spec",
  Deployment: "spec.template.spec",
  DaemonSet: "spec.template.spec",
  StatefulSet: "spec.template.spec",
  Job: "spec.template.spec",
  CronJob: "spec.jobTemplate.spec.template.spec",
};

/** The pod spec inside a workload built by {@link workload}. */
export function specOf(obj: Loose): Loose {
  let node = obj;
  for (const key of POD_SPEC_PATHS[obj.kind as string]!.split(".")) node = node[key];
  return node;
}

/** A namespace, optionally a workspace one, optionally with a Pod Security enforce label. */
export function namespace(name: string, options: { workspace?: boolean; level?: PodSecurityLevel; version?: string } = {}): Loose {
  const labels: Record<string, string> = {};
  if (options.workspace) labels["vibecode.dev/workspace"] = "true";
  if (options.level) labels["pod-security.kubernetes.io/enforce"] = options.level;
  if (options.version) labels["pod-security.kubernetes.io/enforce-version"] = options.version;
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } };
}

/** What a complete workspace namespace needs besides its workload: quota, limit range, default deny, account. */
export function workspaceCompanions(ns: string, quota: { cpu: string; memory: string } = { cpu: "2", memory: "4Gi" }): Loose[] {
  return [
    {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "workspace-quota", namespace: ns },
      spec: { hard: { "requests.cpu": "1", "requests.memory": "2Gi", "limits.cpu": quota.cpu, "limits.memory": quota.memory } },
    },
    {
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: { name: "workspace-limits", namespace: ns },
      spec: { limits: [{ type: "Container", default: { cpu: "1", memory: "1Gi" }, defaultRequest: { cpu: "100m", memory: "128Mi" } }] },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "default-deny-all", namespace: ns },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "workspace", namespace: ns }, automountServiceAccountToken: false },
  ];
}

/** A full, compliant workspace: namespace, companions and a Deployment. */
export function workspace(ns: string): Loose[] {
  const deployment = workload("Deployment", ns, "code-server");
  specOf(deployment).serviceAccountName = "workspace";
  return [namespace(ns, { workspace: true, level: "restricted" }), ...workspaceCompanions(ns), deployment];
}

export function settings(overrides: Partial<PolicySettings> = {}): PolicySettings {
  return { ...DEFAULT_SETTINGS, ...overrides };
}

/** `policy path` strings of every violation (all rules unless `rules` is given), for compact assertions. */
export function violationKeys(objects: readonly KubeObject[], options: EvaluateOptions = {}): string[] {
  return evaluate(objects, { rules: RULES, ...options }).map((f) => `${f.violation.policy} ${f.violation.path}`);
}

/** The violations of one rule only. */
export function violationsOfRule(rule: Rule, objects: readonly KubeObject[], options: EvaluateOptions = {}): string[] {
  return violationKeys(objects, { ...options, rules: [rule] });
}

/** Deep copy, so cases never share mutable state. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
