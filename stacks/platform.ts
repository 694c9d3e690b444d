/**
 * The stack program: stack config + users file → the platform. One function serves `pulumi up` (infra/index.ts),
 * the offline render and the tests, so all three see the same resources.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../components/cluster/cluster";
import { WorkspaceFleet } from "../components/provisioning/workspace-fleet";
import { WorkspaceImage, workspaceImageRef } from "../components/workspace-image/workspace-image";
import { buildIdleCullerManifests } from "../components/idle/idle-culler";
import { registerKubernetesObjects, type KubernetesObject } from "../components/kubernetes/register";
import { AUTH_NAMESPACE, buildPlatformServices, type PlatformServices } from "./platform-services";
import { readUsersFile, type WorkspaceUser } from "../components/provisioning/users-file";
import { readPreviousDeployment, unsafeRemovals, USERS_PURGEABLE_OUTPUT, USERS_WITH_DATA_OUTPUT } from "../components/provisioning/removal-guard";
import { clusterIssuerOf, CONFIG_NAMESPACE, parseStackConfig, StackConfigError, usersFileRules, type StackConfig } from "./config";
import { DatadogConfigError, parseDatadogConfig, type DatadogConfig } from "../components/observability/datadog-config";
import { buildObservability } from "../components/observability/observability";
import { AUTHELIA_POD_LABELS } from "../components/auth/manifests";

/** Root of the project (where Pulumi.yaml lives). */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** Inputs of one stack run, validated. */
export interface PlatformInputs {
  stack: string;
  config: StackConfig;
  /** The `datadog:` namespace (observability and autoscaling). */
  datadog: DatadogConfig;
  users: WorkspaceUser[];
  usersFile: string;
}

/**
 * Validates config and users file — everything is checked before anything is planned. `usersFileOverride` (a
 * path) wins over the `usersFile` key and the default `stacks/<stack>/users.yaml`. Throws StackConfigError or
 * UsersFileError with positioned messages.
 */
export function loadPlatformInputs(
  stack: string,
  rawConfig: Record<string, string>,
  configSource: string,
  usersFileOverride?: string,
  secretKeys?: readonly string[],
): PlatformInputs {
  // Both config namespaces are checked before either error is reported, so one run lists every problem.
  const problems: string[] = [];
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (err) {
      if (err instanceof StackConfigError || err instanceof DatadogConfigError) problems.push(...(err as { problems: string[] }).problems);
      else throw err;
      return undefined;
    }
  };
  const config = attempt(() => parseStackConfig(rawConfig, configSource));
  const datadog = attempt(() => parseDatadogConfig(rawConfig, configSource, secretKeys));
  if (!config || !datadog) throw new StackConfigError(problems);
  const usersFile = usersFileOverride ?? path.resolve(PROJECT_ROOT, config.usersFile ?? path.join("stacks", stack, "users.yaml"));
  const users = readUsersFile(usersFile, usersFileRules(config));
  return { stack, config, datadog, users, usersFile };
}

/** Stack outputs. Only `initialPasswords` holds secrets, and it is a Pulumi secret. */
export interface PlatformOutputs {
  /** `https://<user>.<domain>` per person. */
  workspaceUrls: pulumi.Output<Record<string, string>>;
  /** The single sign-on portal. */
  portalUrl: pulumi.Output<string>;
  /** Secret: each person's generated initial password, for delivery. */
  initialPasswords: pulumi.Output<Record<string, string>>;
  /**
   * Secret: the cluster's kubeconfig, for workspace shards — only when this stack has one (KIND, or a `kubeconfig`
   * secret); with `kubeContext` shards use the same context from their own kubeconfig.
   */
  kubeconfig?: pulumi.Output<string | undefined>;
  /** Every username whose files exist after this deployment (read back by the removal guard). */
  [USERS_WITH_DATA_OUTPUT]: string[];
  /** Usernames prepared for purge (`purgeUsers`): the next deployment may delete their files. */
  [USERS_PURGEABLE_OUTPUT]: string[];
}

/** The shard of a username: stable for a fixed shard count, whatever users come and go. */
export function shardOf(username: string, shardCount: number): number {
  return createHash("sha256").update(username).digest().readUInt32BE(0) % shardCount;
}

/**
 * Builds the platform from validated inputs: cluster, routing, sign-on and its data, then the workspaces — or,
 * by `role`, only the platform, or only one shard of the workspaces on the platform stack's cluster.
 */
export function buildPlatform(inputs: PlatformInputs): PlatformOutputs {
  const { config } = inputs;
  let provider: k8s.Provider;
  let services: PlatformServices | undefined;
  let kubeconfig: pulumi.Output<string | undefined>;
  if (config.role === "workspaces") {
    // A shard runs on the platform stack's cluster; the platform stack exports its kubeconfig as a secret.
    const platform = new pulumi.StackReference("platform", { name: config.platformStack! });
    kubeconfig = pulumi.secret(platform.getOutput("kubeconfig") as pulumi.Output<string | undefined>);
    provider = new k8s.Provider("platform-cluster", { kubeconfig, context: config.kubeContext, enableSecretMutable: true });
  } else {
    const cluster = new Cluster("cluster", {
      mode: config.cluster,
      kindName: config.kindName,
      context: config.kubeContext,
      kubeconfig: config.kubeconfig === undefined ? undefined : pulumi.secret(config.kubeconfig),
    });
    provider = cluster.provider;
    kubeconfig = cluster.kubeconfig;
    services = buildPlatformServices(config, inputs.users, { providers: [provider] });
    // Replicated shared services scale with load: exactly one autoscaler each (WPA/DPA with Datadog, else an HPA).
    const autoscaled = [
      ...(config.installTraefik && config.traefikReplicas > 1
        ? [{ kind: "Deployment", name: "traefik", namespace: config.ingressNamespace, minReplicas: config.traefikReplicas, maxReplicas: config.traefikReplicas * 3, podLabels: { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": `traefik-${config.ingressNamespace}` }, podCpuRequest: "50m" }]
        : []),
      ...(config.autheliaReplicas > 1
        ? [{ kind: "Deployment", name: "authelia", namespace: AUTH_NAMESPACE, minReplicas: config.autheliaReplicas, maxReplicas: config.autheliaReplicas * 3, podLabels: { ...AUTHELIA_POD_LABELS }, podCpuRequest: "55m" }]
        : []),
    ];
    if (config.idleCulling) registerKubernetesObjects("idle-culler", buildIdleCullerManifests() as KubernetesObject[], { provider });
    buildObservability(inputs.datadog, { providers: [provider], dependsOn: [services.ingress, services.authelia], stack: inputs.stack, autoscaled });
  }
  // The workspace image, when this stack builds it: KIND loads it into the nodes, anything else gets it pushed.
  let image: string | undefined;
  const imageDeps: pulumi.Resource[] = [];
  if (config.workspaceImageRepository && config.role !== "platform") {
    const imageArgs = {
      repository: config.workspaceImageRepository,
      push: config.cluster !== "kind",
      kindClusterName: config.cluster === "kind" ? config.kindName : "",
      registryUsername: config.workspaceImageRegistryUsername,
      registryPassword: config.workspaceImageRegistryPassword === undefined ? undefined : pulumi.secret(config.workspaceImageRegistryPassword),
    };
    imageDeps.push(new WorkspaceImage("workspace-image", imageArgs));
    image = workspaceImageRef(imageArgs);
  }
  const users =
    config.role === "platform" ? [] : config.role === "workspaces" ? inputs.users.filter((u) => shardOf(u.username, config.shardCount) === config.shard) : inputs.users;
  const fleet = new WorkspaceFleet(
    "workspaces",
    {
      users,
      tiers: config.tiers,
      defaultTier: config.defaultTier,
      purgeUsers: config.purgeUsers,
      workspace: {
        domain: config.domain,
        storageClassName: config.storageClass,
        namespacePrefix: config.namespacePrefix,
        idleTimeoutSeconds: config.idleTimeoutSeconds,
        ingressClassName: config.ingressClassName,
        ingressControllerNamespace: config.ingressNamespace,
        clusterIssuer: clusterIssuerOf(config),
        forwardAuthAddress: config.forwardAuthAddress,
        blockedIpv4Ranges: config.blockedIpv4Ranges,
        blockedIpv6Ranges: config.blockedIpv6Ranges,
        environment: inputs.stack,
        image,
        aiApiKey: config.aiApiKey === undefined ? undefined : pulumi.secret(config.aiApiKey),
        idleCulling: config.idleCulling,
      },
    },
    // Workspace routes need the ingress controller's CRDs (Middleware) and the issuers.
    { providers: [provider], dependsOn: [...(services ? [services.ingress] : []), ...imageDeps] },
  );
  const usernames = users.map((u) => u.username).sort();
  return {
    workspaceUrls: fleet.urls,
    portalUrl: services ? services.authelia.portalUrl : pulumi.output(`https://auth.${config.domain}`),
    initialPasswords: services ? services.authelia.initialPasswords : pulumi.secret<Record<string, string>>({}),
    // An undefined output would only draw a warning on every preview ("will not show as a stack output").
    ...(config.role !== "workspaces" && (config.cluster === "kind" || config.kubeconfig !== undefined) ? { kubeconfig: pulumi.secret(kubeconfig) } : {}),
    [USERS_WITH_DATA_OUTPUT]: usernames,
    [USERS_PURGEABLE_OUTPUT]: usernames.filter((u) => config.purgeUsers.includes(u)),
  };
}

/**
 * The whole program for validated inputs: the removal guard first (before any resource is registered, so a
 * refused removal leaves nothing half-applied), then the platform.
 */
export async function runPlatform(inputs: PlatformInputs): Promise<PlatformOutputs> {
  if (inputs.config.removalGuard) {
    const self = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    const previous = await readPreviousDeployment(self);
    const problems = unsafeRemovals(previous, inputs.users.map((u) => u.username), inputs.usersFile, `${CONFIG_NAMESPACE}:purgeUsers`);
    if (problems.length > 0) throw new pulumi.RunError(problems.join("\n"));
  }
  return buildPlatform(inputs);
}

/** Entry used by `pulumi up`: config from the engine, users file from config. */
export async function runStackProgram(): Promise<PlatformOutputs> {
  const stack = pulumi.getStack();
  let inputs: PlatformInputs;
  try {
    inputs = loadPlatformInputs(stack, pulumi.runtime.allConfig(), `Pulumi.${stack}.yaml`);
  } catch (err) {
    // A RunError prints its message without a stack trace: the message already says where and what to fix.
    throw new pulumi.RunError((err as Error).message);
  }
  return runPlatform(inputs);
}
