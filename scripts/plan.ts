/**
 * `npm run --silent plan -- --base <git-ref> [--stack <dev|prod>] [--users <file>]`
 *
 * What a change does to a stack, as Markdown for a pull-request comment: renders the base commit (its own tree,
 * extracted from git, rendered by its own `render` script with the current node_modules) and the working tree
 * (with `--users <file>` instead of the stack's users file, if given), then compares the two users files and the
 * two sets of Kubernetes objects. Warnings come first: anything that deletes data, and changes to the workspaces of
 * people whose entry in the users file did not change.
 *
 * Exit 0: plan printed (warnings included — the removal guard and protection stop a data-losing `pulumi up`;
 * this is for reviewers). Exit 1: a render failed (e.g. `file:line:column` problems in a users file), the base has
 * no render script, or git failed. Exit 2: bad command line or unknown ref.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { buildPlan, diffObjects, diffUsers, usersOf, type K8sObject } from "./plan/diff";
import { formatMarkdown } from "./plan/markdown";
import {
  extractTree,
  hasRenderScript,
  linkNodeModules,
  PlanError,
  readHelmReleases,
  readManifests,
  readStackConfig,
  readUsersData,
  renderTree,
  resolveCommit,
} from "./plan/trees";
import { processIo, type Io } from "./io";

/** This project (where package.json and Pulumi.<stack>.yaml are). */
const PROJECT_ROOT = path.resolve(__dirname, "..");
const STACKS = ["dev", "prod"] as const;
const CONFIG_NAMESPACE = "vibecode-platform";

const USAGE = `usage: npm run --silent plan -- --base <git-ref> [--stack <dev|prod>] [--users <file>]

  --base <git-ref>   commit to compare with (e.g. origin/main); it must have a render script
  --stack <name>     ${STACKS.join(" or ")} (default dev)
  --users <file>     users file of this side instead of the stack's own (stacks/<stack>/users.yaml)

Prints Markdown on stdout. exit status: 0 plan printed, 1 a render failed or the base cannot be rendered,
2 usage error or unknown ref`;

const flagsSchema = z.strictObject({
  base: z.string({ error: "--base <git-ref> is required" }).min(1, { error: "--base must not be empty" }),
  stack: z
    .enum(STACKS, { error: (iss) => `--stack must be one of ${STACKS.join(", ")}, not ${JSON.stringify(iss.input)}` })
    .default("dev"),
  users: z.string().min(1, { error: "--users must not be empty" }).optional(),
});


/** Runs the command line and returns the exit code. */
export async function main(argv: readonly string[], io: Io = processIo, root: string = PROJECT_ROOT): Promise<number> {
  const usageError = (message: string): number => {
    io.stderr(`plan: ${message}\n\n${USAGE}\n`);
    return 2;
  };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        base: { type: "string" },
        stack: { type: "string" },
        users: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (e) {
    const message = (e as { message?: unknown } | null)?.message;
    return usageError(typeof message === "string" ? message : String(e));
  }
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const { help: _help, ...flags } = values;
  const checked = flagsSchema.safeParse(flags);
  if (!checked.success) return usageError(checked.error.issues.map((i) => i.message).join("; "));

  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "vibecode-plan-"));
  try {
    io.stdout(await plan({ ...checked.data, root, temp }));
    return 0;
  } catch (e) {
    if (e instanceof PlanError) {
      if (e.exitCode === 2) return usageError(e.message);
      io.stderr(`plan: ${e.message}\n`);
      return 1;
    }
    io.stderr(`plan: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return 1;
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

interface PlanRequest {
  base: string;
  stack: (typeof STACKS)[number];
  users?: string;
  /** Project root of the working tree. */
  root: string;
  /** Scratch directory (removed by the caller). */
  temp: string;
}

async function plan(req: PlanRequest): Promise<string> {
  const { stack, root } = req;
  const commit = resolveCommit(root, req.base);
  const headConfig = readStackConfig(root, stack);
  if (!headConfig) throw new PlanError(`this project has no stack ${stack} (no Pulumi.${stack}.yaml)`, 2);

  const baseTree = await extractTree(root, commit, path.join(req.temp, "base"));
  if (!hasRenderScript(baseTree)) {
    throw new PlanError(
      `the base ${req.base} (${commit.slice(0, 12)}) has no render script: its package.json has no "render" ` +
        "script, so its Kubernetes objects cannot be rendered and compared. Plan against a base that has " +
        "`npm run render` (scripts/render.ts).",
    );
  }
  linkNodeModules(baseTree, root);
  const baseConfig = readStackConfig(baseTree, stack);

  const headUsersFile = req.users ? path.resolve(req.users) : usersFileOf(root, headConfig, stack);
  const baseUsersFile = usersFileOf(baseTree, baseConfig ?? {}, stack);
  const headOut = path.join(req.temp, "head-render");
  const baseOut = path.join(req.temp, "base-render");
  // Both renders at once: each is one Node process running the stack under mocks (~5 s). When one fails, the
  // other is not needed.
  const headRun = renderTree(root, stack, headOut, req.users ? headUsersFile : undefined);
  const baseRun = baseConfig ? renderTree(baseTree, stack, baseOut) : undefined;
  void headRun.done.then((r) => !r.ok && baseRun?.cancel());
  void baseRun?.done.then((r) => !r.ok && headRun.cancel());
  // The renders run in their own process groups: an interrupt must stop them too.
  const interrupted = () => {
    headRun.cancel();
    baseRun?.cancel();
    fs.rmSync(req.temp, { recursive: true, force: true });
    process.exit(130);
  };
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  let head: Awaited<typeof headRun.done>;
  let base: Awaited<typeof headRun.done> | undefined;
  try {
    [head, base] = await Promise.all([headRun.done, baseRun?.done]);
  } finally {
    process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
  }
  if (!head.ok && !head.cancelled) throw new PlanError(`rendering this change (stack ${stack}) failed:\n${head.stderr.trimEnd()}`);
  if (base && !base.ok) {
    throw new PlanError(`rendering the base ${req.base} (${commit.slice(0, 12)}, stack ${stack}) failed:\n${base.stderr.trimEnd()}`);
  }
  if (!head.ok) throw new PlanError(`rendering this change (stack ${stack}) was stopped:\n${head.stderr.trimEnd()}`);

  const objectsOf = (out: string) => [...readManifests(out), ...readHelmReleases(out)];
  const baseObjects: K8sObject[] = base ? objectsOf(baseOut) : [];
  const headObjects = objectsOf(headOut);
  const users = diffUsers(usersOf(readUsersData(baseUsersFile)), usersOf(readUsersData(headUsersFile)));
  const objects = diffObjects(baseObjects, headObjects);
  const shownUsersFile = shown(headUsersFile, root);
  const result = buildPlan(users, objects, {
    usersFile: shownUsersFile,
    basePurgeUsers: listValue(baseConfig?.[`${CONFIG_NAMESPACE}:purgeUsers`]),
    purgeUsersKey: `${CONFIG_NAMESPACE}:purgeUsers`,
  });
  const notes: string[] = [];
  if (!baseConfig) notes.push(`The base has no \`Pulumi.${stack}.yaml\`: the stack is new, so everything is added.`);
  if (req.users) notes.push(`Users file given with \`--users\`; the base uses its own \`${shown(baseUsersFile, baseTree)}\`.`);
  return formatMarkdown(result, { stack, baseRef: req.base, baseCommit: commit, usersFile: shownUsersFile, notes });
}

/** The users file a stack reads: config `usersFile` (relative to the project root), else stacks/<stack>/users.yaml. */
function usersFileOf(tree: string, config: Record<string, unknown>, stack: string): string {
  const configured = config[`${CONFIG_NAMESPACE}:usersFile`];
  return path.resolve(tree, typeof configured === "string" && configured !== "" ? configured : path.join("stacks", stack, "users.yaml"));
}

/** A config list: a YAML list, or JSON text of one (as `pulumi config set` writes it). */
function listValue(v: unknown): string[] {
  let value = v;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return [];
    }
  }
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === "string") : [];
}

/** A path relative to the tree it is in, else as absolute. */
function shown(file: string, tree: string): string {
  const rel = path.relative(tree, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`plan: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
