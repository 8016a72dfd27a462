/**
 * ICWS error responses on `node:http`: writing the replies of the transport-independent contract (contract.ts, where
 * the stable error ids live). Every id is documented in `docs/icws.md`; clients branch on `errorId`, so an id never
 * changes once published.
 */
import type { ServerResponse } from 'node:http';
import type { IcwsErrorId, Reply, ReplyHeaders } from '../../engine/icws/contract.js';
import { errorReply, ICWS_CONTENT_TYPE, jsonReply, OK_HEADERS } from '../../engine/icws/contract.js';

export { ICWS_ERROR_IDS, ICWS_CONTENT_TYPE, WWW_AUTHENTICATE } from '../../engine/icws/contract.js';
export type { IcwsError, IcwsErrorId } from '../../engine/icws/contract.js';

/**
 * Writes a reply of the contract: `Content-Type`, `Content-Length`, then its other headers, then its body.
 *
 * @param res - the response, headers not yet sent
 * @param reply - the reply
 * @returns nothing; the response is ended
 * @example
 * ```ts
 * writeReply(res, jsonReply(200, { ok: true }));
 * ```
 * @internal
 */
export function writeReply(res: ServerResponse, reply: Reply): void {
  const text = reply.body;
  if (reply.headers === OK_HEADERS) {
    // The query-details answer: its headers as a literal list, in the order below.
    res.writeHead(reply.status, ['Content-Type', ICWS_CONTENT_TYPE, 'Content-Length', Buffer.byteLength(text), 'Cache-Control', 'no-store'] as unknown as string[]);
    res.end(text);
    return;
  }
  // One writeHead with the headers as a flat list, rather than a setHeader per header (each validates and lower-cases
  // its name into the response's header map): the same bytes on the wire, at a fraction of the cost per request.
  // Headers set on the response before (by an application embedding the handler) are kept: Node merges them.
  const list: (string | number | readonly string[])[] = ['Content-Type', reply.headers['Content-Type'] as string, 'Content-Length', Buffer.byteLength(text)];
  for (const k in reply.headers) if (k !== 'Content-Type') list.push(k, reply.headers[k] as string | readonly string[]);
  res.writeHead(reply.status, list as unknown as string[]);
  res.end(text);
}

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
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: ReplyHeaders = {}): void {
  writeReply(res, jsonReply(status, body, headers));
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
export function sendError(res: ServerResponse, status: number, errorId: IcwsErrorId, message: string, headers: ReplyHeaders = {}): void {
  sendReply(res, errorReply(status, errorId, message, headers));
}

/**
 * Writes a reply unless the headers are already out: then nothing sensible can be said any more, and the connection
 * is cut so the client does not wait for the rest.
 *
 * @param res - the response
 * @param reply - the reply
 * @returns nothing
 * @example
 * ```ts
 * sendReply(res, INTERNAL_ERROR_REPLY);
 * ```
 * @internal
 */
export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeReply(res, reply);
}
