/**
 * The ICWS query-details contract without a transport: route matching, the session check, the body checks, the query
 * and the response to send (status, headers, body as a string). Both handlers are thin adapters over it: the
 * `node:http` one (handler.ts) and the web-standard `Request`/`Response` one (fetch.ts), so they cannot drift apart.
 * Platform-neutral: nothing from `node:`, no `Buffer`, no side effects at import time.
 * @internal
 */
import type { DialPlan } from '../plan/plan.js';
import type { PhoneNumberDetails } from '../types.js';

/** Every error id the endpoint can answer with, by name. */
export const ICWS_ERROR_IDS = {
  /** 400: body missing, not JSON, or not a JSON object. */
  invalidRepresentation: 'error.request.invalidRepresentation',
  /** 400: `phoneNumber` (or `userID`/`password`) missing. */
  missingParameter: 'error.request.missingParameter',
  /** 400: `phoneNumber` (or `userID`/`password`) present but not a string. */
  invalidParameter: 'error.request.invalidParameter',
  /** 400: the engine rejected the number: nothing left once formatting is removed. */
  phoneNumberEmpty: 'error.phoneNumbers.empty',
  /** 400: the engine rejected the number: longer than the plan allows. */
  phoneNumberTooLong: 'error.phoneNumbers.tooLong',
  /** 401: no CSRF token or cookie, or an unknown or expired session; 400 for wrong credentials at `/icws/connection`. */
  authenticationFailure: 'error.request.connection.authenticationFailure',
  /** 404: no such route. */
  notFound: 'error.request.notFound',
  /** 405: the route exists, not for this method. */
  methodNotAllowed: 'error.request.methodNotAllowed',
  /** 408: the body (or the whole request) did not arrive in time. */
  timeout: 'error.request.timeout',
  /** 410: the route was removed from the API. */
  gone: 'error.request.resourceRemoved',
  /** 413: the body is larger than the limit. */
  entityTooLarge: 'error.request.entityTooLarge',
  /** 415: the body is not declared as JSON. */
  unsupportedMediaType: 'error.request.unsupportedMediaType',
  /** 429: too many failed logins for this user name or client address; retry after the `Retry-After` seconds. */
  tooManyRequests: 'error.request.connection.tooManyAttempts',
  /** 500: anything unexpected; the message never carries internal detail. */
  internal: 'error.server.internal',
} as const;

/** One of the {@link ICWS_ERROR_IDS}. */
export type IcwsErrorId = (typeof ICWS_ERROR_IDS)[keyof typeof ICWS_ERROR_IDS];

/** The ICWS error representation. */
export interface IcwsError {
  readonly errorId: IcwsErrorId;
  readonly message: string;
}

/** The 401 challenge, exactly as the ICWS reference page writes it, so clients find where to log in. */
export const WWW_AUTHENTICATE = 'ICWS realm="ICWS" location="/ICWS/connection"';

/**
 * The media type of every response body, spelled as the Interaction Center server sends it. The official ICWS
 * JavaScript SDK parses a response body only when its media type (before `;`, lower-cased) is
 * `application/vnd.inin.icws+json`: with plain `application/json` its callbacks receive no data.
 *
 * @example
 * ```ts
 * res.setHeader('Content-Type', ICWS_CONTENT_TYPE); // a route of your own next to the handler
 * ```
 */
export const ICWS_CONTENT_TYPE = 'application/vnd.inin.icws+JSON; charset=utf-8';

/** The header ICWS sends the CSRF token in (header names are case-insensitive; Node lower-cases them). */
export const CSRF_HEADER = 'ININ-ICWS-CSRF-Token';

/** The 415 message, shared with the login route. @internal */
export const UNSUPPORTED_MEDIA_TYPE_MESSAGE =
  'The request body must be JSON: application/json, application/vnd.inin.icws+JSON or another application/...+json type.';

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

/** Options of {@link createQueryDetailsHandler} and {@link createFetchHandler}. */
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

/** Header values of a reply: a list for a header sent more than once (`Set-Cookie`). @internal */
export type ReplyHeaders = Readonly<Record<string, string | readonly string[]>>;

/**
 * A response to send, transport-independent. `headers` holds `Content-Type` and `Cache-Control` first, then the
 * extra headers; `Content-Length` is the transport's (it counts bytes). `close`: the connection should be closed once
 * the reply is sent (after a 408 or 413, the rest of the body is not worth reading).
 * @internal
 */
export interface Reply {
  readonly status: number;
  readonly headers: ReplyHeaders;
  readonly body: string;
  readonly close?: boolean;
}

/** Limits for reading a body. */
export interface BodyLimits {
  /** Largest body accepted, in bytes. */
  readonly limit: number;
  /** Longest time the whole body may take to arrive, in milliseconds. */
  readonly timeoutMs: number;
}

/** A body read: the parsed JSON value, or the error response to send. */
export type BodyResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly status: number; readonly errorId: IcwsErrorId; readonly message: string };

/** A failed body read. @internal */
export type BodyFailure = Extract<BodyResult, { ok: false }>;

/**
 * A JSON reply with the ICWS media type and `Cache-Control: no-store`.
 *
 * @param status - the HTTP status
 * @param body - any JSON-serialisable value
 * @param headers - extra headers, after the standard ones
 * @returns the reply
 * @example
 * ```ts
 * jsonReply(200, plan.details('6929')).body; // '{"rawText":"6929",...}'
 * ```
 * @internal
 */
export function jsonReply(status: number, body: unknown, headers: ReplyHeaders = {}): Reply {
  return { status, headers: { 'Content-Type': ICWS_CONTENT_TYPE, 'Cache-Control': 'no-store', ...headers }, body: JSON.stringify(body) };
}

/**
 * The headers of every 200 answer of the query-details route: those of {@link jsonReply} without extras, built once
 * (not spread into a new object per request); the transports recognise this very object and send prebuilt headers.
 * @internal
 */
export const OK_HEADERS: ReplyHeaders = { 'Content-Type': ICWS_CONTENT_TYPE, 'Cache-Control': 'no-store' };

/**
 * An ICWS error reply `{ errorId, message }`; a 401 also carries the `WWW-Authenticate` challenge.
 *
 * @param status - the HTTP status
 * @param errorId - the stable id
 * @param message - for people; never internal detail
 * @param headers - extra headers (for example `Allow` on a 405)
 * @returns the reply
 * @example
 * ```ts
 * errorReply(404, ICWS_ERROR_IDS.notFound, 'No such resource.').status; // 404
 * ```
 * @internal
 */
export function errorReply(status: number, errorId: IcwsErrorId, message: string, headers: ReplyHeaders = {}): Reply {
  const body: IcwsError = { errorId, message };
  return jsonReply(status, body, status === 401 ? { 'WWW-Authenticate': WWW_AUTHENTICATE, ...headers } : headers);
}

/**
 * The reply to a failed body read: after a 408 or a 413 it says `Connection: close` and asks the transport to close.
 *
 * @param failure - the failed read
 * @returns the reply
 * @example
 * ```ts
 * bodyFailureReply(bodyTooLarge(1024)).close; // true
 * ```
 * @internal
 */
export function bodyFailureReply(failure: BodyFailure): Reply {
  const close = failure.status === 413 || failure.status === 408;
  const reply = errorReply(failure.status, failure.errorId, failure.message, close ? { Connection: 'close' } : {});
  return close ? { ...reply, close } : reply;
}

/** The generic 500. @internal */
export const INTERNAL_ERROR_REPLY: Reply = /* @__PURE__ */ errorReply(500, ICWS_ERROR_IDS.internal, 'An unexpected error occurred.');

/**
 * Whether a `Content-Type` header names JSON: `application/json` or any `application/...+json` type (the ICWS clients'
 * `application/vnd.inin.icws+JSON`), compared case-insensitively, whatever its parameters (`;charset=utf-8`).
 *
 * @param contentType - the header value, if any
 * @returns true for a JSON media type
 * @example
 * ```ts
 * isJsonContentType('application/json; charset=utf-8'); // true
 * ```
 */
export function isJsonContentType(contentType: string | null | undefined): boolean {
  if (contentType === undefined || contentType === null) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * The 413 of a body over the limit.
 *
 * @param limit - the limit, in bytes
 * @returns the failure
 * @example
 * ```ts
 * bodyTooLarge(1024).status; // 413
 * ```
 * @internal
 */
export function bodyTooLarge(limit: number): BodyFailure {
  return { ok: false, status: 413, errorId: ICWS_ERROR_IDS.entityTooLarge, message: `The request body is larger than ${limit} bytes.` };
}

/**
 * The 408 of a body that did not arrive in time.
 *
 * @param timeoutMs - the time allowed
 * @returns the failure
 * @example
 * ```ts
 * bodyTimedOut(10_000).status; // 408
 * ```
 * @internal
 */
export function bodyTimedOut(timeoutMs: number): BodyFailure {
  return { ok: false, status: 408, errorId: ICWS_ERROR_IDS.timeout, message: `The request body did not arrive within ${timeoutMs} ms.` };
}

/** The 400 of a body whose stream failed. @internal */
export const BODY_UNREADABLE: BodyFailure = {
  ok: false,
  status: 400,
  errorId: ICWS_ERROR_IDS.invalidRepresentation,
  message: 'The request body could not be read.',
};

// fatal: bytes that are not UTF-8 are refused, not turned into U+FFFD (a query of replacement characters would
// answer for a number nobody sent). A leading byte order mark is dropped, as JSON readers commonly allow.
const utf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes (strict UTF-8) and parses a whole body.
 *
 * @param bytes - the body
 * @returns the value, or a 400 for a body that is missing, not UTF-8 or not JSON
 * @example
 * ```ts
 * parseJsonBody(new TextEncoder().encode('{"phoneNumber":"6929"}')); // { ok: true, value: {...} }
 * ```
 * @internal
 */
export function parseJsonBody(bytes: Uint8Array): BodyResult {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, status: 400, errorId: ICWS_ERROR_IDS.invalidRepresentation, message: 'The request body is not valid UTF-8.' };
  }
  if (text.trim() === '') {
    return { ok: false, status: 400, errorId: ICWS_ERROR_IDS.invalidRepresentation, message: 'The request body is missing.' };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: 400, errorId: ICWS_ERROR_IDS.invalidRepresentation, message: 'The request body is not valid JSON.' };
  }
}

/**
 * The path of a request URL, without its query string. A target in absolute form (`http://host:8019/icws/...`, which
 * RFC 9112 3.2.2 says a server must accept) gives its path too, `/` when it has none.
 *
 * @param url - `req.url`
 * @returns the path
 * @example
 * ```ts
 * pathOf('/icws/1/connection?x=1'); // '/icws/1/connection'
 * pathOf('http://ic1:8019/icws/connection'); // '/icws/connection'
 * ```
 */
export function pathOf(url: string | undefined): string {
  let u = url ?? '/';
  // Origin form, nearly every request, starts with `/`; only anything else is looked at for a scheme and authority.
  if (u.charCodeAt(0) !== 47) {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(u);
    if (scheme !== null) u = u.length === scheme[0].length || u.charCodeAt(scheme[0].length) !== 47 ? `/${u.slice(scheme[0].length)}` : u.slice(scheme[0].length);
  }
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
}

/** What the contract reads of a request before its body. @internal */
export interface RequestHead {
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  readonly csrfToken: string | undefined;
  readonly cookie: string | undefined;
  readonly contentType: string | undefined;
}

/**
 * The outcome of the checks before the body: a reply to send at once, `'next'` (not this handler's path) or
 * `'read-body'`.
 * @internal
 */
export type HeadOutcome = Reply | 'next' | 'read-body';

/** The transport-independent query-details endpoint. @internal */
export interface QueryDetailsContract {
  /**
   * Checks removed routes, path, method, session and content type, in that order.
   *
   * @param head - the request line and headers
   */
  head(head: RequestHead): HeadOutcome | Promise<HeadOutcome>;
  /**
   * Answers a request whose body was read, with the plan current at this moment.
   *
   * @param body - the body read
   */
  answer(body: BodyResult): Reply;
  /** The body limits. */
  readonly limits: BodyLimits;
  /**
   * Replaces the plan.
   *
   * @param plan - the new plan
   */
  setPlan(plan: DialPlan): void;
  /** The plan in use. */
  readonly plan: DialPlan;
}

// Case-insensitive like every route of `dialplan serve` (clients write both /icws and /ICWS); the session id keeps its case.
const ROUTE = /^\/icws\/([^/]+)\/phone-numbers\/query-details\/?$/i;
const DEFAULT_BODY_LIMIT = 16 * 1024;
const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/**
 * Creates the contract both handlers adapt. Unexpected failures throw (or reject); the adapters answer them with
 * {@link INTERNAL_ERROR_REPLY} and tell `onError`.
 *
 * @param options - plan, session check and limits
 * @returns the contract
 * @example
 * ```ts
 * const contract = createQueryDetailsContract({ plan, verifySession: () => true });
 * ```
 * @internal
 */
export function createQueryDetailsContract(options: QueryDetailsHandlerOptions): QueryDetailsContract {
  let plan = options.plan;
  const limits: BodyLimits = {
    limit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    timeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
  };
  const removed = (options.removedRoutes ?? []).map(compileRoute);
  const queryOptions = options.location !== undefined ? { location: options.location } : {};
  const detailsJson = createDetailsSerializer();

  const afterSession = (verified: boolean, contentType: string | undefined): HeadOutcome => {
    if (!verified) return errorReply(401, ICWS_ERROR_IDS.authenticationFailure, 'The session is unknown or has expired.');
    if (!isJsonContentType(contentType)) return errorReply(415, ICWS_ERROR_IDS.unsupportedMediaType, UNSUPPORTED_MEDIA_TYPE_MESSAGE);
    return 'read-body';
  };

  const contract: QueryDetailsContract = {
    limits,
    head({ method, path, csrfToken: csrf, cookie, contentType }) {
      if (removed.some((r) => r.test(path))) return errorReply(410, ICWS_ERROR_IDS.gone, 'This resource has been removed from the API.');
      const route = ROUTE.exec(path);
      if (!route) return 'next';
      if (method !== 'POST') {
        return errorReply(405, ICWS_ERROR_IDS.methodNotAllowed, 'Only POST is allowed on this resource.', { Allow: 'POST' });
      }
      const sessionId = decodeSegment(route[1] ?? '');
      if (csrf === undefined || csrf === '' || cookie === undefined || cookie === '' || sessionId === undefined) {
        return errorReply(401, ICWS_ERROR_IDS.authenticationFailure, 'The session token or cookie is missing.');
      }
      // A synchronous answer is used at once; only a promise is awaited (a microtask less per request).
      const verified = options.verifySession({ sessionId, csrfToken: csrf, cookie });
      if (typeof verified === 'boolean') return afterSession(verified, contentType);
      return verified.then((v) => afterSession(v, contentType));
    },
    answer(body) {
      if (!body.ok) return bodyFailureReply(body);
      const value = body.value;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return errorReply(400, ICWS_ERROR_IDS.invalidRepresentation, 'The request body must be a phoneNumberDetailsQuery object.');
      }
      const phoneNumber = (value as Record<string, unknown>)['phoneNumber'];
      if (phoneNumber === undefined) return errorReply(400, ICWS_ERROR_IDS.missingParameter, 'The phoneNumber property is required.');
      if (typeof phoneNumber !== 'string') return errorReply(400, ICWS_ERROR_IDS.invalidParameter, 'The phoneNumber property must be a string.');
      // The plan is read only now, after every await of the adapter: a swap during the body read is seen by this request.
      const r = plan.query(phoneNumber, queryOptions);
      if (r.ok) return { status: 200, headers: OK_HEADERS, body: detailsJson(r.details) };
      if (r.error.code === 'EMPTY') return errorReply(400, ICWS_ERROR_IDS.phoneNumberEmpty, r.error.message);
      if (r.error.code === 'TOO_LONG') return errorReply(400, ICWS_ERROR_IDS.phoneNumberTooLong, r.error.message);
      // NOT_A_STRING cannot happen (checked above); UNKNOWN_LOCATION is a server configuration fault, not the client's.
      throw new Error(`query failed: ${r.error.code}`);
    },
    setPlan(p) {
      plan = p;
    },
    get plan() {
      return plan;
    },
  };
  return contract;
}

/** The 404 of a path no route serves. @internal */
export const NOT_FOUND_REPLY: Reply = /* @__PURE__ */ errorReply(404, ICWS_ERROR_IDS.notFound, 'No resource at this path.');

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

/** A character that `JSON.stringify` writes escaped (control characters, `"`, `\\`) or may (surrogates: lone ones are). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * Creates the serializer of the 200 answer's body: exactly `JSON.stringify(details)` (a test holds it to that), at about
 * half the cost. The five texts of the number are written as they are when nothing in them needs escaping; the fields
 * after `extension` depend only on the dial-plan entry (outside the directory), so their text is cached per entry: the
 * entry's `classifications` array (one per entry, by identity), the flags and the default classification pick it.
 * Bounded, in case a plan hands out new arrays: past the bound, those fields are serialized each time.
 *
 * @returns the serializer
 * @example
 * ```ts
 * const json = createDetailsSerializer();
 * json(details) === JSON.stringify(details); // true
 * ```
 * @internal
 */
export function createDetailsSerializer(): (d: PhoneNumberDetails) => string {
  const tails = new Map<readonly string[], (readonly [string, string] | undefined)[]>();
  const tailOf = (d: PhoneNumberDetails): string =>
    `,"defaultClassification":${jsonString(d.defaultClassification)},"classifications":${JSON.stringify(d.classifications)},` +
    `"internal":${d.internal},"queueType":${JSON.stringify(d.queueType)},"queueName":${jsonString(d.queueName)},` +
    `"voicemailCapable":${d.voicemailCapable},"dialCapable":${d.dialCapable},"autoDialExtension":${d.autoDialExtension}}`;
  const cachedTail = (d: PhoneNumberDetails): string => {
    if (d.queueName !== '') return tailOf(d);
    let slots = tails.get(d.classifications);
    if (slots === undefined) {
      if (tails.size >= 1024) return tailOf(d);
      slots = [];
      tails.set(d.classifications, slots);
    }
    const slot = (d.internal ? 1 : 0) | (d.voicemailCapable ? 2 : 0) | (d.dialCapable ? 4 : 0) | (d.autoDialExtension ? 8 : 0) | (d.queueType << 4);
    const hit = slots[slot];
    if (hit !== undefined && hit[0] === d.defaultClassification) return hit[1];
    const text = tailOf(d);
    slots[slot] = [d.defaultClassification, text];
    return text;
  };
  return (d) =>
    `{"rawText":${jsonString(d.rawText)},"normalizedText":${jsonString(d.normalizedText)},"displayText":${jsonString(d.displayText)},` +
    `"editBase":${jsonString(d.editBase)},"extension":${jsonString(d.extension)}${cachedTail(d)}`;
}
