import { parse } from "yaml";
import { sharedSchemasAvailable, validateAutheliaUsersDatabase } from "../../test/support/schema-validation";
import type { WorkspaceUser } from "../provisioning/users-file";
import {
  ARGON2ID_PARAMETERS,
  buildUsersDatabase,
  deriveSalt,
  hashPassword,
  hashUserPassword,
  hashUserPasswords,
  isArgon2idHash,
  renderUsersDatabase,
  verifyPassword,
} from "./users-database";

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
const PASSWORDS = { alice: "alice-initial-password-0123456789", bob: "bob-initial-password-0123456789", mallory: "mallory-initial-password-012345" };

describe("argon2id hashes", () => {
  it("are PHC strings with Authelia's parameters", async () => {
    const hash = await hashUserPassword("alice", PASSWORDS.alice);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(isArgon2idHash(hash)).toBe(true);
    expect(ARGON2ID_PARAMETERS).toEqual({ iterations: 3, memoryKiB: 65536, parallelism: 4, keyLength: 32, saltLength: 16 });
  });

  it("verify the password they were made from, and only that one", async () => {
    const hash = await hashUserPassword("alice", PASSWORDS.alice);
    expect(await verifyPassword(PASSWORDS.alice, hash)).toBe(true);
    expect(await verifyPassword(PASSWORDS.bob, hash)).toBe(false);
  });

  it("match a known answer (argon2id of 'secret' with salt '0123456789abcdef'; also verified with go-crypt, Authelia's library)", async () => {
    expect(await hashPassword("secret", Buffer.from("0123456789abcdef"))).toBe(
      "$argon2id$v=19$m=65536,t=3,p=4$MDEyMzQ1Njc4OWFiY2RlZg$s7HDvht1s+JaAdJ1qoLH/2c4KCL7V5DME2Cyd+d1XPI",
    );
  });

  it("are stable per user and password (derived salt), and differ across users and passwords", async () => {
    expect(await hashUserPassword("alice", PASSWORDS.alice)).toBe(await hashUserPassword("alice", PASSWORDS.alice));
    expect(deriveSalt("alice", "same-password")).not.toEqual(deriveSalt("bob", "same-password"));
    expect(deriveSalt("alice", "password-one")).not.toEqual(deriveSalt("alice", "password-two"));
    expect(deriveSalt("alice", "x")).toHaveLength(16);
    expect(await hashUserPassword("alice", "same-password")).not.toBe(await hashUserPassword("bob", "same-password"));
  });

  it("refuse an empty password", async () => {
    await expect(hashPassword("", deriveSalt("a", "b"))).rejects.toThrow(/empty/);
  });
});

describe("buildUsersDatabase", () => {
  let hashes: Record<string, string>;
  beforeAll(async () => {
    hashes = await hashUserPasswords(PASSWORDS);
  });

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
    expect(a).not.toContain(PASSWORDS.alice);
  });

  it("refuses duplicates, missing hashes and anything but argon2id", () => {
    expect(() => buildUsersDatabase([USERS[0]!, USERS[0]!], hashes)).toThrow(/twice/);
    expect(() => buildUsersDatabase(USERS, { alice: hashes.alice! })).toThrow(/no password hash for user "bob"/);
    expect(() => buildUsersDatabase(USERS, { ...hashes, bob: "plaintext$hunter2" })).toThrow(/argon2id/);
  });
});
