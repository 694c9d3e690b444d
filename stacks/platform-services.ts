/**
 * The shared services in front of and behind the workspaces: Traefik and cert-manager (Ingress), Authelia, and
 * Authelia's Postgres and Redis (Valkey), all in the `authelia` namespace but the ingress operators.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Authelia } from "../components/auth/authelia";
import { AUTHELIA_POD_LABELS } from "../components/auth/manifests";
import { NODE_POOL_LABEL } from "../components/cluster/cluster";
import { Postgres, resolvePostgres, type PostgresArgs } from "../components/data/postgres";
import { Redis, resolveRedis, type RedisArgs } from "../components/data/redis";
import { Ingress } from "../components/ingress/ingress";
import type { WorkspaceUser } from "../components/provisioning/users-file";
import { clusterIssuerOf, type StackConfig } from "./config";

/** Namespace of Authelia and its data services. */
export const AUTH_NAMESPACE = "authelia";

/** The platform services of a stack. */
export interface PlatformServices {
  ingress: Ingress;
  authelia: Authelia;
  postgres: Postgres;
  redis: Redis;
}

/** Creates the platform services; `opts` carries the cluster's provider. */
export function buildPlatformServices(config: StackConfig, users: WorkspaceUser[], opts: pulumi.ComponentResourceOptions): PlatformServices {
  const kind = config.cluster === "kind";
  // On KIND the platform services go to the nodes labelled for them; existing clusters have their own layout.
  const nodeSelector = kind ? { [NODE_POOL_LABEL]: "platform" } : undefined;

  const ingress = new Ingress(
    "ingress",
    {
      installTraefik: config.installTraefik,
      traefikNamespace: config.ingressNamespace,
      traefikReplicas: config.traefikReplicas,
      exposure: config.traefikExposure ?? (kind ? "nodePort" : "loadBalancer"),
      ingressClassName: config.ingressClassName,
      installCertManager: config.installCertManager,
      certManagerNamespace: config.certManagerNamespace,
      certManagerReplicas: config.certManagerReplicas,
      issuer: config.issuer,
      clusterIssuerName: clusterIssuerOf(config),
      acmeEmail: config.acmeEmail,
      acmeServer: config.acmeServer,
      acmeDns01Solver: config.acmeDns01Solver === undefined ? undefined : JSON.stringify(config.acmeDns01Solver),
      acmeDnsZone: config.acmeDnsZone,
    },
    opts,
  );

  const secretPassword = (name: string) =>
    pulumi.secret(new random.RandomPassword(name, { length: 40, special: false }, opts.providers ? {} : {}).result);
  const postgresArgs: PostgresArgs = {
    namespace: AUTH_NAMESPACE,
    mode: config.postgresMode,
    password: config.postgresPassword !== undefined ? pulumi.secret(config.postgresPassword) : secretPassword("postgres-password"),
    storageClassName: config.storageClass,
    clientPodLabels: { ...AUTHELIA_POD_LABELS },
    nodeSelector,
    ...(config.postgresMode === "cloudnative-pg" ? { instances: config.postgresInstances, installOperator: config.installCloudNativePg } : {}),
    ...(config.postgresMode === "external" ? { externalHost: config.postgresHost, externalPort: config.postgresPort } : {}),
  };
  const redisArgs: RedisArgs = {
    namespace: AUTH_NAMESPACE,
    password: secretPassword("redis-password"),
    storageClassName: config.storageClass,
    clientPodLabels: { ...AUTHELIA_POD_LABELS },
    nodeSelector,
  };
  const pg = resolvePostgres("postgres", postgresArgs);
  const rd = resolveRedis("redis", redisArgs);

  // Authelia creates the namespace the data services live in, and its pods should start after them: the data
  // services are handed to it as promises, settled once they exist.
  let settle!: (resources: pulumi.Resource[]) => void;
  const dataServices = new Promise<pulumi.Resource[]>((resolve) => (settle = resolve));
  const authelia = new Authelia(
    "authelia",
    {
      namespace: AUTH_NAMESPACE,
      domain: config.domain,
      replicas: config.autheliaReplicas,
      users,
      postgres: {
        host: pg.host,
        port: pg.port,
        database: pg.database,
        username: pg.username,
        password: postgresArgs.password,
        ...(pg.mode === "external" ? { cidrs: ["0.0.0.0/0"] } : { podLabels: pg.podLabels }),
      },
      redis: { host: rd.host, port: rd.port, password: redisArgs.password, podLabels: rd.podLabels },
      smtp: config.smtpAddress
        ? {
            address: config.smtpAddress,
            sender: config.smtpSender!,
            username: config.smtpUsername,
            password: config.smtpPassword === undefined ? undefined : pulumi.secret(config.smtpPassword),
          }
        : undefined,
      workspacePolicy: config.workspacePolicy,
      adminGroup: config.adminGroup,
      clusterIssuer: clusterIssuerOf(config),
      ingressClassName: config.ingressClassName,
      ingressControllerNamespace: config.ingressNamespace,
      nodeSelector,
      workloadDependsOn: [dataServices.then((r) => r[0]!), dataServices.then((r) => r[1]!)],
    },
    { ...opts, dependsOn: [ingress] },
  );
  const inNamespace = { ...opts, dependsOn: [authelia.namespaceResource] };
  const postgres = new Postgres("postgres", postgresArgs, inNamespace);
  const redis = new Redis("redis", redisArgs, inNamespace);
  settle([postgres, redis]);
  return { ingress, authelia, postgres, redis };
}
