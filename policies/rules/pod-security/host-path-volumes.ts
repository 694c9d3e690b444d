/**
 * Baseline: hostPath volumes.
 *
 * A hostPath volume exposes the node's filesystem to the pod.
 *
 * Restricted fields: `spec.volumes[*].hostPath`.
 *
 * Allowed values: unset.
 *
 * Mirrors upstream check `hostPathVolumes` (policy 1.0+). At the restricted level it is replaced by
 * `restrictedVolumes`, which refuses hostPath along with every other non-allowed volume type.
 */
import { join } from "../../path";
import { isSet, list, rec, str } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";

function hostPathVolumes(pod: PodView): Finding[] {
  const findings: Finding[] = [];
  list(pod.spec.volumes).forEach((value, index) => {
    const volume = rec(value);
    if (isSet(volume.hostPath)) {
      findings.push({
        path: join(pod.specPath, "volumes", index, "hostPath"),
        problem: `is set (volume ${JSON.stringify(str(volume.name) ?? "")}); hostPath volumes are not allowed`,
      });
    }
  });
  return findings;
}

export const hostPathVolumesCheck: PodSecurityCheck = {
  id: "hostPathVolumes",
  level: "baseline",
  policy: "pod-security-baseline-host-path-volumes",
  description: "Pods must not use hostPath volumes.",
  versions: [{ minimumVersion: 0, evaluate: hostPathVolumes }],
};
