/**
 * Restricted: running as non-root.
 *
 * Every container must be required to run as a non-root user. The requirement can be met once for the pod
 * (`spec.securityContext.runAsNonRoot: true`, inherited by every container that does not say otherwise) or per
 * container; a container explicitly saying `false` is refused whatever the pod says, and so is a pod saying
 * `false`, even if every container overrides it.
 *
 * Restricted fields:
 * - `spec.securityContext.runAsNonRoot`
 * - `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.runAsNonRoot`
 *
 * Allowed values: `true`; unset at container level when the pod level is `true`; anything when the pod has its
 * own user namespace (`spec.hostUsers: false`, policy 1.35+), where UID 0 in the container is unprivileged on
 * the node.
 *
 * Mirrors upstream check `runAsNonRoot` (policy 1.0+, 1.35+).
 */
import { join } from "../../path";
import { containerLabel } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";
import { usesUserNamespace } from "./check";

function runAsNonRoot(pod: PodView): Finding[] {
  const findings: Finding[] = [];
  const podValue = pod.podSecurityContext.runAsNonRoot;
  if (podValue === false) {
    findings.push({
      path: join(pod.specPath, "securityContext", "runAsNonRoot"),
      problem: "is false; pods must not opt out of running as non-root",
    });
  }
  const podRequiresNonRoot = podValue === true;
  for (const c of pod.containers) {
    const value = c.securityContext.runAsNonRoot;
    const path = join(c.path, "securityContext", "runAsNonRoot");
    if (value === false) {
      findings.push({ path, problem: `is false (${containerLabel(c)}); it must be true` });
    } else if (value !== true && !podRequiresNonRoot) {
      // Neither the container nor the pod requires a non-root user (upstream's "implicitly bad" containers).
      findings.push({
        path,
        problem: `is not set and spec.securityContext.runAsNonRoot is not true (${containerLabel(c)}); one of them must be true`,
      });
    }
  }
  return findings;
}

function runAsNonRootUnlessUserNamespace(pod: PodView): Finding[] {
  return usesUserNamespace(pod) ? [] : runAsNonRoot(pod);
}

export const runAsNonRootCheck: PodSecurityCheck = {
  id: "runAsNonRoot",
  level: "restricted",
  policy: "pod-security-restricted-run-as-non-root",
  description: "Pods or every container must set securityContext.runAsNonRoot to true (unless hostUsers is false).",
  versions: [
    { minimumVersion: 0, evaluate: runAsNonRoot },
    { minimumVersion: 35, evaluate: runAsNonRootUnlessUserNamespace },
  ],
};
