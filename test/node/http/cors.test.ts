// CORS for `dialplan serve --allow-origin`: off by default; for an allowed origin, the actual responses carry the CORS
// headers (the origin itself, credentials, the ICWS headers exposed) and a preflight is answered 204; other origins get
// nothing. A whole session (login, query, logout) from an allowed origin, as a browser page's fetch would make it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultDialPlan } from '../../../src/index.js';
import { hashPassword } from '../../../src/node/http/passwords.js';
import { createIcwsServer } from '../../../src/node/http/server.js';
import { call, listen } from './helpers.js';

const APP = 'http://localhost:3000';
let open: { base: string; close: () => Promise<void> };
let closed: { base: string; close: () => Promise<void> };

beforeAll(async () => {
  const users = new Map([['alice', await hashPassword('pw')]]);
  open = await listen(createIcwsServer({ plan: loadDefaultDialPlan(), users, allowOrigins: [APP] }).server);
  closed = await listen(createIcwsServer({ plan: loadDefaultDialPlan(), users }).server);
});
afterAll(async () => {
  await open.close();
  await closed.close();
});

const preflight = (base: string, origin: string, headers = 'content-type, inin-icws-csrf-token') =>
  call(`${base}/icws/connection`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': headers } });

describe('dialplan serve: CORS', () => {
  it('answers a preflight from an allowed origin with 204 and what it may send', async () => {
    const r = await preflight(open.base, APP);
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(APP);
    expect(r.headers.get('access-control-allow-credentials')).toBe('true');
    expect(r.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE');
    expect(r.headers.get('access-control-allow-headers')).toBe('content-type, inin-icws-csrf-token');
    expect(r.headers.get('access-control-max-age')).toBe('600');
    expect(r.headers.get('vary')).toBe('Origin');
    // Like every response of the server (issue 14), the body-less 204 included: the ICWS media type, not cached.
    expect(r.headers.get('content-type')).toBe('application/vnd.inin.icws+JSON; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('no-store');
    // Headers it cannot read as a list are answered with the ones the server takes.
    expect((await preflight(open.base, APP, 'content-type; x="y"')).headers.get('access-control-allow-headers')).toBe('Content-Type, Accept, Accept-Language, ININ-ICWS-CSRF-Token');
  });

  it('sends no CORS header to another origin, nor by default', async () => {
    for (const [base, origin] of [
      [open.base, 'http://evil.example'],
      [closed.base, APP],
    ] as const) {
      const r = await preflight(base, origin);
      expect(r.headers.get('access-control-allow-origin'), `${base} ${origin}`).toBeNull();
      expect(r.status, `${base} ${origin}`).toBe(405);
      const v = await call(`${base}/icws/connection/version`, { headers: { Origin: origin } });
      expect(v.status).toBe(200);
      expect(v.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('carries a whole session from an allowed origin: the login headers readable, the query and the logout', async () => {
    const login = await call(`${open.base}/icws/connection`, {
      method: 'POST',
      headers: { Origin: APP, 'Content-Type': 'application/json' },
      body: JSON.stringify({ userID: 'alice', password: 'pw' }),
    });
    expect(login.status).toBe(201);
    expect(login.headers.get('access-control-allow-origin')).toBe(APP);
    expect(login.headers.get('access-control-expose-headers')).toBe('ININ-ICWS-CSRF-Token, ININ-ICWS-Session-ID, Location, Retry-After');
    const { sessionId, csrfToken } = login.body as { sessionId: string; csrfToken: string };
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const headers = { Origin: APP, 'Content-Type': 'application/json', 'ININ-ICWS-CSRF-Token': csrfToken, Cookie: cookie };
    const q = await call(`${open.base}/icws/${sessionId}/phone-numbers/query-details`, { method: 'POST', headers, body: JSON.stringify({ phoneNumber: '6929' }) });
    expect(q.status).toBe(200);
    expect(q.headers.get('access-control-allow-origin')).toBe(APP);
    expect((q.body as { queueName: string }).queueName).toBe('User Queue:jdoe');
    const out = await call(`${open.base}/icws/${sessionId}/connection`, { method: 'DELETE', headers });
    expect(out.status).toBe(204);
    expect(out.headers.get('access-control-allow-origin')).toBe(APP);
  });
});
