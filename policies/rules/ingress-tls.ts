/**
 * Hygiene: Ingresses serve TLS for every host they route.
 *
 * Workspaces and the portal carry sessions and code; plain HTTP would expose both. Every host an Ingress routes
 * must be listed in one of its TLS entries (a `*.example.com` entry covers exactly one extra label, as in TLS).
 *
 * Restricted fields of Ingresses (`networking.k8s.io`, and the legacy `extensions` group):
 * - `spec.tls` — at least one entry
 * - `spec.rules[*].host` — covered by some `spec.tls[*].hosts[*]`
 */
import { formatPath } from "../path";
import { groupOf, list, rec, str } from "../objects";
import type { KubeObject, Rule, Violation } from "../types";

const NAME = "hygiene-ingress-tls";

/** Whether a TLS host entry (possibly a wildcard) covers a rule host. */
export function tlsCovers(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  if (!p.startsWith("*.")) return false;
  const dot = h.indexOf(".");
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

export function isIngress(obj: KubeObject): boolean {
  return obj.kind === "Ingress" && ["networking.k8s.io", "extensions"].includes(groupOf(obj.apiVersion));
}

export const ingressTlsRule: Rule = {
  name: NAME,
  description: "Ingresses must terminate TLS for every host they route.",
  defaultEnforcement: "mandatory",
  scope: "object",
  check(obj: KubeObject): Violation[] {
    if (!isIngress(obj)) return [];
    const spec = rec(obj.spec);
    const tls = list(spec.tls);
    if (tls.length === 0) {
      return [{ policy: NAME, path: "spec.tls", message: "spec.tls is not set; Ingresses must serve their hosts over TLS" }];
    }
    const tlsHosts = tls.flatMap((entry) => list(rec(entry).hosts).map(String));
    const violations: Violation[] = [];
    list(spec.rules).forEach((rule, index) => {
      const host = str(rec(rule).host);
      if (host === undefined || host === "") return;
      if (tlsHosts.some((pattern) => tlsCovers(pattern, host))) return;
      const path = formatPath(["spec", "rules", index, "host"]);
      violations.push({ policy: NAME, path, message: `${path} ${JSON.stringify(host)} is not covered by any spec.tls[*].hosts entry` });
    });
    return violations;
  },
};
