/**
 * A complete ICWS-style server for `dialplan serve`: login and logout at `/icws/connection`, the session-less version
 * and features resources, the query-details endpoint, throttling of failed logins, one log line per request, and
 * timeouts against slow clients. Every route is matched case-insensitively and every body is
 * `application/vnd.inin.icws+JSON; charset=utf-8`.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { DialPlan } from '../../engine/plan/plan.js';
import { builtin } from '../builtins.js';
import { isJsonContentType, readJsonBody, sendBodyError } from './body.js';
import type { QueryDetailsHandler } from './handler.js';
import { CSRF_HEADER, createQueryDetailsHandler, pathOf, UNSUPPORTED_MEDIA_TYPE_MESSAGE } from './handler.js';
import type { LoginLimiter } from './login-limit.js';
import { createLoginLimiter } from './login-limit.js';
import type { UserRecord, UsersFile } from './passwords.js';
import { hashPassword, userRecord, verifyPassword } from './passwords.js';
import { ICWS_CONTENT_TYPE, ICWS_ERROR_IDS, sendError, sendJson } from './respond.js';
import type { SessionStore } from './sessions.js';
import { createSessionStore } from './sessions.js';
import { ICWS_FEATURES, icwsServerVersion } from './version.js';

/** The `errorCode` the Interaction Center gives a failed login (`-2147221503`, 0x80040201), beside its errorId. */
const AUTHENTICATION_FAILURE_CODE = -2147221503;

/** Options of {@link createIcwsServer}. */
export interface IcwsServerOptions {
  readonly plan: DialPlan;
  /** The users allowed to log in; a function is asked at each login, so the file can change under a running server. */
  readonly users: UsersFile | (() => UsersFile);
  /** Reported as `icServer` in the login answer (default: the host name, `os.hostname()`). */
  readonly serverName?: string;
  /** Idle time after which a session is gone, in milliseconds (default 30 minutes). */
  readonly idleMs?: number;
  /** Largest body, in bytes (default 16 KiB). */
  readonly bodyLimit?: number;
  /** Longest time a body may take, in milliseconds (default 10 000). */
  readonly bodyTimeoutMs?: number;
  /** Longest time the request headers may take, in milliseconds (default 10 000). */
  readonly headersTimeoutMs?: number;
  /** Longest time a whole request may take, in milliseconds (default 30 000). */
  readonly requestTimeoutMs?: number;
  /** Failed logins allowed per user name and per client address within `loginWindowMs` (default 5). */
  readonly maxLoginFailures?: number;
  /** The failed-login window, in milliseconds (default 60 000). */
  readonly loginWindowMs?: number;
  /** The clock of sessions and login throttling, for tests (default `Date.now`). */
  readonly now?: () => number;
  /** Routes answered with 410 Gone (see the handler). */
  readonly removedRoutes?: readonly string[];
  /** Where request lines and failures go (default: nowhere). Never given passwords, tokens or session ids. */
  readonly log?: (line: string) => void;
  /**
   * Origins whose pages may call the server from a browser (CORS), as `https://app.example.com`; `*` allows every
   * origin. Default: none, and no CORS header is sent (a page must come from the server's own origin). A request from
   * an allowed origin gets `Access-Control-Allow-Origin` (its origin), `Access-Control-Allow-Credentials: true` (the
   * session cookie) and the ICWS headers exposed; a preflight (`OPTIONS`) gets 204 with the methods and headers allowed.
   */
  readonly allowOrigins?: readonly string[];
}

/** What a page's script may read of a response from an allowed origin: the login answer's ICWS headers, a 429's wait. */
const CORS_EXPOSED = 'ININ-ICWS-CSRF-Token, ININ-ICWS-Session-ID, Location, Retry-After';
/** What a preflight allows when it does not name the headers it wants. */
const CORS_HEADERS = 'Content-Type, Accept, Accept-Language, ININ-ICWS-CSRF-Token';

/**
 * CORS for the allowed origins: sets the headers of an actual request's response and answers a preflight. Returns
 * whether the request was a preflight it answered.
 */
function applyCors(allowed: ReadonlySet<string>, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || !(allowed.has('*') || allowed.has(origin))) return false;
  // The origin itself, never `*`: a response that carries credentials may not name every origin.
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Vary', 'Origin');
  const wanted = req.headers['access-control-request-method'];
  if (req.method !== 'OPTIONS' || typeof wanted !== 'string') {
    res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSED);
    return false;
  }
  const headers = req.headers['access-control-request-headers'];
  // The ICWS media type as on every response of the server (issue 14), this body-less one too, like the logout's 204.
  res.writeHead(204, [
    'Content-Type',
    ICWS_CONTENT_TYPE,
    'Cache-Control',
    'no-store',
    'Access-Control-Allow-Methods',
    'GET, POST, DELETE',
    'Access-Control-Allow-Headers',
    typeof headers === 'string' && /^[\w-]+(\s*,\s*[\w-]+)*$/.test(headers.trim()) ? headers.trim() : CORS_HEADERS,
    'Access-Control-Max-Age',
    '600',
    'Content-Length',
    '0',
  ]);
  res.end();
  return true;
}

/** The server and its parts. */
export interface IcwsServer {
  readonly server: Server;
  readonly handler: QueryDetailsHandler;
  readonly sessions: SessionStore;
  readonly logins: LoginLimiter;
}

// The prefix is captured so that the session cookie's Path is spelled as the client spells it (cookie paths are
// case-sensitive in browsers: a cookie for /icws is not sent to /ICWS/...).
const CONNECTION = /^(\/icws)\/connection\/?$/i;
const VERSION = /^\/icws\/connection\/version\/?$/i;
const FEATURES = /^\/icws\/connection\/features\/?$/i;
const SESSION_CONNECTION = /^(\/icws)\/([^/]+)\/connection\/?$/i;
/** Where the request log finds when a response's request came in. */
const STARTED = Symbol('started');

/**
 * Creates (does not start) the server of `dialplan serve`.
 *
 * @param options - plan, users, limits and log
 * @returns the server, its handler (for `setPlan`), its sessions and its failed-login record
 * @example
 * ```ts
 * const { server } = createIcwsServer({ plan: loadDefaultDialPlan(), users: readUsersFile('users.json') });
 * server.listen(8019, '127.0.0.1');
 * ```
 */
export function createIcwsServer(options: IcwsServerOptions): IcwsServer {
  const log = options.log ?? ((): void => {});
  const now = options.now ?? Date.now;
  const sessions = createSessionStore({ now, ...(options.idleMs !== undefined ? { idleMs: options.idleMs } : {}) });
  const logins = createLoginLimiter({
    now,
    ...(options.maxLoginFailures !== undefined ? { maxFailures: options.maxLoginFailures } : {}),
    ...(options.loginWindowMs !== undefined ? { windowMs: options.loginWindowMs } : {}),
  });
  const serverName = options.serverName ?? builtin('node:os').hostname();
  const bodyLimits = { limit: options.bodyLimit ?? 16 * 1024, timeoutMs: options.bodyTimeoutMs ?? 10_000 };
  const handler = createQueryDetailsHandler({
    plan: options.plan,
    verifySession: (c) => sessions.verify(c),
    bodyLimit: bodyLimits.limit,
    bodyTimeoutMs: bodyLimits.timeoutMs,
    ...(options.removedRoutes ? { removedRoutes: options.removedRoutes } : {}),
    onError: (e) => log(`error: ${(e as Error)?.message ?? String(e)}`),
  });
  const readUsers = typeof options.users === 'function' ? options.users : (): UsersFile => options.users as UsersFile;
  let lastUsers: UsersFile = new Map();
  const users = (): UsersFile => {
    try {
      lastUsers = readUsers();
    } catch (e) {
      // A users file broken while the server runs (a half-written edit) keeps the users it had.
      log(`cannot read the users file, keeping the previous users: ${(e as Error)?.message ?? String(e)}`);
    }
    return lastUsers;
  };
  // Unknown users are checked against this hash, so a login takes as long whether or not the user exists.
  const dummyHash = hashPassword('not a password');

  const login = async (req: IncomingMessage, res: ServerResponse, prefix: string): Promise<void> => {
    // JSON only: a browser cannot post a JSON type cross-site without a CORS preflight, as it can text/plain.
    if (!isJsonContentType(req.headers['content-type'])) {
      return sendError(res, 415, ICWS_ERROR_IDS.unsupportedMediaType, UNSUPPORTED_MEDIA_TYPE_MESSAGE);
    }
    const body = await readJsonBody(req, bodyLimits);
    if (!body.ok) return sendBodyError(req, res, body);
    const v = body.value as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      return sendError(res, 400, ICWS_ERROR_IDS.invalidRepresentation, 'The request body must be a connection object.');
    }
    // Other keys (__type, applicationName, ...) are what real clients send; they are accepted and ignored.
    const { userID, password } = v;
    if (userID === undefined || password === undefined) {
      return sendError(res, 400, ICWS_ERROR_IDS.missingParameter, 'userID and password are required.');
    }
    if (typeof userID !== 'string' || typeof password !== 'string') {
      return sendError(res, 400, ICWS_ERROR_IDS.invalidParameter, 'userID and password must be strings.');
    }
    const address = req.socket.remoteAddress ?? 'unknown';
    const attempt = await logins.attempt(userID, address);
    if (!attempt.allowed) {
      return sendError(res, 429, ICWS_ERROR_IDS.tooManyRequests, 'Too many failed logins; try again later.', {
        'Retry-After': String(attempt.retryAfterSeconds),
      });
    }
    let ok = false;
    let stored: UserRecord | undefined;
    try {
      const entry = users().get(userID);
      stored = entry === undefined ? undefined : userRecord(entry);
      ok = (await verifyPassword(password, stored?.hash ?? (await dummyHash))) && stored !== undefined;
    } finally {
      // Always reported, even if the check threw: attempts waiting behind this one must not wait for ever.
      attempt.done(ok);
    }
    if (!ok || stored === undefined) {
      // 400, as the Interaction Center answers a failed login (`authenticationFailure` is the id clients test for): the
      // ICWS SDK's createConnection reads an error body on 400 and none on 401, and ICWS clients take a 401 for a session
      // that is missing or gone, not for wrong credentials.
      // With the Interaction Center's errorCode for it too, which clients such as the PowerShell module check.
      return sendJson(res, 400, { errorId: ICWS_ERROR_IDS.authenticationFailure, errorCode: AUTHENTICATION_FAILURE_CODE, message: 'The user name or password is not correct.' });
    }
    const s = sessions.create(userID);
    const include = includedFields(req.url);
    sendJson(
      res,
      201,
      {
        sessionId: s.sessionId,
        csrfToken: s.csrfToken,
        userID: s.userID,
        userDisplayName: stored.displayName ?? s.userID,
        icServer: serverName,
        alternateHostList: [],
        ...(include.has('features') ? { features: ICWS_FEATURES.featureInfoList } : {}),
        ...(include.has('version') ? { version: icwsServerVersion() } : {}),
      },
      {
        [CSRF_HEADER]: s.csrfToken,
        'ININ-ICWS-Session-ID': s.sessionId,
        Location: `${prefix}/${s.sessionId}/connection`,
        'Set-Cookie': `${s.cookieName}=${s.cookieValue}; HttpOnly; Path=${prefix}; SameSite=Strict`,
      },
    );
  };

  const logout = (req: IncomingMessage, res: ServerResponse, sessionId: string, prefix: string): void => {
    const csrf = req.headers['inin-icws-csrf-token'];
    const cookie = req.headers.cookie;
    const ended =
      typeof csrf === 'string' && cookie !== undefined && sessions.end({ sessionId, csrfToken: csrf, cookie });
    if (!ended) return sendError(res, 401, ICWS_ERROR_IDS.authenticationFailure, 'The session is unknown or has expired.');
    // No body, but the ICWS media type all the same: every response of the server carries it (issue 14), and a client
    // that checks it on each response should not have to make an exception of the logout.
    res.writeHead(204, [
      'Content-Type',
      ICWS_CONTENT_TYPE,
      'Cache-Control',
      'no-store',
      'Set-Cookie',
      `icws_${sessionId}=; HttpOnly; Path=${prefix}; SameSite=Strict; Max-Age=0`,
    ]);
    res.end();
  };

  // Only a login is asynchronous here: every other request is routed without a promise of its own.
  const route = (req: IncomingMessage, res: ServerResponse): Promise<void> | void => {
    const path = pathOf(req.url);
    // The query-details requests, nearly all of them, skip the four expressions below.
    if (!mayBeConnectionRoute(path)) return handler(req, res);
    const c = CONNECTION.exec(path);
    if (c) {
      if (req.method !== 'POST') return sendError(res, 405, ICWS_ERROR_IDS.methodNotAllowed, 'Only POST is allowed here.', { Allow: 'POST' });
      return login(req, res, c[1] ?? '/icws');
    }
    const isVersion = VERSION.test(path);
    if (isVersion || FEATURES.test(path)) {
      // HEAD too, as on every resource that answers GET (RFC 9110 9.3.2): node sends its headers and leaves out the body.
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return sendError(res, 405, ICWS_ERROR_IDS.methodNotAllowed, 'Only GET is allowed here.', { Allow: 'GET' });
      }
      return sendJson(res, 200, isVersion ? icwsServerVersion() : ICWS_FEATURES);
    }
    const m = SESSION_CONNECTION.exec(path);
    if (m) {
      if (req.method !== 'DELETE') return sendError(res, 405, ICWS_ERROR_IDS.methodNotAllowed, 'Only DELETE is allowed here.', { Allow: 'DELETE' });
      let sessionId: string;
      try {
        sessionId = decodeURIComponent(m[2] ?? '');
      } catch {
        // A malformed escape cannot name a session.
        return sendError(res, 401, ICWS_ERROR_IDS.authenticationFailure, 'The session is unknown or has expired.');
      }
      return logout(req, res, sessionId, m[1] ?? '/icws');
    }
    handler(req, res);
  };

  const failed =
    (res: ServerResponse) =>
    (e: unknown): void => {
      log(`error: ${(e as Error)?.message ?? String(e)}`);
      sendError(res, 500, ICWS_ERROR_IDS.internal, 'An unexpected error occurred.');
    };
  // One listener function for every response rather than a closure each; the time its request came in rides on the
  // response (every response gets the same property, so they keep sharing one shape).
  function logRequest(this: ServerResponse & { [STARTED]?: number }): void {
    const ms = performance.now() - (this[STARTED] ?? Number.NaN);
    const req = this.req;
    log(`${req.method ?? '?'} ${redactPath(pathOf(req.url))} ${this.statusCode} ${ms.toFixed(1)}ms`);
  }

  const cors = options.allowOrigins !== undefined && options.allowOrigins.length > 0 ? new Set(options.allowOrigins) : undefined;
  const server = builtin('node:http').createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      // How often node checks the two timeouts above; by default 30 s, far coarser than the timeouts themselves.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, (options.headersTimeoutMs ?? 10_000) / 4)),
    },
    (req, res) => {
      (res as ServerResponse & { [STARTED]?: number })[STARTED] = performance.now();
      // `on`, not `once` (which wraps the listener in a new function): a response finishes once.
      res.on('finish', logRequest);
      try {
        if (cors !== undefined && applyCors(cors, req, res)) return;
        route(req, res)?.catch(failed(res));
      } catch (e) {
        failed(res)(e);
      }
    },
  );
  // Node's own answers to requests it refuses before any handler runs (headers or whole request too slow, headers too
  // large, not HTTP) are ICWS error bodies too, and close the connection.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => answerClientError(err, socket));
  return { server, handler, sessions, logins };
}

/**
 * The fields a login asks to add to its answer: ICWS's `include` query parameter, a comma-separated list that may also
 * be repeated (`?include=features,effective-station`, what the ICWS examples send). Only `features` and `version` add
 * anything here; the other options (`effective-station`, `server-time`, ...) name what this server does not have, and
 * are left out as ICWS leaves out what does not apply.
 */
function includedFields(url: string | undefined): ReadonlySet<string> {
  const q = url === undefined ? -1 : url.indexOf('?');
  if (q < 0) return new Set();
  const fields = new Set<string>();
  for (const value of new URLSearchParams((url as string).slice(q + 1)).getAll('include')) {
    for (const field of value.split(',')) fields.add(field.trim().toLowerCase());
  }
  return fields;
}

/**
 * Whether a path may be one of the connection routes (CONNECTION, VERSION, FEATURES, SESSION_CONNECTION): each ends
 * with `connection`, `version` or `features` (in any case, then maybe a `/`), so a path whose last six letters before
 * that `/` are none of `ection`, `ersion` and `atures` matches none of them. Letters are compared as the expressions'
 * `i` flag compares them (ASCII only); anything else is let through to the expressions.
 */
function mayBeConnectionRoute(path: string): boolean {
  let end = path.length;
  if (end > 0 && path.charCodeAt(end - 1) === 47) end--;
  if (end < 7) return true;
  return endsWithLetters(path, end, 'ection') || endsWithLetters(path, end, 'ersion') || endsWithLetters(path, end, 'atures');
}

/** Whether `path` before `end` ends with `word` (lower-case ASCII letters), in any ASCII case. */
function endsWithLetters(path: string, end: number, word: string): boolean {
  const from = end - word.length;
  for (let i = 0; i < word.length; i++) if ((path.charCodeAt(from + i) | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (err.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
    const [status, reason, errorId, message] =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', ICWS_ERROR_IDS.timeout, 'The request did not arrive in time.']
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request Header Fields Too Large', ICWS_ERROR_IDS.invalidRepresentation, 'The request headers are too large.']
          : [400, 'Bad Request', ICWS_ERROR_IDS.invalidRepresentation, 'The request is not valid HTTP.'];
    const body = JSON.stringify({ errorId, message });
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${ICWS_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * A request path fit for a log: the session id replaced by `{sessionId}`, since it is a credential.
 *
 * @param path - the request path
 * @returns the path without the session id
 * @example
 * ```ts
 * redactPath('/icws/3f2a/phone-numbers/query-details'); // '/icws/{sessionId}/phone-numbers/query-details'
 * ```
 */
export function redactPath(path: string): string {
  // By hand, for every request line of the log: exactly what /^(\/icws\/)([^/]+)(\/.*)?$/i replaced, without a match
  // array and three strings per request (test/node/http/redact.test.ts holds it to that expression).
  if (path.length < 8 || path.charCodeAt(0) !== 47 || path.charCodeAt(5) !== 47) return path;
  // ASCII letters only, as a case-insensitive expression without the u flag compares them.
  if ((path.charCodeAt(1) | 0x20) !== 105 || (path.charCodeAt(2) | 0x20) !== 99 || (path.charCodeAt(3) | 0x20) !== 119 || (path.charCodeAt(4) | 0x20) !== 115) return path;
  const slash = path.indexOf('/', 6);
  // No segment after /icws/, or nothing after it: nothing to redact.
  if (slash <= 6) return path;
  // /icws/connection/version and /icws/connection/features carry no session id.
  if (slash - 6 === 10 && path.slice(6, slash).toLowerCase() === 'connection') return path;
  // The expression's `.` stops at line terminators; such a path was left as it is.
  for (let i = slash; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return path;
  }
  return `${path.slice(0, 6)}{sessionId}${path.slice(slash)}`;
}
