import { parse } from "yaml";
import { sharedSchemasAvailable, validateAutheliaUsersDatabase } from "../../test/support/schema-validation";
import type { WorkspaceUser } from "../provisioning/users-file";
import { buildUsersDatabase, isBcryptDigest, renderUsersDatabase } from "./users-database";

const SCHEMAS = sharedSchemasAvailable();
const itWithSchemas = SCHEMAS ? it : it.skip;
if (!SCHEMAS) {
  console.warn("../shared/schemas is absent: the Authelia users database was NOT validated against user-database.json (that test is skipped)");
}

const USERS: WorkspaceUser[] = [
  { username: "bob", email: "bob@example.com", groups: ["admins"], enabled: true },
  { username: "alice", email: "alice@example.com", name: "Alice Liddell", groups: [], enabled: true },
  { username: "mallory", email: "mallory@example.com", groups: ["dev"], enabled: false },
];
const DIGESTS: Record<string, string> = {
  alice: "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
  bob: "$2a$10$abcdefghijklmnopqrstuuJZAgcfl7p92ldGxad68LJZdL17lhWy0",
  mallory: "$2a$10$zyxwvutsrqponmlkjihgfeJZAgcfl7p92ldGxad68LJZdL17lhWy1",
};

describe("bcrypt digests", () => {
  it.each([
    ["$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", true],
    ["$2b$12$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", true],
    ["$2a$10$short", false],
    ["$argon2id$v=19$m=65536,t=3,p=4$MDEyMzQ1Njc4OWFiY2RlZg$s7HDvht1s+JaAdJ1qoLH/2c4KCL7V5DME2Cyd+d1XPI", false],
    ["plaintext-password", false],
    ["$2a$03$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", false],
  ])("%s is a bcrypt digest: %s", (value, ok) => {
    expect(isBcryptDigest(value)).toBe(ok);
  });
});

describe("buildUsersDatabase", () => {
  const hashes = DIGESTS;

  it("has one entry per user, sorted, with display name, email, groups and disabled", () => {
    const db = buildUsersDatabase(USERS, hashes);
    expect(Object.keys(db.users)).toEqual(["alice", "bob", "mallory"]);
    expect(db.users.alice).toEqual({ displayname: "Alice Liddell", password: hashes.alice, email: "alice@example.com", groups: [], disabled: false });
    expect(db.users.bob).toMatchObject({ displayname: "bob", groups: ["admins"], disabled: false });
    expect(db.users.mallory).toMatchObject({ disabled: true });
  });

  itWithSchemas("is valid against Authelia 4.39's user-database.json, as an object and as the YAML file", () => {
    const db = buildUsersDatabase(USERS, hashes);
    expect(validateAutheliaUsersDatabase(db)).toEqual([]);
    expect(validateAutheliaUsersDatabase(parse(renderUsersDatabase(db)))).toEqual([]);
  });

  it("renders identical text for the same users in any order (no diff on re-runs)", () => {
    const a = renderUsersDatabase(buildUsersDatabase(USERS, hashes));
    const b = renderUsersDatabase(buildUsersDatabase([...USERS].reverse(), { ...hashes }));
    expect(b).toBe(a);
    expect(a).toContain(DIGESTS.alice);
  });

  it("refuses duplicates, missing digests and anything but a bcrypt digest", () => {
    expect(() => buildUsersDatabase([USERS[0]!, USERS[0]!], hashes)).toThrow(/twice/);
    expect(() => buildUsersDatabase(USERS, { alice: hashes.alice! })).toThrow(/no password hash for user "bob"/);
    expect(() => buildUsersDatabase(USERS, { ...hashes, bob: "plaintext$hunter2" })).toThrow(/not a bcrypt digest/);
  });
});
