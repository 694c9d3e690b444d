/**
 * Baseline: sysctls.
 *
 * Most sysctls are node-wide or can weaken isolation; baseline allows only a "safe" set that is namespaced per pod
 * and isolated from other pods on the node. The set grew over policy versions.
 *
 * Restricted fields: `spec.securityContext.sysctls[*].name`.
 *
 * Allowed values (cumulative):
 * - 1.0: `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`, `net.ipv4.tcp_syncookies`,
 *   `net.ipv4.ping_group_range`, `net.ipv4.ip_unprivileged_port_start`
 * - 1.27: `net.ipv4.ip_local_reserved_ports`
 * - 1.29: `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl`,
 *   `net.ipv4.tcp_keepalive_probes`
 * - 1.32: `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem`
 *
 * (The unreleased 1.37 policy adds `net.ipv4.tcp_slow_start_after_idle` and `net.ipv4.tcp_notsent_lowat`; they are
 * not allowed here until a released Kubernetes enforces them.)
 *
 * Names are compared exactly (`net/ipv4/tcp_syncookies`, the slash form, is not in the set), as upstream does.
 *
 * Mirrors upstream check `sysctls` (policy 1.0+, 1.27+, 1.29+, 1.32+).
 */
import { join } from "../../path";
import { list, rec, str } from "../../objects";
import type { EvaluateFn, Finding, PodSecurityCheck, PodView } from "./check";

const SAFE_1_0 = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
];
const SAFE_1_27 = [...SAFE_1_0, "net.ipv4.ip_local_reserved_ports"];
const SAFE_1_29 = [
  ...SAFE_1_27,
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
];
const SAFE_1_32 = [...SAFE_1_29, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];

function sysctls(safe: readonly string[]): EvaluateFn {
  const allowed = new Set(safe);
  return (pod: PodView): Finding[] => {
    const findings: Finding[] = [];
    list(pod.podSecurityContext.sysctls).forEach((value, index) => {
      const name = str(rec(value).name) ?? "";
      if (!allowed.has(name)) {
        findings.push({
          path: join(pod.specPath, "securityContext", "sysctls", index, "name"),
          problem: `is ${JSON.stringify(name)}; only the safe, pod-namespaced sysctls are allowed`,
        });
      }
    });
    return findings;
  };
}

export const sysctlsCheck: PodSecurityCheck = {
  id: "sysctls",
  level: "baseline",
  policy: "pod-security-baseline-sysctls",
  description: "Pods may set only the safe, pod-namespaced sysctls.",
  versions: [
    { minimumVersion: 0, evaluate: sysctls(SAFE_1_0) },
    { minimumVersion: 27, evaluate: sysctls(SAFE_1_27) },
    { minimumVersion: 29, evaluate: sysctls(SAFE_1_29) },
    { minimumVersion: 32, evaluate: sysctls(SAFE_1_32) },
  ],
};
