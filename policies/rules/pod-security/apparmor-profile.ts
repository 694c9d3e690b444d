/**
 * Baseline: AppArmor.
 *
 * Where AppArmor is available the runtime's default profile confines every container; baseline forbids turning
 * it off (`Unconfined`) but lets a pod pick the default or a profile loaded on the node.
 *
 * Restricted fields (the API fields, Kubernetes 1.30+):
 * - `spec.securityContext.appArmorProfile.type`
 * - `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.appArmorProfile.type`
 *
 * Allowed values: unset (no `appArmorProfile`), `RuntimeDefault`, `Localhost`.
 *
 * Restricted fields (the deprecated beta annotations, still evaluated by every policy version):
 * - `metadata.annotations["container.apparmor.security.beta.kubernetes.io/*"]`
 *
 * Allowed values: unset, empty, `runtime/default`, `localhost/<profile>`.
 *
 * For workloads, the annotations are those of the pod template's metadata, which is what the pods will carry.
 * An `appArmorProfile` without a `type` counts as type `""` and is refused, as upstream does.
 *
 * Mirrors upstream check `appArmorProfile` (policy 1.0+; the field checks apply to every version because older
 * API servers simply had no such field).
 */
import { join } from "../../path";
import { containerLabel, rec, str } from "../../objects";
import type { Finding, PodSecurityCheck, PodView } from "./check";
import { presentRecord } from "./check";

export const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
const ALLOWED_TYPES = new Set(["RuntimeDefault", "Localhost"]);

function allowedAnnotationValue(value: string): boolean {
  return value === "" || value === "runtime/default" || value.startsWith("localhost/");
}

function appArmorProfile(pod: PodView): Finding[] {
  const findings: Finding[] = [];
  const checkProfile = (profile: unknown, base: readonly (string | number)[], who: string) => {
    const record = presentRecord(profile);
    if (!record) return;
    const type = str(record.type) ?? "";
    if (!ALLOWED_TYPES.has(type)) {
      findings.push({
        path: join(base, "securityContext", "appArmorProfile", "type"),
        problem: `is ${JSON.stringify(type)}${who}; AppArmor profile type must be RuntimeDefault or Localhost`,
      });
    }
  };
  checkProfile(pod.podSecurityContext.appArmorProfile, pod.specPath, "");
  for (const c of pod.containers) checkProfile(c.securityContext.appArmorProfile, c.path, ` (${containerLabel(c)})`);

  const annotations = rec(pod.meta.annotations);
  for (const key of Object.keys(annotations).sort()) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    const value = String(annotations[key] ?? "");
    if (!allowedAnnotationValue(value)) {
      findings.push({
        path: join(pod.metaPath, "annotations", key),
        problem: `is ${JSON.stringify(value)}; AppArmor annotations may only be runtime/default or localhost/<profile>`,
      });
    }
  }
  return findings;
}

export const appArmorProfileCheck: PodSecurityCheck = {
  id: "appArmorProfile",
  level: "baseline",
  policy: "pod-security-baseline-apparmor",
  description: "Pods must not disable or override AppArmor except with RuntimeDefault or a Localhost profile.",
  versions: [{ minimumVersion: 0, evaluate: appArmorProfile }],
};
