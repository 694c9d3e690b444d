/**
 * Datadog on the cluster: the node agent (DaemonSet) and the Cluster Agent from the official `datadog` Helm chart,
 * with the Cluster Agent's external metrics provider; optionally the Watermark Pod Autoscaler (CRD + controller) and
 * Datadog's workload autoscaling (DatadogPodAutoscaler).
 *
 * Secrets: the API and application keys go into one Kubernetes Secret (`api-key`, `app-key`) created here from
 * Pulumi secrets, and the chart only gets the Secret's *name* (`apiKeyExistingSecret`/`appKeyExistingSecret`). The
 * keys never appear in the chart values, which Helm stores in its release records and Pulumi shows in previews.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { observabilityVersions } from "../versions";
import { namespaceObject } from "../kubernetes/namespace";
import { registerKubernetesObjects } from "../kubernetes/register";
import { DATADOG_SITES } from "./datadog-config";
import { buildWpaControllerManifests, wpaCrdObject } from "./wpa-controller";

/** Arguments of {@link Datadog}. */
export interface DatadogArgs {
  /** Datadog API key. Stored only in the keys Secret, as a Pulumi secret. */
  apiKey: pulumi.Input<string>;
  /** Datadog application key (the Cluster Agent's metrics provider queries metrics with it). Stored like apiKey. */
  appKey: pulumi.Input<string>;
  /** Cluster name shown in Datadog. Required: it is part of every metric's tags and of the autoscalers' identity. */
  clusterName: string;
  /** Datadog site. Default `datadoghq.com`. */
  site?: string;
  /** `env` tag added to everything the agents send (unified service tagging). Default: none. */
  env?: string;
  /** Namespace, created here. Default `datadog`. */
  namespace?: string;
  /**
   * Install the WatermarkPodAutoscaler CRD and controller, and let the Cluster Agent serve WPAs' external metrics
   * (`clusterAgent.metricsProvider.wpaController`). Default `true`.
   */
  watermarkPodAutoscaler?: boolean;
  /**
   * Datadog workload autoscaling (`datadog.autoscaling.workload.enabled`): the Cluster Agent becomes the
   * DatadogPodAutoscaler controller and the chart installs that CRD. Needs Remote Configuration, which is turned on
   * with it. Default `false`.
   */
  workloadAutoscaling?: boolean;
  /** Verify the kubelets' serving certificates. Default `true`; KIND needs `false` (self-signed kubelet certificates). */
  kubeletTlsVerify?: boolean;
  /**
   * Collect the logs of every container. Default `false`: only containers whose pods carry an
   * `ad.datadoghq.com/<container>.logs` annotation (see telemetry.ts), so nothing is shipped by accident.
   */
  collectAllContainerLogs?: boolean;
  /** Cluster Agent replicas (above 1: a PodDisruptionBudget). Default 1. */
  clusterAgentReplicas?: number;
}

/** Resolved settings of {@link Datadog}. */
export interface ResolvedDatadogArgs {
  clusterName: string;
  site: string;
  env?: string;
  namespace: string;
  watermarkPodAutoscaler: boolean;
  workloadAutoscaling: boolean;
  kubeletTlsVerify: boolean;
  collectAllContainerLogs: boolean;
  clusterAgentReplicas: number;
}

/** Name of the Secret holding the keys (keys `api-key` and `app-key`, as the chart expects). */
export const DATADOG_KEYS_SECRET = "datadog-keys";
/** Name of the Helm release (and prefix of the chart's objects). */
export const DATADOG_RELEASE = "datadog";

/** Defaults and runtime checks of {@link DatadogArgs} (without the keys). */
export function resolveDatadogArgs(args: Omit<DatadogArgs, "apiKey" | "appKey">): ResolvedDatadogArgs {
  const site = args.site ?? "datadoghq.com";
  if (!(DATADOG_SITES as readonly string[]).includes(site)) throw new Error(`Datadog: site must be one of ${DATADOG_SITES.join(", ")}, got "${site}"`);
  if (!/^[a-z]([a-z0-9.-]{0,78}[a-z0-9])?$/.test(args.clusterName ?? "")) {
    throw new Error(`Datadog: clusterName must be lowercase letters, digits, '-' or '.' (at most 80), got ${JSON.stringify(args.clusterName)}`);
  }
  const replicas = args.clusterAgentReplicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) throw new Error(`Datadog: clusterAgentReplicas must be 1-5, got ${replicas}`);
  return {
    clusterName: args.clusterName,
    site,
    env: args.env,
    namespace: args.namespace ?? "datadog",
    watermarkPodAutoscaler: args.watermarkPodAutoscaler ?? true,
    workloadAutoscaling: args.workloadAutoscaling ?? false,
    kubeletTlsVerify: args.kubeletTlsVerify ?? true,
    collectAllContainerLogs: args.collectAllContainerLogs ?? false,
    clusterAgentReplicas: replicas,
  };
}

/**
 * Helm values of the datadog chart. No secret in here: the keys are referenced by Secret name.
 * Every value is one the chart (3.240.0) documents in its values.yaml.
 */
export function datadogValues(a: ResolvedDatadogArgs): Record<string, unknown> {
  return {
    datadog: {
      apiKeyExistingSecret: DATADOG_KEYS_SECRET,
      appKeyExistingSecret: DATADOG_KEYS_SECRET,
      site: a.site,
      clusterName: a.clusterName,
      tags: a.env ? [`env:${a.env}`] : [],
      kubelet: { tlsVerify: a.kubeletTlsVerify },
      // kubernetes_state.* metrics, which the monitors (monitors.ts) query.
      kubeStateMetricsCore: { enabled: true },
      logs: { enabled: true, containerCollectAll: a.collectAllContainerLogs, containerCollectUsingFiles: true },
      // Explicit `false` (not just unset) also keeps the chart's datadog-crds dependency out when DPA is off.
      autoscaling: { workload: { enabled: a.workloadAutoscaling } },
      // The chart enables the Datadog Operator sub-chart by default (for a migration path we do not use): it would add
      // a second controller and its own CRDs. The agents here are managed by this chart alone.
      operator: { enabled: false },
    },
    clusterAgent: {
      enabled: true,
      replicas: a.clusterAgentReplicas,
      pdb: { create: a.clusterAgentReplicas > 1 },
      metricsProvider: {
        enabled: true,
        // Needs the WPA CRD to exist when the Cluster Agent starts: the release depends on it (see Datadog).
        wpaController: a.watermarkPodAutoscaler,
        useDatadogMetrics: false,
      },
    },
    // Workload autoscaling receives its recommendations through Remote Configuration (the chart refuses otherwise).
    // Off otherwise: Remote Configuration lets changes made in Datadog's UI reach the agents, and this platform's
    // configuration is code.
    remoteConfiguration: { enabled: a.workloadAutoscaling },
  };
}

/**
 * The Datadog agents. Autoscalers must be registered after {@link Datadog.crdResources} (WPA/DPA CRDs).
 */
export class Datadog extends pulumi.ComponentResource {
  /** Namespace of the agents. */
  public readonly namespace: string;
  /** The Helm release. */
  public readonly release: k8s.helm.v3.Release;
  /**
   * Resources that install the autoscaler CRDs: the WPA CRD (when enabled) and the release (whose `datadog-crds`
   * dependency installs the DPA CRD when workload autoscaling is on). Autoscaler objects depend on these.
   */
  public readonly crdResources: pulumi.Resource[];
  /** Resolved settings. */
  public readonly settings: ResolvedDatadogArgs;

  constructor(name: string, args: DatadogArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vibecode:observability:Datadog", name, {}, opts);
    const a = resolveDatadogArgs(args);
    this.settings = a;
    this.namespace = a.namespace;
    const child = { parent: this, dependsOn: opts?.dependsOn };
    const labels = { "app.kubernetes.io/part-of": "vibecode" };

    // Pod Security `privileged`: the node agent needs what every lower level forbids — hostPath mounts of
    // /var/log/pods, /proc, the cgroup tree and the container runtime socket, and host PID/network lookups — to see
    // the node's containers, their logs and metrics. Nothing else the platform runs lives in this namespace but the
    // Cluster Agent and the WPA controller, which run unprivileged.
    const [ns] = registerKubernetesObjects(name, [namespaceObject(a.namespace, "privileged", labels)], child).values();

    const toBase64 = (v: string) => Buffer.from(v, "utf8").toString("base64");
    const keys = new k8s.core.v1.Secret(
      `${name}:Secret/${a.namespace}/${DATADOG_KEYS_SECRET}`,
      {
        metadata: { name: DATADOG_KEYS_SECRET, namespace: a.namespace, labels },
        type: "Opaque",
        // Wrapped again here so the keys stay secret whatever Input the caller passed.
        data: {
          "api-key": pulumi.secret(pulumi.output(args.apiKey).apply(toBase64)),
          "app-key": pulumi.secret(pulumi.output(args.appKey).apply(toBase64)),
        },
      },
      { parent: this, dependsOn: [ns!] },
    );

    const crdResources: pulumi.Resource[] = [];
    if (a.watermarkPodAutoscaler) {
      const crdObject = wpaCrdObject();
      const crd = new k8s.apiextensions.v1.CustomResourceDefinition(
        `${name}:CustomResourceDefinition/${crdObject.metadata.name}`,
        crdObject as unknown as k8s.apiextensions.v1.CustomResourceDefinitionArgs,
        child,
      );
      crdResources.push(crd);
      registerKubernetesObjects(name, buildWpaControllerManifests({ namespace: a.namespace, labels }), { parent: this, dependsOn: [ns!, crd] });
    }

    this.release = new k8s.helm.v3.Release(
      `${name}:datadog`,
      {
        name: DATADOG_RELEASE,
        namespace: a.namespace,
        chart: observabilityVersions.datadogChart.chart,
        version: observabilityVersions.datadogChart.version,
        repositoryOpts: { repo: observabilityVersions.datadogChart.repo },
        values: datadogValues(a),
        cleanupOnFail: true,
      },
      // The agents read the keys Secret at start, and the Cluster Agent's WPA informer needs the WPA CRD.
      { parent: this, dependsOn: [ns!, keys, ...crdResources] },
    );
    if (a.workloadAutoscaling) crdResources.push(this.release);
    this.crdResources = crdResources;
    this.registerOutputs({});
  }
}
