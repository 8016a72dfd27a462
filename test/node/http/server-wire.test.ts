// dialplan serve's server in process, on loopback: login throttling (429 with an injected clock), the JSON content type
// of logins (415), 408 closing the connection on every route, bodies that are not UTF-8, version and features, the
// login answer, and case-insensitive routes.
import { request } from 'node:http';
import { hostname } from 'node:os';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultDialPlan } from '../../../src/index.js';
import { hashPassword } from '../../../src/node/http/passwords.js';
import type { UsersFile } from '../../../src/node/http/passwords.js';
import { ICWS_CONTENT_TYPE, ICWS_ERROR_IDS } from '../../../src/node/http/respond.js';
import { createIcwsServer, redactPath } from '../../../src/node/http/server.js';
import { serverVersionOf } from '../../../src/node/http/version.js';
import { call, listen, post } from './helpers.js';

let t = 1_000_000;
const users = new Map<string, UsersFile extends ReadonlyMap<string, infer V> ? V : never>();
let usersThrow = false;
let base = '';
let port = 0;
let close: () => Promise<void>;

beforeAll(async () => {
  users.set('alice', { hash: await hashPassword('pw-a'), displayName: 'Alice Smith' });
  users.set('bob', await hashPassword('pw-b')); // the older plain-string form
  const { server } = createIcwsServer({
    plan: loadDefaultDialPlan(),
    users: () => {
      if (usersThrow) throw new Error('users file is not JSON');
      return users;
    },
    now: () => t,
    bodyTimeoutMs: 300,
  });
  ({ base, port, close } = await listen(server));
});
afterAll(() => close());

/** A login from a chosen loopback address (127.0.0.0/8 is all this machine), to tell clients apart. */
function loginFrom(address: string, userID: string, password: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: unknown }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/icws/connection', method: 'POST', localAddress: address, headers: { 'Content-Type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ userID, password }));
  });
}

describe('login throttling', () => {
  it('429 with Retry-After and an ICWS body after 5 failures for one user name, until the minute passes', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await loginFrom(`127.0.1.${i + 1}`, 'bob', 'wrong')).status).toBe(400);
      t += 1000;
    }
    // Even the right password, from a fresh address, waits: the user name is locked for the window.
    const r = await loginFrom('127.0.1.20', 'bob', 'pw-b');
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('55');
    expect(r.headers['content-type']).toBe(ICWS_CONTENT_TYPE);
    expect(r.body).toEqual({ errorId: ICWS_ERROR_IDS.tooManyRequests, message: expect.any(String) });
    // Another user from those addresses is not affected (each address failed only once).
    expect((await loginFrom('127.0.1.1', 'alice', 'pw-a')).status).toBe(201);
    t += 55_000;
    expect((await loginFrom('127.0.1.20', 'bob', 'pw-b')).status).toBe(201);
  });

  it('429 after 5 failures from one address, whatever the user names; other addresses log in', async () => {
    t += 120_000;
    for (const name of ['u1', 'u2', 'u3', 'u4', 'u5']) expect((await loginFrom('127.0.2.1', name, 'x')).status).toBe(400);
    const blocked = await loginFrom('127.0.2.1', 'alice', 'pw-a');
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBe('60');
    expect((await loginFrom('127.0.2.2', 'alice', 'pw-a')).status).toBe(201);
    t += 60_000;
    expect((await loginFrom('127.0.2.1', 'alice', 'pw-a')).status).toBe(201);
  });

  it('never slows or counts successful logins', async () => {
    t += 120_000;
    for (let i = 0; i < 4; i++) expect((await loginFrom('127.0.3.1', 'alice', 'nope')).status).toBe(400);
    for (let i = 0; i < 10; i++) {
      const started = Date.now();
      expect((await loginFrom('127.0.3.1', 'alice', 'pw-a')).status).toBe(201);
      expect(Date.now() - started).toBeLessThan(2000);
    }
    expect((await loginFrom('127.0.3.1', 'alice', 'nope')).status).toBe(400);
    expect((await loginFrom('127.0.3.1', 'alice', 'pw-a')).status).toBe(429);
    t += 120_000;
  });
});

describe('login throttling under parallel attempts', () => {
  it('20 wrong passwords at once: at most 5 are checked (400), the rest are 429', async () => {
    t += 300_000;
    const replies = await Promise.all(Array.from({ length: 20 }, () => loginFrom('127.0.4.1', 'mallory', 'guess')));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    t += 120_000;
  });

  it('20 right passwords at once: every one is a 201', async () => {
    t += 300_000;
    const replies = await Promise.all(Array.from({ length: 20 }, () => loginFrom('127.0.4.2', 'alice', 'pw-a')));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(201));
  });
});

describe('login', () => {
  it('answers 201 with the full ICWS connection answer, SDK request keys accepted', async () => {
    const r = await post(
      `${base}/icws/connection`,
      JSON.stringify({ __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings', applicationName: 'My App', userID: 'alice', password: 'pw-a' }),
      { 'Content-Type': 'application/vnd.inin.icws+JSON;charset=utf-8' },
    );
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toBe(ICWS_CONTENT_TYPE);
    const body = r.body as Record<string, unknown>;
    expect(body).toEqual({
      sessionId: r.headers.get('ININ-ICWS-Session-ID'),
      csrfToken: r.headers.get('ININ-ICWS-CSRF-Token'),
      userID: 'alice',
      userDisplayName: 'Alice Smith',
      icServer: hostname(),
      alternateHostList: [],
    });
    // A user of the older users-file form: the display name is the user id.
    const bob = await post(`${base}/icws/connection`, '{"userID":"bob","password":"pw-b"}');
    expect(bob.body).toMatchObject({ userID: 'bob', userDisplayName: 'bob' });
  });

  it('adds features and version to the login answer when ?include= asks, as ICWS clients log in', async () => {
    // The ICWS examples log in at /icws/connection?include=features,effective-station and look up the messaging
    // feature in `features`; other clients ask for version,features.
    const login = '{"__type":"urn:inin.com:connection:icAuthConnectionRequestSettings","applicationName":"My App","userID":"alice","password":"pw-a"}';
    const both = await post(`${base}/icws/connection?include=features,effective-station,version`, login);
    expect(both.status).toBe(201);
    const features = (await call(`${base}/icws/connection/features`)).body as { featureInfoList: unknown };
    const version = (await call(`${base}/icws/connection/version`)).body;
    expect(both.body).toMatchObject({ userID: 'alice', features: features.featureInfoList, version });
    // effective-station: no station is ever logged in here, so (as ICWS does then) no effectiveStation.
    expect(both.body).not.toHaveProperty('effectiveStation');
    const one = await post(`${base}/ICWS/connection?include=Version`, login);
    expect(one.body).toMatchObject({ version });
    expect(one.body).not.toHaveProperty('features');
    // Repeated parameters and spaces after commas count too; anything else adds nothing.
    expect(Object.keys((await post(`${base}/icws/connection?include=version&include=%20features`, login)).body as object)).toEqual(
      expect.arrayContaining(['features', 'version']),
    );
    const plain = await post(`${base}/icws/connection?include=server-time,nonsense`, login);
    expect(Object.keys(plain.body as object).sort()).toEqual(['alternateHostList', 'csrfToken', 'icServer', 'sessionId', 'userDisplayName', 'userID']);
  });

  it('415 unless the body is declared as JSON (a cross-site text/plain post is refused)', async () => {
    const body = '{"userID":"alice","password":"pw-a"}';
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await post(`${base}/icws/connection`, body, { 'Content-Type': type });
      expect(r.status, type).toBe(415);
      expect(r.body).toMatchObject({ errorId: ICWS_ERROR_IDS.unsupportedMediaType });
      expect(r.headers.get('content-type')).toBe(ICWS_CONTENT_TYPE);
    }
    expect((await call(`${base}/icws/connection`, { method: 'POST', body: new Uint8Array(Buffer.from(body)) })).status).toBe(415);
    for (const type of ['application/json', 'Application/JSON; charset=UTF-8', 'application/vnd.inin.icws+JSON', 'application/foo+json']) {
      expect((await post(`${base}/icws/connection`, body, { 'Content-Type': type })).status, type).toBe(201);
    }
  });

  it('400 invalidRepresentation for a login body that is not UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('{"userID":"al'), Buffer.from([0xff]), Buffer.from('ice","password":"pw-a"}')]);
    const r = await call(`${base}/icws/connection`, { method: 'POST', body: new Uint8Array(bytes), headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ errorId: ICWS_ERROR_IDS.invalidRepresentation });
  });

  it('keeps the previous users when the users file turns unreadable while serving', async () => {
    expect((await post(`${base}/icws/connection`, '{"userID":"alice","password":"pw-a"}')).status).toBe(201);
    usersThrow = true;
    try {
      expect((await post(`${base}/icws/connection`, '{"userID":"alice","password":"pw-a"}')).status).toBe(201);
    } finally {
      usersThrow = false;
    }
  });
});

/** Sends the head of a request and trickles its body; resolves to everything the server sent before it closed. */
function trickle(head: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let got = '';
    let timer: NodeJS.Timeout | undefined;
    sock.on('connect', () => {
      sock.write(head + `Content-Length: ${body.length}\r\n\r\n`);
      let i = 0;
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
}

describe('408 closes the connection on every route', () => {
  it('login', async () => {
    const reply = await trickle('POST /icws/connection HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n', '{"userID":"alice","password":"pw-a"}');
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(reply).toMatch(/\r\nConnection: close\r\n/i);
    expect(reply).toContain(ICWS_ERROR_IDS.timeout);
  });

  it('query-details', async () => {
    const s = (await post(`${base}/icws/connection`, '{"userID":"alice","password":"pw-a"}')) as { body: { sessionId: string; csrfToken: string }; headers: Headers };
    const cookie = (s.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const reply = await trickle(
      `POST /ICWS/${s.body.sessionId}/phone-numbers/query-details HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `ININ-ICWS-CSRF-Token: ${s.body.csrfToken}\r\nCookie: ${cookie}\r\n`,
      '{"phoneNumber":"6929"}',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(reply).toMatch(/\r\nConnection: close\r\n/i);
  });
});

describe("node's own refusals are ICWS errors too", () => {
  /** Sends raw bytes; resolves to everything the server sent before it closed. */
  function raw(bytes: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const sock = connect(port, '127.0.0.1', () => sock.write(bytes));
      let got = '';
      sock.on('data', (d) => (got += d.toString()));
      sock.on('close', () => resolve(got));
      sock.on('error', reject);
      setTimeout(() => reject(new Error('not closed by the server')), 5000).unref();
    });
  }

  it('serves a request whose target is in absolute form (RFC 9112 3.2.2: a server MUST accept it)', async () => {
    const reply = await raw(`GET http://127.0.0.1:${port}/icws/connection/features?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(reply).toContain('"featureId":"phone-numbers"');
    const login = await raw(
      `POST HTTP://127.0.0.1:${port}/ICWS/connection HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Content-Length: 36\r\nConnection: close\r\n\r\n{"userID":"alice","password":"pw-a"}`,
    );
    expect(login).toMatch(/^HTTP\/1\.1 201 /);
    const sessionId = /\r\nININ-ICWS-Session-ID: ([^\r]+)/i.exec(login)?.[1] ?? '';
    const csrf = /\r\nININ-ICWS-CSRF-Token: ([^\r]+)/i.exec(login)?.[1] ?? '';
    const cookie = /\r\nSet-Cookie: ([^;]+)/i.exec(login)?.[1] ?? '';
    const query = await raw(
      `POST http://127.0.0.1:${port}/icws/${sessionId}/phone-numbers/query-details HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Content-Type: application/json\r\nININ-ICWS-CSRF-Token: ${csrf}\r\nCookie: ${cookie}\r\nContent-Length: 22\r\n` +
        `Connection: close\r\n\r\n{"phoneNumber":"6929"}`,
    );
    expect(query).toMatch(/^HTTP\/1\.1 200 /);
    expect(query).toContain('"normalizedText":"/6929"');
    // A target with no path after the authority is the root: no resource there.
    expect(await raw('GET http://127.0.0.1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 404 /);
  });

  it('431 for headers over the limit, 400 for bytes that are not HTTP, each closing the connection', async () => {
    const big = await raw(`GET /icws/connection/version HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    const garbage = await raw('nonsense\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    for (const reply of [big, garbage]) {
      expect(reply).toContain(`\r\nContent-Type: ${ICWS_CONTENT_TYPE}\r\n`);
      expect(reply).toMatch(/\r\nConnection: close\r\n/);
      expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toEqual({ errorId: ICWS_ERROR_IDS.invalidRepresentation, message: expect.any(String) });
    }
  });
});

describe('routes', () => {
  it('answers version (from package.json) and features without a session, GET only', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    const v = await call(`${base}/icws/connection/version`);
    expect(v.status).toBe(200);
    expect(v.headers.get('content-type')).toBe(ICWS_CONTENT_TYPE);
    expect(v.body).toEqual(serverVersionOf(pkg.name, pkg.version));
    // Strings, as the Interaction Center sends them and the ICWS SDK's versionInfo contract requires.
    const [major, minor, su] = pkg.version.split(/[.-]/);
    expect(v.body).toMatchObject({ majorVersion: major, minorVersion: minor, su, productId: pkg.name, codebaseId: pkg.name, build: expect.any(String) });
    expect((v.body as { productReleaseDisplayString: string }).productReleaseDisplayString).toContain(pkg.version);
    const f = await call(`${base}/ICWS/connection/features`);
    expect(f.status).toBe(200);
    expect(JSON.stringify(f.body)).toBe('{"featureInfoList":[{"featureId":"connection","version":1},{"featureId":"phone-numbers","version":2}]}');
    const p = await post(`${base}/icws/connection/version`, '{}');
    expect(p.status).toBe(405);
    expect(p.headers.get('allow')).toBe('GET');
    expect(serverVersionOf('x', '12.3.45-beta.1+77')).toEqual({
      majorVersion: '12',
      minorVersion: '3',
      su: '45',
      build: '77',
      productId: 'x',
      codebaseId: 'x',
      productReleaseDisplayString: 'x 12.3.45-beta.1+77',
      productPatchDisplayString: 'x 12.3.45-beta.1+77',
    });
    expect(serverVersionOf('x', '1.2.3').build).toBe('0');
  });

  it('answers HEAD on version and features as GET without the body (RFC 9110: GET resources support HEAD)', async () => {
    for (const path of ['/icws/connection/version', '/ICWS/connection/features/']) {
      const get = await fetch(`${base}${path}`);
      const getBody = await get.text();
      const head = await fetch(`${base}${path}`, { method: 'HEAD' });
      expect(head.status, path).toBe(200);
      expect(head.headers.get('content-type')).toBe(ICWS_CONTENT_TYPE);
      expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(getBody)));
      expect(await head.text()).toBe('');
    }
    // The POST-only and DELETE-only routes have no GET, so no HEAD either.
    const login = await fetch(`${base}/icws/connection`, { method: 'HEAD' });
    expect([login.status, login.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('matches /icws case-insensitively for login, query and logout; the cookie path follows the client', async () => {
    const r = await post(`${base}/ICWS/Connection`, '{"userID":"alice","password":"pw-a"}');
    expect(r.status).toBe(201);
    const s = r.body as { sessionId: string; csrfToken: string };
    const setCookie = r.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/; Path=\/ICWS;/);
    const headers = { 'ININ-ICWS-CSRF-Token': s.csrfToken, Cookie: setCookie.split(';')[0] ?? '' };
    const q = await post(`${base}/ICWS/${s.sessionId}/phone-numbers/query-details`, '{"phoneNumber":"6929"}', headers);
    expect(q.status).toBe(200);
    const out = await call(`${base}/Icws/${s.sessionId}/CONNECTION`, { method: 'DELETE', headers });
    expect(out.status).toBe(204);
    // Every response carries the ICWS media type, the body-less logout included.
    expect(out.headers.get('content-type')).toBe(ICWS_CONTENT_TYPE);
    expect(out.headers.get('set-cookie')).toBe(`icws_${s.sessionId}=; HttpOnly; Path=/Icws; SameSite=Strict; Max-Age=0`);
    expect(redactPath('/icws/connection/version')).toBe('/icws/connection/version');
    expect(redactPath('/ICWS/abc/connection')).toBe('/ICWS/{sessionId}/connection');
  });
});
