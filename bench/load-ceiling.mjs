/**
 * The servers `bench/load.mjs` measures `dialplan serve` against, each started as its own process on 127.0.0.1 with an
 * ephemeral port; each prints one JSON line on standard output once it listens: `{ "url": ..., ... }`.
 *
 * - `fixed BYTES`: the ceiling, the simplest `node:http` server: every request answered 200 with the same JSON body of
 *   BYTES bytes (the average size of a query-details answer), with the headers `dialplan serve` sends.
 * - `handler`: the embedded endpoint, `createQueryDetailsHandler` on a bare `http.createServer`, with the library's
 *   session store; prints the session's id, CSRF token and cookie as well.
 */
import { createServer } from 'node:http';

const [mode, bytesArg] = process.argv.slice(2);
let server;
let extra = {};
if (mode === 'fixed') {
  const bytes = Number(bytesArg);
  const body = Buffer.from(JSON.stringify({ padding: 'x'.repeat(Math.max(0, bytes - 14)) }));
  const headers = { 'Content-Type': 'application/vnd.inin.icws+JSON; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store' };
  server = createServer((req, res) => {
    res.writeHead(200, headers);
    res.end(body);
  });
} else if (mode === 'handler') {
  const { createQueryDetailsHandler, createSessionStore, loadDefaultDialPlan } = await import(process.env.BENCH_DIST ?? '../dist/index.js');
  const sessions = createSessionStore();
  const s = sessions.create('load');
  extra = { sessionId: s.sessionId, csrfToken: s.csrfToken, cookie: `${s.cookieName}=${s.cookieValue}` };
  server = createServer(createQueryDetailsHandler({ plan: loadDefaultDialPlan(), verifySession: (c) => sessions.verify(c) }));
} else {
  console.error('usage: node bench/load-ceiling.mjs fixed BYTES | handler');
  process.exit(2);
}
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, ...extra }));
});
process.on('SIGTERM', () => process.exit(0));
