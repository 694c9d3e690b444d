/**
 * Baseline: host ports.
 *
 * A hostPort binds a port on the node's own address, bypassing network policy and the Service abstraction.
 *
 * Restricted fields: `spec.{initContainers,containers,ephemeralContainers}[*].ports[*].hostPort`.
 *
 * Allowed values: unset, `0`.
 *
 * Mirrors upstream check `hostPorts` (policy 1.0+).
 */
import { join } from "../../path";
import { containerLabel, list, rec } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";

function hostPorts(pod: PodView): Finding[] {
  const findings: Finding[] = [];
  for (const c of pod.containers) {
    list(c.container.ports).forEach((value, index) => {
      const hostPort = rec(value).hostPort;
      // Go reads an int32 here: unset and null both decode to 0, which is allowed.
      if (typeof hostPort === "number" && hostPort !== 0) {
        findings.push({
          path: join(c.path, "ports", index, "hostPort"),
          problem: `is ${hostPort} (${containerLabel(c)}); host ports are not allowed (allowed: 0 or unset)`,
        });
      }
    });
  }
  return findings;
}

export const hostPortsCheck: PodSecurityCheck = {
  id: "hostPorts",
  level: "baseline",
  policy: "pod-security-baseline-host-ports",
  description: "Containers must not bind host ports (ports[*].hostPort).",
  versions: [{ minimumVersion: 0, evaluate: hostPorts }],
};
