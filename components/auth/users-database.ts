/**
 * Authelia's file-backend users database (`users_database.yml`). Pure.
 *
 * Password digests are the `bcryptHash` the random provider computes when it generates each initial password.
 * Why not argon2id hashed here: a hash computed by the program is recomputed on every preview and update (the
 * program keeps no memory between runs) — at Authelia's argon2id defaults (64 MiB, t=3) that is 0.3–0.8 s per
 * person, minutes for a few hundred people. The provider's digest is computed once, kept in the stack state and
 * never changes for the same password, so a re-run shows no diff and adding a person costs one hash. Authelia's
 * file backend verifies bcrypt digests; the passwords are 32 random letters and digits (≈190 bits), which no
 * offline attack on a cost-10 bcrypt digest can reach. Authelia itself would hash with argon2id (the configuration
 * sets it), but password changes are disabled: this file is generated.
 */
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
  /** bcrypt digest of the generated initial password. */
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

const BCRYPT_DIGEST = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/**
 * True for a bcrypt digest (`$2a$10$<22-char salt><31-char hash>`), the form the random provider's `bcryptHash`
 * takes and Authelia's file backend verifies.
 */
export function isBcryptDigest(value: string): boolean {
  return BCRYPT_DIGEST.test(value);
}

/**
 * The users database for `users`, with `hashes` (username → bcrypt digest). Users are sorted by name so the
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
    if (!isBcryptDigest(hash)) throw new Error(`Authelia users database: the password of "${user.username}" is not a bcrypt digest`);
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
