/** Public API of the VibeCode component library. */
export { versions, imageRef } from "./versions";
export { CodeServerWorkspace, DEFAULT_FORWARD_AUTH_ADDRESS, resolveWorkspaceProps, type CodeServerWorkspaceArgs } from "./workspace/code-server-workspace";
export { buildWorkspaceManifests, workspaceLabels, WORKSPACE_OBJECT_NAMES, type WorkspaceManifestProps } from "./workspace/manifests";
export { DEFAULT_TIERS, DEFAULT_TIER_NAME, type WorkspaceTier } from "./workspace/tiers";
export { WorkspaceFleet, type WorkspaceFleetArgs, type SharedWorkspaceSettings } from "./provisioning/workspace-fleet";
export { parseUsersFile, readUsersFile, UsersFileError, PLATFORM_RESERVED_USERNAMES, type WorkspaceUser, type UsersFileRules } from "./provisioning/users-file";
export { registerKubernetesObjects, type KubernetesObject } from "./kubernetes/register";
