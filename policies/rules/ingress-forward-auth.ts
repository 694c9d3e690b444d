/**
 * Hygiene: every Ingress is behind the platform's single sign-on.
 *
 * Traefik calls a ForwardAuth middleware (Authelia) before routing a request; the Ingress opts in with the
 * annotation `traefik.ingress.kubernetes.io/router.middlewares: <namespace>-<name>@kubernetescrd[,…]`.
 *
 * Restricted fields of Ingresses:
 * - `metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"]` — present and non-empty; and when
 *   every middleware it references is among the inputs (Traefik `Middleware` objects), at least one of them must
 *   be a `forwardAuth` middleware. References to middlewares that are not among the inputs cannot be verified and
 *   are accepted.
 *
 * Exemption — the portal: an Ingress annotated `vibecode.dev/portal: "true"` is the sign-on portal itself (the
 * Authelia login page), which cannot sit behind its own forward-auth. It still needs TLS.
 */
import { formatPath } from "../path";
import { annotationsOf, groupOf, nameOf, namespaceOf, rec, str } from "../objects";
import type { KubeObject, Rule, RuleContext, Violation } from "../types";
import { isIngress } from "./ingress-tls";

const NAME = "hygiene-ingress-forward-auth";
export const MIDDLEWARES_ANNOTATION = "traefik.ingress.kubernetes.io/router.middlewares";
export const PORTAL_ANNOTATION = "vibecode.dev/portal";
/** Traefik's CRD groups: current (v3) and the one Traefik v2 used. */
const MIDDLEWARE_GROUPS = ["traefik.io", "traefik.containo.us"];

const middlewareIndexes = new WeakMap<RuleContext, ReadonlyMap<string, KubeObject>>();

/**
 * The Traefik Middlewares among the inputs by the reference an Ingress annotation uses for them,
 * `<namespace>-<name>@kubernetescrd`. Namespace and name may both contain dashes, so whole references are matched
 * rather than split. Built once per run.
 */
function middlewaresOf(ctx: RuleContext): ReadonlyMap<string, KubeObject> {
  let index = middlewareIndexes.get(ctx);
  if (!index) {
    const built = new Map<string, KubeObject>();
    for (const m of ctx.objects) {
      if (m.kind !== "Middleware" || !MIDDLEWARE_GROUPS.includes(groupOf(m.apiVersion))) continue;
      built.set(`${namespaceOf(m) ?? "default"}-${nameOf(m)}@kubernetescrd`, m);
    }
    middlewareIndexes.set(ctx, (index = built));
  }
  return index;
}

export const ingressForwardAuthRule: Rule = {
  name: NAME,
  description: "Ingresses (except the portal) must reference the forward-auth middleware.",
  defaultEnforcement: "mandatory",
  scope: "stack",
  check(obj: KubeObject, ctx: RuleContext): Violation[] {
    if (!isIngress(obj)) return [];
    const annotations = annotationsOf(obj);
    if (str(annotations[PORTAL_ANNOTATION]) === "true") return [];
    const path = formatPath(["metadata", "annotations", MIDDLEWARES_ANNOTATION]);
    const refs = (str(annotations[MIDDLEWARES_ANNOTATION]) ?? "")
      .split(",")
      .map((r) => r.trim())
      .filter((r) => r !== "");
    if (refs.length === 0) {
      return [{ policy: NAME, path, message: `${path} is not set; the Ingress bypasses the platform's forward-auth (single sign-on)` }];
    }
    const known = middlewaresOf(ctx);
    const resolved = refs.map((ref) => known.get(ref));
    if (resolved.some((m) => m === undefined)) return [];
    if (resolved.some((m) => m !== undefined && rec(m.spec).forwardAuth !== undefined)) return [];
    return [
      {
        policy: NAME,
        path,
        message: `${path} references ${refs.join(", ")}, none of which is a forwardAuth middleware; the Ingress bypasses single sign-on`,
      },
    ];
  },
};
