/**
 * Reading a JSON request body with a size limit and a time limit. Both limits exist for hostile clients: a huge body
 * would fill memory, and a body trickled a byte at a time (slow loris) would hold a connection open forever.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IcwsErrorId } from './respond.js';
import { ICWS_ERROR_IDS, sendError } from './respond.js';

/** Limits for {@link readJsonBody}. */
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

/**
 * Answers a failed body read. After a 408 or a 413 the rest of the body is not worth reading (it is stalled, or too
 * large): the response says `Connection: close` and the connection is closed once it is sent, on every route.
 *
 * @param req - the request whose body failed
 * @param res - its response, headers not yet sent
 * @param failure - the failure from {@link readJsonBody}
 * @returns nothing; the response is ended
 * @example
 * ```ts
 * const body = await readJsonBody(req, limits);
 * if (!body.ok) return sendBodyError(req, res, body);
 * ```
 */
export function sendBodyError(req: IncomingMessage, res: ServerResponse, failure: Extract<BodyResult, { ok: false }>): void {
  const close = failure.status === 413 || failure.status === 408;
  if (close) res.on('finish', () => req.socket.destroy());
  sendError(res, failure.status, failure.errorId, failure.message, close ? { Connection: 'close' } : {});
}

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
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Reads and parses the JSON body of a request. Expected failures are values: 413 when the body (or its declared length)
 * exceeds the limit, 408 when it does not arrive in time, 400 when it is missing, not valid UTF-8 or not JSON. After a
 * 413 or 408 the request stream is left unread; the caller should close the connection ({@link sendBodyError} does).
 *
 * @param req - the request
 * @param limits - size and time limits
 * @returns the parsed value or the error to answer with
 * @example
 * ```ts
 * const body = await readJsonBody(req, { limit: 16384, timeoutMs: 10_000 });
 * if (!body.ok) return sendError(res, body.status, body.errorId, body.message);
 * ```
 */
export function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.limit) return Promise.resolve(tooLarge(limits.limit));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (!r.ok) req.pause();
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limits.limit) finish(tooLarge(limits.limit));
      else chunks.push(chunk);
    };
    // A small body comes in one chunk: parsed as it is, without a copy.
    const onEnd = (): void => finish(parseBody(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    const onError = (): void =>
      finish({ ok: false, status: 400, errorId: ICWS_ERROR_IDS.invalidRepresentation, message: 'The request body could not be read.' });
    const timer = setTimeout(
      () => finish({ ok: false, status: 408, errorId: ICWS_ERROR_IDS.timeout, message: `The request body did not arrive within ${limits.timeoutMs} ms.` }),
      limits.timeoutMs,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(limit: number): BodyResult {
  return { ok: false, status: 413, errorId: ICWS_ERROR_IDS.entityTooLarge, message: `The request body is larger than ${limit} bytes.` };
}

// fatal: bytes that are not UTF-8 are refused, not turned into U+FFFD (a query of replacement characters would
// answer for a number nobody sent). A leading byte order mark is dropped, as JSON readers commonly allow.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseBody(bytes: Buffer): BodyResult {
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
