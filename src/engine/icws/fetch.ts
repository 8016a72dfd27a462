/**
 * The ICWS query-details endpoint as a web-standard fetch handler, `(request: Request) => Promise<Response>`, for
 * `Deno.serve`, `Bun.serve`, Cloudflare Workers and Hono (`app.mount`). The same contract as the `node:http` handler
 * (contract.ts decides every answer); this module only reads a `Request` and builds a `Response`. Platform-neutral:
 * nothing from `node:`.
 */
import type { DialPlan } from '../plan/plan.js';
import type { BodyLimits, BodyResult, QueryDetailsHandlerOptions, Reply } from './contract.js';
import {
  BODY_UNREADABLE,
  bodyTimedOut,
  bodyTooLarge,
  createQueryDetailsContract,
  CSRF_HEADER,
  INTERNAL_ERROR_REPLY,
  NOT_FOUND_REPLY,
  parseJsonBody,
} from './contract.js';

/** Options of {@link createFetchHandler}: the same as those of {@link createQueryDetailsHandler}. */
export type FetchHandlerOptions = QueryDetailsHandlerOptions;

/** A fetch handler, with a way to swap the plan. */
export interface FetchHandler {
  /**
   * Answers one request. Extra arguments (Deno's `info`, a Worker's `env` and `ctx`, Bun's `server`) are ignored.
   *
   * @param request - the request
   */
  (request: Request, ...rest: unknown[]): Promise<Response>;
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
 * Creates the query-details endpoint as a web-standard fetch handler: the same statuses, headers and bodies as
 * {@link createQueryDetailsHandler} (200 with exactly the details object; ICWS error bodies with 400, 401, 404, 405,
 * 408, 410, 413, 415 or 500; `Content-Type: application/vnd.inin.icws+JSON; charset=utf-8` on every answer; the
 * `WWW-Authenticate` challenge on a 401), the same session check, limits and removed routes. Any path but the route is
 * a 404 (mount it where it should answer). Runs wherever `Request`, `Response` and `TextDecoder` exist: Deno, Bun,
 * Cloudflare Workers, Node.js 18 and later, the browser (a service worker).
 *
 * @param options - plan, session check and limits (as for {@link createQueryDetailsHandler})
 * @returns `(request: Request) => Promise<Response>`, with `setPlan`
 * @example
 * ```ts
 * const handler = createFetchHandler({ plan: loadDefaultDialPlan(), verifySession: (s) => mySessions.check(s) });
 * Deno.serve({ port: 8019 }, handler); // or: export default { fetch: handler } (Workers); app.mount('/', handler) (Hono)
 * ```
 */
export function createFetchHandler(options: FetchHandlerOptions): FetchHandler {
  // The contract (contract.ts) decides every answer; this adapter only reads Requests and builds Responses.
  const contract = createQueryDetailsContract(options);

  const handle = async (request: Request): Promise<Response> => {
    const h = request.headers;
    const outcome = await contract.head({
      method: request.method,
      path: new URL(request.url).pathname,
      csrfToken: h.get(CSRF_HEADER) ?? undefined,
      cookie: h.get('cookie') ?? undefined,
      contentType: h.get('content-type') ?? undefined,
    });
    if (outcome === 'next') return toResponse(NOT_FOUND_REPLY);
    if (outcome !== 'read-body') return toResponse(outcome);
    return toResponse(contract.answer(await readRequestBody(request, contract.limits)));
  };

  const handler = (async (request: Request): Promise<Response> => {
    try {
      return await handle(request);
    } catch (e) {
      options.onError?.(e);
      return toResponse(INTERNAL_ERROR_REPLY);
    }
  }) as FetchHandler;
  handler.setPlan = (p: DialPlan): void => contract.setPlan(p);
  Object.defineProperty(handler, 'plan', { get: () => contract.plan, enumerable: true });
  return handler;
}

function toResponse(reply: Reply): Response {
  const headers = new Headers();
  for (const k in reply.headers) {
    const v = reply.headers[k] as string | readonly string[];
    if (typeof v === 'string') headers.set(k, v);
    else for (const one of v) headers.append(k, one);
  }
  // Content-Length is the runtime's: it is computed from the string body.
  return new Response(reply.body, { status: reply.status, headers });
}

/**
 * Reads a request body within the limits: 413 when the declared or streamed size exceeds the limit (the stream is
 * cancelled, not read to its end), 408 when it does not arrive in time, 400 when it is missing, not UTF-8 or not JSON.
 */
async function readRequestBody(request: Request, limits: BodyLimits): Promise<BodyResult> {
  const declared = Number(request.headers.get('content-length') ?? undefined);
  if (Number.isFinite(declared) && declared > limits.limit) {
    void request.body?.cancel().catch(() => undefined);
    return bodyTooLarge(limits.limit);
  }
  if (request.body === null) return parseJsonBody(new Uint8Array(0));
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const read = async (): Promise<BodyResult> => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limits.limit) return bodyTooLarge(limits.limit);
      chunks.push(value);
    }
    // A small body comes in one chunk: parsed as it is, without a copy.
    if (chunks.length === 1) return parseJsonBody(chunks[0] as Uint8Array);
    const all = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.byteLength;
    }
    return parseJsonBody(all);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<BodyResult>((resolve) => {
    timer = setTimeout(() => resolve(bodyTimedOut(limits.timeoutMs)), limits.timeoutMs);
  });
  const result = await Promise.race([read().catch((): BodyResult => BODY_UNREADABLE), timeout]);
  clearTimeout(timer);
  // After a failure the rest of the body is not worth reading: release the stream.
  if (!result.ok) reader.cancel().catch(() => undefined);
  return result;
}
