/**
 * Registers plain Kubernetes objects (cdk8s output) as Pulumi resources, one resource per object, so previews,
 * policy packs, the offline render and unit tests all see every object with its full inputs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** A Kubernetes object as cdk8s emits it. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

type Constructor = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** Typed Pulumi classes for the built-in kinds the platform emits; anything else is a CustomResource. */
const TYPED_CLASSES: Readonly<Record<string, Constructor>> = {
  "v1/Namespace": k8s.core.v1.Namespace,
  "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
  "v1/PersistentVolumeClaim": k8s.core.v1.PersistentVolumeClaim,
  "v1/Service": k8s.core.v1.Service,
  "v1/Secret": k8s.core.v1.Secret,
  "v1/ConfigMap": k8s.core.v1.ConfigMap,
  "v1/ResourceQuota": k8s.core.v1.ResourceQuota,
  "v1/LimitRange": k8s.core.v1.LimitRange,
  "apps/v1/Deployment": k8s.apps.v1.Deployment,
  "apps/v1/StatefulSet": k8s.apps.v1.StatefulSet,
  "networking.k8s.io/v1/Ingress": k8s.networking.v1.Ingress,
  "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
  "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
  "autoscaling/v2/HorizontalPodAutoscaler": k8s.autoscaling.v2.HorizontalPodAutoscaler,
  "batch/v1/CronJob": k8s.batch.v1.CronJob,
  "batch/v1/Job": k8s.batch.v1.Job,
  "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
  "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
};

/** Stable Pulumi resource name of an object: `<prefix>:<Kind>/<namespace>/<name>` (namespace omitted when cluster-scoped). */
export function resourceNameOf(prefix: string, obj: KubernetesObject): string {
  const where = obj.metadata.namespace ? `${obj.metadata.namespace}/` : "";
  return `${prefix}:${obj.kind}/${where}${obj.metadata.name}`;
}

/**
 * Registers each object as its own resource. `optionsFor` adds per-object options (e.g. `protect` for volumes);
 * objects after a Namespace in the list depend on it, so a fresh namespace exists before what lives in it.
 */
export function registerKubernetesObjects(
  prefix: string,
  objects: readonly KubernetesObject[],
  opts: pulumi.CustomResourceOptions,
  optionsFor: (obj: KubernetesObject) => pulumi.CustomResourceOptions = () => ({}),
): Map<string, pulumi.CustomResource> {
  const registered = new Map<string, pulumi.CustomResource>();
  const namespaces = new Map<string, pulumi.CustomResource>();
  for (const obj of objects) {
    const name = resourceNameOf(prefix, obj);
    const ns = obj.metadata.namespace ? namespaces.get(obj.metadata.namespace) : undefined;
    const extra = optionsFor(obj);
    const dependsOn = [...asList(opts.dependsOn), ...asList(extra.dependsOn), ...(ns ? [ns] : [])];
    const merged: pulumi.CustomResourceOptions = {
      ...opts,
      ...extra,
      dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
    };
    const typed = TYPED_CLASSES[`${obj.apiVersion}/${obj.kind}`];
    const resource = typed
      ? new typed(name, obj, merged)
      : new k8s.apiextensions.CustomResource(name, obj as k8s.apiextensions.CustomResourceArgs, merged);
    if (obj.kind === "Namespace" && obj.apiVersion === "v1") namespaces.set(obj.metadata.name, resource);
    registered.set(name, resource);
  }
  return registered;
}

function asList(d: pulumi.CustomResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
  if (d === undefined) return [];
  return Array.isArray(d) ? d : [d as pulumi.Input<pulumi.Resource>];
}
