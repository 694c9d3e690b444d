/**
 * Quotas: every workspace namespace has a LimitRange for containers.
 *
 * The LimitRange gives containers that omit requests or limits the tier's defaults, so a pod the quota would
 * otherwise refuse (it requires limits) still starts, and caps any single container.
 *
 * Restricted objects: Namespaces labelled `vibecode.dev/workspace: "true"`.
 *
 * Required: a LimitRange in the namespace with an entry of `type: Container` under `spec.limits`. A workspace
 * namespace without one is reported on the Namespace (`metadata.name`).
 */
import { list, nameOf, rec } from "../objects";
import type { KubeObject, Rule, RuleContext, Violation } from "../types";

const NAME = "quota-workspace-limit-range";

export const workspaceLimitRangeRule: Rule = {
  name: NAME,
  description: "Every workspace namespace must have a LimitRange with a Container entry.",
  defaultEnforcement: "mandatory",
  scope: "stack",
  check(obj: KubeObject, ctx: RuleContext): Violation[] {
    if (obj.apiVersion !== "v1" || obj.kind !== "Namespace" || !ctx.isWorkspaceObject(obj)) return [];
    const ranges = ctx.objectsOfKind("LimitRange", nameOf(obj)).filter((r) => r.apiVersion === "v1");
    if (ranges.some((r) => list(rec(r.spec).limits).some((item) => rec(item).type === "Container"))) return [];
    const path = "metadata.name";
    const what = ranges.length === 0 ? "without a LimitRange" : `whose LimitRanges (${ranges.map(nameOf).join(", ")}) have no type: Container entry`;
    return [
      {
        policy: NAME,
        path,
        message: `${path} ${JSON.stringify(nameOf(obj))} is a workspace namespace ${what}; add one with container defaults and maxima`,
      },
    ];
  },
};
