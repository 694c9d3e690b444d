/**
 * HTTPS routing for the platform: Traefik v3 (default IngressClass, HTTP → HTTPS) and cert-manager with the
 * ClusterIssuers that sign workspace certificates. Each operator can be left out for clusters that already run it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { versions } from "../versions";
import { namespaceObject } from "../kubernetes/namespace";
import { registerKubernetesObjects, type KubernetesObject } from "../kubernetes/register";

/** Arguments of {@link Ingress}. */
export interface IngressArgs {
  /** Install Traefik. Default `true`; `false` when the cluster already runs it. */
  installTraefik?: boolean;
  /** Namespace of Traefik (also the only source admitted to workspaces). Default `traefik`. */
  traefikNamespace?: string;
  /** Traefik replicas; above 1 a PodDisruptionBudget and a spread over nodes are added. Default 1. */
  traefikReplicas?: number;
  /**
   * How Traefik is exposed: `nodePort` (ports 30080/30443, mapped to the host's 80/443 by the KIND cluster) or
   * `loadBalancer` (a cloud load balancer). Default `loadBalancer`.
   */
  exposure?: string;
  /** Name of the IngressClass Traefik serves (the cluster's default class). Default `traefik`. */
  ingressClassName?: string;
  /** Install cert-manager (with its CRDs). Default `true`. */
  installCertManager?: boolean;
  /** Namespace of cert-manager; the CA secret of the dev issuer lives there. Default `cert-manager`. */
  certManagerNamespace?: string;
  /** cert-manager replicas (controller and webhook). Default 1. */
  certManagerReplicas?: number;
  /**
   * How workspace certificates are issued: `selfSigned` (dev: a self-signed root → CA issuer, one root for the
   * browser to trust) or `acme` (prod: Let's Encrypt HTTP-01). Default `selfSigned`.
   */
  issuer?: string;
  /** Name of the ClusterIssuer workspaces use. Default `vibecode-ca` (selfSigned) or `letsencrypt` (acme). */
  clusterIssuerName?: string;
  /** ACME account e-mail; required for `acme`. */
  acmeEmail?: string;
  /** ACME directory. Default Let's Encrypt production. */
  acmeServer?: string;
  /**
   * Optional cert-manager DNS-01 solver as JSON (the `dns01` object of an ACME solver, e.g.
   * `{"cloudflare": {...}}`), used for names under `acmeDnsZone` — needed for a wildcard certificate.
   * Default: HTTP-01 only. (JSON text keeps the argument usable from every Pulumi language.)
   */
  acmeDns01Solver?: string;
  /** DNS zone the DNS-01 solver serves. */
  acmeDnsZone?: string;
}

/** The dev root CA: its Secret (in the cert-manager namespace) holds the certificate browsers must trust. */
export const DEV_ROOT_CA_SECRET = "vibecode-root-ca";

const EXPOSURES = ["nodePort", "loadBalancer"];
const ISSUERS = ["selfSigned", "acme"];

/** Resolved settings of {@link Ingress}. */
export interface ResolvedIngressArgs {
  installTraefik: boolean;
  traefikNamespace: string;
  traefikReplicas: number;
  exposure: "nodePort" | "loadBalancer";
  ingressClassName: string;
  installCertManager: boolean;
  certManagerNamespace: string;
  certManagerReplicas: number;
  issuer: "selfSigned" | "acme";
  clusterIssuerName: string;
  acmeEmail?: string;
  acmeServer: string;
  acmeDns01Solver?: Record<string, unknown>;
  acmeDnsZone?: string;
}

/** Defaults and runtime checks of {@link IngressArgs} (plain strings keep the args usable from other languages). */
export function resolveIngressArgs(args: IngressArgs): ResolvedIngressArgs {
  const exposure = args.exposure ?? "loadBalancer";
  const issuer = args.issuer ?? "selfSigned";
  if (!EXPOSURES.includes(exposure)) throw new Error(`Ingress: exposure must be one of ${EXPOSURES.join(", ")}, got "${exposure}"`);
  if (!ISSUERS.includes(issuer)) throw new Error(`Ingress: issuer must be one of ${ISSUERS.join(", ")}, got "${issuer}"`);
  if (issuer === "acme" && !args.acmeEmail) throw new Error("Ingress: issuer acme needs acmeEmail (the ACME account's e-mail)");
  if (args.acmeDns01Solver && !args.acmeDnsZone) throw new Error("Ingress: acmeDns01Solver needs acmeDnsZone");
  let dns01: Record<string, unknown> | undefined;
  if (args.acmeDns01Solver) {
    try {
      dns01 = JSON.parse(args.acmeDns01Solver) as Record<string, unknown>;
    } catch {
      throw new Error("Ingress: acmeDns01Solver must be JSON (a cert-manager dns01 solver object)");
    }
    if (!dns01 || typeof dns01 !== "object" || Array.isArray(dns01)) throw new Error("Ingress: acmeDns01Solver must be a JSON object");
  }
  return {
    installTraefik: args.installTraefik ?? true,
    traefikNamespace: args.traefikNamespace ?? "traefik",
    traefikReplicas: args.traefikReplicas ?? 1,
    exposure: exposure as ResolvedIngressArgs["exposure"],
    ingressClassName: args.ingressClassName ?? "traefik",
    installCertManager: args.installCertManager ?? true,
    certManagerNamespace: args.certManagerNamespace ?? "cert-manager",
    certManagerReplicas: args.certManagerReplicas ?? 1,
    issuer: issuer as ResolvedIngressArgs["issuer"],
    clusterIssuerName: args.clusterIssuerName ?? (issuer === "acme" ? "letsencrypt" : "vibecode-ca"),
    acmeEmail: args.acmeEmail,
    acmeServer: args.acmeServer ?? "https://acme-v02.api.letsencrypt.org/directory",
    acmeDns01Solver: dns01,
    acmeDnsZone: args.acmeDnsZone,
  };
}

/** Helm values of the Traefik chart. */
export function traefikValues(a: ResolvedIngressArgs): Record<string, unknown> {
  const ha = a.traefikReplicas > 1;
  const nodePort = a.exposure === "nodePort";
  return {
    image: { tag: versions.traefikChart.appVersion },
    deployment: { replicas: a.traefikReplicas },
    podDisruptionBudget: ha ? { enabled: true, minAvailable: 1 } : { enabled: false },
    topologySpreadConstraints: ha
      ? [
          {
            maxSkew: 1,
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": `traefik-${a.traefikNamespace}` } },
          },
        ]
      : [],
    ingressClass: { enabled: true, isDefaultClass: true, name: a.ingressClassName },
    // One ForwardAuth Middleware lives in each workspace namespace, so no cross-namespace reference is needed.
    providers: { kubernetesCRD: { enabled: true, allowCrossNamespace: false }, kubernetesIngress: { enabled: true } },
    ports: {
      web: {
        ...(nodePort ? { nodePort: 30080 } : {}),
        // ACME HTTP-01 challenges are answered before the redirect.
        allowACMEByPass: true,
        http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } },
      },
      websecure: { ...(nodePort ? { nodePort: 30443 } : {}) },
    },
    service: { type: nodePort ? "NodePort" : "LoadBalancer" },
    globalArguments: ["--global.checknewversion=false", "--global.sendanonymoususage=false"],
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } },
  };
}

/** Helm values of the cert-manager chart. */
export function certManagerValues(a: ResolvedIngressArgs): Record<string, unknown> {
  const small = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { memory: "256Mi" } });
  return {
    crds: { enabled: true, keep: true },
    replicaCount: a.certManagerReplicas,
    podDisruptionBudget: { enabled: a.certManagerReplicas > 1, minAvailable: 1 },
    resources: small("25m", "64Mi"),
    webhook: { replicaCount: a.certManagerReplicas, resources: small("10m", "32Mi") },
    cainjector: { resources: small("10m", "64Mi") },
    startupapicheck: { resources: small("10m", "32Mi") },
  };
}

/** The ClusterIssuers (and, for dev, the root CA Certificate) as plain objects. */
export function issuerObjects(a: ResolvedIngressArgs): KubernetesObject[] {
  if (a.issuer === "selfSigned") {
    const selfSigned = `${a.clusterIssuerName}-selfsigned`;
    return [
      { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: selfSigned }, spec: { selfSigned: {} } },
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: DEV_ROOT_CA_SECRET, namespace: a.certManagerNamespace },
        spec: {
          isCA: true,
          commonName: "VibeCode development root CA",
          secretName: DEV_ROOT_CA_SECRET,
          duration: "87600h",
          privateKey: { algorithm: "ECDSA", size: 256 },
          issuerRef: { name: selfSigned, kind: "ClusterIssuer", group: "cert-manager.io" },
        },
      },
      { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: a.clusterIssuerName }, spec: { ca: { secretName: DEV_ROOT_CA_SECRET } } },
    ];
  }
  const solvers: Record<string, unknown>[] = [{ http01: { ingress: { ingressClassName: a.ingressClassName } } }];
  if (a.acmeDns01Solver) solvers.unshift({ selector: { dnsZones: [a.acmeDnsZone] }, dns01: a.acmeDns01Solver });
  return [
    {
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      metadata: { name: a.clusterIssuerName },
      spec: {
        acme: {
          email: a.acmeEmail,
          server: a.acmeServer,
          privateKeySecretRef: { name: `${a.clusterIssuerName}-account-key` },
          solvers,
        },
      },
    },
  ];
}

/**
 * Traefik + cert-manager + ClusterIssuers. Helm releases are `helm.v3.Release` resources, so their chart,
 * repository, version and values are visible to previews, policies and the offline render.
 */
export class Ingress extends pulumi.ComponentResource {
  /** IngressClass name to put on Ingresses. */
  public readonly ingressClassName: string;
  /** ClusterIssuer for `cert-manager.io/cluster-issuer`. */
  public readonly clusterIssuerName: string;
  /** Namespace of the ingress controller. */
  public readonly controllerNamespace: string;

  constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vibecode:ingress:Ingress", name, {}, opts);
    const a = resolveIngressArgs(args);
    const child = { parent: this };

    if (a.installTraefik) {
      const [ns] = registerKubernetesObjects(name, [namespaceObject(a.traefikNamespace, "restricted", { "app.kubernetes.io/part-of": "vibecode" })], child).values();
      new k8s.helm.v3.Release(
        `${name}:traefik`,
        {
          name: "traefik",
          namespace: a.traefikNamespace,
          chart: versions.traefikChart.chart,
          version: versions.traefikChart.version,
          repositoryOpts: { repo: versions.traefikChart.repo },
          values: traefikValues(a),
          cleanupOnFail: true,
        },
        { ...child, dependsOn: [ns!] },
      );
    }

    const issuerDeps: pulumi.Resource[] = [];
    if (a.installCertManager) {
      const [ns] = registerKubernetesObjects(name, [namespaceObject(a.certManagerNamespace, "restricted", { "app.kubernetes.io/part-of": "vibecode" })], child).values();
      issuerDeps.push(
        new k8s.helm.v3.Release(
          `${name}:cert-manager`,
          {
            name: "cert-manager",
            namespace: a.certManagerNamespace,
            chart: versions.certManagerChart.chart,
            version: versions.certManagerChart.version,
            repositoryOpts: { repo: versions.certManagerChart.repo },
            values: certManagerValues(a),
            cleanupOnFail: true,
          },
          { ...child, dependsOn: [ns!] },
        ),
      );
    }
    // The issuers need cert-manager's CRDs, which the release installs.
    registerKubernetesObjects(name, issuerObjects(a), { ...child, dependsOn: issuerDeps });

    this.ingressClassName = a.ingressClassName;
    this.clusterIssuerName = a.clusterIssuerName;
    this.controllerNamespace = a.traefikNamespace;
    this.registerOutputs({});
  }
}
