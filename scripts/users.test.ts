import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "./users";

const ROOT = path.resolve(__dirname, "..");
// tsx's own CLI run by this node: what `npx tsx` does, minus npx's start-up time.
const TSX = require.resolve("tsx/cli", { paths: [ROOT] });

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [TSX, "scripts/users.ts", ...args], { cwd: ROOT, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The command line in this process (the same `main` the script runs): fast enough for many cases. */
function cli(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const status = main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { status, stdout, stderr };
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

/** A users file written by people: comments everywhere, blank lines, aligned comments, quoting, a trailing comment. */
const COMMENTED = `# People with a workspace.   Reviewed in pull requests.

users:
  # --- the admins ---
  - username: alice            # owner of the platform
    email: "alice@example.com"
    name: 'Alice Example'
    groups: [admins, developers]   # admins is special
    tier: medium

  # --- everyone else ---
  - username: bob
    email: bob@example.com
    groups: [developers]
    enabled: false   # on leave until March
# end of list
`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "users-cli-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
const write = (name: string, text: string): string => {
  const file = path.join(dir, `${counter++}`, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};
const read = (file: string) => fs.readFileSync(file, "utf8");

/** Lines of `after` that are not in `before`, given that `after` only inserts lines: [index in after, line][]. */
function insertedLines(before: string, after: string): { at: number; lines: string[] } {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  expect(endA).toBe(start); // nothing of `before` was changed or removed
  return { at: start, lines: b.slice(start, endB) };
}

describe("npm run users -- validate", () => {
  test("a valid file: summary on stdout, exit 0", () => {
    const file = write("users.yaml", VALID);
    expect(run("validate", file)).toEqual({ status: 0, stdout: `${file}: 2 users (1 enabled, 1 suspended)\n`, stderr: "" });
  });

  test("--stack is accepted in either position and form", () => {
    const file = write("users.yaml", VALID);
    expect(cli("validate", file, "--stack", "prod").status).toBe(0);
    expect(cli("--stack=dev", "validate", file).status).toBe(0);
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
    expect(cli("validate", file)).toEqual({
      status: 1,
      stdout: "",
      stderr: `${file}:1:1: cannot read the users file: ENOENT: no such file or directory, stat '${file}'\n`,
    });
  });

  test.each<[string, string[], RegExp]>([
    ["no arguments", [], /^users: missing command\n\nusage: /],
    ["an unknown command", ["frobnicate", "alice"], /^users: unknown command "frobnicate"; commands: validate, add, suspend, resume, list\n\nusage: /],
    ["an unknown flag", ["validate", "x.yaml", "--force"], /^users: Unknown option '--force'/],
    ["a missing file argument", ["validate"], /^users: missing <file> to validate\n\nusage: /],
    ["two files", ["validate", "a.yaml", "b.yaml"], /^users: validate takes a single <file>\n\nusage: /],
    ["an unknown stack", ["validate", "x.yaml", "--stack", "qa"], /^users: --stack must be one of dev, prod, not "qa"\n\nusage: /],
    ["--stack without a value", ["validate", "x.yaml", "--stack"], /^users: Option '--stack <value>' argument missing/],
    ["add without a username", ["add", "--email", "a@example.com"], /^users: missing <username> to add\n/],
    ["add without --email", ["add", "dave"], /^users: add needs --email <address>\n/],
    ["add with two usernames", ["add", "dave", "erin", "--email", "a@example.com"], /^users: add takes a single <username>\n/],
    ["an empty group", ["add", "dave", "--email", "d@example.com", "--groups", "a,,b"], /^users: --groups takes a comma-separated list/],
    ["a newline in a value", ["add", "dave", "--email", "d@example.com", "--name", "a\nb"], /^users: --name must be a single line/],
    ["a flag of another command", ["suspend", "bob", "--email", "b@example.com"], /^users: --email is not an option of suspend\n/],
    ["--json outside list", ["resume", "bob", "--json"], /^users: --json is not an option of resume\n/],
    ["suspend without a username", ["suspend"], /^users: missing <username> to suspend\n/],
    ["list with an argument", ["list", "x.yaml"], /^users: list takes no arguments \(use --file <f>\)\n/],
  ])("%s: usage on stderr, exit 2", (_name, args, stderr) => {
    const result = cli(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(stderr);
    expect(result.stderr).toContain("usage: npm run --silent users -- validate <file> [--stack <dev|prod>]");
    expect(result.stderr).toContain("npm run --silent users -- add <username> --email <e>");
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  test("the stack comes from a stacks/<stack>/users.yaml path", () => {
    const prod = write("stacks/prod/users.yaml", VALID);
    expect(cli("validate", prod).status).toBe(0);
    const qa = write("stacks/qa/users.yaml", VALID);
    const result = cli("validate", qa);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^users: .*stacks\/qa\/users\.yaml is under stacks\/qa\/, which is not one of dev, prod; pass --stack\n/);
    // An explicit --stack wins over the path.
    expect(cli("validate", qa, "--stack", "dev").status).toBe(0);
  });

  test("--help: usage on stdout, exit 0", () => {
    const result = cli("--help");
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

describe("npm run users -- add", () => {
  test("add erin on a commented file: every existing byte kept, only the new entry's lines inserted, result valid", () => {
    const file = write("users.yaml", COMMENTED);
    const result = cli("add", "erin", "--email", "erin@example.com", "--name", "Erin Example", "--tier", "large", "--groups", "developers,ops", "--storage", "30Gi", "--file", file);
    expect(result).toEqual({ status: 0, stdout: `${file}: added erin (line 16)\n`, stderr: "" });
    const after = read(file);
    // Inserted after bob's last line (its aligned comment intact), before the trailing "# end of list" comment.
    expect(insertedLines(COMMENTED, after)).toEqual({
      at: 15,
      lines: [
        "  - username: erin",
        "    email: erin@example.com",
        "    name: Erin Example",
        "    groups: [developers, ops]",
        "    tier: large",
        "    storage: 30Gi",
      ],
    });
    expect(after.startsWith(COMMENTED.slice(0, COMMENTED.indexOf("# end of list")))).toBe(true);
    expect(cli("validate", file)).toEqual({ status: 0, stdout: `${file}: 3 users (2 enabled, 1 suspended)\n`, stderr: "" });
  });

  test("add to a file whose last entry ends the file: the new lines are appended, nothing else changes", () => {
    const file = write("users.yaml", VALID);
    expect(cli("add", "erin", "--email", "erin@example.com", "--file", file).status).toBe(0);
    expect(read(file)).toBe(`${VALID}  - username: erin\n    email: erin@example.com\n`);
  });

  test("add alice twice: the second is refused with validate's message, file untouched", () => {
    const file = write("users.yaml", "users:\n  - username: bob\n    email: bob@example.com\n");
    expect(cli("add", "alice", "--email", "alice@example.com", "--file", file).status).toBe(0);
    const once = read(file);
    const second = cli("add", "alice", "--email", "alice2@example.com", "--file", file);
    expect(second.status).toBe(1);
    expect(second.stdout).toBe("");
    // Exactly what `validate` prints for the edited text.
    const edited = write("edited.yaml", `${once}  - username: alice\n    email: alice2@example.com\n`);
    const validated = cli("validate", edited);
    expect(validated.status).toBe(1);
    expect(second.stderr).toBe(
      validated.stderr.split(edited).join(file) +
        `users: ${file} was not changed (the positions above are in the edited file)\n`,
    );
    expect(second.stderr).toContain(
      `${file}:6:15: username "alice" is already taken by the user on line 4 (usernames are compared ignoring case): choose another or remove one entry\n`,
    );
    expect(read(file)).toBe(once);
    // Case does not matter.
    const upper = cli("add", "ALICE", "--email", "a@example.com", "--file", file);
    expect(upper.status).toBe(1);
    expect(upper.stderr).toContain('username "ALICE" is already taken by the user on line 4');
    expect(read(file)).toBe(once);
  });

  test("invalid values: every problem at its position, as validate prints it; nothing written", () => {
    const file = write("users.yaml", VALID);
    const mtime = fs.statSync(file).mtimeMs;
    const result = cli("add", "Dave", "--email", "dave@", "--tier", "huge", "--storage", "9Ti", "--groups", "Admins", "--file", file);
    expect(result).toEqual({
      status: 1,
      stdout: "",
      stderr:
        `${file}:9:15: username "Dave" must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. "dave")\n` +
        `${file}:10:12: email "dave@" is not a valid email address (e.g. "alice@example.com")\n` +
        `${file}:11:14: group "Admins" must be a DNS label of at most 63 characters: lowercase letters, digits and '-', starting and ending with a letter or digit\n` +
        `${file}:12:11: tier "huge" is not defined for this stack: use one of small, medium, large\n` +
        `${file}:13:14: storage "9Ti" is out of range: it must be between 1Gi and 500Gi\n` +
        `users: ${file} was not changed (the positions above are in the edited file)\n`,
    });
    expect(read(file)).toBe(VALID);
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["users.yaml"]); // no temporary file left
  });

  test("reserved names and an invalid existing file are refused", () => {
    const file = write("users.yaml", VALID);
    const reserved = cli("add", "admin", "--email", "x@example.com", "--file", file);
    expect(reserved.status).toBe(1);
    expect(reserved.stderr).toContain(`${file}:9:15: username "admin" is reserved by the platform`);
    const broken = write("users.yaml", "users:\n  - username: bob\n    emial: bob@example.com\n");
    const result = cli("add", "dave", "--email", "dave@example.com", "--file", broken);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `${broken}:2:5: missing required key "email": every user needs an email address such as "alice@example.com"\n` +
        `${broken}:3:5: unknown key "emial" (did you mean "email"?): allowed keys are username, email, name, groups, tier, storage, enabled\n`,
    );
  });

  test("values are quoted only when YAML needs it, and read back as given", () => {
    const file = write("users.yaml", VALID);
    expect(cli("add", "dave", "--email", "dave@example.com", "--name", "Dave: the #1 'true' friend", "--file", file).status).toBe(0);
    expect(read(file)).toBe(`${VALID}  - username: dave\n    email: dave@example.com\n    name: "Dave: the #1 'true' friend"\n`);
    const listed = cli("list", "--json", "--file", file);
    expect(JSON.parse(listed.stdout).users[2].name).toBe("Dave: the #1 'true' friend");
  });

  test("follows flow-style entries", () => {
    const text = "users:\n  - {username: alice, email: alice@example.com, groups: [admins]}  # the boss\n";
    const file = write("users.yaml", text);
    expect(cli("add", "dave", "--email", "dave@example.com", "--groups", "developers", "--file", file).status).toBe(0);
    expect(read(file)).toBe(`${text}  - {username: dave, email: dave@example.com, groups: [developers]}\n`);
  });

  test("follows padded flow collections, block-style groups and wider indentation", () => {
    const padded = "users:\n- username: alice\n  email: alice@example.com\n  groups: [ admins ]\n";
    const f1 = write("users.yaml", padded);
    expect(cli("add", "dave", "--email", "dave@example.com", "--groups", "a,b", "--file", f1).status).toBe(0);
    expect(read(f1)).toBe(`${padded}- username: dave\n  email: dave@example.com\n  groups: [ a, b ]\n`);

    const block = "users:\n    -   username: alice\n        email: alice@example.com\n        groups:\n          - admins\n";
    const f2 = write("users.yaml", block);
    expect(cli("add", "dave", "--email", "dave@example.com", "--groups", "a,b", "--file", f2).status).toBe(0);
    expect(read(f2)).toBe(`${block}    -   username: dave\n        email: dave@example.com\n        groups:\n          - a\n          - b\n`);
  });

  test("a users list written inline: users: [] becomes a block list, a comment on the line stays", () => {
    const file = write("users.yaml", "# nobody yet\nusers: []   # add people below\n");
    expect(cli("add", "dave", "--email", "dave@example.com", "--file", file).status).toBe(0);
    expect(read(file)).toBe("# nobody yet\nusers:   # add people below\n  - username: dave\n    email: dave@example.com\n");
    const flow = write("users.yaml", "users: [{username: alice, email: alice@example.com}]\n");
    expect(cli("add", "dave", "--email", "dave@example.com", "--file", flow).status).toBe(0);
    expect(read(flow)).toBe("users: [{username: alice, email: alice@example.com}, {username: dave, email: dave@example.com}]\n");
  });

  test("CRLF line endings and a missing final newline are kept", () => {
    const crlf = write("users.yaml", "users:\r\n  - username: alice\r\n    email: alice@example.com\r\n");
    expect(cli("add", "dave", "--email", "dave@example.com", "--file", crlf).status).toBe(0);
    expect(read(crlf)).toBe("users:\r\n  - username: alice\r\n    email: alice@example.com\r\n  - username: dave\r\n    email: dave@example.com\r\n");
    const noEol = write("users.yaml", "users:\n  - username: alice\n    email: alice@example.com");
    expect(cli("add", "dave", "--email", "dave@example.com", "--file", noEol).status).toBe(0);
    expect(read(noEol)).toBe("users:\n  - username: alice\n    email: alice@example.com\n  - username: dave\n    email: dave@example.com\n");
  });

  test("atomic write: file mode kept, a symlink still points at the edited file, no temporary file left", () => {
    const file = write("users.yaml", VALID);
    fs.chmodSync(file, 0o640);
    const link = path.join(path.dirname(file), "link.yaml");
    fs.symlinkSync(file, link);
    expect(cli("add", "dave", "--email", "dave@example.com", "--file", link).status).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(read(file)).toContain("username: dave");
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(["link.yaml", "users.yaml"]);
  });
});

describe("npm run users -- suspend / resume", () => {
  test("suspend adds enabled: false as the entry's last line, at its key column; resume removes it again", () => {
    const file = write("users.yaml", COMMENTED);
    expect(cli("suspend", "alice", "--file", file)).toEqual({
      status: 0,
      stdout: `${file}: suspended alice (no pod, no route; namespace and files kept)\n`,
      stderr: "",
    });
    const suspended = read(file);
    expect(insertedLines(COMMENTED, suspended)).toEqual({ at: 9, lines: ["    enabled: false"] });
    expect(cli("resume", "alice", "--file", file)).toEqual({ status: 0, stdout: `${file}: resumed alice\n`, stderr: "" });
    expect(read(file)).toBe(COMMENTED); // suspend + resume = the file as it was
  });

  test("resume removes an enabled: false line with its comment; suspend edits enabled: true in place", () => {
    const file = write("users.yaml", COMMENTED);
    expect(cli("resume", "bob", "--file", file).status).toBe(0);
    expect(read(file)).toBe(COMMENTED.replace("    enabled: false   # on leave until March\n", ""));
    const explicit = write("users.yaml", "users:\n  - username: bob\n    enabled: true  # yes\n    email: bob@example.com\n");
    expect(cli("suspend", "bob", "--file", explicit).status).toBe(0);
    expect(read(explicit)).toBe("users:\n  - username: bob\n    enabled: false  # yes\n    email: bob@example.com\n");
  });

  test("nothing to do: exit 0, file untouched", () => {
    const file = write("users.yaml", COMMENTED);
    expect(cli("suspend", "bob", "--file", file)).toEqual({ status: 0, stdout: `${file}: bob is already suspended; nothing changed\n`, stderr: "" });
    expect(cli("resume", "alice", "--file", file)).toEqual({ status: 0, stdout: `${file}: alice is not suspended; nothing changed\n`, stderr: "" });
    expect(read(file)).toBe(COMMENTED);
  });

  test("usernames match ignoring case; an unknown user is refused at the users list", () => {
    const file = write("users.yaml", COMMENTED);
    expect(cli("suspend", "Alice", "--file", file).stdout).toBe(`${file}: suspended alice (no pod, no route; namespace and files kept)\n`);
    expect(cli("resume", "zed", "--file", file)).toEqual({
      status: 1,
      stdout: "",
      stderr: `${file}:5:3: no user "zed" in this file (users: alice, bob)\n`,
    });
  });

  test("flow entries: `, enabled: false` is added and removed", () => {
    const text = "users:\n  - {username: alice, email: alice@example.com}\n  - {username: bob, email: bob@example.com}\n";
    const file = write("users.yaml", text);
    expect(cli("suspend", "bob", "--file", file).status).toBe(0);
    expect(read(file)).toBe(text.replace("bob@example.com}", "bob@example.com, enabled: false}"));
    expect(cli("resume", "bob", "--file", file).status).toBe(0);
    expect(read(file)).toBe(text);
  });

  test("an entry whose last value is a block list gets the key after the list", () => {
    const text = "users:\n  - username: alice\n    email: alice@example.com\n    groups:\n      - admins   # boss\n  # next\n";
    const file = write("users.yaml", text);
    expect(cli("suspend", "alice", "--file", file).status).toBe(0);
    expect(read(file)).toBe("users:\n  - username: alice\n    email: alice@example.com\n    groups:\n      - admins   # boss\n    enabled: false\n  # next\n");
  });
});

describe("npm run users -- list", () => {
  test("a table with effective tiers, and a summary line", () => {
    const file = write("users.yaml", COMMENTED);
    expect(cli("list", "--file", file)).toEqual({
      status: 0,
      stdout:
        "USERNAME  EMAIL              NAME           TIER             STORAGE  GROUPS             STATUS\n" +
        "alice     alice@example.com  Alice Example  medium           -        admins,developers  enabled\n" +
        "bob       bob@example.com    -              small (default)  -        developers         suspended\n" +
        `2 users (1 enabled, 1 suspended) in ${file}\n`,
      stderr: "",
    });
  });

  test("--json: the users with defaults applied", () => {
    const file = write("users.yaml", VALID);
    expect(JSON.parse(cli("list", "--json", "--file", file).stdout)).toEqual({
      users: [
        { username: "alice", email: "alice@example.com", groups: ["admins"], enabled: true },
        { username: "bob", email: "bob@example.com", groups: [], enabled: false },
      ],
    });
  });

  test("default file: stacks/<stack>/users.yaml of the project", () => {
    const result = cli("list", "--stack", "prod");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/ in stacks\/prod\/users\.yaml\n$/);
    const dev = JSON.parse(cli("list", "--json").stdout) as { users: { username: string }[] };
    expect(dev.users.length).toBeGreaterThan(0);
  });

  test("a bad file: validate's messages, exit 1", () => {
    const file = write("users.yaml", "users:\n  - username: Bob\n    email: bob@example.com\n");
    const result = cli("list", "--file", file);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:2:15: username "Bob" must be a DNS label`));
  });
});
