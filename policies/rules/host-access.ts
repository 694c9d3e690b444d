/**
 * Isolation: no host access outside system namespaces.
 *
 * Independently of the Pod Security level a namespace chooses (a `privileged` label switches Pod Security off),
 * the platform allows node access only to the cluster's own components in the system namespaces.
 *
 * Restricted fields, for Pods and the pod templates of every workload kind in any namespace other than the
 * system namespaces (`kube-system`, `kube-public`, `kube-node-lease`; configurable with `systemNamespaces`):
 * - `spec.hostNetwork`, `spec.hostPID`, `spec.hostIPC` — unset or `false`
 * - `spec.volumes[*].hostPath` — unset
 *
 * An object without `metadata.namespace` is treated as outside the system namespaces (it would land in the
 * client's default namespace).
 */
import { formatPath, join } from "../path";
import { isSet, list, namespaceOf, podTargetOf, rec, str } from "../objects";
import type { KubeObject, Rule, RuleContext, Violation } from "../types";

const NAME = "isolation-host-access";

export const hostAccessRule: Rule = {
  name: NAME,
  description: "Pods outside the system namespaces must not use hostNetwork, hostPID, hostIPC or hostPath volumes.",
  defaultEnforcement: "mandatory",
  scope: "object",
  check(obj: KubeObject, ctx: RuleContext): Violation[] {
    const target = podTargetOf(obj);
    if (!target) return [];
    const ns = namespaceOf(obj);
    if (ns !== undefined && ctx.settings.systemNamespaces.includes(ns)) return [];
    const where = ns === undefined ? "a namespace-less object" : `namespace ${JSON.stringify(ns)}`;
    const violations: Violation[] = [];
    for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) {
      if (target.spec[field] === true) {
        const path = formatPath(join(target.specPath, field));
        violations.push({ policy: NAME, path, message: `${path} is true in ${where}; host namespaces are reserved for system namespaces` });
      }
    }
    list(target.spec.volumes).forEach((value, index) => {
      const volume = rec(value);
      if (isSet(volume.hostPath)) {
        const path = formatPath(join(target.specPath, "volumes", index, "hostPath"));
        violations.push({
          policy: NAME,
          path,
          message: `${path} mounts host path ${JSON.stringify(str(rec(volume.hostPath).path) ?? "")} in ${where}; hostPath volumes are reserved for system namespaces`,
        });
      }
    });
    return violations;
  },
};
