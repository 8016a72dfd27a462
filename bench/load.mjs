/**
 * `npm run bench:load`: load test of `dialplan serve`, side by side with its ceiling. Starts three servers on 127.0.0.1,
 * each in its own process (so the load generator shares no event loop with them):
 *
 * - `dialplan serve` (the built CLI, logging one line per request to a file, as a deployed one would), logged in once;
 * - the embedded endpoint: `createQueryDetailsHandler` on a bare `http.createServer` (`bench/load-ceiling.mjs handler`);
 * - the ceiling: a plain `node:http` server answering every request with a fixed JSON body of the average size of the
 *   query-details answers (`bench/load-ceiling.mjs fixed`).
 *
 * Each gets a warm-up (2 000 requests, not counted), then ROUNDS rounds, interleaved (serve, handler, ceiling, then the
 * next round in another order), of AMOUNT authenticated query-details POSTs over CONNECTIONS connections with
 * autocannon. Reported per case: the median requests/s and p99 over the rounds with their spread, the server process's
 * CPU time per request (all its threads, from /proc), and the ratios to the ceiling of the same round (median over the
 * rounds). The load generator shares the machine: when it, not the server, is the limit, the requests/s of every case
 * meet and only the CPU per request still tells the servers apart. Targets (issue 20): serve ≥ 0.8 of the ceiling with
 * p99 within 1.5× the ceiling's, the embedded handler ≥ 0.85, printed with their verdicts; (issue 7) 0 errors and
 * serve's p99 under 20 ms. Exit code 1 when issue 7's targets are missed (a ratio that swings with the load of a shared
 * machine does not fail the run).
 *
 * Options: --amount N (default 20000 a round), --connections N (default 50), --rounds N (default 5), --baseline CLI
 * (another build's dist/node/cli/main.js: its `dialplan serve` joins the rounds as a fourth case, for an A/B). Only 127.0.0.1
 * is ever targeted, with a bounded number of requests.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadDefaultDialPlan } from '../dist/index.js';

const { values } = parseArgs({ options: { amount: { type: 'string' }, connections: { type: 'string' }, rounds: { type: 'string' }, baseline: { type: 'string' } } });
const amount = Number(values.amount ?? 20000);
const connections = Number(values.connections ?? 50);
const rounds = Number(values.rounds ?? 5);
const CLI = fileURLToPath(new URL('../dist/node/cli/main.js', import.meta.url));
const CEILING = fileURLToPath(new URL('./load-ceiling.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dialplan-load-'));
const users = join(dir, 'users.json');
const password = 'load-test-password';
// A mix of the seed examples and other shapes, so the plan does real work.
const numbers = ['8004562354', '6929', '317-555-0123', '1 (212) 555-0199', '011 44 20 7946 0958', 'sip:alice@example.com', '911', '5550123'];
const plan = loadDefaultDialPlan();
const answerBytes = Math.round(numbers.reduce((n, s) => n + Buffer.byteLength(JSON.stringify(plan.query(s).details)), 0) / numbers.length);

/**
 * CPU seconds a process has used so far, all its threads, from /proc (Linux); NaN elsewhere. Each thread's
 * `schedstat` counts nanoseconds on a CPU; `stat` (user + system) counts 10 ms ticks, too coarse for a round of a few
 * hundred milliseconds (±2.5% a round), and is the fallback only.
 */
const cpuSeconds = (pid) => {
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // A thread that ended meanwhile.
      }
    }
    if (ns > 0) return ns / 1e9;
  } catch {
    // No schedstat: the ticks below.
  }
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
};

const run = (args, env = {}) =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dialplan ${args.join(' ')} exited ${code}`))));
  });

/** Starts `bench/load-ceiling.mjs MODE ...`; resolves to the child and its first line (JSON). */
const startHelper = (args) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CEILING, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`load-ceiling ${args.join(' ')} exited ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => resolve({ child, info: JSON.parse(line) }));
  });

await run(['serve', '--sessions', users, '--add-user', 'load'], { DIALPLAN_PASSWORD: password });
const children = [];

/** Starts `dialplan serve` of a build, logged in once; resolves to { server, base, session, cookie, logFile }. */
async function startServe(cli, name) {
  // The server logs to a file, as a deployed one would: a pipe read by this (busy) process would fill up and stall
  // the server's log writes, which measures the pipe, not the server.
  const logFile = join(dir, `${name}.log`);
  const logFd = openSync(logFile, 'w');
  const server = spawn(process.execPath, [cli, 'serve', '--port', '0', '--sessions', users], { stdio: ['ignore', 'ignore', logFd] });
  closeSync(logFd);
  children.push(server);
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
  const login = await fetch(`${base}/icws/connection`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userID: 'load', password }),
  });
  if (login.status !== 201) throw new Error(`login failed: ${login.status}`);
  const session = await login.json();
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  return { server, base, session, cookie, logFile };
}

try {
  const { server, base, session, cookie, logFile } = await startServe(CLI, 'serve');
  const handler = await startHelper(['handler']);
  const fixed = await startHelper(['fixed', String(answerBytes)]);
  children.push(handler.child, fixed.child);

  const path = (id) => `/icws/${id}/phone-numbers/query-details`;
  const targets = [
    { name: 'dialplan serve', pid: server.pid, url: base + path(session.sessionId), csrf: session.csrfToken, cookie },
    { name: 'embedded handler', pid: handler.child.pid, url: handler.info.url + path(handler.info.sessionId), csrf: handler.info.csrfToken, cookie: handler.info.cookie },
    { name: 'ceiling: node:http, fixed body', pid: fixed.child.pid, url: fixed.info.url + path('x'), csrf: 'x', cookie: 'x=y' },
  ];
  if (values.baseline !== undefined) {
    const b = await startServe(values.baseline, 'baseline');
    targets.push({ name: 'baseline build: dialplan serve', pid: b.server.pid, url: b.base + path(b.session.sessionId), csrf: b.session.csrfToken, cookie: b.cookie });
  }
  let i = 0;
  // Latency per response, from autocannon's own timer (process.hrtime, fractional milliseconds): its histogram counts
  // whole milliseconds only, which made p99 4 or 5 ms against the ceiling's 3 or 4 (1.25× to 1.67×) whatever the code did.
  const load = (t, n) => {
    const times = [];
    const instance = autocannon({
      url: t.url,
      method: 'POST',
      connections,
      amount: n,
      // autocannon ends a run at its next sample tick (1 s by default), which would round every duration up to a second.
      sampleInt: 20,
      headers: { 'Content-Type': 'application/json', 'ININ-ICWS-CSRF-Token': t.csrf, Cookie: t.cookie },
      requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ phoneNumber: numbers[i++ % numbers.length] }) }) }],
    });
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) times.push(ms);
    });
    return instance.then((res) => {
      times.sort((a, b) => a - b);
      // Nearest rank, as hdr-histogram reads a percentile, but over the exact times.
      const at = (q) => times[Math.max(0, Math.ceil(q * times.length) - 1)] ?? NaN;
      return { ...res, exact: { p50: at(0.5), p99: at(0.99) } };
    });
  };
  // A warm-up first (not counted): the measured rounds should show the steady state, not the JIT compiling.
  let errors = 0;
  const count = (r) => (errors += r.errors + r.timeouts + r.non2xx);
  for (const t of targets) count(await load(t, 2000));
  const results = targets.map(() => []);
  for (let r = 0; r < rounds; r++) {
    // Interleaved, each round in another order, so that a busy moment of the machine does not fall on one case only.
    const order = targets.map((_, k) => (k + r) % targets.length);
    for (const k of order) {
      const cpu0 = cpuSeconds(targets[k].pid);
      const res = await load(targets[k], amount);
      const cpu = cpuSeconds(targets[k].pid) - cpu0;
      count(res);
      if (res.requests.total < amount) errors += amount - res.requests.total;
      results[k].push({ rps: res.requests.total / res.duration, p50: res.exact.p50, p99: res.exact.p99, cpuUs: (cpu * 1e6) / res.requests.total });
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ceiling = results[2];
  const ratio = (k) => median(results[k].map((x, r) => x.rps / ceiling[r].rps));
  // The server's own CPU per request: what it costs, whatever the load generator (on the same 2 cores) managed to send.
  const cpuRatio = (k) => median(results[k].map((x, r) => ceiling[r].cpuUs / x.cpuUs));
  const p99ratio = (k) => median(results[k].map((x, r) => x.p99 / ceiling[r].p99));
  const fmt = (n) => Math.round(n).toLocaleString('en-US').replace(/,/g, ' ');
  console.log(`\n## dialplan serve load — ${new Date().toISOString()}\n`);
  // The load average says how much else ran meanwhile: on a shared 2-core machine it moves p99 more than the code does.
  console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()[0]?.toFixed(2)}; ` +
    `${rounds} interleaved rounds of ${fmt(amount)} requests, ${connections} connections; fixed body ${answerBytes} bytes (the average answer)\n`);
  console.log('| case | requests/s (median) | spread | p50 ms | p99 ms (median) | p99 spread | server CPU µs/request | × ceiling (req/s) | × ceiling (p99) | × ceiling (CPU/request) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  targets.forEach((t, k) => {
    const rs = results[k];
    const rps = rs.map((x) => x.rps);
    const p99 = rs.map((x) => x.p99);
    const ms = (x) => x.toFixed(2);
    console.log(`| ${t.name} | ${fmt(median(rps))} | ${fmt(Math.min(...rps))}–${fmt(Math.max(...rps))} | ${ms(median(rs.map((x) => x.p50)))} | ${ms(median(p99))} | ${ms(Math.min(...p99))}–${ms(Math.max(...p99))} | ${median(rs.map((x) => x.cpuUs)).toFixed(0)} | ${k === 2 ? '1' : ratio(k).toFixed(2)} | ${k === 2 ? '1' : p99ratio(k).toFixed(2)} | ${k === 2 ? '1' : cpuRatio(k).toFixed(2)} |`);
  });
  const serveOk = ratio(0) >= 0.8 && p99ratio(0) <= 1.5;
  const handlerOk = ratio(1) >= 0.85;
  const p99Ok = median(results[0].map((x) => x.p99)) < 20;
  console.log(`\ntargets: serve ≥ 0.8 of the ceiling and p99 ≤ 1.5× → ${serveOk ? 'met' : 'NOT met'} (${ratio(0).toFixed(2)}, ${p99ratio(0).toFixed(2)}×); ` +
    `embedded handler ≥ 0.85 → ${handlerOk ? 'met' : 'NOT met'} (${ratio(1).toFixed(2)}); 0 errors → ${errors === 0 ? 'met' : `NOT met (${errors})`}; serve p99 < 20 ms → ${p99Ok ? 'met' : 'NOT met'}`);
  // The server writes its request lines at most 50 ms late (LOG_FLUSH_MS): when serve had the last turn of the last
  // round, reading the file at once missed the lines still waiting.
  await new Promise((r) => setTimeout(r, 250));
  const logged = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes(' POST /icws/{sessionId}/phone-numbers/query-details 200 ')).length;
  console.log(`server log: ${logged} query lines with status 200 (${2000 + rounds * amount} requests sent to serve)`);
  process.exitCode = errors === 0 && p99Ok ? 0 : 1;
} finally {
  for (const c of children) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
