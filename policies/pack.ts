/**
 * The rules as Pulumi CrossGuard policies. `index.ts` hands {@link buildPolicies} to a `PolicyPack`; this module
 * has no side effects so tests can exercise the adapters directly.
 *
 * Every rule becomes one policy with the rule's name, so `--policy-pack-config` can set each one's
 * `enforcementLevel` (`mandatory`, `advisory`, `disabled`; `"all"` sets them all):
 * - `object` rules become *resource* policies: they run on each `kubernetes:*` resource's inputs
 *   (`args.props`, which for Kubernetes resources is the object itself) as it is registered;
 * - `stack` rules (Pod Security — the level is on the Namespace —, workspace completeness, service-account
 *   tokens, service types, forward-auth, the budget) become *stack* policies, which see every resource of the
 *   stack, build the same context the standalone checker builds, and attribute each violation to its resource.
 *
 * Policy config beyond the enforcement level:
 * - `quota-workspace-budget`: `{ "cpu": "64", "memory": "256Gi" }` — the cluster budget (unset: not checked);
 * - `isolation-host-access`: `{ "systemNamespaces": ["kube-system", …] }`;
 * - each `pod-security-*` policy: `{ "defaultLevel": "baseline", "version": "v1.33" }` — for namespaces that are not
 *   in the stack or carry no enforce label (default `restricted`, `latest`).
 *
 * During `pulumi preview` some inputs are unknown (e.g. a name computed by another resource). A violation whose
 * field path runs through an unknown value is not reported — the value is not known yet, and the stack policies
 * of `pulumi up` see it — and neither are namespace-dependent violations of an object whose namespace is unknown.
 * Rules about other objects in a namespace cannot be decided while any object's namespace or labels are unknown;
 * they then let @pulumi/policy report its advisory "can't run policy during preview".
 */
import type {
  EnforcementLevel,
  Policies,
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { createContext, isPodSecurityLevel, parsePodSecurityVersion } from "./context";
import { formatPath, parsePath } from "./path";
import { RULES } from "./registry";
import { hostAccessRule } from "./rules/host-access";
import type { KubeObject, PathSegment, PolicySettings, Rule, Violation } from "./types";
import { DEFAULT_SETTINGS, POD_SECURITY_LEVELS } from "./types";

/** `apiVersion`/`kind` of a Pulumi Kubernetes type token, or undefined for tokens that are not single objects. */
export function kubernetesTypeOf(type: string): { apiVersion: string; kind: string } | undefined {
  const match = /^kubernetes:([^:]+)\/([^:/]+):([A-Za-z0-9]+)$/.exec(type);
  if (!match) return undefined; // providers, kubernetes:yaml:ConfigFile, components of other packages…
  const [, group, version, kind] = match as unknown as [string, string, string, string];
  // Components that expand into objects (yaml, helm, kustomize) and list/patch resources are not objects.
  if (group === "yaml" || group === "helm.sh" || group === "kustomize") return undefined;
  if (kind.endsWith("List") || kind.endsWith("Patch")) return undefined;
  return { apiVersion: group === "core" ? version : `${group}/${version}`, kind };
}

/**
 * Copies policy props into a plain object. Reading an unknown (preview-time) value through @pulumi/policy's proxy
 * throws; such fields are left out and their paths recorded.
 */
export function materialize(value: unknown, path: readonly PathSegment[], unknownPaths: string[]): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      try {
        out.push(materialize(value[i], [...path, i], unknownPaths));
      } catch {
        unknownPaths.push(formatPath([...path, i]));
        out.push(undefined);
      }
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    try {
      out[key] = materialize((value as Record<string, unknown>)[key], [...path, key], unknownPaths);
    } catch {
      unknownPaths.push(formatPath([...path, key]));
    }
  }
  return out;
}

/** A Kubernetes object converted from a Pulumi resource, with the paths that were unknown. */
export interface ConvertedResource {
  readonly object: KubeObject;
  readonly unknownPaths: readonly string[];
}

/** Converts a resource's type and props to a Kubernetes object (undefined if it is not one). */
export function objectFromResource(type: string, props: unknown, resourceName: string): ConvertedResource | undefined {
  const typed = kubernetesTypeOf(type);
  if (!typed) return undefined;
  const unknownPaths: string[] = [];
  const plain = materialize(props, [], unknownPaths) as Record<string, unknown>;
  const metadata = typeof plain.metadata === "object" && plain.metadata !== null ? (plain.metadata as Record<string, unknown>) : {};
  const object: KubeObject = {
    ...plain,
    apiVersion: typeof plain.apiVersion === "string" ? plain.apiVersion : typed.apiVersion,
    kind: typeof plain.kind === "string" ? plain.kind : typed.kind,
    // Auto-named resources have no metadata.name among their inputs; the resource name identifies them.
    metadata: { ...metadata, name: typeof metadata.name === "string" ? metadata.name : resourceName },
  };
  return { object, unknownPaths };
}

/** Whether a violation depends on a value that is unknown during preview. */
export function dependsOnUnknown(violation: Violation, converted: ConvertedResource, namespaceSensitive: boolean): boolean {
  if (namespaceSensitive && converted.unknownPaths.some((p) => p === "metadata" || p === "metadata.namespace")) return true;
  return converted.unknownPaths.some(
    (p) => violation.path === p || violation.path.startsWith(`${p}.`) || violation.path.startsWith(`${p}[`) || p.startsWith(`${violation.path}.`) || p.startsWith(`${violation.path}[`),
  );
}

/** Per-policy config keys and how they map onto {@link PolicySettings}. */
interface PolicyConfig {
  cpu?: unknown;
  memory?: unknown;
  systemNamespaces?: unknown;
  defaultLevel?: unknown;
  version?: unknown;
}

export function settingsFromPolicyConfig(config: PolicyConfig): PolicySettings {
  const version = typeof config.version === "string" ? parsePodSecurityVersion(config.version) : undefined;
  const budget =
    typeof config.cpu === "string" || typeof config.memory === "string"
      ? {
          ...(typeof config.cpu === "string" ? { cpu: config.cpu } : {}),
          ...(typeof config.memory === "string" ? { memory: config.memory } : {}),
        }
      : undefined;
  return {
    ...DEFAULT_SETTINGS,
    defaultPodSecurityLevel: isPodSecurityLevel(config.defaultLevel) ? config.defaultLevel : DEFAULT_SETTINGS.defaultPodSecurityLevel,
    defaultPodSecurityVersion: version ?? DEFAULT_SETTINGS.defaultPodSecurityVersion,
    systemNamespaces: Array.isArray(config.systemNamespaces) ? config.systemNamespaces.map(String) : DEFAULT_SETTINGS.systemNamespaces,
    ...(budget ? { budget } : {}),
  };
}

function configSchemaFor(rule: Rule): PolicyConfigSchema | undefined {
  if (rule.name === "quota-workspace-budget") {
    return {
      properties: {
        cpu: { type: "string", description: 'Total limits.cpu the workspace quotas may add up to, e.g. "64".' },
        memory: { type: "string", description: 'Total limits.memory the workspace quotas may add up to, e.g. "256Gi".' },
      },
    };
  }
  if (rule.name === hostAccessRule.name) {
    return {
      properties: {
        systemNamespaces: { type: "array", items: { type: "string" }, description: "Namespaces where host access is tolerated." },
      },
    };
  }
  if (rule.name.startsWith("pod-security-")) {
    return {
      properties: {
        defaultLevel: { type: "string", enum: [...POD_SECURITY_LEVELS], description: "Level for namespaces not in the stack or without an enforce label." },
        version: { type: "string", pattern: "^(latest|v1\\.(0|[1-9][0-9]*))$", description: "Policy version for such namespaces." },
      },
    };
  }
  return undefined;
}

function isNamespaceSensitive(rule: Rule): boolean {
  return rule.scope === "stack" || rule === hostAccessRule;
}

/** What every policy of a rule carries: its name, description, default enforcement and config schema. */
function policyHeader(rule: Rule) {
  const configSchema = configSchemaFor(rule);
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.defaultEnforcement as EnforcementLevel,
    ...(configSchema ? { configSchema } : {}),
  };
}

/** One resource policy running an object-scoped rule on each Kubernetes resource's inputs. */
export function resourcePolicy(rule: Rule): ResourceValidationPolicy {
  return {
    ...policyHeader(rule),
    validateResource: (args, reportViolation) => {
      const converted = objectFromResource(args.type, args.props, args.name);
      if (!converted) return;
      const ctx = createContext([converted.object], settingsFromPolicyConfig(args.getConfig<PolicyConfig>()));
      for (const violation of rule.check(converted.object, ctx)) {
        if (!dependsOnUnknown(violation, converted, isNamespaceSensitive(rule))) reportViolation(violation.message);
      }
    },
  };
}

/** Whether a resource's identity (name, namespace, labels) is unknown, so other objects cannot be matched to it. */
function identityUnknown(resource: ConvertedResource): boolean {
  return resource.unknownPaths.some((p) => p === "metadata" || p === "metadata.name" || p === "metadata.namespace" || p.startsWith("metadata.labels"));
}

/** Reads `path` through @pulumi/policy's proxy, which throws its own "can't be known during preview" error. */
function readThroughProxy(props: unknown, path: string): void {
  let value: unknown = props;
  for (const segment of parsePath(path)) value = (value as Record<string | number, unknown>)[segment];
}

/** Runs a rule over every Kubernetes resource of a stack, reporting each violation against its resource. */
export function checkStack(
  rule: Rule,
  resources: readonly Pick<PolicyResource, "type" | "props" | "name" | "urn">[],
  settings: PolicySettings,
  reportViolation: ReportViolation,
): void {
  const converted: { urn: string; props: unknown; resource: ConvertedResource }[] = [];
  for (const r of resources) {
    const resource = objectFromResource(r.type, r.props, r.name);
    if (resource) converted.push({ urn: r.urn, props: r.props, resource });
  }
  const unidentified = converted.filter((c) => identityUnknown(c.resource));
  const podSecurity = rule.name.startsWith("pod-security-");
  if (!podSecurity && unidentified.length > 0) {
    // Whether a namespace has its quota, deny-all policy, ServiceAccount or middleware cannot be decided while an
    // object's namespace or labels are unknown. Re-reading the unknown value lets @pulumi/policy report its usual
    // advisory "can't run policy during preview"; `pulumi up` evaluates the known values.
    const first = unidentified[0]!;
    readThroughProxy(first.props, first.resource.unknownPaths.find((p) => p.startsWith("metadata"))!);
  }
  // Pod Security needs only each pod's own Namespace: skip pods whose Namespace's labels are unknown.
  const undecidedNamespaces = new Set(unidentified.filter((c) => c.resource.object.kind === "Namespace").map((c) => c.resource.object.metadata?.name));
  const ctx = createContext(
    converted.map((c) => c.resource.object),
    settings,
  );
  for (const { urn, resource } of converted) {
    if (podSecurity && undecidedNamespaces.has(resource.object.metadata?.namespace)) continue;
    for (const violation of rule.check(resource.object, ctx)) {
      if (!dependsOnUnknown(violation, resource, isNamespaceSensitive(rule))) reportViolation(violation.message, urn);
    }
  }
}

/** One stack policy running a stack-scoped rule. */
export function stackPolicy(rule: Rule): StackValidationPolicy {
  return {
    ...policyHeader(rule),
    validateStack: (args, reportViolation) =>
      checkStack(rule, args.resources, settingsFromPolicyConfig(args.getConfig<PolicyConfig>()), reportViolation),
  };
}

export function buildPolicies(rules: readonly Rule[] = RULES): Policies {
  return rules.map((rule) => (rule.scope === "object" ? resourcePolicy(rule) : stackPolicy(rule)));
}
