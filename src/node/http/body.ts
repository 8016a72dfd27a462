/**
 * Reading a JSON request body with a size limit and a time limit. Both limits exist for hostile clients: a huge body
 * would fill memory, and a body trickled a byte at a time (slow loris) would hold a connection open forever.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BodyFailure, BodyLimits, BodyResult } from '../../engine/icws/contract.js';
import { BODY_UNREADABLE, bodyFailureReply, bodyTimedOut, bodyTooLarge, parseJsonBody } from '../../engine/icws/contract.js';
import { sendReply } from './respond.js';

export { isJsonContentType } from '../../engine/icws/contract.js';
export type { BodyLimits, BodyResult } from '../../engine/icws/contract.js';

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
export function sendBodyError(req: IncomingMessage, res: ServerResponse, failure: BodyFailure): void {
  const reply = bodyFailureReply(failure);
  if (reply.close) res.on('finish', () => req.socket.destroy());
  sendReply(res, reply);
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
  if (Number.isFinite(declared) && declared > limits.limit) return Promise.resolve(bodyTooLarge(limits.limit));
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
      if (size > limits.limit) finish(bodyTooLarge(limits.limit));
      else chunks.push(chunk);
    };
    // A small body comes in one chunk: parsed as it is, without a copy.
    const onEnd = (): void => finish(parseJsonBody(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    const onError = (): void => finish(BODY_UNREADABLE);
    const timer = setTimeout(() => finish(bodyTimedOut(limits.timeoutMs)), limits.timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
