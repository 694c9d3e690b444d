/**
 * Test support: a local stand-in for the parts of Datadog's v1 API that monitors.ts uses, on 127.0.0.1 and a
 * random port. It records every request as received (method, path, query, headers, JSON body), checks the
 * `DD-API-KEY` / `DD-APPLICATION-KEY` headers the way Datadog does (403 when wrong), and behaves like Datadog where
 * idempotency depends on it: it adds ids, timestamps, defaulted monitor options and widget ids to what it stores.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the stand-in received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body (undefined without one). */
  body: unknown;
}

type Json = Record<string, any>;

/** Options Datadog fills in on every monitor it stores (a subset of what it really adds). */
const DEFAULT_MONITOR_OPTIONS: Json = { notify_audit: false, silenced: {}, new_host_delay: 300, include_tags: true, require_full_window: true };

/** The stand-in server. */
export class DatadogStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly monitors = new Map<number, Json>();
  readonly dashboards = new Map<string, Json>();
  private server?: http.Server;
  private nextMonitorId = 1000;
  private nextDashboardId = 1;
  private nextWidgetId = 1;

  constructor(
    readonly apiKey: string,
    readonly appKey: string,
  ) {}

  /** `http://127.0.0.1:<port>`, once started. */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error("DatadogStandIn: not started");
    return `http://127.0.0.1:${address.port}`;
  }

  /** Requests other than reads (what a re-run must not send). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== "GET");
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://stand-in");
        const text = Buffer.concat(chunks).toString("utf8");
        const recorded: RecordedRequest = {
          method: req.method ?? "",
          path: url.pathname,
          query: Object.fromEntries(url.searchParams.entries()),
          headers: req.headers,
          body: text ? JSON.parse(text) : undefined,
        };
        this.requests.push(recorded);
        const [status, payload] = this.handle(recorded);
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      });
    });
    // Port 0: the OS picks a free port, so parallel test files never collide.
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private handle(r: RecordedRequest): [number, unknown] {
    const forbidden: [number, unknown] = [403, { errors: ["Forbidden"] }];
    if (r.headers["dd-api-key"] !== this.apiKey) return forbidden;
    if (r.method === "GET" && r.path === "/api/v1/validate") return [200, { valid: true }];
    if (r.headers["dd-application-key"] !== this.appKey) return forbidden;
    const body = r.body as Json;
    const now = "2026-11-01T00:00:00.000Z";

    let m: RegExpMatchArray | null;
    if (r.method === "GET" && r.path === "/api/v1/monitor") {
      const wanted = (r.query.monitor_tags ?? "").split(",").filter(Boolean);
      const all = [...this.monitors.values()].filter((x) => wanted.every((t) => (x.tags ?? []).includes(t)));
      if (r.query.page === undefined) return [200, all];
      const size = Number(r.query.page_size ?? 100);
      const page = Number(r.query.page);
      return [200, all.slice(page * size, (page + 1) * size)];
    }
    if (r.method === "POST" && r.path === "/api/v1/monitor") {
      const id = this.nextMonitorId++;
      const stored = { ...body, id, created: now, modified: now, overall_state: "No Data", multi: true, options: { ...DEFAULT_MONITOR_OPTIONS, ...(body.options ?? {}) } };
      this.monitors.set(id, stored);
      return [200, stored];
    }
    if ((m = r.path.match(/^\/api\/v1\/monitor\/(\d+)$/)) && r.method === "PUT") {
      const current = this.monitors.get(Number(m[1]));
      if (!current) return [404, { errors: ["Monitor not found"] }];
      const stored = { ...current, ...body, modified: now, options: { ...DEFAULT_MONITOR_OPTIONS, ...(body.options ?? current.options) } };
      this.monitors.set(current.id, stored);
      return [200, stored];
    }
    if (r.method === "GET" && r.path === "/api/v1/dashboard") {
      const start = Number(r.query.start ?? 0);
      const count = Number(r.query.count ?? 100);
      const summaries = [...this.dashboards.values()].map((d) => ({ id: d.id, title: d.title, description: d.description, layout_type: d.layout_type, url: d.url, created_at: now, modified_at: now }));
      return [200, { dashboards: summaries.slice(start, start + count) }];
    }
    if (r.method === "POST" && r.path === "/api/v1/dashboard") {
      const id = `abc-${String(this.nextDashboardId++).padStart(3, "0")}-xyz`;
      const stored = this.storeDashboard(id, body, now);
      return [200, stored];
    }
    if ((m = r.path.match(/^\/api\/v1\/dashboard\/([a-z0-9-]+)$/))) {
      const current = this.dashboards.get(m[1]!);
      if (!current) return [404, { errors: ["Dashboard not found"] }];
      if (r.method === "GET") return [200, current];
      if (r.method === "PUT") return [200, this.storeDashboard(current.id, body, now)];
    }
    return [404, { errors: [`stand-in: no route for ${r.method} ${r.path}`] }];
  }

  private storeDashboard(id: string, body: Json, now: string): Json {
    // Datadog gives every widget an id and returns the dashboard with bookkeeping fields.
    const widgets = (body.widgets ?? []).map((w: Json) => ({ ...w, id: this.nextWidgetId++ }));
    const stored = { ...body, widgets, id, url: `/dashboard/${id}`, author_handle: "ci@example.com", created_at: now, modified_at: now, reflow_type: "auto" };
    this.dashboards.set(id, stored);
    return stored;
  }
}
