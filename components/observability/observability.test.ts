import * as fs from "node:fs";
import * as path from "node:path";
import { AUTHELIA_POD_LABELS } from "../auth/manifests";
import { isSecretValue, runUnderMocks, type RecordedResource } from "../../scripts/render/mock-runtime";
import { maskSecrets } from "../../scripts/render/render";
import { SHARED_SCHEMAS_DIR, sharedSchemasAvailable, validateKubernetesObjects } from "../../test/support/schema-validation";
import { AUTOSCALER_TYPES } from "./autoscaler";
import { DATADOG_KEYS_SECRET } from "./datadog";
import { parseDatadogConfig } from "./datadog-config";
import { buildObservability, type AutoscaledWorkload } from "./observability";
import { WPA_CRD_YAML } from "./crds/watermarkpodautoscalers";
import { WPA_CRD_FILE, WPA_CRD_NAME } from "./wpa-controller";

/** Stand-ins for real keys: any appearance outside the keys Secret is a leak. */
const API_KEY = "SENTINEL-api-key-4f1c9a2e7b";
const APP_KEY = "SENTINEL-app-key-77b0c3d1e9";
const b64 = (s: string) => Buffer.from(s).toString("base64");
const SECRET_KEYS = ["datadog:apiKey", "datadog:appKey"];

/** The prod workloads the stack autoscales (Traefik from its chart, Authelia from components/auth). */
const WORKLOADS: AutoscaledWorkload[] = [
  {
    kind: "Deployment",
    name: "traefik",
    namespace: "traefik",
    minReplicas: 2,
    maxReplicas: 6,
    podLabels: { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-traefik" },
    podCpuRequest: "50m",
  },
  { kind: "Deployment", name: "authelia", namespace: "authelia", minReplicas: 2, maxReplicas: 4, podLabels: { ...AUTHELIA_POD_LABELS }, podCpuRequest: "55m" },
];

async function run(raw: Record<string, string>, workloads: AutoscaledWorkload[] = WORKLOADS): Promise<RecordedResource[]> {
  const { resources } = await runUnderMocks(
    () => buildObservability(parseDatadogConfig(raw, "Pulumi.prod.yaml", SECRET_KEYS), { autoscaled: workloads, stack: "prod" }),
    { project: "vibecode-platform", stack: "prod", config: raw, secretKeys: SECRET_KEYS },
  );
  return resources;
}
const enabled = (autoscaler: string) => ({ "datadog:enabled": "true", "datadog:apiKey": API_KEY, "datadog:appKey": APP_KEY, "datadog:autoscaler": autoscaler });

/** Inputs with Pulumi's secret wrapper removed, as the render writes manifests. */
function unwrap(v: unknown): unknown {
  if (isSecretValue(v)) return unwrap(v.value);
  if (Array.isArray(v)) return v.map(unwrap);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
  return v;
}
const kubernetesObjects = (rs: RecordedResource[]) =>
  rs.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/")).map((r) => unwrap(r.inputs) as any);
const autoscalerObjects = (rs: RecordedResource[]) =>
  kubernetesObjects(rs).filter((o) => Object.values(AUTOSCALER_TYPES).some((t) => t.apiVersion === o.apiVersion && t.kind === o.kind));
const release = (rs: RecordedResource[]) => rs.find((r) => r.type === "kubernetes:helm.sh/v3:Release")!;

beforeAll(() => {
  if (!sharedSchemasAvailable()) console.warn(`${SHARED_SCHEMAS_DIR} is absent: Datadog custom resources were not schema-checked`);
});

describe.each([
  ["wpa", "watermark"],
  ["dpa", "datadog"],
  ["hpa", "hpa"],
] as const)("Datadog enabled, autoscaler %s", (choice, kind) => {
  let rs: RecordedResource[];
  beforeAll(async () => {
    rs = await run(enabled(choice));
  });

  it("gives each autoscaled workload exactly one autoscaler, of the chosen kind, aimed at it", () => {
    const objects = autoscalerObjects(rs);
    expect(objects.map((o) => [o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name])).toEqual(
      WORKLOADS.map((w) => [AUTOSCALER_TYPES[kind].apiVersion, AUTOSCALER_TYPES[kind].kind, w.namespace, w.name]),
    );
    const targets = objects.map((o) => o.spec.scaleTargetRef ?? o.spec.targetRef);
    expect(targets).toEqual(WORKLOADS.map((w) => ({ apiVersion: "apps/v1", kind: "Deployment", name: w.name })));
  });

  it("renders objects that validate against the core API and ../shared/schemas CRDs", () => {
    // The WPA CRD itself is left out: the read-tracking validator flags every `description` inside a CRD's
    // openAPIV3Schema as unknown (a false positive); it is compared byte for byte with the shared copy instead.
    const objects = kubernetesObjects(rs).filter((o) => o.kind !== "CustomResourceDefinition");
    expect(validateKubernetesObjects(objects)).toEqual([]);
  });

  it("installs the pinned datadog chart with keys referenced by Secret name only", () => {
    const r = release(rs);
    expect([r.inputs.name, r.inputs.namespace, r.inputs.chart, r.inputs.version, (r.inputs.repositoryOpts as any).repo]).toEqual([
      "datadog",
      "datadog",
      "datadog",
      "3.240.0",
      "https://helm.datadoghq.com",
    ]);
    const v = r.inputs.values as any;
    expect(v.datadog).toMatchObject({
      apiKeyExistingSecret: DATADOG_KEYS_SECRET,
      appKeyExistingSecret: DATADOG_KEYS_SECRET,
      site: "datadoghq.com",
      clusterName: "vibecode-prod",
      tags: ["env:prod"],
      logs: { enabled: true, containerCollectAll: false },
      autoscaling: { workload: { enabled: kind === "datadog" } },
      operator: { enabled: false },
    });
    expect(v.datadog.apiKey).toBeUndefined();
    expect(v.datadog.appKey).toBeUndefined();
    expect(v.clusterAgent.metricsProvider).toEqual({ enabled: true, wpaController: kind === "watermark", useDatadogMetrics: false });
    expect(v.remoteConfiguration).toEqual({ enabled: kind === "datadog" });
  });

  it("keeps the keys in one Secret, as Pulumi secrets", () => {
    const secret = rs.find((r) => r.type === "kubernetes:core/v1:Secret")!;
    expect(unwrap(secret.inputs.metadata)).toMatchObject({ name: DATADOG_KEYS_SECRET, namespace: "datadog" });
    // The Kubernetes SDK wraps the whole `data` map as a secret (on top of our wrapping of each value).
    expect(isSecretValue(secret.inputs.data)).toBe(true);
    const data = unwrap(secret.inputs.data) as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(["api-key", "app-key"]);
    expect(Buffer.from(data["api-key"]!, "base64").toString()).toBe(API_KEY);
    expect(Buffer.from(data["app-key"]!, "base64").toString()).toBe(APP_KEY);
    // And the chart waits for it.
    expect(release(rs).dependsOn).toContain(secret.urn);
  });

  it("labels the agents' namespace privileged (the node agent mounts host paths)", () => {
    const ns = kubernetesObjects(rs).find((o) => o.kind === "Namespace");
    expect(ns.metadata.name).toBe("datadog");
    expect(ns.metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "privileged", "pod-security.kubernetes.io/warn": "privileged" });
  });

  it("installs an autoscaler's CRD before the autoscaler (WPA: vendored CRD and controller; DPA: the chart's datadog-crds)", () => {
    const crd = rs.find((r) => r.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition");
    const controller = kubernetesObjects(rs).find((o) => o.kind === "Deployment" && o.metadata.name === "watermarkpodautoscaler");
    const autoscalers = rs.filter((r) => r.type.endsWith(`:${AUTOSCALER_TYPES[kind].kind}`));
    expect(autoscalers).toHaveLength(WORKLOADS.length);
    if (kind === "watermark") {
      expect((crd!.inputs.metadata as any).name).toBe(WPA_CRD_NAME);
      expect(controller).toBeDefined();
      expect(release(rs).dependsOn).toContain(crd!.urn);
      for (const a of autoscalers) expect(a.dependsOn).toContain(crd!.urn);
    } else {
      expect(crd).toBeUndefined();
      expect(controller).toBeUndefined();
    }
    if (kind === "datadog") for (const a of autoscalers) expect(a.dependsOn).toContain(release(rs).urn);
    if (kind === "hpa") for (const a of autoscalers) expect(a.dependsOn).toEqual([]);
  });
});

describe("Datadog disabled (the dev default)", () => {
  let rs: RecordedResource[];
  beforeAll(async () => {
    rs = await run({});
  });

  it("renders no Datadog object, custom resource or CRD", () => {
    expect(rs.filter((r) => /datadog|helm\.sh|CustomResourceDefinition/i.test(r.type))).toEqual([]);
    expect(rs.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:autoscaling/"))).toEqual([]);
    expect(JSON.stringify(rs.map((r) => r.inputs))).not.toMatch(/datadoghq/);
  });

  it("lets standard HPAs take over, one per workload, valid against the core API", () => {
    const objects = autoscalerObjects(rs);
    expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      "autoscaling/v2 HorizontalPodAutoscaler traefik/traefik",
      "autoscaling/v2 HorizontalPodAutoscaler authelia/authelia",
    ]);
    expect(validateKubernetesObjects(objects)).toEqual([]);
  });

  it("ignores an autoscaler choice while off", async () => {
    const objects = autoscalerObjects(await run({ "datadog:autoscaler": "wpa" }));
    expect(objects.map((o) => o.kind)).toEqual(["HorizontalPodAutoscaler", "HorizontalPodAutoscaler"]);
  });
});

describe("the API key sentinel", () => {
  it.each(["wpa", "dpa", "hpa"])("appears in no input but the keys Secret's data, never in plain text, never in logs (%s)", async (choice) => {
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) => jest.spyOn(console, m).mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(" "))));
    let rs: RecordedResource[];
    try {
      rs = await run(enabled(choice));
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
    const needles = [API_KEY, APP_KEY, b64(API_KEY), b64(APP_KEY)];
    for (const r of rs) {
      // Masked as resources.json is written: nothing may remain.
      const masked = JSON.stringify(maskSecrets(r.type, r.inputs));
      for (const n of needles) expect(masked).not.toContain(n);
      if (r.type === "kubernetes:core/v1:Secret") continue;
      // Everything else must not hold the keys even unmasked (in any form).
      const raw = JSON.stringify(unwrap(r.inputs));
      for (const n of needles) expect(raw).not.toContain(n);
    }
    // Unmasked, the Secret holds the base64 only, never the key itself.
    const secret = JSON.stringify(unwrap(rs!.find((r) => r.type === "kubernetes:core/v1:Secret")!.inputs));
    expect(secret).toContain(b64(API_KEY));
    expect(secret).not.toContain(API_KEY);
    expect(logged.join("\n")).not.toMatch(/SENTINEL|U0VOVElORU/);
  });
});

describe("buildObservability", () => {
  it("refuses to put two autoscalers on one workload", async () => {
    await expect(run({}, [WORKLOADS[0]!, { ...WORKLOADS[0]!, maxReplicas: 9 }])).rejects.toThrow(
      "buildObservability: Deployment traefik/traefik is listed twice; a workload gets exactly one autoscaler",
    );
  });

  it("needs pod labels and CPU request for a WPA", async () => {
    await expect(run(enabled("wpa"), [{ kind: "Deployment", name: "traefik", namespace: "traefik", minReplicas: 1, maxReplicas: 2 }])).rejects.toThrow(
      "Autoscaler autoscaler-traefik-traefik: kind watermark needs podLabels",
    );
  });
});

describe("vendored WatermarkPodAutoscaler CRD", () => {
  it("ships in the module generated from the vendored file (run crds/generate.js after replacing the file)", () => {
    expect(WPA_CRD_YAML).toBe(fs.readFileSync(WPA_CRD_FILE, "utf8"));
  });

  it("is the release the shared schemas describe, byte for byte", () => {
    const shared = path.join(SHARED_SCHEMAS_DIR, "datadog", "datadoghq.com_watermarkpodautoscalers.yaml");
    if (!fs.existsSync(shared)) {
      console.warn(`${shared} is absent: the vendored CRD was not compared`);
      return;
    }
    expect(fs.readFileSync(WPA_CRD_FILE, "utf8")).toBe(fs.readFileSync(shared, "utf8"));
  });
});
