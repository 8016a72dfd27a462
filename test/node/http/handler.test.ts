// The query-details contract over real HTTP on loopback, for both handlers: the node:http one and the web-standard
// fetch one (served through a Request/Response bridge, as Deno, Bun or @hono/node-server do). Every status with its
// headers and body, the seed examples, plan swaps under load, and a slow body that times out.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultDialPlan, loadDialPlan } from '../../../src/index.js';
import type { RequestListener } from 'node:http';
import type { DialPlan } from '../../../src/index.js';
import { createQueryDetailsHandler } from '../../../src/node/http/handler.js';
import type { QueryDetailsHandlerOptions, SessionCredentials } from '../../../src/node/http/handler.js';
import { createFetchHandler } from '../../../src/engine/icws/fetch.js';
import { ICWS_ERROR_IDS, WWW_AUTHENTICATE } from '../../../src/node/http/respond.js';
import { call, fetchListener, listen, post } from './helpers.js';

const plan = loadDefaultDialPlan();
const AUTH = { 'ININ-ICWS-CSRF-Token': 'tok', Cookie: 'icws_s1=c00kie' };
const seen: SessionCredentials[] = [];
interface Served {
  readonly listener: RequestListener;
  setPlan(plan: DialPlan): void;
  readonly plan: DialPlan;
  /** The node:http handler itself, when it takes connect's `next`. */
  readonly connect?: ReturnType<typeof createQueryDetailsHandler>;
}
const KINDS: readonly (readonly [string, (o: QueryDetailsHandlerOptions) => Served])[] = [
  [
    'createQueryDetailsHandler (node:http)',
    (o) => {
      const h = createQueryDetailsHandler(o);
      return { listener: h, setPlan: (p) => h.setPlan(p), get plan() { return h.plan; }, connect: h };
    },
  ],
  [
    'createFetchHandler (Request/Response)',
    (o) => {
      const h = createFetchHandler(o);
      return { listener: fetchListener(h), setPlan: (p) => h.setPlan(p), get plan() { return h.plan; } };
    },
  ],
];

describe.each(KINDS)('%s', (_kind, make) => {
const served = make({
  plan,
  verifySession: async (c) => {
    seen.push(c);
    if (c.sessionId === 'boom') throw new Error('secret internal detail');
    return c.sessionId === 's1' && c.csrfToken === 'tok' && c.cookie.includes('icws_s1=c00kie');
  },
  bodyLimit: 1024,
  bodyTimeoutMs: 300,
  removedRoutes: ['/icws/{sessionId}/phone-numbers/query'],
});
let server: Awaited<ReturnType<typeof listen>>;
let url: string;
beforeAll(async () => {
  server = await listen(served.listener);
  url = `${server.base}/icws/s1/phone-numbers/query-details`;
});
afterAll(() => server.close());

function expectError(r: { status: number; body: unknown }, status: number, errorId: string): void {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ errorId, message: expect.any(String) });
}

describe('query-details: 200', () => {
  it('answers the seed example 8004562354 with exactly the details object', async () => {
    const r = await post(url, JSON.stringify({ phoneNumber: '8004562354' }), AUTH);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/vnd.inin.icws+JSON; charset=utf-8');
    const q = plan.query('8004562354');
    expect(q.ok && r.body).toEqual(q.ok ? q.details : null);
    expect(r.body).toMatchObject({
      rawText: '8004562354', normalizedText: '+18004562354', displayText: '(Toll Free) 1 (800) 456-2354',
      editBase: '1 (800) 456-2354', extension: '', defaultClassification: 'Toll Free', classifications: ['Toll Free'],
      internal: false, queueType: 0, queueName: '', voicemailCapable: false, dialCapable: true, autoDialExtension: false,
    });
  });

  it('answers the seed example 6929 (an extension)', async () => {
    const r = await post(url, JSON.stringify({ phoneNumber: '6929' }), AUTH);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      rawText: '6929', normalizedText: '/6929', displayText: '6929', editBase: '', extension: '6929',
      defaultClassification: 'Intercom', classifications: ['Intercom'], internal: true, queueType: 2,
      voicemailCapable: true, dialCapable: true, autoDialExtension: true,
    });
  });

  it('passes the session id, CSRF header and cookie to verifySession, and accepts +json and a query string', async () => {
    seen.length = 0;
    const r = await post(`${url}?x=1`, '{"phoneNumber":"6929"}', { ...AUTH, 'Content-Type': 'application/vnd.icws+json; charset=utf-8' });
    expect(r.status).toBe(200);
    expect(seen).toEqual([{ sessionId: 's1', csrfToken: 'tok', cookie: 'icws_s1=c00kie' }]);
  });
});

describe('query-details: errors', () => {
  it('400 for a missing, malformed or non-object body', async () => {
    expectError(await post(url, '', AUTH), 400, ICWS_ERROR_IDS.invalidRepresentation);
    expectError(await post(url, '{"phoneNumber":', AUTH), 400, ICWS_ERROR_IDS.invalidRepresentation);
    expectError(await post(url, '["6929"]', AUTH), 400, ICWS_ERROR_IDS.invalidRepresentation);
    expectError(await post(url, 'null', AUTH), 400, ICWS_ERROR_IDS.invalidRepresentation);
  });

  it('400 for a missing or non-string phoneNumber', async () => {
    expectError(await post(url, '{}', AUTH), 400, ICWS_ERROR_IDS.missingParameter);
    expectError(await post(url, '{"phoneNumber":6929}', AUTH), 400, ICWS_ERROR_IDS.invalidParameter);
    expectError(await post(url, '{"phoneNumber":null}', AUTH), 400, ICWS_ERROR_IDS.invalidParameter);
  });

  it('400 for numbers the engine rejects (empty, too long)', async () => {
    expectError(await post(url, '{"phoneNumber":"()"}', AUTH), 400, ICWS_ERROR_IDS.phoneNumberEmpty);
    const long = '1'.repeat(300);
    expect(plan.query(long).ok).toBe(false);
    expectError(await post(url, JSON.stringify({ phoneNumber: long }), AUTH), 400, ICWS_ERROR_IDS.phoneNumberTooLong);
  });

  it('401 with the ICWS challenge for a missing CSRF token, a missing cookie, or a rejected session', async () => {
    const cases = [
      { Cookie: AUTH.Cookie },
      { 'ININ-ICWS-CSRF-Token': 'tok' },
      { ...AUTH, 'ININ-ICWS-CSRF-Token': 'wrong' },
      { ...AUTH, Cookie: 'icws_s1=other' },
    ];
    for (const headers of cases) {
      const r = await post(url, '{"phoneNumber":"6929"}', headers);
      expectError(r, 401, ICWS_ERROR_IDS.authenticationFailure);
      expect(r.headers.get('www-authenticate')).toBe(WWW_AUTHENTICATE);
      expect(r.headers.get('www-authenticate')).toBe('ICWS realm="ICWS" location="/ICWS/connection"');
    }
    expectError(await post(`${server.base}/icws/other/phone-numbers/query-details`, '{"phoneNumber":"6929"}', AUTH), 401, ICWS_ERROR_IDS.authenticationFailure);
  });

  it('404 for other paths, 405 with Allow for other methods, 410 for removed routes', async () => {
    expectError(await post(`${server.base}/icws/s1/phone-numbers/nope`, '{}', AUTH), 404, ICWS_ERROR_IDS.notFound);
    expectError(await call(`${server.base}/`), 404, ICWS_ERROR_IDS.notFound);
    const r = await call(url, { headers: AUTH });
    expectError(r, 405, ICWS_ERROR_IDS.methodNotAllowed);
    expect(r.headers.get('allow')).toBe('POST');
    expectError(await call(url, { method: 'PUT', headers: AUTH, body: '{}' }), 405, ICWS_ERROR_IDS.methodNotAllowed);
    expectError(await post(`${server.base}/icws/s1/phone-numbers/query`, '{}', AUTH), 410, ICWS_ERROR_IDS.gone);
    expectError(await call(`${server.base}/icws/any/phone-numbers/query`), 410, ICWS_ERROR_IDS.gone);
  });

  it('413 for a body over the limit (declared or streamed), 415 for a non-JSON content type', async () => {
    const big = JSON.stringify({ phoneNumber: '1'.repeat(2000) });
    const r = await post(url, big, AUTH);
    expectError(r, 413, ICWS_ERROR_IDS.entityTooLarge);
    expect(r.headers.get('connection')).toBe('close');
    // Chunked, so no Content-Length: the limit is enforced while reading.
    const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } });
    const chunked = await call(url, { method: 'POST', body: stream, headers: { ...AUTH, 'Content-Type': 'application/json' }, duplex: 'half' } as RequestInit);
    expectError(chunked, 413, ICWS_ERROR_IDS.entityTooLarge);
    expectError(await post(url, '{"phoneNumber":"6929"}', { ...AUTH, 'Content-Type': 'text/plain' }), 415, ICWS_ERROR_IDS.unsupportedMediaType);
    expectError(await call(url, { method: 'POST', headers: AUTH, body: new Uint8Array([0x7b, 0x7d]) }), 415, ICWS_ERROR_IDS.unsupportedMediaType);
  });

  it('500 with a generic message and no internal detail when something fails unexpectedly', async () => {
    const r = await post(`${server.base}/icws/boom/phone-numbers/query-details`, '{"phoneNumber":"6929"}', AUTH);
    expectError(r, 500, ICWS_ERROR_IDS.internal);
    expect(JSON.stringify(r.body)).not.toMatch(/secret|internal detail|at .*\.ts/);
  });

  it.skipIf(served.connect === undefined)('hands other paths to next() when mounted connect-style', async () => {
    const handler = served.connect as NonNullable<Served['connect']>;
    const s = await listen((req, res) => handler(req, res, () => res.end('next')));
    try {
      expect((await call(`${s.base}/elsewhere`)).body).toBe('next');
      expect((await post(`${s.base}/icws/s1/phone-numbers/query-details`, '{"phoneNumber":"6929"}', AUTH)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it.skipIf(served.connect === undefined)('answers behind a body parser that already read the body (express.json(), express.raw())', async () => {
    const handler = served.connect as NonNullable<Served['connect']>;
    // What express.json() / express.text() / express.raw() do before the next middleware: read the stream to its end and
    // leave the body in req.body (parsed, text or bytes); no 'data' or 'end' event comes after that.
    const parsers = {
      json: (text: string): unknown => (text === '' ? {} : (JSON.parse(text) as unknown)),
      text: (text: string): unknown => text,
      raw: (text: string): unknown => Buffer.from(text),
      none: (): unknown => undefined,
    };
    for (const [kind, parse] of Object.entries(parsers)) {
      const s = await listen((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          (req as typeof req & { body?: unknown }).body = parse(Buffer.concat(chunks).toString());
          handler(req, res, () => res.end('next'));
        });
      });
      try {
        const started = Date.now();
        const r = await post(`${s.base}/icws/s1/phone-numbers/query-details`, '{"phoneNumber":"6929"}', AUTH);
        if (kind === 'none') {
          // The body went elsewhere and nothing was left of it: a 400 at once, not a 408 once the time limit is over.
          expectError(r, 400, ICWS_ERROR_IDS.invalidRepresentation);
        } else {
          expect(r.status, kind).toBe(200);
          expect((r.body as { normalizedText: string }).normalizedText).toBe('/6929');
        }
        expect(Date.now() - started).toBeLessThan(250);
        if (kind === 'text') {
          // A parsed body still goes through the same checks.
          expectError(await post(`${s.base}/icws/s1/phone-numbers/query-details`, '{"phone":1}', AUTH), 400, ICWS_ERROR_IDS.missingParameter);
          expectError(await post(`${s.base}/icws/s1/phone-numbers/query-details`, JSON.stringify({ phoneNumber: '1'.repeat(2000) }), AUTH), 413, ICWS_ERROR_IDS.entityTooLarge);
        }
      } finally {
        await s.close();
      }
    }
  });
});

describe('query-details: the wire as ICWS clients speak it', () => {
  const ICWS_TYPE = 'application/vnd.inin.icws+JSON; charset=utf-8';

  it('sends every response, 200 and every error, as application/vnd.inin.icws+JSON; charset=utf-8', async () => {
    const replies = [
      await post(url, '{"phoneNumber":"6929"}', AUTH), // 200
      await post(url, '{}', AUTH), // 400
      await post(url, '{"phoneNumber":"6929"}', {}), // 401
      await post(`${server.base}/nowhere`, '{}', AUTH), // 404
      await call(url, { headers: AUTH }), // 405
      await post(`${server.base}/icws/s1/phone-numbers/query`, '{}', AUTH), // 410
      await post(url, JSON.stringify({ phoneNumber: '1'.repeat(2000) }), AUTH), // 413
      await post(url, '{}', { ...AUTH, 'Content-Type': 'text/plain' }), // 415
      await post(`${server.base}/icws/boom/phone-numbers/query-details`, '{"phoneNumber":"6929"}', AUTH), // 500
    ];
    expect(replies.map((r) => r.status)).toEqual([200, 400, 401, 404, 405, 410, 413, 415, 500]);
    for (const r of replies) expect(r.headers.get('content-type')).toBe(ICWS_TYPE);
  });

  it('accepts the JSON request types real clients send, case-insensitively, with parameters', async () => {
    for (const type of [
      'application/vnd.inin.icws+JSON;charset=utf-8',
      'application/vnd.inin.icws+json',
      'APPLICATION/JSON; charset=UTF-8',
      'application/json',
      'application/problem+json ; charset=utf-8',
    ]) {
      expect((await post(url, '{"phoneNumber":"6929"}', { ...AUTH, 'Content-Type': type })).status, type).toBe(200);
    }
    for (const type of ['text/plain', 'application/jsonx', 'text/vnd.inin.icws+json', 'application/x-www-form-urlencoded']) {
      expectError(await post(url, '{"phoneNumber":"6929"}', { ...AUTH, 'Content-Type': type }), 415, ICWS_ERROR_IDS.unsupportedMediaType);
    }
  });

  it('matches the /icws prefix case-insensitively', async () => {
    for (const path of ['/ICWS/s1/phone-numbers/query-details', '/Icws/s1/phone-numbers/query-details', '/icws/s1/phone-numbers/query-details/']) {
      const r = await post(`${server.base}${path}`, '{"phoneNumber":"6929"}', AUTH);
      expect(r.status, path).toBe(200);
      expect(r.body).toMatchObject({ normalizedText: '/6929' });
    }
    // The session id keeps its case: S1 is another session.
    expectError(await post(`${server.base}/ICWS/S1/phone-numbers/query-details`, '{"phoneNumber":"6929"}', AUTH), 401, ICWS_ERROR_IDS.authenticationFailure);
    expectError(await post(`${server.base}/ICWS/s1/phone-numbers/query`, '{}', AUTH), 410, ICWS_ERROR_IDS.gone);
  });

  it('400 invalidRepresentation for a body that is not valid UTF-8, instead of querying U+FFFD', async () => {
    const bodies = [
      Buffer.concat([Buffer.from('{"phoneNumber":"69'), Buffer.from([0xff, 0xfe]), Buffer.from('29"}')]),
      Buffer.concat([Buffer.from('{"phoneNumber":"'), Buffer.from([0xc3]), Buffer.from('"}')]), // truncated sequence
      Buffer.concat([Buffer.from('{"phoneNumber":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), // lone surrogate
    ];
    for (const body of bodies) {
      const r = await call(url, { method: 'POST', body, headers: { ...AUTH, 'Content-Type': 'application/json' } });
      expectError(r, 400, ICWS_ERROR_IDS.invalidRepresentation);
      expect((r.body as { message: string }).message).toMatch(/UTF-8/);
    }
    // Valid UTF-8 beyond ASCII (and a byte order mark) is still read.
    const ok = await call(url, { method: 'POST', body: Buffer.from('\uFEFF{"phoneNumber":"６９２９"}', 'utf8'), headers: { ...AUTH, 'Content-Type': 'application/json' } });
    expect(ok.status).toBe(200);
  });
});

describe('query-details: plan swap and slow clients', () => {
  it('serves every concurrent request while the plan is swapped back and forth', async () => {
    const other = loadDialPlan(
      'name: other\nclassifications:\n  - name: X\ndialPlan:\n  - name: all\n    match: "Z"\n    classification: X\n    display: "swapped"\n',
    );
    const h = make({ plan, verifySession: () => true });
    const s = await listen(h.listener);
    try {
      const swaps = setInterval(() => h.setPlan(h.plan === plan ? other : plan), 1);
      const replies = await Promise.all(
        Array.from({ length: 200 }, () => post(`${s.base}/icws/x/phone-numbers/query-details`, '{"phoneNumber":"6929"}', AUTH)),
      );
      clearInterval(swaps);
      expect(replies.every((r) => r.status === 200)).toBe(true);
      const texts = new Set(replies.map((r) => (r.body as { displayText: string }).displayText));
      for (const t of texts) expect(['6929', 'swapped']).toContain(t);
      h.setPlan(other);
      expect((await post(`${s.base}/icws/x/phone-numbers/query-details`, '{"phoneNumber":"6929"}', AUTH)).body).toMatchObject({ displayText: 'swapped' });
    } finally {
      await s.close();
    }
  });

  it('times out a body trickled a byte at a time (408, connection closed)', async () => {
    const started = Date.now();
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = connect(server.port, '127.0.0.1');
      let got = '';
      let timer: NodeJS.Timeout | undefined;
      const body = '{"phoneNumber":"6929"}';
      sock.on('connect', () => {
        sock.write(
          `POST /icws/s1/phone-numbers/query-details HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
            `ININ-ICWS-CSRF-Token: tok\r\nCookie: icws_s1=c00kie\r\nContent-Length: ${body.length}\r\n\r\n`,
        );
        let i = 0;
        // One byte every 100 ms: the whole body would take over 2 s, the handler allows 300 ms.
        timer = setInterval(() => {
          if (i < body.length && !sock.destroyed) sock.write(body[i++] ?? '');
        }, 100);
      });
      sock.on('data', (d) => (got += d.toString()));
      sock.on('close', () => {
        clearInterval(timer);
        resolve(got);
      });
      sock.on('error', reject);
      setTimeout(() => reject(new Error('not closed by the server')), 5000).unref();
    });
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(reply).toMatch(/\r\nConnection: close\r\n/i);
    // Header names as written: node:http keeps the handler's case; a fetch Response's Headers are lower-cased.
    expect(reply).toMatch(served.connect ? /\r\nContent-Type: application\/vnd\.inin\.icws\+JSON; charset=utf-8\r\n/ : /\r\ncontent-type: application\/vnd\.inin\.icws\+JSON; charset=utf-8\r\n/);
    expect(reply).toContain(ICWS_ERROR_IDS.timeout);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
});
