/**
 * Builds the {@link RuleContext}: indexes of the inputs by kind and namespace, and the per-namespace Pod Security
 * policy, computed once per run so that checking N objects stays O(N).
 */
import { WORKSPACE_LABEL, labelsOf, namespaceOf, nameOf } from "./objects";
import type { KubeObject, PodSecurityLevel, PodSecurityPolicy, PolicySettings, RuleContext } from "./types";
import { DEFAULT_SETTINGS, POD_SECURITY_LEVELS } from "./types";

/** Labels pod-security-admission reads on a Namespace (api/constants.go). */
export const ENFORCE_LEVEL_LABEL = "pod-security.kubernetes.io/enforce";
export const ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version";

/**
 * Parses a policy version the way pod-security-admission does (api.ParseVersion): `latest` or `v1.<minor>`.
 * Anything else is an error there and evaluates as `latest`; we return undefined so callers can choose.
 */
export function parsePodSecurityVersion(text: string): number | "latest" | undefined {
  if (text === "latest") return "latest";
  const match = /^v1\.(0|[1-9][0-9]*)$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

export function isPodSecurityLevel(text: unknown): text is PodSecurityLevel {
  return typeof text === "string" && (POD_SECURITY_LEVELS as readonly string[]).includes(text);
}

/**
 * The Pod Security policy of a Namespace object, following api.PolicyToEvaluate:
 * - enforce label present and valid → that level; present but invalid → `restricted` (the admission controller
 *   fails closed on a bad enforce level);
 * - enforce label absent → `fallback.level` (our checker's default, where the API server would use its
 *   AdmissionConfiguration default);
 * - version label valid → that version; invalid → `latest` (as upstream); absent → `fallback.version`.
 */
export function podSecurityOfNamespace(ns: KubeObject | undefined, fallback: PodSecurityPolicy): PodSecurityPolicy {
  if (!ns) return fallback;
  const labels = labelsOf(ns);
  const levelLabel = labels[ENFORCE_LEVEL_LABEL];
  const versionLabel = labels[ENFORCE_VERSION_LABEL];
  const level: PodSecurityLevel =
    levelLabel === undefined ? fallback.level : isPodSecurityLevel(levelLabel) ? levelLabel : "restricted";
  const version =
    versionLabel === undefined ? fallback.version : (parsePodSecurityVersion(String(versionLabel)) ?? "latest");
  return { level, version };
}

/** Indexes `objects` for the rules. `settings` defaults to {@link DEFAULT_SETTINGS}. */
export function createContext(objects: readonly KubeObject[], settings: PolicySettings = DEFAULT_SETTINGS): RuleContext {
  const namespaces = new Map<string, KubeObject>();
  const byKindAndNamespace = new Map<string, KubeObject[]>();
  for (const obj of objects) {
    if (obj.kind === "Namespace" && obj.apiVersion === "v1") {
      // Later duplicates win, as a later `kubectl apply` of the same name would.
      namespaces.set(nameOf(obj), obj);
    }
    const key = `${obj.kind}\u0000${namespaceOf(obj) ?? ""}`;
    let bucket = byKindAndNamespace.get(key);
    if (!bucket) byKindAndNamespace.set(key, (bucket = []));
    bucket.push(obj);
  }
  const fallback: PodSecurityPolicy = {
    level: settings.defaultPodSecurityLevel,
    version: settings.defaultPodSecurityVersion,
  };
  const policyCache = new Map<string, PodSecurityPolicy>();

  return {
    settings,
    objects,
    namespaceObject: (name) => (name === undefined ? undefined : namespaces.get(name)),
    podSecurity(name) {
      const key = name ?? "";
      let policy = policyCache.get(key);
      if (!policy) {
        policy = podSecurityOfNamespace(name === undefined ? undefined : namespaces.get(name), fallback);
        policyCache.set(key, policy);
      }
      return policy;
    },
    isWorkspaceObject(obj) {
      if (obj.kind === "Namespace" && obj.apiVersion === "v1") return labelsOf(obj)[WORKSPACE_LABEL] === "true";
      const ns = namespaceOf(obj);
      const nsObject = ns === undefined ? undefined : namespaces.get(ns);
      if (nsObject) return labelsOf(nsObject)[WORKSPACE_LABEL] === "true";
      return labelsOf(obj)[WORKSPACE_LABEL] === "true";
    },
    objectsOfKind: (kind, namespace) => byKindAndNamespace.get(`${kind}\u0000${namespace ?? ""}`) ?? [],
  };
}
