/**
 * Isolation: workspaces are reachable only through the authenticated Ingress.
 *
 * A LoadBalancer or NodePort Service publishes a workspace port outside the cluster, past the single sign-on in
 * front of the Ingress (and the workspace quota sets `services.loadbalancers`/`services.nodeports` to 0, so the
 * API server would refuse it at apply time anyway).
 *
 * Restricted fields: `spec.type` of Services in workspace namespaces.
 *
 * Allowed values: unset, `ClusterIP`, `ExternalName`.
 */
import type { KubeObject, Rule, RuleContext, Violation } from "../types";

const NAME = "isolation-service-type";
const FORBIDDEN = new Set(["LoadBalancer", "NodePort"]);

export const workspaceServiceTypeRule: Rule = {
  name: NAME,
  description: "Services in workspace namespaces must not be of type LoadBalancer or NodePort.",
  defaultEnforcement: "mandatory",
  scope: "stack",
  check(obj: KubeObject, ctx: RuleContext): Violation[] {
    if (obj.apiVersion !== "v1" || obj.kind !== "Service") return [];
    const type = (obj.spec as { type?: unknown } | undefined)?.type;
    if (typeof type !== "string" || !FORBIDDEN.has(type) || !ctx.isWorkspaceObject(obj)) return [];
    const path = "spec.type";
    return [{ policy: NAME, path, message: `${path} is ${type} in a workspace namespace; workspaces are exposed only through their Ingress` }];
  },
};
