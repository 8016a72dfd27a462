/**
 * Failed-login throttling for `dialplan serve`: after `maxFailures` failed logins for one user name, or from one client
 * address, within `windowMs`, further attempts are refused (429) until the oldest of those failures leaves the window.
 * Successful logins are never delayed and do not count.
 */

/** Options of {@link createLoginLimiter}. */
export interface LoginLimiterOptions {
  /** Failed logins allowed per user name and per client address within the window (default 5). */
  readonly maxFailures?: number;
  /** The window, in milliseconds (default 60 000). */
  readonly windowMs?: number;
  /** Most user names and addresses tracked at once (default 100 000); the oldest are forgotten past it. */
  readonly maxKeys?: number;
  /** The clock, for tests (default `Date.now`). */
  readonly now?: () => number;
}

/** Whether an attempt may go on, or how long to wait. */
export type LoginVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** An attempt let through by {@link LoginLimiter.attempt}: report its outcome once the password was checked. */
export type LoginAttempt =
  | {
      readonly allowed: true;
      /** Reports whether the password was right: a failure counts against the user name and the address. */
      readonly done: (succeeded: boolean) => void;
    }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/** How much of a user name (or address) the failed-login record keeps. */
const MAX_NAME_CHARS = 256;

/** The failed-login record of one server. */
export interface LoginLimiter {
  /**
   * Whether a login for this user from this address may be checked now.
   *
   * @param userID - the user name of the attempt
   * @param address - the client address
   */
  check(userID: string, address: string): LoginVerdict;
  /**
   * Lets a login attempt be checked, counting the attempts still being checked: while `maxFailures` failures and
   * attempts in flight together fill the window of a user name or an address, a further attempt waits for one of them
   * to end, so parallel attempts cannot slip past the limit. Once the limit is reached by failures, it is refused.
   * Successful attempts never wait for anything but attempts in flight with the same key.
   *
   * @param userID - the user name of the attempt
   * @param address - the client address
   */
  attempt(userID: string, address: string): Promise<LoginAttempt>;
  /**
   * Records a failed login (wrong user name or password).
   *
   * @param userID - the user name of the attempt
   * @param address - the client address
   */
  fail(userID: string, address: string): void;
  /** How many user names and addresses have failures in the window. */
  readonly size: number;
}

/**
 * Creates an empty failed-login record.
 *
 * @param options - limits and clock
 * @returns the limiter
 * @example
 * ```ts
 * const limiter = createLoginLimiter({ maxFailures: 5, windowMs: 60_000 });
 * if (!limiter.check('alice', '127.0.0.1').allowed) // answer 429
 * ```
 */
export function createLoginLimiter(options: LoginLimiterOptions = {}): LoginLimiter {
  const max = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 60_000;
  const maxKeys = options.maxKeys ?? 100_000;
  const now = options.now ?? Date.now;
  // Times of the failures still in the window, oldest first, by key. User names and addresses live in one map under
  // distinct prefixes, so a user named like an address is not confused with it.
  const failures = new Map<string, number[]>();

  const recent = (key: string, t: number): number[] => {
    const times = failures.get(key);
    if (!times) return [];
    while (times.length > 0 && t - (times[0] ?? 0) >= windowMs) times.shift();
    if (times.length === 0) failures.delete(key);
    return times;
  };

  const sweep = (t: number): void => {
    for (const key of failures.keys()) recent(key, t);
    // Still too many (a spray of user names): forget the keys first seen longest ago; the map keeps insertion order.
    for (const key of failures.keys()) {
      if (failures.size <= maxKeys) break;
      failures.delete(key);
    }
  };

  // A user name is kept by its first MAX_NAME_CHARS characters: a spray of 100 000 names of 16 KiB each (a body the
  // login accepts) would otherwise hold 1.6 GB here. Longer names share a record with those that start the same, which
  // no real user name does.
  const keys = (userID: string, address: string): readonly string[] => [`u:${userID.slice(0, MAX_NAME_CHARS)}`, `a:${address.slice(0, MAX_NAME_CHARS)}`];
  // Attempts being checked (their password hash is being computed), and attempts waiting for one of them to end.
  const inFlight = new Map<string, number>();
  const waiting = new Map<string, (() => void)[]>();
  const wait = (key: string): Promise<void> =>
    new Promise((resolve) => {
      const list = waiting.get(key) ?? [];
      list.push(resolve);
      waiting.set(key, list);
    });
  const release = (key: string): void => {
    const n = (inFlight.get(key) ?? 1) - 1;
    if (n > 0) inFlight.set(key, n);
    else inFlight.delete(key);
    // Every waiter looks again: one may now be refused (the limit reached by failures), another may go on.
    const list = waiting.get(key);
    waiting.delete(key);
    for (const wake of list ?? []) wake();
  };

  const limiter: LoginLimiter = {
    async attempt(userID, address) {
      const ks = keys(userID, address);
      for (;;) {
        const verdict = limiter.check(userID, address);
        if (!verdict.allowed) return verdict;
        const t = now();
        const full = ks.find((k) => recent(k, t).length + (inFlight.get(k) ?? 0) >= max);
        if (full === undefined) break;
        await wait(full);
      }
      for (const k of ks) inFlight.set(k, (inFlight.get(k) ?? 0) + 1);
      let reported = false;
      return {
        allowed: true,
        done: (succeeded: boolean) => {
          if (reported) return;
          reported = true;
          if (!succeeded) limiter.fail(userID, address);
          for (const k of ks) release(k);
        },
      };
    },
    check(userID, address) {
      const t = now();
      let wait = 0;
      for (const key of keys(userID, address)) {
        const times = recent(key, t);
        // Blocked while max failures are in the window: until the oldest of the last max leaves it.
        if (times.length >= max) wait = Math.max(wait, (times[times.length - max] ?? t) + windowMs - t);
      }
      return wait > 0 ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) } : { allowed: true };
    },
    fail(userID, address) {
      const t = now();
      for (const key of keys(userID, address)) {
        const times = recent(key, t);
        times.push(t);
        // Only the last max failures decide anything: older ones need not be kept (bounded memory per key).
        if (times.length > max) times.shift();
        failures.delete(key); // re-inserted last: the map stays ordered by latest failure
        failures.set(key, times);
      }
      if (failures.size > maxKeys) sweep(t);
    },
    get size() {
      sweep(now());
      return failures.size;
    },
  };
  return limiter;
}
