/**
 * `dialplan serve [--rules FILE] [--host 127.0.0.1] [--port 8019] [--sessions FILE] [--server-name NAME]` and
 * `dialplan serve --add-user NAME [--display-name TEXT]`.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { formatProblem } from '../../engine/errors.js';
import type { Problem } from '../../engine/errors.js';
import { DEFAULT_RULES_PATH, safeLoadDefaultDialPlan } from '../files.js';
import type { LoadResult } from '../../engine/plan/load.js';
import { addUser, readUsersFile } from '../http/passwords.js';
import type { WorkerLoad } from '../http/reload.js';
import { createBufferedLog } from '../http/log.js';
import { loadDialPlanFileInWorker } from '../http/reload.js';
import { createIcwsServer } from '../http/server.js';
import type { CliIo, Command } from './io.js';
import { defineCommand, EXIT, UsageError } from './io.js';

/** Help text of `dialplan serve`. */
export const SERVE_HELP = `Usage: dialplan serve [--rules FILE] [--host HOST] [--port PORT] [--sessions FILE] [--idle-minutes N]
                      [--server-name NAME] [--allow-origin ORIGIN]...
       dialplan serve --add-user NAME [--display-name TEXT] [--sessions FILE]

Serves the ICWS endpoint POST /icws/{sessionId}/phone-numbers/query-details with the dial plan
(the bundled rules/default.yaml unless --rules is given). Log in with POST /icws/connection
{ "userID", "password" }; log out with DELETE /icws/{sessionId}/connection; GET
/icws/connection/version and /icws/connection/features need no session. See docs/icws.md.

  --rules FILE        the rule file; reloaded on SIGHUP in a worker thread (10 s, 512 MB budget);
                      a file that does not load keeps the old plan and logs every problem
  --host HOST         address to bind (default 127.0.0.1: loopback only)
  --port PORT         port (default 8019; 0 picks a free one)
  --sessions FILE     the users file: names and scrypt password hashes (default dialplan-users.json);
                      it must exist: create it with --add-user
  --idle-minutes N    a session unused this long ends (default 30)
  --server-name NAME  the icServer of the login answer (default: this machine's host name)
  --allow-origin ORIGIN
                      let pages from ORIGIN (https://app.example.com; * for any) call the server from a
                      browser (CORS, with the session cookie); repeat for several (default: none)
  --add-user NAME     add or replace a user in the users file and exit; the password is read from
                      the DIALPLAN_PASSWORD environment variable if set, else from standard input
  --display-name TEXT with --add-user: the userDisplayName of the login answer (default: NAME)

After 5 failed logins for one user name or one client address within a minute, logins are refused
with 429 and Retry-After until the minute has passed. Logs one line per request (method, path
without the session id, status, time) to standard error. SIGINT/SIGTERM stop the server.
Exit code 0 after SIGINT/SIGTERM, 2 for bad arguments, a missing users file, a plan that does not
load or an address that cannot be listened on (in use, not this machine's, not permitted).
`;

/** Whether a value is an origin as a browser sends it: a scheme, a host and maybe a port, nothing after them. */
function isOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === value;
  } catch {
    return false;
  }
}

/** Time and memory budget of loading `--rules` (start-up and each SIGHUP). */
const LOAD_BUDGET = { timeoutMs: 10_000, maxMemoryMb: 512 } as const;
/**
 * A reload is refused when compiling the checked plan would stall the event loop longer than this (the compiled plan
 * cannot cross threads, so the main thread compiles it once more); the same file still loads at start-up.
 */
const RELOAD_MAX_COMPILE_MS = 1_000;
/** Problems logged for one failed load; a hostile file can have millions, and the log must not become the hazard. */
const MAX_LOGGED_PROBLEMS = 1_000;
/** After SIGINT/SIGTERM, requests in flight get this long to finish before their connections are cut. */
const STOP_GRACE_MS = 5_000;

/** Runs `dialplan serve`. */
export const serveCommand: Command = defineCommand({
  help: SERVE_HELP,
  options: {
    rules: { type: 'string', short: 'r' },
    host: { type: 'string' },
    port: { type: 'string', short: 'p' },
    sessions: { type: 'string' },
    'idle-minutes': { type: 'string' },
    'server-name': { type: 'string' },
    'add-user': { type: 'string' },
    'display-name': { type: 'string' },
    'allow-origin': { type: 'string', multiple: true },
  },
  run: async ({ values, positionals }, io) => {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}".`);
    const usersPath = resolve(io.cwd, values.sessions ?? 'dialplan-users.json');
    if (values['add-user'] !== undefined) return addUserCommand(values['add-user'], values['display-name'], usersPath, io);
    if (values['display-name'] !== undefined) throw new UsageError('--display-name goes with --add-user.');

    const port = Number(values.port ?? '8019');
    if (values.port === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`--port must be a port number, not "${values.port}".`);
    }
    const idle = Number(values['idle-minutes'] ?? '30');
    if (!(idle > 0)) throw new UsageError(`--idle-minutes must be a positive number, not "${values['idle-minutes']}".`);
    const host = values.host ?? '127.0.0.1';
    const serverName = values['server-name'];
    if (serverName === '') throw new UsageError('--server-name needs a NAME.');
    const allowOrigins = values['allow-origin'] ?? [];
    for (const o of allowOrigins) if (o !== '*' && !isOrigin(o)) throw new UsageError(`--allow-origin must be an origin such as https://app.example.com (or *), not "${o}".`);
    // Without a users file nobody could log in: say how to make one instead of listening in vain.
    if (!existsSync(usersPath)) {
      io.stderr.write(
        `dialplan serve: the users file ${usersPath} does not exist; add a user first: dialplan serve --add-user NAME${values.sessions !== undefined ? ` --sessions ${values.sessions}` : ''}\n`,
      );
      return EXIT.usage;
    }
    readUsersFile(usersPath); // fail now, not at the first login, when the file is not a users file

    const rulesName = values.rules ?? 'the default plan';
    // Every reload goes through the worker, the bundled plan's too (its file can be edited where it is installed).
    const load = (maxCompileMs?: number): WorkerLoad =>
      loadDialPlanFileInWorker(values.rules === undefined ? DEFAULT_RULES_PATH : resolve(io.cwd, values.rules), {
        file: values.rules ?? 'rules/default.yaml',
        ...LOAD_BUDGET,
        ...(maxCompileMs !== undefined ? { maxCompileMs } : {}),
      });
    // Signals are handled from here on, whatever the phase: SIGINT/SIGTERM stop the command at any moment (exit 0),
    // SIGHUP never ends it (before the server listens, it asks for a reload once it does).
    // An object, not a variable: the phase changes in signal handlers, which flow analysis cannot see.
    const state: { phase: 'starting' | 'serving' | 'stopping' } = { phase: 'starting' };
    let hupWhileStarting = false;
    let starting: WorkerLoad | undefined;
    let stop = (): void => {
      state.phase = 'stopping';
      starting?.cancel();
    };
    let reload = (): void => {
      hupWhileStarting = true;
    };
    const onTerm = (): void => stop();
    const onHup = (): void => reload();
    const unhook = (): void => {
      process.off('SIGHUP', onHup);
      process.off('SIGINT', onTerm);
      process.off('SIGTERM', onTerm);
    };
    process.on('SIGHUP', onHup);
    process.on('SIGINT', onTerm);
    process.on('SIGTERM', onTerm);

    // At start-up the bundled plan comes from its build-time snapshot, at once; a --rules file from the worker.
    starting = values.rules === undefined ? { result: Promise.resolve(safeLoadDefaultDialPlan()), cancel: () => {} } : load();
    const first = await starting.result;
    starting = undefined;
    if (state.phase === 'stopping') {
      unhook();
      return EXIT.ok;
    }
    if (!first.ok) {
      unhook();
      io.stderr.write(describeFailure(rulesName, first.problems));
      return EXIT.usage;
    }
    // Request lines are buffered (written every 50 ms, not one system call per request); what happens to the server
    // itself is written at once.
    const requestLog = createBufferedLog((chunk) => void io.stderr.write(chunk));
    // Young-generation collections on this thread alone: a request leaves little alive (about 10 KB survive each one),
    // and on a busy machine V8's parallel scavenger waited for helper threads that got no core (pauses of 2 to 9 ms, the
    // requests' tail latency; 0.2 to 2 ms without). V8 reads the flag at each collection.
    setFlagsFromString('--no-parallel-scavenge');
    const log = requestLog.urgent;
    const { server, handler } = createIcwsServer({
      plan: first.plan,
      users: () => readUsersFile(usersPath),
      idleMs: idle * 60_000,
      ...(serverName !== undefined ? { serverName } : {}),
      ...(allowOrigins.length > 0 ? { allowOrigins } : {}),
      log: requestLog,
    });

    // One reload at a time; a SIGHUP during a reload asks for one more when it ends (the file may have changed again).
    let reloading: WorkerLoad | undefined;
    let again = false;
    const startReload = (): void => {
      if (state.phase !== 'serving') {
        if (state.phase === 'starting') hupWhileStarting = true;
        return;
      }
      if (reloading) {
        again = true;
        log('reload already under way; reloading again when it ends');
        return;
      }
      const current = load(RELOAD_MAX_COMPILE_MS);
      reloading = current;
      log(`reloading ${rulesName}`);
      void current.result.then((r: LoadResult) => {
        reloading = undefined;
        if (state.phase === 'stopping') return;
        if (r.ok) {
          handler.setPlan(r.plan);
          log(`reloaded ${rulesName} (plan "${r.plan.name}")`);
        } else {
          log(`reload failed, keeping the previous plan:\n${describeFailure(rulesName, r.problems).trimEnd()}`);
        }
        if (again) {
          again = false;
          startReload();
        }
      });
    };
    reload = startReload;

    return new Promise<number>((done) => {
      server.on('error', (e: NodeJS.ErrnoException) => {
        if (state.phase === 'serving') return void log(`server error: ${e.code ?? e.message}`);
        if (state.phase === 'stopping') return;
        // The address given cannot be used: input that cannot be used, like a file that cannot be read (exit 2).
        unhook();
        io.stderr.write(`dialplan serve: cannot listen on ${host}:${port}: ${listenReason(e)}\n`);
        done(EXIT.usage);
      });
      stop = (): void => {
        if (state.phase === 'stopping') return;
        state.phase = 'stopping';
        unhook();
        // A reload under way is abandoned: its worker is terminated at once.
        reloading?.cancel();
        log('stopping');
        const grace = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
        server.close(() => {
          clearTimeout(grace);
          done(EXIT.ok);
        });
        server.closeIdleConnections();
      };
      server.listen(port, host, () => {
        // Stopped while binding: close() found nothing to close then; close now.
        if (state.phase === 'stopping') return void server.close();
        state.phase = 'serving';
        const a = server.address() as AddressInfo;
        log(`listening on http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
        if (hupWhileStarting) startReload();
      });
    });
  },
});

function describeFailure(name: string, problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  const head = `dialplan: cannot load ${name} (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n`;
  const shown = problems.slice(0, MAX_LOGGED_PROBLEMS).map((p) => formatProblem(p) + '\n');
  const more = problems.length - shown.length;
  return head + shown.join('') + (more > 0 ? `... and ${more} more problem${more === 1 ? '' : 's'}\n` : '');
}

function listenReason(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'EADDRINUSE':
      return 'the address is already in use (EADDRINUSE).';
    case 'EADDRNOTAVAIL':
      return 'the address is not one of this machine (EADDRNOTAVAIL).';
    case 'EACCES':
      return 'permission denied (EACCES).';
    default:
      return `${e.code ?? e.message}.`;
  }
}

async function addUserCommand(name: string, displayName: string | undefined, usersPath: string, io: CliIo): Promise<number> {
  if (name === '') throw new UsageError('--add-user needs a NAME.');
  if (displayName === '') throw new UsageError('--display-name needs a TEXT.');
  const password = process.env['DIALPLAN_PASSWORD'] ?? (await readAll(io.stdin)).replace(/\r?\n$/, '');
  if (password === '') throw new UsageError('the password is empty (give it on standard input or in DIALPLAN_PASSWORD).');
  await addUser(usersPath, name, password, displayName);
  io.stderr.write(`dialplan serve: user "${name}" saved in ${usersPath}\n`);
  return EXIT.ok;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}
