// The dialplan-serve server in process: session lifecycle, scrypt users, idle expiry, request log, header timeouts.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultDialPlan } from '../../../src/index.js';
import { hashPassword, verifyPassword } from '../../../src/node/http/passwords.js';
import { ICWS_ERROR_IDS, WWW_AUTHENTICATE } from '../../../src/node/http/respond.js';
import { createIcwsServer, redactPath } from '../../../src/node/http/server.js';
import { createSessionStore, readCookie } from '../../../src/node/http/sessions.js';
import { call, listen, post } from './helpers.js';

const logLines: string[] = [];
let base = '';
let port = 0;
let close: () => Promise<void>;

beforeAll(async () => {
  const users = new Map([['alice', await hashPassword('correct horse')]]);
  const { server } = createIcwsServer({
    plan: loadDefaultDialPlan(),
    users,
    headersTimeoutMs: 300,
    log: (l) => logLines.push(l),
  });
  ({ base, port, close } = await listen(server));
});
afterAll(() => close());

async function login(userID: string, password: string) {
  return post(`${base}/icws/connection`, JSON.stringify({ userID, password }));
}

describe('passwords', () => {
  it('hashes with a random salt and verifies only the right password', async () => {
    const a = await hashPassword('pw');
    const b = await hashPassword('pw');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('pw', a)).toBe(true);
    expect(await verifyPassword('pW', a)).toBe(false);
    expect(await verifyPassword('pw', 'scrypt$x$1$1$AA==$AA==')).toBe(false);
    expect(await verifyPassword('pw', 'plain')).toBe(false);
  });
});

describe('session store', () => {
  it('verifies only the exact CSRF token and cookie, and forgets idle sessions', () => {
    let t = 1000;
    const store = createSessionStore({ idleMs: 100, now: () => t });
    const s = store.create('alice');
    const good = { sessionId: s.sessionId, csrfToken: s.csrfToken, cookie: `x=1; ${s.cookieName}=${s.cookieValue}` };
    expect(store.verify(good)).toBe(true);
    expect(store.verify({ ...good, csrfToken: s.csrfToken + 'x' })).toBe(false);
    expect(store.verify({ ...good, cookie: `${s.cookieName}=${s.cookieValue}x` })).toBe(false);
    expect(store.verify({ ...good, cookie: `other=${s.cookieValue}` })).toBe(false);
    t += 90;
    expect(store.verify(good)).toBe(true); // use restarts the idle time
    t += 90;
    expect(store.verify(good)).toBe(true);
    t += 101;
    expect(store.verify(good)).toBe(false);
    expect(store.size).toBe(0);
  });

  it('gives every session distinct random ids and secrets', () => {
    const store = createSessionStore();
    const all = Array.from({ length: 50 }, () => store.create('u'));
    expect(new Set(all.map((s) => s.sessionId)).size).toBe(50);
    expect(new Set(all.map((s) => s.csrfToken)).size).toBe(50);
    expect(new Set(all.map((s) => s.cookieValue)).size).toBe(50);
    expect(readCookie('a=1; b = 2 ;c=3', 'b')).toBe('2');
  });
});

describe('dialplan serve: sessions over HTTP', () => {
  it('logs in, queries, logs out; the session is then gone', async () => {
    const r = await login('alice', 'correct horse');
    expect(r.status).toBe(201);
    const body = r.body as { sessionId: string; csrfToken: string; userID: string };
    expect(body.userID).toBe('alice');
    expect(r.headers.get('inin-icws-csrf-token')).toBe(body.csrfToken);
    expect(r.headers.get('location')).toBe(`/icws/${body.sessionId}/connection`);
    const setCookie = r.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^icws_${body.sessionId}=[A-Za-z0-9_-]+; HttpOnly; Path=/icws; SameSite=Strict$`));
    const cookie = setCookie.split(';')[0] ?? '';
    const headers = { 'ININ-ICWS-CSRF-Token': body.csrfToken, Cookie: cookie };
    const q = await post(`${base}/icws/${body.sessionId}/phone-numbers/query-details`, '{"phoneNumber":"8004562354"}', headers);
    expect(q.status).toBe(200);
    expect(q.body).toMatchObject({ normalizedText: '+18004562354' });
    // Another session's id with these secrets is refused.
    const other = (await login('alice', 'correct horse')).body as { sessionId: string };
    expect((await post(`${base}/icws/${other.sessionId}/phone-numbers/query-details`, '{"phoneNumber":"1"}', headers)).status).toBe(401);

    expect((await call(`${base}/icws/${body.sessionId}/connection`, { method: 'DELETE', headers: { ...headers, 'ININ-ICWS-CSRF-Token': 'no' } })).status).toBe(401);
    const out = await call(`${base}/icws/${body.sessionId}/connection`, { method: 'DELETE', headers });
    expect(out.status).toBe(204);
    const after = await post(`${base}/icws/${body.sessionId}/phone-numbers/query-details`, '{"phoneNumber":"8004562354"}', headers);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toBe(WWW_AUTHENTICATE);
    expect((await call(`${base}/icws/${body.sessionId}/connection`, { method: 'DELETE', headers })).status).toBe(401);
    expect((await call(`${base}/icws/%E0%A4%A/connection`, { method: 'DELETE', headers })).status).toBe(401);
    expect((await post(`${base}/icws/%E0%A4%A/phone-numbers/query-details`, '{}', headers)).status).toBe(401);
  });

  it('refuses a wrong password or an unknown user with 400 authenticationFailure, as ICWS does, and bad login bodies with 400', async () => {
    // The Interaction Center answers a failed login 400 {"errorId":"error.request.connection.authenticationFailure",...}:
    // the ICWS SDK's createConnection reads an error body on 400 (not on 401), and ICWS clients take a 401 at login for
    // a session problem, not for wrong credentials.
    for (const r of [await login('alice', 'wrong'), await login('bob', 'correct horse')]) {
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ errorId: ICWS_ERROR_IDS.authenticationFailure, errorCode: -2147221503, message: expect.any(String) });
      expect(r.headers.get('set-cookie')).toBeNull();
      expect(r.headers.get('www-authenticate')).toBeNull();
    }
    expect((await post(`${base}/icws/connection`, '{"userID":"alice"}')).body).toMatchObject({ errorId: ICWS_ERROR_IDS.missingParameter });
    expect((await post(`${base}/icws/connection`, '{"userID":"alice","password":1}')).body).toMatchObject({ errorId: ICWS_ERROR_IDS.invalidParameter });
    expect((await post(`${base}/icws/connection`, 'nope')).status).toBe(400);
    const get = await call(`${base}/icws/connection`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('logs one line per request without session ids, tokens or passwords', async () => {
    logLines.length = 0;
    const s = (await login('alice', 'correct horse')).body as { sessionId: string; csrfToken: string };
    await post(`${base}/icws/${s.sessionId}/phone-numbers/query-details`, '{}', { 'ININ-ICWS-CSRF-Token': s.csrfToken, Cookie: 'a=b' });
    expect(logLines).toHaveLength(2);
    expect(logLines[0]).toMatch(/^POST \/icws\/connection 201 \d+\.\dms$/);
    expect(logLines[1]).toMatch(/^POST \/icws\/\{sessionId\}\/phone-numbers\/query-details 401 \d+\.\dms$/);
    const all = logLines.join('\n');
    for (const secret of [s.sessionId, s.csrfToken, 'correct horse']) expect(all).not.toContain(secret);
    expect(redactPath('/icws/abc/connection')).toBe('/icws/{sessionId}/connection');
  });

  it('drops a client that trickles its headers (slow loris) after the headers timeout', async () => {
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const sock = connect(port, '127.0.0.1');
      const line = 'POST /icws/connection HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(100);
      let i = 0;
      const timer = setInterval(() => {
        if (!sock.destroyed) sock.write(line[i++ % line.length] ?? 'a');
      }, 50);
      sock.on('close', () => {
        clearInterval(timer);
        resolve(Date.now() - started);
      });
      sock.on('error', () => {});
      setTimeout(() => reject(new Error('still open after 5 s')), 5000).unref();
    });
    expect(closedAfter).toBeLessThan(3000);
  });
});
