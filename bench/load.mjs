/**
 * `npm run bench:load`: load test of `dialplan serve`. Starts the built server in a child process (so the load
 * generator does not share its event loop), logs in once, then sends 20 000 authenticated query-details requests over
 * 50 connections with autocannon (after a 2 000-request warm-up, not counted in the figures), and reports requests/s, latency p50/p99 and errors.
 * Targets (issue 7): 0 errors and p99 under 20 ms. Exit code 1 when a target is missed.
 *
 * Options: --amount N (default 20000), --connections N (default 50).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({ options: { amount: { type: 'string' }, connections: { type: 'string' } } });
const amount = Number(values.amount ?? 20000);
const connections = Number(values.connections ?? 50);
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dialplan-load-'));
const users = join(dir, 'users.json');
const password = 'load-test-password';

const run = (args, env = {}) =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dialplan ${args.join(' ')} exited ${code}`))));
  });

await run(['serve', '--sessions', users, '--add-user', 'load'], { DIALPLAN_PASSWORD: password });
// The server logs to a file, as a deployed one would: a pipe read by this (busy) process would fill up and stall
// the server's synchronous log writes, which measures the pipe, not the server.
const logFile = join(dir, 'serve.log');
const logFd = openSync(logFile, 'w');
const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--sessions', users], { stdio: ['ignore', 'ignore', logFd] });
closeSync(logFd);
let log = '';
const base = await (async () => {
  for (let i = 0; i < 200; i++) {
    log = readFileSync(logFile, 'utf8');
    const m = /listening on (http:\/\/[^\s]+)/.exec(log);
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not start:\n${log}`);
})();

try {
  const login = await fetch(`${base}/icws/connection`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userID: 'load', password }),
  });
  if (login.status !== 201) throw new Error(`login failed: ${login.status}`);
  const session = await login.json();
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  // A mix of the seed examples and other shapes, so the plan does real work.
  const numbers = ['8004562354', '6929', '317-555-0123', '1 (212) 555-0199', '011 44 20 7946 0958', 'sip:alice@example.com', '911', '5550123'];
  let i = 0;
  const load = (n) =>
    autocannon({
      url: `${base}/icws/${session.sessionId}/phone-numbers/query-details`,
      method: 'POST',
      connections,
      amount: n,
      headers: { 'Content-Type': 'application/json', 'ININ-ICWS-CSRF-Token': session.csrfToken, Cookie: cookie },
      requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ phoneNumber: numbers[i++ % numbers.length] }) }) }],
    });
  // A short warm-up first (not counted): the measured run should show the steady state, not the JIT compiling.
  const warm = await load(2000);
  const result = await load(amount);
  const errors = result.errors + result.timeouts + result.non2xx + warm.errors + warm.timeouts + warm.non2xx;
  console.log(`# dialplan serve load — ${new Date().toISOString()}`);
  // The load average says how much else ran meanwhile: on a shared 2-core machine it moves p99 more than the code does.
  console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()[0]?.toFixed(2)}`);
  console.log(`${result.requests.total} requests, ${connections} connections, ${(result.duration).toFixed(2)} s`);
  console.log(`requests/s  ${Math.round(result.requests.total / result.duration)} (autocannon per-second mean ${Math.round(result.requests.average)})`);
  console.log(`latency     p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
  console.log(`errors      ${errors} (connection errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`);
  const ok = errors === 0 && result.latency.p99 < 20 && result.requests.total >= amount;
  console.log(ok ? 'targets met: 0 errors, p99 < 20 ms' : 'TARGET MISSED: want 0 errors and p99 < 20 ms');
  const logged = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes(' POST /icws/{sessionId}/phone-numbers/query-details 200 ')).length;
  console.log(`server log  ${logged} query lines with status 200`);
  process.exitCode = ok ? 0 : 1;
} finally {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
