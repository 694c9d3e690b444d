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
    const purge = new Set(args.purgeUsers ?? []);
    // Sorted so the registration order, and with it any output, never depends on the file's order.
    const users = [...args.users].sort((a, b) => a.username.localeCompare(b.username));
    // Every input problem is found now, in the constructor, before any workspace is registered.
    const plans = users.map((user) => {
      const tierName = user.tier ?? args.defaultTier;
      const tier = args.tiers[tierName];
      if (!tier) throw new Error(`WorkspaceFleet ${name}: user ${user.username} has unknown tier "${tierName}"`);
      return { user, tierName, tier };
    });
    const create = ({ user, tierName, tier }: (typeof plans)[number]) =>
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
      );
    const workspaces = inBatches(plans, WORKSPACES_PER_TURN, create);
    const urls: Record<string, string> = {};
    for (const { user } of plans) urls[user.username] = `https://${user.username}.${args.workspace.domain}`;
    this.urls = pulumi.output(urls);
    this.namespaces = pulumi.output(workspaces).apply((all) => pulumi.all(Object.fromEntries(all.map((w, i) => [plans[i]!.user.username, w.namespace]))));
    // Registering outputs that wait for the last batch keeps the program alive until every workspace is registered.
    this.registerOutputs({ urls: this.urls, namespaces: this.namespaces });
  }
}

/**
 * Workspaces registered per turn of the event loop. Registering a thousand people in one synchronous loop keeps
 * every pending registration (its inputs, promises and their stack traces) in memory at once; yielding between
 * batches lets the runtime send and settle each batch first. Small enough to bound memory, large enough that the
 * turns cost nothing measurable.
 */
export const WORKSPACES_PER_TURN = 25;

/** Calls `create` for every item, `size` per event-loop turn, in order; the first batch synchronously. */
function inBatches<T, R>(items: readonly T[], size: number, create: (item: T) => R): Promise<R[]> {
  const created: R[] = [];
  const batch = (start: number) => {
    for (const item of items.slice(start, start + size)) created.push(create(item));
  };
  batch(0);
  return (async () => {
    for (let start = size; start < items.length; start += size) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      batch(start);
    }
    return created;
  })();
}
