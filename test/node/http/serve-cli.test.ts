// `dialplan serve` as users run it: the built CLI in a child process, on an ephemeral loopback port.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES_PATH } from '../../../src/index.js';
import { aliasBomb, bigPlan, call, post } from './helpers.js';

const CLI = new URL('../../../dist/node/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dialplan-serve-'));
const users = join(dir, 'users.json');
const rules = join(dir, 'rules.yaml');

let child: ChildProcessWithoutNullStreams;
let stderr = '';
let base = '';

/** Waits until the child's standard error matches, bounded. */
async function waitFor(re: RegExp, from = 0): Promise<RegExpMatchArray> {
  for (let i = 0; i < 300; i++) {
    const m = stderr.slice(from).match(re);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not seen: ${re}\n${stderr}`);
}

beforeAll(async () => {
  copyFileSync(DEFAULT_RULES_PATH, rules);
  const add = spawnSync(process.execPath, [CLI, 'serve', '--sessions', users, '--add-user', 'alice'], {
    input: 'pw from stdin\n',
    encoding: 'utf8',
  });
  expect(add.status).toBe(0);
  const addEnv = spawnSync(process.execPath, [CLI, 'serve', '--sessions', users, '--add-user', 'bob'], {
    encoding: 'utf8',
    env: { ...process.env, DIALPLAN_PASSWORD: 'pw from env' },
  });
  expect(addEnv.status).toBe(0);
  child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--rules', rules, '--sessions', users]);
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const m = await waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  base = m[1] ?? '';
}, 30_000);
afterAll(() => {
  child.kill('SIGTERM');
});

async function session(userID: string, password: string) {
  const r = await post(`${base}/icws/connection`, JSON.stringify({ userID, password }));
  expect(r.status).toBe(201);
  const s = r.body as { sessionId: string; csrfToken: string };
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return (phoneNumber: string) =>
    post(`${base}/icws/${s.sessionId}/phone-numbers/query-details`, JSON.stringify({ phoneNumber }), {
      'ININ-ICWS-CSRF-Token': s.csrfToken,
      Cookie: cookie,
    });
}

describe('dialplan serve', () => {
  it('stores only scrypt hashes, readable by the owner only', () => {
    const text = readFileSync(users, 'utf8');
    expect(Object.keys((JSON.parse(text) as { users: object }).users)).toEqual(['alice', 'bob']);
    expect(text).not.toContain('pw from');
    expect(text).toMatch(/scrypt\$/);
    expect(statSync(users).mode & 0o077).toBe(0);
  });

  it('serves both users (password from stdin and from the environment) on loopback', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const q = await session('alice', 'pw from stdin');
    expect((await q('6929')).body).toMatchObject({ normalizedText: '/6929', queueType: 2 });
    const q2 = await session('bob', 'pw from env');
    expect((await q2('8004562354')).status).toBe(200);
    expect((await post(`${base}/icws/connection`, '{"userID":"alice","password":"pw from env"}')).status).toBe(400);
  });

  it('reloads --rules on SIGHUP, and keeps the old plan when the new file does not load', async () => {
    const q = await session('alice', 'pw from stdin');
    expect((await q('8004562354')).body).toMatchObject({ defaultClassification: 'Toll Free' });

    writeFileSync(rules, readFileSync(DEFAULT_RULES_PATH, 'utf8').replace('- name: Toll Free\n', '- name: Freephone\n').replaceAll('classification: Toll Free', 'classification: Freephone'));
    let mark = stderr.length;
    child.kill('SIGHUP');
    await waitFor(/reloaded/, mark);
    expect((await q('8004562354')).body).toMatchObject({ defaultClassification: 'Freephone' });

    writeFileSync(rules, 'name: broken\ndialPlan: [\n');
    mark = stderr.length;
    child.kill('SIGHUP');
    await waitFor(/reload failed, keeping the previous plan/, mark);
    expect(stderr.slice(mark)).toContain('YAML_SYNTAX');
    expect(stderr.slice(mark)).not.toMatch(/\n\s+at /); // no stack trace
    const r = await q('8004562354');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ defaultClassification: 'Freephone' });
  });

  it('keeps the previous plan and logs the problem when a reload meets an alias bomb or a recursive alias', async () => {
    const q = await session('alice', 'pw from stdin');
    for (const hostile of [aliasBomb(), 'name: r\nclassifications: [X]\ndialPlan: &a [ { name: e, match: X, classification: X }, *a ]\n']) {
      writeFileSync(rules, hostile);
      const mark = stderr.length;
      child.kill('SIGHUP');
      await waitFor(/reload failed, keeping the previous plan/, mark);
      expect(stderr.slice(mark)).toMatch(/rules\.yaml(:\d+:\d+)?: error [A-Z_]+ /);
      expect(stderr.slice(mark)).not.toMatch(/\n\s+at /);
      expect((await q('8004562354')).body).toMatchObject({ defaultClassification: 'Freephone' });
    }
  });

  it('logs requests without secrets, and stops cleanly on SIGTERM', async () => {
    // Request lines are buffered for up to 50 ms.
    await waitFor(/POST \/icws\/\{sessionId\}\/phone-numbers\/query-details 200 \d+\.\dms/);
    expect(stderr).not.toContain('pw from');
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('prints help, and rejects bad options with exit 2 and no stack trace', () => {
    const help = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--add-user NAME');
    const bad = spawnSync(process.execPath, [CLI, 'serve', '--port', 'x'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--port');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    for (const origin of ['https://app.example/path', 'app.example', 'ftp://app.example', '']) {
      const r = spawnSync(process.execPath, [CLI, 'serve', '--allow-origin', origin], { encoding: 'utf8' });
      expect(r.status, origin).toBe(2);
      expect(r.stderr, origin).toContain('--allow-origin must be an origin');
    }
  });
});

describe('dialplan serve: start-up refusals and reloads of huge files', () => {
  it('refuses to start without a users file: exit 2, a message naming --add-user', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--sessions', join(dir, 'nobody.json')], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--add-user');
    expect(r.stderr).toContain('nobody.json');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 with a message, not a stack trace, when the users file cannot be read (a directory)', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--sessions', dir], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot read the users file (EISDIR)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 with a one-line message when the port is in use', async () => {
    const { createServer } = await import('node:net');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as { port: number }).port;
      const r = spawnSync(process.execPath, [CLI, 'serve', '--port', String(port), '--sessions', users], { encoding: 'utf8', timeout: 10_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^dialplan serve: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*\\n$`));
    } finally {
      taken.close();
    }
  });

  it('refuses to start (exit 2) on a rule file that does not load, alias bombs included', () => {
    const bomb = join(dir, 'bomb.yaml');
    writeFileSync(bomb, aliasBomb());
    const r = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--rules', bomb, '--sessions', users], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot load .*bomb\.yaml/);
  });

  it('honours SIGTERM while a huge --rules file is still loading at start-up (exit 0)', async () => {
    const huge = join(dir, 'huge-start.yaml');
    writeFileSync(huge, bigPlan(150_000));
    const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--rules', huge, '--sessions', users]);
    let err = '';
    server.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => server.on('exit', (code) => r(code)));
    try {
      await new Promise((r) => setTimeout(r, 1500));
      expect(err).not.toMatch(/listening on/);
      const stopAt = Date.now();
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(Date.now() - stopAt).toBeLessThan(3000);
    } finally {
      server.kill('SIGKILL');
    }
  }, 30_000);

  it('survives a SIGHUP while --rules is still loading at start-up, and reloads once listening', async () => {
    const slow = join(dir, 'slow-start.yaml');
    writeFileSync(slow, bigPlan(15_000));
    const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--rules', slow, '--sessions', users]);
    let err = '';
    server.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => server.on('exit', (code) => r(code)));
    try {
      await new Promise((r) => setTimeout(r, 700));
      expect(err).not.toMatch(/listening on/);
      server.kill('SIGHUP');
      for (let i = 0; i < 600 && !/reloaded|reload failed/.test(err); i++) await new Promise((r) => setTimeout(r, 50));
      expect(err).toMatch(/listening on[\s\S]*reloading/);
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      server.kill('SIGKILL');
    }
  }, 60_000);

  it('answers requests while a huge file reloads, and honours SIGTERM in the middle of the reload', async () => {
    const huge = join(dir, 'huge.yaml');
    copyFileSync(DEFAULT_RULES_PATH, huge);
    const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--rules', huge, '--sessions', users]);
    let err = '';
    server.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => server.on('exit', (code) => r(code)));
    try {
      for (let i = 0; i < 300 && !/listening on/.test(err); i++) await new Promise((r) => setTimeout(r, 50));
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err)?.[1] ?? '';
      expect(url).not.toBe('');
      // About 10 MB of valid entries: its load takes the worker many seconds (or its whole budget).
      writeFileSync(huge, bigPlan(150_000));
      server.kill('SIGHUP');
      for (let i = 0; i < 100 && !/reloading/.test(err); i++) await new Promise((r) => setTimeout(r, 20));
      let slowest = 0;
      for (let i = 0; i < 10; i++) {
        const started = Date.now();
        const r = await call(`${url}/icws/connection/features`);
        expect(r.status).toBe(200);
        slowest = Math.max(slowest, Date.now() - started);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(slowest).toBeLessThan(1000);
      expect(err).not.toMatch(/reloaded|reload failed/); // still under way
      const stopAt = Date.now();
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(Date.now() - stopAt).toBeLessThan(3000);
    } finally {
      server.kill('SIGKILL');
    }
  }, 30_000);
});
