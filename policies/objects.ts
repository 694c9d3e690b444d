/**
 * Safe accessors over untyped Kubernetes JSON, and the pod-spec extraction that Pod Security Admission performs:
 * where the pod template of each workload kind lives, and the order containers are visited in.
 *
 * Values of the wrong JSON type (a string where a boolean belongs) are treated as absent: the API server refuses
 * such objects before admission runs, so no policy decision ever depends on them.
 */
import { join } from "./path";
import type { FieldPath, KubeObject } from "./types";

export type Rec = Record<string, unknown>;

export function isRecord(value: unknown): value is Rec {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
/** `value` if it is a map, else an empty map (so chains like `rec(rec(x).a).b` never throw). */
export function rec(value: unknown): Rec {
  return isRecord(value) ? value : {};
}
/** `value` if it is a list, else an empty list. */
export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
/** Go's "pointer is set": the field is present and not `null`. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function nameOf(obj: KubeObject): string {
  return str(rec(obj.metadata).name) ?? "";
}
export function namespaceOf(obj: KubeObject): string | undefined {
  return str(rec(obj.metadata).namespace) || undefined;
}
export function labelsOf(obj: { metadata?: unknown }): Record<string, unknown> {
  return rec(rec(obj.metadata).labels);
}
export function annotationsOf(obj: { metadata?: unknown }): Record<string, unknown> {
  return rec(rec(obj.metadata).annotations);
}
/** The API group of an `apiVersion` (`""` for the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}
/** The label that marks workspace namespaces (and every workspace object). */
export const WORKSPACE_LABEL = "vibecode.dev/workspace";

/**
 * A pod spec found in an object, with the paths of its spec and metadata inside that object. For a Pod these are
 * `spec` and `metadata`; for workloads, their pod template's.
 */
export interface PodTarget {
  readonly spec: Rec;
  readonly meta: Rec;
  readonly specPath: FieldPath;
  readonly metaPath: FieldPath;
}

/**
 * Where each kind keeps its pod template, by `group/Kind` (legacy groups included, so older manifests are still
 * checked). Mirrors pod-security-admission's DefaultPodSpecExtractor (admission/admission.go), which evaluates Pods,
 * PodTemplates, ReplicationControllers, ReplicaSets, Deployments, DaemonSets, StatefulSets, Jobs and CronJobs.
 */
const TEMPLATE_PATHS: Readonly<Record<string, FieldPath>> = {
  "/PodTemplate": ["template"],
  "/ReplicationController": ["spec", "template"],
  "apps/ReplicaSet": ["spec", "template"],
  "apps/Deployment": ["spec", "template"],
  "apps/DaemonSet": ["spec", "template"],
  "apps/StatefulSet": ["spec", "template"],
  "extensions/ReplicaSet": ["spec", "template"],
  "extensions/Deployment": ["spec", "template"],
  "extensions/DaemonSet": ["spec", "template"],
  "batch/Job": ["spec", "template"],
  "batch/CronJob": ["spec", "jobTemplate", "spec", "template"],
};

/** Every kind {@link podTargetOf} understands, for documentation and tests. */
export const POD_BEARING_KINDS = ["Pod", "PodTemplate", "ReplicationController", "ReplicaSet", "Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob"] as const;

/** The pod spec inside `obj`, or undefined when `obj` does not carry one (or its template has no spec). */
export function podTargetOf(obj: KubeObject): PodTarget | undefined {
  const group = groupOf(obj.apiVersion);
  if (group === "" && obj.kind === "Pod") {
    if (!isRecord(obj.spec)) return undefined;
    return { spec: obj.spec, meta: rec(obj.metadata), specPath: ["spec"], metaPath: ["metadata"] };
  }
  const templatePath = TEMPLATE_PATHS[`${group}/${obj.kind}`];
  if (!templatePath) return undefined;
  let template: unknown = obj;
  for (const segment of templatePath) template = rec(template)[segment as string];
  if (!isRecord(template) || !isRecord(template.spec)) return undefined;
  return {
    spec: template.spec,
    meta: rec(template.metadata),
    specPath: join(templatePath, "spec"),
    metaPath: join(templatePath, "metadata"),
  };
}

/** The three container lists of a pod spec, in the order pod-security-admission visits them (policy/visitor.go). */
export const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;
export type ContainerList = (typeof CONTAINER_LISTS)[number];

/** One container of a pod spec and where it sits. */
export interface ContainerRef {
  readonly list: ContainerList;
  readonly index: number;
  readonly name: string;
  readonly container: Rec;
  /** Absolute path of the container inside the object, e.g. `spec.template.spec.initContainers[1]`. */
  readonly path: FieldPath;
  /** `securityContext` of the container, `{}` when unset. */
  readonly securityContext: Rec;
  /** Whether `securityContext` is present at all (Go: the pointer is non-nil). */
  readonly hasSecurityContext: boolean;
}

/** Every container of the pod, init containers first, then regular, then ephemeral. */
export function containersOf(target: PodTarget): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const listName of CONTAINER_LISTS) {
    list(target.spec[listName]).forEach((value, index) => {
      const container = rec(value);
      out.push({
        list: listName,
        index,
        name: str(container.name) ?? "",
        container,
        path: join(target.specPath, listName, index),
        securityContext: rec(container.securityContext),
        hasSecurityContext: isSet(container.securityContext),
      });
    });
  }
  return out;
}

/** `container "name"` for messages (index paths are exact but names are what people recognise). */
export function containerLabel(c: ContainerRef): string {
  const kind = c.list === "initContainers" ? "init container" : c.list === "ephemeralContainers" ? "ephemeral container" : "container";
  return `${kind} ${JSON.stringify(c.name)}`;
}
