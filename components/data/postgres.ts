import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { imageRef, versions } from "../versions";
import { registerKubernetesObjects, resourceNameOf, type KubernetesObject } from "../kubernetes/register";
import {
  checkClientPodLabels,
  checkNamespace,
  checkOneOf,
  checkPositiveInteger,
  checkQuantity,
  checkResources,
  checkServiceName,
  dataLabels,
  dataPodSelector,
  DataArgsError,
  serviceHost,
  type DataResources,
} from "./common";
import {
  buildCloudNativePgManifests,
  buildPostgresStatefulSetManifests,
  cloudNativePgObjectNames,
  POSTGRES_PORT,
  statefulSetObjectNames,
  type CloudNativePgProps,
  type PostgresStatefulSetProps,
} from "./postgres-manifests";

/** Values {@link PostgresArgs.mode} accepts. */
export const POSTGRES_MODES = ["statefulset", "cloudnative-pg", "external"] as const;
/** One of {@link POSTGRES_MODES}. */
export type PostgresMode = (typeof POSTGRES_MODES)[number];
/** Values {@link PostgresArgs.podAntiAffinityType} accepts (CloudNativePG's own). */
export const POD_ANTI_AFFINITY_TYPES = ["required", "preferred"] as const;

/** Requests/limits of the single dev pod: fits the laptop budget of the whole platform (≤ 1 CPU, 1.5 GiB requested). */
export const DEFAULT_STATEFULSET_RESOURCES: Readonly<DataResources> = {
  cpuRequest: "50m",
  memoryRequest: "128Mi",
  cpuLimit: "500m",
  memoryLimit: "512Mi",
};
/** Requests = limits per CloudNativePG instance: Guaranteed QoS, as CloudNativePG recommends for production. */
export const DEFAULT_CNPG_RESOURCES: Readonly<DataResources> = {
  cpuRequest: "250m",
  memoryRequest: "512Mi",
  cpuLimit: "250m",
  memoryLimit: "512Mi",
};
/** Labels of the CloudNativePG operator pod as its Helm chart sets them (`app.kubernetes.io/name: <chart name>`). */
export const DEFAULT_CNPG_OPERATOR_POD_LABELS: Readonly<Record<string, string>> = { "app.kubernetes.io/name": "cloudnative-pg" };

/**
 * Arguments of {@link Postgres}. Every field is a plain, serialisable value (no unions, no functions) so the component
 * can be offered to other Pulumi languages; `mode` and the other enumerations are checked at run time.
 */
export interface PostgresArgs {
  /** Namespace for the database objects. Must exist already (the caller creates it, usually Authelia's). */
  namespace: string;
  /**
   * How PostgreSQL is provided, one of {@link POSTGRES_MODES}. Default `statefulset`.
   * - `statefulset`: one pod of the official image with a PVC (dev);
   * - `cloudnative-pg`: a CloudNativePG `Cluster` of `instances` spread over nodes (prod);
   * - `external`: a managed database elsewhere; only the credentials Secret is created here.
   */
  mode?: string;
  /** Database Authelia uses. Default `authelia`. */
  database?: string;
  /** Role that owns `database` (not a superuser). Default `authelia`. */
  username?: string;
  /**
   * That role's password: a secret Output (e.g. from `@pulumi/random`). It goes into one Kubernetes Secret
   * (`secretName`) and nowhere else. Changing it later does not change the role's password inside an existing
   * database (see the README of components/data).
   */
  password: pulumi.Input<string>;
  /** Size of each data volume (Kubernetes quantity). Default `5Gi`. */
  storage?: string;
  /** StorageClass of the data volumes. Default: the cluster's default class. */
  storageClassName?: string;
  /** Labels of the only pods allowed to connect (same namespace), e.g. `{"app.kubernetes.io/name": "authelia"}`. Required unless `external`. */
  clientPodLabels?: Record<string, string>;
  /**
   * Base name of the in-cluster objects: StatefulSet/Service `<serviceName>` (statefulset) or Cluster `<serviceName>`
   * with Service `<serviceName>-rw` (cloudnative-pg); the Secret is `<serviceName>-credentials`. Default `postgres`.
   */
  serviceName?: string;
  /** Image override. Default: `versions.postgres` (statefulset) or `versions.cnpgPostgres` (cloudnative-pg). */
  image?: string;
  /** PostgreSQL major of `image` (statefulset; names PGDATA's directory). Default: the major of the pinned tag. */
  postgresMajor?: string;
  /** CPU/memory per instance. Default {@link DEFAULT_STATEFULSET_RESOURCES} or {@link DEFAULT_CNPG_RESOURCES}. */
  resources?: DataResources;
  /** Node labels the database pods must run on (e.g. the platform-services workers). Default: any node. */
  nodeSelector?: Record<string, string>;
  /** cloudnative-pg: number of instances (one primary, the rest streaming replicas). Default 3. */
  instances?: number;
  /**
   * cloudnative-pg: `required` (never two instances on one node: needs ≥ `instances` nodes) or `preferred`.
   * Default `required`.
   */
  podAntiAffinityType?: string;
  /** cloudnative-pg: node label the instances are spread over. Default `kubernetes.io/hostname`. */
  topologyKey?: string;
  /**
   * cloudnative-pg: install the operator's Helm chart (`cloudnative-pg`, pinned in versions.ts) as a Helm Release in
   * `operatorNamespace`. Turn off where the cluster already runs the operator. Default `true`.
   */
  installOperator?: boolean;
  /** cloudnative-pg: namespace of the operator (installed there, and admitted by the NetworkPolicy). Default `cnpg-system`. */
  operatorNamespace?: string;
  /** cloudnative-pg: labels of the operator pod. Default {@link DEFAULT_CNPG_OPERATOR_POD_LABELS}. */
  operatorPodLabels?: Record<string, string>;
  /** cloudnative-pg: namespace of the cluster DNS. Default `kube-system`. */
  dnsNamespace?: string;
  /** cloudnative-pg: labels of the cluster DNS pods. Default `{"k8s-app": "kube-dns"}`. */
  dnsPodLabels?: Record<string, string>;
  /**
   * cloudnative-pg: address ranges of the Kubernetes API server, which every instance must reach (ports 443/6443).
   * Default `["0.0.0.0/0", "::/0"]` (any address, those ports only); narrow it where the control plane's addresses
   * are known.
   */
  apiServerCidrs?: string[];
  /**
   * cloudnative-pg: protect the `Cluster` from deletion (Pulumi `protect` + `retainOnDelete`): deleting it deletes
   * its volumes. Default `true`. (statefulset volumes survive the StatefulSet anyway.)
   */
  protectData?: boolean;
  /** external: host name of the database server. Required in `external` mode, refused otherwise. */
  externalHost?: string;
  /** external: port of the database server. Default 5432. */
  externalPort?: number;
}

/** The arguments with every default applied and every value checked. */
export interface ResolvedPostgres {
  mode: PostgresMode;
  namespace: string;
  database: string;
  username: string;
  serviceName: string;
  secretName: string;
  host: string;
  port: number;
  /** Labels of the server pods (for the clients' egress NetworkPolicy); undefined in `external` mode. */
  podLabels?: Record<string, string>;
  statefulSet?: PostgresStatefulSetProps;
  cloudNativePg?: CloudNativePgProps & { installOperator: boolean; protectData: boolean };
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function checkIdentifier(where: string, arg: string, value: string): string {
  // Lower-case SQL identifiers only: no quoting surprises in psql, CloudNativePG or Authelia's DSN.
  if (typeof value !== "string" || !IDENTIFIER.test(value)) {
    throw new DataArgsError(`${where}: ${arg} must be a lower-case PostgreSQL identifier ([a-z_][a-z0-9_]*, at most 63 characters); got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Major version of a `postgres` image tag (`18.6-trixie` → `18`). */
export function postgresMajorOf(tag: string): string {
  const m = /^(\d+)/.exec(tag);
  if (!m) throw new DataArgsError(`cannot tell the PostgreSQL major version of image tag ${JSON.stringify(tag)}; set postgresMajor`);
  return m[1]!;
}

/** The tag of an image reference (`registry:5000/postgres:18.6@sha256:…` → `18.6`); `""` when it has none. */
function tagOf(image: string): string {
  const ref = image.split("@")[0]!;
  const colon = ref.lastIndexOf(":");
  return colon >= 0 && !ref.slice(colon + 1).includes("/") ? ref.slice(colon + 1) : "";
}

/** Applies the defaults of {@link PostgresArgs} and checks every value; throws {@link DataArgsError} naming the argument. */
export function resolvePostgres(name: string, args: PostgresArgs): ResolvedPostgres {
  const where = `Postgres ${name}`;
  const mode = checkOneOf(where, "mode", args.mode ?? "statefulset", POSTGRES_MODES);
  const namespace = checkNamespace(where, args.namespace);
  const database = checkIdentifier(where, "database", args.database ?? "authelia");
  const username = checkIdentifier(where, "username", args.username ?? "authelia");
  // Room for the longest suffix ("-allow-dns-and-api") within 63 characters.
  const serviceName = checkServiceName(where, "serviceName", args.serviceName ?? "postgres", 40);
  const secretName = `${serviceName}-credentials`;
  if (args.password === undefined || args.password === null || args.password === "") {
    throw new DataArgsError(`${where}: password is required (a secret Output, e.g. from @pulumi/random)`);
  }
  const base = { mode, namespace, database, username, serviceName, secretName };
  const inCluster = (arg: keyof PostgresArgs) => {
    if (args[arg] !== undefined) throw new DataArgsError(`${where}: ${arg} applies to mode "external" only (mode is "${mode}")`);
  };
  const storage = checkQuantity(where, "storage", args.storage ?? "5Gi");

  switch (mode) {
    case "external": {
      if (!args.externalHost) {
        throw new DataArgsError(`${where}: mode "external" needs externalHost (the database server's host name)`);
      }
      const port = checkPositiveInteger(where, "externalPort", args.externalPort ?? POSTGRES_PORT);
      return { ...base, host: args.externalHost, port };
    }
    case "statefulset": {
      inCluster("externalHost");
      inCluster("externalPort");
      const tag = versions.postgres.tag;
      const statefulSet: ResolvedPostgres["statefulSet"] = {
        namespace,
        name: serviceName,
        database,
        username,
        storage,
        storageClassName: args.storageClassName,
        image: args.image ?? imageRef(versions.postgres),
        major: args.postgresMajor ?? postgresMajorOf(args.image ? tagOf(args.image) : tag),
        resources: checkResources(where, args.resources ?? DEFAULT_STATEFULSET_RESOURCES),
        clientPodLabels: checkClientPodLabels(where, args.clientPodLabels),
        nodeSelector: args.nodeSelector,
        appSecretName: secretName,
        superuserSecretName: `${serviceName}-superuser`,
      };
      return {
        ...base,
        host: serviceHost(statefulSetObjectNames(serviceName).service, namespace),
        port: POSTGRES_PORT,
        podLabels: dataPodSelector("postgres", serviceName),
        statefulSet,
      };
    }
    case "cloudnative-pg": {
      inCluster("externalHost");
      inCluster("externalPort");
      const cnpg = versions.cnpgPostgres;
      const apiServerCidrs = args.apiServerCidrs ?? ["0.0.0.0/0", "::/0"];
      if (apiServerCidrs.length === 0) throw new DataArgsError(`${where}: apiServerCidrs must not be empty (instances must reach the API server)`);
      const cloudNativePg: ResolvedPostgres["cloudNativePg"] = {
        namespace,
        name: serviceName,
        database,
        username,
        storage,
        storageClassName: args.storageClassName,
        imageName: args.image ?? `${imageRef(cnpg)}@${cnpg.digest}`,
        instances: checkPositiveInteger(where, "instances", args.instances ?? 3, 1, 9),
        resources: checkResources(where, args.resources ?? DEFAULT_CNPG_RESOURCES),
        clientPodLabels: checkClientPodLabels(where, args.clientPodLabels),
        podAntiAffinityType: checkOneOf(where, "podAntiAffinityType", args.podAntiAffinityType ?? "required", POD_ANTI_AFFINITY_TYPES),
        topologyKey: args.topologyKey ?? "kubernetes.io/hostname",
        nodeSelector: args.nodeSelector,
        appSecretName: secretName,
        operatorNamespace: checkNamespace(`${where} (operatorNamespace)`, args.operatorNamespace ?? "cnpg-system"),
        operatorPodLabels: args.operatorPodLabels ?? DEFAULT_CNPG_OPERATOR_POD_LABELS,
        dnsNamespace: args.dnsNamespace ?? "kube-system",
        dnsPodLabels: args.dnsPodLabels ?? { "k8s-app": "kube-dns" },
        apiServerCidrs,
        installOperator: args.installOperator ?? true,
        protectData: args.protectData ?? true,
      };
      return {
        ...base,
        host: serviceHost(cloudNativePgObjectNames(serviceName).readWriteService, namespace),
        port: POSTGRES_PORT,
        // Every instance: the read-write Service moves to whichever one is primary.
        podLabels: { "cnpg.io/cluster": serviceName },
        cloudNativePg,
      };
    }
  }
}

/** The Helm release name of the CloudNativePG operator. */
export const CNPG_OPERATOR_RELEASE = "cnpg";

/**
 * PostgreSQL for Authelia's storage, in one of three modes (see {@link PostgresArgs.mode}). In-cluster modes admit
 * connections only from `clientPodLabels` pods on 5432 (NetworkPolicy), run under Pod Security `restricted`, and
 * keep the password in one Kubernetes Secret created from the Pulumi secret. Each Kubernetes object is its own Pulumi
 * resource.
 */
export class Postgres extends pulumi.ComponentResource {
  /** Host name clients connect to (`<service>.<namespace>.svc.cluster.local`, or the external host). */
  public readonly host: pulumi.Output<string>;
  /** Port clients connect to. */
  public readonly port: pulumi.Output<number>;
  /** Database name. */
  public readonly database: pulumi.Output<string>;
  /** Role name. */
  public readonly username: pulumi.Output<string>;
  /** Secret in `namespace` holding `username` and `password` (type `kubernetes.io/basic-auth`). */
  public readonly secretName: pulumi.Output<string>;
  /** The mode in effect. */
  public readonly mode: pulumi.Output<string>;
  /**
   * Labels of the database server pods in `namespace`, for the clients' egress NetworkPolicy (`{}` in `external`
   * mode: nothing runs in the cluster; allow the server's addresses instead).
   */
  public readonly podLabels: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    // Everything is checked before anything is registered.
    const r = resolvePostgres(name, args);
    super("vibecode:data:Postgres", name, {}, opts);
    const labels = dataLabels("postgres", r.serviceName);
    const password = pulumi.secret(args.password);

    // The credentials: a Pulumi Secret resource (never cdk8s JSON) so the value stays a Pulumi secret end to end.
    const credentials = newBasicAuthSecret(this, name, r.namespace, r.secretName, labels, r.username, password);

    if (r.statefulSet) {
      // The image insists on a superuser password. Authelia never gets it: it is generated here, kept in its own
      // Secret, and only the entrypoint reads it (socket logins as `postgres` need none: peer authentication).
      const superuser = new random.RandomPassword(`${name}-superuser-password`, { length: 40, special: false }, { parent: this });
      newBasicAuthSecret(this, name, r.namespace, r.statefulSet.superuserSecretName, labels, "postgres", superuser.result);
      registerKubernetesObjects(name, buildPostgresStatefulSetManifests(r.statefulSet), { parent: this });
    }

    if (r.cloudNativePg) {
      const c = r.cloudNativePg;
      const dependsOn: pulumi.Resource[] = [credentials];
      if (c.installOperator) {
        const chart = versions.cloudnativePgChart;
        dependsOn.push(
          new k8s.helm.v3.Release(
            `${name}-cnpg-operator`,
            {
              name: CNPG_OPERATOR_RELEASE,
              chart: chart.chart,
              version: chart.version,
              repositoryOpts: { repo: chart.repo },
              namespace: c.operatorNamespace,
              createNamespace: true,
              values: {
                // The chart installs and upgrades the CRDs with the operator (Cluster needs them first).
                crds: { create: true },
                // Kept small: the operator reconciles a handful of clusters.
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
              },
            },
            { parent: this },
          ),
        );
      }
      const objects = buildCloudNativePgManifests(c);
      const cluster = objects.filter((o) => o.kind === "Cluster");
      const rest = objects.filter((o) => o.kind !== "Cluster");
      // The Cluster waits for the operator (its CRD) and the Secret its bootstrap reads. Registered directly because
      // registerKubernetesObjects sets dependsOn itself (to the namespace) and would drop these dependencies.
      for (const obj of cluster) {
        new k8s.apiextensions.CustomResource(resourceNameOf(name, obj), obj as k8s.apiextensions.CustomResourceArgs, {
          parent: this,
          dependsOn,
          ...(c.protectData ? { protect: true, retainOnDelete: true } : {}),
        });
      }
      registerKubernetesObjects(name, rest, { parent: this });
    }

    this.host = pulumi.output(r.host);
    this.port = pulumi.output(r.port);
    this.database = pulumi.output(r.database);
    this.username = pulumi.output(r.username);
    this.secretName = pulumi.output(r.secretName);
    this.mode = pulumi.output<string>(r.mode);
    this.podLabels = pulumi.output(r.podLabels ?? {});
    this.registerOutputs({
      podLabels: this.podLabels,
      host: this.host,
      port: this.port,
      database: this.database,
      username: this.username,
      secretName: this.secretName,
      mode: this.mode,
    });
  }
}

/** A `kubernetes.io/basic-auth` Secret made by Pulumi from a secret Output, named like the registered objects. */
export function newBasicAuthSecret(
  parent: pulumi.Resource,
  prefix: string,
  namespace: string,
  secretName: string,
  labels: Record<string, string>,
  username: string,
  password: pulumi.Input<string>,
): k8s.core.v1.Secret {
  const meta: KubernetesObject = { apiVersion: "v1", kind: "Secret", metadata: { name: secretName, namespace } };
  return new k8s.core.v1.Secret(
    resourceNameOf(prefix, meta),
    {
      metadata: { name: secretName, namespace, labels },
      type: "kubernetes.io/basic-auth",
      stringData: { username, password: pulumi.secret(password) },
    },
    { parent },
  );
}
