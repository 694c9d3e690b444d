import { runUnderMocks } from "../../scripts/render/mock-runtime";
import { sharedSchemasAvailable, validateKubernetesObjects } from "../../test/support/schema-validation";
import { Autoscaler, buildAutoscalerObject, resolveAutoscalerArgs, type AutoscalerArgs } from "./autoscaler";

const traefik = {
  targetName: "traefik",
  namespace: "traefik",
  minReplicas: 2,
  maxReplicas: 6,
  podLabels: { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-traefik" },
  podCpuRequest: "50m",
};
const object = (args: AutoscalerArgs) => buildAutoscalerObject(resolveAutoscalerArgs("test", args)) as any;

beforeAll(() => {
  if (!sharedSchemasAvailable()) console.warn("../shared/schemas is absent: WatermarkPodAutoscaler and DatadogPodAutoscaler objects were not schema-checked");
});

describe("buildAutoscalerObject", () => {
  it("watermark: a WPA on per-pod CPU between watermarks derived from the request, with the pods' selector", () => {
    const wpa = object({ ...traefik, kind: "watermark" });
    expect(wpa).toEqual({
      apiVersion: "datadoghq.com/v1alpha1",
      kind: "WatermarkPodAutoscaler",
      metadata: { name: "traefik", namespace: "traefik", labels: { "app.kubernetes.io/part-of": "vibecode", "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/component": "autoscaler" } },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "traefik" },
        minReplicas: 2,
        maxReplicas: 6,
        algorithm: "average",
        tolerance: "0.1",
        metrics: [{ type: "Resource", resource: { name: "cpu", highWatermark: "40m", lowWatermark: "25m", metricSelector: { matchLabels: traefik.podLabels } } }],
        upscaleForbiddenWindowSeconds: 60,
        downscaleForbiddenWindowSeconds: 300,
      },
    });
    expect(validateKubernetesObjects([wpa])).toEqual([]);
    if (sharedSchemasAvailable()) {
      // The check is live: a fraction as a number (not a quantity string) and a misspelt field are refused.
      const broken = { ...wpa, spec: { ...wpa.spec, tolerance: 0.1, minReplica: 1 } };
      expect(validateKubernetesObjects([broken]).map((p) => p.path).sort()).toEqual(["/spec/minReplica", "/spec/tolerance"]);
    }
  });

  it("watermark: explicit watermarks, tolerance and windows win", () => {
    const wpa = object({ ...traefik, kind: "watermark", podCpuRequest: undefined, highWatermark: "300m", lowWatermark: "0.1", tolerance: 0.05, scaleUpWindowSeconds: 30, scaleDownWindowSeconds: 600 });
    expect(wpa.spec.metrics[0].resource).toMatchObject({ highWatermark: "300m", lowWatermark: "0.1" });
    expect(wpa.spec).toMatchObject({ tolerance: "0.05", upscaleForbiddenWindowSeconds: 30, downscaleForbiddenWindowSeconds: 600 });
    expect(validateKubernetesObjects([wpa])).toEqual([]);
  });

  it("datadog: a DPA owned locally, replicas only, aiming at a CPU utilization", () => {
    const dpa = object({ ...traefik, kind: "datadog", cpuUtilization: 65 });
    expect(dpa.apiVersion).toBe("datadoghq.com/v1alpha2");
    expect(dpa.kind).toBe("DatadogPodAutoscaler");
    expect(dpa.spec).toEqual({
      targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "traefik" },
      owner: "Local",
      applyPolicy: { mode: "Apply", scaleUp: { stabilizationWindowSeconds: 60 }, scaleDown: { stabilizationWindowSeconds: 300 }, update: { strategy: "Disabled" } },
      constraints: { minReplicas: 2, maxReplicas: 6 },
      objectives: [{ type: "PodResource", podResource: { name: "cpu", value: { type: "Utilization", utilization: 65 } } }],
    });
    expect(validateKubernetesObjects([dpa])).toEqual([]);
    expect(object({ ...traefik, kind: "datadog", verticalScaling: true }).spec.applyPolicy.update).toEqual({ strategy: "Auto" });
  });

  it("hpa: an autoscaling/v2 HPA on CPU utilization with stabilization windows", () => {
    const hpa = object({ targetName: "authelia", namespace: "authelia", minReplicas: 2, maxReplicas: 4, kind: "hpa" });
    expect(hpa).toMatchObject({
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "authelia", namespace: "authelia" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "authelia" },
        minReplicas: 2,
        maxReplicas: 4,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
        behavior: { scaleUp: { stabilizationWindowSeconds: 60 }, scaleDown: { stabilizationWindowSeconds: 300 } },
      },
    });
    expect(validateKubernetesObjects([hpa])).toEqual([]);
  });

  it("scales StatefulSets too", () => {
    expect(object({ ...traefik, kind: "hpa", targetKind: "StatefulSet" }).spec.scaleTargetRef.kind).toBe("StatefulSet");
  });
});

describe("resolveAutoscalerArgs", () => {
  it.each([
    [{ kind: "vpa" }, 'Autoscaler test: kind must be one of watermark, datadog, hpa, got "vpa"'],
    [{ kind: "hpa", targetKind: "DaemonSet" }, 'Autoscaler test: targetKind must be one of Deployment, StatefulSet, got "DaemonSet"'],
    [{ kind: "hpa", minReplicas: 0 }, "Autoscaler test: minReplicas must be a whole number from 1 to 1000, got 0"],
    [{ kind: "hpa", minReplicas: 5, maxReplicas: 3 }, "Autoscaler test: maxReplicas 3 is below minReplicas 5"],
    [{ kind: "hpa", cpuUtilization: 120 }, "Autoscaler test: cpuUtilization must be a whole number from 1 to 100, got 120"],
    [{ kind: "hpa", scaleDownWindowSeconds: 7200 }, "Autoscaler test: scaleDownWindowSeconds must be a whole number from 1 to 3600, got 7200"],
    [{ kind: "hpa", namespace: "Traefik" }, 'Autoscaler test: namespace must be a Kubernetes object name, got "Traefik"'],
    [{ kind: "watermark", tolerance: 0 }, "Autoscaler test: tolerance must be above 0 and below 1, got 0"],
    [{ kind: "watermark", podLabels: {} }, "Autoscaler test: kind watermark needs podLabels"],
    [{ kind: "watermark", podCpuRequest: undefined }, "Autoscaler test: kind watermark needs podCpuRequest (the pod's total CPU request) or both highWatermark and lowWatermark"],
    [{ kind: "watermark", podCpuRequest: "50 m" }, 'Autoscaler test: podCpuRequest must be a CPU quantity such as 55m, got "50 m"'],
    [{ kind: "watermark", highWatermark: "20m", lowWatermark: "30m" }, "Autoscaler test: lowWatermark 30m must be below highWatermark 20m"],
    [{ kind: "watermark", lowWatermarkPercent: 90 }, "Autoscaler test: lowWatermark 45m must be below highWatermark 40m"],
  ])("refuses %j", (override, message) => {
    expect(() => resolveAutoscalerArgs("test", { ...traefik, ...(override as Partial<AutoscalerArgs>) } as AutoscalerArgs)).toThrow(message);
  });
});

describe("Autoscaler component", () => {
  it("registers exactly one object, after what it depends on", async () => {
    const { resources } = await runUnderMocks(
      () => {
        const { Namespace } = require("@pulumi/kubernetes/core/v1");
        const before = new Namespace("before", { metadata: { name: "x" } });
        new Autoscaler("as", { ...traefik, kind: "watermark" }, { dependsOn: [before] });
      },
      { project: "test", stack: "unit" },
    );
    const mine = resources.filter((r) => r.parent?.endsWith("::as"));
    expect(mine.map((r) => [r.type, r.name])).toEqual([["kubernetes:datadoghq.com/v1alpha1:WatermarkPodAutoscaler", "as:WatermarkPodAutoscaler/traefik/traefik"]]);
    expect(mine[0]!.dependsOn).toEqual([resources.find((r) => r.name === "before")!.urn]);
  });
});
