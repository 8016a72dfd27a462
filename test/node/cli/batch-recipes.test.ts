// The GNU parallel recipes of docs/batch.md, run for real as the page writes them (with parts of 997 rows instead of
// 100 000, and a `dialplan` on PATH that runs the built CLI): their output must be byte for byte one run's output.
// Skipped, visibly, when GNU parallel is not installed (.ci/run installs Debian's parallel package).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = new URL('../../../dist/node/cli/main.js', import.meta.url).pathname;
const DOC = readFileSync(new URL('../../../docs/batch.md', import.meta.url), 'utf8');
const hasParallel = spawnSync('parallel', ['--version'], { encoding: 'utf8' }).stdout?.startsWith('GNU parallel') === true;

/** The shell block that follows `<!-- recipe: NAME ... -->` in docs/batch.md. */
function recipe(name: string): string {
  const at = DOC.indexOf(`<!-- recipe: ${name} `);
  expect(at, `docs/batch.md has the recipe ${name}`).toBeGreaterThan(0);
  const m = /```sh\n([\s\S]*?)```/.exec(DOC.slice(at));
  return (m?.[1] ?? '').replaceAll('100000', '997');
}

function workspace(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'dialplan-recipes-'));
  const bin = join(dir, 'bin');
  spawnSync('mkdir', [bin]);
  writeFileSync(join(bin, 'dialplan'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'dialplan'), 0o755);
  return { dir, env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}`, PARALLEL_HOME: join(dir, '.parallel') } };
}

const shell = (script: string, cwd: string, env: NodeJS.ProcessEnv) => spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, encoding: 'utf8', timeout: 120000, maxBuffer: 1 << 28 });

describe('docs/batch.md recipes', () => {
  it.skipIf(!hasParallel)('GNU parallel, line input: the parts concatenated are one run, byte for byte (skipped without GNU parallel)', () => {
    const { dir, env } = workspace();
    const lines = Array.from({ length: 5000 }, (_, i) => (i % 7 === 6 ? '' : i % 11 === 0 ? String(6000 + (i % 900)) : `317 555 ${String(i).padStart(4, '0').slice(-4)}`));
    writeFileSync(join(dir, 'numbers.txt'), lines.join('\n') + '\n');
    const r = shell(recipe('gnu-parallel-lines'), dir, env);
    expect(r.status, r.stderr).toBe(0);
    const whole = shell('dialplan batch numbers.txt 2>/dev/null', dir, env);
    const got = readFileSync(join(dir, 'details.ndjson'), 'utf8');
    expect(got.split('\n').length - 1).toBe(5000);
    expect(got === whole.stdout).toBe(true);
  });

  it.skipIf(!hasParallel)('GNU parallel, CSV input and output: one header, the parts concatenated are one run (skipped without GNU parallel)', () => {
    const { dir, env } = workspace();
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},"Doe, J. ${i}",${i % 5 === 0 ? String(6000 + (i % 900)) : `(317) 555-${String(i).padStart(4, '0').slice(-4)}`}`);
    writeFileSync(join(dir, 'contacts.csv'), 'id,name,phone\n' + rows.join('\n') + '\n');
    const r = shell(recipe('gnu-parallel-csv'), dir, env);
    expect(r.status, r.stderr).toBe(0);
    const whole = shell('dialplan batch contacts.csv --column phone --format csv 2>/dev/null', dir, env);
    const got = readFileSync(join(dir, 'details.csv'), 'utf8');
    expect(got.split('\n').filter((l) => l.startsWith('row,'))).toHaveLength(1);
    expect(got === whole.stdout).toBe(true);
  });
});
