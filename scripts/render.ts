/**
 * `npm run --silent render -- --stack <name> [--users <file>] [--config <key>=<value>]... --out <dir>`
 *
 * Exit 0: written. Exit 1: invalid users file or stack config (positioned messages on stderr, nothing written).
 * Exit 2: bad command line.
 */
// Pulumi captures a stack trace for every resource and promise; mapping each through source maps (which tsx turns
// on) costs more than everything else the render does. Messages here are already positioned, so plain traces do.
process.setSourceMapsEnabled(false);

import * as path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { render, writeRender } from "./render/render";
import { StackConfigError } from "../stacks/config";
import { UsersFileError } from "../components/provisioning/users-file";

const USAGE = "usage: npm run --silent render -- --stack <dev|prod> [--users <file>] [--config <key>=<value>]... --out <dir>";

const flagsSchema = z.strictObject({
  stack: z.string({ error: "--stack is required" }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "--stack must be a stack name"),
  users: z.string().min(1).optional(),
  config: z
    .array(z.string().regex(/^[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)?=/, "--config takes <key>=<value>"))
    .default([]),
  out: z.string({ error: "--out is required" }).min(1),
});

async function main(argv: string[]): Promise<number> {
  let flags: z.infer<typeof flagsSchema>;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        users: { type: "string" },
        config: { type: "string", multiple: true },
        out: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    });
    const checked = flagsSchema.safeParse(values);
    if (!checked.success) {
      console.error(checked.error.issues.map((i) => `render: ${i.message}`).join("\n") + "\n" + USAGE);
      return 2;
    }
    flags = checked.data;
  } catch (err) {
    console.error(`render: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const overrides: Record<string, string> = {};
  for (const kv of flags.config) {
    const i = kv.indexOf("=");
    overrides[kv.slice(0, i)] = kv.slice(i + 1);
  }
  try {
    const result = await render({ stack: flags.stack, usersFile: flags.users, overrides });
    writeRender(result, path.resolve(flags.out));
    console.error(`render: ${result.objects.length} Kubernetes objects, ${result.resources.length} resources → ${flags.out}`);
    return 0;
  } catch (err) {
    if (err instanceof StackConfigError || err instanceof UsersFileError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`render: internal error: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(3);
  },
);
