/**
 * `dialplan serve [--rules FILE] [--host 127.0.0.1] [--port 8019] [--sessions FILE]` and `dialplan serve --add-user NAME`.
 */
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { addUser, readUsersFile } from '../http/passwords.js';
import { createIcwsServer } from '../http/server.js';
import type { CliIo, Command } from './io.js';
import { defineCommand, EXIT, UsageError } from './io.js';
import { loadRulesOption } from './rules.js';

/** Help text of `dialplan serve`. */
export const SERVE_HELP = `Usage: dialplan serve [--rules FILE] [--host HOST] [--port PORT] [--sessions FILE] [--idle-minutes N]
       dialplan serve --add-user NAME [--sessions FILE]

Serves the ICWS endpoint POST /icws/{sessionId}/phone-numbers/query-details with the dial plan
(the bundled rules/default.yaml unless --rules is given). Log in with POST /icws/connection
{ "userID", "password" }; log out with DELETE /icws/{sessionId}/connection. See docs/icws.md.

  --rules FILE       the rule file; reloaded on SIGHUP (a file that no longer loads keeps the old plan)
  --host HOST        address to bind (default 127.0.0.1: loopback only)
  --port PORT        port (default 8019; 0 picks a free one)
  --sessions FILE    the users file: names and scrypt password hashes (default dialplan-users.json)
  --idle-minutes N   a session unused this long ends (default 30)
  --add-user NAME    add or replace a user in the users file and exit; the password is read from
                     the DIALPLAN_PASSWORD environment variable if set, else from standard input

Logs one line per request (method, path without the session id, status, time) to standard error.
`;

/** Runs `dialplan serve`. */
export const serveCommand: Command = defineCommand({
  help: SERVE_HELP,
  options: {
    rules: { type: 'string', short: 'r' },
    host: { type: 'string' },
    port: { type: 'string', short: 'p' },
    sessions: { type: 'string' },
    'idle-minutes': { type: 'string' },
    'add-user': { type: 'string' },
  },
  run: async ({ values, positionals }, io) => {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}".`);
    const usersPath = resolve(io.cwd, values.sessions ?? 'dialplan-users.json');
    if (values['add-user'] !== undefined) return addUserCommand(values['add-user'], usersPath, io);

    const port = Number(values.port ?? '8019');
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not "${values.port}".`);
    const idle = Number(values['idle-minutes'] ?? '30');
    if (!(idle > 0)) throw new UsageError(`--idle-minutes must be a positive number, not "${values['idle-minutes']}".`);
    const host = values.host ?? '127.0.0.1';
    readUsersFile(usersPath); // fail now, not at the first login, when the file is not a users file

    const plan = loadRulesOption(values.rules, io);
    if (!plan) return EXIT.usage;
    const log = (line: string): void => void io.stderr.write(`${new Date().toISOString()} ${line}\n`);
    const { server, handler } = createIcwsServer({
      plan,
      users: () => readUsersFile(usersPath),
      idleMs: idle * 60_000,
      log,
    });

    const reload = (): void => {
      const lines: string[] = [];
      const next = loadRulesOption(values.rules, { ...io, stderr: { write: (s: string) => lines.push(s) } });
      if (next) {
        handler.setPlan(next);
        log(`reloaded ${values.rules ?? 'the default plan'} (plan "${next.name}")`);
      } else {
        log(`reload failed, keeping the previous plan:\n${lines.join('').trimEnd()}`);
      }
    };

    return new Promise<number>((done) => {
      server.on('error', (e: NodeJS.ErrnoException) => {
        io.stderr.write(`dialplan serve: cannot listen on ${host}:${port}: ${e.code ?? e.message}\n`);
        done(EXIT.failed);
      });
      const stop = (): void => {
        process.off('SIGHUP', reload);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        log('stopping');
        server.close(() => done(EXIT.ok));
        server.closeIdleConnections();
      };
      server.listen(port, host, () => {
        const a = server.address() as AddressInfo;
        log(`listening on http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
        process.on('SIGHUP', reload);
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
  },
});

async function addUserCommand(name: string, usersPath: string, io: CliIo): Promise<number> {
  if (name === '') throw new UsageError('--add-user needs a NAME.');
  const password = process.env['DIALPLAN_PASSWORD'] ?? (await readAll(io.stdin)).replace(/\r?\n$/, '');
  if (password === '') throw new UsageError('the password is empty (give it on standard input or in DIALPLAN_PASSWORD).');
  await addUser(usersPath, name, password);
  io.stderr.write(`dialplan serve: user "${name}" saved in ${usersPath}\n`);
  return EXIT.ok;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}
