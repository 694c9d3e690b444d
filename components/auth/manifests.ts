/**
 * The Kubernetes objects of the platform's single sign-on (Authelia), authored with cdk8s (the typed Kubernetes 1.34
 * API of cdk8s-plus-34) and returned as plain JSON. Pure: no Pulumi, no secret values — the two Secrets come out as
 * skeletons (metadata only) and {@link Authelia} fills in their data from Pulumi secrets.
 *
 * Users database and reloads. Authelia's `watch: true` watches the file's DIRECTORY and reloads only on a write or
 * create event whose file name equals the database's (v4.39.20 `internal/service/file_watcher.go`). A Secret volume
 * never produces such an event: the kubelet swaps a hidden `..data` symlink and leaves the visible
 * `users_database.yml` symlink alone (`pkg/volume/util/atomic_writer.go`), with or without subPath. So the Secret is
 * mounted as a directory (never subPath) into a small sidecar (`users-sync`, the same Authelia image, whose base
 * ships busybox) that copies the file into a shared emptyDir whenever it differs — by write-to-temp and rename, which
 * is the create event Authelia reloads on. Adding a user therefore changes only the users Secret: no pod restart.
 */
import { App, Chart } from "cdk8s";
import { k8s } from "../kubernetes/k8s-api";
import { dnsEgressRule } from "../kubernetes/network";
import { AUTHELIA_PORT, AUTHELIA_SECRET_FILE_ENV } from "./configuration";

/** Fixed names of the objects in the Authelia namespace. */
export const AUTHELIA_OBJECT_NAMES = {
  serviceAccount: "authelia",
  configMap: "authelia-config",
  secrets: "authelia-secrets",
  usersDatabase: "authelia-users",
  deployment: "authelia",
  service: "authelia",
  ingress: "authelia",
  tlsSecret: "authelia-tls",
  podDisruptionBudget: "authelia",
  denyAll: "default-deny-all",
  allowIngress: "allow-ingress-controller",
  allowDns: "allow-dns",
  allowPostgres: "allow-postgres",
  allowRedis: "allow-redis",
  allowSmtp: "allow-smtp",
} as const;

/** Labels of the Authelia pods: Postgres' and Redis' NetworkPolicies admit exactly these (in Authelia's namespace). */
export const AUTHELIA_POD_LABELS: Readonly<Record<string, string>> = Object.freeze({
  "app.kubernetes.io/name": "authelia",
  "app.kubernetes.io/instance": "authelia",
});

/** Where things are inside the pod. */
export const AUTHELIA_PATHS = {
  configDir: "/config",
  configFile: "/config/configuration.yml",
  secretsDir: "/run/secrets/authelia",
  usersSourceDir: "/run/authelia/users-source",
  usersDir: "/run/authelia/users",
  usersFileName: "users_database.yml",
  usersFile: "/run/authelia/users/users_database.yml",
  dataDir: "/data",
  notificationFile: "/data/notification.txt",
} as const;

/** Keys of the `authelia-secrets` Secret (one file each under {@link AUTHELIA_PATHS.secretsDir}). */
export const AUTHELIA_SECRET_KEYS = {
  sessionSecret: "SESSION_SECRET",
  storageEncryptionKey: "STORAGE_ENCRYPTION_KEY",
  resetPasswordJwtSecret: "RESET_PASSWORD_JWT_SECRET",
  postgresPassword: "STORAGE_POSTGRES_PASSWORD",
  redisPassword: "SESSION_REDIS_PASSWORD",
  smtpPassword: "NOTIFIER_SMTP_PASSWORD",
} as const;

/** The pod runs as `nobody`; the image needs no particular user when it is not root (its entrypoint then execs authelia). */
export const AUTHELIA_UID = 65534;

/** The annotation on the pod template carrying the configuration's checksum. */
export const CONFIG_CHECKSUM_ANNOTATION = "vibecode.dev/config-checksum";

/** How egress to a data service is allowed: its pods (namespace + labels) or, for an external service, CIDRs. */
export interface EgressPeer {
  port: number;
  namespace?: string;
  podLabels?: Readonly<Record<string, string>>;
  cidrs?: readonly string[];
}

/** CPU/memory of one container. */
export interface ContainerResources {
  cpuRequest: string;
  memoryRequest: string;
  cpuLimit: string;
  memoryLimit: string;
}

/** Everything {@link buildAutheliaManifests} needs; {@link Authelia} fills in the defaults. */
export interface AutheliaManifestProps {
  namespace: string;
  portalHost: string;
  replicas: number;
  image: string;
  /** The YAML text of `configuration.yml` (no secrets in it). */
  configurationYaml: string;
  /** SHA-256 of `configurationYaml`, put on the pod template. */
  configChecksum: string;
  /** SMTP port for the egress policy; undefined = no SMTP (filesystem notifier). */
  smtpPort?: number;
  /** Whether the SMTP password file is provided. */
  smtpPassword: boolean;
  ingressClassName: string;
  ingressControllerNamespace: string;
  clusterIssuer: string;
  postgres: EgressPeer;
  redis: EgressPeer;
  dnsNamespace: string;
  dnsPodLabels: Readonly<Record<string, string>>;
  resources: ContainerResources;
  sidecarResources: ContainerResources;
  nodeSelector?: Readonly<Record<string, string>>;
  /** Seconds between the sidecar's comparisons of the users Secret with Authelia's copy. */
  usersSyncIntervalSeconds: number;
}

/** Labels every Authelia object carries. */
export function autheliaLabels(): Record<string, string> {
  return {
    "app.kubernetes.io/part-of": "vibecode",
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/component": "sso",
    ...AUTHELIA_POD_LABELS,
  };
}

/** The `AUTHELIA_*_FILE` variables: each points at one key of the mounted `authelia-secrets` Secret. */
export function secretFileEnv(smtpPassword: boolean): { name: string; value: string }[] {
  const file = (key: string) => `${AUTHELIA_PATHS.secretsDir}/${key}`;
  const env: { name: string; value: string }[] = [
    { name: AUTHELIA_SECRET_FILE_ENV.sessionSecret, value: file(AUTHELIA_SECRET_KEYS.sessionSecret) },
    { name: AUTHELIA_SECRET_FILE_ENV.storageEncryptionKey, value: file(AUTHELIA_SECRET_KEYS.storageEncryptionKey) },
    { name: AUTHELIA_SECRET_FILE_ENV.resetPasswordJwtSecret, value: file(AUTHELIA_SECRET_KEYS.resetPasswordJwtSecret) },
    { name: AUTHELIA_SECRET_FILE_ENV.postgresPassword, value: file(AUTHELIA_SECRET_KEYS.postgresPassword) },
    { name: AUTHELIA_SECRET_FILE_ENV.redisPassword, value: file(AUTHELIA_SECRET_KEYS.redisPassword) },
  ];
  if (smtpPassword) env.push({ name: AUTHELIA_SECRET_FILE_ENV.smtpPassword, value: file(AUTHELIA_SECRET_KEYS.smtpPassword) });
  return env;
}

/**
 * The sidecar's loop (busybox sh): whenever the mounted Secret's file differs from Authelia's copy, write a temporary
 * file beside the copy and rename it over the copy — a create event for `users_database.yml`, which Authelia reloads on.
 */
export function usersSyncScript(intervalSeconds: number): string {
  const src = `${AUTHELIA_PATHS.usersSourceDir}/${AUTHELIA_PATHS.usersFileName}`;
  const dst = AUTHELIA_PATHS.usersFile;
  const tmp = `${AUTHELIA_PATHS.usersDir}/.${AUTHELIA_PATHS.usersFileName}.tmp`;
  return [
    "set -u",
    `src='${src}'; dst='${dst}'; tmp='${tmp}'`,
    "while :; do",
    '  if ! cmp -s "$src" "$dst"; then',
    '    if cp "$src" "$tmp" && mv -f "$tmp" "$dst"; then echo "users database updated"; else echo "users database copy failed" >&2; fi',
    "  fi",
    `  sleep ${intervalSeconds}`,
    "done",
  ].join("\n");
}

/** Builds Authelia's objects in a stable order (namespace first). */
export function buildAutheliaManifests(p: AutheliaManifestProps): Record<string, unknown>[] {
  const app = new App();
  const chart = new Chart(app, "authelia", { disableResourceNameHashes: true });
  const names = AUTHELIA_OBJECT_NAMES;
  const labels = autheliaLabels();
  const meta = (name: string) => ({ name, namespace: p.namespace, labels });
  const q = (v: string) => k8s.Quantity.fromString(v);
  const podLabels = { ...AUTHELIA_POD_LABELS };
  const resources = (r: ContainerResources) => ({
    requests: { cpu: q(r.cpuRequest), memory: q(r.memoryRequest) },
    limits: { cpu: q(r.cpuLimit), memory: q(r.memoryLimit) },
  });
  const containerSecurity = {
    runAsNonRoot: true,
    runAsUser: AUTHELIA_UID,
    runAsGroup: AUTHELIA_UID,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };

  new k8s.KubeNamespace(chart, "namespace", {
    metadata: {
      name: p.namespace,
      labels: {
        ...labels,
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
      },
    },
  });

  new k8s.KubeServiceAccount(chart, "service-account", {
    metadata: meta(names.serviceAccount),
    automountServiceAccountToken: false,
  });

  new k8s.KubeConfigMap(chart, "config", {
    metadata: meta(names.configMap),
    data: { "configuration.yml": p.configurationYaml },
  });

  // Skeletons: Authelia (the component) adds `stringData` from Pulumi secrets.
  new k8s.KubeSecret(chart, "secrets", { metadata: meta(names.secrets), type: "Opaque" });
  new k8s.KubeSecret(chart, "users", { metadata: meta(names.usersDatabase), type: "Opaque" });

  const probe = (failureThreshold: number, periodSeconds: number) => ({
    httpGet: { path: "/api/health", port: k8s.IntOrString.fromString("http") },
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold,
  });
  const spread = p.replicas > 1;

  new k8s.KubeDeployment(chart, "deployment", {
    metadata: { ...meta(names.deployment) },
    spec: {
      replicas: p.replicas,
      revisionHistoryLimit: 3,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
      selector: { matchLabels: podLabels },
      template: {
        metadata: {
          labels,
          // The configuration only: a changed configuration rolls the pods, a changed users database does not.
          annotations: { [CONFIG_CHECKSUM_ANNOTATION]: p.configChecksum },
        },
        spec: {
          serviceAccountName: names.serviceAccount,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          nodeSelector: p.nodeSelector ? { ...p.nodeSelector } : undefined,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: AUTHELIA_UID,
            runAsGroup: AUTHELIA_UID,
            fsGroup: AUTHELIA_UID,
            fsGroupChangePolicy: "OnRootMismatch",
            seccompProfile: { type: "RuntimeDefault" },
          },
          topologySpreadConstraints: spread
            ? [
                { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: podLabels } },
                { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: podLabels } },
              ]
            : undefined,
          initContainers: [
            {
              // A native sidecar (restartPolicy Always): it starts first, and Authelia starts only once its startup
              // probe has seen the first copy of the users database.
              name: "users-sync",
              image: p.image,
              imagePullPolicy: "IfNotPresent",
              restartPolicy: "Always",
              command: ["/bin/sh", "-c", usersSyncScript(p.usersSyncIntervalSeconds)],
              resources: resources(p.sidecarResources),
              securityContext: containerSecurity,
              startupProbe: {
                exec: { command: ["/bin/sh", "-c", `test -s ${AUTHELIA_PATHS.usersFile}`] },
                periodSeconds: 1,
                failureThreshold: 60,
              },
              volumeMounts: [
                { name: "users-source", mountPath: AUTHELIA_PATHS.usersSourceDir, readOnly: true },
                { name: "users", mountPath: AUTHELIA_PATHS.usersDir },
              ],
            },
          ],
          containers: [
            {
              name: "authelia",
              image: p.image,
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: "http", containerPort: AUTHELIA_PORT, protocol: "TCP" }],
              env: [{ name: "X_AUTHELIA_CONFIG", value: AUTHELIA_PATHS.configFile }, ...secretFileEnv(p.smtpPassword)],
              resources: resources(p.resources),
              securityContext: containerSecurity,
              startupProbe: probe(30, 2),
              readinessProbe: probe(3, 10),
              livenessProbe: probe(6, 20),
              volumeMounts: [
                { name: "config", mountPath: AUTHELIA_PATHS.configDir, readOnly: true },
                { name: "secrets", mountPath: AUTHELIA_PATHS.secretsDir, readOnly: true },
                { name: "users", mountPath: AUTHELIA_PATHS.usersDir },
                { name: "data", mountPath: AUTHELIA_PATHS.dataDir },
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
          ],
          volumes: [
            { name: "config", configMap: { name: names.configMap, defaultMode: 0o444 } },
            { name: "secrets", secret: { secretName: names.secrets, defaultMode: 0o440 } },
            // A directory mount (no subPath), so the kubelet keeps it current; see the module comment.
            { name: "users-source", secret: { secretName: names.usersDatabase, defaultMode: 0o440 } },
            { name: "users", emptyDir: { medium: "Memory", sizeLimit: q("16Mi") } },
            { name: "data", emptyDir: { sizeLimit: q("64Mi") } },
            { name: "tmp", emptyDir: { sizeLimit: q("64Mi") } },
          ],
        },
      },
    },
  });

  if (p.replicas > 1) {
    new k8s.KubePodDisruptionBudget(chart, "pdb", {
      metadata: meta(names.podDisruptionBudget),
      spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: podLabels } },
    });
  }

  new k8s.KubeService(chart, "service", {
    metadata: meta(names.service),
    spec: {
      type: "ClusterIP",
      selector: podLabels,
      ports: [{ name: "http", port: 80, targetPort: k8s.IntOrString.fromString("http"), protocol: "TCP" }],
    },
  });

  new k8s.KubeIngress(chart, "ingress", {
    metadata: {
      ...meta(names.ingress),
      annotations: {
        "cert-manager.io/cluster-issuer": p.clusterIssuer,
        "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
        "traefik.ingress.kubernetes.io/router.tls": "true",
        // The login portal itself: no forward-auth in front of it (the policy checker exempts this annotation).
        "vibecode.dev/portal": "true",
      },
    },
    spec: {
      ingressClassName: p.ingressClassName,
      tls: [{ hosts: [p.portalHost], secretName: names.tlsSecret }],
      rules: [
        {
          host: p.portalHost,
          http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: names.service, port: { name: "http" } } } }] },
        },
      ],
    },
  });

  new k8s.KubeNetworkPolicy(chart, "deny-all", {
    metadata: meta(names.denyAll),
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  });
  new k8s.KubeNetworkPolicy(chart, "allow-ingress", {
    metadata: meta(names.allowIngress),
    spec: {
      podSelector: { matchLabels: podLabels },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.ingressControllerNamespace } } }],
          ports: [{ protocol: "TCP", port: k8s.IntOrString.fromNumber(AUTHELIA_PORT) }],
        },
      ],
    },
  });
  new k8s.KubeNetworkPolicy(chart, "allow-dns", {
    metadata: meta(names.allowDns),
    spec: {
      podSelector: { matchLabels: podLabels },
      policyTypes: ["Egress"],
      egress: [
        dnsEgressRule(p.dnsNamespace, p.dnsPodLabels),
      ],
    },
  });
  const egressTo = (id: string, name: string, peer: EgressPeer) =>
    new k8s.KubeNetworkPolicy(chart, id, {
      metadata: meta(name),
      spec: {
        podSelector: { matchLabels: podLabels },
        policyTypes: ["Egress"],
        egress: [
          {
            to: peer.cidrs && peer.cidrs.length > 0
              ? peer.cidrs.map((cidr) => ({ ipBlock: { cidr } }))
              : [
                  {
                    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace! } },
                    podSelector: { matchLabels: { ...peer.podLabels! } },
                  },
                ],
            ports: [{ protocol: "TCP", port: k8s.IntOrString.fromNumber(peer.port) }],
          },
        ],
      },
    });
  egressTo("allow-postgres", names.allowPostgres, p.postgres);
  egressTo("allow-redis", names.allowRedis, p.redis);
  if (p.smtpPort !== undefined) {
    new k8s.KubeNetworkPolicy(chart, "allow-smtp", {
      metadata: meta(names.allowSmtp),
      spec: {
        podSelector: { matchLabels: podLabels },
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }],
            ports: [{ protocol: "TCP", port: k8s.IntOrString.fromNumber(p.smtpPort) }],
          },
        ],
      },
    });
  }

  return chart.toJson() as Record<string, unknown>[];
}
