/**
 * Quotas: requests never exceed limits, and every quantity is valid.
 *
 * A request above its limit is refused by the API server at apply time, long after review; a malformed quantity
 * (`1.5 Gi`, `500MB`) likewise. Catching both in CI keeps a render deployable. Quantities are compared by value
 * (`100m` equals `0.1`, `1Gi` is more than `1G`).
 *
 * Restricted fields, for Pods and the pod templates of every workload kind:
 * - `spec.{initContainers,containers}[*].resources.{requests,limits}.*`
 * - `spec.resources.{requests,limits}.*` (pod-level resources)
 *
 * Allowed values: valid Kubernetes quantities with, for every resource named in both, request ≤ limit.
 */
import { join, formatPath } from "../path";
import { containerLabel, containersOf, isRecord, podTargetOf, rec } from "../objects";
import { compareQuantities, quantityValue } from "../quantity";
import type { FieldPath, KubeObject, Rule, Violation } from "../types";

const NAME = "quota-requests-within-limits";

function checkResources(resources: unknown, base: FieldPath, who: string, out: Violation[]): void {
  const requests = rec(rec(resources).requests);
  const limits = rec(rec(resources).limits);
  for (const [kind, values] of [["requests", requests], ["limits", limits]] as const) {
    for (const [name, value] of Object.entries(values)) {
      if (quantityValue(value) === undefined) {
        const path = formatPath(join(base, "resources", kind, name));
        out.push({ policy: NAME, path, message: `${path} is ${JSON.stringify(value)}${who}, which is not a valid Kubernetes quantity` });
      }
    }
  }
  for (const [name, requestValue] of Object.entries(requests)) {
    const request = quantityValue(requestValue);
    const limit = quantityValue(limits[name]);
    if (request !== undefined && limit !== undefined && compareQuantities(request, limit) > 0) {
      const path = formatPath(join(base, "resources", "requests", name));
      out.push({
        policy: NAME,
        path,
        message: `${path} is ${String(requestValue)}${who}, more than its limit ${String(limits[name])}; requests must not exceed limits`,
      });
    }
  }
}

export const requestsWithinLimitsRule: Rule = {
  name: NAME,
  description: "Resource requests must be valid quantities no greater than their limits.",
  defaultEnforcement: "mandatory",
  scope: "object",
  check(obj: KubeObject): Violation[] {
    const target = podTargetOf(obj);
    if (!target) return [];
    const violations: Violation[] = [];
    if (isRecord(target.spec.resources)) checkResources(target.spec.resources, target.specPath, " (pod-level)", violations);
    for (const c of containersOf(target)) {
      if (c.list === "ephemeralContainers") continue;
      checkResources(c.container.resources, c.path, ` (${containerLabel(c)})`, violations);
    }
    return violations;
  },
};
