/**
 * The ICWS `POST /icws/{sessionId}/phone-numbers/query-details` endpoint as a plain `node:http` request listener, so
 * any Node server (bare `http.createServer`, Express, Connect, ...) can embed it without a web framework.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DialPlan } from '../plan.js';
import { isJsonContentType, readJsonBody, sendBodyError } from './body.js';
import { ICWS_ERROR_IDS, sendError, sendJson } from './respond.js';

/** What a session check is given: all three come from the request, unverified. */
export interface SessionCredentials {
  /** The `{sessionId}` of the path. */
  readonly sessionId: string;
  /** The `ININ-ICWS-CSRF-Token` header. */
  readonly csrfToken: string;
  /** The whole `Cookie` header. */
  readonly cookie: string;
}

/** Decides whether the credentials name a live session; may be asynchronous. */
export type VerifySession = (credentials: SessionCredentials) => boolean | Promise<boolean>;

/** Options of {@link createQueryDetailsHandler}. */
export interface QueryDetailsHandlerOptions {
  /** The plan to answer with; swap it later with `setPlan`. */
  readonly plan: DialPlan;
  /** The session check. It is only called when the CSRF header and a cookie are both present. */
  readonly verifySession: VerifySession;
  /** Largest body accepted, in bytes (default 16 KiB). */
  readonly bodyLimit?: number;
  /** Longest time a body may take to arrive, in milliseconds (default 10 000). */
  readonly bodyTimeoutMs?: number;
  /**
   * Routes answered with 410 Gone, whatever the method: paths where `{name}` stands for any one segment,
   * for example `/icws/{sessionId}/phone-numbers/query`.
   */
  readonly removedRoutes?: readonly string[];
  /** The plan location used for every query (default: the plan's default). */
  readonly location?: string;
  /** Told about unexpected failures (answered with a generic 500); the client never sees them. */
  readonly onError?: (error: unknown) => void;
}

/** A request listener, with a way to swap the plan. */
export interface QueryDetailsHandler {
  /**
   * Handles one request. With `next` (connect style), requests for other paths go to `next` instead of a 404.
   *
   * @param req - the request
   * @param res - the response
   * @param next - optional: called for paths this handler does not serve
   */
  (req: IncomingMessage, res: ServerResponse, next?: () => void): void;
  /**
   * Replaces the plan. Requests already past their body read use the old plan, later ones the new one; none is dropped.
   *
   * @param plan - the new plan
   */
  setPlan(plan: DialPlan): void;
  /** The plan in use. */
  readonly plan: DialPlan;
}

/** The header ICWS sends the CSRF token in (header names are case-insensitive; Node lower-cases them). */
export const CSRF_HEADER = 'ININ-ICWS-CSRF-Token';

// Case-insensitive like every route of `dialplan serve` (clients write both /icws and /ICWS); the session id keeps its case.
const ROUTE = /^\/icws\/([^/]+)\/phone-numbers\/query-details\/?$/i;
const DEFAULT_BODY_LIMIT = 16 * 1024;
/** The 415 message, shared with the login route. @internal */
export const UNSUPPORTED_MEDIA_TYPE_MESSAGE =
  'The request body must be JSON: application/json, application/vnd.inin.icws+JSON or another application/...+json type.';
const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/**
 * Creates the query-details endpoint. Answers 200 with exactly the details object; errors are ICWS error bodies
 * `{ errorId, message }` with 400, 401, 404, 405, 408, 410, 413, 415 or 500 (see `docs/icws.md`). Every body is sent as
 * `application/vnd.inin.icws+JSON; charset=utf-8`, the media type ICWS clients require. The path is matched
 * case-insensitively (`/icws/...` and `/ICWS/...`).
 *
 * @param options - plan, session check and limits
 * @returns the request listener
 * @example
 * ```ts
 * const handler = createQueryDetailsHandler({ plan: loadDefaultDialPlan(), verifySession: (s) => sessions.verify(s) });
 * http.createServer(handler).listen(8019, '127.0.0.1');
 * ```
 */
export function createQueryDetailsHandler(options: QueryDetailsHandlerOptions): QueryDetailsHandler {
  let plan = options.plan;
  const limits = {
    limit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    timeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
  };
  const removed = (options.removedRoutes ?? []).map(compileRoute);
  const queryOptions = options.location !== undefined ? { location: options.location } : {};

  const handle = async (req: IncomingMessage, res: ServerResponse, next?: () => void): Promise<void> => {
    const path = pathOf(req.url);
    if (removed.some((r) => r.test(path))) {
      return sendError(res, 410, ICWS_ERROR_IDS.gone, 'This resource has been removed from the API.');
    }
    const route = ROUTE.exec(path);
    if (!route) {
      if (next) return next();
      return sendError(res, 404, ICWS_ERROR_IDS.notFound, 'No resource at this path.');
    }
    if (req.method !== 'POST') {
      return sendError(res, 405, ICWS_ERROR_IDS.methodNotAllowed, 'Only POST is allowed on this resource.', { Allow: 'POST' });
    }
    const csrf = req.headers['inin-icws-csrf-token'];
    const cookie = req.headers.cookie;
    const sessionId = decodeSegment(route[1] ?? '');
    if (typeof csrf !== 'string' || csrf === '' || cookie === undefined || cookie === '' || sessionId === undefined) {
      return sendError(res, 401, ICWS_ERROR_IDS.authenticationFailure, 'The session token or cookie is missing.');
    }
    // A synchronous answer is used at once; only a promise is awaited (a microtask less per request).
    const verified = options.verifySession({ sessionId, csrfToken: csrf, cookie });
    if (!(typeof verified === 'boolean' ? verified : await verified)) {
      return sendError(res, 401, ICWS_ERROR_IDS.authenticationFailure, 'The session is unknown or has expired.');
    }
    if (!isJsonContentType(req.headers['content-type'])) {
      return sendError(res, 415, ICWS_ERROR_IDS.unsupportedMediaType, UNSUPPORTED_MEDIA_TYPE_MESSAGE);
    }
    const body = await readJsonBody(req, limits);
    if (!body.ok) return sendBodyError(req, res, body);
    const value = body.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return sendError(res, 400, ICWS_ERROR_IDS.invalidRepresentation, 'The request body must be a phoneNumberDetailsQuery object.');
    }
    const phoneNumber = (value as Record<string, unknown>)['phoneNumber'];
    if (phoneNumber === undefined) {
      return sendError(res, 400, ICWS_ERROR_IDS.missingParameter, 'The phoneNumber property is required.');
    }
    if (typeof phoneNumber !== 'string') {
      return sendError(res, 400, ICWS_ERROR_IDS.invalidParameter, 'The phoneNumber property must be a string.');
    }
    // Read the plan only now, after every await: a swap during the body read is seen by this request.
    const r = plan.query(phoneNumber, queryOptions);
    if (r.ok) return sendJson(res, 200, r.details);
    if (r.error.code === 'EMPTY') return sendError(res, 400, ICWS_ERROR_IDS.phoneNumberEmpty, r.error.message);
    if (r.error.code === 'TOO_LONG') return sendError(res, 400, ICWS_ERROR_IDS.phoneNumberTooLong, r.error.message);
    // NOT_A_STRING cannot happen (checked above); UNKNOWN_LOCATION is a server configuration fault, not the client's.
    throw new Error(`query failed: ${r.error.code}`);
  };

  const handler = ((req: IncomingMessage, res: ServerResponse, next?: () => void): void => {
    handle(req, res, next).catch((e: unknown) => {
      options.onError?.(e);
      sendError(res, 500, ICWS_ERROR_IDS.internal, 'An unexpected error occurred.');
    });
  }) as QueryDetailsHandler;
  handler.setPlan = (p: DialPlan): void => {
    plan = p;
  };
  Object.defineProperty(handler, 'plan', { get: () => plan, enumerable: true });
  return handler;
}

/**
 * The path of a request URL, without its query string.
 *
 * @param url - `req.url`
 * @returns the path
 * @example
 * ```ts
 * pathOf('/icws/1/connection?x=1'); // '/icws/1/connection'
 * ```
 */
export function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
}

function decodeSegment(s: string): string | undefined {
  // Session ids are plain (a UUID): decodeURIComponent only when there is an escape to decode.
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function compileRoute(route: string): RegExp {
  const parts = pathOf(route)
    .split(/(\{[^}/]*\})/)
    .map((p) => (/^\{[^}/]*\}$/.test(p) ? '[^/]+' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('')}/?$`, 'i');
}
