import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { imageRef, versions } from "../versions";
import { registerKubernetesObjects, resourceNameOf, type KubernetesObject } from "../kubernetes/register";
import {
  checkClientPodLabels,
  checkNamespace,
  checkQuantity,
  checkResources,
  checkServiceName,
  DataArgsError,
  dataLabels,
  dataPodSelector,
  memoryBytes,
  serviceHost,
  type DataResources,
} from "./common";
import { buildRedisManifests, redisObjectNames, REDIS_PATHS, REDIS_PORT, requirePassDirective, type RedisProps } from "./redis-manifests";

/** Requests/limits of the session store: fits the laptop budget of the whole platform (≤ 1 CPU, 1.5 GiB requested). */
export const DEFAULT_REDIS_RESOURCES: Readonly<DataResources> = {
  cpuRequest: "25m",
  memoryRequest: "64Mi",
  cpuLimit: "250m",
  memoryLimit: "192Mi",
};

/** Arguments of {@link Redis}. Plain serialisable values only (multi-language components). */
export interface RedisArgs {
  /** Namespace for the objects. Must exist already (the caller creates it, usually Authelia's). */
  namespace: string;
  /**
   * The password clients must present: a secret Output (e.g. from `@pulumi/random`). It goes into one Kubernetes
   * Secret (`secretName`) and nowhere else; Valkey reads it from a mounted file.
   */
  password: pulumi.Input<string>;
  /** Labels of the only pods allowed to connect (same namespace), e.g. `{"app.kubernetes.io/name": "authelia"}`. */
  clientPodLabels: Record<string, string>;
  /** Size of the data volume (the append-only file). Default `1Gi`. */
  storage?: string;
  /** StorageClass of the data volume. Default: the cluster's default class. */
  storageClassName?: string;
  /** Base name: StatefulSet/Service `<serviceName>`, Secret `<serviceName>-credentials`. Default `redis`. */
  serviceName?: string;
  /** Image override (must be Valkey 9+: the probes use `VALKEYCLI_AUTH`). Default: `versions.valkey`. */
  image?: string;
  /** CPU/memory. Default {@link DEFAULT_REDIS_RESOURCES}. Valkey's `maxmemory` is half the memory limit. */
  resources?: DataResources;
  /** Node labels the pod must run on (e.g. the platform-services workers). Default: any node. */
  nodeSelector?: Record<string, string>;
}

/** The arguments with every default applied and every value checked. */
export interface ResolvedRedis {
  host: string;
  port: number;
  secretName: string;
  /** Labels of the Valkey pod (for the clients' egress NetworkPolicy). */
  podLabels: Record<string, string>;
  props: RedisProps;
}

/** Applies the defaults of {@link RedisArgs} and checks every value; throws {@link DataArgsError} naming the argument. */
export function resolveRedis(name: string, args: RedisArgs): ResolvedRedis {
  const where = `Redis ${name}`;
  const namespace = checkNamespace(where, args.namespace);
  const serviceName = checkServiceName(where, "serviceName", args.serviceName ?? "redis", 40);
  if (args.password === undefined || args.password === null || args.password === "") {
    throw new DataArgsError(`${where}: password is required (a secret Output, e.g. from @pulumi/random)`);
  }
  const resources = checkResources(where, args.resources ?? DEFAULT_REDIS_RESOURCES);
  const secretName = `${serviceName}-credentials`;
  return {
    host: serviceHost(redisObjectNames(serviceName).service, namespace),
    port: REDIS_PORT,
    secretName,
    podLabels: dataPodSelector("valkey", serviceName),
    props: {
      namespace,
      name: serviceName,
      storage: checkQuantity(where, "storage", args.storage ?? "1Gi"),
      storageClassName: args.storageClassName,
      image: args.image ?? imageRef(versions.valkey),
      resources,
      // Half the limit: an AOF rewrite forks, and copy-on-write pages count against the same limit.
      maxMemoryBytes: Math.floor(memoryBytes(where, "resources.memoryLimit", resources.memoryLimit) / 2),
      clientPodLabels: checkClientPodLabels(where, args.clientPodLabels),
      nodeSelector: args.nodeSelector,
      secretName,
    },
  };
}

/**
 * Authelia's session store: ONE persistent Valkey primary (StatefulSet of 1, append-only file on a PVC), password
 * required, reachable only from `clientPodLabels` pods on 6379.
 *
 * Why one primary and not a replicated set: Authelia's only high-availability mode for Redis is Sentinel
 * (`session.redis.high_availability`), and the official Valkey chart has no Sentinel failover; a hand-rolled Sentinel
 * trio would triple the footprint for data that is recoverable by design — if the store is lost or restarting, users
 * simply log in again. The volume keeps sessions across restarts and upgrades.
 *
 * Why Valkey (docker.io/valkey/valkey) and not docker.io/library/redis: Valkey is BSD-3-Clause under the Linux
 * Foundation and speaks the same protocol Authelia's client uses; Redis 8 is AGPLv3/RSALv2/SSPL (7.4–7.8 RSALv2/SSPL
 * only), a licence review we do not need for a session cache.
 *
 * The password: the Secret holds it twice — bare (`password`, for the probes and other consumers) and as a
 * `requirepass` line (`auth.conf`) that the generated valkey.conf `include`s — so it is never in the pod spec, an
 * environment variable of the server, or a command line (`--requirepass` would show in /proc/<pid>/cmdline).
 */
export class Redis extends pulumi.ComponentResource {
  /** Host name clients connect to (`<service>.<namespace>.svc.cluster.local`). */
  public readonly host: pulumi.Output<string>;
  /** Port clients connect to (6379). */
  public readonly port: pulumi.Output<number>;
  /** Secret in `namespace` with the password under key `password`. */
  public readonly secretName: pulumi.Output<string>;
  /** Labels of the Valkey pod in `namespace`, for the clients' egress NetworkPolicy. */
  public readonly podLabels: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    // Everything is checked before anything is registered.
    const r = resolveRedis(name, args);
    super("vibecode:data:Redis", name, {}, opts);
    const password = pulumi.secret(args.password);
    const meta: KubernetesObject = { apiVersion: "v1", kind: "Secret", metadata: { name: r.secretName, namespace: r.props.namespace } };
    new k8s.core.v1.Secret(
      resourceNameOf(name, meta),
      {
        metadata: { name: r.secretName, namespace: r.props.namespace, labels: dataLabels("valkey", r.props.name) },
        type: "Opaque",
        stringData: {
          [REDIS_PATHS.passwordKey]: password,
          [REDIS_PATHS.authConfigKey]: pulumi.secret(password.apply(requirePassDirective)),
        },
      },
      { parent: this },
    );
    registerKubernetesObjects(name, buildRedisManifests(r.props), { parent: this });

    this.host = pulumi.output(r.host);
    this.port = pulumi.output(r.port);
    this.secretName = pulumi.output(r.secretName);
    this.podLabels = pulumi.output(r.podLabels);
    this.registerOutputs({ host: this.host, port: this.port, secretName: this.secretName, podLabels: this.podLabels });
  }
}
