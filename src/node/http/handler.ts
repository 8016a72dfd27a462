/**
 * The ICWS `POST /icws/{sessionId}/phone-numbers/query-details` endpoint as a plain `node:http` request listener, so
 * any Node server (bare `http.createServer`, Express, Connect, ...) can embed it without a web framework.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DialPlan } from '../../engine/plan/plan.js';
import { readJsonBody, sendBodyError } from './body.js';
import type { QueryDetailsHandlerOptions } from '../../engine/icws/contract.js';
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

  const handle = async (req: IncomingMessage, res: ServerResponse, next?: () => void): Promise<void> => {
    const h = req.headers;
    const csrf = h['inin-icws-csrf-token'];
    const head = contract.head({
      method: req.method ?? '',
      path: pathOf(req.url),
      csrfToken: typeof csrf === 'string' ? csrf : undefined,
      cookie: h.cookie,
      contentType: h['content-type'],
    });
    // A synchronous outcome is used at once; only a promise is awaited (a microtask less per request).
    const outcome = typeof head === 'object' && 'then' in head ? await head : head;
    if (outcome === 'next') return next ? next() : sendReply(res, NOT_FOUND_REPLY);
    if (outcome !== 'read-body') return sendReply(res, outcome);
    const body = await readJsonBody(req, contract.limits);
    if (!body.ok) return sendBodyError(req, res, body);
    const reply = contract.answer(body);
    // As before the split: a 200 is written as it is, an error only while the headers are not out.
    if (reply.status === 200) writeReply(res, reply);
    else sendReply(res, reply);
  };

  const handler = ((req: IncomingMessage, res: ServerResponse, next?: () => void): void => {
    handle(req, res, next).catch((e: unknown) => {
      options.onError?.(e);
      sendReply(res, INTERNAL_ERROR_REPLY);
    });
  }) as QueryDetailsHandler;
  handler.setPlan = (p: DialPlan): void => contract.setPlan(p);
  Object.defineProperty(handler, 'plan', { get: () => contract.plan, enumerable: true });
  return handler;
}
