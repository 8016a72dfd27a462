/**
 * In-memory ICWS sessions: a random session id, a CSRF token and a cookie secret per login, forgotten after an idle time.
 */
import { builtin } from '../builtins.js';
import type { SessionCredentials } from './handler.js';

/** A new session, as the login answer reports it. */
export interface NewSession {
  readonly sessionId: string;
  readonly csrfToken: string;
  /** The cookie to set: `icws_<sessionId>`. */
  readonly cookieName: string;
  readonly cookieValue: string;
  readonly userID: string;
}

/** Options of {@link createSessionStore}. */
export interface SessionStoreOptions {
  /** A session unused for this long is gone, in milliseconds (default 30 minutes). */
  readonly idleMs?: number;
  /** The clock, for tests (default `Date.now`). */
  readonly now?: () => number;
}

/** The sessions of one server. */
export interface SessionStore {
  /**
   * Starts a session for a user who has proved who they are.
   *
   * @param userID - the user
   */
  create(userID: string): NewSession;
  /**
   * Whether the credentials name a live session; a successful check counts as use and restarts the idle time.
   *
   * @param credentials - from the request
   */
  verify(credentials: SessionCredentials): boolean;
  /**
   * Ends the session the credentials name, if they are valid.
   *
   * @param credentials - from the request
   */
  end(credentials: SessionCredentials): boolean;
  /** How many sessions are live. */
  readonly size: number;
}

interface Session {
  /** The digest of the CSRF token and the cookie value together ({@link secretsDigest}). */
  readonly secrets: string;
  lastUsed: number;
}

/**
 * Creates an empty session store.
 *
 * @param options - idle time and clock
 * @returns the store
 * @example
 * ```ts
 * const sessions = createSessionStore({ idleMs: 15 * 60_000 });
 * const s = sessions.create('alice');
 * ```
 */
export function createSessionStore(options: SessionStoreOptions = {}): SessionStore {
  const idleMs = options.idleMs ?? 30 * 60_000;
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Session>();

  const sweep = (t: number): void => {
    for (const [id, s] of sessions) if (t - s.lastUsed > idleMs) sessions.delete(id);
  };

  const find = (c: SessionCredentials): Session | undefined => {
    const s = sessions.get(c.sessionId);
    if (!s) return undefined;
    const t = now();
    if (t - s.lastUsed > idleMs) {
      sessions.delete(c.sessionId);
      return undefined;
    }
    const cookie = readCookie(c.cookie, cookieNameOf(c.sessionId));
    // One digest of both secrets, compared in constant time: the time taken does not tell which one was wrong.
    const ok = sameDigest(secretsDigest(c.csrfToken, cookie ?? ''), s.secrets);
    if (!ok || cookie === undefined) return undefined;
    s.lastUsed = t;
    return s;
  };

  return {
    create(userID) {
      const t = now();
      sweep(t);
      const { randomBytes, randomUUID } = builtin('node:crypto');
      const sessionId = randomUUID();
      const csrfToken = randomBytes(24).toString('base64url');
      const cookieValue = randomBytes(24).toString('base64url');
      sessions.set(sessionId, { secrets: secretsDigest(csrfToken, cookieValue), lastUsed: t });
      return { sessionId, csrfToken, cookieName: cookieNameOf(sessionId), cookieValue, userID };
    },
    verify: (c) => find(c) !== undefined,
    end(c) {
      if (!find(c)) return false;
      sessions.delete(c.sessionId);
      return true;
    },
    get size() {
      sweep(now());
      return sessions.size;
    },
  };
}

/**
 * The cookie name of a session, as ICWS names it.
 *
 * @param sessionId - the session id
 * @returns `icws_<sessionId>`
 * @example
 * ```ts
 * cookieNameOf('abc'); // 'icws_abc'
 * ```
 */
export function cookieNameOf(sessionId: string): string {
  return `icws_${sessionId}`;
}

/**
 * One cookie's value from a `Cookie` header.
 *
 * @param header - the header, `a=1; b=2`
 * @param name - the cookie wanted
 * @returns its value, or undefined
 * @example
 * ```ts
 * readCookie('a=1; icws_x=abc', 'icws_x'); // 'abc'
 * ```
 */
export function readCookie(header: string, name: string): string | undefined {
  // Each `name=value` part in place, trimmed by index: no array of parts and no string per cookie name, for every
  // query-details request. The same answer as splitting at `;` and trimming each name (a test holds it to that).
  for (let start = 0; start <= header.length; ) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq > start && eq < end) {
      let from = start;
      let to = eq;
      while (from < to && isTrimmed(header.charCodeAt(from))) from++;
      while (to > from && isTrimmed(header.charCodeAt(to - 1))) to--;
      if (to - from === name.length && header.startsWith(name, from)) return header.slice(eq + 1, end).trim();
    }
    start = end + 1;
  }
  return undefined;
}

/** Whether `String.prototype.trim` removes this code unit (white space and line terminators). */
function isTrimmed(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** The type of `crypto.hash`, a one-shot digest (see {@link oneShotHash}). */
type OneShotHash = (algorithm: string, data: string, encoding: 'latin1') => string;

/**
 * What {@link oneShotHash} found, once looked up: at the first digest rather than at import, so that importing the package
 * does not load `node:crypto` (see builtins.ts).
 */
let oneShot: OneShotHash | null | undefined;

/**
 * `crypto.hash`, the one-shot digest of Node 20.12 and later, when there (else null): about half the cost of a
 * `createHash` object, and every query-details request digests two secrets.
 */
function oneShotHash(): OneShotHash | null {
  return (oneShot ??= (builtin('node:crypto') as unknown as { hash?: OneShotHash }).hash ?? null);
}

/**
 * The SHA-256 digest of a session's two secrets together, which is what a session keeps of them: equal lengths for a
 * constant-time comparison, and the raw secrets are not kept in memory. One digest and one comparison per request rather than
 * one of each per secret (a request of `dialplan serve` spent about 4% of its time digesting). The newline between
 * them cannot occur in a header value, so no other pair of values gives the same text.
 */
function secretsDigest(csrfToken: string, cookieValue: string): string {
  const s = `${csrfToken}\n${cookieValue}`;
  // As a 32-character latin1 ('binary') string rather than a Buffer: a Buffer made per request (its backing store and view) cost
  // as much as the digest itself.
  const hash = oneShotHash();
  return hash !== null ? hash('sha256', s, 'latin1') : builtin('node:crypto').createHash('sha256').update(s).digest('binary');
}

/**
 * Compares two digests in constant time (what `timingSafeEqual` does for Buffers): every character is looked at, with
 * no early exit, so the time taken does not tell how much of a guess was right.
 */
function sameDigest(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
