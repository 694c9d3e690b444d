/**
 * The Kubernetes objects of one person's workspace, authored with cdk8s (the typed Kubernetes 1.34 API that
 * cdk8s-plus-34 ships) and returned as plain JSON. Pure: no Pulumi here, so the same objects can be unit-tested,
 * rendered, policy-checked, and registered one by one as Pulumi resources by {@link CodeServerWorkspace}.
 */
import { k8s } from "../kubernetes/k8s-api";
import { dnsEgressRule } from "../kubernetes/network";
import type { WorkspaceTier } from "./tiers";
import { podSecurityLabels } from "../kubernetes/namespace";
import { idleAnnotations, idleCullerWorkspaceObjects } from "../idle/idle-culler";

/** The uid/gid of the `coder` user in the code-server image; the pod runs as it (no root, no fixuid). */
export const CODE_SERVER_UID = 1000;
/** code-server's listening port inside the pod. */
export const CODE_SERVER_PORT = 8080;

/** Key of the AI assistant's Secret that holds the API key. */
export const AI_ASSISTANT_SECRET_KEY = "api-key";

/** Fixed names of the objects inside a workspace namespace (the namespace itself carries the user). */
export const WORKSPACE_OBJECT_NAMES = {
  serviceAccount: "workspace",
  homeVolume: "home",
  deployment: "code-server",
  service: "code-server",
  ingress: "code-server",
  tlsSecret: "code-server-tls",
  forwardAuth: "forward-auth",
  aiAssistant: "ai-assistant",
  denyAll: "default-deny-all",
  allowIngress: "allow-ingress-controller",
  allowEgress: "allow-dns-and-internet",
  quota: "workspace-quota",
  limits: "workspace-limits",
} as const;

/**
 * Address ranges a workspace may never reach: private (RFC 1918) ranges, where pod and service networks live,
 * carrier-grade NAT, loopback and link-local — the latter includes 169.254.169.254, the cloud metadata service.
 */
export const DEFAULT_BLOCKED_IPV4_RANGES: readonly string[] = [
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
];
/** IPv6 equivalents: unique-local (fc00::/7), link-local (fe80::/10) and loopback. */
export const DEFAULT_BLOCKED_IPV6_RANGES: readonly string[] = ["::1/128", "fc00::/7", "fe80::/10"];

/** Everything {@link buildWorkspaceManifests} needs; {@link CodeServerWorkspaceArgs} fills in the defaults. */
export interface WorkspaceManifestProps {
  readonly username: string;
  readonly email?: string;
  readonly namespace: string;
  readonly host: string;
  readonly enabled: boolean;
  readonly tier: WorkspaceTier;
  readonly tierName: string;
  readonly storage: string;
  readonly storageClassName?: string;
  readonly image: string;
  readonly idleTimeoutSeconds: number;
  readonly ingressClassName: string;
  readonly ingressControllerNamespace: string;
  readonly clusterIssuer: string;
  /** When set, a ForwardAuth Middleware pointing here is created inside the workspace namespace. */
  readonly forwardAuthAddress?: string;
  /** Traefik middleware reference (`<ns>-<name>@kubernetescrd`); defaults to the namespace's own Middleware. */
  readonly forwardAuthMiddlewareRef?: string;
  readonly blockedIpv4Ranges: readonly string[];
  readonly blockedIpv6Ranges: readonly string[];
  readonly dnsNamespace: string;
  readonly dnsPodLabels: Readonly<Record<string, string>>;
  /** Secret (in the workspace namespace) whose `api-key` becomes ANTHROPIC_API_KEY for the AI assistant; optional. */
  readonly aiAssistantSecretName: string;
  /** Stop the pod after this many idle seconds (the platform's idle culler); undefined = never. */
  readonly idleAfterSeconds?: number;
  /** Datadog unified service tags (labels of the Deployment and its pods); never part of the selector. */
  readonly telemetryLabels: Readonly<Record<string, string>>;
  /** Datadog log-collection and user-tag annotations of the pods. */
  readonly telemetryPodAnnotations: Readonly<Record<string, string>>;
}

/** Labels every workspace object carries; policies find workspace namespaces by `vibecode.dev/workspace`. */
export function workspaceLabels(username: string): Record<string, string> {
  return {
    "app.kubernetes.io/part-of": "vibecode",
    "app.kubernetes.io/managed-by": "pulumi",
    "vibecode.dev/workspace": "true",
    "vibecode.dev/user": username,
  };
}

/** Builds the workspace's objects in a stable order (namespace first). */
export function buildWorkspaceManifests(p: WorkspaceManifestProps): Record<string, unknown>[] {
  // Each object from its typed class's `manifest()`: the same typed props and JSON as a construct in a Chart,
  // without a construct tree to build and resolve per person (a fleet builds thousands of these).
  const objects: Record<string, unknown>[] = [];
  const names = WORKSPACE_OBJECT_NAMES;
  const labels = workspaceLabels(p.username);
  const meta = (name: string) => ({ name, namespace: p.namespace, labels });
  const podLabels = {
    "app.kubernetes.io/name": "code-server",
    "app.kubernetes.io/instance": p.username,
  };
  const q = (v: string) => k8s.Quantity.fromString(v);

  objects.push(k8s.KubeNamespace.manifest({
    metadata: {
      name: p.namespace,
      // Enforce, audit and warn at `restricted`, so the API server itself refuses anything weaker.
      labels: { ...labels, ...podSecurityLabels("restricted") },
      annotations: p.email ? { "vibecode.dev/owner-email": p.email } : undefined,
    },
  }));

  // The workspace talks to no Kubernetes API: no token is mounted, here or in the pod spec.
  objects.push(k8s.KubeServiceAccount.manifest({
    metadata: meta(names.serviceAccount),
    automountServiceAccountToken: false,
  }));

  objects.push(k8s.KubePersistentVolumeClaim.manifest({
    metadata: { ...meta(names.homeVolume), annotations: { "vibecode.dev/data": "home directory of " + p.username } },
    spec: {
      accessModes: ["ReadWriteOnce"],
      storageClassName: p.storageClassName,
      resources: { requests: { storage: q(p.storage) } },
    },
  }));

  const probe = (failureThreshold: number, periodSeconds: number) => ({
    httpGet: { path: "/healthz", port: k8s.IntOrString.fromString("http") },
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  });

  objects.push(k8s.KubeDeployment.manifest({
    metadata: {
      ...meta(names.deployment),
      labels: { ...labels, ...podLabels, ...p.telemetryLabels },
      annotations: p.idleAfterSeconds === undefined ? undefined : idleAnnotations(p.idleAfterSeconds),
    },
    spec: {
      // Suspended users keep everything but the running pod.
      replicas: p.enabled ? 1 : 0,
      // One ReadWriteOnce volume: the old pod must be gone before the new one mounts it.
      strategy: { type: "Recreate" },
      revisionHistoryLimit: 3,
      selector: { matchLabels: podLabels },
      template: {
        metadata: {
          labels: { ...labels, ...podLabels, ...p.telemetryLabels, "vibecode.dev/tier": p.tierName },
          annotations: { ...p.telemetryPodAnnotations },
        },
        spec: {
          serviceAccountName: names.serviceAccount,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: CODE_SERVER_UID,
            runAsGroup: CODE_SERVER_UID,
            fsGroup: CODE_SERVER_UID,
            fsGroupChangePolicy: "OnRootMismatch",
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "code-server",
              image: p.image,
              imagePullPolicy: "IfNotPresent",
              args: [
                `--bind-addr=0.0.0.0:${CODE_SERVER_PORT}`,
                // Authentication is the platform's single sign-on in front of the Ingress.
                "--auth=none",
                "--disable-telemetry",
                "--disable-update-check",
                `--idle-timeout-seconds=${p.idleTimeoutSeconds}`,
              ],
              // The AI assistant's key arrives at run time from a Secret, never baked into the image; absent = no key.
              env: [{ name: "ANTHROPIC_API_KEY", valueFrom: { secretKeyRef: { name: p.aiAssistantSecretName, key: AI_ASSISTANT_SECRET_KEY, optional: true } } }],
              ports: [{ name: "http", containerPort: CODE_SERVER_PORT, protocol: "TCP" }],
              resources: {
                requests: { cpu: q(p.tier.cpuRequest), memory: q(p.tier.memoryRequest) },
                limits: { cpu: q(p.tier.cpuLimit), memory: q(p.tier.memoryLimit) },
              },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: CODE_SERVER_UID,
                runAsGroup: CODE_SERVER_UID,
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
              },
              startupProbe: probe(30, 5),
              readinessProbe: probe(3, 10),
              livenessProbe: probe(6, 20),
              volumeMounts: [
                { name: "home", mountPath: "/home/coder" },
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
          ],
          volumes: [
            { name: "home", persistentVolumeClaim: { claimName: names.homeVolume } },
            { name: "tmp", emptyDir: { sizeLimit: q("2Gi") } },
          ],
        },
      },
    },
  }));

  objects.push(k8s.KubeService.manifest({
    metadata: meta(names.service),
    spec: {
      type: "ClusterIP",
      selector: podLabels,
      ports: [{ name: "http", port: 80, targetPort: k8s.IntOrString.fromString("http"), protocol: "TCP" }],
    },
  }));

  // A suspended user has no route at all (and so no certificate and no auth hook).
  if (p.enabled) {
    if (p.forwardAuthAddress !== undefined && p.forwardAuthMiddlewareRef === undefined) {
      // One ForwardAuth Middleware per workspace namespace: no cross-namespace reference for Traefik to allow.
      objects.push({
        apiVersion: "traefik.io/v1alpha1",
        kind: "Middleware",
        metadata: meta(names.forwardAuth),
        spec: {
          forwardAuth: {
            address: p.forwardAuthAddress,
            trustForwardHeader: false,
            authResponseHeaders: ["Remote-User", "Remote-Groups", "Remote-Name", "Remote-Email"],
          },
        },
      });
    }
    const middlewareRef = p.forwardAuthMiddlewareRef ?? `${p.namespace}-${names.forwardAuth}@kubernetescrd`;
    objects.push(k8s.KubeIngress.manifest({
      metadata: {
        ...meta(names.ingress),
        annotations: {
          "cert-manager.io/cluster-issuer": p.clusterIssuer,
          "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
          "traefik.ingress.kubernetes.io/router.tls": "true",
          "traefik.ingress.kubernetes.io/router.middlewares": middlewareRef,
        },
      },
      spec: {
        ingressClassName: p.ingressClassName,
        tls: [{ hosts: [p.host], secretName: names.tlsSecret }],
        rules: [
          {
            host: p.host,
            http: {
              paths: [
                {
                  path: "/",
                  pathType: "Prefix",
                  backend: { service: { name: names.service, port: { name: "http" } } },
                },
              ],
            },
          },
        ],
      },
    }));
  }

  objects.push(k8s.KubeNetworkPolicy.manifest({
    metadata: meta(names.denyAll),
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  }));
  objects.push(k8s.KubeNetworkPolicy.manifest({
    metadata: meta(names.allowIngress),
    spec: {
      podSelector: { matchLabels: podLabels },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { "kubernetes.io/metadata.name": p.ingressControllerNamespace },
              },
            },
          ],
          ports: [{ protocol: "TCP", port: k8s.IntOrString.fromNumber(CODE_SERVER_PORT) }],
        },
      ],
    },
  }));
  objects.push(k8s.KubeNetworkPolicy.manifest({
    metadata: meta(names.allowEgress),
    spec: {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        dnsEgressRule(p.dnsNamespace, p.dnsPodLabels),
        {
          // The internet, but no cluster, node, private or metadata address.
          to: [
            { ipBlock: { cidr: "0.0.0.0/0", except: [...p.blockedIpv4Ranges] } },
            { ipBlock: { cidr: "::/0", except: [...p.blockedIpv6Ranges] } },
          ],
        },
      ],
    },
  }));

  // The quota is exactly one workspace pod and its volume: nothing else can be scheduled or claimed here.
  objects.push(k8s.KubeResourceQuota.manifest({
    metadata: meta(names.quota),
    spec: {
      hard: {
        "requests.cpu": q(p.tier.cpuRequest),
        "requests.memory": q(p.tier.memoryRequest),
        "limits.cpu": q(p.tier.cpuLimit),
        "limits.memory": q(p.tier.memoryLimit),
        "requests.storage": q(p.storage),
        persistentvolumeclaims: q("1"),
        pods: q("2"),
        services: q("1"),
        "services.loadbalancers": q("0"),
        "services.nodeports": q("0"),
      },
    },
  }));
  objects.push(k8s.KubeLimitRange.manifest({
    metadata: meta(names.limits),
    spec: {
      limits: [
        {
          type: "Container",
          default: { cpu: q(p.tier.cpuLimit), memory: q(p.tier.memoryLimit) },
          defaultRequest: { cpu: q(p.tier.cpuRequest), memory: q(p.tier.memoryRequest) },
          max: { cpu: q(p.tier.cpuLimit), memory: q(p.tier.memoryLimit) },
        },
        { type: "PersistentVolumeClaim", max: { storage: q(p.storage) } },
      ],
    },
  }));

  // With idle culling, the culler may read and scale this workspace (a RoleBinding) and reach its /healthz.
  if (p.idleAfterSeconds !== undefined) objects.push(...idleCullerWorkspaceObjects({ namespace: p.namespace, podLabels, labels }));
  return objects;
}
