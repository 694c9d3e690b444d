/**
 * Stack configuration: every key the platform reads from `Pulumi.<stack>.yaml` (namespace `vibecode-platform`),
 * its default, and its validation. Errors name the key and say how to fix it; unknown keys in the platform's
 * namespace are refused (a typo must not silently fall back to a default).
 */
import { z } from "zod";
import { isQuantity, parseQuantity } from "../components/kubernetes/quantity";
import { DEFAULT_TIERS, DEFAULT_TIER_NAME, type WorkspaceTier } from "../components/workspace/tiers";
import { DEFAULT_FORWARD_AUTH_ADDRESS } from "../components/workspace/code-server-workspace";
import { DEFAULT_BLOCKED_IPV4_RANGES, DEFAULT_BLOCKED_IPV6_RANGES } from "../components/workspace/manifests";
import { PLATFORM_RESERVED_USERNAMES, type UsersFileRules } from "../components/provisioning/users-file";

/** The Pulumi config namespace of the platform's own keys (the project name). */
export const CONFIG_NAMESPACE = "vibecode-platform";

const quantity = z.string().refine(isQuantity, { message: "must be a Kubernetes quantity such as 500m, 2, 512Mi or 20Gi" });
const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label (lowercase letters, digits, '-')").max(63);
const cidr = z.union([z.cidrv4(), z.cidrv6()]);
/** Pulumi hands booleans over as the strings "true" / "false". */
const bool = (fallback: boolean) =>
  z
    .enum(["true", "false"], { error: 'must be "true" or "false"' })
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true");
const count = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

const tierSchema = z
  .strictObject({
    cpuRequest: quantity,
    cpuLimit: quantity,
    memoryRequest: quantity,
    memoryLimit: quantity,
    storage: quantity,
    idleAfterSeconds: z.number().int().min(300).optional(),
    image: z.string().regex(/^[a-z0-9.\-_/:@]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/, "must be an image reference with a tag or digest").refine((i) => !/:latest$/.test(i), "must not use the latest tag").optional(),
  })
  .superRefine((t, ctx) => {
    for (const [req, lim] of [["cpuRequest", "cpuLimit"], ["memoryRequest", "memoryLimit"]] as const) {
      if (isQuantity(t[req]) && isQuantity(t[lim]) && parseQuantity(t[req]) > parseQuantity(t[lim])) {
        ctx.addIssue({ code: "custom", path: [req], message: `${req} ${t[req]} is above ${lim} ${t[lim]}` });
      }
    }
  });

/**
 * The platform's stack config. Keys are set with `pulumi config set <key> <value>` (objects and lists with
 * `--path` or as JSON), or overridden in the offline render with `--config <key>=<value>`.
 */
export const stackConfigSchema = z
  .strictObject({
    /** Base domain: workspaces are `https://<username>.<domain>`. Required; must contain a dot. */
    domain: z
      .string()
      .regex(/^(?=.{4,200}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]([-a-z0-9]*[a-z0-9])?$/, "must be a lowercase DNS name with at least one dot, e.g. dev.example.com"),
    /** Users file, relative to the project root. Default `stacks/<stack>/users.yaml`. */
    usersFile: z.string().min(1).optional(),
    /** StorageClass of home volumes. Default: the cluster's default class. Prefer one with `reclaimPolicy: Retain`. */
    storageClass: dnsLabel.optional(),
    /** Smallest `storage` override a user may ask for. Default `1Gi`. */
    storageMin: quantity.default("1Gi"),
    /** Largest `storage` override a user may ask for. Default `500Gi`. */
    storageMax: quantity.default("500Gi"),
    /** Resource presets by name (see components/workspace/tiers.ts). Default: small, medium, large. */
    tiers: z.record(dnsLabel, tierSchema).default({ ...DEFAULT_TIERS }),
    /**
     * Allocatable size of one node that runs workspaces (`{"cpu": 8, "memory": "32Gi"}`). A tier that requests more
     * than one such node has could never be scheduled, so it is refused; `npm run bench` reports workspaces per node
     * of this size. Default 8 CPU / 32Gi.
     */
    workspaceNode: z
      .strictObject({
        cpu: z.number({ error: "cpu must be a number of cores, e.g. 8" }).positive("cpu must be a number of cores, e.g. 8"),
        memory: quantity,
      })
      .default({ cpu: 8, memory: "32Gi" }),
    /** Tier of users without a `tier` key. Default `small`. */
    defaultTier: dnsLabel.default(DEFAULT_TIER_NAME),
    /** IngressClass of workspace routes. Default `traefik`. */
    ingressClassName: dnsLabel.default("traefik"),
    /** Namespace of the ingress controller, the only traffic source admitted to workspaces. Default `traefik`. */
    ingressNamespace: dnsLabel.default("traefik"),
    /** cert-manager ClusterIssuer of workspace certificates. Default `vibecode-ca` (selfSigned) or `letsencrypt` (acme). */
    clusterIssuer: dnsLabel.optional(),
    /** Authelia's forward-auth endpoint, as seen from Traefik. */
    forwardAuthAddress: z.url({ protocol: /^https?$/ }).default(DEFAULT_FORWARD_AUTH_ADDRESS),
    /** IPv4 ranges workspaces may never reach; add your pod/service CIDRs if they are public ranges. */
    blockedIpv4Ranges: z.array(cidr).min(1).default([...DEFAULT_BLOCKED_IPV4_RANGES]),
    /** IPv6 ranges workspaces may never reach. */
    blockedIpv6Ranges: z.array(cidr).min(1).default([...DEFAULT_BLOCKED_IPV6_RANGES]),
    /** code-server exits after this many idle seconds (> 60). Default 3600. */
    idleTimeoutSeconds: z.coerce.number().int().min(61).default(3600),
    /**
     * Users whose namespace and home volume lose their deletion protection in this deployment: the first step of
     * deleting someone's files on purpose (see README, "Removing someone"). Default: none.
     */
    purgeUsers: z.array(dnsLabel).default([]),
    /**
     * Refuse a deployment that drops a user from the users file without a prepared purge (reads the stack's
     * previous outputs). Default `true`; the offline render has no previous deployment, so it always passes.
     */
    removalGuard: bool(true),
    /**
     * What this stack deploys: `all` (cluster, platform services and every workspace), `platform` (no workspaces)
     * or `workspaces` (one shard of the workspaces, on the platform stack's cluster). Default `all`.
     */
    role: z.enum(["all", "platform", "workspaces"]).default("all"),
    /** Workspace shards in all (role workspaces): a user's shard is a hash of the username modulo this. Default 1. */
    shardCount: count(1, 1000),
    /** This stack's shard, 0 … shardCount-1 (role workspaces). Default 0. */
    shard: z.coerce.number().int().min(0).default(0),
    /** The platform stack a workspace shard reads its cluster from (`org/project/stack`; role workspaces). */
    platformStack: z.string().regex(/^[^/\s]+\/[^/\s]+\/[^/\s]+$/, "must be org/project/stack").optional(),
    /** Build the workspace image (infra/images/code-server) as this repository; KIND loads it, else it is pushed. Default: the pinned upstream image. */
    workspaceImageRepository: z.string().regex(/^[a-z0-9.\-_/:]+$/, "must be an image repository such as registry.example.com/vibecode/code-server").optional(),
    /** Registry login for pushing the workspace image (password with `--secret`). */
    workspaceImageRegistryUsername: z.string().min(1).optional(),
    workspaceImageRegistryPassword: z.string().min(1).optional(),
    /** Stop idle workspace pods (files stay) with the platform's idle culler; per tier `idleAfterSeconds`. Default `false`. */
    idleCulling: bool(false),
    /** API key of the AI assistant (Claude Code), stored per workspace namespace as a Secret (`--secret`). Default: none. */
    aiApiKey: z.string().min(1).optional(),
    /** `kind` (create a KIND cluster, needs Docker and kind) or `existing` (kubeContext or kubeconfig). Default `existing`. */
    cluster: z.enum(["kind", "existing"]).default("existing"),
    /** KIND cluster name. Default `vibecode`. */
    kindName: dnsLabel.default("vibecode"),
    /** Existing cluster: the kubeconfig context to deploy to. */
    kubeContext: z.string().min(1).optional(),
    /** Existing cluster: a whole kubeconfig (set it with `pulumi config set --secret`). */
    kubeconfig: z.string().min(1).optional(),
    /** Install Traefik; `false` when the cluster already runs it. Default `true`. */
    installTraefik: bool(true),
    /** Install cert-manager; `false` when the cluster already runs it. Default `true`. */
    installCertManager: bool(true),
    /**
     * cert-manager's namespace (its cluster resource namespace, where a ClusterIssuer's CA secret lives): created
     * when installCertManager, else where the cluster's own cert-manager runs. Default `cert-manager`.
     */
    certManagerNamespace: dnsLabel.default("cert-manager"),
    /** Traefik replicas (above 1: a PodDisruptionBudget and a spread over nodes). Default 1. */
    traefikReplicas: count(1, 20),
    /** `nodePort` (KIND maps the host's 80/443 to it) or `loadBalancer`. Default: nodePort on KIND, else loadBalancer. */
    traefikExposure: z.enum(["nodePort", "loadBalancer"]).optional(),
    /** cert-manager controller and webhook replicas. Default 1. */
    certManagerReplicas: count(1, 5),
    /** `selfSigned` (a dev root CA for the browser to trust) or `acme` (Let's Encrypt). Default `selfSigned`. */
    issuer: z.enum(["selfSigned", "acme"]).default("selfSigned"),
    /** ACME account e-mail (required with issuer acme). */
    acmeEmail: z.email("must be an e-mail address").optional(),
    /** ACME directory. Default Let's Encrypt production. */
    acmeServer: z.url({ protocol: /^https$/ }).optional(),
    /** JSON: a cert-manager `dns01` solver for acmeDnsZone (for wildcard certificates). Default: HTTP-01 only. */
    acmeDns01Solver: z.record(z.string(), z.unknown()).optional(),
    /** DNS zone of acmeDns01Solver. */
    acmeDnsZone: z.string().min(3).optional(),
    /** Authelia replicas (above 1: a PodDisruptionBudget and a spread over nodes). Default 1. */
    autheliaReplicas: count(1, 10),
    /** Factor a workspace owner needs: `two_factor`, or `one_factor` (KIND dev clusters only). Default `two_factor`. */
    workspacePolicy: z.enum(["two_factor", "one_factor"]).default("two_factor"),
    /** Group whose members reach platform hosts. Default `admins`. */
    adminGroup: dnsLabel.default("admins"),
    /** SMTP server of Authelia's notifier, e.g. `submission://smtp.example.com:587`. Default: a file notifier (dev). */
    smtpAddress: z.string().regex(/^(smtp|submission|submissions):\/\/[^\s/:]+(:\d+)?$/, "must look like submission://host:587").optional(),
    /** Sender of Authelia's e-mails (required with smtpAddress). */
    smtpSender: z.string().min(3).optional(),
    /** SMTP user name. */
    smtpUsername: z.string().min(1).optional(),
    /** SMTP password (set it with `pulumi config set --secret`). */
    smtpPassword: z.string().min(1).optional(),
    /** `statefulset` (one in-cluster instance), `cloudnative-pg` (an HA cluster by the CNPG operator) or `external`. Default `statefulset`. */
    postgresMode: z.enum(["statefulset", "cloudnative-pg", "external"]).default("statefulset"),
    /** CloudNativePG instances. Default 3. */
    postgresInstances: count(3, 9),
    /** Install the CloudNativePG operator with postgresMode cloudnative-pg. Default `true`. */
    installCloudNativePg: bool(true),
    /** External database host (postgresMode external). */
    postgresHost: z.string().min(1).optional(),
    /** External database port. Default 5432. */
    postgresPort: z.coerce.number().int().min(1).max(65535).default(5432),
    /** External database password (postgresMode external; set it with `pulumi config set --secret`). */
    postgresPassword: z.string().min(1).optional(),
    /** Prefix of workspace namespaces. Default `ws-`. */
    namespacePrefix: z.string().regex(/^[a-z][-a-z0-9]{0,9}$/, "must be 1-10 lowercase letters, digits or '-', starting with a letter").default("ws-"),
  })
  .superRefine((c, ctx) => {
    const need = (when: boolean, key: string, message: string) => {
      if (when) ctx.addIssue({ code: "custom", path: [key], message });
    };
    need(c.cluster === "existing" && !c.kubeContext && !c.kubeconfig, "kubeContext", "is required with cluster existing (or set kubeconfig as a secret)");
    need(c.issuer === "acme" && !c.acmeEmail, "acmeEmail", "is required with issuer acme (the ACME account's e-mail)");
    need(c.acmeDns01Solver !== undefined && !c.acmeDnsZone, "acmeDnsZone", "is required with acmeDns01Solver");
    need(c.workspacePolicy === "one_factor" && c.cluster !== "kind", "workspacePolicy", "one_factor is allowed only on a KIND dev cluster; use two_factor");
    need(c.smtpAddress !== undefined && !c.smtpSender, "smtpSender", "is required with smtpAddress");
    need(c.postgresMode === "external" && !c.postgresHost, "postgresHost", "is required with postgresMode external");
    need(c.postgresMode === "external" && !c.postgresPassword, "postgresPassword", "is required with postgresMode external (set it with --secret)");
    need(c.shard >= c.shardCount, "shard", `must be below shardCount (${c.shardCount})`);
    need(c.role === "workspaces" && !c.platformStack, "platformStack", "is required with role workspaces (the platform stack's org/project/stack)");
    if (!(c.defaultTier in c.tiers)) {
      ctx.addIssue({ code: "custom", path: ["defaultTier"], message: `names no tier; defined tiers: ${Object.keys(c.tiers).join(", ")}` });
    }
    for (const [name, tier] of Object.entries(c.tiers)) {
      const fits = (request: "cpuRequest" | "memoryRequest", available: number, what: string) => {
        if (isQuantity(tier[request]) && parseQuantity(tier[request]) > available) {
          ctx.addIssue({ code: "custom", path: ["tiers", name, request], message: `${tier[request]} is more than one workspace node has (workspaceNode ${what}); no pod of this tier could be scheduled` });
        }
      };
      fits("cpuRequest", c.workspaceNode.cpu, `cpu ${c.workspaceNode.cpu}`);
      if (isQuantity(c.workspaceNode.memory)) fits("memoryRequest", parseQuantity(c.workspaceNode.memory), `memory ${c.workspaceNode.memory}`);
    }
    if (isQuantity(c.storageMin) && isQuantity(c.storageMax) && parseQuantity(c.storageMin) > parseQuantity(c.storageMax)) {
      ctx.addIssue({ code: "custom", path: ["storageMin"], message: `is above storageMax ${c.storageMax}` });
    }
  });

export type StackConfig = z.infer<typeof stackConfigSchema>;

/** Config keys whose values are secrets: the program wraps them with `pulumi.secret`. */
export const SECRET_CONFIG_KEYS = ["kubeconfig", "smtpPassword", "postgresPassword", "workspaceImageRegistryPassword", "aiApiKey"] as const;

/** The ClusterIssuer workspaces use. */
export function clusterIssuerOf(c: StackConfig): string {
  return c.clusterIssuer ?? (c.issuer === "acme" ? "letsencrypt" : "vibecode-ca");
}

/** Keys whose values are JSON (objects and lists); Pulumi hands them to programs as JSON text. */
const JSON_KEYS = new Set(["tiers", "workspaceNode", "blockedIpv4Ranges", "blockedIpv6Ranges", "purgeUsers", "acmeDns01Solver"]);

/** Refusal of the stack config; each line names the key. */
export class StackConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "StackConfigError";
  }
}

/**
 * Validates raw stack config (fully-qualified keys to strings, as `pulumi.runtime.allConfig()` returns them).
 * `source` names where the values came from, for the messages (e.g. `Pulumi.dev.yaml`).
 */
export function parseStackConfig(raw: Record<string, string>, source: string): StackConfig {
  const problems: string[] = [];
  const ours: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(raw)) {
    const [ns, key] = splitKey(fullKey);
    if (ns !== CONFIG_NAMESPACE) continue; // other namespaces belong to providers (kubernetes:context, …)
    if (JSON_KEYS.has(key)) {
      try {
        ours[key] = JSON.parse(value);
      } catch {
        problems.push(`${source}: config key "${fullKey}": must be JSON (an object or list); got ${JSON.stringify(value)}`);
        continue;
      }
    } else {
      ours[key] = value;
    }
  }
  const result = stackConfigSchema.safeParse(ours);
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys) {
          const where = [...issue.path, k].join(".");
          problems.push(`${source}: config key "${CONFIG_NAMESPACE}:${where}": unknown key; known keys: ${Object.keys(stackConfigSchema.shape).join(", ")}`);
        }
        continue;
      }
      const [top, ...rest] = issue.path.map(String);
      const hint = top === "domain" && issue.code === "invalid_type" ? ` — set it with \`pulumi config set ${CONFIG_NAMESPACE}:domain dev.example.com\`` : "";
      // zod does not report the input; a wrong type is "required" only when nothing was given there.
      const given = issue.path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined), ours);
      const message = issue.code === "invalid_type" && given === undefined ? "is required" : issue.message;
      problems.push(`${source}: config key "${CONFIG_NAMESPACE}:${top}"${rest.length ? ` at ${rest.join(".")}` : ""}: ${message}${hint}`);
    }
  }
  if (problems.length > 0 || !result.success) throw new StackConfigError(problems);
  return result.data;
}

/** `ns:key` → [ns, key]; a bare key belongs to the platform's namespace. */
export function splitKey(key: string): [string, string] {
  const i = key.indexOf(":");
  return i < 0 ? [CONFIG_NAMESPACE, key] : [key.slice(0, i), key.slice(i + 1)];
}

/** The users-file rules a stack config implies. */
export function usersFileRules(config: StackConfig): UsersFileRules {
  return {
    tiers: Object.keys(config.tiers),
    reservedUsernames: PLATFORM_RESERVED_USERNAMES,
    storageMin: config.storageMin,
    storageMax: config.storageMax,
  };
}

/** The tier a user gets. */
export function tierFor(config: StackConfig, tierName: string | undefined): { name: string; tier: WorkspaceTier } {
  const name = tierName ?? config.defaultTier;
  const tier = config.tiers[name];
  if (!tier) throw new Error(`tier "${name}" is not defined in the stack config`);
  return { name, tier };
}
