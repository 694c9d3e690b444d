/**
 * The comparison behind `npm run plan`: two users files and two offline renders in, a {@link Plan} out — which
 * users changed how, which Kubernetes objects are added, changed or removed (per user workspace and platform),
 * and what deserves a warning: anything that deletes data, and changes to the workspaces of people whose entry in
 * the users file did not change. Pure functions over data; reading files is left to the callers (and tests).
 */
import { isQuantity, parseQuantity } from "../../components/kubernetes/quantity";

// ---------------------------------------------------------------------------------------------------------------
// Users

/** One entry of a users file, read leniently (the render validates; the plan only compares). */
export interface PlanUser {
  username: string;
  email?: string;
  name?: string;
  groups: string[];
  tier?: string;
  storage?: string;
  enabled: boolean;
}

export type UserChangeKind = "added" | "removed" | "suspended" | "resumed" | "changed";

export interface FieldChange {
  field: string;
  from: string | undefined;
  to: string | undefined;
}

export interface UserChange {
  username: string;
  kind: UserChangeKind;
  /** The entry after the change (before it, for a removal). */
  user: PlanUser;
  /** Fields other than `enabled` that changed (suspended/resumed/changed users). */
  fields: FieldChange[];
}

/** Entries of a parsed users file (`{users: [...]}`); anything unexpected is skipped. */
export function usersOf(data: unknown): PlanUser[] {
  const list = (data as { users?: unknown } | null)?.users;
  if (!Array.isArray(list)) return [];
  const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? undefined : String(v));
  return list.flatMap((u: unknown): PlanUser[] => {
    if (!u || typeof u !== "object") return [];
    const e = u as Record<string, unknown>;
    const username = str(e.username);
    if (!username) return [];
    return [
      {
        username,
        email: str(e.email),
        name: str(e.name),
        groups: Array.isArray(e.groups) ? e.groups.map(String) : [],
        tier: str(e.tier),
        storage: str(e.storage),
        enabled: e.enabled !== false,
      },
    ];
  });
}

const COMPARED_FIELDS = ["email", "name", "groups", "tier", "storage"] as const;

/** Per-user changes between two users files, sorted by username. */
export function diffUsers(base: PlanUser[], head: PlanUser[]): UserChange[] {
  const before = new Map(base.map((u) => [u.username, u]));
  const after = new Map(head.map((u) => [u.username, u]));
  const out: UserChange[] = [];
  for (const [username, user] of after) {
    const old = before.get(username);
    if (!old) {
      out.push({ username, kind: "added", user, fields: [] });
      continue;
    }
    const fields: FieldChange[] = [];
    for (const field of COMPARED_FIELDS) {
      const show = (u: PlanUser) => (field === "groups" ? (u.groups.length > 0 ? `[${u.groups.join(", ")}]` : undefined) : u[field]);
      if (show(old) !== show(user)) fields.push({ field, from: show(old), to: show(user) });
    }
    const kind: UserChangeKind | undefined =
      old.enabled && !user.enabled ? "suspended" : !old.enabled && user.enabled ? "resumed" : fields.length > 0 ? "changed" : undefined;
    if (kind) out.push({ username, kind, user, fields });
  }
  for (const [username, user] of before) {
    if (!after.has(username)) out.push({ username, kind: "removed", user, fields: [] });
  }
  return out.sort((a, b) => a.username.localeCompare(b.username));
}

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes objects

export type K8sObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
};

export type ObjectChangeKind = "added" | "changed" | "removed";

export interface PathChange {
  path: string;
  from: unknown;
  to: unknown;
}

export interface ObjectChange {
  kind: ObjectChangeKind;
  /** `Kind` of the object. */
  objectKind: string;
  apiVersion: string;
  namespace?: string;
  name: string;
  /** The user whose workspace holds the object, or undefined for the platform. */
  owner?: string;
  /** What changed (changed objects only), in path order. */
  paths: PathChange[];
  /** The object before (changed, removed) and after (added, changed). */
  before?: K8sObject;
  after?: K8sObject;
}

/** Label the workspace objects carry with their owner's username. */
export const USER_LABEL = "vibecode.dev/user";
/** Workspace namespaces are `<prefix><username>`; used only when an object carries no owner label. */
export const DEFAULT_NAMESPACE_PREFIX = "ws-";

/** `group/Kind/namespace/name`: identity of an object across renders (not its version). */
export function objectKey(o: K8sObject): string {
  const group = (o.apiVersion ?? "").includes("/") ? o.apiVersion!.split("/")[0] : "";
  return `${group}/${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
}

/** Compares two renders' objects. Owners come from the user label, else the namespace's owner. */
export function diffObjects(base: K8sObject[], head: K8sObject[]): ObjectChange[] {
  const before = new Map(base.map((o) => [objectKey(o), o]));
  const after = new Map(head.map((o) => [objectKey(o), o]));
  // Namespace → owner, from the Namespace objects of either render.
  const namespaceOwners = new Map<string, string>();
  for (const o of [...base, ...head]) {
    const owner = o.metadata?.labels?.[USER_LABEL];
    if (o.kind === "Namespace" && o.metadata?.name && typeof owner === "string") namespaceOwners.set(o.metadata.name, owner);
  }
  const ownerOf = (o: K8sObject): string | undefined => {
    const label = o.metadata?.labels?.[USER_LABEL];
    if (typeof label === "string" && label !== "") return label;
    const ns = o.kind === "Namespace" ? o.metadata?.name : o.metadata?.namespace;
    if (!ns) return undefined;
    return namespaceOwners.get(ns) ?? (ns.startsWith(DEFAULT_NAMESPACE_PREFIX) ? ns.slice(DEFAULT_NAMESPACE_PREFIX.length) : undefined);
  };
  const change = (kind: ObjectChangeKind, o: K8sObject, extra: Partial<ObjectChange>): ObjectChange => ({
    kind,
    objectKind: String(o.kind),
    apiVersion: String(o.apiVersion ?? ""),
    ...(o.metadata?.namespace !== undefined && { namespace: o.metadata.namespace }),
    name: String(o.metadata?.name ?? ""),
    owner: ownerOf(o),
    paths: [],
    ...extra,
  });
  const out: ObjectChange[] = [];
  for (const [key, o] of after) {
    const old = before.get(key);
    if (!old) out.push(change("added", o, { after: o }));
    else {
      const paths: PathChange[] = [];
      changedPaths(old, o, "", paths);
      if (paths.length > 0) out.push(change("changed", o, { paths, before: old, after: o }));
    }
  }
  for (const [key, o] of before) if (!after.has(key)) out.push(change("removed", o, { before: o }));
  return out.sort(compareChanges);
}

/** Namespaces first, then by namespace, kind and name: the order a reader scans. */
function compareChanges(a: ObjectChange, b: ObjectChange): number {
  const rank = (c: ObjectChange) => (c.objectKind === "Namespace" ? 0 : 1);
  return (
    rank(a) - rank(b) ||
    (a.namespace ?? "").localeCompare(b.namespace ?? "") ||
    a.objectKind.localeCompare(b.objectKind) ||
    a.name.localeCompare(b.name)
  );
}

/** Leaf paths where two values differ (`spec.replicas`, `metadata.labels["app.kubernetes.io/name"]`, `x[2]`). */
export function changedPaths(a: unknown, b: unknown, prefix: string, out: PathChange[]): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) changedPaths(a[k], b[k], joinPath(prefix, k), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) changedPaths(a[i], b[i], `${prefix}[${i}]`, out);
    return;
  }
  if (!deepEqual(a, b)) out.push({ path: prefix, from: a, to: b });
}

function joinPath(prefix: string, key: string): string {
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${prefix}[${JSON.stringify(key)}]`;
  return prefix === "" ? key : `${prefix}.${key}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------------------------------------------------------
// Warnings

/** Everything the plan shows. */
export interface Plan {
  users: UserChange[];
  objects: ObjectChange[];
  /** Changes that delete (or may delete) data: one Markdown line each. */
  dataLoss: string[];
  /** Users whose workspace objects change although their users-file entry did not: username → changes. */
  otherUsers: Map<string, ObjectChange[]>;
}

/** What the warnings need to know beyond the two diffs. */
export interface PlanContext {
  /** Users file, as shown to the reader. */
  usersFile: string;
  /** `purgeUsers` of the base's stack config: the users whose purge the base deployment prepared. */
  basePurgeUsers: readonly string[];
  /** Config key of purgeUsers, for messages. */
  purgeUsersKey: string;
}

/** Builds the plan: both diffs plus the warnings. */
export function buildPlan(users: UserChange[], objects: ObjectChange[], ctx: PlanContext): Plan {
  const dataLoss: string[] = [];
  for (const u of users.filter((c) => c.kind === "removed")) {
    const who = `**${u.username}**`;
    if (ctx.basePurgeUsers.includes(u.username)) {
      dataLoss.push(
        `User ${who} is removed from \`${ctx.usersFile}\` and was prepared for purge (\`${ctx.purgeUsersKey}\`): ` +
          `\`pulumi up\` **deletes their namespace and home volume** — their files are gone unless the StorageClass retains volumes.`,
      );
    } else {
      dataLoss.push(
        `User ${who} is removed from \`${ctx.usersFile}\`: this would delete their namespace and home volume. ` +
          `The removal guard refuses \`pulumi up\` unless a previous deployment prepared the purge with \`${ctx.purgeUsersKey}\`. ` +
          `To keep their files, suspend instead: \`npm run --silent users -- suspend ${u.username}\`.`,
      );
    }
  }
  for (const c of objects) {
    const what = `${c.objectKind} \`${displayName(c)}\``;
    if (c.kind === "removed" && c.objectKind === "Namespace") {
      dataLoss.push(`${what} is removed: **everything in it is deleted**, volumes included.`);
    } else if (c.kind === "removed" && c.objectKind === "PersistentVolumeClaim") {
      dataLoss.push(`${what} is removed: **the files on it are deleted** unless the StorageClass retains volumes (\`reclaimPolicy: Retain\`).`);
    } else if (c.kind === "changed" && c.objectKind === "PersistentVolumeClaim") {
      const replaced = c.paths.filter((p) => p.path.startsWith("spec.") && !p.path.startsWith("spec.resources.requests.storage"));
      if (replaced.length > 0) {
        dataLoss.push(
          `${what}: ${replaced.map((p) => `\`${p.path}\``).join(", ")} cannot change in place, so Pulumi **replaces the volume** ` +
            "(delete, then create): its files are lost.",
        );
      }
      const size = c.paths.find((p) => p.path === "spec.resources.requests.storage");
      if (size && typeof size.from === "string" && typeof size.to === "string" && isQuantity(size.from) && isQuantity(size.to)) {
        if (parseQuantity(size.to) < parseQuantity(size.from)) {
          dataLoss.push(`${what} shrinks from ${size.from} to ${size.to}: Kubernetes refuses to shrink a volume, so \`pulumi up\` fails on it.`);
        }
      }
    } else if (c.objectKind === "StatefulSet" && (c.kind === "removed" || c.paths.some((p) => p.path.startsWith("spec.volumeClaimTemplates")))) {
      const templates = (c.before as { spec?: { volumeClaimTemplates?: unknown[] } } | undefined)?.spec?.volumeClaimTemplates;
      if (Array.isArray(templates) && templates.length > 0) {
        dataLoss.push(
          c.kind === "removed"
            ? `${what} is removed: it keeps its data in volume claims; check what happens to them before applying.`
            : `${what}: its volume claim templates change, which Pulumi applies by **replacing the StatefulSet**; check its volumes before applying.`,
        );
      }
    } else if (c.kind === "removed" && c.objectKind === "Cluster" && c.apiVersion.startsWith("postgresql.cnpg.io/")) {
      dataLoss.push(`${what} (PostgreSQL) is removed: the operator **deletes its database volumes**.`);
    }
  }

  const touched = new Set(users.map((u) => u.username));
  const otherUsers = new Map<string, ObjectChange[]>();
  for (const c of objects) {
    if (c.owner === undefined || touched.has(c.owner)) continue;
    otherUsers.set(c.owner, [...(otherUsers.get(c.owner) ?? []), c]);
  }
  return { users, objects, dataLoss, otherUsers };
}

/** `namespace/name`, or `name` for a cluster-scoped object. */
export function displayName(c: Pick<ObjectChange, "namespace" | "name">): string {
  return c.namespace ? `${c.namespace}/${c.name}` : c.name;
}
