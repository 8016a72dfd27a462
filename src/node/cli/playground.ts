/**
 * `dialplan playground [--rules FILE] [--port N]`: serves the rule-authoring playground page (built into
 * dist/playground/index.html by `npm run build`) on 127.0.0.1, and with `--rules FILE` opens that file in it and saves
 * it back through a small local endpoint.
 *
 * The endpoint writes a file on disk, so it answers only the page this process served: the request's Host must be this
 * server's loopback address (a DNS-rebinding page has another host name), its Origin this server's (another site's
 * page sends its own), and it must carry the random token embedded in the page (which no other origin can read).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_FILE_BYTES } from '../../engine/plan/load.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { replaceFile } from '../write-file.js';
import type { Command } from './io.js';
import { defineCommand, EXIT, UsageError } from './io.js';

/** Help text of `dialplan playground`. */
export const PLAYGROUND_HELP = `Usage: dialplan playground [--rules FILE] [--port PORT]

Serves the rule-authoring playground on 127.0.0.1 and prints its address: a page where the plan is
edited with its problems underlined as you type, numbers are resolved and explained, and the plan's
inline tests run live (see docs/playground.md). Nothing leaves this machine.

  --rules FILE  open this rule file (the bundled default plan otherwise); the page's "Save to FILE"
                button writes the editor's text back to it, after a confirmation in the page
  --port PORT   port (default 0: any free port; the address printed says which)

Only the page this command served can save: the request must come from its own address (Host and
Origin) and carry the random token written into the page. SIGINT/SIGTERM stop the server.
Exit code 0 after SIGINT/SIGTERM, 1 when the page is not built (npm run build), 2 for bad arguments,
a --rules file that does not exist or cannot be read as UTF-8 text, or a port that cannot be
listened on.
`;

/** The address the playground listens on: loopback only, since it can write a file. */
const HOST = '127.0.0.1';
/** The header carrying the page's token. */
export const TOKEN_HEADER = 'x-dialplan-token';
/** The save endpoint's path. */
export const SAVE_PATH = '/save';
/** After SIGINT/SIGTERM, requests in flight get this long before their connections are cut. */
const STOP_GRACE_MS = 2_000;
/** A request body must arrive within this time (a client that never finishes its upload is cut off). */
const BODY_TIMEOUT_MS = 30_000;

/** Options of {@link createPlaygroundServer}. */
export interface PlaygroundServerOptions {
  /** The built page (dist/playground/index.html). */
  readonly page: string;
  /** The rule file the page opens and saves, absolute; none: the page starts from the bundled plan and cannot save. */
  readonly rulesPath?: string;
  /** The token the save endpoint requires; random unless given (tests). */
  readonly token?: string;
  /** Called after each save, for the log. */
  readonly onSave?: (bytes: number) => void;
  /** How long a save's body may take to arrive (default 30 s; tests). */
  readonly bodyTimeoutMs?: number;
}

/**
 * The playground's HTTP server (not listening yet): `GET /` serves the page with the file's current text and the token
 * written into it; `PUT /save` writes the body to the file when the request passes the checks above.
 *
 * @param options - the page, the file and the token
 * @returns the server and its token
 */
export function createPlaygroundServer(options: PlaygroundServerOptions): { readonly server: Server; readonly token: string } {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) reply(res, 500, `Internal error: ${(e as Error)?.message ?? String(e)}`);
      else res.destroy();
    });
  });

  /** The addresses this server answers to: what the browser puts in Host and Origin for this port. */
  const ownHosts = (): Set<string> => {
    const a = server.address() as AddressInfo | null;
    const port = a?.port ?? 0;
    return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a page of another site whose name now points at 127.0.0.1 sends its own name as Host.
    if (!ownHosts().has(req.headers.host ?? '')) return reply(res, 421, 'This server answers only to its own address (127.0.0.1).');
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '/index.html') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'Method not allowed.', { allow: 'GET, HEAD' });
      let config = 'null';
      if (options.rulesPath !== undefined) {
        const read = readRuleFile(options.rulesPath);
        if (!read.ok) return reply(res, 500, read.message);
        config = JSON.stringify({ file: basename(options.rulesPath), text: read.text, saveUrl: SAVE_PATH, token });
      }
      // Inside a script element: "<" escaped so that no text of the file can close it.
      const html = options.page.replace(
        '<script type="application/json" id="playground-config">null</script>',
        () => `<script type="application/json" id="playground-config">${config.replace(/</g, '\\u003c')}</script>`,
      );
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        // No other site may frame the page (its Save button would be clicked through a disguise).
        'x-frame-options': 'DENY',
        'content-security-policy': "frame-ancestors 'none'",
        'referrer-policy': 'no-referrer',
      });
      res.end(req.method === 'HEAD' ? undefined : html);
      return;
    }
    if (path === SAVE_PATH) {
      if (req.method !== 'PUT') return reply(res, 405, 'Method not allowed.', { allow: 'PUT' });
      if (options.rulesPath === undefined) return reply(res, 404, 'No file to save to: start dialplan playground with --rules FILE.');
      // Browsers always send Origin with a PUT; a request without one did not come from the page.
      const origin = req.headers.origin ?? '';
      if (![...ownHosts()].some((h) => origin === `http://${h}`)) return reply(res, 403, 'Refused: the request does not come from the playground page.');
      const given = Buffer.from(String(req.headers[TOKEN_HEADER] ?? ''));
      const wanted = Buffer.from(token);
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return reply(res, 403, 'Refused: wrong or missing token.');
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/yaml' && type !== 'text/yaml' && type !== 'text/plain') {
        return reply(res, 415, 'The body must be the rule file as application/yaml or text/plain.');
      }
      const body = await readBody(req, DEFAULT_MAX_FILE_BYTES, options.bodyTimeoutMs ?? BODY_TIMEOUT_MS);
      if (body === 'too-large') return reply(res, 413, `The plan is larger than ${DEFAULT_MAX_FILE_BYTES} bytes.`, { connection: 'close' });
      if (body === 'timeout') return reply(res, 408, 'The request body did not arrive in time.', { connection: 'close' });
      if (body === 'aborted') return;
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(body);
      } catch {
        return reply(res, 400, 'The body is not UTF-8 text.');
      }
      try {
        replaceFile(options.rulesPath, text);
      } catch (e) {
        return reply(res, 500, `Cannot write ${basename(options.rulesPath)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      options.onSave?.(body.length);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ saved: basename(options.rulesPath), bytes: body.length }));
      return;
    }
    reply(res, 404, 'Not found.');
  }

  return { server, token };
}

function reply(res: ServerResponse, status: number, message: string, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(`${message}\n`);
}

/** Reads a body up to a limit, within a time. */
function readBody(req: IncomingMessage, max: number, timeoutMs: number): Promise<Buffer | 'too-large' | 'timeout' | 'aborted'> {
  return new Promise((done) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > max) {
      req.resume();
      return done('too-large');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    const finish = (r: Buffer | 'too-large' | 'timeout' | 'aborted'): void => {
      clearTimeout(timer);
      req.removeAllListeners('data');
      if (r !== 'aborted' && typeof r === 'string') req.resume();
      done(r);
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) return finish('too-large');
      chunks.push(c);
    });
    req.on('end', () => finish(Buffer.concat(chunks)));
    req.on('aborted', () => finish('aborted'));
    req.on('error', () => finish('aborted'));
  });
}

/** A rule file's text, or why it cannot be opened. */
function readRuleFile(path: string): { ok: true; text: string } | { ok: false; message: string } {
  let bytes: Buffer;
  try {
    if (!statSync(path).isFile()) return { ok: false, message: `${path} is not a file.` };
    if (statSync(path).size > DEFAULT_MAX_FILE_BYTES) return { ok: false, message: `${path} is larger than ${DEFAULT_MAX_FILE_BYTES} bytes.` };
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, message: code === 'ENOENT' ? `${path} does not exist.` : `cannot read ${path}: ${code ?? (e as Error).message}` };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '') };
  } catch {
    return { ok: false, message: `${path} is not UTF-8 text.` };
  }
}


/** Where `npm run build` writes the page. */
export const PLAYGROUND_PAGE: string = fileURLToPath(new URL('dist/playground/index.html', PACKAGE_ROOT));

/** Runs `dialplan playground`. */
export const playgroundCommand: Command = defineCommand({
  help: PLAYGROUND_HELP,
  options: { rules: { type: 'string', short: 'r' }, port: { type: 'string', short: 'p' } },
  run: async ({ values, positionals }, io) => {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (the file goes with --rules).`);
    const port = Number(values.port ?? '0');
    if (values.port === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`--port must be a port number, not "${values.port}".`);
    }
    if (values.rules === '') throw new UsageError('--rules needs a FILE.');
    const rulesPath = values.rules !== undefined ? resolve(io.cwd, values.rules) : undefined;
    if (rulesPath !== undefined) {
      const read = readRuleFile(rulesPath);
      if (!read.ok) {
        io.stderr.write(`dialplan playground: ${read.message}\n`);
        return EXIT.usage;
      }
    }
    let page: string;
    try {
      page = readFileSync(PLAYGROUND_PAGE, 'utf8');
    } catch {
      io.stderr.write(`dialplan playground: the page is not built (${PLAYGROUND_PAGE} is missing): run npm run build.\n`);
      return EXIT.failed;
    }
    const { server } = createPlaygroundServer({
      page,
      ...(rulesPath !== undefined ? { rulesPath } : {}),
      onSave: (bytes) => void io.stderr.write(`dialplan playground: saved ${values.rules} (${bytes} bytes)\n`),
    });
    return new Promise<number>((done) => {
      let stopping = false;
      const stop = (): void => {
        if (stopping) return;
        stopping = true;
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        const grace = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
        server.close(() => {
          clearTimeout(grace);
          done(EXIT.ok);
        });
        server.closeIdleConnections();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      server.on('error', (e: NodeJS.ErrnoException) => {
        if (server.listening || stopping) return;
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        io.stderr.write(`dialplan playground: cannot listen on ${HOST}:${port}: ${e.code ?? e.message}.\n`);
        done(EXIT.usage);
      });
      server.listen(port, HOST, () => {
        if (stopping) return void server.close();
        const a = server.address() as AddressInfo;
        io.stdout.write(`http://${HOST}:${a.port}/\n`);
        io.stderr.write(
          `dialplan playground: open the address above${rulesPath !== undefined ? ` to edit ${values.rules}` : ''}; Ctrl+C stops the server.\n`,
        );
      });
    });
  },
});
