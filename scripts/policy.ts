/**
 * `npm run --silent policy -- check <file-or-dir>... [--format text|json|sarif] [--pod-security baseline|restricted]
 * [--config <file>]` — the standalone policy checker. All logic lives in policies/checker/cli.ts.
 */
import { runCli } from "../policies/checker/cli";

runCli(process.argv.slice(2)).then(
  (result) => {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    // Set the code rather than calling process.exit, so large outputs are flushed to pipes first.
    process.exitCode = result.exitCode;
  },
  (error: unknown) => {
    process.stderr.write(`policy: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
