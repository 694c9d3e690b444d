/**
 * The Pod Security Standards checks, registered in one table, and how a (level, version) selects among them —
 * the same selection pod-security-admission's check registry (policy/registry.go) makes:
 *
 * - `privileged` runs nothing;
 * - `baseline` runs every baseline check that exists at the version, in its newest variant not newer than it;
 * - `restricted` runs those plus the restricted checks, minus the baseline checks that an active restricted check
 *   overrides (e.g. `capabilities_restricted` replaces `capabilities_baseline` from 1.22);
 * - versions newer than the newest policy change (and `latest`) evaluate as that newest version.
 *
 * Each check becomes one {@link Rule} named after its level, e.g. `pod-security-restricted-seccomp`, applied to
 * Pods and to the pod templates of every workload kind. The level and version come from the namespace (see
 * {@link RuleContext.podSecurity}).
 */
import { namespaceOf } from "../../objects";
import { formatPath } from "../../path";
import type { KubeObject, PodSecurityPolicy, Rule, RuleContext, Violation } from "../../types";
import { allowPrivilegeEscalationCheck } from "./allow-privilege-escalation";
import { appArmorProfileCheck } from "./apparmor-profile";
import { capabilitiesBaselineCheck } from "./capabilities-baseline";
import { capabilitiesRestrictedCheck } from "./capabilities-restricted";
import type { EvaluateFn, PodSecurityCheck } from "./check";
import { messageOf, podViewOf } from "./check";
import { hostNamespacesCheck } from "./host-namespaces";
import { hostPathVolumesCheck } from "./host-path-volumes";
import { hostPortsCheck } from "./host-ports";
import { hostProbesAndHostLifecycleCheck } from "./host-probes-and-host-lifecycle";
import { privilegedCheck } from "./privileged";
import { procMountBaselineCheck } from "./proc-mount-baseline";
import { procMountRestrictedCheck } from "./proc-mount-restricted";
import { restrictedVolumesCheck } from "./restricted-volumes";
import { runAsNonRootCheck } from "./run-as-non-root";
import { runAsUserCheck } from "./run-as-user";
import { seccompProfileBaselineCheck } from "./seccomp-profile-baseline";
import { seccompProfileRestrictedCheck } from "./seccomp-profile-restricted";
import { seLinuxOptionsCheck } from "./selinux-options";
import { sysctlsCheck } from "./sysctls";
import { windowsHostProcessCheck } from "./windows-host-process";

/** Every check, baseline first; the order is the order violations are reported in. */
export const POD_SECURITY_CHECKS: readonly PodSecurityCheck[] = [
  windowsHostProcessCheck,
  hostNamespacesCheck,
  privilegedCheck,
  capabilitiesBaselineCheck,
  hostPathVolumesCheck,
  hostPortsCheck,
  appArmorProfileCheck,
  seLinuxOptionsCheck,
  procMountBaselineCheck,
  seccompProfileBaselineCheck,
  sysctlsCheck,
  hostProbesAndHostLifecycleCheck,
  restrictedVolumesCheck,
  allowPrivilegeEscalationCheck,
  runAsNonRootCheck,
  runAsUserCheck,
  seccompProfileRestrictedCheck,
  capabilitiesRestrictedCheck,
  procMountRestrictedCheck,
];

/**
 * The newest policy version with a change (1.35 at the time of writing, which Kubernetes 1.35 and 1.36 enforce);
 * `latest` and any newer version evaluate as this one, as upstream clamps to its newest known version.
 */
export const NEWEST_POLICY_VERSION: number = Math.max(
  ...POD_SECURITY_CHECKS.flatMap((check) => check.versions.map((v) => v.minimumVersion)),
);

/** The concrete minor version a policy evaluates at. */
export function effectiveVersion(version: number | "latest"): number {
  return version === "latest" || version > NEWEST_POLICY_VERSION ? NEWEST_POLICY_VERSION : version;
}

const selections = new Map<string, ReadonlyMap<string, EvaluateFn>>();

/** Upstream check ID → evaluation function, for the checks that run at `policy`. */
export function activeChecks(policy: PodSecurityPolicy): ReadonlyMap<string, EvaluateFn> {
  const version = effectiveVersion(policy.version);
  const key = `${policy.level}/${version}`;
  let selected = selections.get(key);
  if (selected) return selected;
  const chosen = new Map<string, { check: PodSecurityCheck; evaluate: EvaluateFn; overrides: readonly string[] }>();
  if (policy.level !== "privileged") {
    for (const check of POD_SECURITY_CHECKS) {
      if (check.level === "restricted" && policy.level !== "restricted") continue;
      // The newest variant that is not newer than the version; none means the check did not exist yet.
      const variant = [...check.versions].reverse().find((v) => v.minimumVersion <= version);
      if (variant) chosen.set(check.id, { check, evaluate: variant.evaluate, overrides: variant.overrides ?? [] });
    }
  }
  const overridden = new Set([...chosen.values()].flatMap((c) => (c.check.level === "restricted" ? c.overrides : [])));
  selected = new Map(
    [...chosen.entries()]
      .filter(([id, c]) => !(c.check.level === "baseline" && overridden.has(id)))
      .map(([id, c]) => [id, c.evaluate] as const),
  );
  selections.set(key, selected);
  return selected;
}

/** Adapts one check to the {@link Rule} contract. */
export function podSecurityRule(check: PodSecurityCheck): Rule {
  return {
    name: check.policy,
    description: `${check.description} (Pod Security Standards, ${check.level}; upstream check ${check.id})`,
    defaultEnforcement: "mandatory",
    // The level comes from the namespace's labels: another object.
    scope: "stack",
    check(obj: KubeObject, ctx: RuleContext): Violation[] {
      const pod = podViewOf(obj);
      if (!pod) return [];
      const evaluate = activeChecks(ctx.podSecurity(namespaceOf(obj))).get(check.id);
      if (!evaluate) return [];
      return evaluate(pod).map((finding) => ({
        policy: check.policy,
        path: formatPath(finding.path),
        message: messageOf(finding),
      }));
    },
  };
}


export const POD_SECURITY_RULES: readonly Rule[] = POD_SECURITY_CHECKS.map(podSecurityRule);
