/**
 * The shape of a Pod Security Standards check, modelled on kubernetes/pod-security-admission's `policy.Check`:
 * an upstream check ID, the level it belongs to, and one evaluation function per policy version in which the
 * check's behaviour changed. A restricted check may *override* baseline checks (the restricted version replaces
 * the weaker baseline one at the restricted level), exactly as `VersionedCheck.OverrideCheckIDs` does upstream.
 *
 * Unlike upstream, which answers allowed/forbidden per pod with a summary, each evaluation here returns one finding
 * per offending field, so every violation can name the exact field path (and SARIF can point at its line). The
 * allowed/forbidden decision is the same: a pod is forbidden by a check exactly when the check returns findings.
 */
import { formatPath } from "../../path";
import { containersOf, isRecord, podTargetOf, rec, str } from "../../objects";
import type { ContainerRef, PodTarget, Rec } from "../../objects";
import type { FieldPath, KubeObject } from "../../types";

/** One offending field: its absolute path inside the object and what is wrong with it. */
export interface Finding {
  readonly path: FieldPath;
  /** Completes the sentence that starts with the path, e.g. `is true (container "app"); …`. */
  readonly problem: string;
}

/** The pod under evaluation: its spec/metadata (with their paths) and its containers in upstream visiting order. */
export interface PodView extends PodTarget {
  readonly containers: readonly ContainerRef[];
  /** `spec.securityContext`, `{}` when unset. */
  readonly podSecurityContext: Rec;
}

export type EvaluateFn = (pod: PodView) => Finding[];

export interface VersionedCheck {
  /** First Kubernetes 1.x minor this behaviour applies to. */
  readonly minimumVersion: number;
  readonly evaluate: EvaluateFn;
  /** Upstream IDs of baseline checks this (restricted) check replaces while it applies. */
  readonly overrides?: readonly string[];
}

export interface PodSecurityCheck {
  /** The upstream check ID (`policy/check_<id>.go`), e.g. `capabilities_restricted`. */
  readonly id: string;
  readonly level: "baseline" | "restricted";
  /** Our policy name, e.g. `pod-security-restricted-capabilities`. */
  readonly policy: string;
  readonly description: string;
  /** Strictly increasing `minimumVersion`s; the check does not exist before the first one. */
  readonly versions: readonly VersionedCheck[];
}

const views = new WeakMap<KubeObject, PodView | null>();

/** The {@link PodView} of an object, or undefined for objects without a pod spec. Memoised per object. */
export function podViewOf(obj: KubeObject): PodView | undefined {
  let view = views.get(obj);
  if (view === undefined) {
    const target = podTargetOf(obj);
    view = target ? { ...target, containers: containersOf(target), podSecurityContext: rec(target.spec.securityContext) } : null;
    views.set(obj, view);
  }
  return view ?? undefined;
}

/**
 * `spec.os.name == "windows"`. From policy version 1.25 the Linux-only restricted checks (privilege escalation,
 * capabilities, seccomp) admit such pods, because API validation forbids those fields on Windows pods.
 */
export function isWindowsPod(pod: PodView): boolean {
  return str(rec(pod.spec.os).name) === "windows";
}

/** `spec.hostUsers: false` — the pod runs in a user namespace (upstream `relaxPolicyForUserNamespacePod`). */
export function usesUserNamespace(pod: PodView): boolean {
  return pod.spec.hostUsers === false;
}

/** `true` only for a JSON boolean `true` (Go's `*bool` pointing at true). */
export function isTrue(value: unknown): boolean {
  return value === true;
}

/** Formats `["a","b"]` as `"a", "b"` for messages. */
export function quoteList(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

/** A map-typed field that is present (Go: non-nil pointer to a struct). */
export function presentRecord(value: unknown): Rec | undefined {
  return isRecord(value) ? value : undefined;
}

/** Renders a finding as a violation message: the path first, then the problem. */
export function messageOf(finding: Finding): string {
  return `${formatPath(finding.path)} ${finding.problem}`;
}
