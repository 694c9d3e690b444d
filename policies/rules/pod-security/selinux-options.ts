/**
 * Baseline: SELinux.
 *
 * A custom SELinux type can escape the container domain, and a custom user or role changes who the process is to
 * SELinux; baseline allows only the container types and no user or role.
 *
 * Restricted fields:
 * - `spec.securityContext.seLinuxOptions.{type,user,role}`
 * - `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.seLinuxOptions.{type,user,role}`
 *
 * Allowed values:
 * - `type`: unset/empty, `container_t`, `container_init_t`, `container_kvm_t`, and from policy 1.31
 *   `container_engine_t`;
 * - `user`, `role`: unset/empty.
 *
 * (`seLinuxOptions.level` is not restricted.)
 *
 * Mirrors upstream check `seLinuxOptions` (policy 1.0+, 1.31+).
 */
import { join } from "../../path";
import { containerLabel, str } from "../../objects";
import type { EvaluateFn, Finding, PodSecurityCheck, PodView } from "./check";
import { presentRecord, quoteList } from "./check";

const TYPES_1_0 = ["", "container_t", "container_init_t", "container_kvm_t"];
const TYPES_1_31 = [...TYPES_1_0, "container_engine_t"];

function seLinuxOptions(allowedTypes: readonly string[]): EvaluateFn {
  const allowed = new Set(allowedTypes);
  const shown = quoteList(allowedTypes.filter((t) => t !== ""));
  return (pod: PodView) => {
    const findings: Finding[] = [];
    const checkOptions = (options: unknown, base: readonly (string | number)[], who: string) => {
      const record = presentRecord(options);
      if (!record) return;
      const type = str(record.type) ?? "";
      if (!allowed.has(type)) {
        findings.push({
          path: join(base, "securityContext", "seLinuxOptions", "type"),
          problem: `is ${JSON.stringify(type)}${who}; allowed SELinux types: unset, ${shown}`,
        });
      }
      for (const field of ["user", "role"] as const) {
        const value = str(record[field]) ?? "";
        if (value !== "") {
          findings.push({
            path: join(base, "securityContext", "seLinuxOptions", field),
            problem: `is ${JSON.stringify(value)}${who}; a custom SELinux ${field} is not allowed`,
          });
        }
      }
    };
    checkOptions(pod.podSecurityContext.seLinuxOptions, pod.specPath, "");
    for (const c of pod.containers) checkOptions(c.securityContext.seLinuxOptions, c.path, ` (${containerLabel(c)})`);
    return findings;
  };
}

export const seLinuxOptionsCheck: PodSecurityCheck = {
  id: "seLinuxOptions",
  level: "baseline",
  policy: "pod-security-baseline-selinux",
  description: "Pods must not set a custom SELinux user or role, nor a type other than the container types.",
  versions: [
    { minimumVersion: 0, evaluate: seLinuxOptions(TYPES_1_0) },
    { minimumVersion: 31, evaluate: seLinuxOptions(TYPES_1_31) },
  ],
};
