/**
 * Restricted: non-root user ID.
 *
 * `runAsNonRoot` alone is checked by the kubelet at start; an explicit `runAsUser: 0` is refused up front.
 *
 * Restricted fields:
 * - `spec.securityContext.runAsUser`
 * - `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.runAsUser`
 *
 * Allowed values: unset, any non-zero UID; anything when `spec.hostUsers` is `false` (policy 1.35+).
 *
 * Mirrors upstream check `runAsUser` (policy 1.23+, 1.35+).
 */
import { join } from "../../path";
import { containerLabel } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";
import { usesUserNamespace } from "./check";

function runAsUser(pod: PodView): Finding[] {
  const findings: Finding[] = [];
  if (pod.podSecurityContext.runAsUser === 0) {
    findings.push({
      path: join(pod.specPath, "securityContext", "runAsUser"),
      problem: "is 0; pods must not run as root (UID 0)",
    });
  }
  for (const c of pod.containers) {
    if (c.securityContext.runAsUser === 0) {
      findings.push({
        path: join(c.path, "securityContext", "runAsUser"),
        problem: `is 0 (${containerLabel(c)}); containers must not run as root (UID 0)`,
      });
    }
  }
  return findings;
}

function runAsUserUnlessUserNamespace(pod: PodView): Finding[] {
  return usesUserNamespace(pod) ? [] : runAsUser(pod);
}

export const runAsUserCheck: PodSecurityCheck = {
  id: "runAsUser",
  level: "restricted",
  policy: "pod-security-restricted-run-as-user",
  description: "Pods and containers must not set runAsUser to 0 (unless hostUsers is false).",
  versions: [
    { minimumVersion: 23, evaluate: runAsUser },
    { minimumVersion: 35, evaluate: runAsUserUnlessUserNamespace },
  ],
};
