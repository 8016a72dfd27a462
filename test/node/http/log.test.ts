// The buffered request log of `dialplan serve`, and the response writer's headers: lines written later but all of them,
// in order, stamped when they were logged; urgent lines and a full buffer written at once; a failing writer harmless;
// headers an embedding application set before the handler answers are kept.
import { describe, expect, it } from 'vitest';
import { createQueryDetailsHandler } from '../../../src/node/http/handler.js';
import { createBufferedLog, LOG_FLUSH_BYTES, LOG_FLUSH_MS } from '../../../src/node/http/log.js';
import { loadDefaultDialPlan } from '../../../src/index.js';
import { listen, post } from './helpers.js';

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('createBufferedLog', () => {
  it('writes request lines together within the flush time, each stamped with the time it was logged', async () => {
    const chunks: string[] = [];
    let t = Date.UTC(2026, 11, 1, 12, 0, 0, 5);
    const log = createBufferedLog((c) => chunks.push(c), () => t);
    log('GET /a 200 0.1ms');
    t += 1;
    log('GET /b 200 0.2ms');
    expect(chunks).toEqual([]);
    await wait(LOG_FLUSH_MS + 100);
    expect(chunks).toEqual(['2026-12-01T12:00:00.005Z GET /a 200 0.1ms\n2026-12-01T12:00:00.006Z GET /b 200 0.2ms\n']);
  });

  it('an urgent line writes what waits, then itself, at once and in order', () => {
    const chunks: string[] = [];
    const log = createBufferedLog((c) => chunks.push(c), () => 0);
    log('one');
    log.urgent('stopping');
    expect(chunks).toEqual(['1970-01-01T00:00:00.000Z one\n1970-01-01T00:00:00.000Z stopping\n']);
    log.flush();
    expect(chunks).toHaveLength(1);
  });

  it('a full buffer is written at once, and no line is lost or cut', () => {
    const chunks: string[] = [];
    const log = createBufferedLog((c) => chunks.push(c), () => 0);
    const line = 'x'.repeat(100);
    const n = Math.ceil(LOG_FLUSH_BYTES / 125) + 10;
    for (let i = 0; i < n; i++) log(`${i} ${line}`);
    expect(chunks.length).toBeGreaterThanOrEqual(1);
    log.flush();
    const lines = chunks.join('').split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(n);
    lines.forEach((l, i) => expect(l).toBe(`1970-01-01T00:00:00.000Z ${i} ${line}`));
  });

  it('keeps non-ASCII lines and lines of any length whole and in order, one larger than the buffer too', () => {
    const chunks: string[] = [];
    const log = createBufferedLog((c) => chunks.push(c), () => 0);
    const sent: string[] = [];
    // Lengths around the buffer's room, in 1-, 2-, 3- and 4-byte characters.
    for (const [unit, count] of [['a', 100], ['é', 9000], ['€', 21000], ['😀', 5000], ['a', LOG_FLUSH_BYTES + 10], ['€', 3], ['a', LOG_FLUSH_BYTES - 1100]] as const) {
      const line = `${sent.length} ${unit.repeat(count)}`;
      sent.push(line);
      log(line);
    }
    log.flush();
    const lines = chunks.join('').split('\n').filter((l) => l !== '');
    expect(lines).toEqual(sent.map((l) => `1970-01-01T00:00:00.000Z ${l}`));
    expect(chunks.every((c) => c.endsWith('\n'))).toBe(true);
  });

  it('a writer that throws (a closed standard error) does not throw into the server', () => {
    const log = createBufferedLog(() => {
      throw new Error('EPIPE');
    });
    log('a');
    expect(() => log.urgent('b')).not.toThrow();
  });
});

describe('responses', () => {
  it('keep the headers an embedding application set before the handler answered', async () => {
    const handler = createQueryDetailsHandler({ plan: loadDefaultDialPlan(), verifySession: () => true });
    const server = await listen((req, res) => {
      res.setHeader('Access-Control-Allow-Origin', 'https://app.example');
      handler(req, res);
    });
    try {
      const r = await post(`${server.base}/icws/s/phone-numbers/query-details`, JSON.stringify({ phoneNumber: '6929' }), {
        'ININ-ICWS-CSRF-Token': 't',
        Cookie: 'icws_s=c',
      });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(r.headers.get('content-type')).toBe('application/vnd.inin.icws+JSON; charset=utf-8');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(Number(r.headers.get('content-length'))).toBe(Buffer.byteLength(JSON.stringify(r.body)));
      expect(r.body).toMatchObject({ normalizedText: '/6929' });
    } finally {
      await server.close();
    }
  });
});
