/**
 * The ICWS `POST /icws/{sessionId}/phone-numbers/query-details` endpoint as a plain `node:http` request listener, so
 * any Node server (bare `http.createServer`, Express, Connect, ...) can embed it without a web framework.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DialPlan } from '../../engine/plan/plan.js';
import { readJsonBodyThen, sendBodyError } from './body.js';
import type { HeadOutcome, QueryDetailsHandlerOptions } from '../../engine/icws/contract.js';
import { createQueryDetailsContract, INTERNAL_ERROR_REPLY, NOT_FOUND_REPLY, pathOf } from '../../engine/icws/contract.js';
import { sendReply, writeReply } from './respond.js';

export { CSRF_HEADER, pathOf, UNSUPPORTED_MEDIA_TYPE_MESSAGE } from '../../engine/icws/contract.js';
export type { QueryDetailsHandlerOptions, SessionCredentials, VerifySession } from '../../engine/icws/contract.js';

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
  // The contract (contract.ts) decides every answer; this adapter only reads node:http requests and writes replies.
  const contract = createQueryDetailsContract(options);
  const fail = (res: ServerResponse, e: unknown): void => {
    options.onError?.(e);
    sendReply(res, INTERNAL_ERROR_REPLY);
  };

  // Callbacks, not an async function: a request whose session check is synchronous (the usual one) allocates no promise
  // and waits for no microtask, which at thousands of requests a second is a measurable part of the handler's cost.
  const afterHead = (req: IncomingMessage, res: ServerResponse, next: (() => void) | undefined, outcome: HeadOutcome): void => {
    if (outcome === 'next') return next ? next() : sendReply(res, NOT_FOUND_REPLY);
    if (outcome !== 'read-body') return sendReply(res, outcome);
    readJsonBodyThen(req, contract.limits, (body) => {
      // Called from the request's events: nothing may escape to the emitter (it would end the process).
      try {
        if (!body.ok) return sendBodyError(req, res, body);
        const reply = contract.answer(body);
        // As before the split: a 200 is written as it is, an error only while the headers are not out.
        if (reply.status === 200) writeReply(res, reply);
        else sendReply(res, reply);
      } catch (e) {
        fail(res, e);
      }
    });
  };

  const handler = ((req: IncomingMessage, res: ServerResponse, next?: () => void): void => {
    try {
      const h = req.headers;
      const csrf = h['inin-icws-csrf-token'];
      const head = contract.head({
        method: req.method ?? '',
        path: pathOf(req.url),
        csrfToken: typeof csrf === 'string' ? csrf : undefined,
        cookie: h.cookie,
        contentType: h['content-type'],
      });
      // A synchronous outcome is used at once; only a promise is waited for.
      if (typeof head === 'object' && 'then' in head) {
        head.then(
          (outcome) => {
            try {
              afterHead(req, res, next, outcome);
            } catch (e) {
              fail(res, e);
            }
          },
          (e: unknown) => fail(res, e),
        );
      } else afterHead(req, res, next, head);
    } catch (e) {
      fail(res, e);
    }
  }) as QueryDetailsHandler;
  handler.setPlan = (p: DialPlan): void => contract.setPlan(p);
  Object.defineProperty(handler, 'plan', { get: () => contract.plan, enumerable: true });
  return handler;
}
