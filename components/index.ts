/**
 * Public API of the VibeCode component library: import these into your own Pulumi program
 * (`import { CodeServerWorkspace } from "@vibecode/platform"`), or use them from other languages through
 * `pulumi package add` (PulumiPlugin.yaml).
 */
export { versions, imageRef } from "./versions";

// One person's workspace and a fleet of them.
export {
  CodeServerWorkspace,
  DEFAULT_FORWARD_AUTH_ADDRESS,
  resolveWorkspaceProps,
  type CodeServerWorkspaceArgs,
  type WorkspaceSettings,
} from "./workspace/code-server-workspace";
export { buildWorkspaceManifests, workspaceLabels, WORKSPACE_OBJECT_NAMES, type WorkspaceManifestProps } from "./workspace/manifests";
export { DEFAULT_TIERS, DEFAULT_TIER_NAME, type WorkspaceTier } from "./workspace/tiers";
export { WorkspaceFleet, type WorkspaceFleetArgs } from "./provisioning/workspace-fleet";
export {
  parseUsersFile,
  readUsersFile,
  UsersFileError,
  PLATFORM_RESERVED_USERNAMES,
  type WorkspaceUser,
  type UsersFileRules,
} from "./provisioning/users-file";
export { unsafeRemovals, readPreviousDeployment, USERS_WITH_DATA_OUTPUT, USERS_PURGEABLE_OUTPUT } from "./provisioning/removal-guard";

// The platform around the workspaces.
export { Cluster, kindClusterConfig, NODE_POOL_LABEL, type ClusterArgs } from "./cluster/cluster";
export { Ingress, type IngressArgs } from "./ingress/ingress";
export { Authelia, type AutheliaArgs } from "./auth/authelia";
export { Postgres, type PostgresArgs } from "./data/postgres";
export { Redis, type RedisArgs } from "./data/redis";

// The workspace image with the AI assistant, and the idle culler (not wired into the stacks yet).
export * from "./workspace-image";
export * from "./idle";

// Building blocks.
export { registerKubernetesObjects, resourceNameOf, type KubernetesObject } from "./kubernetes/register";
export { namespaceObject, podSecurityLabels, type PodSecurityLevel } from "./kubernetes/namespace";
export { parseQuantity, isQuantity } from "./kubernetes/quantity";
