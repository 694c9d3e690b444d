/**
 * Isolation: every workspace namespace starts from "deny all traffic".
 *
 * NetworkPolicies only ever add allowed traffic; a namespace without a policy selecting a pod lets everything in
 * and out of it. A default-deny policy selects every pod and allows nothing, so the namespace's other policies
 * become the complete list of what is allowed.
 *
 * Restricted objects: Namespaces labelled `vibecode.dev/workspace: "true"`.
 *
 * Required: a NetworkPolicy in the namespace with
 * - `spec.podSelector` empty (`{}`: no `matchLabels`, no `matchExpressions`) — it selects every pod;
 * - `spec.policyTypes` containing both `Ingress` and `Egress` (when omitted, Kubernetes assumes only Ingress);
 * - no `spec.ingress` and no `spec.egress` rules (absent or empty).
 *
 * A workspace namespace without such a policy is reported on the Namespace (`metadata.name`).
 */
import { list, nameOf, rec } from "../objects";
import type { KubeObject, Rule, RuleContext, Violation } from "../types";

const NAME = "isolation-default-deny";

/** Whether a NetworkPolicy denies all ingress and egress traffic for every pod of its namespace. */
export function isDefaultDeny(policy: KubeObject): boolean {
  const spec = rec(policy.spec);
  const selector = spec.podSelector;
  // A selector must be present ({}), as the API requires; a missing one is not a deny-all we can rely on.
  if (typeof selector !== "object" || selector === null) return false;
  const selects = rec(selector);
  if (Object.keys(rec(selects.matchLabels)).length > 0 || list(selects.matchExpressions).length > 0) return false;
  const types = list(spec.policyTypes);
  return types.includes("Ingress") && types.includes("Egress") && list(spec.ingress).length === 0 && list(spec.egress).length === 0;
}

export const defaultDenyNetworkPolicyRule: Rule = {
  name: NAME,
  description: "Every workspace namespace must have a default-deny NetworkPolicy (all pods, Ingress and Egress, no rules).",
  defaultEnforcement: "mandatory",
  scope: "stack",
  check(obj: KubeObject, ctx: RuleContext): Violation[] {
    if (obj.apiVersion !== "v1" || obj.kind !== "Namespace" || !ctx.isWorkspaceObject(obj)) return [];
    const policies = ctx.objectsOfKind("NetworkPolicy", nameOf(obj)).filter((p) => p.apiVersion === "networking.k8s.io/v1");
    if (policies.some(isDefaultDeny)) return [];
    const path = "metadata.name";
    return [
      {
        policy: NAME,
        path,
        message: `${path} ${JSON.stringify(nameOf(obj))} is a workspace namespace without a default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress, Egress], no rules)`,
      },
    ];
  },
};
