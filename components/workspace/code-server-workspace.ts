import * as pulumi from "@pulumi/pulumi";
import { imageRef, versions } from "../versions";
import * as k8s from "@pulumi/kubernetes";
import { registerKubernetesObjects, resourceNameOf, type KubernetesObject } from "../kubernetes/register";
import {
  buildWorkspaceManifests,
  DEFAULT_BLOCKED_IPV4_RANGES,
  DEFAULT_BLOCKED_IPV6_RANGES,
  AI_ASSISTANT_SECRET_KEY,
  WORKSPACE_OBJECT_NAMES,
  workspaceLabels,
  type WorkspaceManifestProps,
} from "./manifests";
import { DEFAULT_TIERS, DEFAULT_TIER_NAME, type WorkspaceTier } from "./tiers";
import { workspaceTelemetry } from "../observability/telemetry";

/** Workspace settings that do not depend on the person: shared by every workspace of a {@link WorkspaceFleet}. */
export interface WorkspaceSettings {
  /** Base domain; the workspace is served at `https://<username>.<domain>`. */
  domain: string;
  /** StorageClass of the home volume. Default: the cluster's default class. */
  storageClassName?: string;
  /** Prefix of the workspace namespace. Default `ws-`, which keeps user names clear of system namespaces. */
  namespacePrefix?: string;
  /** code-server image reference. Default: the pinned image in `components/versions.ts`. */
  image?: string;
  /** code-server exits after this many idle seconds (must be > 60); the pod restarts it fresh. Default 3600. */
  idleTimeoutSeconds?: number;
  /** IngressClass serving the route. Default `traefik`. */
  ingressClassName?: string;
  /** Namespace of the ingress controller: the only source allowed to reach code-server. Default `traefik`. */
  ingressControllerNamespace?: string;
  /** cert-manager ClusterIssuer that signs the workspace certificate. Default `vibecode-ca`. */
  clusterIssuer?: string;
  /**
   * Forward-auth endpoint of the single sign-on (Authelia's `/api/authz/forward-auth`); a Traefik ForwardAuth
   * Middleware pointing at it is created in the workspace namespace.
   * Default `http://authelia.authelia.svc.cluster.local/api/authz/forward-auth`.
   */
  forwardAuthAddress?: string;
  /**
   * Use this existing Traefik middleware (`<namespace>-<name>@kubernetescrd`) instead of creating one per
   * namespace. Default: unset.
   */
  forwardAuthMiddlewareRef?: string;
  /** IPv4 ranges the workspace may never reach. Default: private, CGNAT, loopback and link-local ranges. */
  blockedIpv4Ranges?: string[];
  /** IPv6 ranges the workspace may never reach. Default: unique-local, link-local and loopback. */
  blockedIpv6Ranges?: string[];
  /** Namespace of the cluster DNS service. Default `kube-system`. */
  dnsNamespace?: string;
  /** Labels of the cluster DNS pods. Default `{ "k8s-app": "kube-dns" }` (CoreDNS keeps that label). */
  dnsPodLabels?: Record<string, string>;
  /**
   * API key of the AI coding assistant (Claude Code) in the workspace image: stored as the Secret `ai-assistant`
   * in each workspace namespace and read at run time as ANTHROPIC_API_KEY. Default: no key (the Secret may also be
   * created by its owner).
   */
  aiApiKey?: pulumi.Input<string>;
  /**
   * Let the platform's idle culler stop this workspace's pod after the tier's `idleAfterSeconds` (else
   * `idleTimeoutSeconds`) without a heartbeat; files stay. Needs the culler (stack config `idleCulling`). Default `false`.
   */
  idleCulling?: boolean;
  /** Environment name of the Datadog unified service tags (e.g. the stack name). Default `default`. */
  environment?: string;
  /**
   * Protect the namespace and home volume from deletion (Pulumi `protect` and `retainOnDelete`). Default `true`.
   * Turning it off is how a purge is done on purpose; see the README.
   */
  protectData?: boolean;
}

/** Arguments of {@link CodeServerWorkspace}: one person plus the shared settings. Only `username` and `domain` are required. */
export interface CodeServerWorkspaceArgs extends WorkspaceSettings {
  /** Owner's username: a DNS label. Names the namespace (`<namespacePrefix><username>`) and the host. */
  username: string;
  /** Owner's e-mail, recorded as a namespace annotation for operators. */
  email?: string;
  /** `false` suspends the workspace: no pod, no route; namespace and home volume are kept. Default `true`. */
  enabled?: boolean;
  /** Resource preset. Default: the built-in `small` tier. */
  tier?: WorkspaceTier;
  /** Name of the tier, recorded as a pod label. Default `small`. */
  tierName?: string;
  /** Home volume size override (Kubernetes quantity). Default: the tier's `storage`. */
  storage?: string;
}

/** Default forward-auth endpoint: the Authelia service the platform stack deploys. */
export const DEFAULT_FORWARD_AUTH_ADDRESS = "http://authelia.authelia.svc.cluster.local/api/authz/forward-auth";

/** Fills in every default of {@link CodeServerWorkspaceArgs}; exported so tests and tools see the same values. */
export function resolveWorkspaceProps(args: CodeServerWorkspaceArgs): WorkspaceManifestProps {
  const tier = args.tier ?? DEFAULT_TIERS[DEFAULT_TIER_NAME]!;
  const idle = args.idleTimeoutSeconds ?? 3600;
  if (!Number.isInteger(idle) || idle <= 60) {
    throw new Error(`CodeServerWorkspace ${args.username}: idleTimeoutSeconds must be an integer above 60, got ${idle}`);
  }
  const image = tier.image ?? args.image ?? imageRef(versions.codeServer);
  // Tags are set whether or not Datadog runs, so switching it on restarts no workspace.
  const telemetry = workspaceTelemetry({
    username: args.username,
    env: args.environment ?? "default",
    version: /:([A-Za-z0-9_.-]+)$/.exec(image)?.[1] ?? "unknown",
  });
  return {
    username: args.username,
    email: args.email,
    namespace: `${args.namespacePrefix ?? "ws-"}${args.username}`,
    host: `${args.username}.${args.domain}`,
    enabled: args.enabled ?? true,
    tier,
    tierName: args.tierName ?? DEFAULT_TIER_NAME,
    storage: args.storage ?? tier.storage,
    storageClassName: args.storageClassName,
    image,
    aiAssistantSecretName: WORKSPACE_OBJECT_NAMES.aiAssistant,
    idleAfterSeconds: args.idleCulling ? (tier.idleAfterSeconds ?? idle) : undefined,
    telemetryLabels: telemetry.labels,
    telemetryPodAnnotations: telemetry.podAnnotations,
    idleTimeoutSeconds: idle,
    ingressClassName: args.ingressClassName ?? "traefik",
    ingressControllerNamespace: args.ingressControllerNamespace ?? "traefik",
    clusterIssuer: args.clusterIssuer ?? "vibecode-ca",
    forwardAuthAddress: args.forwardAuthMiddlewareRef ? undefined : (args.forwardAuthAddress ?? DEFAULT_FORWARD_AUTH_ADDRESS),
    forwardAuthMiddlewareRef: args.forwardAuthMiddlewareRef,
    blockedIpv4Ranges: args.blockedIpv4Ranges ?? DEFAULT_BLOCKED_IPV4_RANGES,
    blockedIpv6Ranges: args.blockedIpv6Ranges ?? DEFAULT_BLOCKED_IPV6_RANGES,
    dnsNamespace: args.dnsNamespace ?? "kube-system",
    dnsPodLabels: args.dnsPodLabels ?? { "k8s-app": "kube-dns" },
  };
}

/** Kinds that hold a person's data: deleting them deletes files. */
function holdsData(obj: KubernetesObject): boolean {
  return obj.kind === "PersistentVolumeClaim" || obj.kind === "Namespace";
}

/**
 * One person's browser VS Code: namespace (Pod Security `restricted`), token-less ServiceAccount, protected home
 * volume, code-server Deployment, Service, TLS Ingress behind forward-auth, default-deny NetworkPolicies,
 * ResourceQuota and LimitRange. Each Kubernetes object is its own Pulumi resource.
 */
export class CodeServerWorkspace extends pulumi.ComponentResource {
  /** The workspace namespace. */
  public readonly namespace: pulumi.Output<string>;
  /** Host name of the workspace. */
  public readonly host: pulumi.Output<string>;
  /** `https://` URL of the workspace (it answers only while the user is enabled). */
  public readonly url: pulumi.Output<string>;
  /** Name of the code-server Service inside the namespace. */
  public readonly serviceName: pulumi.Output<string>;
  /** Whether the workspace is running (not suspended). */
  public readonly enabled: pulumi.Output<boolean>;

  constructor(name: string, args: CodeServerWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vibecode:workspace:CodeServerWorkspace", name, {}, opts);
    const props = resolveWorkspaceProps(args);
    const protectData = args.protectData ?? true;
    const objects = buildWorkspaceManifests(props) as KubernetesObject[];
    // A component's dependsOn is not inherited by its children in Pulumi: hand it down explicitly (e.g. the
    // ingress controller whose CRD the Middleware needs).
    const registered = registerKubernetesObjects(name, objects, { parent: this, dependsOn: opts?.dependsOn }, (obj) =>
      holdsData(obj) && protectData ? { protect: true, retainOnDelete: true } : {},
    );
    if (args.aiApiKey !== undefined) {
      const ns = registered.get(resourceNameOf(name, objects[0]!))!;
      new k8s.core.v1.Secret(
        `${name}:Secret/${props.namespace}/${WORKSPACE_OBJECT_NAMES.aiAssistant}`,
        {
          metadata: { name: WORKSPACE_OBJECT_NAMES.aiAssistant, namespace: props.namespace, labels: workspaceLabels(props.username) },
          stringData: { [AI_ASSISTANT_SECRET_KEY]: pulumi.secret(args.aiApiKey) },
        },
        { parent: this, dependsOn: [ns] },
      );
    }
    this.namespace = pulumi.output(props.namespace);
    this.host = pulumi.output(props.host);
    this.url = pulumi.output(`https://${props.host}`);
    this.serviceName = pulumi.output<string>(WORKSPACE_OBJECT_NAMES.service);
    this.enabled = pulumi.output(props.enabled);
    this.registerOutputs({
      namespace: this.namespace,
      host: this.host,
      url: this.url,
      serviceName: this.serviceName,
      enabled: this.enabled,
    });
  }
}
