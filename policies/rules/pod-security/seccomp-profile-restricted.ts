/**
 * Restricted: seccomp.
 *
 * Restricted requires a seccomp profile on every container: either once at pod level (inherited by containers
 * that set none) or on each container. Explicitly bad values (`Unconfined`, or a profile without a type) are
 * refused wherever they appear, and a bad pod-level profile does not count as a default for the containers.
 *
 * Restricted fields:
 * - `spec.securityContext.seccompProfile.type`
 * - `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.seccompProfile.type`
 *
 * Allowed values: `RuntimeDefault`, `Localhost`; unset at container level only when the pod level is one of them.
 *
 * Windows: from policy 1.25, pods with `spec.os.name: windows` are exempt (seccomp is Linux-only).
 *
 * Mirrors upstream check `seccompProfile_restricted` (policy 1.19+, 1.25+), which overrides the baseline
 * `seccompProfile_baseline` check.
 */
import { join } from "../../path";
import { containerLabel, str } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";
import { isWindowsPod, presentRecord } from "./check";
import { explicitlyBadSeccomp, validSeccompType } from "./seccomp-profile-baseline";

function seccompProfileRestricted(pod: PodView): Finding[] {
  const findings = explicitlyBadSeccomp(pod);
  const podProfile = presentRecord(pod.podSecurityContext.seccompProfile);
  const podDefaultIsValid = podProfile !== undefined && validSeccompType(str(podProfile.type) ?? "");
  if (!podDefaultIsValid) {
    for (const c of pod.containers) {
      if (presentRecord(c.securityContext.seccompProfile) !== undefined) continue; // judged above
      findings.push({
        path: join(c.path, "securityContext", "seccompProfile", "type"),
        problem: `is not set and spec.securityContext.seccompProfile.type is not RuntimeDefault or Localhost (${containerLabel(c)}); one of them must be`,
      });
    }
  }
  return findings;
}

function seccompProfileRestrictedExceptWindows(pod: PodView): Finding[] {
  return isWindowsPod(pod) ? [] : seccompProfileRestricted(pod);
}

export const seccompProfileRestrictedCheck: PodSecurityCheck = {
  id: "seccompProfile_restricted",
  level: "restricted",
  policy: "pod-security-restricted-seccomp",
  description: "Pods or every container must set seccompProfile.type to RuntimeDefault or Localhost.",
  versions: [
    { minimumVersion: 19, evaluate: seccompProfileRestricted, overrides: ["seccompProfile_baseline"] },
    { minimumVersion: 25, evaluate: seccompProfileRestrictedExceptWindows, overrides: ["seccompProfile_baseline"] },
  ],
};
