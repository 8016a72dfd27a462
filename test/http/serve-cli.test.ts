// `dialplan serve` as users run it: the built CLI in a child process, on an ephemeral loopback port.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES_PATH } from '../../src/index.js';
import { post } from './helpers.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dialplan-serve-'));
const users = join(dir, 'users.json');
const rules = join(dir, 'rules.yaml');

let child: ChildProcessWithoutNullStreams;
let stderr = '';
let base = '';

/** Waits until the child's standard error matches, bounded. */
async function waitFor(re: RegExp, from = 0): Promise<RegExpMatchArray> {
  for (let i = 0; i < 100; i++) {
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
});
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
    expect((await post(`${base}/icws/connection`, '{"userID":"alice","password":"pw from env"}')).status).toBe(401);
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

  it('logs requests without secrets, and stops cleanly on SIGTERM', async () => {
    expect(stderr).toMatch(/POST \/icws\/\{sessionId\}\/phone-numbers\/query-details 200 \d+\.\dms/);
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
  });
});
