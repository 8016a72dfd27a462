/**
 * A complete ICWS-style server for `dialplan serve`: login and logout at `/icws/connection`, the query-details
 * endpoint, one log line per request, and timeouts against slow clients.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { DialPlan } from '../plan.js';
import { readJsonBody } from './body.js';
import type { QueryDetailsHandler } from './handler.js';
import { CSRF_HEADER, createQueryDetailsHandler, pathOf } from './handler.js';
import type { UsersFile } from './passwords.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { ICWS_ERROR_IDS, sendError, sendJson } from './respond.js';
import type { SessionStore } from './sessions.js';
import { createSessionStore } from './sessions.js';

/** Options of {@link createIcwsServer}. */
export interface IcwsServerOptions {
  readonly plan: DialPlan;
  /** The users allowed to log in; a function is asked at each login, so the file can change under a running server. */
  readonly users: UsersFile | (() => UsersFile);
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
  /** Routes answered with 410 Gone (see the handler). */
  readonly removedRoutes?: readonly string[];
  /** Where request lines and failures go (default: nowhere). Never given passwords, tokens or session ids. */
  readonly log?: (line: string) => void;
}

/** The server and its parts. */
export interface IcwsServer {
  readonly server: Server;
  readonly handler: QueryDetailsHandler;
  readonly sessions: SessionStore;
}

const CONNECTION = /^\/icws\/connection\/?$/i;
const SESSION_CONNECTION = /^\/icws\/([^/]+)\/connection\/?$/;

/**
 * Creates (does not start) the server of `dialplan serve`.
 *
 * @param options - plan, users, limits and log
 * @returns the server, its handler (for `setPlan`) and its sessions
 * @example
 * ```ts
 * const { server } = createIcwsServer({ plan: loadDefaultDialPlan(), users: readUsersFile('users.json') });
 * server.listen(8019, '127.0.0.1');
 * ```
 */
export function createIcwsServer(options: IcwsServerOptions): IcwsServer {
  const log = options.log ?? ((): void => {});
  const sessions = createSessionStore(options.idleMs !== undefined ? { idleMs: options.idleMs } : {});
  const bodyLimits = { limit: options.bodyLimit ?? 16 * 1024, timeoutMs: options.bodyTimeoutMs ?? 10_000 };
  const handler = createQueryDetailsHandler({
    plan: options.plan,
    verifySession: (c) => sessions.verify(c),
    bodyLimit: bodyLimits.limit,
    bodyTimeoutMs: bodyLimits.timeoutMs,
    ...(options.removedRoutes ? { removedRoutes: options.removedRoutes } : {}),
    onError: (e) => log(`error: ${(e as Error)?.message ?? String(e)}`),
  });
  const users = typeof options.users === 'function' ? options.users : (): UsersFile => options.users as UsersFile;
  // Unknown users are checked against this hash, so a login takes as long whether or not the user exists.
  const dummyHash = hashPassword('not a password');

  const login = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readJsonBody(req, bodyLimits);
    if (!body.ok) return sendError(res, body.status, body.errorId, body.message);
    const v = body.value as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      return sendError(res, 400, ICWS_ERROR_IDS.invalidRepresentation, 'The request body must be a connection object.');
    }
    const { userID, password } = v;
    if (userID === undefined || password === undefined) {
      return sendError(res, 400, ICWS_ERROR_IDS.missingParameter, 'userID and password are required.');
    }
    if (typeof userID !== 'string' || typeof password !== 'string') {
      return sendError(res, 400, ICWS_ERROR_IDS.invalidParameter, 'userID and password must be strings.');
    }
    const stored = users().get(userID);
    const ok = await verifyPassword(password, stored ?? (await dummyHash));
    if (!ok || stored === undefined) {
      return sendError(res, 401, ICWS_ERROR_IDS.authenticationFailure, 'The user name or password is not correct.');
    }
    const s = sessions.create(userID);
    sendJson(
      res,
      201,
      { sessionId: s.sessionId, csrfToken: s.csrfToken, userID: s.userID },
      {
        [CSRF_HEADER]: s.csrfToken,
        'ININ-ICWS-Session-ID': s.sessionId,
        Location: `/icws/${s.sessionId}/connection`,
        'Set-Cookie': `${s.cookieName}=${s.cookieValue}; HttpOnly; Path=/icws; SameSite=Strict`,
      },
    );
  };

  const logout = (req: IncomingMessage, res: ServerResponse, sessionId: string): void => {
    const csrf = req.headers['inin-icws-csrf-token'];
    const cookie = req.headers.cookie;
    const ended =
      typeof csrf === 'string' && cookie !== undefined && sessions.end({ sessionId, csrfToken: csrf, cookie });
    if (!ended) return sendError(res, 401, ICWS_ERROR_IDS.authenticationFailure, 'The session is unknown or has expired.');
    res.statusCode = 204;
    res.setHeader('Set-Cookie', `icws_${sessionId}=; HttpOnly; Path=/icws; SameSite=Strict; Max-Age=0`);
    res.end();
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = pathOf(req.url);
    if (CONNECTION.test(path)) {
      if (req.method !== 'POST') return sendError(res, 405, ICWS_ERROR_IDS.methodNotAllowed, 'Only POST is allowed here.', { Allow: 'POST' });
      return login(req, res);
    }
    const m = SESSION_CONNECTION.exec(path);
    if (m) {
      if (req.method !== 'DELETE') return sendError(res, 405, ICWS_ERROR_IDS.methodNotAllowed, 'Only DELETE is allowed here.', { Allow: 'DELETE' });
      let sessionId: string;
      try {
        sessionId = decodeURIComponent(m[1] ?? '');
      } catch {
        // A malformed escape cannot name a session.
        return sendError(res, 401, ICWS_ERROR_IDS.authenticationFailure, 'The session is unknown or has expired.');
      }
      return logout(req, res, sessionId);
    }
    handler(req, res);
  };

  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      // How often node checks the two timeouts above; by default 30 s, far coarser than the timeouts themselves.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, (options.headersTimeoutMs ?? 10_000) / 4)),
    },
    (req, res) => {
      const start = process.hrtime.bigint();
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        log(`${req.method ?? '?'} ${redactPath(pathOf(req.url))} ${res.statusCode} ${ms.toFixed(1)}ms`);
      });
      route(req, res).catch((e: unknown) => {
        log(`error: ${(e as Error)?.message ?? String(e)}`);
        sendError(res, 500, ICWS_ERROR_IDS.internal, 'An unexpected error occurred.');
      });
    },
  );
  return { server, handler, sessions };
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
  const m = /^(\/icws\/)([^/]+)(\/.*)?$/i.exec(path);
  if (!m || m[3] === undefined) return path;
  return `${m[1]}{sessionId}${m[3]}`;
}
