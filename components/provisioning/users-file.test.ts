import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  PLATFORM_RESERVED_USERNAMES,
  USERS_FILE_LIMITS,
  UsersFileError,
  formatProblems,
  parseUsersFile,
  readUsersFile,
  type UsersFileRules,
  type WorkspaceUser,
} from "./users-file";

const RULES: UsersFileRules = {
  tiers: ["small", "medium", "large"],
  reservedUsernames: PLATFORM_RESERVED_USERNAMES,
  storageMin: "1Gi",
  storageMax: "1Ti",
};
const F = "stacks/dev/users.yaml";

/** Lines of a YAML file (each followed by a newline). */
const y = (...lines: string[]): string => lines.map((l) => `${l}\n`).join("");

/** The `file:line:column: message` lines a refused file produces. */
function problemsOf(text: string, rules: UsersFileRules = RULES): string[] {
  try {
    parseUsersFile(text, F, rules);
  } catch (e) {
    if (e instanceof UsersFileError) {
      expect(e.message).toBe(formatProblems(e.problems));
      return e.message.split("\n");
    }
    throw e;
  }
  throw new Error("expected the users file to be refused");
}

const DNS = "must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit";
const GROUP_DNS =
  "must be a DNS label of at most 63 characters: lowercase letters, digits and '-', starting and ending with a letter or digit";
const ENTRY_KEYS = "allowed keys are username, email, name, groups, tier, storage, enabled";
const NOT_MAPPING = 'each user must be a mapping such as "- username: alice", not';
const TOP = 'the top level must be a mapping with a "users" list, not';
const SECOND_DOC =
  "a users file holds a single YAML document, but a second one starts here: remove this line and everything after " +
  "it, or merge the entries into the first document's users list";
const USERS_NOT_LIST = 'users must be a list of users (write "users: []" for none), not';
const TOO_LONG =
  "the limit is 40 so that the names derived from it (namespace, volume, service, with prefixes and suffixes) fit " +
  "Kubernetes' 63-character limit";
const RESERVED = "is reserved by the platform (a platform host or namespace has or may have this name): choose another";
const KUBE = `is reserved for Kubernetes' own namespaces ("default", "kube-*"): choose another`;
const ALICE = ["  - username: alice", "    email: alice@example.com"];

/** [name, file text, expected problems]: every line and column below was checked by hand against the text. */
const invalid: Array<[string, string, string[]]> = [
  ["empty file", "", [`${F}:1:1: the file is empty: it must be a mapping with a "users" list, e.g. "users: []"`]],
  ["only comments", y("# nobody yet", "  # really"), [`${F}:1:1: the file is empty: it must be a mapping with a "users" list, e.g. "users: []"`]],
  ["scalar document", y("hello"), [`${F}:1:1: ${TOP} the string "hello"`]],
  ["null document", y("null"), [`${F}:1:1: ${TOP} an empty value`]],
  [
    "sequence document",
    y("- username: alice", "  email: alice@example.com"),
    [`${F}:1:1: ${TOP} a list (put the entries under a top-level "users:" key)`],
  ],
  ["missing users", y("{}"), [`${F}:1:1: missing required key "users": list the users under it, or write "users: []" for none`]],
  ["users is a string", y("users: alice"), [`${F}:1:8: ${USERS_NOT_LIST} the string "alice"`]],
  ["users is empty", y("# header", "users:"), [`${F}:2:1: ${USERS_NOT_LIST} an empty value`]],
  [
    "unknown top-level key",
    y("users: []", "user: alice"),
    [`${F}:2:1: unknown top-level key "user" (did you mean "users"?): the file may only contain "users"`],
  ],
  [
    "tab indentation",
    y("users:", "\t- username: alice"),
    [`${F}:2:1: invalid YAML: Tabs are not allowed as indentation (indent with spaces)`],
  ],
  ["duplicate top-level key", y("users: []", "users: []"), [`${F}:2:1: duplicate key "users" (first on line 1): keep only one of them`]],
  [
    "duplicate key in an entry",
    y("users:", ...ALICE, "    email: alice@example.org"),
    [`${F}:4:5: duplicate key "email" (first on line 3): keep only one of them`],
  ],
  ["two documents", y("users: []", "---", "users: []"), [`${F}:2:1: ${SECOND_DOC}`]],
  ["content after the end marker", y("users: []", "...", "users: []"), [`${F}:3:1: ${SECOND_DOC}`]],
  [
    "unclosed flow sequence",
    y("users: [alice"),
    [`${F}:2:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`],
  ],
  ["unclosed quote", y("users:", '  - username: "alice'), [`${F}:3:1: invalid YAML: Missing closing "quote`]],
  [
    "unquoted colon in a value",
    y("users:", ...ALICE, "    name: Alice: The Great"),
    [`${F}:4:11: invalid YAML: Nested mappings are not allowed in compact mappings`],
  ],
  [
    "bad indentation",
    y("users:", "  - username: alice", "   email: alice@example.com"),
    [`${F}:3:1: invalid YAML: Sequence item without - indicator`],
  ],
  ["collection as a key", y("? [a, b]", ": c"), [`${F}:1:3: invalid YAML: With stringKeys, all keys must be strings`]],
  [
    "implicit key over 1024 characters",
    y("users: []", `${"k".repeat(1100)}: 1`),
    [`${F}:2:1: invalid YAML: The : indicator must be at most 1024 chars after the start of an implicit block mapping key`],
  ],
  [
    "anchor and alias",
    y("users:", "  - &alice", "    username: alice", "    email: alice@example.com", "  - *alice"),
    [
      `${F}:2:5: anchors (&alice) are not allowed in a users file: write every value out in full`,
      `${F}:5:5: aliases (*alice) are not allowed in a users file: write the value out instead of referring to an anchor`,
    ],
  ],
  [
    "!!binary tag",
    y("users: !!binary aGVsbG8="),
    [`${F}:1:8: tags (!!binary) are not allowed in a users file: remove the tag and write a plain value`],
  ],
  [
    "custom tag",
    y("users:", "  - username: !foo alice", "    email: alice@example.com"),
    [`${F}:2:15: tags (!foo) are not allowed in a users file: remove the tag and write a plain value`],
  ],
  [
    "directive",
    y("%YAML 1.1", "---", "users: []"),
    [`${F}:1:1: directives (%YAML) are not allowed in a users file: remove this line`],
  ],
  [
    "deep flow nesting",
    // The 17th "[" is at column 8 + 16.
    y(`users: ${"[".repeat(20)}${"]".repeat(20)}`),
    [`${F}:1:24: [ ] and { } are nested more than 16 deep here; a users file needs at most 3 levels`],
  ],
  [
    "entries that are not mappings",
    y("users:", "  - alice", "  - 42", "  - [bob]", "  -"),
    [
      `${F}:2:5: ${NOT_MAPPING} the string "alice"`,
      `${F}:3:5: ${NOT_MAPPING} the number 42`,
      `${F}:4:5: ${NOT_MAPPING} a list`,
      // An empty item has no text of its own: yaml places it right after the "-".
      `${F}:5:4: ${NOT_MAPPING} an empty value`,
    ],
  ],
  [
    "missing username and email",
    y("users:", "  - name: Alice"),
    [
      `${F}:2:5: missing required key "username": every user needs one, a DNS label such as "alice"`,
      `${F}:2:5: missing required key "email": every user needs an email address such as "alice@example.com"`,
    ],
  ],
  [
    "username not a DNS label",
    y("users:", "  - username: Alice.Smith", "    email: alice@example.com", "  - username: -bob", "    email: bob@example.com", "  - {username: user_1, email: u1@example.com}"),
    [
      `${F}:2:15: username "Alice.Smith" ${DNS} (e.g. "alice-smith")`,
      `${F}:4:15: username "-bob" ${DNS} (e.g. "bob")`,
      `${F}:6:16: username "user_1" ${DNS} (e.g. "user-1")`,
    ],
  ],
  [
    "username too long",
    y("users:", `  - username: ${"a".repeat(41)}`, "    email: alice@example.com"),
    [`${F}:2:15: username "${"a".repeat(41)}" is 41 characters long; ${TOO_LONG}`],
  ],
  [
    "username too long and not a DNS label",
    y("users:", `  - username: ${"A".repeat(64)}`, "    email: alice@example.com"),
    [
      `${F}:2:15: username "${"A".repeat(60)}…" ${DNS} (e.g. "${"a".repeat(40)}")`,
      `${F}:2:15: username "${"A".repeat(60)}…" is 64 characters long; ${TOO_LONG}`,
    ],
  ],
  [
    "reserved usernames",
    y(
      "users:",
      "  - {username: admin, email: a@example.com}",
      "  - {username: kube-ops, email: b@example.com}",
      "  - {username: default, email: c@example.com}",
      "  - {username: xn--bcher-kva, email: d@example.com}",
      "  - {username: traefik, email: e@example.com}",
    ),
    [
      `${F}:2:16: username "admin" ${RESERVED}`,
      `${F}:3:16: username "kube-ops" ${KUBE}`,
      `${F}:4:16: username "default" ${KUBE}`,
      `${F}:5:16: username "xn--bcher-kva" must not have "--" as its 3rd and 4th characters (reserved for internationalised domain names)`,
      `${F}:6:16: username "traefik" ${RESERVED}`,
    ],
  ],
  [
    "username of the wrong type",
    y("users:", "  - username: 123", "    email: a@example.com", '  - username: ""', "    email: b@example.com", "  - username: [carol]", "    email: c@example.com"),
    [
      `${F}:2:15: username must be a string such as "alice", not the number 123`,
      `${F}:4:15: username is empty: use a DNS label such as "alice"`,
      `${F}:6:15: username must be a string such as "alice", not a list`,
    ],
  ],
  [
    "duplicate usernames ignoring case",
    y("users:", ...ALICE, "  - username: Alice", "    email: alice2@example.com", "  - username: alice", "    email: alice3@example.com"),
    [
      `${F}:4:15: username "Alice" ${DNS} (e.g. "alice")`,
      `${F}:4:15: username "Alice" is already taken by the user on line 2 (usernames are compared ignoring case): choose another or remove one entry`,
      `${F}:6:15: username "alice" is already taken by the user on line 2 (usernames are compared ignoring case): choose another or remove one entry`,
    ],
  ],
  [
    "invalid emails",
    y("users:", "  - username: a", "    email: bob@", "  - username: b", "    email: 42", "  - username: c", "    email: c at example.com", "  - username: d"),
    [
      `${F}:3:12: email "bob@" is not a valid email address (e.g. "alice@example.com")`,
      `${F}:5:12: email must be a string such as "alice@example.com", not the number 42`,
      `${F}:7:12: email "c at example.com" is not a valid email address (e.g. "alice@example.com")`,
      `${F}:8:5: missing required key "email": every user needs an email address such as "alice@example.com"`,
    ],
  ],
  [
    "name problems",
    y("users:", ...ALICE, "    name:", "  - username: bob", "    email: bob@example.com", '    name: "  "', "  - username: carol", "    email: carol@example.com", "    name: 42"),
    [
      // An empty value is reported at its key.
      `${F}:4:5: name is empty: write a display name such as "Alice Example" or remove the key`,
      `${F}:7:11: name is blank: write a display name or remove the key`,
      `${F}:10:11: name must be a string such as "Alice Example", not the number 42`,
    ],
  ],
  [
    "groups problems",
    y("users:", ...ALICE, "    groups: developers", "  - username: bob", "    email: bob@example.com", "    groups: [Dev, ok, ok, 3]", "  - username: carol", "    email: carol@example.com", "    groups:"),
    [
      `${F}:4:13: groups must be a list such as [developers], not the string "developers" (write [developers])`,
      `${F}:7:14: group "Dev" ${GROUP_DNS}`,
      `${F}:7:23: group "ok" is listed twice: remove one`,
      `${F}:7:27: each group must be a string such as "developers", not the number 3`,
      `${F}:10:5: groups must be a list such as [developers], not an empty value`,
    ],
  ],
  [
    "tier problems",
    y("users:", ...ALICE, "    tier: huge", "  - username: bob", "    email: bob@example.com", "    tier: 3"),
    [
      `${F}:4:11: tier "huge" is not defined for this stack: use one of small, medium, large`,
      `${F}:7:11: tier must be a string, one of small, medium, large, not the number 3`,
    ],
  ],
  [
    "storage problems",
    y(
      "users:",
      "  - {username: a, email: a@example.com, storage: 20GB}",
      "  - {username: b, email: b@example.com, storage: 2Ti}",
      "  - {username: c, email: c@example.com, storage: 512Mi}",
      "  - {username: d, email: d@example.com, storage: 20}",
    ),
    [
      `${F}:2:50: storage "20GB" is not a Kubernetes quantity: write a number with a binary unit such as "20Gi" or "512Mi"`,
      `${F}:3:50: storage "2Ti" is out of range: it must be between 1Gi and 1Ti`,
      `${F}:4:50: storage "512Mi" is out of range: it must be between 1Gi and 1Ti`,
      `${F}:5:50: storage must be a quantity string such as "20Gi", not the number 20 (add a unit such as Gi)`,
    ],
  ],
  [
    "enabled that is not a boolean",
    y(
      "users:",
      '  - {username: a, email: a@example.com, enabled: "false"}',
      "  - {username: b, email: b@example.com, enabled: yes}",
      "  - {username: c, email: c@example.com, enabled: off}",
      "  - {username: d, email: d@example.com, enabled: 0}",
    ),
    [
      `${F}:2:50: enabled must be true or false without quotes, not the string "false"`,
      `${F}:3:50: enabled must be true or false without quotes, not the string "yes" (YAML 1.2 reads yes/no/on/off as strings)`,
      `${F}:4:50: enabled must be true or false without quotes, not the string "off" (YAML 1.2 reads yes/no/on/off as strings)`,
      `${F}:5:50: enabled must be true or false, not the number 0`,
    ],
  ],
  [
    "unknown keys",
    y("users:", ...ALICE, "    nmae: Alice", "    Email: alice@example.org", "    admin: true", "    <<: {tier: large}", "    __proto__: {enabled: false}"),
    [
      `${F}:4:5: unknown key "nmae" (did you mean "name"?): ${ENTRY_KEYS}`,
      `${F}:5:5: unknown key "Email" (did you mean "email"?): ${ENTRY_KEYS}`,
      `${F}:6:5: unknown key "admin": ${ENTRY_KEYS}`,
      `${F}:7:5: unknown key "<<": ${ENTRY_KEYS}`,
      `${F}:8:5: unknown key "__proto__": ${ENTRY_KEYS}`,
    ],
  ],
  [
    "CRLF line endings keep columns",
    "users:\r\n  - username: Bob\r\n    email: bob@example.com\r\n",
    [`${F}:2:15: username "Bob" ${DNS} (e.g. "bob")`],
  ],
  [
    "every problem at once, in file order",
    y(
      "# the dev stack's users",
      "users:",
      "  - username: Bob",
      "    email: bob@",
      "    groups: [admins, admins]",
      "    tier: huge",
      "    enabled: no",
      "  - email: carol@example.com",
      "    storage: 2Gi",
      "    team: platform",
      "  - username: bob",
      "    email: bob@example.com",
    ),
    [
      `${F}:3:15: username "Bob" ${DNS} (e.g. "bob")`,
      `${F}:4:12: email "bob@" is not a valid email address (e.g. "alice@example.com")`,
      `${F}:5:22: group "admins" is listed twice: remove one`,
      `${F}:6:11: tier "huge" is not defined for this stack: use one of small, medium, large`,
      `${F}:7:14: enabled must be true or false without quotes, not the string "no" (YAML 1.2 reads yes/no/on/off as strings)`,
      `${F}:8:5: missing required key "username": every user needs one, a DNS label such as "alice"`,
      `${F}:10:5: unknown key "team": ${ENTRY_KEYS}`,
      `${F}:11:15: username "bob" is already taken by the user on line 3 (usernames are compared ignoring case): choose another or remove one entry`,
    ],
  ],
  [
    "tier with a stack that defines none",
    y("users:", ...ALICE, "    tier: small"),
    [`${F}:4:11: tier "small" is not defined: this stack defines no tiers, so remove the key`],
  ],
];

describe("parseUsersFile refuses invalid files with every problem and its position", () => {
  test.each(invalid)("%s", (name, text, expected) => {
    const rules = name === "tier with a stack that defines none" ? { ...RULES, tiers: [] } : RULES;
    expect(problemsOf(text, rules)).toEqual(expected);
  });

  test("there are at least 30 distinct invalid files", () => {
    expect(new Set(invalid.map(([, text]) => text)).size).toBeGreaterThanOrEqual(30);
  });

  test("the error carries structured problems", () => {
    let error: unknown;
    try {
      parseUsersFile(y("users:", "  - username: Bob", "    email: bob@example.com"), "u.yaml", RULES);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsersFileError);
    expect(error).toBeInstanceOf(Error);
    expect((error as UsersFileError).name).toBe("UsersFileError");
    expect((error as UsersFileError).problems).toEqual([
      { file: "u.yaml", line: 2, column: 15, message: `username "Bob" ${DNS} (e.g. "bob")` },
    ]);
  });
});

describe("hostile input is refused quickly and clearly", () => {
  test("text over maxBytes", () => {
    const text = `#${"x".repeat(USERS_FILE_LIMITS.maxBytes)}`;
    expect(problemsOf(text)).toEqual([
      `${F}:1:1: the file is too large: ${USERS_FILE_LIMITS.maxBytes + 1} bytes, and a users file may have at most ${USERS_FILE_LIMITS.maxBytes} (16 MiB)`,
    ]);
  });

  test("billion laughs", () => {
    // Nine levels of nine aliases each: 9^9 "lol"s if expanded.
    const letters = "abcdefghi".split("");
    const text = y(
      `a: &a [${Array(9).fill('"lol"').join(", ")}]`,
      ...letters.slice(1).map((l, i) => `${l}: &${l} [${Array(9).fill(`*${letters[i]}`).join(", ")}]`),
      "users: *i",
    );
    const anchor = (line: number, name: string) =>
      `${F}:${line}:4: anchors (&${name}) are not allowed in a users file: write every value out in full`;
    const alias = (line: number, column: number, name: string) =>
      `${F}:${line}:${column}: aliases (*${name}) are not allowed in a users file: write the value out instead of referring to an anchor`;
    const expected = [anchor(1, "a")];
    for (let line = 2; line <= 9; line++) {
      expected.push(anchor(line, letters[line - 1]!));
      // "b: &b [" is 7 characters; each "*a, " is 4.
      for (let k = 0; k < 9; k++) expected.push(alias(line, 8 + 4 * k, letters[line - 2]!));
    }
    expected.push(alias(10, 8, "i"));
    expect(problemsOf(text)).toEqual(expected);
  });

  test("more users than maxUsers (block list): refused at the first one too many", () => {
    const text = `users:\n${"- {}\n".repeat(USERS_FILE_LIMITS.maxUsers + 1)}`;
    expect(problemsOf(text)).toEqual([
      `${F}:${USERS_FILE_LIMITS.maxUsers + 2}:1: too many users: a users file may list at most ${USERS_FILE_LIMITS.maxUsers}, and this is one more`,
    ]);
  });

  test("more users than maxUsers (flow list)", () => {
    const text = `users: [${Array(USERS_FILE_LIMITS.maxUsers + 1).fill("{}").join(", ")}]\n`;
    // "users: [" is 8 characters, each "{}, " 4.
    const column = 9 + 4 * USERS_FILE_LIMITS.maxUsers;
    expect(problemsOf(text)).toEqual([
      `${F}:1:${column}: too many users: a users file may list at most ${USERS_FILE_LIMITS.maxUsers}, and this is one more`,
    ]);
  });

  test("a million aliases: the first maxProblems, then why checking stopped", () => {
    const text = `users: [\n${"  *a,\n".repeat(1_000_000)}]\n`;
    const alias = (line: number) =>
      `${F}:${line}:3: aliases (*a) are not allowed in a users file: write the value out instead of referring to an anchor`;
    const problems = problemsOf(text);
    expect(problems).toHaveLength(USERS_FILE_LIMITS.maxProblems + 2);
    expect(problems[0]).toBe(alias(2));
    expect(problems[999]).toBe(alias(1001));
    // "users", ":", "[" and then an alias and a comma per line: value 1 500 001 is the comma on line 750 000, after
    // 749 999 aliases.
    expect(problems.slice(1000)).toEqual([
      `${F}:1002:3: … and 748999 more problems (only the first 1000 are listed)`,
      `${F}:750000:5: the file is too complex: more than 1500000 YAML values and indicators`,
    ]);
  });

  test("100 000 aliases: the first maxProblems and a count", () => {
    const text = `users: [\n${"  *a,\n".repeat(100_000)}]\n`;
    const problems = problemsOf(text);
    expect(problems).toHaveLength(USERS_FILE_LIMITS.maxProblems + 1);
    expect(problems.at(-1)).toBe(`${F}:1002:3: … and 99000 more problems (only the first 1000 are listed)`);
  });

  test("more problems than maxProblems from validation", () => {
    const entries = Array.from({ length: 1200 }, (_, i) => `  - {username: u${i}, email: nope}`);
    const problems = problemsOf(y("users:", ...entries));
    expect(problems).toHaveLength(1001);
    // "  - {username: u999, email: " is 28 characters.
    expect(problems[999]).toBe(`${F}:1001:29: email "nope" is not a valid email address (e.g. "alice@example.com")`);
    expect(problems[1000]).toBe(`${F}:1002:30: … and 200 more problems (only the first 1000 are listed)`);
  });

  test("too many YAML nodes", () => {
    const text = `users: [${"a,".repeat(USERS_FILE_LIMITS.maxNodes)}]`;
    const [only, ...rest] = problemsOf(text);
    expect(rest).toEqual([]);
    expect(only).toMatch(/^stacks\/dev\/users\.yaml:1:\d+: the file is too complex: more than 1500000 YAML values and indicators$/);
  });

  test("too many tokens (a file of blank lines)", () => {
    const text = " \n".repeat(USERS_FILE_LIMITS.maxTokens / 2 + 1);
    expect(problemsOf(text)).toEqual([
      `${F}:${USERS_FILE_LIMITS.maxTokens / 2 + 1}:1: the file is too large: more than ${USERS_FILE_LIMITS.maxTokens} YAML tokens`,
    ]);
  });

  test("many duplicate keys stay linear", () => {
    const text = y("users: []", ...Array.from({ length: 60_000 }, (_, i) => `k${i % 2}: 1`));
    const problems = problemsOf(text);
    expect(problems[0]).toBe(`${F}:4:1: duplicate key "k0" (first on line 2): keep only one of them`);
    // Duplicates start on line 4, so the 1001st is on line 1004.
    expect(problems.at(-1)).toBe(`${F}:1004:1: … and 58998 more problems (only the first 1000 are listed)`);
  });

  test("deeply nested block collections", () => {
    const text = Array.from({ length: 2000 }, (_, i) => `${" ".repeat(i)}-`).join("\n");
    const problems = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(/^stacks\/dev\/users\.yaml:\d+:\d+: /);
  });
});

describe("parseUsersFile accepts valid files", () => {
  test("the design document's example, with comments", () => {
    const text = y(
      "# Reviewed in pull requests.",
      "users:",
      "  - username: alice            # DNS label",
      "    email: alice@example.com",
      "    name: Alice Example         # optional",
      "    groups: [developers]        # optional",
      "    tier: medium",
      "    storage: 20Gi",
      "    enabled: true",
      "  # suspended, data kept",
      "  - username: bob",
      "    email: bob@example.com",
      "    enabled: false",
    );
    expect(parseUsersFile(text, F, RULES)).toStrictEqual<WorkspaceUser[]>([
      {
        username: "alice",
        email: "alice@example.com",
        name: "Alice Example",
        groups: ["developers"],
        tier: "medium",
        storage: "20Gi",
        enabled: true,
      },
      { username: "bob", email: "bob@example.com", groups: [], enabled: false },
    ]);
  });

  test("defaults: groups [] and enabled true; absent optional fields are absent", () => {
    const [user] = parseUsersFile(y("users:", ...ALICE), F, RULES);
    expect(user).toStrictEqual({ username: "alice", email: "alice@example.com", groups: [], enabled: true });
    expect(Object.keys(user!)).toEqual(["username", "email", "groups", "enabled"]);
  });

  test.each<[string, string, number]>([
    ["an empty list", y("users: []"), 0],
    ["an empty list with comments", y("# none yet", "users: [] # add people here"), 0],
    ["explicit document markers", y("---", "users: []", "..."), 0],
    ["a byte-order mark", `\uFEFF${y("users:", ...ALICE)}`, 1],
    ["CRLF line endings", "users:\r\n  - username: alice\r\n    email: alice@example.com\r\n", 1],
    ["flow style", y("users: [{username: alice, email: alice@example.com, groups: [a, b]}]"), 1],
    ["quoted strings", y("users:", '  - username: "alice"', "    email: 'alice@example.com'", '    name: "Alice: The Great"'), 1],
    ["storage at the bounds", y("users:", "  - {username: a, email: a@x.io, storage: 1Gi}", "  - {username: b, email: b@x.io, storage: 1024Gi}"), 2],
    ["a 40-character username", y("users:", `  - username: ${"a".repeat(40)}`, "    email: a@example.com"), 1],
    ["usernames that only contain reserved words", y("users:", "  - {username: admin-alice, email: a@x.io}", "  - {username: my-kube-box, email: b@x.io}"), 2],
    ["a multi-line name", y("users:", ...ALICE, "    name: >", "      Alice", "      Example"), 1],
  ])("%s", (_name, text, count) => {
    expect(parseUsersFile(text, F, RULES)).toHaveLength(count);
  });

  test("a multi-line scalar does not shift later positions", () => {
    const text = y("users:", ...ALICE, "    name: |", "      Alice", "      Example", "  - username: Bob", "    email: bob@example.com");
    expect(problemsOf(text)).toEqual([`${F}:7:15: username "Bob" ${DNS} (e.g. "bob")`]);
  });

  test("50 000 users (the maximum) parse correctly", () => {
    const lines = ["users:"];
    for (let i = 0; i < USERS_FILE_LIMITS.maxUsers; i++) {
      lines.push(`  - username: user-${i}`, `    email: user-${i}@example.com`);
      if (i % 10 === 0) lines.push("    groups: [developers]");
      if (i % 4 === 0) lines.push("    enabled: false");
    }
    const users = parseUsersFile(y(...lines), F, RULES);
    expect(users).toHaveLength(50_000);
    expect(users[0]).toStrictEqual({ username: "user-0", email: "user-0@example.com", groups: ["developers"], enabled: false });
    expect(users.at(-1)).toStrictEqual({ username: "user-49999", email: "user-49999@example.com", groups: [], enabled: true });
    expect(users.filter((u) => !u.enabled)).toHaveLength(12_500);
  });
});

describe("readUsersFile", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "users-file-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const problemsReading = (file: string): string[] => {
    try {
      readUsersFile(file, RULES);
    } catch (e) {
      if (e instanceof UsersFileError) return e.message.split("\n");
      throw e;
    }
    throw new Error("expected the users file to be refused");
  };

  test("reads a valid file", () => {
    const file = path.join(dir, "users.yaml");
    fs.writeFileSync(file, y("users:", ...ALICE));
    expect(readUsersFile(file, RULES)).toEqual([{ username: "alice", email: "alice@example.com", groups: [], enabled: true }]);
  });

  test("problems name the path", () => {
    const file = path.join(dir, "bad.yaml");
    fs.writeFileSync(file, y("users:", "  - username: Bob", "    email: bob@example.com"));
    expect(problemsReading(file)).toEqual([`${file}:2:15: username "Bob" ${DNS} (e.g. "bob")`]);
  });

  test("a missing file names the OS error", () => {
    const file = path.join(dir, "missing.yaml");
    expect(problemsReading(file)).toEqual([
      `${file}:1:1: cannot read the users file: ENOENT: no such file or directory, stat '${file}'`,
    ]);
  });

  test("a directory", () => {
    expect(problemsReading(dir)).toEqual([`${dir}:1:1: cannot read the users file: it is a directory`]);
  });

  test("a device is not read", () => {
    expect(problemsReading("/dev/zero")).toEqual([`/dev/zero:1:1: cannot read the users file: it is not a regular file`]);
  });

  test("a file over maxBytes is refused before reading", () => {
    const file = path.join(dir, "huge.yaml");
    // Sparse, so nothing is written to disk; at 4 GiB, reading it would fail differently (ERR_FS_FILE_TOO_LARGE).
    const size = 4 * 1024 ** 3;
    fs.writeFileSync(file, "");
    fs.truncateSync(file, size);
    expect(problemsReading(file)).toEqual([
      `${file}:1:1: the file is too large: ${size} bytes, and a users file may have at most ${USERS_FILE_LIMITS.maxBytes} (16 MiB)`,
    ]);
  });

  test("invalid UTF-8 is reported at the first bad byte", () => {
    const file = path.join(dir, "latin1.yaml");
    fs.writeFileSync(file, Buffer.concat([Buffer.from("users:\n  - username: j"), Buffer.from([0xe9]), Buffer.from("r\n")]));
    expect(problemsReading(file)).toEqual([`${file}:2:16: the file is not valid UTF-8 text: save it as UTF-8`]);
  });
});

describe("PLATFORM_RESERVED_USERNAMES", () => {
  test("sorted, unique, and all otherwise valid usernames", () => {
    const names = [...PLATFORM_RESERVED_USERNAMES];
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  test.each(["auth", "authelia", "admin", "api", "www", "traefik", "dashboard", "grafana", "prometheus", "datadog", "postgres", "redis", "mail", "smtp", "login", "sso", "portal", "status", "kube-system", "default"])(
    "includes %s",
    (name) => expect(PLATFORM_RESERVED_USERNAMES).toContain(name),
  );
});
