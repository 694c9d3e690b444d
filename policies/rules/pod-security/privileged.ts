/**
 * Baseline: privileged containers.
 *
 * A privileged container has (almost) every capability and every device of the host; it disables most isolation.
 *
 * Restricted fields: `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.privileged`.
 *
 * Allowed values: unset, `false`.
 *
 * Mirrors upstream check `privileged` (policy 1.0+).
 */
import { join } from "../../path";
import { containerLabel } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";
import { isTrue } from "./check";

function privileged(pod: PodView): Finding[] {
  return pod.containers
    .filter((c) => isTrue(c.securityContext.privileged))
    .map((c) => ({
      path: join(c.path, "securityContext", "privileged"),
      problem: `is true (${containerLabel(c)}); privileged containers are not allowed (allowed: false or unset)`,
    }));
}

export const privilegedCheck: PodSecurityCheck = {
  id: "privileged",
  level: "baseline",
  policy: "pod-security-baseline-privileged",
  description: "Containers must not be privileged (securityContext.privileged).",
  versions: [{ minimumVersion: 0, evaluate: privileged }],
};
