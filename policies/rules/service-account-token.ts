/**
 * Isolation: workspace pods carry no Kubernetes API credentials.
 *
 * A workspace runs code its user chooses; a mounted service-account token would let that code call the
 * Kubernetes API as the workspace. The token is mounted unless the pod, or failing that its ServiceAccount,
 * says `automountServiceAccountToken: false` (the pod's setting wins when both are set).
 *
 * Restricted fields, for Pods and pod templates in workspace namespaces:
 * - `spec.automountServiceAccountToken` — `false`; or unset when the pod's ServiceAccount (`serviceAccountName`,
 *   else `default`) is among the inputs with `automountServiceAccountToken: false`
 * - `spec.volumes[*].projected.sources[*].serviceAccountToken` — unset (an explicitly projected token is a token
 *   mount too)
 */
import { formatPath, join } from "../path";
import { isRecord, list, namespaceOf, nameOf, podTargetOf, rec, str } from "../objects";
import type { KubeObject, Rule, RuleContext, Violation } from "../types";

const NAME = "isolation-service-account-token";

export const serviceAccountTokenRule: Rule = {
  name: NAME,
  description: "Workspace pods must not mount service-account tokens.",
  defaultEnforcement: "mandatory",
  scope: "stack",
  check(obj: KubeObject, ctx: RuleContext): Violation[] {
    const target = podTargetOf(obj);
    if (!target || !ctx.isWorkspaceObject(obj)) return [];
    const violations: Violation[] = [];
    const path = formatPath(join(target.specPath, "automountServiceAccountToken"));
    const podSetting = target.spec.automountServiceAccountToken;
    const accountName = str(target.spec.serviceAccountName) || str(target.spec.serviceAccount) || "default";
    if (podSetting === true) {
      violations.push({ policy: NAME, path, message: `${path} is true; workspace pods must not mount a service-account token` });
    } else if (podSetting !== false) {
      const account = ctx.objectsOfKind("ServiceAccount", namespaceOf(obj)).find((sa) => nameOf(sa) === accountName);
      if (account?.automountServiceAccountToken !== false) {
        const why = account
          ? `ServiceAccount ${JSON.stringify(accountName)} does not set automountServiceAccountToken: false`
          : `ServiceAccount ${JSON.stringify(accountName)} is not among the inputs, so its token is mounted by default`;
        violations.push({ policy: NAME, path, message: `${path} is not set and ${why}; set it to false` });
      }
    }
    list(target.spec.volumes).forEach((volume, v) => {
      list(rec(rec(volume).projected).sources).forEach((source, s) => {
        if (isRecord(rec(source).serviceAccountToken)) {
          const p = formatPath(join(target.specPath, "volumes", v, "projected", "sources", s, "serviceAccountToken"));
          violations.push({ policy: NAME, path: p, message: `${p} projects a service-account token into a workspace pod` });
        }
      });
    });
    return violations;
  },
};
