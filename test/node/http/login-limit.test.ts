// Failed-login throttling with an injected clock: 5 failures per user name or per address within a minute, then refusals
// until the window passes; successes never count.
import { describe, expect, it } from 'vitest';
import { createLoginLimiter } from '../../../src/node/http/login-limit.js';

describe('createLoginLimiter', () => {
  it('refuses a user name after 5 failures within the window, until the oldest leaves it', () => {
    let t = 1_000_000;
    const limiter = createLoginLimiter({ now: () => t });
    for (let i = 0; i < 5; i++) {
      expect(limiter.check('alice', `10.0.0.${i}`)).toEqual({ allowed: true });
      limiter.fail('alice', `10.0.0.${i}`);
      t += 1000;
    }
    // Failures at 0 s .. 4 s; now 5 s: blocked until 60 s, 55 s from now.
    expect(limiter.check('alice', '10.0.0.99')).toEqual({ allowed: false, retryAfterSeconds: 55 });
    expect(limiter.check('bob', '10.0.0.99')).toEqual({ allowed: true });
    t += 54_999;
    expect(limiter.check('alice', '10.0.0.99')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    t += 1;
    // The first failure left the window: four remain, one more attempt may be checked.
    expect(limiter.check('alice', '10.0.0.99')).toEqual({ allowed: true });
    limiter.fail('alice', '10.0.0.99');
    expect(limiter.check('alice', '10.0.0.98').allowed).toBe(false);
  });

  it('refuses an address after 5 failures whatever the user names', () => {
    let t = 0;
    const limiter = createLoginLimiter({ now: () => t });
    for (let i = 0; i < 5; i++) limiter.fail(`user${i}`, '192.0.2.1');
    expect(limiter.check('someone-else', '192.0.2.1')).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(limiter.check('someone-else', '192.0.2.2')).toEqual({ allowed: true });
    t = 60_000;
    expect(limiter.check('someone-else', '192.0.2.1')).toEqual({ allowed: true });
  });

  it('does not confuse a user name with an address, and honours custom limits', () => {
    const limiter = createLoginLimiter({ maxFailures: 2, windowMs: 10_000, now: () => 0 });
    limiter.fail('192.0.2.7', 'a');
    limiter.fail('192.0.2.7', 'b');
    expect(limiter.check('x', '192.0.2.7').allowed).toBe(true);
    expect(limiter.check('192.0.2.7', 'c')).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('keeps bounded memory under a spray of user names', () => {
    let t = 0;
    const limiter = createLoginLimiter({ maxKeys: 100, now: () => t });
    for (let i = 0; i < 10_000; i++) {
      limiter.fail(`user${i}`, `198.51.100.${i % 250}`);
      t += 1;
    }
    expect(limiter.size).toBeLessThanOrEqual(100);
    t += 60_000;
    expect(limiter.size).toBe(0);
  });

  it('lets no more attempts in flight than the limit allows, so parallel attempts cannot slip past it', async () => {
    const limiter = createLoginLimiter({ now: () => 0 });
    const attempts = await Promise.race([
      Promise.all(Array.from({ length: 5 }, () => limiter.attempt('alice', '192.0.2.9'))),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the first five waited')), 1000)),
    ]);
    expect(attempts.every((a) => a.allowed)).toBe(true);
    // A sixth waits while five are being checked...
    let sixth: Awaited<ReturnType<typeof limiter.attempt>> | undefined;
    const pending = limiter.attempt('alice', '192.0.2.10').then((a) => (sixth = a));
    await new Promise((r) => setTimeout(r, 20));
    expect(sixth).toBeUndefined();
    // ... and is refused once all five failed.
    for (const a of attempts) if (a.allowed) a.done(false);
    await pending;
    expect(sixth).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it('lets waiting attempts go on when the attempts in flight succeed', async () => {
    const limiter = createLoginLimiter({ now: () => 0 });
    const first = await Promise.all(Array.from({ length: 5 }, () => limiter.attempt('bob', '192.0.2.11')));
    // Twenty more, each reporting success as soon as it is let in: all get their turn as earlier ones end.
    const later = Promise.all(
      Array.from({ length: 20 }, () =>
        limiter.attempt('bob', '192.0.2.11').then((a) => {
          if (a.allowed) a.done(true);
          return a.allowed;
        }),
      ),
    );
    for (const a of first) if (a.allowed) a.done(true);
    const outcomes = await Promise.race([later, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('waiters stuck')), 2000))]);
    expect(outcomes).toEqual(Array(20).fill(true));
    expect(limiter.check('bob', '192.0.2.11')).toEqual({ allowed: true });
  });

  it('keeps a user name by its first 256 characters, so that a spray of huge names cannot fill memory', () => {
    const t = 1_000_000;
    const limiter = createLoginLimiter({ now: () => t });
    const long = 'x'.repeat(256);
    // Five failures, each with a different 16 KiB name that starts with the same 256 characters: one record, now full.
    for (let i = 0; i < 5; i++) limiter.fail(long + String(i).repeat(16_384), `10.0.1.${i}`);
    expect(limiter.check(long + 'another', '10.0.2.1').allowed).toBe(false);
    expect(limiter.check('x'.repeat(255), '10.0.2.1')).toEqual({ allowed: true });
    expect(limiter.size).toBe(6);
  });
});
