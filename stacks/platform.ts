/**
 * The stack program: stack config + users file → the platform. One function serves `pulumi up` (infra/index.ts),
 * the offline render and the tests, so all three see the same resources.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../components/cluster/cluster";
import { WorkspaceFleet } from "../components/provisioning/workspace-fleet";
import { buildPlatformServices } from "./platform-services";
import { readUsersFile, type WorkspaceUser } from "../components/provisioning/users-file";
import { readPreviousDeployment, unsafeRemovals, USERS_PURGEABLE_OUTPUT, USERS_WITH_DATA_OUTPUT } from "../components/provisioning/removal-guard";
import { clusterIssuerOf, CONFIG_NAMESPACE, parseStackConfig, usersFileRules, type StackConfig } from "./config";

/** Root of the project (where Pulumi.yaml lives). */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** Inputs of one stack run, validated. */
export interface PlatformInputs {
  stack: string;
  config: StackConfig;
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
): PlatformInputs {
  const config = parseStackConfig(rawConfig, configSource);
  const usersFile = usersFileOverride ?? path.resolve(PROJECT_ROOT, config.usersFile ?? path.join("stacks", stack, "users.yaml"));
  const users = readUsersFile(usersFile, usersFileRules(config));
  return { stack, config, users, usersFile };
}

/** Stack outputs. Only `initialPasswords` holds secrets, and it is a Pulumi secret. */
export interface PlatformOutputs {
  /** `https://<user>.<domain>` per person. */
  workspaceUrls: pulumi.Output<Record<string, string>>;
  /** The single sign-on portal. */
  portalUrl: pulumi.Output<string>;
  /** Secret: each person's generated initial password, for delivery. */
  initialPasswords: pulumi.Output<Record<string, string>>;
  /** Every username whose files exist after this deployment (read back by the removal guard). */
  [USERS_WITH_DATA_OUTPUT]: string[];
  /** Usernames prepared for purge (`purgeUsers`): the next deployment may delete their files. */
  [USERS_PURGEABLE_OUTPUT]: string[];
}

/** Builds the platform from validated inputs: cluster, routing, sign-on and its data, then the workspaces. */
export function buildPlatform(inputs: PlatformInputs): PlatformOutputs {
  const { config } = inputs;
  const cluster = new Cluster("cluster", {
    mode: config.cluster,
    kindName: config.kindName,
    context: config.kubeContext,
    kubeconfig: config.kubeconfig === undefined ? undefined : pulumi.secret(config.kubeconfig),
  });
  const inCluster: pulumi.ComponentResourceOptions = { providers: [cluster.provider] };
  const services = buildPlatformServices(config, inputs.users, inCluster);
  const fleet = new WorkspaceFleet(
    "workspaces",
    {
      users: inputs.users,
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
      },
    },
    // Workspace routes need the ingress controller's CRDs (Middleware) and the issuers.
    { ...inCluster, dependsOn: [services.ingress] },
  );
  const usernames = inputs.users.map((u) => u.username).sort();
  return {
    workspaceUrls: fleet.urls,
    portalUrl: services.authelia.portalUrl,
    initialPasswords: services.authelia.initialPasswords,
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
