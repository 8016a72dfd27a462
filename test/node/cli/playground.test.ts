// dialplan playground: the page served on 127.0.0.1 with the --rules file written into it, and the save endpoint that
// writes the file back only for the page this server served (Host, Origin and token checked). In-process against
// createPlaygroundServer, then the built command in a child process: address printed, page fetched, saved through the
// endpoint, a bad token refused, SIGINT and SIGTERM stop it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlaygroundServer, SAVE_PATH, TOKEN_HEADER } from '../../../src/node/cli/playground.js';

const CLI = fileURLToPath(new URL('../../../dist/node/cli/main.js', import.meta.url));
const BUILT_PAGE = fileURLToPath(new URL('../../../dist/playground/index.html', import.meta.url));
const PAGE = '<!doctype html><script type="application/json" id="playground-config">null</script><p>page</p>';
const dir = mkdtempSync(join(tmpdir(), 'dialplan-playground-'));
const PLAN = 'name: x\nclassifications: [A]\ndialPlan:\n  - { name: a, match: "Z", classification: A }\n# </script><script>alert(1)</script>\n';

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** One HTTP request with full control of Host and Origin (fetch would set them itself). */
function send(port: number, method: string, path: string, headers: Record<string, string | number> = {}, body?: Buffer | string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The configuration the server wrote into the page. */
function config(html: string): { file: string; text: string; saveUrl: string; token: string } {
  const m = /<script type="application\/json" id="playground-config">(.*?)<\/script>/s.exec(html);
  return JSON.parse(m?.[1] ?? 'null') as { file: string; text: string; saveUrl: string; token: string };
}

describe('createPlaygroundServer', () => {
  const rules = join(dir, 'site.yaml');
  const token = 'k'.repeat(43);
  const { server } = createPlaygroundServer({ page: PAGE, rulesPath: rules, token, bodyTimeoutMs: 300 });
  const bare = createPlaygroundServer({ page: PAGE });
  let port = 0;
  let barePort = 0;
  const save = (headers: Record<string, string | number>, body: Buffer | string = 'name: y\n'): Promise<Reply> =>
    send(port, 'PUT', SAVE_PATH, { origin: `http://127.0.0.1:${port}`, [TOKEN_HEADER]: token, 'content-type': 'application/yaml', ...headers }, body);

  beforeAll(async () => {
    writeFileSync(rules, PLAN);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => bare.server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    barePort = (bare.server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
    bare.server.close();
  });

  it('serves the page with the file, its name, the save path and the token written into it, "<" escaped', async () => {
    const r = await send(port, 'GET', '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(config(r.body)).toEqual({ file: 'site.yaml', text: PLAN, saveUrl: SAVE_PATH, token });
    // The file's own "</script>" cannot end the element.
    expect(r.body.match(/<\/script>/g)).toHaveLength(1);
    expect(r.body).toContain('<p>page</p>');
    // The file is read at each request: an edit on disk shows on reload.
    writeFileSync(rules, PLAN.replace('name: x', 'name: edited'));
    expect(config((await send(port, 'GET', '/index.html')).body).text).toContain('name: edited');
  });

  it('saves the body to the file for the page (own Origin, token, YAML)', async () => {
    const text = 'name: saved\n# ünïcödé\n';
    const r = await save({}, text);
    expect(r.status, r.body).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ saved: 'site.yaml', bytes: Buffer.byteLength(text) });
    expect(readFileSync(rules, 'utf8')).toBe(text);
    expect((await save({ origin: `http://localhost:${port}`, host: `localhost:${port}`, 'content-type': 'text/plain; charset=utf-8' }, 'name: again\n')).status).toBe(200);
    expect(readFileSync(rules, 'utf8')).toBe('name: again\n');
  });

  it('refuses a bad or missing token, another Origin or none, another Host, and leaves the file alone', async () => {
    writeFileSync(rules, PLAN);
    const refused = [
      await save({ [TOKEN_HEADER]: 'k'.repeat(42) + 'j' }),
      await save({ [TOKEN_HEADER]: 'short' }),
      await send(port, 'PUT', SAVE_PATH, { origin: `http://127.0.0.1:${port}`, 'content-type': 'application/yaml' }, 'name: y\n'),
      await save({ origin: 'https://evil.example' }),
      await save({ origin: `http://127.0.0.1:${port + 1}` }),
      await send(port, 'PUT', SAVE_PATH, { [TOKEN_HEADER]: token, 'content-type': 'application/yaml' }, 'name: y\n'),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect(refused[0]?.body).toMatch(/token/);
    expect(refused[3]?.body).toMatch(/does not come from the playground page/);
    // DNS rebinding: another name for this address, page and endpoint alike.
    expect((await send(port, 'GET', '/', { host: 'evil.example' })).status).toBe(421);
    expect((await save({ host: `evil.example:${port}`, origin: `http://evil.example:${port}` })).status).toBe(421);
    expect(readFileSync(rules, 'utf8')).toBe(PLAN);
  });

  it('answers other mistakes with their status, and a server without --rules has nothing to save to', async () => {
    expect((await save({ 'content-type': 'application/json' })).status).toBe(415);
    expect((await save({}, Buffer.from([0x6e, 0x61, 0xff, 0x0a]))).status).toBe(400);
    expect((await save({ 'content-length': 17 * 1024 * 1024 }, '')).status).toBe(413);
    expect((await send(port, 'POST', SAVE_PATH)).status).toBe(405);
    expect((await send(port, 'POST', '/')).status).toBe(405);
    expect((await send(port, 'GET', '/nope')).status).toBe(404);
    expect(readFileSync(rules, 'utf8')).toBe(PLAN);
    const page = await send(barePort, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).toBe(PAGE);
    const r = await send(barePort, 'PUT', SAVE_PATH, { origin: `http://127.0.0.1:${barePort}`, 'content-type': 'application/yaml' }, 'x');
    expect(r.status).toBe(404);
  });

  it('cuts off a save whose body never finishes (408), and says why a file cannot be written (500)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: SAVE_PATH,
          headers: { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, [TOKEN_HEADER]: token, 'content-type': 'application/yaml', 'content-length': 100 },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', reject);
      req.write('name: ');
    });
    expect(status).toBe(408);
    expect(readFileSync(rules, 'utf8')).toBe(PLAN);
    const gone = join(dir, 'gone', 'site.yaml');
    const lost = createPlaygroundServer({ page: PAGE, rulesPath: gone, token });
    await new Promise<void>((r) => lost.server.listen(0, '127.0.0.1', r));
    try {
      const p = (lost.server.address() as AddressInfo).port;
      const r = await send(p, 'PUT', SAVE_PATH, { origin: `http://127.0.0.1:${p}`, [TOKEN_HEADER]: token, 'content-type': 'application/yaml' }, 'name: y\n');
      expect(r.status).toBe(500);
      expect(r.body).toMatch(/^Cannot write site\.yaml: ENOENT/);
      expect((await send(p, 'GET', '/')).status).toBe(500);
    } finally {
      lost.server.close();
    }
  });
});

describe.runIf(existsSync(CLI) && existsSync(BUILT_PAGE))('dialplan playground (the built command)', () => {
  /** Starts the command; resolves with its address once printed. */
  async function start(args: readonly string[]): Promise<{ url: string; exited: Promise<number | null>; kill: (s: NodeJS.Signals) => void; stderr: () => string }> {
    const child = spawn(process.execPath, [CLI, 'playground', ...args], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    for (let i = 0; i < 200 && !stdout.includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
    return { url: stdout.trim(), exited, kill: (s) => child.kill(s), stderr: () => stderr };
  }

  it('prints its address, serves the built page with the file, saves through the endpoint, refuses a bad token; SIGTERM stops it', async () => {
    const rules = join(dir, 'cli.yaml');
    writeFileSync(rules, PLAN);
    const p = await start(['--port', '0', '--rules', 'cli.yaml']);
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const port = Number(new URL(p.url).port);
    const page = await fetch(p.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="playground-script"');
    const c = config(html);
    expect(c.text).toBe(PLAN);
    expect(c.file).toBe('cli.yaml');
    expect(c.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const headers = { origin: `http://127.0.0.1:${port}`, 'content-type': 'application/yaml' };
    expect((await send(port, 'PUT', c.saveUrl, { ...headers, [TOKEN_HEADER]: c.token.replace(/^./, (x) => (x === 'a' ? 'b' : 'a')) }, 'name: bad\n')).status).toBe(403);
    expect(readFileSync(rules, 'utf8')).toBe(PLAN);
    const ok = await send(port, 'PUT', c.saveUrl, { ...headers, [TOKEN_HEADER]: c.token }, 'name: from the page\n');
    expect(ok.status).toBe(200);
    expect(readFileSync(rules, 'utf8')).toBe('name: from the page\n');
    // A new run has a new token.
    p.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.stderr()).toContain('saved cli.yaml');
    const q = await start([]);
    const html2 = await (await fetch(q.url)).text();
    expect(html2).toContain('<script type="application/json" id="playground-config">null</script>');
    q.kill('SIGINT');
    expect(await q.exited).toBe(0);
  }, 30_000);
});
