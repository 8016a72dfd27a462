import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = new URL('../../../dist/node/cli/main.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'dialplan-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dialplan init (CLI)', () => {
  it('writes a plan that dialplan test and dialplan lint accept', () => {
    const out = join(dir, 'de.yaml');
    const r = run('init', '--country', 'DE', '--area-code', '30', '--out', out);
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^# yaml-language-server/);
    const t = run('test', out);
    expect(t.stdout).toMatch(/(\d+) of \1 tests passed/);
    expect(t.status).toBe(0);
    const l = run('lint', out);
    expect(l.stdout).toMatch(/0 errors/);
    expect(l.status).toBe(0);
  });

  it('prints to stdout without --out', () => {
    const r = run('init', '--country', 'gb');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('International dialling with 00');
  });

  it('bad arguments exit 2 without a stack trace', () => {
    for (const args of [['init'], ['init', '--country', 'XX'], ['init', '--country', 'GB', '--area-code', 'abc'], ['init', '--bogus']]) {
      const r = run(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
