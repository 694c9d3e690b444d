/**
 * Pieces shared by the data services ({@link Postgres}, {@link Redis}): argument checks, labels, the restricted
 * security context and the NetworkPolicies that fence a data pod off from everything but its clients.
 * Pure functions, no Pulumi: the manifest builders and the tests use them directly.
 */
import type { Chart } from "cdk8s";
import { k8s } from "../kubernetes/k8s-api";

/** CPU and memory of one data-service container (Kubernetes quantities). */
export interface DataResources {
  /** CPU request, e.g. `50m`. */
  cpuRequest: string;
  /** Memory request, e.g. `128Mi`. */
  memoryRequest: string;
  /** CPU limit, e.g. `500m`. */
  cpuLimit: string;
  /** Memory limit, e.g. `512Mi`. */
  memoryLimit: string;
}

/** Labels every data-service object carries. */
export function dataLabels(app: string, instance: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": app,
    "app.kubernetes.io/instance": instance,
    "app.kubernetes.io/component": "database",
    "app.kubernetes.io/part-of": "vibecode",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** The subset of {@link dataLabels} that selects the pods (stable across upgrades: selectors are immutable). */
export function dataPodSelector(app: string, instance: string): Record<string, string> {
  return { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": instance };
}

const QUANTITY = /^[+]?(?:\d+(?:\.\d*)?|\.\d+)(?:Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|n|u|m|k|M|G|T|P|E)?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Thrown for invalid component arguments; the message names the component and the argument. */
export class DataArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataArgsError";
  }
}

/** Checks that `value` is one of `allowed`; the error lists every allowed value. */
export function checkOneOf<T extends string>(where: string, arg: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new DataArgsError(
      `${where}: ${arg} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}; got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}

/** Checks a Kubernetes quantity (e.g. `5Gi`, `50m`); catches typos like `5GB` before the API server does. */
export function checkQuantity(where: string, arg: string, value: string): string {
  if (typeof value !== "string" || !QUANTITY.test(value)) {
    throw new DataArgsError(`${where}: ${arg} must be a Kubernetes quantity such as 5Gi or 500m; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Checks a name used for a Service (DNS-1035 label, at most `max` characters to leave room for suffixes). */
export function checkServiceName(where: string, arg: string, value: string, max = 40): string {
  if (typeof value !== "string" || value.length > max || !DNS1035_LABEL.test(value)) {
    throw new DataArgsError(
      `${where}: ${arg} must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter) of at most ${max} characters; got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Checks a namespace name (DNS-1123 label). */
export function checkNamespace(where: string, value: string): string {
  if (typeof value !== "string" || value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw new DataArgsError(`${where}: namespace must be a DNS-1123 label; got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Checks the client pod labels. They must be non-empty: an empty `matchLabels` selects EVERY pod of the namespace,
 * which would turn "only Authelia may connect" into "anyone in the namespace may connect".
 */
export function checkClientPodLabels(where: string, labels: Record<string, string> | undefined): Record<string, string> {
  if (!labels || typeof labels !== "object" || Object.keys(labels).length === 0) {
    throw new DataArgsError(
      `${where}: clientPodLabels must name at least one label of the client pods (e.g. {"app.kubernetes.io/name": "authelia"}); an empty selector would admit every pod in the namespace`,
    );
  }
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.indexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    const keyOk = (prefix === undefined || (prefix.length <= 253 && LABEL_PREFIX.test(prefix))) && name.length <= 63 && LABEL_NAME.test(name);
    const valueOk = typeof value === "string" && (value === "" || (value.length <= 63 && LABEL_NAME.test(value)));
    if (!keyOk || !valueOk) {
      throw new DataArgsError(`${where}: clientPodLabels has an invalid label ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
    }
  }
  return { ...labels };
}

/** Checks a positive integer argument. */
export function checkPositiveInteger(where: string, arg: string, value: number, min = 1, max = 65535): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DataArgsError(`${where}: ${arg} must be an integer from ${min} to ${max}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Checks every quantity of a {@link DataResources}. */
export function checkResources(where: string, r: DataResources): DataResources {
  for (const key of ["cpuRequest", "memoryRequest", "cpuLimit", "memoryLimit"] as const) {
    checkQuantity(where, `resources.${key}`, r[key]);
  }
  return { ...r };
}

/**
 * Pod-level security context of a data pod: the image's own non-root user (uid/gid), the volume group set to it
 * so the PVC is writable, RuntimeDefault seccomp. Meets Pod Security `restricted`.
 */
export function podSecurityContext(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    // Chown/chmod the volume only while its root does not yet belong to the group. Besides fast restarts, this
    // matters for PostgreSQL: a recursive group-write pass on every mount would make PGDATA 0770, and PostgreSQL
    // refuses to start on a data directory with group write access.
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level security context: no privileges, nothing to escalate to, a read-only image filesystem. */
export function containerSecurityContext(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * Adds the two NetworkPolicies every in-cluster data service gets:
 * - `<name>-default-deny`: the data pods accept nothing and send nothing (the statefulset Postgres and Valkey only
 *   answer: no DNS, no API server, no peers);
 * - `<name>-allow-clients`: ingress on `port`/TCP only from pods of the same namespace carrying `clientPodLabels`.
 * Policies are additive, so together they admit exactly "clients, on this port". Both select the data pods only, not
 * the whole namespace: the namespace belongs to the caller and holds the clients too.
 */
export function addClientOnlyNetworkPolicies(
  chart: Chart,
  p: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    podSelector: Record<string, string>;
    clientPodLabels: Record<string, string>;
    port: number;
  },
): void {
  new k8s.KubeNetworkPolicy(chart, `${p.name}-default-deny`, {
    metadata: { name: `${p.name}-default-deny`, namespace: p.namespace, labels: p.labels },
    spec: { podSelector: { matchLabels: { ...p.podSelector } }, policyTypes: ["Ingress", "Egress"] },
  });
  new k8s.KubeNetworkPolicy(chart, `${p.name}-allow-clients`, {
    metadata: { name: `${p.name}-allow-clients`, namespace: p.namespace, labels: p.labels },
    spec: {
      podSelector: { matchLabels: { ...p.podSelector } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          // A podSelector without a namespaceSelector means: pods of this same namespace only.
          from: [{ podSelector: { matchLabels: { ...p.clientPodLabels } } }],
          ports: [{ protocol: "TCP", port: k8s.IntOrString.fromNumber(p.port) }],
        },
      ],
    },
  });
}

/** `<service>.<namespace>.svc.cluster.local`. */
export function serviceHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Readonly<Record<string, number>> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Bytes of a memory quantity (`192Mi` → 201326592); throws for CPU-style suffixes (`m`, `u`, `n`). */
export function memoryBytes(where: string, arg: string, value: string): number {
  const m = /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE]\d+|k|M|G|T|P|E)?$/.exec(value);
  if (!m) throw new DataArgsError(`${where}: ${arg} must be a memory quantity such as 192Mi; got ${JSON.stringify(value)}`);
  const [, num, suffix = ""] = m as unknown as [string, string, string?];
  const factor = BINARY[suffix] ?? DECIMAL[suffix] ?? 10 ** Number(suffix.slice(1));
  return Math.floor(Number(num) * factor);
}
