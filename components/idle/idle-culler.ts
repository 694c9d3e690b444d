/**
 * Suspend-on-idle that keeps data: ONE platform-level CronJob (the "idle culler") scales a workspace's code-server
 * Deployment to 0 replicas once code-server's heartbeat (`/healthz` → `lastHeartbeat`) is older than the
 * workspace's threshold. Nothing is deleted: namespace, home volume, Service and Ingress stay.
 *
 * Pure builders returning plain Kubernetes objects (no Pulumi), like `components/workspace/manifests.ts`:
 * - {@link buildIdleCullerManifests}: the platform side (namespace, ServiceAccount, RBAC, script, CronJob, policy);
 * - {@link idleCullerWorkspaceObjects}: what each workspace namespace adds (RoleBinding + NetworkPolicy);
 * - {@link idleAnnotations}: the per-tier threshold, as an annotation on the workspace Deployment.
 *
 * RBAC cannot select namespaces by label. The limit is made by binding: the ClusterRole only DEFINES the
 * permissions (get/list deployments and pods, patch `deployments/scale` of the one Deployment named `code-server`);
 * it is granted per workspace namespace by a RoleBinding that the workspace itself creates, so the culler has no
 * power in any namespace that is not a workspace. The only cluster-wide grant is `list namespaces` (to find the
 * labelled ones). A namespace that carries the label but has no RoleBinding is simply skipped (403 logged).
 *
 * Resume: see components/idle/README.md. The culler only scales; it does not touch the users file.
 */
import { podSecurityLabels } from "../kubernetes/namespace";
import { imageRef, workspaceImageVersions } from "../versions";
import { CULL_SCRIPT } from "./cull-script";

/** Annotation on the workspace Deployment: idle seconds after which the culler scales it to 0. */
export const IDLE_AFTER_ANNOTATION = "vibecode.dev/idle-after-seconds";
/** Label every workspace namespace carries (components/workspace/manifests.ts `workspaceLabels`). */
export const WORKSPACE_NAMESPACE_LABEL = "vibecode.dev/workspace";

/** Fixed names of the culler's objects. */
export const IDLE_CULLER_NAMES = {
  serviceAccount: "idle-culler",
  /** Per-workspace permissions, granted by RoleBindings in workspace namespaces. */
  workspaceRole: "vibecode-idle-culler",
  /** Cluster-wide: list namespaces only. */
  namespaceReaderRole: "vibecode-idle-culler-namespaces",
  script: "idle-culler-script",
  cronJob: "idle-culler",
  networkPolicy: "idle-culler",
  /** Name of the RoleBinding and NetworkPolicy each workspace namespace adds. */
  workspaceBinding: "idle-culler",
  workspaceNetworkPolicy: "allow-idle-culler",
} as const;

/** Labels of the culler's pods (what workspace NetworkPolicies admit). */
export const IDLE_CULLER_POD_LABELS: Readonly<Record<string, string>> = {
  "app.kubernetes.io/name": "idle-culler",
  "app.kubernetes.io/part-of": "vibecode",
};

/** Settings of the culler. Plain serializable values. */
export interface IdleCullerProps {
  /** Namespace of the culler. Default `vibecode-system`. */
  namespace?: string;
  /** Create that namespace (Pod Security `restricted`). Default `true`. */
  createNamespace?: boolean;
  /** Cron schedule. Default every 5 minutes. */
  schedule?: string;
  /** Only log what would be scaled. Default `false`. */
  dryRun?: boolean;
  /** Image running the script. Default: the pinned Python image of components/versions.ts. */
  image?: string;
  /** Workspace Deployment and Service names (components/workspace). Defaults `code-server`. */
  deploymentName?: string;
  serviceName?: string;
  /** Port of the workspace Service (80; the pod listens on 8080). Default 80. */
  servicePort?: number;
  /** code-server's container port, for the NetworkPolicies. Default 8080. */
  containerPort?: number;
  /** Namespace and labels of the cluster DNS pods. Defaults `kube-system`, `{ k8s-app: kube-dns }`. */
  dnsNamespace?: string;
  dnsPodLabels?: Record<string, string>;
}

type Obj = Record<string, unknown>;

const restrictedContainerSecurity = {
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** The annotation that sets a workspace's idle threshold (put it on the code-server Deployment). */
export function idleAnnotations(idleAfterSeconds: number): Record<string, string> {
  if (!Number.isInteger(idleAfterSeconds) || idleAfterSeconds < 300) {
    throw new Error(`idleAfterSeconds must be an integer of at least 300, got ${idleAfterSeconds}`);
  }
  return { [IDLE_AFTER_ANNOTATION]: String(idleAfterSeconds) };
}

/** The platform side of the idle culler, in apply order. */
export function buildIdleCullerManifests(props: IdleCullerProps = {}): Obj[] {
  const ns = props.namespace ?? "vibecode-system";
  const names = IDLE_CULLER_NAMES;
  const labels = { "app.kubernetes.io/part-of": "vibecode", "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/component": "idle-culler" };
  const containerPort = props.containerPort ?? 8080;
  const out: Obj[] = [];
  if (props.createNamespace ?? true) {
    out.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { ...labels, ...podSecurityLabels("restricted") } } });
  }
  out.push({
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: names.serviceAccount, namespace: ns, labels },
    automountServiceAccountToken: false,
  });
  out.push({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: names.namespaceReaderRole, labels },
    rules: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["list"] }],
  });
  out.push({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: names.namespaceReaderRole, labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: names.namespaceReaderRole },
    subjects: [{ kind: "ServiceAccount", name: names.serviceAccount, namespace: ns }],
  });
  // Defines, but grants nothing by itself: see idleCullerWorkspaceObjects.
  const deployment = props.deploymentName ?? "code-server";
  out.push({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: names.workspaceRole, labels },
    rules: [
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list"] },
      // resourceNames cannot narrow `list`, but it does narrow `patch`: only the workspace Deployment's scale.
      { apiGroups: ["apps"], resources: ["deployments/scale"], resourceNames: [deployment], verbs: ["patch"] },
      // Container start time, when code-server has had no heartbeat yet.
      { apiGroups: [""], resources: ["pods"], verbs: ["list"] },
    ],
  });
  out.push({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: names.script, namespace: ns, labels },
    data: { "cull.py": CULL_SCRIPT },
  });
  out.push({
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: names.cronJob, namespace: ns, labels },
    spec: {
      schedule: props.schedule ?? "*/5 * * * *",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 120,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        spec: {
          backoffLimit: 0,
          activeDeadlineSeconds: 240,
          ttlSecondsAfterFinished: 3600,
          template: {
            metadata: { labels: { ...labels, ...IDLE_CULLER_POD_LABELS } },
            spec: {
              serviceAccountName: names.serviceAccount,
              // The only pod here that talks to the API server; the ServiceAccount itself mounts nothing.
              automountServiceAccountToken: true,
              enableServiceLinks: false,
              restartPolicy: "Never",
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 65532,
                runAsGroup: 65532,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [
                {
                  name: "idle-culler",
                  image: props.image ?? imageRef(workspaceImageVersions.idleCullerPython),
                  imagePullPolicy: "IfNotPresent",
                  command: ["python3", "/scripts/cull.py"],
                  env: [
                    { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
                    { name: "PYTHONUNBUFFERED", value: "1" },
                    { name: "WORKSPACE_NAMESPACE_SELECTOR", value: `${WORKSPACE_NAMESPACE_LABEL}=true` },
                    { name: "IDLE_ANNOTATION", value: IDLE_AFTER_ANNOTATION },
                    { name: "DEPLOYMENT_NAME", value: deployment },
                    { name: "SERVICE_NAME", value: props.serviceName ?? "code-server" },
                    { name: "SERVICE_PORT", value: String(props.servicePort ?? 80) },
                    { name: "DRY_RUN", value: props.dryRun ? "true" : "false" },
                  ],
                  resources: {
                    requests: { cpu: "20m", memory: "32Mi" },
                    limits: { cpu: "200m", memory: "128Mi" },
                  },
                  securityContext: restrictedContainerSecurity,
                  volumeMounts: [{ name: "script", mountPath: "/scripts", readOnly: true }],
                },
              ],
              volumes: [{ name: "script", configMap: { name: names.script, defaultMode: 0o444 } }],
            },
          },
        },
      },
    },
  });
  // The culler's own egress: DNS, the API server, and code-server (pod port) in workspace namespaces. Nothing in.
  out.push({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: names.networkPolicy, namespace: ns, labels },
    spec: {
      podSelector: { matchLabels: { ...IDLE_CULLER_POD_LABELS } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": props.dnsNamespace ?? "kube-system" } },
              podSelector: { matchLabels: { ...(props.dnsPodLabels ?? { "k8s-app": "kube-dns" }) } },
            },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
        {
          to: [
            {
              namespaceSelector: { matchLabels: { [WORKSPACE_NAMESPACE_LABEL]: "true" } },
              podSelector: { matchLabels: { "app.kubernetes.io/name": "code-server" } },
            },
          ],
          ports: [{ protocol: "TCP", port: containerPort }],
        },
        // The API server is not a pod on most clusters, so it cannot be selected: allow its usual ports.
        { ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 6443 }] },
      ],
    },
  });
  return out;
}

/** Settings of {@link idleCullerWorkspaceObjects}. */
export interface IdleCullerWorkspaceProps {
  /** The workspace namespace. */
  namespace: string;
  /** Namespace of the culler. Default `vibecode-system`. */
  cullerNamespace?: string;
  /** code-server's container port. Default 8080. */
  containerPort?: number;
  /** Labels of the code-server pods (the workspace Deployment's selector). */
  podLabels: Record<string, string>;
  /** Labels for the two objects. Default none. */
  labels?: Record<string, string>;
}

/** What one workspace namespace adds so the culler may read and scale it: RoleBinding + NetworkPolicy. */
export function idleCullerWorkspaceObjects(p: IdleCullerWorkspaceProps): Obj[] {
  const cullerNs = p.cullerNamespace ?? "vibecode-system";
  const names = IDLE_CULLER_NAMES;
  const labels = p.labels ?? {};
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: names.workspaceBinding, namespace: p.namespace, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: names.workspaceRole },
      subjects: [{ kind: "ServiceAccount", name: names.serviceAccount, namespace: cullerNs }],
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: names.workspaceNetworkPolicy, namespace: p.namespace, labels },
      spec: {
        podSelector: { matchLabels: { ...p.podLabels } },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": cullerNs } },
                podSelector: { matchLabels: { ...IDLE_CULLER_POD_LABELS } },
              },
            ],
            ports: [{ protocol: "TCP", port: p.containerPort ?? 8080 }],
          },
        ],
      },
    },
  ];
}
