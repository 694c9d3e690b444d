import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
// tsx's own CLI run by this node: what `npx tsx` does, minus npx's start-up time.
const TSX = require.resolve("tsx/cli", { paths: [ROOT] });

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [TSX, "scripts/users.ts", ...args], { cwd: ROOT, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const VALID = `# two people
users:
  - username: alice
    email: alice@example.com
    groups: [admins]
  - username: bob
    email: bob@example.com
    enabled: false
`;

describe("npm run users -- validate", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "users-cli-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  test("a valid file: summary on stdout, exit 0", () => {
    const file = write("users.yaml", VALID);
    expect(run("validate", file)).toEqual({ status: 0, stdout: `${file}: 2 users (1 enabled, 1 suspended)\n`, stderr: "" });
  });

  test("--stack is accepted in either position and form", () => {
    const file = write("users.yaml", VALID);
    expect(run("validate", file, "--stack", "prod").status).toBe(0);
    expect(run("--stack=dev", "validate", file).status).toBe(0);
  });

  test("an invalid file: file:line:column lines on stderr, exit 1", () => {
    const file = write("bad.yaml", "users:\n  - username: Bob\n    email: bob@\n    colour: blue\n");
    expect(run("validate", file)).toEqual({
      status: 1,
      stdout: "",
      stderr:
        `${file}:2:15: username "Bob" must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. "bob")\n` +
        `${file}:3:12: email "bob@" is not a valid email address (e.g. "alice@example.com")\n` +
        `${file}:4:5: unknown key "colour": allowed keys are username, email, name, groups, tier, storage, enabled\n`,
    });
  });

  test("a missing file: exit 1, the OS error, no stack trace", () => {
    const file = path.join(dir, "nope.yaml");
    expect(run("validate", file)).toEqual({
      status: 1,
      stdout: "",
      stderr: `${file}:1:1: cannot read the users file: ENOENT: no such file or directory, stat '${file}'\n`,
    });
  });

  test.each<[string, string[], RegExp]>([
    ["no arguments", [], /^users: missing command; missing <file> to validate\n\nusage: /],
    ["an unknown command", ["add", "alice"], /^users: unknown command "add"\n\nusage: /],
    ["an unknown flag", ["validate", "x.yaml", "--force"], /^users: Unknown option '--force'/],
    ["a missing file argument", ["validate"], /^users: missing <file> to validate\n\nusage: /],
    ["two files", ["validate", "a.yaml", "b.yaml"], /^users: validate takes a single <file>\n\nusage: /],
    ["an unknown stack", ["validate", "x.yaml", "--stack", "qa"], /^users: --stack must be one of dev, prod, not "qa"\n\nusage: /],
    ["--stack without a value", ["validate", "x.yaml", "--stack"], /^users: Option '--stack <value>' argument missing/],
  ])("%s: usage on stderr, exit 2", (_name, args, stderr) => {
    const result = run(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(stderr);
    expect(result.stderr).toContain("usage: npm run --silent users -- validate <file> [--stack <dev|prod>]");
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  test("the stack comes from a stacks/<stack>/users.yaml path", () => {
    const prod = write("stacks/prod/users.yaml", VALID);
    expect(run("validate", prod).status).toBe(0);
    const qa = write("stacks/qa/users.yaml", VALID);
    const result = run("validate", qa);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^users: .*stacks\/qa\/users\.yaml is under stacks\/qa\/, which is not one of dev, prod; pass --stack\n/);
    // An explicit --stack wins over the path.
    expect(run("validate", qa, "--stack", "dev").status).toBe(0);
  });

  test("--help: usage on stdout, exit 0", () => {
    const result = run("--help");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm run --silent users -- validate <file>/);
    expect(result.stderr).toBe("");
  });

  test("through npm run, as documented", () => {
    const file = write("users.yaml", VALID);
    const result = spawnSync("npm", ["run", "--silent", "users", "--", "validate", file], { cwd: ROOT, encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${file}: 2 users (1 enabled, 1 suspended)\n`);
  });
});
