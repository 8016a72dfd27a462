/**
 * The users file of `dialplan serve`: user names with scrypt password hashes, never the passwords themselves.
 * Format (JSON): `{ "users": { "alice": "scrypt$16384$8$1$<salt b64>$<hash b64>" } }`; a user with a display name is an
 * object instead, `"alice": { "hash": "scrypt$...", "displayName": "Alice Smith" }`. Both forms may be mixed, so files
 * written before display names existed still load.
 */
import { builtin } from '../builtins.js';
import { DialPlanError } from '../../engine/errors.js';

/** scrypt cost parameters: N=2^14, r=8, p=1 (about 16 MiB and tens of milliseconds per check). */
const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem above 128*N*r bytes, or node refuses the parameters.
    builtin('node:crypto').scrypt(password, salt, length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (e, key) => (e ? reject(e) : resolve(key)));
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
  const salt = builtin('node:crypto').randomBytes(16);
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
  return builtin('node:crypto').timingSafeEqual(key, expected);
}

/** One user of a users file. */
export interface UserRecord {
  /** The encoded password hash, from {@link hashPassword}. */
  readonly hash: string;
  /** The name the login answer reports as `userDisplayName` (default: the user name). */
  readonly displayName?: string;
}

/** User names and their records; a plain string is a hash without a display name (the older form). */
export type UsersFile = ReadonlyMap<string, UserRecord | string>;

/**
 * The record of one user, whichever form the users file gave it in.
 *
 * @param entry - a value of a {@link UsersFile}
 * @returns the hash and, if any, the display name
 * @example
 * ```ts
 * userRecord('scrypt$...'); // { hash: 'scrypt$...' }
 * ```
 */
export function userRecord(entry: UserRecord | string): UserRecord {
  return typeof entry === 'string' ? { hash: entry } : entry;
}

/**
 * Reads a users file. A missing file is an empty set of users (`dialplan serve` checks that the file exists first).
 *
 * @param path - the file
 * @returns the users
 * @throws DialPlanError `FILE_NOT_FOUND` when the file exists but cannot be read (a directory, no permission);
 *   `WRONG_TYPE` when the file is not in the users format
 * @example
 * ```ts
 * const users = readUsersFile('users.json');
 * ```
 */
export function readUsersFile(path: string): UsersFile {
  let text: string;
  try {
    text = builtin('node:fs').readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return new Map();
    // A directory, a file without read permission, ...: input that cannot be read, with a message, not a stack.
    throw new DialPlanError('FILE_NOT_FOUND', `${path}: cannot read the users file (${code ?? String(e)}).`);
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
  const map = new Map<string, UserRecord | string>();
  for (const [name, entry] of Object.entries(users)) {
    if (typeof entry === 'string') {
      map.set(name, entry);
      continue;
    }
    const { hash, displayName } = (entry ?? {}) as { hash?: unknown; displayName?: unknown };
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || typeof hash !== 'string') {
      throw new DialPlanError('WRONG_TYPE', `${path}: user "${name}" is neither a hash nor an object with a "hash" string.`);
    }
    if (displayName !== undefined && typeof displayName !== 'string') {
      throw new DialPlanError('WRONG_TYPE', `${path}: the displayName of user "${name}" is not a string.`);
    }
    map.set(name, displayName === undefined ? { hash } : { hash, displayName });
  }
  return map;
}

/**
 * Adds or replaces a user in a users file, hashing the password. The file is written to a temporary name and renamed,
 * readable by its owner only. Replacing a user without a new display name keeps the one it had.
 *
 * @param path - the file (created if missing)
 * @param name - the user name
 * @param password - the password; only its hash is stored
 * @param displayName - optional: the name the login answer reports as `userDisplayName`
 * @returns nothing
 * @example
 * ```ts
 * await addUser('users.json', 'alice', 's3cret', 'Alice Smith');
 * ```
 */
export async function addUser(path: string, name: string, password: string, displayName?: string): Promise<void> {
  const users = new Map(readUsersFile(path));
  const previous = users.get(name);
  const keep = displayName ?? (previous === undefined ? undefined : userRecord(previous).displayName);
  const hash = await hashPassword(password);
  // A user without a display name stays in the older plain-string form, which every version reads.
  users.set(name, keep === undefined ? hash : { hash, displayName: keep });
  const tmp = `${path}.${process.pid}.tmp`;
  const { renameSync, writeFileSync } = builtin('node:fs');
  writeFileSync(tmp, JSON.stringify({ users: Object.fromEntries(users) }, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}
