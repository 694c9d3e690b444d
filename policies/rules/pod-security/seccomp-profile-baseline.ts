/**
 * Baseline: seccomp.
 *
 * Baseline does not require a seccomp profile, but forbids explicitly turning seccomp off.
 *
 * Policy 1.19 and later — restricted fields:
 * - `spec.securityContext.seccompProfile.type`
 * - `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.seccompProfile.type`
 *
 * Allowed values: unset (no `seccompProfile`), `RuntimeDefault`, `Localhost`. (`Unconfined` is refused, and so is a
 * `seccompProfile` without a type.)
 *
 * Policy 1.0–1.18 — the fields did not exist yet; the deprecated alpha annotations were checked instead:
 * - `metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]`
 * - `metadata.annotations["container.seccomp.security.alpha.kubernetes.io/<container name>"]` for each container
 *
 * Allowed values: unset, `runtime/default`, `docker/default`, `localhost/<profile>`.
 *
 * From 1.19 on the annotations are ignored by the policy (the API server no longer honours them either), which is
 * why a namespace pinned to an old `enforce-version` is evaluated differently.
 *
 * Mirrors upstream check `seccompProfile_baseline` (policy 1.0+, 1.19+). At the restricted level (1.19+) it is
 * replaced by `seccompProfile_restricted`.
 */
import { join } from "../../path";
import { containerLabel, rec, str } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";
import { presentRecord } from "./check";

export const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

/** Seccomp profile types allowed wherever a profile is set. */
export function validSeccompType(type: string): boolean {
  return type === "RuntimeDefault" || type === "Localhost";
}

function validAnnotationValue(value: string): boolean {
  return value === "runtime/default" || value === "docker/default" || value.startsWith("localhost/");
}

function seccompAnnotations(pod: PodView): Finding[] {
  const findings: Finding[] = [];
  const annotations = rec(pod.meta.annotations);
  const checkKey = (key: string) => {
    if (!Object.prototype.hasOwnProperty.call(annotations, key)) return;
    const value = String(annotations[key] ?? "");
    if (!validAnnotationValue(value)) {
      findings.push({
        path: join(pod.metaPath, "annotations", key),
        problem: `is ${JSON.stringify(value)}; seccomp may only be runtime/default, docker/default or localhost/<profile>`,
      });
    }
  };
  checkKey(SECCOMP_POD_ANNOTATION);
  // Only annotations naming an actual container count, as upstream looks them up per container.
  const seen = new Set<string>();
  for (const c of pod.containers) {
    const key = SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name;
    if (!seen.has(key)) checkKey(key);
    seen.add(key);
  }
  return findings;
}

/** Pod-level and container-level `seccompProfile.type` values that are set but not allowed. */
export function explicitlyBadSeccomp(pod: PodView): Finding[] {
  const findings: Finding[] = [];
  const check = (profile: unknown, base: readonly (string | number)[], who: string) => {
    const record = presentRecord(profile);
    if (!record) return;
    const type = str(record.type) ?? "";
    if (!validSeccompType(type)) {
      findings.push({
        path: join(base, "securityContext", "seccompProfile", "type"),
        problem: `is ${JSON.stringify(type)}${who}; seccomp profile type must be RuntimeDefault or Localhost`,
      });
    }
  };
  check(pod.podSecurityContext.seccompProfile, pod.specPath, "");
  for (const c of pod.containers) check(c.securityContext.seccompProfile, c.path, ` (${containerLabel(c)})`);
  return findings;
}

export const seccompProfileBaselineCheck: PodSecurityCheck = {
  id: "seccompProfile_baseline",
  level: "baseline",
  policy: "pod-security-baseline-seccomp",
  description: "Pods must not disable seccomp (seccompProfile.type Unconfined; before policy 1.19, the seccomp annotations).",
  versions: [
    { minimumVersion: 0, evaluate: seccompAnnotations },
    { minimumVersion: 19, evaluate: explicitlyBadSeccomp },
  ],
};
