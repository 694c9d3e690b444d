/**
 * Baseline: capabilities.
 *
 * Containers may add only capabilities that container runtimes grant by default anyway; anything beyond that set
 * (NET_RAW, SYS_ADMIN, …) is an escalation. Names are compared exactly, as upstream does: `CAP_CHOWN` or `chown`
 * are not in the set and are refused.
 *
 * Restricted fields: `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.capabilities.add`.
 *
 * Allowed values: unset, empty, or only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD,
 * NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT.
 *
 * Mirrors upstream check `capabilities_baseline` (policy 1.0+). At the restricted level it is replaced by
 * `capabilities_restricted` (policy 1.22+).
 */
import { join } from "../../path";
import { containerLabel, list, rec } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";
import { quoteList } from "./check";

/** Capabilities a container may add at baseline. */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

function capabilitiesBaseline(pod: PodView): Finding[] {
  const findings: Finding[] = [];
  for (const c of pod.containers) {
    const added = list(rec(c.securityContext.capabilities).add).map(String);
    const forbidden = [...new Set(added.filter((cap) => !BASELINE_CAPABILITIES.has(cap)))].sort();
    if (forbidden.length > 0) {
      findings.push({
        path: join(c.path, "securityContext", "capabilities", "add"),
        problem: `adds ${quoteList(forbidden)} (${containerLabel(c)}); only the runtime's default capabilities may be added`,
      });
    }
  }
  return findings;
}

export const capabilitiesBaselineCheck: PodSecurityCheck = {
  id: "capabilities_baseline",
  level: "baseline",
  policy: "pod-security-baseline-capabilities",
  description: "Containers must not add capabilities beyond the container runtime's default set.",
  versions: [{ minimumVersion: 0, evaluate: capabilitiesBaseline }],
};
