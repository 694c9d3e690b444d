/**
 * The plan as Markdown for a pull-request comment: warnings first and loud (GitHub alerts), then users, then
 * Kubernetes objects grouped per user workspace and "platform". Secret values never appear: a changed Secret lists
 * the keys that changed. Long lists are cut so the comment stays under GitHub's 65 536-character limit.
 */
import { displayName, type ObjectChange, type Plan, type UserChange } from "./diff";

/** Hidden marker that identifies the comment of one stack (for tools that update a comment in place). */
export const commentMarker = (stack: string) => `<!-- vibecode-plan:${stack} -->`;

/** What the header says about where the two sides come from. */
export interface PlanHeader {
  stack: string;
  baseRef: string;
  baseCommit: string;
  usersFile: string;
  /** Notes shown under the header (e.g. "the stack is new"). */
  notes?: string[];
}

const MAX_ITEMS_PER_GROUP = 40;
const MAX_PATHS_PER_OBJECT = 6;
/** GitHub refuses comments above 65 536 characters; keep room for a second stack's plan in the same comment. */
export const MAX_LENGTH = 30_000;

const USER_ICON: Record<UserChange["kind"], string> = {
  added: "➕ added",
  removed: "❌ removed",
  suspended: "⏸️ suspended",
  resumed: "▶️ resumed",
  changed: "✏️ changed",
};
const OBJECT_ICON: Record<ObjectChange["kind"], string> = { added: "➕", changed: "✏️", removed: "❌" };

export function formatMarkdown(plan: Plan, header: PlanHeader): string {
  const out: string[] = [];
  out.push(commentMarker(header.stack));
  out.push(`## Plan: stack \`${header.stack}\``);
  out.push("");
  out.push(
    `Base ${code(header.baseRef)} (\`${header.baseCommit.slice(0, 12)}\`) → this change · users file ${code(header.usersFile)}`,
  );
  for (const note of header.notes ?? []) out.push("", `> ${note}`);
  out.push("");

  if (plan.dataLoss.length > 0) {
    out.push("> [!CAUTION]");
    out.push(`> ### 🛑 DATA LOSS — this change deletes data`);
    out.push(">");
    for (const line of plan.dataLoss) out.push(`> - ${line}`);
    out.push("");
  }
  if (plan.otherUsers.size > 0) {
    out.push("> [!WARNING]");
    out.push("> ### ⚠️ This change touches other people's workspaces");
    out.push("> Their entries in the users file did not change, but their objects do:");
    out.push(">");
    for (const [user, changes] of [...plan.otherUsers].sort(([a], [b]) => a.localeCompare(b))) {
      const shown = changes.slice(0, 5).map((c) => `${c.objectKind} \`${displayName(c)}\` ${c.kind}`);
      const more = changes.length > 5 ? `, … and ${changes.length - 5} more` : "";
      out.push(`> - **${text(user)}**: ${shown.join(", ")}${more}`);
    }
    out.push("");
  }
  if (plan.dataLoss.length === 0 && plan.otherUsers.size === 0) {
    out.push("✅ Nothing is deleted, and no other person's workspace changes.");
    out.push("");
  }

  out.push("### Users");
  out.push("");
  if (plan.users.length === 0) out.push("No changes to the users file.");
  else {
    out.push("| Change | User | Details |");
    out.push("|---|---|---|");
    for (const u of plan.users) out.push(`| ${USER_ICON[u.kind]} | ${code(u.username)} | ${userDetails(u)} |`);
  }
  out.push("");

  const count = (k: ObjectChange["kind"]) => plan.objects.filter((c) => c.kind === k).length;
  out.push(`### Kubernetes objects: ${count("added")} added, ${count("changed")} changed, ${count("removed")} removed`);
  out.push("");
  if (plan.objects.length === 0) out.push("No Kubernetes object changes.");
  const groups = new Map<string, ObjectChange[]>();
  for (const c of plan.objects) {
    const key = c.owner ?? "";
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const order = [...groups.keys()].sort((a, b) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)));
  for (const owner of order) {
    const changes = groups.get(owner)!;
    const tally = (["added", "changed", "removed"] as const)
      .map((k) => [k, changes.filter((c) => c.kind === k).length] as const)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`)
      .join(", ");
    const namespaces = [...new Set(changes.map((c) => (c.objectKind === "Namespace" ? c.name : c.namespace)).filter(Boolean))];
    const where = owner === "" ? "**platform**" : `**${code(owner)}** (${namespaces.map((n) => `\`${n}\``).join(", ") || "workspace"})`;
    out.push(`#### ${where}: ${tally}`);
    out.push("");
    for (const c of changes.slice(0, MAX_ITEMS_PER_GROUP)) out.push(`- ${objectLine(c)}`);
    if (changes.length > MAX_ITEMS_PER_GROUP) out.push(`- … and ${changes.length - MAX_ITEMS_PER_GROUP} more`);
    out.push("");
  }

  let markdown = out.join("\n").replace(/\n+$/, "\n");
  if (markdown.length > MAX_LENGTH) {
    const cut = markdown.lastIndexOf("\n", MAX_LENGTH - 200);
    markdown = `${markdown.slice(0, cut)}\n\n… cut: the plan is too long for a comment; run \`npm run --silent plan -- --base ${header.baseRef} --stack ${header.stack}\` for all of it.\n`;
  }
  return markdown;
}

function userDetails(u: UserChange): string {
  if (u.kind === "added") {
    const parts = [u.user.email ? text(u.user.email) : undefined, u.user.name ? text(u.user.name) : undefined];
    parts.push(u.user.tier ? `tier ${code(u.user.tier)}` : "default tier");
    if (u.user.groups.length > 0) parts.push(`groups ${u.user.groups.map(code).join(", ")}`);
    if (u.user.storage) parts.push(`storage ${code(u.user.storage)}`);
    if (!u.user.enabled) parts.push("suspended");
    return parts.filter(Boolean).join(" · ");
  }
  if (u.kind === "removed") return "removed from the file";
  const lead = u.kind === "suspended" ? ["workspace stopped, files kept"] : u.kind === "resumed" ? ["workspace started again"] : [];
  const fields = u.fields.map((f) => `${f.field}: ${f.from === undefined ? "(none)" : code(f.from)} → ${f.to === undefined ? "(none)" : code(f.to)}`);
  return [...lead, ...fields].join(" · ");
}

function objectLine(c: ObjectChange): string {
  const head = `${OBJECT_ICON[c.kind]} ${c.objectKind} \`${displayName(c)}\``;
  if (c.kind !== "changed") return head;
  const secret = c.objectKind === "Secret";
  const shown = c.paths.slice(0, MAX_PATHS_PER_OBJECT).map((p) => {
    const path = `\`${p.path}\``;
    if (secret) return path;
    const from = value(p.from);
    const to = value(p.to);
    return from !== undefined && to !== undefined ? `${path} ${from} → ${to}` : path;
  });
  const more = c.paths.length > MAX_PATHS_PER_OBJECT ? `, … ${c.paths.length - MAX_PATHS_PER_OBJECT} more` : "";
  return `${head}: ${shown.join(", ")}${more}${secret ? " (values hidden)" : ""}`;
}

/** A short scalar as inline code; undefined when it is too long or not a scalar (then only the path is shown). */
function value(v: unknown): string | undefined {
  if (v === undefined) return "(none)";
  if (v === null || typeof v === "number" || typeof v === "boolean") return `\`${String(v)}\``;
  if (typeof v === "string" && v.length <= 40 && !/[\n`|]/.test(v)) return `\`${v}\``;
  return undefined;
}

/** Text from files (names, e-mail addresses) made inert in Markdown: no markup, links, HTML or table breaks. */
function text(s: string): string {
  return s.replace(/[\\`*_{}[\]<>()#+!|~]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, " ");
}

/** Inline code; backticks cannot be escaped inside it, so they become quotes (and `|` is escaped for tables). */
function code(s: string): string {
  return `\`${s.replace(/`/g, "'").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ")}\``;
}
