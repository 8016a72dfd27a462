// Shared by the HTTP specs: a server on an ephemeral loopback port, and small request helpers.
import type { RequestListener, Server } from 'node:http';
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
