/**
 * Quotas: every workspace namespace has a ResourceQuota that caps CPU and memory limits.
 *
 * The quota is what bounds one person's share of the cluster, and its `limits.cpu`/`limits.memory` are what the
 * cluster budget (`quota-workspace-budget`) adds up. A quota restricted by `scopes`/`scopeSelector` covers only
 * some pods, so only an unscoped quota counts.
 *
 * Restricted objects: Namespaces labelled `vibecode.dev/workspace: "true"`, and the ResourceQuotas in them.
 *
 * Required: at least one unscoped ResourceQuota in the namespace whose `spec.hard` sets `limits.cpu` and
 * `limits.memory`. Violations are reported on the Namespace (`metadata.name`), naming the missing quota or cap:
 * the namespace as a whole lacks it, no single quota is "the" wrong one.
 */
import { formatPath } from "../path";
import { isSet, list, nameOf, rec } from "../objects";
import type { KubeObject, Rule, RuleContext, Violation } from "../types";

const NAME = "quota-workspace-resource-quota";
export const QUOTA_CAPS = ["limits.cpu", "limits.memory"] as const;

/** Whether a ResourceQuota applies to every pod of its namespace (no scopes, no scope selector). */
export function isUnscopedQuota(quota: KubeObject): boolean {
  const spec = rec(quota.spec);
  return list(spec.scopes).length === 0 && !isSet(spec.scopeSelector);
}

export const workspaceResourceQuotaRule: Rule = {
  name: NAME,
  description: "Every workspace namespace must have an unscoped ResourceQuota capping limits.cpu and limits.memory.",
  defaultEnforcement: "mandatory",
  scope: "stack",
  check(obj: KubeObject, ctx: RuleContext): Violation[] {
    if (obj.apiVersion !== "v1" || obj.kind !== "Namespace" || !ctx.isWorkspaceObject(obj)) return [];
    const quotas = ctx.objectsOfKind("ResourceQuota", nameOf(obj)).filter((q) => q.apiVersion === "v1");
    if (quotas.length === 0) {
      const path = "metadata.name";
      return [
        {
          policy: NAME,
          path,
          message: `${path} ${JSON.stringify(nameOf(obj))} is a workspace namespace without a ResourceQuota; add one capping limits.cpu and limits.memory`,
        },
      ];
    }
    const violations: Violation[] = [];
    for (const cap of QUOTA_CAPS) {
      if (quotas.some((q) => isUnscopedQuota(q) && isSet(rec(rec(q.spec).hard)[cap]))) continue;
      const path = "metadata.name";
      violations.push({
        policy: NAME,
        path,
        message: `${path} ${JSON.stringify(nameOf(obj))} is a workspace namespace whose ResourceQuotas (${quotas
          .map(nameOf)
          .join(", ")}) set no unscoped ${formatPath(["spec", "hard", cap])}`,
      });
    }
    return violations;
  },
};
