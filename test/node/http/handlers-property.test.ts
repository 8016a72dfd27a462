// The node:http handler and the web-standard fetch handler (served through node:http as Deno or Hono's node adapter
// serve it) send the same bytes for any request body to query-details: valid and invalid JSON, wrong types, unicode,
// lone surrogates, bytes that are not UTF-8, arrays, strings past the length limits and bodies past the body limit.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchHandler, createQueryDetailsHandler, loadDefaultDialPlan } from '../../../src/index.js';
import { fetchListener, listen } from './helpers.js';

const SEED = 20261205;
const plan = loadDefaultDialPlan();
const AUTH = { 'ININ-ICWS-CSRF-Token': 'tok', Cookie: 'icws_s1=c00kie' };
const PATH = '/icws/s1/phone-numbers/query-details';
const BODY_LIMIT = 2048;
const verifySession = (c: { sessionId: string; csrfToken: string; cookie: string }): boolean =>
  c.sessionId === 's1' && c.csrfToken === 'tok' && c.cookie === 'icws_s1=c00kie';

// Headers each server adds on its own, not the handlers': the date, and node:http's connection management.
const TRANSPORT = new Set(['date', 'connection', 'keep-alive']);

const phoneNumber = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789+-() x^/*#@sip:.'), maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.integer({ min: 1, max: 3000 }).map((n) => '5'.repeat(n)),
  fc.constantFrom('6929', '8004562354', '', '  ', '\u0000', '\ud800', '+1 (317) 555-1234 x12'),
);
const anyValue = fc.oneof(phoneNumber, fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
const jsonBody = fc.oneof(
  phoneNumber.map((phoneNumber) => JSON.stringify({ phoneNumber })),
  anyValue.map((phoneNumber) => JSON.stringify({ phoneNumber })),
  fc.tuple(phoneNumber, fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })).map(([phoneNumber, extra]) => JSON.stringify({ ...extra, phoneNumber })),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.array(phoneNumber.map((phoneNumber) => ({ phoneNumber })), { maxLength: 3 }).map((v) => JSON.stringify(v)),
);
const body: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 6, arbitrary: jsonBody },
  // Invalid JSON: cut short, doubled, junk around it.
  { weight: 2, arbitrary: fc.tuple(jsonBody, fc.nat()).map(([b, n]) => b.slice(0, n % Math.max(1, b.length))) },
  { weight: 1, arbitrary: fc.tuple(jsonBody, fc.constantFrom('', ' ', 'x', ',', '}', '\u0000')).map(([b, s]) => s + b + s) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  // Bodies of about the limit in bytes, padded with characters of one to four UTF-8 bytes: the limit counts bytes.
  {
    weight: 2,
    arbitrary: fc.tuple(fc.integer({ min: -3, max: 3 }), fc.constantFrom('5', 'é', '€', '😀')).map(([delta, pad]) => {
      const head = '{"phoneNumber":"';
      const room = BODY_LIMIT + delta - Buffer.byteLength(head + '"}');
      const n = Math.floor(room / Buffer.byteLength(pad));
      return head + pad.repeat(n) + '5'.repeat(room - n * Buffer.byteLength(pad)) + '"}';
    }),
  },
  // Bytes that are not UTF-8, inside and outside a string.
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => new Uint8Array([...Buffer.from('{"phoneNumber":"1'), ...b, ...Buffer.from('"}')])) },
);
// Mostly a valid session; sometimes none, a wrong token or a wrong cookie (the refusal must not depend on the body).
const auth = fc.constantFrom<Record<string, string>>(AUTH, AUTH, AUTH, AUTH, {}, { ...AUTH, 'ININ-ICWS-CSRF-Token': 'bad' }, { ...AUTH, Cookie: 'icws_s1=x' });
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/vnd.inin.icws+JSON', 'text/plain', undefined);

describe('the node:http and fetch handlers', () => {
  const options = { plan, verifySession, bodyLimit: BODY_LIMIT };
  let node: Awaited<ReturnType<typeof listen>>;
  let web: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    node = await listen(createQueryDetailsHandler(options));
    web = await listen(fetchListener(createFetchHandler(options)));
  });
  afterAll(async () => {
    await node.close();
    await web.close();
  });

  it('send the same status, headers and bytes for random query-details bodies', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(body, contentType, auth, fc.option(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), { nil: undefined }), async (b, type, session, cuts) => {
        const headers = { ...session, ...(type === undefined ? {} : { 'Content-Type': type }) };
        // Sometimes streamed (chunked, no Content-Length) in pieces cut anywhere, also inside a UTF-8 sequence.
        const bytes = typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b);
        const pieces = (): ReadableStream<Uint8Array> => {
          const at = [...new Set((cuts ?? []).map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
          const parts = [0, ...at, bytes.length].slice(1).map((end, i, ends) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end));
          return new ReadableStream({
            start(c) {
              for (const p of parts) if (p.length > 0) c.enqueue(new Uint8Array(p));
              c.close();
            },
          });
        };
        const init = (): RequestInit => (cuts === undefined ? { method: 'POST', headers, body: b } : ({ method: 'POST', headers, body: pieces(), duplex: 'half' } as RequestInit));
        const [a, w] = await Promise.all([fetch(node.base + PATH, init()), fetch(web.base + PATH, init())]);
        const sent = (r: Response): [string, string][] => [...r.headers].filter(([k]) => !TRANSPORT.has(k));
        const [aBytes, wBytes] = await Promise.all([a.arrayBuffer(), w.arrayBuffer()]);
        const what = typeof b === 'string' ? JSON.stringify(b.slice(0, 200)) : `bytes ${Buffer.from(b).toString('hex')}`;
        expect(w.status, what).toBe(a.status);
        expect(sent(w), what).toEqual(sent(a));
        expect(Buffer.from(wBytes).toString('hex'), what).toBe(Buffer.from(aBytes).toString('hex'));
        statuses.add(a.status);
      }),
      { seed: SEED, numRuns: 300 },
    );
    // The property covers answers and several kinds of refusal.
    expect([...statuses]).toEqual(expect.arrayContaining([200, 400, 401, 413, 415]));
  });
});
