// End to end, as the official ICWS JavaScript SDK speaks: `dialplan serve` (the built CLI) in a child process on
// loopback; login with the SDK's headers and body, the session and CSRF headers of the 201 read back, the CSRF header
// and the cookie sent with every later request, query-details, logout. Responses are read the way the SDK reads them:
// a body is parsed only when its media type (before ';', lower-cased) is application/vnd.inin.icws+json, and the
// phoneNumberDetails fields are checked against the SDK data contract's JSON types.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchHandler, createSessionStore, loadDefaultDialPlan } from '../../../src/index.js';
import { fetchListener, listen } from './helpers.js';

const CLI = new URL('../../../dist/node/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dialplan-sdk-'));
const users = join(dir, 'users.json');

// What the SDK sets on every request.
const SDK_HEADERS = {
  Accept: 'application/vnd.inin.icws+JSON',
  'Content-Type': 'application/vnd.inin.icws+JSON;charset=utf-8',
  'Accept-Language': 'en-us',
};
const SDK_MEDIA_TYPE = 'application/vnd.inin.icws+json';

/** The phoneNumberDetails data contract: each field and its JSON type. */
const PHONE_NUMBER_DETAILS_CONTRACT = {
  rawText: 'string',
  normalizedText: 'string',
  displayText: 'string',
  editBase: 'string',
  extension: 'string',
  defaultClassification: 'string',
  classifications: 'string[]',
  internal: 'boolean',
  queueType: 'integer',
  queueName: 'string',
  voicemailCapable: 'boolean',
  dialCapable: 'boolean',
  autoDialExtension: 'boolean',
} as const;

let child: ChildProcessWithoutNullStreams;
let stderr = '';
let base = '';

beforeAll(async () => {
  const add = spawnSync(process.execPath, [CLI, 'serve', '--sessions', users, '--add-user', 'u', '--display-name', 'U. Ser'], {
    encoding: 'utf8',
    env: { ...process.env, DIALPLAN_PASSWORD: 'p' },
  });
  expect(add.status).toBe(0);
  child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--sessions', users, '--server-name', 'ic1.example']);
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; i < 300 && !/listening on/.test(stderr); i++) await new Promise((r) => setTimeout(r, 50));
  base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1] ?? '';
  expect(base).not.toBe('');
}, 30_000);
afterAll(() => {
  child.kill('SIGTERM');
});

interface SdkReply {
  readonly status: number;
  readonly headers: Headers;
  /** What the SDK hands its callback: the parsed body, or undefined when the media type is not ICWS's. */
  readonly data: unknown;
}

/** One request the way the SDK sends it and reads the answer. */
async function sdkRequest(
  method: string,
  path: string,
  payload?: unknown,
  session?: { csrf: string; cookie: string },
  at: string = base,
): Promise<SdkReply> {
  const headers: Record<string, string> = { ...SDK_HEADERS };
  if (session) {
    headers['ININ-ICWS-CSRF-Token'] = session.csrf;
    headers['Cookie'] = session.cookie;
  }
  const r = await fetch(`${at}/icws${path}`, { method, headers, ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}) });
  const text = await r.text();
  const mediaType = (r.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  return { status: r.status, headers: r.headers, data: mediaType === SDK_MEDIA_TYPE && text !== '' ? JSON.parse(text) : undefined };
}

/** The SDK's login: its connection request body (with its __type and applicationName), user `u`, POSTed to `path`. */
function sdkLogin(password: string, path = '/connection'): Promise<SdkReply> {
  return sdkRequest('POST', path, { __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings', applicationName: 'My App', userID: 'u', password });
}

/**
 * The SDK's versionInfo data contract (urn:inin.com:connection:versionInfo): six required fields and two optional ones,
 * every one a string; the SDK throws a TypeError on anything else (a number included).
 */
function expectVersionInfo(data: unknown): void {
  const v = data as Record<string, unknown>;
  for (const key of ['majorVersion', 'minorVersion', 'su', 'build', 'productId', 'codebaseId']) expect(typeof v[key], key).toBe('string');
  for (const key of ['productReleaseDisplayString', 'productPatchDisplayString']) expect(['string', 'undefined'], key).toContain(typeof v[key]);
  for (const key of ['majorVersion', 'minorVersion', 'su']) expect(v[key], key).toMatch(/^\d+$/);
}

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') ? 'string[]' : 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return v === null ? 'null' : typeof v;
}

describe('an ICWS SDK client against dialplan serve', () => {
  it('logs in, queries and logs out exactly as the SDK does', async () => {
    // Connection: the SDK's login body, with its __type and applicationName.
    const login = await sdkLogin('p')
    expect(login.status).toBe(201);
    const sessionId = login.headers.get('ININ-ICWS-Session-ID') ?? '';
    const csrf = login.headers.get('ININ-ICWS-CSRF-Token') ?? '';
    expect(sessionId).not.toBe('');
    expect(csrf).not.toBe('');
    expect(login.data).toEqual({
      sessionId,
      csrfToken: csrf,
      userID: 'u',
      userDisplayName: 'U. Ser',
      icServer: 'ic1.example',
      alternateHostList: [],
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(new RegExp(`^icws_${sessionId}=.+`));
    const session = { csrf, cookie };

    await sdkQueriesDetails(base, sessionId, session, async () => {
      // Logout, then the session is gone.
      const out = await sdkRequest('DELETE', `/${sessionId}/connection`, undefined, session);
      expect(out.status).toBe(204);
    });
  });

  it('answers version and features without a session', async () => {
    const features = await sdkRequest('GET', '/connection/features');
    expect(features.status).toBe(200);
    expect(features.data).toEqual({
      featureInfoList: [
        { featureId: 'connection', version: 1 },
        { featureId: 'phone-numbers', version: 2 },
      ],
    });
    const version = await sdkRequest('GET', '/connection/version');
    expect(version.status).toBe(200);
    expectVersionInfo(version.data);
  });

  it('gets a wrong password as ICWS answers it: 400 with the error body (the SDK reads none on a 401 at login)', async () => {
    const login = await sdkLogin('wrong')
    expect(login.status).toBe(400);
    // The PowerShell module's test reads errorCode -2147221503 too, as the Interaction Center sends it.
    expect(login.data).toEqual({ errorId: 'error.request.connection.authenticationFailure', errorCode: -2147221503, message: expect.any(String) });
  });

  it('logs in with ?include=features,version and gets them in the data contract of the connection answer', async () => {
    const login = await sdkLogin('p', '/connection?include=features,version')
    expect(login.status).toBe(201);
    const data = login.data as { features: unknown; version: unknown };
    // The SDK's featureInfo: featureId a string, version an integer.
    expect(data.features).toEqual([
      { featureId: 'connection', version: 1 },
      { featureId: 'phone-numbers', version: 2 },
    ]);
    expectVersionInfo(data.version);
  });
});

/**
 * The query-details part of the SDK's conversation, against either handler: the seed's two numbers with every field
 * of the contract, the CSRF header required with the cookie, an error body the SDK reads; then `end` ends the session
 * and the same query is a 401.
 */
async function sdkQueriesDetails(base: string, sessionId: string, session: { csrf: string; cookie: string }, end: () => Promise<void>): Promise<void> {
  const { csrf, cookie } = session;
  // query-details, with the seed's two examples: every field of the contract, of its JSON type, and nothing else.
  for (const phoneNumber of ['8004562354', '6929']) {
    const q = await sdkRequest('POST', `/${sessionId}/phone-numbers/query-details`, { phoneNumber }, session, base);
    expect(q.status).toBe(200);
    const details = q.data as Record<string, unknown>;
    expect(details).toBeDefined();
    expect(Object.keys(details).sort()).toEqual(Object.keys(PHONE_NUMBER_DETAILS_CONTRACT).sort());
    for (const [field, type] of Object.entries(PHONE_NUMBER_DETAILS_CONTRACT)) expect(typeOf(details[field]), field).toBe(type);
    expect(details['rawText']).toBe(phoneNumber);
  }
  const ext = await sdkRequest('POST', `/${sessionId}/phone-numbers/query-details`, { phoneNumber: '6929' }, session, base);
  expect(ext.data).toMatchObject({ normalizedText: '/6929', queueName: 'User Queue:jdoe', queueType: 2 });

  // The CSRF header is required together with the cookie: either alone is a 401 with the ICWS challenge and an
  // error body the SDK can read.
  for (const partial of [{ csrf, cookie: '' }, { csrf: '', cookie }]) {
    const headers: Record<string, string> = { ...SDK_HEADERS };
    if (partial.csrf) headers['ININ-ICWS-CSRF-Token'] = partial.csrf;
    if (partial.cookie) headers['Cookie'] = partial.cookie;
    const r = await fetch(`${base}/icws/${sessionId}/phone-numbers/query-details`, { method: 'POST', headers, body: '{"phoneNumber":"6929"}' });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('ICWS realm="ICWS" location="/ICWS/connection"');
    expect((r.headers.get('content-type') ?? '').split(';')[0]?.toLowerCase()).toBe(SDK_MEDIA_TYPE);
    expect(await r.json()).toMatchObject({ errorId: 'error.request.connection.authenticationFailure' });
  }

  // An error the SDK reads: the ICWS error representation.
  const bad = await sdkRequest('POST', `/${sessionId}/phone-numbers/query-details`, {}, session, base);
  expect(bad.status).toBe(400);
  expect(bad.data).toEqual({ errorId: 'error.request.missingParameter', message: expect.any(String) });
  await end();
  const after = await sdkRequest('POST', `/${sessionId}/phone-numbers/query-details`, { phoneNumber: '6929' }, session, base);
  expect(after.status).toBe(401);
  expect(after.data).toMatchObject({ errorId: 'error.request.connection.authenticationFailure' });
}

// The same conversation against the web-standard handler (createFetchHandler), served through a Request/Response
// bridge as Deno, Bun or @hono/node-server serve it, with the package's session store behind verifySession.
describe('an ICWS SDK client against createFetchHandler', () => {
  it('queries as the SDK does, with a session of the store, until the session ends', async () => {
    const sessions = createSessionStore();
    const handler = createFetchHandler({ plan: loadDefaultDialPlan(), verifySession: (c) => sessions.verify(c) });
    const server = await listen(fetchListener(handler));
    try {
      const s = sessions.create('u');
      const session = { csrf: s.csrfToken, cookie: `${s.cookieName}=${s.cookieValue}` };
      await sdkQueriesDetails(server.base, s.sessionId, session, async () => {
        expect(sessions.end({ sessionId: s.sessionId, csrfToken: session.csrf, cookie: session.cookie })).toBe(true);
      });
    } finally {
      await server.close();
    }
  });
});
