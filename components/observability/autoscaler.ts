/**
 * One autoscaler for one workload: a WatermarkPodAutoscaler (`datadoghq.com/v1alpha1`), a DatadogPodAutoscaler
 * (`datadoghq.com/v1alpha2`, `owner: Local`) or a standard `autoscaling/v2` HorizontalPodAutoscaler — exactly one
 * object, never two: autoscalers pointed at the same workload fight over its replica count.
 *
 * All three scale on CPU, so switching kind keeps the behaviour comparable:
 * - HPA and DPA aim at a CPU utilization (percent of the pods' CPU requests).
 * - The WPA keeps the pods' average CPU usage between a low and a high watermark. WPA resource watermarks are
 *   absolute (CPU per pod, e.g. `40m`), not percentages, so they are derived from the pod's CPU request unless given.
 */
import * as pulumi from "@pulumi/pulumi";
import { ApiObject, App, Chart } from "cdk8s";
import { k8s } from "../kubernetes/k8s-api";
import { isQuantity, parseQuantity } from "../kubernetes/quantity";
import { registerKubernetesObjects, type KubernetesObject } from "../kubernetes/register";

/** Autoscaler kinds, as {@link AutoscalerArgs.kind} spells them. */
export const AUTOSCALER_KINDS = ["watermark", "datadog", "hpa"] as const;
export type AutoscalerKind = (typeof AUTOSCALER_KINDS)[number];

/** Workload kinds all three autoscalers can scale (they have a `scale` subresource). */
const TARGET_KINDS = ["Deployment", "StatefulSet"];

/** Arguments of {@link Autoscaler}. Plain strings and numbers, so the component is usable from other languages. */
export interface AutoscalerArgs {
  /** `watermark` (WatermarkPodAutoscaler), `datadog` (DatadogPodAutoscaler) or `hpa`. Required. */
  kind: string;
  /** Kind of the scaled workload: `Deployment` or `StatefulSet`. Default `Deployment`. */
  targetKind?: string;
  /** Name of the scaled workload. Required. */
  targetName: string;
  /** Namespace of the workload; the autoscaler lives next to it. Required. */
  namespace: string;
  /** Name of the autoscaler object. Default: the workload's name. */
  name?: string;
  /** Fewest replicas (>= 1). Required. */
  minReplicas: number;
  /** Most replicas (>= minReplicas). Required. */
  maxReplicas: number;
  /** HPA / DPA: target CPU utilization, percent of the pods' CPU requests (1-100). Default 70. */
  cpuUtilization?: number;
  /**
   * WPA: labels of the workload's pods. Required for `watermark`: the WPA reads CPU of the pods its selector matches,
   * and without one it matches no pod at all.
   */
  podLabels?: Record<string, string>;
  /** WPA: the pod's total CPU request (all containers), e.g. `55m`. Needed unless both watermarks are given. */
  podCpuRequest?: string;
  /** WPA: scale up above this average CPU per pod (a quantity, e.g. `45m`). Default: podCpuRequest × highWatermarkPercent. */
  highWatermark?: string;
  /** WPA: scale down below this average CPU per pod. Default: podCpuRequest × lowWatermarkPercent. */
  lowWatermark?: string;
  /** WPA: high watermark as percent of podCpuRequest. Default 80. */
  highWatermarkPercent?: number;
  /** WPA: low watermark as percent of podCpuRequest. Default 50. */
  lowWatermarkPercent?: number;
  /** WPA: fraction by which the value may leave the watermarks before scaling (0 < t < 1). Default 0.1 (upstream's). */
  tolerance?: number;
  /**
   * Seconds to wait before scaling up again (WPA `upscaleForbiddenWindowSeconds`; HPA/DPA scale-up stabilization
   * window). 1-3600. Default 60.
   */
  scaleUpWindowSeconds?: number;
  /** Seconds to wait before scaling down (WPA `downscaleForbiddenWindowSeconds`; HPA/DPA stabilization). 1-3600. Default 300. */
  scaleDownWindowSeconds?: number;
  /**
   * DPA: let Datadog also resize the containers' requests (vertical scaling, applied through rollouts). Default
   * `false`: replicas only, like the WPA and HPA it stands in for, and the container resources stay as declared.
   */
  verticalScaling?: boolean;
}

/** {@link AutoscalerArgs} with defaults applied and checked. */
export interface ResolvedAutoscalerArgs {
  kind: AutoscalerKind;
  targetKind: string;
  targetName: string;
  namespace: string;
  name: string;
  minReplicas: number;
  maxReplicas: number;
  cpuUtilization: number;
  podLabels?: Record<string, string>;
  highWatermark?: string;
  lowWatermark?: string;
  tolerance: number;
  scaleUpWindowSeconds: number;
  scaleDownWindowSeconds: number;
  verticalScaling: boolean;
}

/** Defaults and runtime checks of {@link AutoscalerArgs}; errors start with `Autoscaler <name>:`. */
export function resolveAutoscalerArgs(componentName: string, args: AutoscalerArgs): ResolvedAutoscalerArgs {
  const fail = (message: string): never => {
    throw new Error(`Autoscaler ${componentName}: ${message}`);
  };
  if (!(AUTOSCALER_KINDS as readonly string[]).includes(args.kind)) fail(`kind must be one of ${AUTOSCALER_KINDS.join(", ")}, got "${args.kind}"`);
  const kind = args.kind as AutoscalerKind;
  const targetKind = args.targetKind ?? "Deployment";
  if (!TARGET_KINDS.includes(targetKind)) fail(`targetKind must be one of ${TARGET_KINDS.join(", ")}, got "${targetKind}"`);
  const dnsName = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
  for (const [field, value] of [["targetName", args.targetName], ["namespace", args.namespace], ["name", args.name ?? args.targetName]] as const) {
    if (typeof value !== "string" || !dnsName.test(value) || value.length > 253) fail(`${field} must be a Kubernetes object name, got ${JSON.stringify(value)}`);
  }
  const int = (field: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) fail(`${field} must be a whole number from ${min} to ${max}, got ${v}`);
    return v;
  };
  int("minReplicas", args.minReplicas, 1, 1000);
  int("maxReplicas", args.maxReplicas, 1, 1000);
  if (args.maxReplicas < args.minReplicas) fail(`maxReplicas ${args.maxReplicas} is below minReplicas ${args.minReplicas}`);
  const cpuUtilization = int("cpuUtilization", args.cpuUtilization ?? 70, 1, 100);
  const scaleUpWindowSeconds = int("scaleUpWindowSeconds", args.scaleUpWindowSeconds ?? 60, 1, 3600);
  const scaleDownWindowSeconds = int("scaleDownWindowSeconds", args.scaleDownWindowSeconds ?? 300, 1, 3600);
  const tolerance = args.tolerance ?? 0.1;
  // 0 would be read by the controller as "unset" (and replaced by 10%); >= 1 would make a watermark meaningless.
  if (!(tolerance > 0 && tolerance < 1)) fail(`tolerance must be above 0 and below 1, got ${tolerance}`);

  const resolved: ResolvedAutoscalerArgs = {
    kind,
    targetKind,
    targetName: args.targetName,
    namespace: args.namespace,
    name: args.name ?? args.targetName,
    minReplicas: args.minReplicas,
    maxReplicas: args.maxReplicas,
    cpuUtilization,
    tolerance,
    scaleUpWindowSeconds,
    scaleDownWindowSeconds,
    verticalScaling: args.verticalScaling ?? false,
  };
  if (kind !== "watermark") return resolved;

  if (!args.podLabels || Object.keys(args.podLabels).length === 0) {
    fail("kind watermark needs podLabels (the labels of the workload's pods): the WPA's metric selector would match no pod");
  }
  let high = args.highWatermark;
  let low = args.lowWatermark;
  if (high === undefined || low === undefined) {
    if (args.podCpuRequest === undefined) fail("kind watermark needs podCpuRequest (the pod's total CPU request) or both highWatermark and lowWatermark");
    if (!isQuantity(args.podCpuRequest)) fail(`podCpuRequest must be a CPU quantity such as 55m, got ${JSON.stringify(args.podCpuRequest)}`);
    const request = parseQuantity(args.podCpuRequest!);
    const highPercent = int("highWatermarkPercent", args.highWatermarkPercent ?? 80, 1, 1000);
    const lowPercent = int("lowWatermarkPercent", args.lowWatermarkPercent ?? 50, 1, 1000);
    high ??= milliCores((request * highPercent) / 100);
    low ??= milliCores((request * lowPercent) / 100);
  }
  for (const [field, v] of [["highWatermark", high], ["lowWatermark", low]] as const) {
    if (!isQuantity(v) || parseQuantity(v!) <= 0) fail(`${field} must be a positive CPU quantity such as 40m, got ${JSON.stringify(v)}`);
  }
  if (parseQuantity(low!) >= parseQuantity(high!)) fail(`lowWatermark ${low} must be below highWatermark ${high}`);
  return { ...resolved, podLabels: { ...args.podLabels! }, highWatermark: high, lowWatermark: low };
}

/** Cores → a millicore quantity (the WPA compares in millis), at least 1m. */
function milliCores(cores: number): string {
  return `${Math.max(1, Math.round(cores * 1000))}m`;
}

/** apiVersion/kind of each autoscaler kind, for tests and for callers that look the object up. */
export const AUTOSCALER_TYPES: Readonly<Record<AutoscalerKind, { apiVersion: string; kind: string }>> = {
  watermark: { apiVersion: "datadoghq.com/v1alpha1", kind: "WatermarkPodAutoscaler" },
  datadog: { apiVersion: "datadoghq.com/v1alpha2", kind: "DatadogPodAutoscaler" },
  hpa: { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" },
};

/** Labels on every autoscaler object. */
const LABELS = { "app.kubernetes.io/part-of": "vibecode", "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/component": "autoscaler" };

/** The one autoscaler object for resolved args (cdk8s L1 constructs, returned as plain JSON). */
export function buildAutoscalerObject(a: ResolvedAutoscalerArgs): KubernetesObject {
  const app = new App();
  const chart = new Chart(app, "autoscaler", { disableResourceNameHashes: true });
  const metadata = { name: a.name, namespace: a.namespace, labels: { ...LABELS } };
  const target = { apiVersion: "apps/v1", kind: a.targetKind, name: a.targetName };

  switch (a.kind) {
    case "hpa":
      new k8s.KubeHorizontalPodAutoscalerV2(chart, "hpa", {
        metadata,
        spec: {
          scaleTargetRef: target,
          minReplicas: a.minReplicas,
          maxReplicas: a.maxReplicas,
          metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.cpuUtilization } } }],
          behavior: {
            scaleUp: { stabilizationWindowSeconds: a.scaleUpWindowSeconds },
            scaleDown: { stabilizationWindowSeconds: a.scaleDownWindowSeconds },
          },
        },
      });
      break;
    case "watermark":
      new ApiObject(chart, "wpa", {
        ...AUTOSCALER_TYPES.watermark,
        metadata,
        spec: {
          scaleTargetRef: target,
          minReplicas: a.minReplicas,
          maxReplicas: a.maxReplicas,
          // `average`: the pods' summed CPU divided by the ready pods, compared with per-pod watermarks. The default
          // `absolute` compares the *sum* with the watermarks, which suits pre-averaged external metrics only.
          algorithm: "average",
          tolerance: decimal(a.tolerance),
          metrics: [
            {
              type: "Resource",
              resource: { name: "cpu", highWatermark: a.highWatermark, lowWatermark: a.lowWatermark, metricSelector: { matchLabels: a.podLabels } },
            },
          ],
          upscaleForbiddenWindowSeconds: a.scaleUpWindowSeconds,
          downscaleForbiddenWindowSeconds: a.scaleDownWindowSeconds,
        },
      });
      break;
    case "datadog":
      new ApiObject(chart, "dpa", {
        ...AUTOSCALER_TYPES.datadog,
        metadata,
        spec: {
          targetRef: target,
          // Local: this object (hence Pulumi) is the source of truth; Remote would let the Datadog UI overwrite it.
          owner: "Local",
          applyPolicy: {
            mode: "Apply",
            scaleUp: { stabilizationWindowSeconds: a.scaleUpWindowSeconds },
            scaleDown: { stabilizationWindowSeconds: a.scaleDownWindowSeconds },
            update: { strategy: a.verticalScaling ? "Auto" : "Disabled" },
          },
          constraints: { minReplicas: a.minReplicas, maxReplicas: a.maxReplicas },
          objectives: [{ type: "PodResource", podResource: { name: "cpu", value: { type: "Utilization", utilization: a.cpuUtilization } } }],
        },
      });
      break;
  }
  const [object] = chart.toJson() as KubernetesObject[];
  return object!;
}

/** A fraction as a Kubernetes quantity string (`0.1`), at the controller's milli precision. */
function decimal(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

/**
 * Attaches one autoscaler to one workload. `opts.dependsOn` should include whatever installs the autoscaler's CRD
 * (`Datadog.crdResources`); the object is registered after it.
 */
export class Autoscaler extends pulumi.ComponentResource {
  /** The kind of autoscaler created. */
  public readonly kind: AutoscalerKind;
  /** The object, as registered (plain data). */
  public readonly object: KubernetesObject;

  constructor(name: string, args: AutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vibecode:observability:Autoscaler", name, {}, opts);
    const resolved = resolveAutoscalerArgs(name, args);
    this.kind = resolved.kind;
    this.object = buildAutoscalerObject(resolved);
    // dependsOn is passed on explicitly: a component's dependencies do not hold back its children by themselves.
    registerKubernetesObjects(name, [this.object], { parent: this, dependsOn: opts?.dependsOn });
    this.registerOutputs({});
  }
}
