/**
 * Monitors and a dashboard as code, through Datadog's own API client (`@datadog/datadog-api-client`, v1
 * MonitorsApi / DashboardsApi). Runs outside Pulumi (e.g. after `pulumi up`, from CI); nothing here touches the
 * cluster.
 *
 * Idempotent: every managed object carries its identity — monitors the tags `managed-by:vibecode`,
 * `vibecode-scope:<scope>` and `vibecode-id:<key>`, dashboards a marker line in their description — and
 * {@link syncMonitors} updates the object it finds instead of creating a second one. An object is only written when
 * what we manage differs from what Datadog has (fields Datadog adds, such as defaulted options or widget ids, are
 * ignored), so a second run changes nothing. Managed objects that are no longer defined are reported, never deleted.
 *
 * Metric names come from the Kubernetes State Core check (`kubernetes_state.*`, which the Datadog component enables)
 * and the kubelet check (`kubernetes.*`).
 */
import { client, v1 } from "@datadog/datadog-api-client";
import { DATADOG_SITES } from "./datadog-config";

/** Tag on every managed monitor (and marker in every managed dashboard). */
export const MANAGED_BY_TAG = "managed-by:vibecode";

/** A monitor to keep in Datadog. `key` is its stable identity (renaming the monitor keeps it the same object). */
export interface ManagedMonitor {
  /** Lowercase letters, digits and `-`; unique within the definitions. */
  key: string;
  /** The monitor as the v1 API takes it. The identity tags are added by {@link syncMonitors}. */
  monitor: v1.Monitor;
}

/** A dashboard to keep in Datadog. */
export interface ManagedDashboard {
  /** Lowercase letters, digits and `-`; unique within the definitions. */
  key: string;
  /** The dashboard as the v1 API takes it. The identity marker is appended to its description. */
  dashboard: v1.Dashboard;
}

/** Everything one deployment manages. */
export interface MonitorDefinitions {
  /**
   * What these definitions belong to (e.g. the cluster name): objects of another scope in the same Datadog
   * organization are neither updated nor reported as orphans. Lowercase letters, digits, `-`, `.`.
   */
  scope: string;
  monitors: ManagedMonitor[];
  dashboards: ManagedDashboard[];
}

/** How to reach Datadog. */
export interface DatadogApiClientConfig {
  /** API key (read it from a secret, e.g. `pulumi config get datadog:apiKey`). */
  apiKey: string;
  /** Application key; needs monitors and dashboards read/write. */
  appKey: string;
  /** Datadog site. Default `datadoghq.com`. Ignored with `baseUrl`. */
  site?: string;
  /** Custom server, e.g. `http://127.0.0.1:8080` (a proxy, or a test stand-in). Overrides `site`. */
  baseUrl?: string;
  /** Where the keys come from, for error messages. Default `datadog:apiKey` / `datadog:appKey`. */
  keyNames?: { apiKey: string; appKey: string };
  /** Retry on HTTP 429 and 5xx (the client's own backoff). Default `true`. */
  retry?: boolean;
  /** `fetch` implementation; default the client's (cross-fetch). */
  fetch?: unknown;
}

/** Options of {@link syncMonitors}. */
export interface SyncOptions {
  /** Plan only: read, compare, write nothing. Default `false`. */
  dryRun?: boolean;
}

/** What happened (or would happen) to one object. */
export interface SyncPlanEntry {
  type: "monitor" | "dashboard";
  key: string;
  name: string;
  action: "create" | "update" | "unchanged";
  /** Datadog's id (after a create, the new id; absent for a planned create). */
  id?: number | string;
  /** Paths whose managed value differs (for updates), e.g. `options.thresholds.critical`. */
  changes?: string[];
}

/** Result of {@link syncMonitors}. */
export interface SyncSummary {
  dryRun: boolean;
  entries: SyncPlanEntry[];
  created: number;
  updated: number;
  unchanged: number;
  /** Managed objects of this scope that no definition names any more (left in place). */
  orphans: { type: "monitor" | "dashboard"; id: number | string; name: string }[];
  /** Managed objects found more than once for one key: the first is kept in sync, the others are listed here. */
  duplicates: { type: "monitor" | "dashboard"; key: string; ids: (number | string)[] }[];
}

/** Datadog refused a key (HTTP 401/403). `configKey` names the config key to fix. */
export class DatadogKeyRejectedError extends Error {
  constructor(
    readonly configKey: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "DatadogKeyRejectedError";
  }
}

const KEY = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SCOPE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const PAGE_SIZE = 100;

/**
 * Makes Datadog's monitors and dashboards match `definitions`. Checks the API key first (`GET /api/v1/validate`),
 * so a refused key is reported by name.
 *
 * @throws DatadogKeyRejectedError when Datadog answers 401/403 (naming `datadog:apiKey` or `datadog:appKey`).
 */
export async function syncMonitors(config: DatadogApiClientConfig, definitions: MonitorDefinitions, options: SyncOptions = {}): Promise<SyncSummary> {
  checkDefinitions(definitions);
  const dryRun = options.dryRun ?? false;
  const configuration = clientConfiguration(config);
  const names = config.keyNames ?? { apiKey: "datadog:apiKey", appKey: "datadog:appKey" };
  const where = config.baseUrl ?? `site ${config.site ?? "datadoghq.com"}`;
  const monitorsApi = new v1.MonitorsApi(configuration);
  const dashboardsApi = new v1.DashboardsApi(configuration);

  // Which key is wrong: validate needs the API key only; everything after it needs the application key too.
  await guard(names.apiKey, `Datadog (${where}) rejected the API key`, () => new v1.AuthenticationApi(configuration).validate());
  const appKeyCall = <T>(what: string, call: () => Promise<T>) =>
    guard(names.appKey, `Datadog (${where}) rejected the application key (the API key is valid) while trying to ${what}; it must be valid and allowed to read and write monitors and dashboards`, call);

  const summary: SyncSummary = { dryRun, entries: [], created: 0, updated: 0, unchanged: 0, orphans: [], duplicates: [] };
  const count = (e: SyncPlanEntry) => {
    summary.entries.push(e);
    if (e.action === "create") summary.created++;
    else if (e.action === "update") summary.updated++;
    else summary.unchanged++;
  };

  // ---- monitors
  const scopeTags = [MANAGED_BY_TAG, `vibecode-scope:${definitions.scope}`];
  const existing: v1.Monitor[] = [];
  for (let page = 0; ; page++) {
    const batch = await appKeyCall("list monitors", () => monitorsApi.listMonitors({ monitorTags: scopeTags.join(","), page, pageSize: PAGE_SIZE }));
    existing.push(...batch);
    if (batch.length < PAGE_SIZE) break;
  }
  // The tag filter is applied again here: we never touch a monitor without our identity tags.
  const ours = existing.filter((m) => scopeTags.every((t) => (m.tags ?? []).includes(t)));
  const byKey = groupBy(ours, (m) => (m.tags ?? []).find((t) => t.startsWith("vibecode-id:"))?.slice("vibecode-id:".length));
  for (const def of definitions.monitors) {
    const desired: v1.Monitor = { ...def.monitor, tags: [...new Set([...(def.monitor.tags ?? []), ...scopeTags, `vibecode-id:${def.key}`])].sort() };
    const found = byKey.get(def.key) ?? [];
    if (found.length > 1) summary.duplicates.push({ type: "monitor", key: def.key, ids: found.map((m) => m.id!) });
    const current = found[0];
    if (!current) {
      const created = dryRun ? undefined : await appKeyCall(`create monitor "${desired.name}"`, () => monitorsApi.createMonitor({ body: desired }));
      count({ type: "monitor", key: def.key, name: desired.name ?? def.key, action: "create", id: created?.id });
      continue;
    }
    const changes = differences(wire(desired, "Monitor"), wire(current, "Monitor"));
    if (changes.length > 0 && !dryRun) {
      const { type, query, name, message, tags, options: monitorOptions, priority } = desired;
      await appKeyCall(`update monitor ${current.id}`, () => monitorsApi.updateMonitor({ monitorId: current.id!, body: { type, query, name, message, tags, options: monitorOptions, priority } }));
    }
    count({ type: "monitor", key: def.key, name: desired.name ?? def.key, action: changes.length > 0 ? "update" : "unchanged", id: current.id, ...(changes.length ? { changes } : {}) });
  }
  const monitorKeys = new Set(definitions.monitors.map((d) => d.key));
  for (const [key, list] of byKey) {
    if (key === undefined || !monitorKeys.has(key)) for (const m of list) summary.orphans.push({ type: "monitor", id: m.id!, name: m.name ?? "" });
  }

  // ---- dashboards
  const summaries: v1.DashboardSummaryDefinition[] = [];
  for (let start = 0; ; start += PAGE_SIZE) {
    const page = await appKeyCall("list dashboards", () => dashboardsApi.listDashboards({ count: PAGE_SIZE, start }));
    const list = page.dashboards ?? [];
    summaries.push(...list);
    if (list.length < PAGE_SIZE) break;
  }
  const markerPrefix = `[${MANAGED_BY_TAG} scope:${definitions.scope} id:`;
  const dashboardsByKey = groupBy(summaries, (d) => {
    const line = (d.description ?? "").split("\n").find((l) => l.startsWith(markerPrefix) && l.endsWith("]"));
    return line?.slice(markerPrefix.length, -1);
  });
  for (const def of definitions.dashboards) {
    const desired: v1.Dashboard = { ...def.dashboard, description: withMarker(def.dashboard.description, `${markerPrefix}${def.key}]`) };
    const found = dashboardsByKey.get(def.key) ?? [];
    if (found.length > 1) summary.duplicates.push({ type: "dashboard", key: def.key, ids: found.map((d) => d.id!) });
    const current = found[0];
    if (!current) {
      const created = dryRun ? undefined : await appKeyCall(`create dashboard "${desired.title}"`, () => dashboardsApi.createDashboard({ body: desired }));
      count({ type: "dashboard", key: def.key, name: desired.title, action: "create", id: created?.id });
      continue;
    }
    const full = await appKeyCall(`read dashboard ${current.id}`, () => dashboardsApi.getDashboard({ dashboardId: current.id! }));
    const changes = differences(wire(desired, "Dashboard"), wire(full, "Dashboard"));
    if (changes.length > 0 && !dryRun) {
      await appKeyCall(`update dashboard ${current.id}`, () => dashboardsApi.updateDashboard({ dashboardId: current.id!, body: desired }));
    }
    count({ type: "dashboard", key: def.key, name: desired.title, action: changes.length > 0 ? "update" : "unchanged", id: current.id, ...(changes.length ? { changes } : {}) });
  }
  const dashboardKeys = new Set(definitions.dashboards.map((d) => d.key));
  for (const [key, list] of dashboardsByKey) {
    if (key !== undefined && !dashboardKeys.has(key)) for (const d of list) summary.orphans.push({ type: "dashboard", id: d.id!, name: d.title ?? "" });
  }
  return summary;
}

/** The API client's configuration: keys, server (site or custom URL), retries, `X-Datadog-Managed-By: iac`. */
export function clientConfiguration(config: DatadogApiClientConfig): client.Configuration {
  const site = config.site ?? "datadoghq.com";
  if (config.baseUrl === undefined && !(DATADOG_SITES as readonly string[]).includes(site)) {
    throw new Error(`syncMonitors: site must be one of ${DATADOG_SITES.join(", ")}, got "${site}"`);
  }
  if (config.baseUrl !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(config.baseUrl)) {
    throw new Error(`syncMonitors: baseUrl must be a scheme and host such as http://127.0.0.1:8080, got "${config.baseUrl}"`);
  }
  const configuration = client.createConfiguration({
    authMethods: { apiKeyAuth: config.apiKey, appKeyAuth: config.appKey },
    ...(config.baseUrl !== undefined ? { baseServer: new client.BaseServerConfiguration(config.baseUrl.replace(/\/$/, ""), {}) } : {}),
    enableRetry: config.retry ?? true,
    maxRetries: 3,
    // Marks the requests as coming from automation (Datadog shows it in the audit trail).
    isIaC: true,
    ...(config.fetch !== undefined ? { fetch: config.fetch } : {}),
  });
  if (config.baseUrl === undefined) client.setServerVariables(configuration, { site });
  return configuration;
}

/** Runs an API call; a 401/403 becomes a {@link DatadogKeyRejectedError} naming `configKey`. */
async function guard<T>(configKey: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const status = (err as { code?: unknown }).code;
    if (err instanceof client.ApiException && (status === 401 || status === 403)) {
      throw new DatadogKeyRejectedError(configKey, status, `${what} (HTTP ${status}): check config key "${configKey}" — set it with \`pulumi config set --secret ${configKey} <key>\``);
    }
    throw err;
  }
}

function checkDefinitions(d: MonitorDefinitions): void {
  if (!SCOPE.test(d.scope)) throw new Error(`syncMonitors: scope must be lowercase letters, digits, '-' or '.', got "${d.scope}"`);
  for (const [what, list] of [["monitor", d.monitors], ["dashboard", d.dashboards]] as const) {
    const seen = new Set<string>();
    for (const { key } of list) {
      if (!KEY.test(key)) throw new Error(`syncMonitors: ${what} key must be lowercase letters, digits and '-', got "${key}"`);
      if (seen.has(key)) throw new Error(`syncMonitors: ${what} key "${key}" is defined twice`);
      seen.add(key);
    }
  }
}

/** The object as it travels on the wire (snake_case JSON), whatever class the client deserialized it into. */
function wire(value: unknown, type: "Monitor" | "Dashboard"): unknown {
  return JSON.parse(JSON.stringify(v1.ObjectSerializer.serialize(value, type, "")));
}

/**
 * Paths where `desired` is not contained in `actual`. Objects: every key we set must match (keys Datadog adds are
 * ignored); arrays: same length, element by element — except `tags`, compared as sets (Datadog may reorder them).
 */
export function differences(desired: unknown, actual: unknown, path = ""): string[] {
  if (Array.isArray(desired)) {
    if (!Array.isArray(actual)) return [path || "."];
    if (path.endsWith("tags")) {
      const a = [...actual].map(String).sort();
      const d = [...desired].map(String).sort();
      return JSON.stringify(a) === JSON.stringify(d) ? [] : [path];
    }
    if (desired.length !== actual.length) return [path || "."];
    return desired.flatMap((d, i) => differences(d, actual[i], `${path}[${i}]`));
  }
  if (desired !== null && typeof desired === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return [path || "."];
    return Object.entries(desired as Record<string, unknown>).flatMap(([k, d]) =>
      d === undefined ? [] : differences(d, (actual as Record<string, unknown>)[k], path ? `${path}.${k}` : k),
    );
  }
  return desired === actual ? [] : [path || "."];
}

function groupBy<T>(items: T[], keyOf: (item: T) => string | undefined): Map<string | undefined, T[]> {
  const map = new Map<string | undefined, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    map.set(k, [...(map.get(k) ?? []), item]);
  }
  return map;
}

function withMarker(description: string | undefined, marker: string): string {
  return description ? `${description}\n\n${marker}` : marker;
}

// ---------------------------------------------------------------------------------------------------------------
// The platform's definitions
// ---------------------------------------------------------------------------------------------------------------

/** What {@link platformMonitorDefinitions} needs. */
export interface PlatformMonitorOptions {
  /** Datadog cluster name (`kube_cluster_name`); also the definitions' scope. */
  clusterName: string;
  /** Prefix of workspace namespaces. Default `ws-`. */
  workspaceNamespacePrefix?: string;
  /** Namespace of Authelia and its Postgres. Default `authelia`. */
  authNamespace?: string;
  /** Namespace of Traefik. Default `traefik`. */
  traefikNamespace?: string;
  /** Watch the in-cluster Postgres (false with an external database). Default `true`. */
  postgres?: boolean;
  /** Notification handles appended to every message, e.g. `@slack-platform`, `@ops@example.com`. Default: none. */
  notify?: string[];
}

/**
 * Workspace monitors (crash loop, OOM kill, pending too long), platform health monitors (Authelia, Traefik,
 * Postgres) and one overview dashboard, all scoped to one cluster.
 */
export function platformMonitorDefinitions(o: PlatformMonitorOptions): MonitorDefinitions {
  const prefix = o.workspaceNamespacePrefix ?? "ws-";
  const auth = o.authNamespace ?? "authelia";
  const traefik = o.traefikNamespace ?? "traefik";
  const cluster = `kube_cluster_name:${o.clusterName}`;
  const workspaces = `${cluster},kube_namespace:${prefix}*`;
  const notify = (o.notify ?? []).length > 0 ? `\n\n${(o.notify ?? []).join(" ")}` : "";
  const tags = ["team:platform", `kube_cluster_name:${o.clusterName}`];
  // Per-namespace groups: one alert per workspace, resolved on its own.
  const workspaceOptions: v1.MonitorOptions = { thresholds: { critical: 1 }, notifyNoData: false, includeTags: true, requireFullWindow: false, renotifyInterval: 0 };
  // A platform service that reports nothing at all is as alarming as one that reports zero replicas.
  const serviceOptions: v1.MonitorOptions = { thresholds: { critical: 1 }, notifyNoData: true, noDataTimeframe: 15, includeTags: true, requireFullWindow: false, renotifyInterval: 60 };

  const monitors: ManagedMonitor[] = [
    {
      key: "workspace-crash-loop",
      monitor: {
        name: `[${o.clusterName}] Workspace crash-looping: {{kube_namespace.name}}`,
        type: "query alert",
        query: `max(last_10m):max:kubernetes_state.container.status_report.count.waiting{${workspaces},reason:crashloopbackoff} by {kube_namespace} >= 1`,
        message: `The workspace in {{kube_namespace.name}} is restarting in a loop (CrashLoopBackOff) for 10 minutes. Look at the pod's logs and events: \`kubectl -n {{kube_namespace.name}} describe pod\`.${notify}`,
        tags,
        options: workspaceOptions,
        priority: 3,
      },
    },
    {
      key: "workspace-oom-killed",
      monitor: {
        name: `[${o.clusterName}] Workspace killed for memory: {{kube_namespace.name}}`,
        type: "query alert",
        // The kubelet reports the *last* termination's reason: an OOM-killed container restarts at once, so its
        // current state is running or waiting, never "terminated: OOMKilled" for long.
        query: `max(last_10m):max:kubernetes.containers.last_state.terminated{${workspaces},reason:oomkilled} by {kube_namespace} >= 1`,
        message: `The workspace in {{kube_namespace.name}} was killed for exceeding its memory limit. If it keeps happening, move the person to a larger tier in the users file.${notify}`,
        tags,
        options: workspaceOptions,
        priority: 3,
      },
    },
    {
      key: "workspace-pending",
      monitor: {
        name: `[${o.clusterName}] Workspace pending for 15 minutes: {{kube_namespace.name}}`,
        type: "query alert",
        // min over the window: pending the whole 15 minutes, not a pod that is merely starting.
        query: `min(last_15m):max:kubernetes_state.pod.status_phase{${workspaces},pod_phase:pending} by {kube_namespace} >= 1`,
        message: `The workspace pod in {{kube_namespace.name}} has not been scheduled or started for 15 minutes (no node with room, volume not bound, or image pull failing). \`kubectl -n {{kube_namespace.name}} describe pod\` shows why.${notify}`,
        tags,
        options: workspaceOptions,
        priority: 3,
      },
    },
    {
      key: "authelia-unavailable",
      monitor: {
        name: `[${o.clusterName}] Authelia has no available replica`,
        type: "query alert",
        query: `max(last_5m):sum:kubernetes_state.deployment.replicas_available{${cluster},kube_namespace:${auth},kube_deployment:authelia} < 1`,
        message: `No Authelia replica has been available for 5 minutes: nobody can sign in to any workspace.${notify}`,
        tags,
        options: serviceOptions,
        priority: 1,
      },
    },
    {
      key: "traefik-unavailable",
      monitor: {
        name: `[${o.clusterName}] Traefik has no available replica`,
        type: "query alert",
        query: `max(last_5m):sum:kubernetes_state.deployment.replicas_available{${cluster},kube_namespace:${traefik},kube_deployment:traefik} < 1`,
        message: `No Traefik replica has been available for 5 minutes: every workspace and the sign-in portal are unreachable.${notify}`,
        tags,
        options: serviceOptions,
        priority: 1,
      },
    },
  ];
  if (o.postgres ?? true) {
    monitors.push({
      key: "postgres-not-ready",
      monitor: {
        name: `[${o.clusterName}] Authelia's Postgres is not ready`,
        type: "query alert",
        // The container is called `postgres` both in the StatefulSet and in CloudNativePG's pods.
        query: `max(last_5m):sum:kubernetes_state.container.ready{${cluster},kube_namespace:${auth},kube_container_name:postgres} < 1`,
        message: `No ready Postgres container in ${auth} for 5 minutes: Authelia cannot check sessions or second factors.${notify}`,
        tags,
        options: serviceOptions,
        priority: 1,
      },
    });
  }

  const timeseries = (title: string, ...queries: string[]): v1.Widget => ({
    definition: { type: "timeseries", title, requests: queries.map((q) => ({ q, displayType: "line" as const })) },
  });
  const dashboard: v1.Dashboard = {
    title: `VibeCode platform (${o.clusterName})`,
    description: "Workspaces and the platform services in front of them. Managed as code (components/observability/monitors.ts): edits made here are overwritten.",
    layoutType: "ordered",
    widgets: [
      {
        definition: {
          type: "manage_status",
          title: "Platform monitors",
          query: `tag:"${MANAGED_BY_TAG}" tag:"vibecode-scope:${o.clusterName}"`,
          summaryType: "monitors",
          displayFormat: "countsAndList",
          sort: "status,asc",
        },
      },
      timeseries("Running workspaces", `sum:kubernetes_state.pod.status_phase{${workspaces},pod_phase:running}`),
      timeseries("Pending workspace pods", `sum:kubernetes_state.pod.status_phase{${workspaces},pod_phase:pending} by {kube_namespace}`),
      timeseries("Workspace container restarts", `sum:kubernetes_state.container.restarts{${workspaces}} by {kube_namespace}`),
      timeseries("Workspaces OOM-killed", `max:kubernetes.containers.last_state.terminated{${workspaces},reason:oomkilled} by {kube_namespace}`),
      timeseries("Workspace CPU (nanocores)", `sum:kubernetes.cpu.usage.total{${workspaces}} by {kube_namespace}`),
      timeseries("Workspace memory (bytes)", `sum:kubernetes.memory.usage{${workspaces}} by {kube_namespace}`),
      timeseries(
        "Authelia and Traefik available replicas",
        `sum:kubernetes_state.deployment.replicas_available{${cluster},kube_namespace:${auth},kube_deployment:authelia}`,
        `sum:kubernetes_state.deployment.replicas_available{${cluster},kube_namespace:${traefik},kube_deployment:traefik}`,
      ),
      timeseries("Postgres ready containers", `sum:kubernetes_state.container.ready{${cluster},kube_namespace:${auth},kube_container_name:postgres}`),
    ],
  };
  return { scope: o.clusterName, monitors, dashboards: [{ key: "platform-overview", dashboard }] };
}
