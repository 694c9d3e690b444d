/**
 * The Kubernetes objects of the platform's PostgreSQL, authored with cdk8s and returned as plain JSON. Pure: no
 * Pulumi and no secret values here — the Secrets are created by {@link Postgres} itself, from Pulumi secrets, and
 * these objects only reference them by name.
 *
 * Two shapes:
 * - {@link buildPostgresStatefulSetManifests}: one pod of the official image (dev);
 * - {@link buildCloudNativePgManifests}: a CloudNativePG `Cluster` of N instances spread over nodes (prod).
 */
import { ApiObject, App, Chart } from "cdk8s";
import { k8s } from "../kubernetes/k8s-api";
import { dnsEgressRule } from "../kubernetes/network";
import type { KubernetesObject } from "../kubernetes/register";
import {
  addClientOnlyNetworkPolicies,
  containerSecurityContext,
  dataLabels,
  dataPodSelector,
  podSecurityContext,
  type DataResources,
} from "./common";

/** PostgreSQL's port. */
export const POSTGRES_PORT = 5432;
/** uid/gid of the `postgres` user in the official Debian image (and of CloudNativePG's operand images). */
export const POSTGRES_UID = 999;
/** Port of CloudNativePG's instance manager (status, probes): the operator must reach it. */
export const CNPG_STATUS_PORT = 8000;

/** Where the statefulset pod mounts things. */
export const POSTGRES_PATHS = {
  /** The one data mount: the 18+ image expects a single volume here and keeps PGDATA in a subdirectory. */
  dataMount: "/var/lib/postgresql",
  /** Application credentials (`username`, `password`). */
  appCredentials: "/etc/postgres/app",
  /** Superuser credentials (`password` only is read). */
  superuserCredentials: "/etc/postgres/superuser",
  initScripts: "/docker-entrypoint-initdb.d",
} as const;

/**
 * PGDATA for a PostgreSQL major: the 18+ image's own default, a subdirectory of the mount — `lost+found` on a fresh
 * filesystem does not bother initdb, and `pg_upgrade --link` between majors stays on one filesystem.
 */
export function pgdataFor(major: string): string {
  return `${POSTGRES_PATHS.dataMount}/${major}/docker`;
}

/**
 * The init script. The image's entrypoint runs `/docker-entrypoint-initdb.d/*.sql` with psql as the superuser over
 * the local socket, once, when the data directory is first created. psql reads the password from the mounted Secret
 * itself (backquote expansion), so it is never part of this ConfigMap, the pod spec, an environment variable or a
 * command line. `log_min_error_statement = panic` keeps the statement (with the password) out of the server log even
 * if it fails.
 */
export function postgresInitSql(): string {
  return [
    "-- Application role and database, created once on an empty data directory (see components/data/postgres-manifests.ts).",
    "SET log_min_error_statement = panic;",
    "\\getenv app_user APP_USERNAME",
    "\\getenv app_database APP_DATABASE",
    `\\set app_password \`cat ${POSTGRES_PATHS.appCredentials}/password\``,
    // Not a superuser, no CREATEROLE/CREATEDB: Authelia only needs to own its database (PostgreSQL 15+ lets a
    // database owner create tables in `public`).
    "CREATE ROLE :\"app_user\" LOGIN PASSWORD :'app_password';",
    "\\unset app_password",
    "CREATE DATABASE :\"app_database\" OWNER :\"app_user\";",
    "",
  ].join("\n");
}

/** Everything {@link buildPostgresStatefulSetManifests} needs; {@link Postgres} fills in the defaults. */
export interface PostgresStatefulSetProps {
  readonly namespace: string;
  /** Base name: StatefulSet and Service `<name>`, headless Service `<name>-headless`. */
  readonly name: string;
  readonly database: string;
  readonly username: string;
  readonly storage: string;
  readonly storageClassName?: string;
  readonly image: string;
  /** PostgreSQL major of `image` (names the PGDATA subdirectory). */
  readonly major: string;
  readonly resources: DataResources;
  readonly clientPodLabels: Readonly<Record<string, string>>;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Secret (created by the component) with the application `username`/`password`. */
  readonly appSecretName: string;
  /** Secret (created by the component) with the superuser `password`. */
  readonly superuserSecretName: string;
}

/** Names of the statefulset-mode objects. */
export function statefulSetObjectNames(name: string) {
  return {
    statefulSet: name,
    service: name,
    headlessService: `${name}-headless`,
    initScripts: `${name}-init`,
    dataVolumeClaimTemplate: "data",
  } as const;
}

function newChart(id: string): Chart {
  return new Chart(new App(), id, { disableResourceNameHashes: true });
}

const q = (v: string) => k8s.Quantity.fromString(v);

/**
 * One PostgreSQL pod (StatefulSet of 1 with its own PVC), a ClusterIP Service for clients, a headless Service for the
 * StatefulSet's identity, the init-script ConfigMap, and NetworkPolicies admitting only the client pods on 5432.
 */
export function buildPostgresStatefulSetManifests(p: PostgresStatefulSetProps): KubernetesObject[] {
  const chart = newChart(`${p.name}-postgres`);
  const names = statefulSetObjectNames(p.name);
  const labels = dataLabels("postgres", p.name);
  const selector = dataPodSelector("postgres", p.name);
  const meta = (name: string) => ({ name, namespace: p.namespace, labels });
  const initSql = postgresInitSql();

  new k8s.KubeConfigMap(chart, "init-scripts", {
    metadata: meta(names.initScripts),
    data: { "10-application-role.sql": initSql },
  });

  // pg_isready over TCP, not the socket: the entrypoint's temporary init server listens on the socket only, so the
  // pod turns ready when the real server accepts network connections. pg_isready does not authenticate.
  const isReady = (failureThreshold: number, periodSeconds: number) => ({
    exec: { command: ["pg_isready", "--host=127.0.0.1", `--port=${POSTGRES_PORT}`, "--quiet"] },
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  });

  new k8s.KubeStatefulSet(chart, "statefulset", {
    metadata: meta(names.statefulSet),
    spec: {
      serviceName: names.headlessService,
      replicas: 1,
      selector: { matchLabels: selector },
      podManagementPolicy: "OrderedReady",
      updateStrategy: { type: "RollingUpdate" },
      revisionHistoryLimit: 3,
      // The volume outlives the StatefulSet (deleting or scaling it never deletes the database).
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      template: {
        metadata: { labels: { ...labels, ...selector } },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          nodeSelector: p.nodeSelector ? { ...p.nodeSelector } : undefined,
          securityContext: podSecurityContext(POSTGRES_UID),
          // Time for the fast shutdown below plus a checkpoint.
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name: "postgres",
              image: p.image,
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: "postgres", containerPort: POSTGRES_PORT, protocol: "TCP" }],
              env: [
                { name: "PGDATA", value: pgdataFor(p.major) },
                // The superuser stays `postgres`; Authelia gets its own unprivileged role from the init script.
                { name: "POSTGRES_USER", value: "postgres" },
                // Read by the entrypoint from the mounted Secret: the value never enters the pod spec.
                { name: "POSTGRES_PASSWORD_FILE", value: `${POSTGRES_PATHS.superuserCredentials}/password` },
                // Local socket: only the OS user `postgres` (peer) — nobody else runs in this container anyway;
                // network: SCRAM passwords only (the entrypoint adds `host all all all scram-sha-256`).
                { name: "POSTGRES_INITDB_ARGS", value: "--auth-local=peer --auth-host=scram-sha-256" },
                { name: "APP_USERNAME", value: p.username },
                { name: "APP_DATABASE", value: p.database },
              ],
              resources: {
                requests: { cpu: q(p.resources.cpuRequest), memory: q(p.resources.memoryRequest) },
                limits: { cpu: q(p.resources.cpuLimit), memory: q(p.resources.memoryLimit) },
              },
              securityContext: containerSecurityContext(POSTGRES_UID),
              startupProbe: isReady(60, 5),
              readinessProbe: isReady(3, 10),
              livenessProbe: isReady(6, 20),
              lifecycle: {
                // Kubernetes stops containers with SIGTERM, which is PostgreSQL's "smart" shutdown (waits for every
                // client to leave, then gets SIGKILLed: crash recovery on the next start). Ask for "fast" instead,
                // which is what the image's STOPSIGNAL (SIGINT) means under Docker.
                preStop: { exec: { command: ["pg_ctl", "stop", "--mode=fast", "--wait", "--timeout=50"] } },
              },
              volumeMounts: [
                { name: names.dataVolumeClaimTemplate, mountPath: POSTGRES_PATHS.dataMount },
                // Writable places the image needs besides PGDATA (the root filesystem is read-only).
                { name: "run", mountPath: "/var/run/postgresql" },
                { name: "tmp", mountPath: "/tmp" },
                { name: "app-credentials", mountPath: POSTGRES_PATHS.appCredentials, readOnly: true },
                { name: "superuser-credentials", mountPath: POSTGRES_PATHS.superuserCredentials, readOnly: true },
                { name: "init-scripts", mountPath: POSTGRES_PATHS.initScripts, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: "run", emptyDir: { medium: "Memory", sizeLimit: q("16Mi") } },
            { name: "tmp", emptyDir: { sizeLimit: q("256Mi") } },
            // 0440: root-owned, readable through the pod's fsGroup (999), nobody else.
            { name: "app-credentials", secret: { secretName: p.appSecretName, defaultMode: 0o440 } },
            {
              name: "superuser-credentials",
              secret: { secretName: p.superuserSecretName, defaultMode: 0o440, items: [{ key: "password", path: "password" }] },
            },
            { name: "init-scripts", configMap: { name: names.initScripts, defaultMode: 0o444 } },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: names.dataVolumeClaimTemplate, labels },
          spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName: p.storageClassName,
            resources: { requests: { storage: q(p.storage) } },
          },
        },
      ],
    },
  });

  new k8s.KubeService(chart, "service", {
    metadata: meta(names.service),
    spec: {
      type: "ClusterIP",
      selector,
      ports: [{ name: "postgres", port: POSTGRES_PORT, targetPort: k8s.IntOrString.fromString("postgres"), protocol: "TCP" }],
    },
  });
  // The StatefulSet's governing Service (stable pod DNS name); clients use the ClusterIP Service above.
  new k8s.KubeService(chart, "headless-service", {
    metadata: meta(names.headlessService),
    spec: {
      clusterIp: "None",
      selector,
      ports: [{ name: "postgres", port: POSTGRES_PORT, targetPort: k8s.IntOrString.fromString("postgres"), protocol: "TCP" }],
    },
  });

  addClientOnlyNetworkPolicies(chart, {
    name: p.name,
    namespace: p.namespace,
    labels,
    podSelector: selector,
    clientPodLabels: { ...p.clientPodLabels },
    port: POSTGRES_PORT,
  });

  return chart.toJson() as KubernetesObject[];
}

/** Everything {@link buildCloudNativePgManifests} needs; {@link Postgres} fills in the defaults. */
export interface CloudNativePgProps {
  readonly namespace: string;
  /** Cluster name; CloudNativePG names the read-write Service `<name>-rw`. */
  readonly name: string;
  readonly database: string;
  readonly username: string;
  readonly storage: string;
  readonly storageClassName?: string;
  readonly imageName: string;
  readonly instances: number;
  readonly resources: DataResources;
  readonly clientPodLabels: Readonly<Record<string, string>>;
  /** `required` (prod: never two instances on one node) or `preferred`. */
  readonly podAntiAffinityType: string;
  readonly topologyKey: string;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** basic-auth Secret (created by the component) with the owner's `username`/`password`. */
  readonly appSecretName: string;
  readonly operatorNamespace: string;
  readonly operatorPodLabels: Readonly<Record<string, string>>;
  readonly dnsNamespace: string;
  readonly dnsPodLabels: Readonly<Record<string, string>>;
  /** Where the Kubernetes API server may be reached (instance managers watch their `Cluster`). */
  readonly apiServerCidrs: readonly string[];
}

/** Names of the cloudnative-pg-mode objects (besides the Cluster, which is `<name>`). */
export function cloudNativePgObjectNames(name: string) {
  return {
    cluster: name,
    readWriteService: `${name}-rw`,
    allowOperator: `${name}-allow-operator`,
    allowPeers: `${name}-allow-peers`,
    allowDnsAndApi: `${name}-allow-dns-and-api`,
  } as const;
}

/**
 * The CloudNativePG `Cluster` (the operator creates the pods, PVCs, Services and the PodDisruptionBudget) and the
 * NetworkPolicies its pods need: clients on 5432; the operator on 8000 (status) and 5432; instances among themselves
 * (streaming replication, pg_rewind, status); out: DNS, the API server and the peers.
 */
export function buildCloudNativePgManifests(p: CloudNativePgProps): KubernetesObject[] {
  const chart = newChart(`${p.name}-cnpg`);
  const names = cloudNativePgObjectNames(p.name);
  const labels = dataLabels("postgres", p.name);
  // CloudNativePG labels every pod of a cluster (instances and its bootstrap jobs) with `cnpg.io/cluster`.
  const clusterPods = { "cnpg.io/cluster": p.name };
  const meta = (name: string) => ({ name, namespace: p.namespace, labels });
  const port = (n: number) => ({ protocol: "TCP", port: k8s.IntOrString.fromNumber(n) });

  new ApiObject(chart, "cluster", {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Cluster",
    metadata: meta(names.cluster),
    spec: {
      description: `PostgreSQL for ${p.database} (vibecode platform)`,
      instances: p.instances,
      imageName: p.imageName,
      // No `postgres` superuser login from outside; the operator manages the instance locally.
      enableSuperuserAccess: false,
      bootstrap: {
        initdb: { database: p.database, owner: p.username, secret: { name: p.appSecretName } },
      },
      storage: { size: p.storage, ...(p.storageClassName ? { storageClass: p.storageClassName } : {}) },
      resources: {
        requests: { cpu: p.resources.cpuRequest, memory: p.resources.memoryRequest },
        limits: { cpu: p.resources.cpuLimit, memory: p.resources.memoryLimit },
      },
      affinity: {
        enablePodAntiAffinity: true,
        topologyKey: p.topologyKey,
        podAntiAffinityType: p.podAntiAffinityType,
        ...(p.nodeSelector ? { nodeSelector: { ...p.nodeSelector } } : {}),
      },
      // CloudNativePG keeps its own PodDisruptionBudgets (primary and replicas); none is created here.
      enablePDB: true,
      inheritedMetadata: { labels: { "app.kubernetes.io/part-of": "vibecode" } },
    },
  });

  addClientOnlyNetworkPolicies(chart, {
    name: p.name,
    namespace: p.namespace,
    labels,
    podSelector: clusterPods,
    clientPodLabels: { ...p.clientPodLabels },
    port: POSTGRES_PORT,
  });

  new k8s.KubeNetworkPolicy(chart, "allow-operator", {
    metadata: meta(names.allowOperator),
    spec: {
      podSelector: { matchLabels: clusterPods },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.operatorNamespace } },
              podSelector: { matchLabels: { ...p.operatorPodLabels } },
            },
          ],
          // CloudNativePG's networking guide: the operator must reach every instance on 8000 and 5432.
          ports: [port(CNPG_STATUS_PORT), port(POSTGRES_PORT)],
        },
      ],
    },
  });

  new k8s.KubeNetworkPolicy(chart, "allow-peers", {
    metadata: meta(names.allowPeers),
    spec: {
      podSelector: { matchLabels: clusterPods },
      policyTypes: ["Ingress", "Egress"],
      // Replicas stream from the primary (5432) and clone it at join time; instances query each other's status (8000).
      ingress: [{ from: [{ podSelector: { matchLabels: clusterPods } }], ports: [port(POSTGRES_PORT), port(CNPG_STATUS_PORT)] }],
      egress: [{ to: [{ podSelector: { matchLabels: clusterPods } }], ports: [port(POSTGRES_PORT), port(CNPG_STATUS_PORT)] }],
    },
  });

  new k8s.KubeNetworkPolicy(chart, "allow-dns-and-api", {
    metadata: meta(names.allowDnsAndApi),
    spec: {
      podSelector: { matchLabels: clusterPods },
      policyTypes: ["Egress"],
      egress: [
        // Replicas find the primary through the `<cluster>-rw` Service name.
        dnsEgressRule(p.dnsNamespace, p.dnsPodLabels),
        {
          // The instance manager in every pod watches its Cluster through the API server. Policies see the address
          // after Service translation on most CNIs, so both the Service port (443) and the usual endpoint port
          // (6443) are allowed; narrow `apiServerCidrs` to the control plane's addresses where they are known.
          to: p.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })),
          ports: [port(443), port(6443)],
        },
      ],
    },
  });

  return chart.toJson() as KubernetesObject[];
}
