import * as pulumi from "@pulumi/pulumi";
import { CodeServerWorkspace, type WorkspaceSettings } from "../workspace/code-server-workspace";
import type { WorkspaceTier } from "../workspace/tiers";
import type { WorkspaceUser } from "./users-file";

/** Arguments of {@link WorkspaceFleet}. */
export interface WorkspaceFleetArgs {
  /** The people, as validated from the users file. Order does not matter. */
  users: WorkspaceUser[];
  /** Resource presets by name; every user's tier must be one of them. */
  tiers: Record<string, WorkspaceTier>;
  /** Tier of users without one. */
  defaultTier: string;
  /** Users whose namespace and home volume are left unprotected, so removing them later deletes their files. */
  purgeUsers?: string[];
  /** Settings shared by all workspaces (domain, ingress, storage class, …). */
  workspace: WorkspaceSettings;
}

/**
 * One {@link CodeServerWorkspace} per person in the users file. Suspended people keep namespace and volume.
 * A person removed from the file is not deleted with their data: the namespace and volume are protected, so
 * `pulumi up` stops instead (see README, "Removing someone").
 */
export class WorkspaceFleet extends pulumi.ComponentResource {
  /** Workspace URL per username (suspended users included; their URL answers once resumed). */
  public readonly urls: pulumi.Output<Record<string, string>>;
  /** Workspace namespace per username. */
  public readonly namespaces: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: WorkspaceFleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vibecode:provisioning:WorkspaceFleet", name, {}, opts);
    const workspaces = new Map<string, CodeServerWorkspace>();
    const purge = new Set(args.purgeUsers ?? []);
    // Sorted so the registration order, and with it any output, never depends on the file's order.
    const users = [...args.users].sort((a, b) => a.username.localeCompare(b.username));
    for (const user of users) {
      const tierName = user.tier ?? args.defaultTier;
      const tier = args.tiers[tierName];
      if (!tier) throw new Error(`WorkspaceFleet ${name}: user ${user.username} has unknown tier "${tierName}"`);
      workspaces.set(
        user.username,
        new CodeServerWorkspace(
          user.username,
          {
            ...args.workspace,
            username: user.username,
            email: user.email,
            enabled: user.enabled,
            tier,
            tierName,
            storage: user.storage,
            protectData: !purge.has(user.username),
          },
          { parent: this, dependsOn: opts?.dependsOn },
        ),
      );
    }
    const urls: Record<string, string> = {};
    for (const [username] of workspaces) urls[username] = `https://${username}.${args.workspace.domain}`;
    this.urls = pulumi.output(urls);
    this.namespaces = pulumi.all(Object.fromEntries([...workspaces].map(([u, w]) => [u, w.namespace])));
    this.registerOutputs({ urls: this.urls, namespaces: this.namespaces });
  }
}
