/**
 * Baseline: HostProcess (Windows).
 *
 * A Windows HostProcess container runs directly on the host with the host's privileges, so baseline forbids
 * asking for one at pod level or in any container.
 *
 * Restricted fields:
 * - `spec.securityContext.windowsOptions.hostProcess`
 * - `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.windowsOptions.hostProcess`
 *
 * Allowed values: unset, `false`.
 *
 * Mirrors upstream check `windowsHostProcess` (policy 1.0+).
 */
import { join } from "../../path";
import { containerLabel, rec } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";
import { isTrue } from "./check";

function windowsHostProcess(pod: PodView): Finding[] {
  const findings: Finding[] = [];
  const problem = "is true; HostProcess (privileged Windows host access) is not allowed (allowed: false or unset)";
  if (isTrue(rec(pod.podSecurityContext.windowsOptions).hostProcess)) {
    findings.push({ path: join(pod.specPath, "securityContext", "windowsOptions", "hostProcess"), problem });
  }
  for (const c of pod.containers) {
    if (isTrue(rec(c.securityContext.windowsOptions).hostProcess)) {
      findings.push({
        path: join(c.path, "securityContext", "windowsOptions", "hostProcess"),
        problem: `is true (${containerLabel(c)}); HostProcess containers are not allowed (allowed: false or unset)`,
      });
    }
  }
  return findings;
}

export const windowsHostProcessCheck: PodSecurityCheck = {
  id: "windowsHostProcess",
  level: "baseline",
  policy: "pod-security-baseline-host-process",
  description: "Pods must not run Windows HostProcess containers (securityContext.windowsOptions.hostProcess).",
  versions: [{ minimumVersion: 0, evaluate: windowsHostProcess }],
};
