/**
 * Users-file command line.
 *
 *   npm run --silent users -- validate <file> [--stack <dev|prod>]
 *   npm run --silent users -- add <username> --email <e> [--name n] [--tier t] [--groups a,b] [--storage q] [--file f] [--stack s]
 *   npm run --silent users -- suspend <username> [--file f] [--stack s]
 *   npm run --silent users -- resume <username> [--file f] [--stack s]
 *   npm run --silent users -- list [--json] [--file f] [--stack s]
 *
 * Exit codes: 0 done (summary on stdout), 1 invalid or unreadable file, unknown user, or an edit that would make the
 * file invalid (`file:line:column: message` lines on stderr, nothing written), 2 bad command line (usage on stderr).
 * Expected failures never print a stack trace.
 *
 * Editing keeps every byte that is not part of the edit. The `yaml` Document API parses the file and gives each
 * node's source range; new text (an entry, a key) is produced by the same library's stringifier in the file's own
 * style, and spliced into the original text at those ranges. Re-serialising the whole Document instead would not
 * keep the file as written: `Document.toString()` re-spaces inline comments (`enabled: false   # …` loses its
 * alignment — the dev users file itself changes), re-indents, and pads flow collections. Every edited text is
 * validated with `parseUsersFile` — so problems come out exactly as `validate` prints them — and checked to mean
 * what was asked (the other users unchanged) before it replaces the file atomically (temporary file + rename).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Node as YamlNode,
  type Pair,
  type ParsedNode,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { z } from "zod";
import {
  UsersFileError,
  parseUsersFile,
  readUsersFile,
  type UsersFileRules,
  type WorkspaceUser,
} from "../components/provisioning/users-file";
import { parseStackConfig, StackConfigError, usersFileRules, type StackConfig } from "../stacks/config";
import { PROJECT_ROOT } from "../stacks/platform";
import { readStackConfigFile } from "./render/stack-config-file";
import { processIo, type Io } from "./io";

const STACKS = ["dev", "prod"] as const;
const COMMANDS = ["validate", "add", "suspend", "resume", "list"] as const;
type Command = (typeof COMMANDS)[number];

const USAGE = `usage: npm run --silent users -- validate <file> [--stack <dev|prod>]
       npm run --silent users -- add <username> --email <e> [--name <n>] [--tier <t>] [--groups <a,b>] [--storage <q>] [--file <f>] [--stack <s>]
       npm run --silent users -- suspend <username> [--file <f>] [--stack <s>]
       npm run --silent users -- resume <username> [--file <f>] [--stack <s>]
       npm run --silent users -- list [--json] [--file <f>] [--stack <s>]

  validate <file>     check a users file; prints "<file>: N users (M enabled, K suspended)"
  add <username>      append a user (refused if the name is taken, ignoring case, or a value is invalid)
  suspend <username>  set "enabled: false": no pod, no route, files kept
  resume <username>   remove "enabled: false" again
  list                the users, one a line (--json: {"users":[…]} with defaults applied)
  --file <f>          users file to edit or list; default: the stack's usersFile config,
                      else stacks/<stack>/users.yaml
  --stack <name>      stack whose rules (tiers, storage bounds) apply (${STACKS.join(", ")}); default: taken from
                      a stacks/<stack>/users.yaml path, else dev

Edits keep comments, order and formatting of everything else byte for byte, are validated like
"validate" before anything is written, and replace the file atomically.

exit status: 0 done, 1 problems (file:line:column: message on stderr; nothing written), 2 usage error`;

// ---------------------------------------------------------------------------------------------------------------
// Command line

const stackFlag = z
  .enum(STACKS, { error: (iss) => `--stack must be one of ${STACKS.join(", ")}, not ${JSON.stringify(iss.input)}` })
  .optional();
const fileFlag = z.string().min(1, { error: "--file must not be empty" }).optional();
/** One line of text: a newline or control character in a flag value is a mistake, and would not fit on one line. */
const SINGLE_LINE = /^[^\u0000-\u001f\u007f]*$/;
const textFlag = (flag: string, missing?: string) =>
  z
    .string(missing === undefined ? undefined : { error: missing })
    .regex(SINGLE_LINE, { error: `${flag} must be a single line without control characters` });
const usernameArg = (command: string) =>
  z.string({ error: `missing <username> to ${command}` }).min(1, { error: "<username> must not be empty" });
const noExtra = (what: string) => z.array(z.string()).max(0, { error: what });

/** Flags each command accepts; anything else is a usage error naming the flag. */
const commandSchemas = {
  validate: z.strictObject({
    command: z.literal("validate"),
    file: z.string({ error: "missing <file> to validate" }).min(1, { error: "<file> must not be empty" }),
    extra: noExtra("validate takes a single <file>"),
    stack: stackFlag,
  }),
  add: z.strictObject({
    command: z.literal("add"),
    username: usernameArg("add"),
    extra: noExtra("add takes a single <username>"),
    email: textFlag("--email", "add needs --email <address>"),
    name: textFlag("--name").optional(),
    tier: textFlag("--tier").optional(),
    groups: z
      .string()
      .transform((s) => s.split(",").map((g) => g.trim()))
      .pipe(
        z.array(
          z
            .string()
            .min(1, { error: "--groups takes a comma-separated list such as developers,admins" })
            .regex(SINGLE_LINE, { error: "--groups must be a single line without control characters" }),
        ),
      )
      .optional(),
    storage: textFlag("--storage").optional(),
    file: fileFlag,
    stack: stackFlag,
  }),
  suspend: z.strictObject({
    command: z.literal("suspend"),
    username: usernameArg("suspend"),
    extra: noExtra("suspend takes a single <username>"),
    file: fileFlag,
    stack: stackFlag,
  }),
  resume: z.strictObject({
    command: z.literal("resume"),
    username: usernameArg("resume"),
    extra: noExtra("resume takes a single <username>"),
    file: fileFlag,
    stack: stackFlag,
  }),
  list: z.strictObject({
    command: z.literal("list"),
    extra: noExtra("list takes no arguments (use --file <f>)"),
    json: z.boolean().optional(),
    file: fileFlag,
    stack: stackFlag,
  }),
} as const;

type Args = { [C in Command]: z.infer<(typeof commandSchemas)[C]> }[Command];


/** A refusal that is the person's to fix: printed as is, exit 1. */
class Refusal extends Error {}

/** Runs the command line and returns the exit code. */
export function main(argv: readonly string[], io: Io = processIo): number {
  const usageError = (message: string): number => {
    io.stderr(`users: ${message}\n\n${USAGE}\n`);
    return 2;
  };

  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (e) {
    // node:util parseArgs throws for unknown flags and missing flag values; its messages are fit for users.
    // Not `instanceof Error`: the error may come from another realm (a test's sandbox).
    const message = (e as { message?: unknown } | null)?.message;
    return usageError(typeof message === "string" ? message : String(e));
  }
  if (parsed.values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const checked = checkCommandLine(parsed.positionals, parsed.values);
  if (typeof checked === "string") return usageError(checked);
  const args = checked;

  const file = args.file;
  const stack = args.stack ?? (file === undefined ? undefined : stackFromPath(file)) ?? "dev";
  if (!(STACKS as readonly string[]).includes(stack)) {
    return usageError(`${file} is under stacks/${stack}/, which is not one of ${STACKS.join(", ")}; pass --stack`);
  }

  try {
    switch (args.command) {
      case "validate": {
        const users = readUsersFile(args.file, usersFileRulesForStack(stack));
        const enabled = users.filter((u) => u.enabled).length;
        io.stdout(`${args.file}: ${users.length} users (${enabled} enabled, ${users.length - enabled} suspended)\n`);
        return 0;
      }
      case "list":
        return list(stackContext(stack, args.file), args.json === true, io);
      case "add":
      case "suspend":
      case "resume":
        return edit(stackContext(stack, args.file), args, io);
    }
  } catch (e) {
    if (e instanceof UsersFileError || e instanceof StackConfigError || e instanceof Refusal) {
      io.stderr(`${e.message}\n`);
      return 1;
    }
    // A bug, not bad input: say so in one line rather than dumping a stack trace on the person running it.
    io.stderr(`users: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

function parseCommandLine(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      stack: { type: "string" },
      file: { type: "string" },
      email: { type: "string" },
      name: { type: "string" },
      tier: { type: "string" },
      groups: { type: "string" },
      storage: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
}

/** The command line checked by the command's zod schema; a string is the usage error. */
function checkCommandLine(positionals: string[], values: Record<string, string | boolean | undefined>): Args | string {
  const [command, ...rest] = positionals;
  if (command === undefined) return "missing command";
  if (!(COMMANDS as readonly string[]).includes(command)) {
    return `unknown command ${JSON.stringify(command)}; commands: ${COMMANDS.join(", ")}`;
  }
  const flags = Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== undefined && k !== "help"));
  const [first, ...extra] = rest;
  const input =
    command === "list"
      ? { command, extra: rest, ...flags }
      : command === "validate"
        ? { command, file: first, extra, ...flags }
        : { command, username: first, extra, ...flags };
  const result = commandSchemas[command as Command].safeParse(input);
  if (result.success) return result.data as Args;
  return result.error.issues
    .flatMap((i) =>
      i.code === "unrecognized_keys" ? i.keys.map((k) => `--${k} is not an option of ${command}`) : [i.message],
    )
    .join("; ");
}

/** `stacks/<stack>/users.yaml` → `<stack>`; undefined for any other path. */
function stackFromPath(file: string): string | undefined {
  const match = /(?:^|[\\/])stacks[\\/]([^\\/]+)[\\/]users\.ya?ml$/.exec(path.resolve(file));
  return match?.[1];
}

// ---------------------------------------------------------------------------------------------------------------
// Stack context

/** Users-file rules of a stack: tiers and storage bounds come from its `Pulumi.<stack>.yaml`. */
export function usersFileRulesForStack(stack: string): UsersFileRules {
  return usersFileRules(stackConfig(stack));
}

function stackConfig(stack: string): StackConfig {
  const file = readStackConfigFile(PROJECT_ROOT, stack);
  return parseStackConfig(file.values, file.name);
}

interface StackContext {
  rules: UsersFileRules;
  config: StackConfig;
  /** Path as given or, for the default, relative to the working directory: what messages show. */
  file: string;
}

function stackContext(stack: string, file: string | undefined): StackContext {
  const config = stackConfig(stack);
  let shown = file;
  if (shown === undefined) {
    const absolute = path.resolve(PROJECT_ROOT, config.usersFile ?? path.join("stacks", stack, "users.yaml"));
    shown = path.relative(process.cwd(), absolute) || absolute;
  }
  return { rules: usersFileRules(config), config, file: shown };
}

// ---------------------------------------------------------------------------------------------------------------
// list

function list(ctx: StackContext, json: boolean, io: Io): number {
  const users = readUsersFile(ctx.file, ctx.rules);
  if (json) {
    io.stdout(`${JSON.stringify({ users }, null, 2)}\n`);
    return 0;
  }
  const rows = [
    ["USERNAME", "EMAIL", "NAME", "TIER", "STORAGE", "GROUPS", "STATUS"],
    ...users.map((u) => [
      u.username,
      u.email,
      u.name ?? "-",
      u.tier ?? `${ctx.config.defaultTier} (default)`,
      u.storage ?? "-",
      u.groups.length > 0 ? u.groups.join(",") : "-",
      u.enabled ? "enabled" : "suspended",
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) io.stdout(`${row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ")}\n`);
  const enabled = users.filter((u) => u.enabled).length;
  io.stdout(`${users.length} users (${enabled} enabled, ${users.length - enabled} suspended) in ${ctx.file}\n`);
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// add, suspend, resume

type EditArgs = Extract<Args, { command: "add" | "suspend" | "resume" }>;

/** The result of planning an edit: new text, or nothing to do. */
type EditPlan = { text: string; summary: string; check: (before: WorkspaceUser[], after: WorkspaceUser[]) => boolean } | { noop: string };

function edit(ctx: StackContext, args: EditArgs, io: Io): number {
  // Unreadable, too big, not UTF-8 or already invalid: the same messages as `validate`, and nothing is edited.
  const before = readUsersFile(ctx.file, ctx.rules);
  const target = realTarget(ctx.file);
  const original = fs.readFileSync(target, "utf8");

  const plan = planEdit(original, ctx.file, args);
  if ("noop" in plan) {
    io.stdout(`${ctx.file}: ${plan.noop}; nothing changed\n`);
    return 0;
  }
  let after: WorkspaceUser[];
  try {
    after = parseUsersFile(plan.text, ctx.file, ctx.rules);
  } catch (e) {
    if (e instanceof UsersFileError) {
      throw new Refusal(`${e.message}\nusers: ${ctx.file} was not changed (the positions above are in the edited file)`);
    }
    throw e;
  }
  if (!plan.check(before, after)) {
    throw new Error(`the edit of ${ctx.file} did not have the intended effect; the file was not changed`);
  }
  writeAtomically(target, original, plan.text);
  io.stdout(`${ctx.file}: ${plan.summary}\n`);
  return 0;
}

/** The text edit a command makes (not yet validated). */
function planEdit(text: string, file: string, args: EditArgs): EditPlan {
  const doc = parseDocument(text, { version: "1.2", schema: "core" });
  const root = doc.contents;
  const usersPair = isMap(root) ? root.items.find((p) => isScalar(p.key) && p.key.value === "users") : undefined;
  const seq = usersPair?.value;
  if (!usersPair || !isSeq(seq)) throw new Error("the users file has no users list"); // validated before: not reached
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const entries = seq.items as YAMLMap[];

  if (args.command === "add") {
    const entry = newEntry(args);
    const at = entries.findIndex((m) => usernameOf(m)?.toLowerCase() === args.username.toLowerCase());
    // A duplicate is appended anyway: parseUsersFile then refuses it with validate's own message and position.
    const edited = appendEntry(text, seq, usersPair as Pair<ParsedNode, ParsedNode>, entry, eol);
    return {
      text: edited.text,
      summary: `added ${args.username} (line ${edited.line})`,
      check: (before, after) =>
        at < 0 &&
        after.length === before.length + 1 &&
        after[after.length - 1]!.username === args.username &&
        sameUsers(before, after.slice(0, -1)),
    };
  }

  const index = findUser(entries, args.username, file, text, seq);
  const map = entries[index]!;
  const username = usernameOf(map)!;
  const enabledPair = map.items.find((p) => isScalar(p.key) && p.key.value === "enabled");
  const current = enabledPair && isScalar(enabledPair.value) ? enabledPair.value.value : true;
  const check = (enabled: boolean) => (before: WorkspaceUser[], after: WorkspaceUser[]) =>
    after.length === before.length &&
    after[index]!.enabled === enabled &&
    sameUsers(before.filter((_, i) => i !== index), after.filter((_, i) => i !== index)) &&
    sameUsers([{ ...before[index]!, enabled }], [after[index]!]);

  if (args.command === "suspend") {
    if (current === false) return { noop: `${username} is already suspended` };
    const edited = enabledPair
      ? replaceRange(text, enabledPair.value as ParsedNode, "false")
      : appendPair(text, map, "enabled", "false", eol);
    return { text: edited, summary: `suspended ${username} (no pod, no route; namespace and files kept)`, check: check(false) };
  }

  if (current !== false || !enabledPair) return { noop: `${username} is not suspended` };
  return { text: removeEnabled(text, map, enabledPair as Pair<ParsedNode, ParsedNode>), summary: `resumed ${username}`, check: check(true) };
}

function usernameOf(map: unknown): string | undefined {
  if (!isMap(map)) return undefined;
  const value = map.items.find((p) => isScalar(p.key) && p.key.value === "username")?.value;
  return isScalar(value) && typeof value.value === "string" ? value.value : undefined;
}

/** Index of a user (usernames are unique ignoring case); an unknown one is refused at the users list. */
function findUser(entries: YAMLMap[], username: string, file: string, text: string, seq: YAMLSeq): number {
  const index = entries.findIndex((m) => usernameOf(m)?.toLowerCase() === username.toLowerCase());
  if (index >= 0) return index;
  const known = entries.map(usernameOf).filter((u): u is string => u !== undefined);
  const { line, column } = position(text, (seq as ParsedNode).range[0]);
  throw new Refusal(
    `${file}:${line}:${column}: no user ${JSON.stringify(username)} in this file` +
      (known.length > 0 ? ` (users: ${known.join(", ")})` : " (it lists no users)"),
  );
}

/** Same users, compared as data (field order does not matter). */
function sameUsers(a: WorkspaceUser[], b: WorkspaceUser[]): boolean {
  const norm = (u: WorkspaceUser) => JSON.stringify(Object.fromEntries(Object.entries(u).sort(([x], [y]) => x.localeCompare(y))));
  return a.length === b.length && a.every((u, i) => norm(u) === norm(b[i]!));
}

/** The new entry's keys, in the order the users files use. */
function newEntry(args: Extract<Args, { command: "add" }>): [string, string | string[]][] {
  const out: [string, string | string[]][] = [["username", args.username], ["email", args.email]];
  if (args.name !== undefined) out.push(["name", args.name]);
  if (args.groups !== undefined) out.push(["groups", args.groups]);
  if (args.tier !== undefined) out.push(["tier", args.tier]);
  if (args.storage !== undefined) out.push(["storage", args.storage]);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Text splicing at node ranges

/** Style of the existing entries, which a new entry follows. */
interface EntryStyle {
  flowEntry: boolean;
  flowGroups: boolean;
  /** `[a, b]` vs `[ a, b ]`. */
  flowPadding: boolean;
  dashColumn: number;
  keyColumn: number;
  /** Block groups: column of their `-` relative to the `groups` key. */
  groupsIndent: number;
}

function entryStyle(text: string, seq: YAMLSeq, usersKey: ParsedNode): EntryStyle {
  const entries = seq.items.filter((m): m is YAMLMap<ParsedNode, ParsedNode> => isMap(m));
  const first = entries[0];
  const style: EntryStyle = {
    flowEntry: first?.flow === true,
    flowGroups: true,
    flowPadding: false,
    dashColumn: column(text, usersKey.range[0]) + 2,
    keyColumn: column(text, usersKey.range[0]) + 4,
    groupsIndent: 2,
  };
  if (first && !seq.flow) {
    const start = (first as unknown as ParsedNode).range[0];
    const lineStart = text.lastIndexOf("\n", start - 1) + 1;
    const prefix = /^( *)-( +)$/.exec(text.slice(lineStart, start));
    if (prefix) {
      style.dashColumn = prefix[1]!.length;
      style.keyColumn = start - lineStart;
    } else {
      style.dashColumn = column(text, (seq as unknown as ParsedNode).range[0]);
      style.keyColumn = style.dashColumn + 2;
    }
  }
  // Flow padding: from any flow collection written so far.
  const flowNode = entries.find((m) => m.flow) ?? entries.map((m) => m.items.find((p) => isSeq(p.value) && p.value.flow)?.value).find(Boolean);
  if (flowNode) style.flowPadding = /^[[{] /.test(text.slice((flowNode as ParsedNode).range[0]));
  const groups = entries.map((m) => m.items.find((p) => isScalar(p.key) && p.key.value === "groups")).find((p) => isSeq(p?.value));
  if (groups && isSeq(groups.value)) {
    style.flowGroups = groups.value.flow === true;
    const item = groups.value.items[0] as ParsedNode | undefined;
    if (!style.flowGroups && item) style.groupsIndent = column(text, item.range[0]) - 2 - column(text, groups.key.range[0]);
  }
  return style;
}

/** A scalar as the yaml stringifier writes it (quoted only when needed under YAML 1.2). */
function scalarText(value: string): string {
  return new Document(value, { version: "1.2" }).toString({ lineWidth: 0 }).replace(/\n$/, "");
}

function flowText(value: unknown, padding: boolean): string {
  const doc = new Document(value, { version: "1.2" });
  const setFlow = (n: unknown) => {
    if (isMap(n) || isSeq(n)) {
      n.flow = true;
      for (const item of n.items) setFlow(isMap(n) ? (item as Pair).value : item);
    }
  };
  setFlow(doc.contents);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: padding }).replace(/\n$/, "");
}

function appendEntry(
  text: string,
  seq: YAMLSeq,
  usersPair: Pair<ParsedNode, ParsedNode>,
  entry: [string, string | string[]][],
  eol: string,
): { text: string; line: number } {
  const style = entryStyle(text, seq, usersPair.key);
  const seqNode = seq as unknown as ParsedNode;
  if (seq.flow && seq.items.length > 0) {
    // users: [{…}, {…}] → users: [{…}, {…}, {new}]
    const at = contentEnd(seq.items[seq.items.length - 1] as ParsedNode);
    const inserted = `, ${flowText(Object.fromEntries(entry), style.flowPadding)}`;
    return { text: text.slice(0, at) + inserted + text.slice(at), line: position(text, at).line };
  }
  const pad = (n: number) => " ".repeat(n);
  let lines: string[];
  if (style.flowEntry) {
    lines = [`${pad(style.dashColumn)}- ${flowText(Object.fromEntries(entry), style.flowPadding)}`];
  } else {
    lines = [];
    entry.forEach(([key, value], i) => {
      const lead = i === 0 ? `${pad(style.dashColumn)}-${pad(style.keyColumn - style.dashColumn - 1)}` : pad(style.keyColumn);
      if (typeof value === "string") lines.push(`${lead}${key}: ${scalarText(value)}`);
      else if (style.flowGroups) lines.push(`${lead}${key}: ${flowText(value, style.flowPadding)}`);
      else {
        lines.push(`${lead}${key}:`);
        for (const v of value) lines.push(`${pad(style.keyColumn + style.groupsIndent)}- ${scalarText(v)}`);
      }
    });
  }
  const block = lines.map((l) => l + eol).join("");
  if (seq.items.length > 0) {
    const at = lineEnd(text, contentEnd(seq.items[seq.items.length - 1] as ParsedNode));
    const head = text.slice(0, at);
    const sep = at > 0 && !head.endsWith("\n") ? eol : ""; // a file without a final newline
    return { text: head + sep + block + text.slice(at), line: position(text, at).line + (sep ? 1 : 0) };
  }
  // users: []  → users:\n  - username: …   (the empty flow list becomes a block list; a comment on the line stays)
  const start = seqNode.range[0];
  const end = seqNode.range[1];
  let cut = start;
  while (cut > 0 && text[cut - 1] === " ") cut--;
  const afterLine = lineEnd(text, end);
  const sep = afterLine > 0 && text[afterLine - 1] !== "\n" ? eol : "";
  const edited = text.slice(0, cut) + text.slice(end, afterLine) + sep + block + text.slice(afterLine);
  return { text: edited, line: position(text, afterLine).line + (sep ? 1 : 0) };
}

/** Adds `key: value` as the last pair of an entry: a new line in a block entry, `, key: value` in a flow one. */
function appendPair(text: string, map: YAMLMap, key: string, value: string, eol: string): string {
  const last = map.items[map.items.length - 1]!;
  const end = contentEnd((last.value ?? last.key) as ParsedNode);
  if (map.flow) return `${text.slice(0, end)}, ${key}: ${value}${text.slice(end)}`;
  const keyColumn = column(text, (map.items[0]!.key as ParsedNode).range[0]);
  const at = lineEnd(text, end);
  const sep = text.slice(0, at).endsWith("\n") ? "" : eol;
  return `${text.slice(0, at)}${sep}${" ".repeat(keyColumn)}${key}: ${value}${sep ? "" : eol}${text.slice(at)}`;
}

/**
 * Resume: removes `enabled: false`. In a block entry where the pair has its own line, that line goes (with any
 * comment on it, which described the suspension): the exact inverse of `suspend`, so suspend + resume leaves the
 * file as it was, and the diff is one deleted line. In a flow entry, `, enabled: false` goes. Anywhere else (the
 * pair shares its line, e.g. `- enabled: false` first in the entry) the value is set to `true` in place.
 */
function removeEnabled(text: string, map: YAMLMap, pair: Pair<ParsedNode, ParsedNode>): string {
  const value = pair.value as ParsedNode; // `enabled: false`: validated before
  const keyStart = pair.key.range[0];
  const valueEnd = value.range[1];
  const index = map.items.indexOf(pair as Pair);
  if (map.flow) {
    if (index > 0) {
      const prevEnd = contentEnd((map.items[index - 1]!.value ?? map.items[index - 1]!.key) as ParsedNode);
      return text.slice(0, prevEnd) + text.slice(valueEnd);
    }
    return replaceRange(text, value, "true");
  }
  const lineStart = text.lastIndexOf("\n", keyStart - 1) + 1;
  const end = lineEnd(text, valueEnd);
  const ownLine = /^ *$/.test(text.slice(lineStart, keyStart)) && /^[ \t]*(#.*)?\r?\n?$/.test(text.slice(valueEnd, end));
  if (ownLine && index > 0) return text.slice(0, lineStart) + text.slice(end);
  return replaceRange(text, value, "true");
}

function replaceRange(text: string, node: ParsedNode, replacement: string): string {
  return text.slice(0, node.range[0]) + replacement + text.slice(node.range[1]);
}

/** Offset just after a node's own text (not the comments after it). */
function contentEnd(node: ParsedNode | YamlNode): number {
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1] as unknown;
    if (isMap(node)) {
      const pair = last as Pair<ParsedNode, ParsedNode | null>;
      const keyEnd = pair.key.range[1];
      const value = pair.value;
      return value && value.range ? Math.max(keyEnd, contentEnd(value)) : keyEnd;
    }
    return contentEnd(last as ParsedNode);
  }
  return (node as ParsedNode).range[1];
}

/** Offset after the line break that ends the line holding `offset` (or the end of the text). */
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  return nl === -1 ? text.length : nl + 1;
}

function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return { line, column: column(text, offset) + 1 };
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

/** The file a path names, through symlinks, so the rename replaces the file and not the link. */
function realTarget(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * Replaces `file` with `text` atomically: a temporary file beside it (same file system), flushed, then renamed
 * over it. Refuses when the file changed since it was read (another edit in between).
 */
function writeAtomically(file: string, original: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const mode = fs.statSync(file).mode & 0o777;
  try {
    const fd = fs.openSync(temp, "wx", mode);
    try {
      fs.writeFileSync(fd, text, "utf8");
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (fs.readFileSync(file, "utf8") !== original) {
      throw new Refusal(`${file}: the file changed while it was being edited; nothing written, run the command again`);
    }
    fs.renameSync(temp, file);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
