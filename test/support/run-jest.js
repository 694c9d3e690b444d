// Runs Jest, then prints one plain closing line — `tests: N passed, N failed, N skipped` — that CI can read
// without knowing Jest's own summary format. Exit code is Jest's. Extra arguments go to Jest.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vibecode-jest-")), "results.json");
const jest = require.resolve("jest/bin/jest");
const run = spawnSync(process.execPath, [jest, "--json", `--outputFile=${resultsFile}`, ...process.argv.slice(2)], {
  stdio: "inherit",
});
let summary = "tests: no result file (Jest did not finish)";
if (fs.existsSync(resultsFile)) {
  const r = JSON.parse(fs.readFileSync(resultsFile, "utf8"));
  const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  summary = `tests: ${r.numPassedTests} passed, ${failed} failed, ${r.numPendingTests + r.numTodoTests} skipped`;
}
process.stdout.write(`\n${summary}\n`);
process.exit(run.status ?? 1);
