/**
 * Restricted: privilege escalation.
 *
 * Without `allowPrivilegeEscalation: false` (the `no_new_privs` flag) a process can gain privileges through
 * set-user-ID or set-group-ID binaries. Restricted requires every container to turn it off explicitly.
 *
 * Restricted fields: `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.allowPrivilegeEscalation`.
 *
 * Allowed values: `false` (unset is not enough: the runtime default is to allow escalation).
 *
 * Windows: from policy 1.25, pods with `spec.os.name: windows` are exempt (the field is Linux-only and API
 * validation forbids it on Windows pods).
 *
 * Mirrors upstream check `allowPrivilegeEscalation` (policy 1.8+, 1.25+).
 */
import { join } from "../../path";
import { containerLabel } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";
import { isWindowsPod } from "./check";

function allowPrivilegeEscalation(pod: PodView): Finding[] {
  return pod.containers
    .filter((c) => c.securityContext.allowPrivilegeEscalation !== false)
    .map((c) => {
      const value = c.securityContext.allowPrivilegeEscalation;
      const state = value === undefined || value === null ? "is not set" : `is ${JSON.stringify(value)}`;
      return {
        path: join(c.path, "securityContext", "allowPrivilegeEscalation"),
        problem: `${state} (${containerLabel(c)}); it must be false`,
      };
    });
}

function allowPrivilegeEscalationExceptWindows(pod: PodView): Finding[] {
  return isWindowsPod(pod) ? [] : allowPrivilegeEscalation(pod);
}

export const allowPrivilegeEscalationCheck: PodSecurityCheck = {
  id: "allowPrivilegeEscalation",
  level: "restricted",
  policy: "pod-security-restricted-privilege-escalation",
  description: "Containers must set securityContext.allowPrivilegeEscalation to false.",
  versions: [
    { minimumVersion: 8, evaluate: allowPrivilegeEscalation },
    { minimumVersion: 25, evaluate: allowPrivilegeEscalationExceptWindows },
  ],
};
