// The body reader's deadlines: one timer checks every read in progress (issue 20), so each read must still end at its
// own time limit, whatever other reads (with the same or another limit) are waiting, and a body that arrives is never
// cut by a deadline it met.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonBody } from '../../../src/node/http/body.js';

/** A server answering each request with what `readJsonBody` gave, under the time limit of the path (`/100`, `/600`). */
const server = createServer((req, res) => {
  const timeoutMs = Number((req.url ?? '/').slice(1));
  void readJsonBody(req, { limit: 1024, timeoutMs }).then((r) => {
    res.writeHead(r.ok ? 200 : r.status, { Connection: 'close' });
    res.end(JSON.stringify(r.ok ? r.value : r.errorId));
  });
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends the request line and headers, then `body` (part of the declared length) after `delayMs`; resolves to the status and when it came. */
function request(path: string, declared: number, body: string, delayMs = 0): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let got = '';
    sock.on('connect', () => {
      sock.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`);
      setTimeout(() => !sock.destroyed && sock.write(body), delayMs);
    });
    sock.on('data', (d) => (got += d.toString()));
    sock.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(got)?.[1] ?? 0), ms: Date.now() - started }));
    sock.on('error', reject);
    setTimeout(() => sock.destroy(), 5000).unref();
  });
}

describe('readJsonBody deadlines', () => {
  it('ends each stalled read at its own limit, next to reads with another limit and reads that complete', async () => {
    const body = '{"phoneNumber":"6929"}';
    const [short, short2, long, completes, lateButInTime] = await Promise.all([
      request('/100', 100, body),
      request('/100', 100, body),
      request('/600', 100, body),
      request('/600', body.length, body),
      request('/600', body.length, body, 300),
    ]);
    for (const r of [short, short2]) {
      expect(r.status).toBe(408);
      expect(r.ms).toBeGreaterThanOrEqual(95);
      expect(r.ms).toBeLessThan(500);
    }
    expect(long.status).toBe(408);
    expect(long.ms).toBeGreaterThanOrEqual(595);
    expect(long.ms).toBeLessThan(1500);
    expect(completes.status).toBe(200);
    expect(lateButInTime.status).toBe(200);
  });

  it('keeps working after every read has ended (the shared timer stops and starts again)', async () => {
    expect((await request('/100', 100, 'x')).status).toBe(408);
    expect((await request('/100', 2, '{}')).status).toBe(200);
    expect((await request('/100', 100, 'x')).status).toBe(408);
  });
});

describe('readJsonBody deadlines: the shared timer and the process', () => {
  // Uses dist/node/http/body.js (npm run build): a child process with nothing else to keep it alive.
  const body = fileURLToPath(new URL('../../../dist/node/http/body.js', import.meta.url));
  // A read that completes (the timer stays, idle), then one that stalls: it must still get its 408.
  const script = `import { PassThrough } from 'node:stream';
     const { readJsonBody } = await import(${JSON.stringify(body)});
     const request = () => Object.assign(new PassThrough(), { headers: { 'content-length': '10' } });
     const first = request();
     const done = readJsonBody(first, { limit: 1024, timeoutMs: 100 });
     first.end('{"a":1234}');
     const r1 = await done;
     const r2 = await readJsonBody(request(), { limit: 1024, timeoutMs: 100 });
     console.log(r1.ok ? 'ok' : r1.status, r2.ok ? 'ok' : r2.status);`;

  it('keeps the process alive while a read waits for its deadline, and lets it exit once none waits', () => {
    const started = Date.now();
    const waited = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
    expect(waited.stdout.trim()).toBe('ok 408');
    // Once no read is in progress, the timer alone does not hold the process (it would for its 1 s check otherwise).
    expect(waited.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
