/**
 * Restricted: capabilities.
 *
 * Restricted containers start from no capabilities at all (`drop: ["ALL"]`) and may add back only
 * NET_BIND_SERVICE (binding ports below 1024). Names are compared exactly: `all` or `CAP_NET_BIND_SERVICE` do not
 * count.
 *
 * Restricted fields:
 * - `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.capabilities.drop` — must include `ALL`
 * - `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.capabilities.add` — unset, empty, or
 *   only `NET_BIND_SERVICE`
 *
 * Windows: from policy 1.25, pods with `spec.os.name: windows` are exempt (capabilities are Linux-only).
 *
 * Mirrors upstream check `capabilities_restricted` (policy 1.22+, 1.25+), which overrides the baseline
 * `capabilities_baseline` check.
 */
import { join } from "../../path";
import { containerLabel, list, rec } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";
import { isWindowsPod, quoteList } from "./check";

function capabilitiesRestricted(pod: PodView): Finding[] {
  const findings: Finding[] = [];
  for (const c of pod.containers) {
    const capabilities = rec(c.securityContext.capabilities);
    const base = join(c.path, "securityContext", "capabilities");
    if (!list(capabilities.drop).includes("ALL")) {
      findings.push({ path: join(base, "drop"), problem: `does not include "ALL" (${containerLabel(c)}); containers must drop all capabilities` });
    }
    const forbidden = [...new Set(list(capabilities.add).map(String).filter((cap) => cap !== "NET_BIND_SERVICE"))].sort();
    if (forbidden.length > 0) {
      findings.push({
        path: join(base, "add"),
        problem: `adds ${quoteList(forbidden)} (${containerLabel(c)}); only NET_BIND_SERVICE may be added`,
      });
    }
  }
  return findings;
}

function capabilitiesRestrictedExceptWindows(pod: PodView): Finding[] {
  return isWindowsPod(pod) ? [] : capabilitiesRestricted(pod);
}

export const capabilitiesRestrictedCheck: PodSecurityCheck = {
  id: "capabilities_restricted",
  level: "restricted",
  policy: "pod-security-restricted-capabilities",
  description: 'Containers must drop ALL capabilities and may add back only NET_BIND_SERVICE.',
  versions: [
    { minimumVersion: 22, evaluate: capabilitiesRestricted, overrides: ["capabilities_baseline"] },
    { minimumVersion: 25, evaluate: capabilitiesRestrictedExceptWindows, overrides: ["capabilities_baseline"] },
  ],
};
