// The web-standard handler called with plain Request objects, as Deno, Bun and Workers call it (no node:http between):
// hostile bodies (no body, declared too large, streamed too large, never finishing, not UTF-8), the runtimes' extra
// arguments, unexpected failures, plan swaps, Hono's app.mount, and the same bytes as the node:http handler.
import { build } from 'esbuild';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createFetchHandler, createQueryDetailsHandler, ICWS_ERROR_IDS, loadDefaultDialPlan, loadDialPlan } from '../../../src/index.js';
import { createFetchHandler as neutralCreateFetchHandler } from '../../../src/engine.js';
import { call, listen } from './helpers.js';

const plan = loadDefaultDialPlan();
const AUTH = { 'ININ-ICWS-CSRF-Token': 'tok', Cookie: 'icws_s1=c00kie' };
const URL_ = 'http://h.example/icws/s1/phone-numbers/query-details';
const verifySession = (c: { sessionId: string; csrfToken: string; cookie: string }): boolean =>
  c.sessionId === 's1' && c.csrfToken === 'tok' && c.cookie === 'icws_s1=c00kie';

function request(body: RequestInit['body'], headers: Record<string, string> = {}): Request {
  return new Request(URL_, { method: 'POST', headers: { ...AUTH, 'Content-Type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit);
}

async function expectError(r: Response, status: number, errorId: string): Promise<{ errorId: string; message: string }> {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toBe('application/vnd.inin.icws+JSON; charset=utf-8');
  expect(r.headers.get('cache-control')).toBe('no-store');
  const body = (await r.json()) as { errorId: string; message: string };
  expect(body).toEqual({ errorId, message: expect.any(String) });
  return body;
}

describe('createFetchHandler with plain Request objects', () => {
  const handler = createFetchHandler({ plan, verifySession, bodyLimit: 64, bodyTimeoutMs: 200 });

  it('answers the seed example, ignoring the extra arguments runtimes pass (Deno info, Workers env and ctx)', async () => {
    const r = await handler(request('{"phoneNumber":"6929"}'), { remoteAddr: {} }, { waitUntil: () => undefined });
    expect(r.status).toBe(200);
    const q = plan.query('6929');
    expect(await r.json()).toEqual(q.ok ? q.details : null);
  });

  it('400 for a POST without a body, 413 for a declared or streamed body over the limit', async () => {
    expect((await expectError(await handler(request(null)), 400, ICWS_ERROR_IDS.invalidRepresentation)).message).toMatch(/missing/);
    const declared = await handler(request('{}', { 'Content-Length': '100000' }));
    await expectError(declared, 413, ICWS_ERROR_IDS.entityTooLarge);
    expect(declared.headers.get('connection')).toBe('close');
    // An endless stream: the handler stops reading once over the limit and cancels it.
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new TextEncoder().encode('{"phoneNumber":"1111111111"}'));
      },
      cancel() {
        cancelled = true;
      },
    });
    await expectError(await handler(request(endless)), 413, ICWS_ERROR_IDS.entityTooLarge);
    expect(cancelled).toBe(true);
  });

  it('408 for a body that never finishes, in about bodyTimeoutMs', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"phone'));
      },
    });
    const started = Date.now();
    const r = await handler(request(stalled));
    await expectError(r, 408, ICWS_ERROR_IDS.timeout);
    expect(r.headers.get('connection')).toBe('close');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('400 for a body that is not UTF-8, also when split across chunks', async () => {
    const chunks = [new TextEncoder().encode('{"phoneNumber":"69'), new Uint8Array([0xc3]), new TextEncoder().encode('29"}')];
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunks) c.enqueue(chunk);
        c.close();
      },
    });
    expect((await expectError(await handler(request(stream)), 400, ICWS_ERROR_IDS.invalidRepresentation)).message).toMatch(/UTF-8/);
    // A multi-byte character split across two chunks is fine.
    const full = new TextEncoder().encode('{"phoneNumber":"６９２９"}');
    const split = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(full.slice(0, 17));
        c.enqueue(full.slice(17));
        c.close();
      },
    });
    expect((await handler(request(split))).status).toBe(200);
  });

  it('a stream that errors is a 400; a session check that throws is a 500 told to onError only', async () => {
    const broken = new ReadableStream<Uint8Array>({
      pull(c) {
        c.error(new Error('reset'));
      },
    });
    await expectError(await handler(request(broken)), 400, ICWS_ERROR_IDS.invalidRepresentation);
    const errors: unknown[] = [];
    const failing = createFetchHandler({ plan, verifySession: () => Promise.reject(new Error('secret detail')), onError: (e) => errors.push(e) });
    const body = await expectError(await failing(request('{"phoneNumber":"6929"}')), 500, ICWS_ERROR_IDS.internal);
    expect(JSON.stringify(body)).not.toMatch(/secret/);
    expect(errors).toHaveLength(1);
  });

  it('swaps the plan with setPlan', async () => {
    const h = createFetchHandler({ plan, verifySession });
    const other = loadDialPlan('name: other\nclassifications:\n  - name: X\ndialPlan:\n  - name: all\n    match: "Z"\n    classification: X\n    display: "swapped"\n');
    h.setPlan(other);
    expect(h.plan).toBe(other);
    expect(await (await h(request('{"phoneNumber":"6929"}'))).json()).toMatchObject({ displayText: 'swapped' });
  });

  it('is the same function from the platform-neutral entry', () => {
    expect(neutralCreateFetchHandler).toBe(createFetchHandler);
  });
});

describe('createFetchHandler under Hono (app.mount)', () => {
  it('answers the route and 404s elsewhere, after the app’s own routes', async () => {
    const app = new Hono();
    app.get('/health', (c) => c.text('ok'));
    app.mount('/', createFetchHandler({ plan, verifySession }));
    const r = await app.request('/icws/s1/phone-numbers/query-details', { method: 'POST', headers: { ...AUTH, 'Content-Type': 'application/json' }, body: '{"phoneNumber":"8004562354"}' });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ normalizedText: '+18004562354' });
    expect(await (await app.request('/health')).text()).toBe('ok');
    await expectError(await app.request('/nowhere'), 404, ICWS_ERROR_IDS.notFound);
    const get = await app.request('/icws/s1/phone-numbers/query-details');
    await expectError(get, 405, ICWS_ERROR_IDS.methodNotAllowed);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('both handlers send the same bytes', () => {
  it('for every status: same status, body and header values', async () => {
    const options = { plan, verifySession, bodyLimit: 64, removedRoutes: ['/icws/{sessionId}/phone-numbers/query'] };
    const node = await listen(createQueryDetailsHandler(options));
    const web = createFetchHandler(options);
    try {
      const cases: [string, RequestInit][] = [
        ['/icws/s1/phone-numbers/query-details', { method: 'POST', headers: { ...AUTH, 'Content-Type': 'application/json' }, body: '{"phoneNumber":"8004562354"}' }],
        ['/icws/s1/phone-numbers/query-details', { method: 'POST', headers: { ...AUTH, 'Content-Type': 'application/json' }, body: '{}' }],
        ['/icws/s1/phone-numbers/query-details', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }],
        ['/icws/s2/phone-numbers/query-details', { method: 'POST', headers: { ...AUTH, 'Content-Type': 'application/json' }, body: '{}' }],
        ['/icws/s1/phone-numbers/query-details', { method: 'GET', headers: AUTH }],
        ['/icws/s1/phone-numbers/query', { method: 'POST', body: '{}' }],
        ['/nowhere', {}],
        ['/icws/s1/phone-numbers/query-details', { method: 'POST', headers: { ...AUTH, 'Content-Type': 'application/json' }, body: 'x'.repeat(100) }],
        ['/icws/s1/phone-numbers/query-details', { method: 'POST', headers: { ...AUTH, 'Content-Type': 'text/plain' }, body: '{}' }],
      ];
      for (const [path, init] of cases) {
        const a = await call(`${node.base}${path}`, init);
        const b = await web(new Request(`http://h.example${path}`, init));
        const text = await b.text();
        expect(b.status, path).toBe(a.status);
        expect(text, path).toBe(JSON.stringify(a.body));
        for (const name of ['content-type', 'cache-control', 'www-authenticate', 'allow', 'connection']) {
          if (name === 'connection' && a.headers.get(name) === 'keep-alive') continue; // node's own, not the contract's
          expect(b.headers.get(name), `${path} ${name}`).toBe(a.headers.get(name));
        }
      }
    } finally {
      await node.close();
    }
  });
});

describe('platform-neutral', () => {
  it('the fetch handler and its contract bundle for a neutral platform with no node: or Node.js builtin import', async () => {
    const out = await build({
      entryPoints: [new URL('../../../src/engine/icws/fetch.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.some((f) => f.endsWith('src/engine/icws/contract.ts'))).toBe(true);
    expect(inputs.filter((f) => f.startsWith('node:') || !f.includes('src/engine/'))).toEqual([]);
    const text = out.outputFiles[0]?.text ?? '';
    expect(text).toContain('createFetchHandler');
    expect(text).not.toMatch(/from\s*["']node:|require\(|Buffer\./);
  });
});
