// Shared by the HTTP specs: a server on an ephemeral loopback port, and small request helpers.
import type { IncomingMessage, RequestListener, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function listen(serverOrListener: Server | RequestListener): Promise<{ base: string; port: number; close: () => Promise<void> }> {
  const server = typeof serverOrListener === 'function' ? createServer(serverOrListener) : serverOrListener;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

export async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  const r = await fetch(url, init);
  const text = await r.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: r.status, headers: r.headers, body };
}

export function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Reply> {
  return call(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** A valid plan with n entries: large, slow to parse, and legitimate. */
export function bigPlan(n: number): string {
  const lines = ['name: big', 'classifications:', '  - name: Local', 'dialPlan:'];
  for (let i = 0; i < n; i++) lines.push(`  - name: e${i}`, `    match: "${1_000_000 + i}XXXX"`, '    classification: Local');
  return lines.join('\n') + '\n';
}

/** The classic billion-laughs shape: nine levels of nine aliases each (459 bytes or so). */
export function aliasBomb(): string {
  let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let prev = 'a';
  for (const k of 'bcdefghi') {
    text += `${k}: &${k} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
    prev = k;
  }
  return text + 'name: bomb\ndialPlan: *i\n';
}

/**
 * A node:http listener that serves a web-standard fetch handler, the way Deno, Bun or `@hono/node-server` do: the
 * request (headers and streamed body) becomes a `Request`, the `Response` is written back as it is. A response that
 * says `Connection: close` closes the connection once sent, as node:http does after the handler's own 408 and 413.
 */
export function fetchListener(handler: (request: Request) => Promise<Response>): RequestListener {
  return (req, res) => {
    const socket = req.socket;
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (Array.isArray(v)) for (const one of v) headers.append(k, one);
      else if (v !== undefined) headers.set(k, v);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      ...(hasBody ? { body: bodyStream(req), duplex: 'half' } : {}),
    } as RequestInit);
    void handler(request).then(async (response) => {
      const out: string[] = [];
      response.headers.forEach((v, k) => out.push(k, v));
      const body = Buffer.from(await response.arrayBuffer());
      if (response.headers.get('connection') === 'close') res.on('finish', () => socket.destroy());
      out.push('Content-Length', String(body.length));
      res.writeHead(response.status, out);
      res.end(body);
    });
  };
}

/** The body of a node:http request as a web stream; a cancelled stream stops reading (no backpressure: tests only). */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let closed = false;
  return new ReadableStream<Uint8Array>({
    start(c) {
      req.on('data', (d: Buffer) => {
        if (!closed) c.enqueue(new Uint8Array(d));
      });
      req.on('end', () => {
        if (!closed) c.close();
        closed = true;
      });
      req.on('error', (e) => {
        if (!closed) c.error(e);
        closed = true;
      });
    },
    cancel() {
      closed = true;
      req.pause();
    },
  });
}
