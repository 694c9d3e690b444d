/**
 * Quotas: every container declares CPU and memory requests and limits.
 *
 * Requests decide scheduling and limits decide what a container may use; a workspace quota (`limits.cpu`,
 * `limits.memory`) refuses pods whose containers omit them, and elsewhere a container without limits can starve
 * its node. Declaring them explicitly keeps a manifest's cost readable without knowing every LimitRange.
 *
 * Restricted fields, for Pods and the pod templates of every workload kind:
 * - `spec.{initContainers,containers}[*].resources.requests.{cpu,memory}`
 * - `spec.{initContainers,containers}[*].resources.limits.{cpu,memory}`
 *
 * Allowed values: any quantity (validity and requests ≤ limits are `quota-requests-within-limits`'s job).
 * Ephemeral containers are exempt: the API forbids resources on them. Pod-level resources
 * (`spec.resources.{requests,limits}`, Kubernetes 1.34+) satisfy the requirement for the whole pod.
 */
import { formatPath, join } from "../path";
import { containerLabel, containersOf, isSet, podTargetOf, rec } from "../objects";
import type { KubeObject, Rule, Violation } from "../types";

const NAME = "quota-container-resources";
const FIELDS = [
  ["requests", "cpu"],
  ["requests", "memory"],
  ["limits", "cpu"],
  ["limits", "memory"],
] as const;

export const containerResourcesRule: Rule = {
  name: NAME,
  description: "Every container must declare CPU and memory requests and limits.",
  defaultEnforcement: "mandatory",
  scope: "object",
  check(obj: KubeObject): Violation[] {
    const target = podTargetOf(obj);
    if (!target) return [];
    const podResources = rec(target.spec.resources);
    const violations: Violation[] = [];
    for (const c of containersOf(target)) {
      if (c.list === "ephemeralContainers") continue;
      const resources = rec(c.container.resources);
      for (const [kind, resource] of FIELDS) {
        if (isSet(rec(resources[kind])[resource]) || isSet(rec(podResources[kind])[resource])) continue;
        const path = formatPath(join(c.path, "resources", kind, resource));
        violations.push({
          policy: NAME,
          path,
          message: `${path} is not set (${containerLabel(c)}); every container must declare CPU and memory requests and limits`,
        });
      }
    }
    return violations;
  },
};
