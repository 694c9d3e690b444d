/**
 * Authelia's file-backend users database (`users_database.yml`) and its argon2id password hashes. Pure, apart from
 * the WebAssembly argon2 implementation (`hash-wasm`, no install scripts).
 *
 * Hashes are stable: the salt is derived from the username and the password (HMAC-SHA256 keyed with the password,
 * truncated to 16 bytes), so re-hashing the same (state-stored) random password gives the same PHC string and a
 * re-run of the stack shows no diff. A fresh random salt would change the Secret on every run.
 * Why a derived salt is acceptable here: the salt's job is to make precomputation useless; this one differs per
 * user and per password and cannot be computed without the password, and the passwords are long random strings.
 *
 * The PHC strings were checked to verify with go-crypt v0.14.15 (the hashing library Authelia v4.39.20 uses).
 */
import { createHmac } from "node:crypto";
import { argon2id, argon2Verify } from "hash-wasm";
import YAML from "yaml";
import type { WorkspaceUser } from "../provisioning/users-file";

/**
 * argon2id parameters: Authelia 4.39's defaults for `authentication_backend.file.password.argon2` (also what its
 * docs recommend): t=3, m=64 MiB, p=4, 32-byte key, 16-byte salt. The configuration writes the same values, so
 * hashes Authelia would create itself look the same.
 */
export const ARGON2ID_PARAMETERS = Object.freeze({
  iterations: 3,
  memoryKiB: 65536,
  parallelism: 4,
  keyLength: 32,
  saltLength: 16,
});

/** One user in Authelia's file database (the keys this platform writes; all are in `user-database.json`). */
export interface AutheliaUserRecord {
  displayname: string;
  /** argon2id PHC string. */
  password: string;
  email: string;
  groups: string[];
  /** True for a suspended user: Authelia refuses the login and ends existing sessions on refresh. */
  disabled: boolean;
}

/** The whole file: `{ users: { <username>: … } }`. */
export interface AutheliaUsersDatabase {
  users: Record<string, AutheliaUserRecord>;
}

const PHC_ARGON2ID = /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/** True for an argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`, unpadded standard base64). */
export function isArgon2idHash(value: string): boolean {
  return PHC_ARGON2ID.test(value);
}

/** The stable salt of a user's password: HMAC-SHA256(key = password, message = `authelia-users:<username>`), first 16 bytes. */
export function deriveSalt(username: string, password: string): Buffer {
  return createHmac("sha256", password).update(`authelia-users:${username}`, "utf8").digest().subarray(0, ARGON2ID_PARAMETERS.saltLength);
}

/** argon2id PHC string of `password` with `salt` and {@link ARGON2ID_PARAMETERS} (~0.2–0.5 s and 64 MiB each). */
export async function hashPassword(password: string, salt: Uint8Array): Promise<string> {
  if (password.length === 0) throw new Error("hashPassword: the password is empty");
  if (salt.length < 8) throw new Error("hashPassword: the salt must be at least 8 bytes");
  return argon2id({
    password,
    salt,
    iterations: ARGON2ID_PARAMETERS.iterations,
    memorySize: ARGON2ID_PARAMETERS.memoryKiB,
    parallelism: ARGON2ID_PARAMETERS.parallelism,
    hashLength: ARGON2ID_PARAMETERS.keyLength,
    outputType: "encoded",
  });
}

/** The stable hash of one user's password ({@link deriveSalt} + {@link hashPassword}). */
export function hashUserPassword(username: string, password: string): Promise<string> {
  return hashPassword(password, deriveSalt(username, password));
}

/** True when `password` matches the PHC string `hash` (for tests and tools). */
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return argon2Verify({ password, hash });
}

/**
 * Hashes each user's password one after the other (each hash takes 64 MiB; doing them all at once would take that
 * times the number of users). Returns username → PHC string.
 */
export async function hashUserPasswords(passwords: Readonly<Record<string, string>>): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const username of Object.keys(passwords).sort()) {
    hashes[username] = await hashUserPassword(username, passwords[username]!);
  }
  return hashes;
}

/**
 * The users database for `users`, with `hashes` (username → argon2id PHC string). Users are sorted by name so the
 * rendered file does not depend on the order of the users file. Suspended users (`enabled: false`) stay in the file
 * with `disabled: true`.
 */
export function buildUsersDatabase(users: readonly WorkspaceUser[], hashes: Readonly<Record<string, string>>): AutheliaUsersDatabase {
  const seen = new Set<string>();
  for (const user of users) {
    if (seen.has(user.username)) throw new Error(`Authelia users database: user "${user.username}" appears twice`);
    seen.add(user.username);
    const hash = hashes[user.username];
    if (hash === undefined) throw new Error(`Authelia users database: no password hash for user "${user.username}"`);
    if (!isArgon2idHash(hash)) throw new Error(`Authelia users database: the password of "${user.username}" is not an argon2id PHC string`);
  }
  const result: AutheliaUsersDatabase = { users: {} };
  for (const user of [...users].sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0))) {
    result.users[user.username] = {
      displayname: user.name ?? user.username,
      password: hashes[user.username]!,
      email: user.email,
      groups: [...user.groups],
      disabled: !user.enabled,
    };
  }
  return result;
}

/** The YAML text of the database, as mounted for Authelia. */
export function renderUsersDatabase(db: AutheliaUsersDatabase): string {
  return YAML.stringify(db, { lineWidth: 0, aliasDuplicateObjects: false });
}
