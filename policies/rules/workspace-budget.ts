/**
 * Quotas: the workspaces together fit the cluster's budget.
 *
 * Each workspace quota caps one person; the sum of those caps is what the platform has promised. The rule adds,
 * over all workspace namespaces, the effective `limits.cpu` and `limits.memory` cap of each (the smallest among
 * its unscoped ResourceQuotas, since every quota applies) and compares the totals with the configured budget
 * (`budget.cpu`, `budget.memory` in the checker config; the same keys in the pack's config for this policy).
 * Without a configured budget the rule reports nothing. Namespaces without a cap are left to
 * `quota-workspace-resource-quota`.
 *
 * Restricted fields: `spec.hard["limits.cpu"]`, `spec.hard["limits.memory"]` of ResourceQuotas in workspace
 * namespaces.
 *
 * Allowed values: totals ≤ the budget. The violation is reported on the quota that takes the running total (in
 * input order) over the budget, and names the overall total.
 */
import { formatPath } from "../path";
import { isSet, namespaceOf, rec } from "../objects";
import { compareQuantities, formatQuantity, quantityValue } from "../quantity";
import type { KubeObject, Rule, RuleContext, Violation } from "../types";
import { QUOTA_CAPS, isUnscopedQuota } from "./workspace-resource-quota";

const NAME = "quota-workspace-budget";

interface Overrun {
  readonly total: number;
  readonly budget: number;
  readonly namespaces: number;
}

/** Per context: for each cap, the quota that crosses the budget and the figures for its message. */
const cache = new WeakMap<RuleContext, Map<KubeObject, Map<string, Overrun>>>();

function overruns(ctx: RuleContext): Map<KubeObject, Map<string, Overrun>> {
  let result = cache.get(ctx);
  if (result) return result;
  result = new Map();
  for (const cap of QUOTA_CAPS) {
    const budgetText = cap === "limits.cpu" ? ctx.settings.budget?.cpu : ctx.settings.budget?.memory;
    const budget = budgetText === undefined ? undefined : quantityValue(budgetText);
    if (budget === undefined) continue;
    // Effective cap per workspace namespace: the smallest unscoped quota (first such quota on ties).
    const perNamespace = new Map<string, { quota: KubeObject; value: number }>();
    for (const quota of ctx.objects) {
      if (quota.kind !== "ResourceQuota" || quota.apiVersion !== "v1" || !isUnscopedQuota(quota) || !ctx.isWorkspaceObject(quota)) continue;
      const raw = rec(rec(quota.spec).hard)[cap];
      const value = isSet(raw) ? quantityValue(raw) : undefined;
      if (value === undefined) continue;
      const ns = namespaceOf(quota) ?? "";
      const current = perNamespace.get(ns);
      if (!current || compareQuantities(value, current.value) < 0) perNamespace.set(ns, { quota, value });
    }
    let running = 0;
    let crossing: KubeObject | undefined;
    for (const { quota, value } of perNamespace.values()) {
      running += value;
      if (!crossing && compareQuantities(running, budget) > 0) crossing = quota;
    }
    if (crossing) {
      let forQuota = result.get(crossing);
      if (!forQuota) result.set(crossing, (forQuota = new Map()));
      forQuota.set(cap, { total: running, budget, namespaces: perNamespace.size });
    }
  }
  cache.set(ctx, result);
  return result;
}

export const workspaceBudgetRule: Rule = {
  name: NAME,
  description: "The workspace quotas' total limits.cpu and limits.memory must fit the configured cluster budget.",
  defaultEnforcement: "mandatory",
  scope: "stack",
  check(obj: KubeObject, ctx: RuleContext): Violation[] {
    if (obj.kind !== "ResourceQuota" || !ctx.settings.budget) return [];
    const found = overruns(ctx).get(obj);
    if (!found) return [];
    return [...found.entries()].map(([cap, o]) => {
      const path = formatPath(["spec", "hard", cap]);
      const budget = (cap === "limits.cpu" ? ctx.settings.budget?.cpu : ctx.settings.budget?.memory) ?? "";
      // Memory totals are bytes; show them next to the budget as written (e.g. "8Gi = 8589934592").
      const unit = cap === "limits.memory" ? " bytes" : "";
      const shownBudget = budget === formatQuantity(o.budget) ? budget : `${budget} = ${formatQuantity(o.budget)}`;
      return {
        policy: NAME,
        path,
        message: `${path} takes the workspace quotas over the cluster budget: ${o.namespaces} workspace namespaces total ${cap} ${formatQuantity(o.total)}${unit}, budget ${shownBudget}${unit}`,
      };
    });
  },
};
