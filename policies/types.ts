/**
 * The vocabulary every rule shares: Kubernetes objects as plain JSON, violations, enforcement levels, the context a
 * rule may consult, and the {@link Rule} contract itself. Rules are plain functions over plain objects so that the
 * same code runs in the standalone checker (`scripts/policy.ts`), in the Pulumi policy pack (`policies/index.ts`)
 * and in unit tests, with no Pulumi engine involved.
 */

/** A Kubernetes object as it appears in a manifest or in a Pulumi resource's inputs. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: KubeMetadata;
  [field: string]: unknown;
}

/** The parts of `metadata` the rules read. */
export interface KubeMetadata {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** One step of a field path: a map key or a list index. */
export type PathSegment = string | number;
/** A field path inside an object, e.g. `["spec", "containers", 0, "image"]`. */
export type FieldPath = readonly PathSegment[];

/** What a rule reports: which policy, where (the formatted field path) and why (a message naming that path). */
export interface Violation {
  /** Policy (rule) name, e.g. `pod-security-baseline-privileged`. */
  readonly policy: string;
  /** Human-readable message; always starts with the field path it is about. */
  readonly message: string;
  /** The field path, formatted like `spec.template.spec.containers[0].securityContext.privileged`. */
  readonly path: string;
}

/** How a violation of a rule is treated: `mandatory` fails the check, `advisory` is reported only. */
export type Enforcement = "mandatory" | "advisory" | "disabled";
export const ENFORCEMENTS: readonly Enforcement[] = ["mandatory", "advisory", "disabled"];

/** Pod Security Standards levels, least to most restrictive. */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ["privileged", "baseline", "restricted"];

/**
 * The Pod Security policy to evaluate a namespace's pods against: a level and a policy version
 * (`minor` of Kubernetes 1.x, or `"latest"`), as the `pod-security.kubernetes.io/enforce{,-version}` labels say.
 */
export interface PodSecurityPolicy {
  readonly level: PodSecurityLevel;
  readonly version: number | "latest";
}

/** Checker-wide settings (command-line flags, the config file, or the pack's policy config). */
export interface PolicySettings {
  /** Level for a namespace whose Namespace object is not among the inputs or carries no enforce label. */
  readonly defaultPodSecurityLevel: PodSecurityLevel;
  /** Policy version used where a namespace does not say (`latest` unless configured). */
  readonly defaultPodSecurityVersion: number | "latest";
  /** Namespaces where host access (hostPath, hostNetwork, hostPID, hostIPC) is tolerated. */
  readonly systemNamespaces: readonly string[];
  /** Cluster budget the sum of workspace quotas (`limits.cpu`, `limits.memory`) must fit; unset = not checked. */
  readonly budget?: { readonly cpu?: string; readonly memory?: string };
}

/** The platform's defaults: restricted everywhere unless a namespace says otherwise. */
export const DEFAULT_SETTINGS: PolicySettings = {
  defaultPodSecurityLevel: "restricted",
  defaultPodSecurityVersion: "latest",
  systemNamespaces: ["kube-system", "kube-public", "kube-node-lease"],
};

/** What a rule may know besides the object it checks. Built once per run by {@link createContext}. */
export interface RuleContext {
  readonly settings: PolicySettings;
  /** Every object of the run (all files for the checker, all Kubernetes resources of the stack for the pack). */
  readonly objects: readonly KubeObject[];
  /** The Namespace object called `name`, when it is among the inputs. */
  namespaceObject(name: string | undefined): KubeObject | undefined;
  /** The Pod Security policy that applies in namespace `name`. */
  podSecurity(name: string | undefined): PodSecurityPolicy;
  /**
   * Whether `obj` lives in a workspace namespace: its Namespace object carries `vibecode.dev/workspace: "true"`,
   * or — when that Namespace object is not among the inputs — `obj` itself carries the label (the platform labels
   * every workspace object, so a lone manifest still identifies itself).
   */
  isWorkspaceObject(obj: KubeObject): boolean;
  /** Objects of `kind` in namespace `namespace` (input order). */
  objectsOfKind(kind: string, namespace: string | undefined): readonly KubeObject[];
}

/**
 * A policy rule. `check` is a pure function of the object and the context.
 *
 * `scope` says what the rule needs to be decided, which decides where the Pulumi pack runs it: `object` rules need
 * the object alone (a resource policy), `stack` rules need other objects — the namespace's labels, its quota, a
 * ServiceAccount — so the pack runs them as stack policies, where every resource is visible.
 */
export interface Rule {
  readonly name: string;
  /** One sentence: what the rule requires. Used by the pack, SARIF rule descriptions and `--help`-like listings. */
  readonly description: string;
  readonly defaultEnforcement: Exclude<Enforcement, "disabled">;
  readonly scope: "object" | "stack";
  check(obj: KubeObject, ctx: RuleContext): Violation[];
}
