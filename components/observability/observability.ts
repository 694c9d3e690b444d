/**
 * The stack's entry point for observability: Datadog when `datadog:enabled` is true, and exactly one autoscaler per
 * autoscaled workload — the kind `datadog:autoscaler` chooses while Datadog is on, a standard HPA while it is off.
 */
import * as pulumi from "@pulumi/pulumi";
import { Autoscaler, type AutoscalerKind } from "./autoscaler";
import { Datadog } from "./datadog";
import { datadogClusterName, datadogEnv, type AutoscalerChoice, type DatadogConfig } from "./datadog-config";

/** One workload to autoscale. */
export interface AutoscaledWorkload {
  /** Workload kind: `Deployment` or `StatefulSet`. */
  kind: string;
  /** Workload name, e.g. `traefik` or `authelia`. */
  name: string;
  /** Workload namespace. */
  namespace: string;
  /** Fewest replicas (>= 1). */
  minReplicas: number;
  /** Most replicas. */
  maxReplicas: number;
  /** HPA/DPA target CPU utilization in percent of requests. Default 70. */
  cpuUtilization?: number;
  /** Labels of the workload's pods. Required when the autoscaler is a WPA (its metric selector). */
  podLabels?: Record<string, string>;
  /** The pod's total CPU request, e.g. `55m`. Required when the autoscaler is a WPA (watermarks derive from it). */
  podCpuRequest?: string;
}

/** Options of {@link buildObservability}: the usual component options plus the workloads to autoscale. */
export type ObservabilityOptions = pulumi.ComponentResourceOptions & {
  autoscaled: AutoscaledWorkload[];
  /** Stack name for the default cluster name (`vibecode-<stack>`) and `env` tag. Default `pulumi.getStack()`. */
  stack?: string;
};

/** What {@link buildObservability} created. */
export interface Observability {
  /** The Datadog component; undefined when Datadog is disabled. */
  datadog?: Datadog;
  /** One per autoscaled workload, keyed `<namespace>/<name>`. */
  autoscalers: Map<string, Autoscaler>;
  /** The autoscaler kind every workload got. */
  autoscalerKind: AutoscalerKind;
}

const KIND_OF_CHOICE: Readonly<Record<AutoscalerChoice, AutoscalerKind>> = { wpa: "watermark", dpa: "datadog", hpa: "hpa" };

/**
 * Creates the Datadog component (when enabled) and one {@link Autoscaler} per workload in `opts.autoscaled`.
 * `opts` (providers, dependsOn, …) is passed on to every component created.
 *
 * @throws Error when a workload is listed twice (two autoscalers on one workload fight over its replicas).
 */
export function buildObservability(config: DatadogConfig, opts: ObservabilityOptions): Observability {
  const { autoscaled, stack: stackOption, ...componentOpts } = opts;
  const seen = new Set<string>();
  for (const w of autoscaled) {
    const id = `${w.namespace}/${w.kind}/${w.name}`;
    if (seen.has(id)) throw new Error(`buildObservability: ${w.kind} ${w.namespace}/${w.name} is listed twice; a workload gets exactly one autoscaler`);
    seen.add(id);
  }

  const kind = config.enabled ? KIND_OF_CHOICE[config.autoscaler] : "hpa";
  let datadog: Datadog | undefined;
  if (config.enabled) {
    const stack = stackOption ?? pulumi.getStack();
    datadog = new Datadog(
      "datadog",
      {
        apiKey: config.apiKey,
        appKey: config.appKey,
        site: config.site,
        clusterName: datadogClusterName(config, stack),
        env: datadogEnv(config, stack),
        // Only what the chosen autoscaler needs: the WPA controller and CRD, or Datadog's workload autoscaling.
        watermarkPodAutoscaler: kind === "watermark",
        workloadAutoscaling: kind === "datadog",
        kubeletTlsVerify: config.kubeletTlsVerify,
      },
      componentOpts,
    );
  }

  const autoscalers = new Map<string, Autoscaler>();
  for (const w of autoscaled) {
    const dependsOn = [...asList(componentOpts.dependsOn), ...(kind === "hpa" ? [] : datadog!.crdResources)];
    autoscalers.set(
      `${w.namespace}/${w.name}`,
      new Autoscaler(
        `autoscaler-${w.namespace}-${w.name}`,
        {
          kind,
          targetKind: w.kind,
          targetName: w.name,
          namespace: w.namespace,
          minReplicas: w.minReplicas,
          maxReplicas: w.maxReplicas,
          cpuUtilization: w.cpuUtilization,
          podLabels: w.podLabels,
          podCpuRequest: w.podCpuRequest,
        },
        { ...componentOpts, dependsOn },
      ),
    );
  }
  return { datadog, autoscalers, autoscalerKind: kind };
}

function asList(d: pulumi.ComponentResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
  if (d === undefined) return [];
  return Array.isArray(d) ? d : [d as pulumi.Input<pulumi.Resource>];
}
