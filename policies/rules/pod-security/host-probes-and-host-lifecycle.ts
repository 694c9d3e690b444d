/**
 * Baseline: probe and lifecycle-hook hosts.
 *
 * The kubelet performs HTTP and TCP probes and hooks from the node; a `host` other than the pod's own IP turns it
 * into a proxy to any address the node can reach (other pods, node-local services, cloud metadata).
 *
 * Restricted fields, for each of `spec.{initContainers,containers,ephemeralContainers}[*]`:
 * - `livenessProbe`, `readinessProbe`, `startupProbe`: `.httpGet.host`, `.tcpSocket.host`
 * - `lifecycle.postStart`, `lifecycle.preStop`: `.httpGet.host`, `.tcpSocket.host` (tcpSocket is a deprecated
 *   handler there, still checked)
 *
 * Allowed values: unset, `""`.
 *
 * Mirrors upstream check `hostProbesAndHostLifecycle` (policy 1.34+; it does not exist for older versions).
 */
import { join } from "../../path";
import { containerLabel, rec, str } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const HOOKS = ["postStart", "preStop"] as const;
const ACTIONS = ["httpGet", "tcpSocket"] as const;

function hostProbesAndHostLifecycle(pod: PodView): Finding[] {
  const findings: Finding[] = [];
  for (const c of pod.containers) {
    const handlers: [readonly (string | number)[], unknown][] = [
      ...PROBES.map((p): [readonly (string | number)[], unknown] => [join(c.path, p), c.container[p]]),
      ...HOOKS.map((h): [readonly (string | number)[], unknown] => [join(c.path, "lifecycle", h), rec(c.container.lifecycle)[h]]),
    ];
    for (const [path, handler] of handlers) {
      for (const action of ACTIONS) {
        const host = str(rec(rec(handler)[action]).host) ?? "";
        if (host !== "") {
          findings.push({
            path: join(path, action, "host"),
            problem: `is ${JSON.stringify(host)} (${containerLabel(c)}); probes and lifecycle hooks must target the pod itself (allowed: "" or unset)`,
          });
        }
      }
    }
  }
  return findings;
}

export const hostProbesAndHostLifecycleCheck: PodSecurityCheck = {
  id: "hostProbesAndHostLifecycle",
  level: "baseline",
  policy: "pod-security-baseline-host-probes-lifecycle",
  description: "Probes and lifecycle hooks must not set a host (httpGet.host, tcpSocket.host).",
  versions: [{ minimumVersion: 34, evaluate: hostProbesAndHostLifecycle }],
};
