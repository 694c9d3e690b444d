import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { imageRef, versions } from "../versions";
import { registerKubernetesObjects, resourceNameOf, type KubernetesObject } from "../kubernetes/register";
import type { WorkspaceUser } from "../provisioning/users-file";
import {
  buildAutheliaConfiguration,
  checksumOf,
  renderAutheliaConfiguration,
  type AutheliaConfigurationOptions,
  type WorkspacePolicy,
} from "./configuration";
import {
  AUTHELIA_OBJECT_NAMES,
  AUTHELIA_PATHS,
  AUTHELIA_SECRET_KEYS,
  buildAutheliaManifests,
  type AutheliaManifestProps,
  type ContainerResources,
  type EgressPeer,
} from "./manifests";
import { buildUsersDatabase, renderUsersDatabase } from "./users-database";

/** Where a data service is and how Authelia's egress NetworkPolicy reaches it. */
interface DataServiceArgs {
  /** Host name, e.g. `postgres.authelia.svc.cluster.local`. */
  host: string;
  /** Namespace of the server's pods, for the egress policy. Default: Authelia's namespace (where the data services run). */
  namespace?: string;
  /** Labels of the server's pods, for the egress policy. Required unless `cidrs` is given. */
  podLabels?: Record<string, string>;
  /** For a server outside the cluster: address ranges to allow instead of `namespace`/`podLabels`. */
  cidrs?: string[];
}

/** Authelia's PostgreSQL storage. */
export interface AutheliaPostgresArgs extends DataServiceArgs {
  /** Port (also the pods' port, which the egress policy opens). Default 5432. */
  port?: number;
  /** Default `authelia`. */
  database?: string;
  /** Default `authelia`. */
  username?: string;
  /** Goes into the `authelia-secrets` Secret only. */
  password: pulumi.Input<string>;
}

/** Authelia's Redis (or Valkey) session store. */
export interface AutheliaRedisArgs extends DataServiceArgs {
  /** Port (also the pods' port, which the egress policy opens). Default 6379. */
  port?: number;
  /** Goes into the `authelia-secrets` Secret only. */
  password: pulumi.Input<string>;
}

/** SMTP submission server for the notifier (production). Without it, notifications go to a file in the pod. */
export interface AutheliaSmtpArgs {
  /** `submission://host:587` (STARTTLS); `submissions://host:465` and `smtp://host:25` also work. */
  address: string;
  /** `Name <noreply@example.com>` or `noreply@example.com`. */
  sender: string;
  username?: string;
  /** Goes into the `authelia-secrets` Secret only. */
  password?: pulumi.Input<string>;
}

/** Session lifetimes, as Authelia durations (`1h`, `12h`, `1M`). */
export interface AutheliaSessionArgs {
  /** Default 1 hour. */
  inactivity?: string;
  /** Default 12 hours. */
  expiration?: string;
  /** Default 1 month. */
  rememberMe?: string;
}

/** Arguments of {@link Authelia}. */
export interface AutheliaArgs {
  /** Namespace, created by the component (Pod Security `restricted`). Default `authelia`. */
  namespace?: string;
  /** Base domain and cookie domain: workspaces are `<username>.<domain>`, the portal `<portalSubdomain>.<domain>`. */
  domain: string;
  /** Default `auth`. */
  portalSubdomain?: string;
  /** Default 1. Above 1: a PodDisruptionBudget (minAvailable 1) and topology spread over nodes and zones. */
  replicas?: number;
  /** The users file's users: each gets an entry in the users database and a generated initial password. */
  users: WorkspaceUser[];
  postgres: AutheliaPostgresArgs;
  redis: AutheliaRedisArgs;
  /** Production notifier; unset = filesystem notifier (dev: `kubectl exec … cat /data/notification.txt`). */
  smtp?: AutheliaSmtpArgs;
  /** What a workspace host requires of its owner: `two_factor` (default) or `one_factor` (dev, by config). */
  workspacePolicy?: string;
  /** Group reaching `platformHosts`. Default `admins`. */
  adminGroup?: string;
  /** Full host names of platform UIs (under `domain`) reserved to `adminGroup` with two factors. Default none. */
  platformHosts?: string[];
  /** cert-manager ClusterIssuer of the portal certificate. Default `vibecode-ca`. */
  clusterIssuer?: string;
  /** IngressClass of the portal. Default `traefik`. */
  ingressClassName?: string;
  /** Namespace of the ingress controller: the only source allowed to reach Authelia. Default `traefik`. */
  ingressControllerNamespace?: string;
  /** Image. Default: the pinned `versions.authelia` (4.39.x). */
  image?: string;
  /** Authelia container. Default 50m/64Mi requested, 1 CPU/512Mi limit (room for argon2id hashing, 64 MiB each). */
  resources?: ContainerResources;
  /** The users-sync sidecar. Default 5m/16Mi requested, 50m/32Mi limit. */
  sidecarResources?: ContainerResources;
  /** `https://` URL under `domain` to land on after a login without a target. Default: none (the portal's own page). */
  defaultRedirectionUrl?: string;
  /** Session lifetimes (Authelia durations). Defaults: 1 hour inactivity, 12 hours, remember-me 1 month. */
  session?: AutheliaSessionArgs;
  /** Default `info`. */
  logLevel?: string;
  /** Node labels the pods must run on (e.g. the platform-services workers). Default: any node. */
  nodeSelector?: Record<string, string>;
  /** Namespace of the cluster DNS. Default `kube-system`. */
  dnsNamespace?: string;
  /** Labels of the cluster DNS pods. Default `{"k8s-app": "kube-dns"}`. */
  dnsPodLabels?: Record<string, string>;
  /** Length of each generated initial password (letters and digits). Default 32. */
  initialPasswordLength?: number;
  /**
   * Resources the Deployment waits for (e.g. the Postgres and Redis components, which live in this component's
   * namespace and so cannot be dependencies of the whole component). Default none.
   */
  workloadDependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** Everything {@link Authelia} derives from its arguments before creating anything; exported for tests and tools. */
export interface ResolvedAuthelia {
  namespace: string;
  portalHost: string;
  configuration: AutheliaConfigurationOptions;
  manifest: Omit<AutheliaManifestProps, "configurationYaml" | "configChecksum">;
  users: WorkspaceUser[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DEFAULT_RESOURCES: ContainerResources = { cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "1", memoryLimit: "512Mi" };
const DEFAULT_SIDECAR_RESOURCES: ContainerResources = { cpuRequest: "5m", memoryRequest: "16Mi", cpuLimit: "50m", memoryLimit: "32Mi" };

function smtpPortOf(address: string): number {
  const m = /^(smtp|submissions?):\/\/[^:/]+(?::(\d+))?$/.exec(address);
  if (!m) throw new Error(`Authelia: smtp.address "${address}" must look like submission://host:587`);
  if (m[2] !== undefined) return Number(m[2]);
  return m[1] === "submission" ? 587 : m[1] === "submissions" ? 465 : 25;
}

function resolvePeer(what: string, args: DataServiceArgs, port: number, namespace: string): EgressPeer {
  if (args.cidrs && args.cidrs.length > 0) return { port, cidrs: [...args.cidrs] };
  if (!args.podLabels || Object.keys(args.podLabels).length === 0) {
    throw new Error(`Authelia: ${what}.podLabels (the labels of the ${what} pods, for the egress NetworkPolicy) or ${what}.cidrs is required`);
  }
  return { port, namespace: args.namespace ?? namespace, podLabels: { ...args.podLabels } };
}

function checkPort(what: string, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`Authelia: ${what} must be a port number, got ${port}`);
  return port;
}

const WORKSPACE_POLICIES = ["two_factor", "one_factor"] as const satisfies readonly WorkspacePolicy[];
const LOG_LEVELS = ["error", "warn", "info", "debug", "trace"] as const;

function oneOf<T extends string>(arg: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`Authelia: ${arg} must be one of ${allowed.join(", ")}, got "${value}"`);
  return value as T;
}

/** Fills in every default of {@link AutheliaArgs} and checks them; throws naming the argument. */
export function resolveAutheliaArgs(args: AutheliaArgs): ResolvedAuthelia {
  const namespace = args.namespace ?? "authelia";
  if (!DNS_LABEL.test(namespace)) throw new Error(`Authelia: namespace "${namespace}" must be a DNS label`);
  const portalSubdomain = args.portalSubdomain ?? "auth";
  if (!DNS_LABEL.test(portalSubdomain)) throw new Error(`Authelia: portalSubdomain "${portalSubdomain}" must be a DNS label`);
  const portalHost = `${portalSubdomain}.${args.domain}`;
  const replicas = args.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`Authelia: replicas must be a positive integer, got ${replicas}`);
  const platformHosts = args.platformHosts ?? [];

  // A username names a host: it must be one the workspace rule can match, and must not shadow the portal or a
  // platform host (the earlier rules would win there, but the person would have no workspace).
  const taken = new Map<string, string>([[portalSubdomain, "the portal"]]);
  for (const host of platformHosts) {
    if (host.endsWith(`.${args.domain}`)) taken.set(host.slice(0, -(args.domain.length + 1)), `platform host ${host}`);
  }
  const seen = new Set<string>();
  for (const user of args.users) {
    if (!/^[a-z0-9-]+$/.test(user.username)) throw new Error(`Authelia: username "${user.username}" must consist of a-z, 0-9 and '-'`);
    if (seen.has(user.username)) throw new Error(`Authelia: user "${user.username}" appears twice`);
    seen.add(user.username);
    const clash = taken.get(user.username);
    if (clash) throw new Error(`Authelia: username "${user.username}" would be the host of ${clash}`);
  }

  const postgresPort = checkPort("postgres.port", args.postgres.port ?? 5432);
  const redisPort = checkPort("redis.port", args.redis.port ?? 6379);
  const configuration: AutheliaConfigurationOptions = {
    domain: args.domain,
    portalHost,
    defaultRedirectionUrl: args.defaultRedirectionUrl,
    // Plain strings in the args (other languages get no unions); checked here.
    workspacePolicy: oneOf("workspacePolicy", args.workspacePolicy ?? "two_factor", WORKSPACE_POLICIES),
    adminGroup: args.adminGroup ?? "admins",
    platformHosts,
    postgres: {
      host: args.postgres.host,
      port: postgresPort,
      database: args.postgres.database ?? "authelia",
      username: args.postgres.username ?? "authelia",
    },
    redis: { host: args.redis.host, port: redisPort },
    notifier: args.smtp
      ? { kind: "smtp", address: args.smtp.address, sender: args.smtp.sender, username: args.smtp.username }
      : { kind: "filesystem", filename: AUTHELIA_PATHS.notificationFile },
    usersDatabasePath: AUTHELIA_PATHS.usersFile,
    session: args.session,
    logLevel: oneOf("logLevel", args.logLevel ?? "info", LOG_LEVELS),
  };
  return {
    namespace,
    portalHost,
    configuration,
    users: [...args.users],
    manifest: {
      namespace,
      portalHost,
      replicas,
      image: args.image ?? imageRef(versions.authelia),
      smtpPort: args.smtp ? smtpPortOf(args.smtp.address) : undefined,
      smtpPassword: args.smtp?.password !== undefined,
      ingressClassName: args.ingressClassName ?? "traefik",
      ingressControllerNamespace: args.ingressControllerNamespace ?? "traefik",
      clusterIssuer: args.clusterIssuer ?? "vibecode-ca",
      postgres: resolvePeer("postgres", args.postgres, postgresPort, namespace),
      redis: resolvePeer("redis", args.redis, redisPort, namespace),
      dnsNamespace: args.dnsNamespace ?? "kube-system",
      dnsPodLabels: args.dnsPodLabels ?? { "k8s-app": "kube-dns" },
      resources: args.resources ?? DEFAULT_RESOURCES,
      sidecarResources: args.sidecarResources ?? DEFAULT_SIDECAR_RESOURCES,
      nodeSelector: args.nodeSelector,
      usersSyncIntervalSeconds: 10,
    },
  };
}

/**
 * The platform's single sign-on: Authelia 4.39 in its own namespace, with
 * - its configuration (current keys only, no secrets) in a ConfigMap, whose checksum on the pod template rolls the
 *   pods when it changes;
 * - generated secrets (`@pulumi/random`: session secret, storage encryption key, reset-password JWT secret) and the
 *   Postgres/Redis/SMTP passwords in one Secret, read through `AUTHELIA_*_FILE` variables;
 * - the users database (the random provider's bcrypt digest of one generated initial password per user, computed
 *   once and kept in state, so stable across runs) in a second
 *   Secret that a sidecar keeps in sync with the file Authelia watches, so adding a user restarts nothing;
 * - a Deployment (restricted security context), Service `authelia` (80 → 9091), the portal Ingress
 *   `<portalSubdomain>.<domain>` with a cert-manager certificate, NetworkPolicies (default deny; ingress controller
 *   in; DNS, Postgres, Redis and SMTP out), and a PodDisruptionBudget when replicated.
 *
 * Passwords: the file backend is generated, so Authelia's own password reset and change are off (a password Authelia
 * wrote would be overwritten). A user's initial password is in the `initialPasswords` secret output; to issue a new
 * one, replace that user's RandomPassword (`pulumi up --replace '<urn of <name>-initial-password-<username>>'`).
 */
export class Authelia extends pulumi.ComponentResource {
  /** The namespace (resolves once the Namespace exists). */
  public readonly namespace: pulumi.Output<string>;
  /** `https://<portalSubdomain>.<domain>`. */
  public readonly portalUrl: pulumi.Output<string>;
  /** `http://authelia.<namespace>.svc.cluster.local/api/authz/forward-auth`, for Traefik's ForwardAuth middlewares. */
  public readonly forwardAuthAddress: pulumi.Output<string>;
  /** Secret: username → generated initial password, for delivery to each person. */
  public readonly initialPasswords: pulumi.Output<Record<string, string>>;
  /** The Namespace resource: data services placed in this namespace should depend on it. */
  public readonly namespaceResource: k8s.core.v1.Namespace;

  constructor(name: string, args: AutheliaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vibecode:auth:Authelia", name, {}, opts);
    const resolved = resolveAutheliaArgs(args);
    const configurationYaml = renderAutheliaConfiguration(buildAutheliaConfiguration(resolved.configuration));
    const objects = buildAutheliaManifests({
      ...resolved.manifest,
      configurationYaml,
      configChecksum: checksumOf(configurationYaml),
    }) as KubernetesObject[];

    const generated = (id: string, length: number) =>
      pulumi.secret(new random.RandomPassword(`${name}-${id}`, { length, special: false }, { parent: this }).result);
    const secretData: Record<string, pulumi.Output<string>> = {
      [AUTHELIA_SECRET_KEYS.sessionSecret]: generated("session-secret", 64),
      [AUTHELIA_SECRET_KEYS.storageEncryptionKey]: generated("storage-encryption-key", 64),
      [AUTHELIA_SECRET_KEYS.resetPasswordJwtSecret]: generated("reset-password-jwt-secret", 64),
      [AUTHELIA_SECRET_KEYS.postgresPassword]: pulumi.secret(args.postgres.password),
      [AUTHELIA_SECRET_KEYS.redisPassword]: pulumi.secret(args.redis.password),
    };
    if (args.smtp?.password !== undefined) secretData[AUTHELIA_SECRET_KEYS.smtpPassword] = pulumi.secret(args.smtp.password);

    const passwordLength = args.initialPasswordLength ?? 32;
    if (!Number.isInteger(passwordLength) || passwordLength < 16) throw new Error(`Authelia: initialPasswordLength must be an integer of at least 16`);
    const passwords: Record<string, pulumi.Output<string>> = {};
    const digests: Record<string, pulumi.Output<string>> = {};
    for (const user of [...resolved.users].sort((a, b) => a.username.localeCompare(b.username))) {
      // The provider computes the bcrypt digest once, with the password, and keeps it in state (see users-database.ts).
      const initial = new random.RandomPassword(
        `${name}-initial-password-${user.username}`,
        { length: passwordLength, special: false },
        { parent: this, additionalSecretOutputs: ["bcryptHash"] },
      );
      passwords[user.username] = pulumi.secret(initial.result);
      digests[user.username] = pulumi.secret(initial.bcryptHash);
    }
    const allPasswords = pulumi.secret(pulumi.all(passwords));
    const usersDatabaseYaml = pulumi.secret(
      pulumi.all(digests).apply((d) => renderUsersDatabase(buildUsersDatabase(resolved.users, d))),
    );

    const withData = (obj: KubernetesObject): KubernetesObject => {
      if (obj.kind !== "Secret") return obj;
      if (obj.metadata.name === AUTHELIA_OBJECT_NAMES.secrets) return { ...obj, stringData: secretData };
      if (obj.metadata.name === AUTHELIA_OBJECT_NAMES.usersDatabase) return { ...obj, stringData: { [AUTHELIA_PATHS.usersFileName]: usersDatabaseYaml } };
      return obj;
    };
    // The Deployment is registered here rather than by registerKubernetesObjects, which sets `dependsOn` to the
    // namespace alone; same resource name either way (resourceNameOf).
    const isDeployment = (obj: KubernetesObject) => obj.kind === "Deployment";
    const registered = registerKubernetesObjects(name, objects.filter((o) => !isDeployment(o)).map(withData), { parent: this });
    this.namespaceResource = [...registered.values()].find((r) => r instanceof k8s.core.v1.Namespace) as k8s.core.v1.Namespace;
    for (const deployment of objects.filter(isDeployment)) {
      new k8s.apps.v1.Deployment(resourceNameOf(name, deployment), deployment as unknown as k8s.apps.v1.DeploymentArgs, {
        parent: this,
        dependsOn: [this.namespaceResource, ...(args.workloadDependsOn ?? [])],
      });
    }
    this.namespace = (this.namespaceResource as k8s.core.v1.Namespace).metadata.apply((m) => m?.name ?? resolved.namespace);
    this.portalUrl = pulumi.output(`https://${resolved.portalHost}`);
    this.forwardAuthAddress = this.namespace.apply(
      (ns) => `http://${AUTHELIA_OBJECT_NAMES.service}.${ns}.svc.cluster.local/api/authz/forward-auth`,
    );
    this.initialPasswords = allPasswords;
    this.registerOutputs({
      namespace: this.namespace,
      portalUrl: this.portalUrl,
      forwardAuthAddress: this.forwardAuthAddress,
      initialPasswords: this.initialPasswords,
    });
  }
}
