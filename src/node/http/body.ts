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
  return new Promise((resolve) => readJsonBodyThen(req, limits, resolve));
}

/**
 * {@link readJsonBody} with a callback instead of a promise, for the query-details handler: a promise and its
 * microtask per request are measurable at thousands of requests a second.
 *
 * @param req - the request
 * @param limits - size and time limits
 * @param done - called once, with the parsed value or the error to answer with
 * @returns nothing
 * @example
 * ```ts
 * readJsonBodyThen(req, limits, (body) => (body.ok ? answer(body.value) : sendBodyError(req, res, body)));
 * ```
 * @internal
 */
export function readJsonBodyThen(req: IncomingMessage, limits: BodyLimits, done: (r: BodyResult) => void): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.limit) return done(bodyTooLarge(limits.limit));
  // Behind a body parser (Express's express.json(), body-parser, ...) the stream was read to its end before this
  // handler ran: no 'data' or 'end' event will come, and waiting for one only ended in a 408. What the parser left in
  // `req.body` is used instead, with the same checks.
  if (req.readableEnded) return done(bodyLeftByParser((req as IncomingMessage & { body?: unknown }).body, limits.limit));
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (r: BodyResult): void => {
    if (finished) return;
    finished = true;
    deadlines.remove(pending);
    if (!r.ok) {
      // The rest of the body is not read: no more events for this read. (After a whole body the request has nothing
      // more to say, and its listeners go with it.)
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.pause();
    }
    done(r);
  };
  const onData = (chunk: Buffer): void => {
    size += chunk.length;
    if (size > limits.limit) finish(bodyTooLarge(limits.limit));
    else chunks.push(chunk);
  };
  // A small body comes in one chunk: parsed as it is, without a copy.
  const onEnd = (): void => finish(parseJsonBody(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
  const onError = (): void => finish(BODY_UNREADABLE);
  const pending: PendingRead = { start: performance.now(), timeoutMs: limits.timeoutMs, expire: () => finish(bodyTimedOut(limits.timeoutMs)) };
  deadlines.add(pending);
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
}

/**
 * The body a parser before the handler left in `req.body`: bytes (express.raw()) and text (express.text()) are checked
 * and parsed as a body read here would be; a value (express.json()) is taken as parsed. Nothing at all means the body
 * went elsewhere: a 400, as for a body missing.
 */
function bodyLeftByParser(body: unknown, limit: number): BodyResult {
  if (typeof body === 'string') body = Buffer.from(body);
  if (body instanceof Uint8Array) return body.length > limit ? bodyTooLarge(limit) : parseJsonBody(body);
  return body === undefined ? parseJsonBody(new Uint8Array(0)) : { ok: true, value: body };
}

/** A body read waiting for its end, with its deadline. */
interface PendingRead {
  readonly start: number;
  readonly timeoutMs: number;
  readonly expire: () => void;
}

/**
 * The deadlines of the body reads in progress, checked by one timer for all of them: a `setTimeout` and a
 * `clearTimeout` per request (a timer object, a list insert and removal) cost more than the whole query. Reads with the
 * same time limit are kept in start order, so a check looks at the oldest only. A read expires between its limit and
 * one check interval later (a tenth of the limit, 5 ms to 1 s).
 *
 * The timer and the sets outlive the reads: a busy server's body reads mostly start and end in the same turn of the
 * event loop, one at a time, so stopping the timer (and dropping the set) whenever no read was left, and starting them
 * again for the next request, was a `setInterval`, a `clearInterval` and a new `Set` per request all the same. A check
 * that finds no read in progress stops the timer instead. While no read is in progress the timer is unref'd, so it never
 * keeps the process alive by itself; a read in progress refs it (a flag and a count, far cheaper than a new timer).
 */
const deadlines = ((): { add(p: PendingRead): void; remove(p: PendingRead): void } => {
  const byTimeout = new Map<number, Set<PendingRead>>();
  let count = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let every = Infinity;
  const check = (): void => {
    if (count === 0) {
      clearInterval(timer);
      timer = undefined;
      every = Infinity;
      byTimeout.clear();
      return;
    }
    const now = performance.now();
    for (const reads of byTimeout.values()) {
      for (const p of reads) {
        if (now - p.start < p.timeoutMs) break;
        p.expire();
      }
    }
  };
  const schedule = (timeoutMs: number): void => {
    const interval = Math.min(1000, Math.max(5, Math.floor(timeoutMs / 10)));
    if (timer !== undefined && interval >= every) return;
    if (timer !== undefined) clearInterval(timer);
    every = interval;
    timer = setInterval(check, interval);
    if (count === 0) timer.unref?.();
  };
  return {
    add(p) {
      let reads = byTimeout.get(p.timeoutMs);
      if (reads === undefined) byTimeout.set(p.timeoutMs, (reads = new Set()));
      reads.add(p);
      if (count++ === 0) timer?.ref?.();
      schedule(p.timeoutMs);
    },
    remove(p) {
      const reads = byTimeout.get(p.timeoutMs);
      if (reads !== undefined && reads.delete(p) && --count === 0) timer?.unref?.();
    },
  };
})();
