/**
 * The users file (`stacks/<stack>/users.yaml`): parsing and validation with `file:line:column` problems.
 *
 * The file is reviewed in pull requests and turned into one workspace per user, so the parser is strict (unknown
 * keys, YAML 1.1 booleans, anchors and tags are refused), reports every problem at once with a precise position and
 * a hint on what to do, and refuses hostile input (huge files, alias bombs, deep nesting) before it costs much.
 *
 * Stages:
 * 1. size check;
 * 2. a token scan with yaml's streaming `Lexer` (cheap, no tree): anchors, aliases, tags and directives are refused
 *    and work budgets enforced (nesting depth, node count, user count), so nothing expensive reaches the parser;
 *    an exceeded budget stops here;
 * 3. YAML parsing (1.2 core schema) into a `Document` whose ranges, via a `LineCounter`, give positions; problems
 *    of stages 2 and 3 are reported together, and stop here;
 * 4. shape and rules: the top level by hand, each entry with zod strict objects, zod issue paths mapped back to nodes.
 */
import * as fs from "node:fs";
import {
  CST,
  Lexer,
  LineCounter,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Document,
  type Node as YamlNode,
  type ParsedNode,
  type YAMLMap,
} from "yaml";
import { z } from "zod";
import { parseQuantity } from "../kubernetes/quantity";

/** One user of the platform, as the rest of the platform sees it (defaults applied). */
export interface WorkspaceUser {
  /** DNS label, unique, not reserved: names the workspace, its namespace and its host `<username>.<domain>`. */
  username: string;
  email: string;
  /** Display name. */
  name?: string;
  /** Group names (DNS labels); `admins` is special. Empty when the file has none. */
  groups: string[];
  /** Resource preset, one of the stack's tiers; absent = the stack's default tier. */
  tier?: string;
  /** Kubernetes quantity overriding the tier's storage size, e.g. "20Gi". */
  storage?: string;
  /** False = suspended: no pod, no route, data kept. */
  enabled: boolean;
}

/** What a users file is checked against; comes from the stack configuration. */
export interface UsersFileRules {
  /** Valid values of `tier`. */
  tiers: readonly string[];
  /** Usernames nobody may take (e.g. {@link PLATFORM_RESERVED_USERNAMES}). */
  reservedUsernames: readonly string[];
  /** Smallest allowed `storage` (Kubernetes quantity, inclusive). */
  storageMin: string;
  /** Largest allowed `storage` (Kubernetes quantity, inclusive). */
  storageMax: string;
}

/** A problem at a 1-based line and column (UTF-16 code units, as yaml counts them). */
export interface PositionedProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Thrown for an invalid or unreadable users file; `message` has one `file:line:column: message` line per problem. */
export class UsersFileError extends Error {
  readonly problems: PositionedProblem[];

  constructor(problems: PositionedProblem[]) {
    super(formatProblems(problems));
    this.name = "UsersFileError";
    this.problems = problems;
  }
}

/**
 * Usernames nobody may take. A username becomes the host `<username>.<domain>` and names a namespace and other
 * Kubernetes objects, so it must not collide with, or impersonate, what the platform serves or could serve on the
 * same domain: its own components (auth, traefik, grafana…), conventional service hosts that mail and browser
 * clients probe automatically (autoconfig, autodiscover, mta-sts, wpad…), mailbox names that certificate
 * authorities trust for domain validation (admin, postmaster, webmaster…), Kubernetes' own namespaces, and
 * environment names. Sorted; generous on purpose, since releasing a name later is easy and reclaiming one is not.
 */
export const PLATFORM_RESERVED_USERNAMES: readonly string[] = Object.freeze([
  "abuse",
  "acme",
  "admin",
  "administrator",
  "admins",
  "alertmanager",
  "api",
  "app",
  "apps",
  "assets",
  "auth",
  "authelia",
  "autoconfig",
  "autodiscover",
  "blog",
  "cdn",
  "cert-manager",
  "ci",
  "code",
  "code-server",
  "console",
  "dashboard",
  "datadog",
  "db",
  "default",
  "dev",
  "dns",
  "docs",
  "ftp",
  "git",
  "grafana",
  "health",
  "help",
  "hostmaster",
  "imap",
  "info",
  "ingress",
  "internal",
  "isatap",
  "kube-node-lease",
  "kube-public",
  "kube-system",
  "kubernetes",
  "ldap",
  "local-path-storage",
  "localhost",
  "login",
  "logout",
  "logs",
  "mail",
  "metrics",
  "monitoring",
  "mta-sts",
  "mx",
  "noreply",
  "ns",
  "ns1",
  "ns2",
  "oauth",
  "oidc",
  "platform",
  "pop",
  "pop3",
  "portal",
  "postgres",
  "postgresql",
  "postmaster",
  "prod",
  "prometheus",
  "proxy",
  "public",
  "redis",
  "registry",
  "root",
  "security",
  "smtp",
  "sso",
  "staging",
  "static",
  "status",
  "support",
  "system",
  "test",
  "traefik",
  "vibecode",
  "webmail",
  "webmaster",
  "workspace",
  "workspaces",
  "wpad",
  "www",
]);

/**
 * Limits that keep hostile input cheap to refuse. The `yaml` package builds a rich tree (about 1 MB/s and several
 * hundred bytes per node on this class of input), so the work budgets below, checked by a streaming scan before
 * parsing, are what bound time and memory; `maxBytes` only bounds reading.
 */
export const USERS_FILE_LIMITS = Object.freeze({
  /** Files above 16 MiB are refused before reading (50 000 fully specified users take about 7 MiB). */
  maxBytes: 16 * 1024 * 1024,
  /** Aliases are refused outright; 0 also makes yaml's `toJS` refuse to expand any alias (defence in depth). */
  maxAliasCount: 0,
  /**
   * Five times what one cluster can host (Kubernetes' tested limit is 10 000 namespaces). Not 100 000: parsing
   * 100 000 fully specified users takes yaml about 20 s and 1.3 GB, too slow and big for a check in CI.
   */
  maxUsers: 50_000,
  /** Values and indicators (`-`, `:`, `[`…): a fully specified user has about 27, so 30 per user (~10 s worst case). */
  maxNodes: 1_500_000,
  /** Lexer tokens, spaces, newlines and comments included (~50 per full user): bounds the scan (~3 s worst case). */
  maxTokens: 4_000_000,
  /** Nesting of `[ ]` / `{ }`: a users file needs 3; deep nesting would exhaust the parser's stack and memory. */
  maxFlowDepth: 16,
  /** Problems listed before "… and N more": a wholly wrong 50 000-user file should not print a million lines. */
  maxProblems: 1000,
});

const ENTRY_KEYS = ["username", "email", "name", "groups", "tier", "storage", "enabled"] as const;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/**
 * 40, not the 63 a DNS label allows: the username is embedded in longer names (namespace, PVC, Service and Secret
 * names with prefixes and suffixes, Pulumi's 8-character random suffixes), which must stay within 63 characters.
 */
const MAX_USERNAME_LENGTH = 40;
const MAX_GROUP_LENGTH = 63;

/** A problem before it has a position: an offset into the text. */
interface RawProblem {
  offset: number;
  /** A function when building the text costs something: only the problems listed are formatted. */
  message: string | (() => string);
}

/** Formats problems as `file:line:column: message`, one per line. */
export function formatProblems(problems: PositionedProblem[]): string {
  return problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join("\n");
}

/**
 * Parses and validates the text of a users file.
 *
 * @param file name used in problems (usually the path).
 * @returns the users in file order, defaults applied (`groups: []`, `enabled: true`).
 * @throws UsersFileError listing every problem found (up to `USERS_FILE_LIMITS.maxProblems`), sorted by position.
 */
export function parseUsersFile(text: string, file: string, rules: UsersFileRules): WorkspaceUser[] {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > USERS_FILE_LIMITS.maxBytes) {
    throw new UsersFileError([{ file, line: 1, column: 1, message: tooBigMessage(bytes) }]);
  }
  const lines = lineCounterFor(text);
  let omitted = 0;
  const fail = (raw: RawProblem[], fatal?: RawProblem): never => {
    throw new UsersFileError(positioned(raw, file, lines, omitted, fatal));
  };

  const scan = scanTokens(text);
  omitted = scan.omitted;
  if (scan.fatal) fail(scan.problems, scan.fatal);

  // The scan stops at a second document; parse only the first so its own problems are reported too.
  const source = scan.secondDocumentAt === undefined ? text : text.slice(0, scan.secondDocumentAt);
  const problems: RawProblem[] = scan.problems.slice();
  if (scan.secondDocumentAt !== undefined) {
    problems.push({
      offset: scan.secondDocumentAt,
      message:
        "a users file holds a single YAML document, but a second one starts here: remove this line and everything " +
        "after it, or merge the entries into the first document's users list",
    });
  }
  const docs = parseAllDocuments(source, {
    version: "1.2",
    schema: "core", // YAML 1.2: `yes`/`no`/`on`/`off` are strings, so they cannot silently become booleans.
    merge: false, // `<<` is an ordinary (unknown) key rather than a merge.
    stringKeys: true,
    // yaml's duplicate check compares every key with every other (60 000 keys took 40 s); ours uses a Set.
    uniqueKeys: false,
    prettyErrors: false, // positions come from our LineCounter; messages stay one line.
    logLevel: "silent",
  });
  const doc: Document.Parsed | undefined = Array.isArray(docs) ? docs[0] : undefined;
  if (Array.isArray(docs)) {
    for (const d of docs) append(problems, yamlProblems(d));
    // Not expected after the scan's cut, but never let a second document through silently.
    if (docs.length > 1 && scan.secondDocumentAt === undefined) {
      problems.push({ offset: docs[1]!.range[0], message: "a users file holds a single YAML document; remove this one" });
    }
  }
  if (doc) append(problems, duplicateKeyProblems(doc, lines));
  if (problems.length > 0) fail(problems);

  const result = validateDocument(doc, rules, lines);
  if (result.problems.length > 0) fail(result.problems);
  return result.users;
}

/**
 * Reads and validates a users file. Refuses, before reading, anything but a regular file and files larger than
 * `USERS_FILE_LIMITS.maxBytes`. An unreadable file is a {@link UsersFileError} at 1:1 naming the OS error, invalid
 * UTF-8 one at the first bad byte.
 */
export function readUsersFile(path: string, rules: UsersFileRules): WorkspaceUser[] {
  const at11 = (message: string): UsersFileError => new UsersFileError([{ file: path, line: 1, column: 1, message }]);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (e) {
    throw at11(`cannot read the users file: ${osErrorMessage(e)}`);
  }
  // A FIFO or a device such as /dev/zero has no meaningful size and could be read forever.
  if (!stat.isFile()) throw at11(`cannot read the users file: ${stat.isDirectory() ? "it is a directory" : "it is not a regular file"}`);
  if (stat.size > USERS_FILE_LIMITS.maxBytes) throw at11(tooBigMessage(stat.size));
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(path);
  } catch (e) {
    throw at11(`cannot read the users file: ${osErrorMessage(e)}`);
  }
  // The file may have grown between stat and read.
  if (buffer.length > USERS_FILE_LIMITS.maxBytes) throw at11(tooBigMessage(buffer.length));
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buffer);
  } catch {
    // Point at the first undecodable byte (the lenient decoder turns it into U+FFFD).
    const lenient = buffer.toString("utf8");
    const at = Math.max(0, lenient.indexOf("\uFFFD"));
    const pos = lineCounterFor(lenient).linePos(at);
    throw new UsersFileError([
      { file: path, line: pos.line, column: pos.col, message: "the file is not valid UTF-8 text: save it as UTF-8" },
    ]);
  }
  return parseUsersFile(text, path, rules);
}

// ---------------------------------------------------------------------------------------------------------------
// Positions

/** A LineCounter filled from the text itself, so positions are right even inside multi-line scalars. */
function lineCounterFor(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines.addNewLine(i + 1);
  return lines;
}

/**
 * Sorts problems by position and keeps the first `maxProblems`; `omitted` were found but never kept (they come after
 * the kept ones). `fatal`, the reason checking stopped, is always listed, last.
 */
function positioned(
  raw: RawProblem[],
  file: string,
  lines: LineCounter,
  omitted = 0,
  fatal?: RawProblem,
): PositionedProblem[] {
  const max = USERS_FILE_LIMITS.maxProblems;
  // Array.prototype.sort is stable: problems at the same position keep the order they were found in.
  const sorted = raw.slice().sort((a, b) => a.offset - b.offset);
  const at = (p: RawProblem, message: string): PositionedProblem => {
    const { line, col } = lines.linePos(p.offset);
    return { file, line, column: col, message };
  };
  const out = sorted.slice(0, max).map((p) => at(p, typeof p.message === "string" ? p.message : p.message()));
  const total = sorted.length + omitted;
  if (total > max) {
    out.push(at(sorted[Math.min(max, sorted.length - 1)]!, `… and ${total - max} more problems (only the first ${max} are listed)`));
  }
  if (fatal) out.push(at(fatal, typeof fatal.message === "string" ? fatal.message : fatal.message()));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Stage 2: token scan

interface ScanResult {
  /** The first `maxProblems + 1` problems, in file order (the extra one places "… and N more"). */
  problems: RawProblem[];
  /** Problems found but not kept. */
  omitted: number;
  /** A limit was exceeded: the file is refused without parsing. */
  fatal?: RawProblem;
  /** Offset where a second YAML document starts. */
  secondDocumentAt?: number;
}

/**
 * One pass of yaml's streaming lexer (no tree is built, so memory stays flat). Refuses anchors, aliases, tags and
 * directives, finds a second document, and enforces the work budgets of {@link USERS_FILE_LIMITS}.
 */
function scanTokens(text: string): ScanResult {
  const L = USERS_FILE_LIMITS;
  const problems: RawProblem[] = [];
  let omitted = 0;
  // Keep the first maxProblems only: an alias on every line must not cost a million problem objects.
  const report = (offset: number, message: string) => {
    if (problems.length <= L.maxProblems) problems.push({ offset, message });
    else omitted++;
  };
  const done = (extra: Partial<ScanResult> = {}): ScanResult => ({ problems, omitted, ...extra });
  const refuse = (offset: number, message: string): ScanResult => done({ fatal: { offset, message } });

  let offset = 0;
  let lineStart = 0;
  let tokens = 0;
  let nodes = 0;
  let flowDepth = 0;
  let nextIsScalar = false;
  let docState: "none" | "open" | "ended" = "none";
  // Users are the items of the one block sequence at flow depth 0; they all start in the first item's column.
  let itemColumn = -1;
  let items = 0;

  for (const token of new Lexer().lex(text)) {
    // Markers the lexer inserts without consuming source text.
    if (token === CST.DOCUMENT || token === CST.FLOW_END) continue;
    if (token === CST.SCALAR) {
      nextIsScalar = true;
      continue;
    }
    const start = offset;
    offset += token.length;
    if (++tokens > L.maxTokens) return refuse(start, `the file is too large: more than ${L.maxTokens} YAML tokens`);
    const type = nextIsScalar ? "scalar" : CST.tokenType(token);
    nextIsScalar = false;
    switch (type) {
      case "newline":
        lineStart = offset;
        continue;
      case "space":
      case "comment":
      case "byte-order-mark":
        continue;
      case "directive-line":
        report(start, `directives (${clip(token.split(/[ \t]/)[0]!)}) are not allowed in a users file: remove this line`);
        continue;
      case "doc-start":
        if (docState !== "none") return done({ secondDocumentAt: start });
        docState = "open";
        continue;
      case "doc-end":
        if (docState === "open") docState = "ended";
        continue;
    }
    // Anything else is content; content after "..." starts another document.
    if (docState === "ended") return done({ secondDocumentAt: start });
    docState = "open";
    if (++nodes > L.maxNodes) {
      return refuse(start, `the file is too complex: more than ${L.maxNodes} YAML values and indicators`);
    }
    switch (type) {
      case "flow-map-start":
      case "flow-seq-start":
        if (++flowDepth > L.maxFlowDepth) {
          return refuse(start, `[ ] and { } are nested more than ${L.maxFlowDepth} deep here; a users file needs at most 3 levels`);
        }
        break;
      case "flow-map-end":
      case "flow-seq-end":
        flowDepth = Math.max(0, flowDepth - 1);
        break;
      case "seq-item-ind":
        if (flowDepth === 0) {
          const column = start - lineStart;
          if (itemColumn < 0) itemColumn = column;
          if (column === itemColumn && ++items > L.maxUsers) return refuse(start, tooManyUsersMessage());
        }
        break;
      case "anchor":
        report(start, `anchors (${clip(token)}) are not allowed in a users file: write every value out in full`);
        break;
      case "alias":
        report(start, `aliases (${clip(token)}) are not allowed in a users file: write the value out instead of referring to an anchor`);
        break;
      case "tag":
        report(start, `tags (${clip(token)}) are not allowed in a users file: remove the tag and write a plain value`);
        break;
      case "scalar":
      case "single-quoted-scalar":
      case "double-quoted-scalar": {
        // Multi-line scalars carry their own newlines.
        const nl = token.lastIndexOf("\n");
        if (nl !== -1) lineStart = start + nl + 1;
        break;
      }
    }
  }
  return done();
}

// ---------------------------------------------------------------------------------------------------------------
// Stage 3: YAML problems

/** Codes the token scan already reports with a better message. */
const COVERED_BY_SCAN = new Set(["TAG_RESOLVE_FAILED", "BAD_DIRECTIVE", "BAD_ALIAS"]);

function yamlProblems(doc: Document.Parsed): RawProblem[] {
  const out: RawProblem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    if (COVERED_BY_SCAN.has(e.code)) continue;
    let message = `invalid YAML: ${oneLine(e.message)}`;
    if (e.code === "TAB_AS_INDENT") message += " (indent with spaces)";
    if (e.code === "RESOURCE_EXHAUSTION") message = "invalid YAML: the file is nested too deeply";
    out.push({ offset: e.pos[0], message });
  }
  return out;
}

/** Duplicate keys in any mapping, reported at the second key with the line of the first. */
function duplicateKeyProblems(doc: Document.Parsed, lines: LineCounter): RawProblem[] {
  const out: RawProblem[] = [];
  // Iterative walk: block nesting can be deep enough to overflow a recursive one.
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = pair.key as YamlNode | null;
        if (isScalar(key) && key.range) {
          const name = String(key.value);
          const first = seen.get(name);
          if (first === undefined) seen.set(name, key.range[0]);
          else {
            out.push({
              offset: key.range[0],
              message: () => `duplicate key ${show(name)} (first on line ${lines.linePos(first).line}): keep only one of them`,
            });
          }
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Stage 4: shape and rules

function validateDocument(
  doc: Document.Parsed | undefined,
  rules: UsersFileRules,
  lines: LineCounter,
): { users: WorkspaceUser[]; problems: RawProblem[] } {
  const none = (offset: number, message: string) => ({ users: [], problems: [{ offset, message }] });
  const root = doc?.contents ?? null;
  if (root === null) return none(0, `the file is empty: it must be a mapping with a "users" list, e.g. "users: []"`);
  if (!isMap(root)) {
    const what = isSeq(root) ? "a list (put the entries under a top-level \"users:\" key)" : describe(doc!.toJS());
    return none(root.range[0], `the top level must be a mapping with a "users" list, not ${what}`);
  }
  const usersNode = findPair(root, "users")?.value;
  if (isSeq(usersNode) && usersNode.items.length > USERS_FILE_LIMITS.maxUsers) {
    // Flow-style lists escape the token scan's count.
    const item = usersNode.items[USERS_FILE_LIMITS.maxUsers] as ParsedNode;
    return none(item.range[0], tooManyUsersMessage());
  }

  const data: unknown = doc!.toJS({ maxAliasCount: USERS_FILE_LIMITS.maxAliasCount });
  const problems: RawProblem[] = [];
  const parsed = usersFileSchema(rules).safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) append(problems, issueProblems(issue, root));
  }
  append(problems, duplicateProblems(data, root, lines));
  if (problems.length > 0 || !parsed.success) return { users: [], problems };

  // Optional fields are left out rather than set to undefined, so results compare and serialise cleanly.
  const users = parsed.data.users.map(
    (u): WorkspaceUser => ({
      username: u.username,
      email: u.email,
      ...(u.name !== undefined && { name: u.name }),
      groups: u.groups ?? [],
      ...(u.tier !== undefined && { tier: u.tier }),
      ...(u.storage !== undefined && { storage: u.storage }),
      enabled: u.enabled ?? true,
    }),
  );
  return { users, problems };
}

/** Zod schema of the whole file; messages are final, user-facing text. */
function usersFileSchema(rules: UsersFileRules) {
  const reserved = new Set(rules.reservedUsernames);
  const storageMin = parseQuantity(rules.storageMin);
  const storageMax = parseQuantity(rules.storageMax);
  const email = z.email();
  const tierList = rules.tiers.join(", ");

  const username = z
    .string({
      error: (iss) =>
        iss.input === undefined
          ? 'missing required key "username": every user needs one, a DNS label such as "alice"'
          : `username must be a string such as "alice", not ${describe(iss.input)}`,
    })
    .superRefine((v, ctx) => {
      for (const message of usernameProblems(v, reserved)) ctx.addIssue({ code: "custom", message });
    });

  const entry = z.strictObject(
    {
      username,
      email: z
        .string({
          error: (iss) =>
            iss.input === undefined
              ? 'missing required key "email": every user needs an email address such as "alice@example.com"'
              : `email must be a string such as "alice@example.com", not ${describe(iss.input)}`,
        })
        .superRefine((v, ctx) => {
          if (!email.safeParse(v).success) {
            ctx.addIssue({ code: "custom", message: `email ${show(v)} is not a valid email address (e.g. "alice@example.com")` });
          }
        }),
      name: z
        .string({
          error: (iss) =>
            iss.input === null
              ? 'name is empty: write a display name such as "Alice Example" or remove the key'
              : `name must be a string such as "Alice Example", not ${describe(iss.input)}`,
        })
        .superRefine((v, ctx) => {
          if (v.trim() === "") ctx.addIssue({ code: "custom", message: "name is blank: write a display name or remove the key" });
        })
        .optional(),
      groups: z
        .array(
          z
            .string({ error: (iss) => `each group must be a string such as "developers", not ${describe(iss.input)}` })
            .superRefine((v, ctx) => {
              if (!DNS_LABEL.test(v) || v.length > MAX_GROUP_LENGTH) {
                ctx.addIssue({
                  code: "custom",
                  message:
                    `group ${show(v)} must be a DNS label of at most ${MAX_GROUP_LENGTH} characters: ` +
                    "lowercase letters, digits and '-', starting and ending with a letter or digit",
                });
              }
            }),
          {
            error: (iss) =>
              `groups must be a list such as [developers], not ${describe(iss.input)}` +
              (typeof iss.input === "string" ? ` (write [${iss.input}])` : ""),
          },
        )
        .optional(),
      tier: z
        .string({
          error: (iss) => `tier must be a string, one of ${tierList || "(none defined)"}, not ${describe(iss.input)}`,
        })
        .superRefine((v, ctx) => {
          if (!rules.tiers.includes(v)) {
            const message =
              rules.tiers.length > 0
                ? `tier ${show(v)} is not defined for this stack: use one of ${tierList}`
                : `tier ${show(v)} is not defined: this stack defines no tiers, so remove the key`;
            ctx.addIssue({ code: "custom", message });
          }
        })
        .optional(),
      storage: z
        .string({
          error: (iss) =>
            `storage must be a quantity string such as "20Gi", not ${describe(iss.input)}` +
            (typeof iss.input === "number" ? " (add a unit such as Gi)" : ""),
        })
        .superRefine((v, ctx) => {
          let bytes: number;
          try {
            bytes = parseQuantity(v);
          } catch {
            ctx.addIssue({
              code: "custom",
              message: `storage ${show(v)} is not a Kubernetes quantity: write a number with a binary unit such as "20Gi" or "512Mi"`,
            });
            return;
          }
          if (bytes < storageMin || bytes > storageMax) {
            ctx.addIssue({
              code: "custom",
              message: `storage ${show(v)} is out of range: it must be between ${rules.storageMin} and ${rules.storageMax}`,
            });
          }
        })
        .optional(),
      enabled: z
        .boolean({
          error: (iss) => {
            const v = iss.input;
            if (typeof v !== "string") return `enabled must be true or false, not ${describe(v)}`;
            const yaml11 = /^(y|yes|n|no|on|off)$/i.test(v) ? " (YAML 1.2 reads yes/no/on/off as strings)" : "";
            return `enabled must be true or false without quotes, not the string ${show(v)}${yaml11}`;
          },
        })
        .optional(),
    },
    {
      error: (iss) =>
        iss.code === "invalid_type"
          ? `each user must be a mapping such as "- username: alice", not ${describe(iss.input)}`
          : undefined,
    },
  );

  return z.strictObject({
    users: z.array(entry, {
      error: (iss) =>
        iss.input === undefined
          ? 'missing required key "users": list the users under it, or write "users: []" for none'
          : `users must be a list of users (write "users: []" for none), not ${describe(iss.input)}`,
    }),
  });
}

function usernameProblems(v: string, reserved: ReadonlySet<string>): string[] {
  if (v === "") return ['username is empty: use a DNS label such as "alice"'];
  const out: string[] = [];
  if (!DNS_LABEL.test(v)) {
    const suggestion = slug(v);
    out.push(
      `username ${show(v)} must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter ` +
        `or digit${suggestion && suggestion !== v ? ` (e.g. ${show(suggestion)})` : ""}`,
    );
  }
  if (v.length > MAX_USERNAME_LENGTH) {
    out.push(
      `username ${show(v)} is ${v.length} characters long; the limit is ${MAX_USERNAME_LENGTH} so that the names ` +
        "derived from it (namespace, volume, service, with prefixes and suffixes) fit Kubernetes' 63-character limit",
    );
  }
  if (out.length > 0) return out;
  if (v === "default" || v.startsWith("kube-")) {
    out.push(`username ${show(v)} is reserved for Kubernetes' own namespaces ("default", "kube-*"): choose another`);
  } else if (v.slice(2, 4) === "--") {
    // RFC 5891 reserves "??--" labels; "xn--" ones display as Unicode and could impersonate another user's host.
    out.push(`username ${show(v)} must not have "--" as its 3rd and 4th characters (reserved for internationalised domain names)`);
  } else if (reserved.has(v)) {
    out.push(`username ${show(v)} is reserved by the platform (a platform host or namespace has or may have this name): choose another`);
  }
  return out;
}

/**
 * Problems that involve several values, checked on the raw data so they are found even where zod stops early (it
 * skips an array's refinements once an element is invalid): usernames must be unique ignoring case, so "Bob" cannot
 * shadow "bob" even before the DNS-label rule is fixed; a user's groups must be unique.
 */
function duplicateProblems(data: unknown, root: YAMLMap, lines: LineCounter): RawProblem[] {
  const users = (data as { users?: unknown } | null)?.users;
  if (!Array.isArray(users)) return [];
  const out: RawProblem[] = [];
  const first = new Map<string, number>();
  users.forEach((u: unknown, i) => {
    if (typeof u !== "object" || u === null) return;
    const { username, groups } = u as { username?: unknown; groups?: unknown };
    if (typeof username === "string" && username !== "") {
      const key = username.toLowerCase();
      const offset = locate(root, ["users", i, "username"]);
      const firstOffset = first.get(key);
      if (firstOffset === undefined) first.set(key, offset);
      else {
        out.push({
          offset,
          message: () =>
            `username ${show(username)} is already taken by the user on line ${lines.linePos(firstOffset).line}` +
            " (usernames are compared ignoring case): choose another or remove one entry",
        });
      }
    }
    if (Array.isArray(groups)) {
      const seen = new Set<unknown>();
      groups.forEach((g: unknown, j) => {
        if (typeof g === "string" && seen.has(g)) {
          out.push({ offset: locate(root, ["users", i, "groups", j]), message: `group ${show(g)} is listed twice: remove one` });
        }
        seen.add(g);
      });
    }
  });
  return out;
}

/** Turns one zod issue into positioned problems (one per unknown key). */
function issueProblems(issue: z.core.$ZodIssue, root: YAMLMap): RawProblem[] {
  if (issue.code === "unrecognized_keys") {
    const topLevel = issue.path.length === 0;
    const allowed: readonly string[] = topLevel ? ["users"] : ENTRY_KEYS;
    return issue.keys.map((key) => {
      const hint = suggest(key, allowed);
      const where = topLevel
        ? `unknown top-level key ${show(key)}${hint}: the file may only contain "users"`
        : `unknown key ${show(key)}${hint}: allowed keys are ${allowed.join(", ")}`;
      return { offset: locate(root, [...issue.path, key], "key"), message: where };
    });
  }
  return [{ offset: locate(root, issue.path), message: oneLine(issue.message) }];
}

/**
 * Offset of the node at a zod path: the value, or the key when `at` is "key" or the value is empty; missing parts
 * resolve to the deepest node that exists (the entry, for a missing key).
 */
function locate(root: YAMLMap, path: readonly PropertyKey[], at: "value" | "key" = "value"): number {
  let node: YamlNode = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    let next: unknown;
    if (isMap(node)) {
      const pair = findPair(node, String(segment));
      if (!pair) break;
      const key = pair.key as ParsedNode;
      const value = pair.value as ParsedNode | null;
      const empty = value === null || (isScalar(value) && value.value === null && value.source === "");
      if ((last && at === "key") || empty) return key.range[0];
      next = value;
    } else if (isSeq(node) && typeof segment === "number") {
      next = node.items[segment];
    }
    if (!next || !(next as ParsedNode).range) break;
    node = next as ParsedNode;
  }
  return (node as ParsedNode).range?.[0] ?? 0;
}

function findPair(map: YAMLMap, key: string) {
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
}

// ---------------------------------------------------------------------------------------------------------------
// Message helpers

function tooBigMessage(bytes: number): string {
  const max = USERS_FILE_LIMITS.maxBytes;
  return `the file is too large: ${bytes} bytes, and a users file may have at most ${max} (${max / 1024 / 1024} MiB)`;
}

function tooManyUsersMessage(): string {
  return `too many users: a users file may list at most ${USERS_FILE_LIMITS.maxUsers}, and this is one more`;
}

/** `target.push(...items)` without the spread, which overflows the stack for a million items. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** A value quoted for a message, cut short so hostile values cannot flood the output. */
function show(value: string): string {
  const max = 60;
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

/** Source text cut short for a message. */
function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ");
}

/** "the string \"x\"", "the number 3", "a list", "a mapping", "an empty value". */
function describe(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (typeof value === "string") return `the string ${show(value)}`;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return `the ${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return "a list";
  return "a mapping";
}

/** A DNS-label version of an invalid username, to suggest ("Alice.Smith" → "alice-smith"). */
function slug(v: string): string {
  return v
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, MAX_USERNAME_LENGTH)
    .replace(/^-+|-+$/g, "");
}

/** ` (did you mean "name"?)` for a key within two edits of an allowed one. */
function suggest(key: string, allowed: readonly string[]): string {
  if (key.length > 40) return "";
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const d = editDistance(key.toLowerCase(), candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best === undefined ? "" : ` (did you mean ${show(best)}?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** "ENOENT: no such file or directory, stat 'x'". Not `instanceof Error`: fs errors may come from another realm. */
function osErrorMessage(e: unknown): string {
  const message = (e as { message?: unknown } | null)?.message;
  return oneLine(typeof message === "string" ? message : String(e));
}
