/**
 * Users-file command line.
 *
 *   npm run --silent users -- validate <file> [--stack <dev|prod>]
 *
 * Exit codes: 0 valid (summary on stdout), 1 invalid or unreadable file (`file:line:column: message` lines on
 * stderr), 2 bad command line (usage on stderr). Expected failures never print a stack trace.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { UsersFileError, readUsersFile, type UsersFileRules } from "../components/provisioning/users-file";
import { parseStackConfig, StackConfigError, usersFileRules } from "../stacks/config";
import { PROJECT_ROOT } from "../stacks/platform";
import { readStackConfigFile } from "./render/stack-config-file";

const STACKS = ["dev", "prod"] as const;

const USAGE = `usage: npm run --silent users -- validate <file> [--stack <dev|prod>]

  validate <file>   check a users file; prints "<file>: N users (M enabled, K suspended)"
  --stack <name>    stack whose rules apply (${STACKS.join(", ")}); default: taken from a
                    stacks/<stack>/users.yaml path, else dev

exit status: 0 valid, 1 problems (file:line:column: message on stderr), 2 usage error`;

/** Users-file rules of a stack: tiers and storage bounds come from its `Pulumi.<stack>.yaml`. */
export function usersFileRulesForStack(stack: string): UsersFileRules {
  const file = readStackConfigFile(PROJECT_ROOT, stack);
  return usersFileRules(parseStackConfig(file.values, file.name));
}

/** The validated command line. */
const validateCommand = z.strictObject({
  command: z.literal("validate", {
    error: (iss) => (iss.input === undefined ? "missing command" : `unknown command ${JSON.stringify(iss.input)}`),
  }),
  file: z.string({ error: "missing <file> to validate" }).min(1, { error: "<file> must not be empty" }),
  extra: z.array(z.string()).max(0, { error: "validate takes a single <file>" }),
  stack: z
    .enum(STACKS, { error: (iss) => `--stack must be one of ${STACKS.join(", ")}, not ${JSON.stringify(iss.input)}` })
    .optional(),
});

/** Output streams, injectable for tests. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

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
    return usageError(e instanceof Error ? e.message : String(e));
  }
  if (parsed.values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const [command, file, ...extra] = parsed.positionals;
  const args = validateCommand.safeParse({ command, file, extra, stack: parsed.values.stack });
  if (!args.success) return usageError(args.error.issues.map((i) => i.message).join("; "));

  const stack = args.data.stack ?? stackFromPath(args.data.file) ?? "dev";
  if (!(STACKS as readonly string[]).includes(stack)) {
    return usageError(
      `${args.data.file} is under stacks/${stack}/, which is not one of ${STACKS.join(", ")}; pass --stack`,
    );
  }

  try {
    const users = readUsersFile(args.data.file, usersFileRulesForStack(stack));
    const enabled = users.filter((u) => u.enabled).length;
    io.stdout(`${args.data.file}: ${users.length} users (${enabled} enabled, ${users.length - enabled} suspended)\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsersFileError || e instanceof StackConfigError) {
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
    options: { stack: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: true,
  });
}

/** `stacks/<stack>/users.yaml` → `<stack>`; undefined for any other path. */
function stackFromPath(file: string): string | undefined {
  const match = /(?:^|[\\/])stacks[\\/]([^\\/]+)[\\/]users\.ya?ml$/.exec(path.resolve(file));
  return match?.[1];
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
