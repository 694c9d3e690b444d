/**
 * Stack configuration of the observability layer: the keys of the `datadog:` config namespace, their defaults and
 * their validation. Errors name the fully-qualified key (`datadog:apiKey`) in the same style as
 * `stacks/config.ts`; unknown keys in the namespace are refused, so a typo never silently falls back to a default.
 *
 * Keys (set with `pulumi config set datadog:<key> <value>`, secrets with `--secret`):
 * - `datadog:enabled` — `true` installs the Datadog agent, cluster agent and Datadog autoscalers. Default `false`.
 * - `datadog:apiKey` — Datadog API key. Required when enabled; must be a secret.
 * - `datadog:appKey` — Datadog application key (the cluster agent's metrics provider reads metrics with it).
 *   Required when enabled; must be a secret.
 * - `datadog:site` — Datadog site. Default `datadoghq.com`.
 * - `datadog:clusterName` — cluster name shown in Datadog. Default: `vibecode-<stack>` (see {@link datadogClusterName}).
 * - `datadog:env` — the `env` unified service tag. Default: the stack name.
 * - `datadog:autoscaler` — `wpa` (WatermarkPodAutoscaler), `dpa` (DatadogPodAutoscaler) or `hpa`. Default `wpa`
 *   when enabled; always `hpa` when disabled (there is no Datadog to drive anything else).
 * - `datadog:kubeletTlsVerify` — verify the kubelet's serving certificate. Default `true`; KIND clusters need `false`
 *   (their kubelets serve self-signed certificates).
 *
 * The keys share the `datadog:` namespace with the Pulumi Datadog provider's own `datadog:apiKey`/`datadog:appKey`
 * on purpose: one secret serves both if that provider is ever added.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/** The Pulumi config namespace of these keys. */
export const DATADOG_CONFIG_NAMESPACE = "datadog";

/**
 * Datadog sites (the `site` server variable of `@datadog/datadog-api-client`). A closed list: a typo such as
 * `datadoghq.co` would otherwise send every agent's data to a host that does not exist.
 */
export const DATADOG_SITES = [
  "datadoghq.com",
  "us3.datadoghq.com",
  "us5.datadoghq.com",
  "ap1.datadoghq.com",
  "ap2.datadoghq.com",
  "uk1.datadoghq.com",
  "datadoghq.eu",
  "ddog-gov.com",
  "us2.ddog-gov.com",
] as const;
export type DatadogSite = (typeof DATADOG_SITES)[number];

/** Autoscaler choices as config spells them. */
export const AUTOSCALER_CHOICES = ["wpa", "dpa", "hpa"] as const;
export type AutoscalerChoice = (typeof AUTOSCALER_CHOICES)[number];

/** Keys whose values must be Pulumi secrets. */
export const DATADOG_SECRET_KEYS = ["apiKey", "appKey"] as const;

/** Pulumi hands booleans over as the strings "true" / "false". */
const bool = (fallback: boolean) =>
  z
    .enum(["true", "false"], { error: 'must be "true" or "false"' })
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true");

/** A key: any non-empty run of printable characters without whitespace (pasted keys often carry a newline). */
const key = z
  .string()
  .min(1, "must not be empty")
  .regex(/^\S+$/, "must not contain whitespace (check for a trailing newline in the pasted key)");

/** Datadog's own rule for cluster names (datadog chart values.yaml, `datadog.clusterName`). */
const clusterName = z
  .string()
  .max(80, "must be at most 80 characters")
  .regex(/^[a-z]([a-z0-9.-]*[a-z0-9])?$/, "must be lowercase letters, digits, '-' or '.', start with a letter and end with a letter or digit");

/** A tag value that is also a valid Kubernetes label value (it goes into `tags.datadoghq.com/env`). */
const labelValue = z
  .string()
  .max(63, "must be at most 63 characters")
  .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, "must be a Kubernetes label value (letters, digits, '-', '_', '.')");

/** The raw `datadog:` keys, before the cross-key rules. */
export const datadogConfigSchema = z
  .strictObject({
    enabled: bool(false),
    apiKey: key.optional(),
    appKey: key.optional(),
    site: z.enum(DATADOG_SITES, { error: `must be one of ${DATADOG_SITES.join(", ")}` }).default("datadoghq.com"),
    clusterName: clusterName.optional(),
    env: labelValue.optional(),
    autoscaler: z.enum(AUTOSCALER_CHOICES, { error: `must be one of ${AUTOSCALER_CHOICES.join(", ")}` }).optional(),
    kubeletTlsVerify: bool(true),
  })
  .superRefine((c, ctx) => {
    if (!c.enabled) return;
    for (const k of DATADOG_SECRET_KEYS) {
      if (c[k] === undefined) {
        ctx.addIssue({ code: "custom", path: [k], message: `is required with ${DATADOG_CONFIG_NAMESPACE}:enabled true — set it with \`pulumi config set --secret ${DATADOG_CONFIG_NAMESPACE}:${k} <key>\`` });
      }
    }
  });

/** Settings shared by both states. */
interface DatadogConfigCommon {
  site: DatadogSite;
  /** Explicit `datadog:clusterName`; see {@link datadogClusterName} for the default. */
  clusterName?: string;
  /** Explicit `datadog:env`; default: the stack name. */
  env?: string;
  kubeletTlsVerify: boolean;
}

/** Datadog switched off: workloads get standard HPAs, nothing of Datadog is deployed. */
export interface DisabledDatadogConfig extends DatadogConfigCommon {
  enabled: false;
  autoscaler: "hpa";
}

/** Datadog switched on. The keys are Pulumi secrets, so they can only reach resources as secrets. */
export interface EnabledDatadogConfig extends DatadogConfigCommon {
  enabled: true;
  apiKey: pulumi.Output<string>;
  appKey: pulumi.Output<string>;
  autoscaler: AutoscalerChoice;
}

/** The validated `datadog:` config. */
export type DatadogConfig = DisabledDatadogConfig | EnabledDatadogConfig;

/** Refusal of the `datadog:` config; each line names the key. */
export class DatadogConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "DatadogConfigError";
  }
}

/**
 * Validates the `datadog:` keys of raw stack config (fully-qualified keys to strings, as
 * `pulumi.runtime.allConfig()` returns them; other namespaces are ignored). `source` names where the values came
 * from, for the messages (e.g. `Pulumi.prod.yaml`).
 *
 * `secretKeys` lists the fully-qualified keys that are secrets. Default: what the Pulumi runtime recorded for the
 * current program (right under `pulumi up`); the offline render must pass its own list, because it validates before
 * it starts the runtime.
 *
 * @throws DatadogConfigError naming every offending key.
 */
export function parseDatadogConfig(raw: Record<string, string>, source: string, secretKeys?: readonly string[]): DatadogConfig {
  const isSecret = secretKeys ? (k: string) => secretKeys.includes(k) : runtimeIsConfigSecret;
  const ours: Record<string, string> = {};
  for (const [fullKey, value] of Object.entries(raw)) {
    const i = fullKey.indexOf(":");
    if (i < 0 || fullKey.slice(0, i) !== DATADOG_CONFIG_NAMESPACE) continue;
    ours[fullKey.slice(i + 1)] = value;
  }
  const problems: string[] = [];
  const result = datadogConfigSchema.safeParse(ours);
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys) {
          problems.push(`${source}: config key "${DATADOG_CONFIG_NAMESPACE}:${k}": unknown key; known keys: ${Object.keys(datadogConfigSchema.shape).join(", ")}`);
        }
        continue;
      }
      const [top] = issue.path.map(String);
      problems.push(`${source}: config key "${DATADOG_CONFIG_NAMESPACE}:${top}": ${issue.message}`);
    }
  }
  // A key in plain text in Pulumi.<stack>.yaml would be committed to git: refuse it whether or not Datadog is on.
  for (const k of DATADOG_SECRET_KEYS) {
    const full = `${DATADOG_CONFIG_NAMESPACE}:${k}`;
    if (ours[k] !== undefined && !isSecret(full)) {
      problems.push(`${source}: config key "${full}": must be a secret — set it with \`pulumi config set --secret ${full} <key>\``);
    }
  }
  if (problems.length > 0 || !result.success) throw new DatadogConfigError(problems);
  const c = result.data;
  const common: DatadogConfigCommon = {
    site: c.site,
    ...(c.clusterName !== undefined ? { clusterName: c.clusterName } : {}),
    ...(c.env !== undefined ? { env: c.env } : {}),
    kubeletTlsVerify: c.kubeletTlsVerify,
  };
  if (!c.enabled) return { ...common, enabled: false, autoscaler: "hpa" };
  return {
    ...common,
    enabled: true,
    // Wrapped at once: from here on the keys can only be read inside Pulumi, which keeps them secret.
    apiKey: pulumi.secret(c.apiKey!),
    appKey: pulumi.secret(c.appKey!),
    autoscaler: c.autoscaler ?? "wpa",
  };
}

/** The cluster name Datadog shows: `datadog:clusterName`, else `vibecode-<stack>`. */
export function datadogClusterName(config: DatadogConfig, stack: string): string {
  return config.clusterName ?? `vibecode-${stack}`.toLowerCase();
}

/** The `env` unified service tag: `datadog:env`, else the stack name. */
export function datadogEnv(config: DatadogConfig, stack: string): string {
  return config.env ?? stack;
}

/** Pulumi's record of which config keys are secret (internal in the SDK, hence the lookup through require). */
function runtimeIsConfigSecret(fullKey: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
  return runtimeConfig.isConfigSecret?.(fullKey) ?? false;
}
