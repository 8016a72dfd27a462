import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { STARTER_SCHEMA_PATH } from '../../../src/engine/authoring/init.js';
import { schemaPathFor } from '../../../src/node/cli/init.js';

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

describe('dialplan init: the $schema line resolves from where the plan is saved', () => {
  const schemaOf = (text: string): string => (/^# yaml-language-server: \$schema=(\S+)\n/.exec(text) ?? [])[1] ?? '';

  it('names the schema through the node_modules folder above the plan, however deep the plan is', () => {
    const root = '/site/node_modules/dialplan/';
    expect(schemaPathFor('/site', root)).toBe('./node_modules/dialplan/rules/dialplan.schema.json');
    expect(schemaPathFor('/site/plans/london', root)).toBe('../../node_modules/dialplan/rules/dialplan.schema.json');
  });

  it('inside a clone of the package names its own rules/dialplan.schema.json; anywhere else the default', () => {
    expect(schemaPathFor('/src/dialplan', '/src/dialplan/')).toBe('./rules/dialplan.schema.json');
    expect(schemaPathFor('/src/dialplan/plans', '/src/dialplan/')).toBe('../rules/dialplan.schema.json');
    // npx's cache, or another project's package: no path from here survives; the default resolves once moved.
    expect(schemaPathFor('/work/site', '/home/u/.npm/_npx/1a2b/node_modules/dialplan/')).toBe(STARTER_SCHEMA_PATH);
    expect(schemaPathFor('/work/site', '/other/node_modules/dialplan/')).toBe(STARTER_SCHEMA_PATH);
  });

  it('the built command, run in this repository, writes a path that exists from the plan (standard output and --out)', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const printed = spawnSync(process.execPath, [CLI, 'init', '--country', 'GB'], { encoding: 'utf8', cwd: root });
    expect(printed.status).toBe(0);
    expect(existsSync(join(root, schemaOf(printed.stdout)))).toBe(true);
    const out = join(dir, 'elsewhere.yaml');
    expect(run('init', '--country', 'GB', '--out', out).status).toBe(0);
    expect(schemaOf(readFileSync(out, 'utf8'))).toBe(STARTER_SCHEMA_PATH);
  });
});

describe('dialplan init --out: a failed write leaves an earlier file as it was', () => {
  // A file size limit (ulimit -f, which binds root too) makes the write fail with EFBIG after 2 KiB, as a full disk would.
  const limited = (out: string) => spawnSync('sh', ['-c', 'ulimit -f 2; exec "$0" "$1" init --country US --out "$2"', process.execPath, CLI, out], { encoding: 'utf8' });

  it('an existing plan is not cut short: exit 1, one line, the file unchanged and no temporary file', () => {
    const out = join(dir, 'kept.yaml');
    writeFileSync(out, 'name: my own plan\n');
    const r = limited(out);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^dialplan init: cannot write .*kept\.yaml: EFBIG/);
    expect(readFileSync(out, 'utf8')).toBe('name: my own plan\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a new file is not left behind half written', () => {
    const out = join(dir, 'new.yaml');
    expect(limited(out).status).toBe(1);
    expect(existsSync(out)).toBe(false);
  });
});
