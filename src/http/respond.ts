/**
 * ICWS error responses: the stable error ids, and writing `{ errorId, message }` bodies. Every id is documented in
 * `docs/icws.md`; clients branch on `errorId`, so an id never changes once published.
 */
import type { ServerResponse } from 'node:http';

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
  /** 401: no CSRF token or cookie, an unknown or expired session, or wrong credentials at `/icws/connection`. */
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

/**
 * Writes a JSON response.
 *
 * @param res - the response, headers not yet sent
 * @param status - the HTTP status
 * @param body - any JSON-serialisable value
 * @param headers - extra headers
 * @returns nothing; the response is ended
 * @example
 * ```ts
 * sendJson(res, 200, plan.details('6929'));
 * ```
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): void {
  const text = JSON.stringify(body);
  // One writeHead with the headers as a flat list, rather than a setHeader per header (each validates and lower-cases
  // its name into the response's header map): the same bytes on the wire, at a fraction of the cost per request.
  // Headers set on the response before (by an application embedding the handler) are kept: Node merges them.
  const list: (string | number | readonly string[])[] = ['Content-Type', ICWS_CONTENT_TYPE, 'Content-Length', Buffer.byteLength(text), 'Cache-Control', 'no-store'];
  for (const k in headers) list.push(k, headers[k] as string | readonly string[]);
  res.writeHead(status, list as unknown as string[]);
  res.end(text);
}

/**
 * Writes an ICWS error body `{ errorId, message }`; a 401 also carries the `WWW-Authenticate` challenge.
 *
 * @param res - the response, headers not yet sent
 * @param status - the HTTP status
 * @param errorId - the stable id
 * @param message - for people; never internal detail
 * @param headers - extra headers (for example `Allow` on a 405)
 * @returns nothing; the response is ended
 * @example
 * ```ts
 * sendError(res, 404, ICWS_ERROR_IDS.notFound, 'No such resource.');
 * ```
 */
export function sendError(
  res: ServerResponse,
  status: number,
  errorId: IcwsErrorId,
  message: string,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): void {
  if (res.headersSent) {
    // Nothing sensible can be said any more; cut the connection so the client does not wait for the rest.
    res.destroy();
    return;
  }
  const body: IcwsError = { errorId, message };
  sendJson(res, status, body, status === 401 ? { 'WWW-Authenticate': WWW_AUTHENTICATE, ...headers } : headers);
}
