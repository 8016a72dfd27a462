/**
 * The users file of `dialplan serve`: user names with scrypt password hashes, never the passwords themselves.
 * Format (JSON): `{ "users": { "alice": "scrypt$16384$8$1$<salt b64>$<hash b64>" } }`.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DialPlanError } from '../errors.js';

/** scrypt cost parameters: N=2^14, r=8, p=1 (about 16 MiB and tens of milliseconds per check). */
const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem above 128*N*r bytes, or node refuses the parameters.
    scrypt(password, salt, length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (e, key) => (e ? reject(e) : resolve(key)));
  });
}

/**
 * Hashes a password with scrypt and a random 16-byte salt.
 *
 * @param password - the password
 * @returns the encoded hash, `scrypt$N$r$p$salt$hash` (base64 parts)
 * @example
 * ```ts
 * const stored = await hashPassword('s3cret');
 * ```
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P, KEY_LENGTH);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Checks a password against an encoded hash, comparing in constant time. A malformed hash is a mismatch, not a throw.
 *
 * @param password - the password given
 * @param stored - the encoded hash from {@link hashPassword}
 * @returns whether they match
 * @example
 * ```ts
 * await verifyPassword('s3cret', await hashPassword('s3cret')); // true
 * ```
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || n > 1 << 20) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  if (expected.length === 0) return false;
  const key = await scryptAsync(password, salt, n, r, p, expected.length);
  return timingSafeEqual(key, expected);
}

/** User names and their encoded password hashes. */
export type UsersFile = ReadonlyMap<string, string>;

/**
 * Reads a users file. A missing file is an empty set of users.
 *
 * @param path - the file
 * @returns the users
 * @throws DialPlanError `FILE_NOT_FOUND` never; `WRONG_TYPE` when the file is not in the users format
 * @example
 * ```ts
 * const users = readUsersFile('users.json');
 * ```
 */
export function readUsersFile(path: string): UsersFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw e;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new DialPlanError('WRONG_TYPE', `${path} is not a users file (not JSON).`);
  }
  const users = (doc as { users?: unknown } | null)?.users;
  if (typeof users !== 'object' || users === null || Array.isArray(users)) {
    throw new DialPlanError('WRONG_TYPE', `${path} is not a users file (no "users" map).`);
  }
  const map = new Map<string, string>();
  for (const [name, hash] of Object.entries(users)) {
    if (typeof hash !== 'string') throw new DialPlanError('WRONG_TYPE', `${path}: the hash of user "${name}" is not a string.`);
    map.set(name, hash);
  }
  return map;
}

/**
 * Adds or replaces a user in a users file, hashing the password. The file is written to a temporary name and renamed,
 * readable by its owner only.
 *
 * @param path - the file (created if missing)
 * @param name - the user name
 * @param password - the password; only its hash is stored
 * @returns nothing
 * @example
 * ```ts
 * await addUser('users.json', 'alice', 's3cret');
 * ```
 */
export async function addUser(path: string, name: string, password: string): Promise<void> {
  const users = new Map(readUsersFile(path));
  users.set(name, await hashPassword(password));
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ users: Object.fromEntries(users) }, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}
