import { DatadogKeyRejectedError, differences, platformMonitorDefinitions, syncMonitors, type DatadogApiClientConfig, type MonitorDefinitions } from "./monitors";
import { DatadogStandIn } from "./testing";

const API_KEY = "0123456789abcdef0123456789abcdef";
const APP_KEY = "fedcba9876543210fedcba9876543210fedcba98";

describe("syncMonitors against a local stand-in for the Datadog API", () => {
  let dd: DatadogStandIn;
  let config: DatadogApiClientConfig;
  const definitions = (): MonitorDefinitions => platformMonitorDefinitions({ clusterName: "vibecode-prod", notify: ["@ops@example.com"] });

  beforeEach(async () => {
    dd = new DatadogStandIn(API_KEY, APP_KEY);
    await dd.start();
    config = { apiKey: API_KEY, appKey: APP_KEY, baseUrl: dd.url, retry: false };
  });
  afterEach(() => dd.stop());

  it("checks the API key first, lists, then creates every monitor and the dashboard with the keys in headers", async () => {
    const summary = await syncMonitors(config, definitions());
    expect(summary).toMatchObject({ dryRun: false, created: 7, updated: 0, unchanged: 0, orphans: [], duplicates: [] });

    const [validate, listMonitors] = dd.requests;
    expect([validate!.method, validate!.path]).toEqual(["GET", "/api/v1/validate"]);
    expect(validate!.headers["dd-api-key"]).toBe(API_KEY);
    // validate needs the API key only: the application key is not sent where it is not needed.
    expect(validate!.headers["dd-application-key"]).toBeUndefined();
    expect([listMonitors!.method, listMonitors!.path, listMonitors!.query]).toEqual([
      "GET",
      "/api/v1/monitor",
      { monitor_tags: "managed-by:vibecode,vibecode-scope:vibecode-prod", page: "0", page_size: "100" },
    ]);

    const listDashboards = dd.requests.find((r) => r.path === "/api/v1/dashboard")!;
    expect([listDashboards.method, listDashboards.query]).toEqual(["GET", { count: "100", start: "0" }]);
    for (const r of dd.requests.slice(1)) {
      expect(r.headers["dd-api-key"]).toBe(API_KEY);
      expect(r.headers["dd-application-key"]).toBe(APP_KEY);
    }
    const creates = dd.writes();
    expect(creates.map((r) => `${r.method} ${r.path}`)).toEqual([...Array(6).fill("POST /api/v1/monitor"), "POST /api/v1/dashboard"]);
    for (const r of creates) {
      expect(r.headers["content-type"]).toMatch(/^application\/json/);
      expect(r.headers["x-datadog-managed-by"]).toBe("iac");
    }

    // The wire format: snake_case JSON, identity tags added, query and thresholds as defined.
    const crashLoop = creates.map((r) => r.body as any).find((b) => (b.tags ?? []).includes("vibecode-id:workspace-crash-loop"));
    expect(crashLoop).toEqual({
      name: "[vibecode-prod] Workspace crash-looping: {{kube_namespace.name}}",
      type: "query alert",
      query:
        "max(last_10m):max:kubernetes_state.container.status_report.count.waiting{kube_cluster_name:vibecode-prod,kube_namespace:ws-*,reason:crashloopbackoff} by {kube_namespace} >= 1",
      message: expect.stringContaining("CrashLoopBackOff"),
      tags: ["kube_cluster_name:vibecode-prod", "managed-by:vibecode", "team:platform", "vibecode-id:workspace-crash-loop", "vibecode-scope:vibecode-prod"],
      options: { thresholds: { critical: 1 }, notify_no_data: false, include_tags: true, require_full_window: false, renotify_interval: 0 },
      priority: 3,
    });
    expect(crashLoop.message).toMatch(/@ops@example\.com$/);
    const queries = creates.filter((r) => r.path === "/api/v1/monitor").map((r) => (r.body as any).query as string);
    expect(queries).toEqual([
      expect.stringContaining("kubernetes_state.container.status_report.count.waiting{"),
      expect.stringContaining("kubernetes.containers.last_state.terminated{kube_cluster_name:vibecode-prod,kube_namespace:ws-*,reason:oomkilled}"),
      expect.stringContaining("kubernetes_state.pod.status_phase{kube_cluster_name:vibecode-prod,kube_namespace:ws-*,pod_phase:pending}"),
      expect.stringContaining("kube_namespace:authelia,kube_deployment:authelia} < 1"),
      expect.stringContaining("kube_namespace:traefik,kube_deployment:traefik} < 1"),
      expect.stringContaining("kube_namespace:authelia,kube_container_name:postgres} < 1"),
    ]);

    const dashboard = creates.at(-1)!.body as any;
    expect(dashboard.title).toBe("VibeCode platform (vibecode-prod)");
    expect(dashboard.layout_type).toBe("ordered");
    expect(dashboard.description).toMatch(/\n\n\[managed-by:vibecode scope:vibecode-prod id:platform-overview\]$/);
    expect(dashboard.widgets[0].definition).toMatchObject({ type: "manage_status", summary_type: "monitors", display_format: "countsAndList" });
    expect(dashboard.widgets.slice(1).every((w: any) => w.definition.type === "timeseries" && w.definition.requests[0].display_type === "line")).toBe(true);
    expect(summary.entries.filter((e) => e.action === "create").map((e) => e.id)).toEqual([1000, 1001, 1002, 1003, 1004, 1005, "abc-001-xyz"]);
  });

  it("changes nothing on a second run (Datadog's defaulted options and widget ids do not count as drift)", async () => {
    await syncMonitors(config, definitions());
    const before = dd.requests.length;
    const again = await syncMonitors(config, definitions());
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 7, orphans: [], duplicates: [] });
    const second = dd.requests.slice(before);
    expect(second.filter((r) => r.method !== "GET")).toEqual([]);
    expect(second.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /api/v1/validate", "GET /api/v1/monitor", "GET /api/v1/dashboard", "GET /api/v1/dashboard/abc-001-xyz"]);
    expect(dd.monitors.size).toBe(6);
    expect(dd.dashboards.size).toBe(1);
  });

  it("updates a monitor edited by hand in place (PUT with the full definition), instead of creating a duplicate", async () => {
    await syncMonitors(config, definitions());
    const [id, pending] = [...dd.monitors.entries()].find(([, m]) => m.tags.includes("vibecode-id:workspace-pending"))!;
    dd.monitors.set(id, { ...pending, query: pending.query.replace(">= 1", ">= 5"), options: { ...pending.options, thresholds: { critical: 5 } } });
    const before = dd.requests.length;

    const summary = await syncMonitors(config, definitions());
    expect(summary).toMatchObject({ created: 0, updated: 1, unchanged: 6 });
    expect(summary.entries.find((e) => e.action === "update")).toEqual({
      type: "monitor",
      key: "workspace-pending",
      name: "[vibecode-prod] Workspace pending for 15 minutes: {{kube_namespace.name}}",
      action: "update",
      id,
      changes: ["options.thresholds.critical", "query"],
    });
    const writes = dd.requests.slice(before).filter((r) => r.method !== "GET");
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /api/v1/monitor/${id}`]);
    expect(writes[0]!.body).toMatchObject({ query: expect.stringMatching(/>= 1$/), options: { thresholds: { critical: 1 } }, type: "query alert" });
    expect(dd.monitors.size).toBe(6);
    expect(dd.monitors.get(id)!.query).toMatch(/>= 1$/);
  });

  it("updates a dashboard whose widgets were changed, found by the marker in its description", async () => {
    await syncMonitors(config, definitions());
    const [id, dashboard] = [...dd.dashboards.entries()][0]!;
    dd.dashboards.set(id, { ...dashboard, widgets: dashboard.widgets.slice(0, 3) });
    const before = dd.requests.length;
    const summary = await syncMonitors(config, definitions());
    expect(summary).toMatchObject({ created: 0, updated: 1, unchanged: 6 });
    const writes = dd.requests.slice(before).filter((r) => r.method !== "GET");
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /api/v1/dashboard/${id}`]);
    expect((writes[0]!.body as any).widgets).toHaveLength(9);
    expect(dd.dashboards.size).toBe(1);
  });

  it("leaves other scopes and hand-made objects alone and reports managed objects no longer defined", async () => {
    await syncMonitors(config, platformMonitorDefinitions({ clusterName: "vibecode-dev" }));
    const devMonitors = dd.monitors.size;
    const prod = definitions();
    const first = await syncMonitors(config, prod);
    expect(first.created).toBe(7); // nothing of the dev scope was reused
    expect(dd.monitors.size).toBe(devMonitors + 6);

    const fewer: MonitorDefinitions = { ...prod, monitors: prod.monitors.filter((m) => m.key !== "postgres-not-ready") };
    const summary = await syncMonitors(config, fewer);
    expect(summary.orphans).toEqual([{ type: "monitor", id: expect.any(Number), name: "[vibecode-prod] Authelia's Postgres is not ready" }]);
    expect(dd.writes().filter((r) => r.method === "DELETE")).toEqual([]);
  });

  it("plans without writing in dry-run mode", async () => {
    const summary = await syncMonitors(config, definitions(), { dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, created: 7 });
    expect(summary.entries.every((e) => e.id === undefined)).toBe(true);
    expect(dd.writes()).toEqual([]);
  });

  it("names datadog:apiKey when Datadog rejects the API key, and stops there", async () => {
    const attempt = syncMonitors({ ...config, apiKey: "wrong" }, definitions());
    await expect(attempt).rejects.toThrow(DatadogKeyRejectedError);
    await expect(syncMonitors({ ...config, apiKey: "wrong" }, definitions())).rejects.toThrow(
      `Datadog (${dd.url}) rejected the API key (HTTP 403): check config key "datadog:apiKey" — set it with \`pulumi config set --secret datadog:apiKey <key>\``,
    );
    expect(dd.requests.map((r) => r.path)).toEqual(["/api/v1/validate", "/api/v1/validate"]);
  });

  it("names datadog:appKey when the API key is accepted but the application key is not", async () => {
    const err = await syncMonitors({ ...config, appKey: "wrong" }, definitions()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatadogKeyRejectedError);
    expect(err).toMatchObject({ configKey: "datadog:appKey", status: 403 });
    expect((err as Error).message).toMatch(/rejected the application key \(the API key is valid\) while trying to list monitors.*check config key "datadog:appKey"/);
    expect(dd.writes()).toEqual([]);
  });

  it("uses the caller's names for the keys in messages", async () => {
    const err = await syncMonitors({ ...config, apiKey: "wrong", keyNames: { apiKey: "DD_API_KEY", appKey: "DD_APP_KEY" } }, definitions()).catch((e: unknown) => e);
    expect((err as DatadogKeyRejectedError).configKey).toBe("DD_API_KEY");
  });

  it("refuses definitions it could not keep apart", async () => {
    const d = definitions();
    await expect(syncMonitors(config, { ...d, monitors: [...d.monitors, d.monitors[0]!] })).rejects.toThrow('syncMonitors: monitor key "workspace-crash-loop" is defined twice');
    await expect(syncMonitors(config, { ...d, scope: "Prod Cluster" })).rejects.toThrow("syncMonitors: scope must be lowercase letters");
    expect(dd.requests).toEqual([]);
  });
});

describe("platformMonitorDefinitions", () => {
  it("covers the workspaces and each platform service, scoped to the cluster", () => {
    const d = platformMonitorDefinitions({ clusterName: "c1", workspaceNamespacePrefix: "dev-", postgres: false });
    expect(d.scope).toBe("c1");
    expect(d.monitors.map((m) => m.key)).toEqual(["workspace-crash-loop", "workspace-oom-killed", "workspace-pending", "authelia-unavailable", "traefik-unavailable"]);
    for (const m of d.monitors) expect(m.monitor.query).toContain("kube_cluster_name:c1");
    expect(d.monitors[0]!.monitor.query).toContain("kube_namespace:dev-*");
    expect(d.dashboards).toHaveLength(1);
  });
});

describe("differences", () => {
  it("ignores what Datadog adds, compares tags as sets and names the paths that differ", () => {
    expect(differences({ a: 1, o: { x: [1, 2] } }, { a: 1, extra: true, o: { x: [1, 2], y: 3 } })).toEqual([]);
    expect(differences({ tags: ["b", "a"] }, { tags: ["a", "b"] })).toEqual([]);
    expect(differences({ a: 1, o: { x: [1, 2] }, tags: ["a"] }, { a: 2, o: { x: [1] }, tags: ["a", "b"] })).toEqual(["a", "o.x", "tags"]);
  });
});
