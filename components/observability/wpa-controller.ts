/**
 * The Watermark Pod Autoscaler: its CRD (vendored verbatim, see crds/README.md) and its controller, as plain
 * Kubernetes objects.
 *
 * Why not a chart: the datadog chart only lets the Cluster Agent *read* WatermarkPodAutoscalers (to serve their
 * external metrics, `clusterAgent.metricsProvider.wpaController`); the controller that actually scales workloads is
 * a separate program whose Helm chart is not published in any chart repository (DataDog/helm-charts#1485), and no
 * published chart carries the CRD. Without the controller every WPA would be inert, so we deploy it ourselves,
 * mirroring the upstream chart (chart/watermarkpodautoscaler at v0.11.0) with a restricted security context.
 */
import * as path from "node:path";
import { App, Chart } from "cdk8s";
import { k8s } from "../kubernetes/k8s-api";
import { parse } from "yaml";
import { imageRef, observabilityVersions } from "../versions";
import type { KubernetesObject } from "../kubernetes/register";
import { WPA_CRD_YAML } from "./crds/watermarkpodautoscalers";

/**
 * Vendored CRD file (same bytes as upstream v0.11.0). Read by tests only: at run time the CRD comes from
 * {@link WPA_CRD_YAML}, generated from this file, which the compiled package carries.
 */
export const WPA_CRD_FILE = path.join(__dirname, "crds", "datadoghq.com_watermarkpodautoscalers.yaml");

/** Name of the WatermarkPodAutoscaler CRD. */
export const WPA_CRD_NAME = "watermarkpodautoscalers.datadoghq.com";

/** The WatermarkPodAutoscaler CustomResourceDefinition, parsed from the vendored file. */
export function wpaCrdObject(): KubernetesObject {
  const crd = parse(WPA_CRD_YAML) as KubernetesObject;
  if (crd.kind !== "CustomResourceDefinition" || crd.metadata.name !== WPA_CRD_NAME) {
    throw new Error(`crds/watermarkpodautoscalers.ts: expected the ${WPA_CRD_NAME} CustomResourceDefinition`);
  }
  return crd;
}

/** Fixed names of the controller's objects. */
export const WPA_CONTROLLER_NAME = "watermarkpodautoscaler";

/** Settings of {@link buildWpaControllerManifests}. */
export interface WpaControllerProps {
  /** Namespace the controller runs in (it watches every namespace). */
  readonly namespace: string;
  /** Controller image. Default: `observabilityVersions.wpaController`. */
  readonly image?: string;
  /** Extra labels on every object. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The controller: ServiceAccount, cluster-wide and namespaced RBAC, and its Deployment. */
export function buildWpaControllerManifests(p: WpaControllerProps): KubernetesObject[] {
  const app = new App();
  const chart = new Chart(app, "wpa-controller", { disableResourceNameHashes: true });
  const name = WPA_CONTROLLER_NAME;
  const selector = { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name };
  const labels = { ...(p.labels ?? {}), ...selector, "app.kubernetes.io/component": "autoscaler-controller" };
  const meta = { name, namespace: p.namespace, labels };
  const scaleSubresources = ["deployments/scale", "replicasets/scale", "replicationcontrollers/scale", "statefulsets/scale"];

  new k8s.KubeServiceAccount(chart, "service-account", { metadata: meta });

  // The same rules as the upstream chart, minus OpenShift's deploymentconfigs (not a platform we run on).
  new k8s.KubeClusterRole(chart, "cluster-role", {
    metadata: { name, labels },
    rules: [
      { apiGroups: ["apps", "extensions"], resources: scaleSubresources, verbs: ["get", "update"] },
      { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
      { apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"] },
      { apiGroups: ["apps", "extensions"], resources: ["deployments/finalizers"], resourceNames: ["watermarkpodautoscalers"], verbs: ["update"] },
      { apiGroups: ["datadoghq.com"], resources: ["watermarkpodautoscalers", "watermarkpodautoscalers/status"], verbs: ["*"] },
      // Resource metrics (metrics-server) and external metrics (the Datadog Cluster Agent).
      { apiGroups: ["metrics.k8s.io", "external.metrics.k8s.io"], resources: ["*"], verbs: ["get", "list", "watch"] },
    ],
  });
  new k8s.KubeClusterRoleBinding(chart, "cluster-role-binding", {
    metadata: { name, labels },
    subjects: [{ kind: "ServiceAccount", name, namespace: p.namespace }],
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
  });
  // Leader election: one active controller even while a rollout briefly runs two pods.
  new k8s.KubeRole(chart, "role", {
    metadata: meta,
    rules: [
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: ["watermarkpodautoscaler-lock"], verbs: ["get", "update"] },
      { apiGroups: [""], resources: ["events"], verbs: ["create"] },
    ],
  });
  new k8s.KubeRoleBinding(chart, "role-binding", {
    metadata: meta,
    subjects: [{ kind: "ServiceAccount", name, namespace: p.namespace }],
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
  });

  const q = (v: string) => k8s.Quantity.fromString(v);
  new k8s.KubeDeployment(chart, "deployment", {
    metadata: meta,
    spec: {
      replicas: 1,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: { ...labels },
          annotations: {
            // The controller's own Prometheus metrics (wpa_controller_*), as the upstream chart collects them.
            [`ad.datadoghq.com/${name}.checks`]: JSON.stringify({
              openmetrics: { instances: [{ openmetrics_endpoint: "http://%%host%%:8383/metrics", namespace: "watermarkpodautoscaler", metrics: ["wpa", "wpa_controller.*"] }] },
            }),
          },
        },
        spec: {
          serviceAccountName: name,
          enableServiceLinks: false,
          // The image runs as uid 1001 (its Dockerfile); restricted Pod Security fits it.
          securityContext: { runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name,
              image: p.image ?? imageRef(observabilityVersions.wpaController),
              imagePullPolicy: "IfNotPresent",
              args: ["--loglevel=info", "--enable-leader-election=true"],
              env: [
                // Empty: watch WatermarkPodAutoscalers in every namespace (they live next to their workloads).
                { name: "WATCH_NAMESPACE", value: "" },
                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              ],
              ports: [
                { name: "metrics", containerPort: 8383, protocol: "TCP" },
                { name: "health", containerPort: 9440, protocol: "TCP" },
              ],
              livenessProbe: { httpGet: { path: "/healthz", port: k8s.IntOrString.fromString("health") }, periodSeconds: 10, initialDelaySeconds: 5 },
              // Upstream's config/manager numbers.
              resources: { requests: { cpu: q("100m"), memory: q("100Mi") }, limits: { cpu: q("100m"), memory: q("500Mi") } },
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
              },
            },
          ],
          terminationGracePeriodSeconds: 10,
        },
      },
    },
  });
  return chart.toJson() as KubernetesObject[];
}
