/**
 * Baseline: host namespaces.
 *
 * Sharing the node's network, process or IPC namespace lets a pod see and talk to everything on the node.
 *
 * Restricted fields: `spec.hostNetwork`, `spec.hostPID`, `spec.hostIPC`.
 *
 * Allowed values: unset, `false`.
 *
 * Mirrors upstream check `hostNamespaces` (policy 1.0+).
 */
import { join } from "../../path";
import type { Finding, PodSecurityCheck, PodView } from "./check";
import { isTrue } from "./check";

function hostNamespaces(pod: PodView): Finding[] {
  const findings: Finding[] = [];
  for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) {
    if (isTrue(pod.spec[field])) {
      findings.push({
        path: join(pod.specPath, field),
        problem: "is true; sharing host namespaces is not allowed (allowed: false or unset)",
      });
    }
  }
  return findings;
}

export const hostNamespacesCheck: PodSecurityCheck = {
  id: "hostNamespaces",
  level: "baseline",
  policy: "pod-security-baseline-host-namespaces",
  description: "Pods must not share the host's network, PID or IPC namespace (hostNetwork, hostPID, hostIPC).",
  versions: [{ minimumVersion: 0, evaluate: hostNamespaces }],
};
