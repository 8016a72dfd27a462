// A rule FILE of `-` is standard input for lint, test and compile, as for most tools; problems name it <stdin>.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../../dist/node/cli/main.js', import.meta.url));
const run = (args: string[], input: string | Buffer) => spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8' });
const BAD = 'name: x\nclassifications: [A]\ndialPlan:\n  - { name: a, match: "1Z2", classification: A }\n';
const GOOD = readFileSync(new URL('../../../rules/default.yaml', import.meta.url), 'utf8');

it('lint - reads the plan from standard input, its problems named <stdin>', () => {
  const r = run(['lint', '-'], BAD);
  expect(r.status).toBe(2);
  expect(r.stdout).toMatch(/^<stdin>:4:25: error Z_NOT_LAST /);
  expect(r.stdout).toContain('<stdin>: does not load, 1 error, 0 warnings\n');
});

it('test - and compile - read standard input too; bytes that are not UTF-8 are INVALID_ENCODING', () => {
  const t = run(['test', '-'], GOOD);
  expect([t.status, t.stdout]).toEqual([0, expect.stringMatching(/^<stdin>: \d+ of \d+ tests passed\n$/)]);
  const c = run(['compile', '-'], GOOD);
  expect(c.status).toBe(0);
  expect(JSON.parse(c.stdout)).toMatchObject({ format: 'dialplan-compiled-plan', file: '<stdin>' });
  const bad = run(['lint', '-'], Buffer.from('name: x\xff\n', 'latin1'));
  expect([bad.status, bad.stdout.split('\n')[0]]).toEqual([2, '<stdin>:1:8: error INVALID_ENCODING Byte 0xFF is not UTF-8: save the rule file as UTF-8.']);
  const huge = run(['compile', '-'], Buffer.alloc(16 * 1024 * 1024 + 10, 0x20));
  expect([huge.status, huge.stderr]).toEqual([2, expect.stringContaining('<stdin>:1:1: error TOO_LARGE')]);
});

// An output option naming the FILE being read would replace the file its author edits: compile, import and export
// refuse it (exit 2), also through a link, and the FILE is left as it was.
it('compile, import and export refuse an --out (or --ps1) that is their FILE, also through a link', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialplan-out-in-'));
  const yaml = join(dir, 'site.yaml');
  writeFileSync(yaml, GOOD);
  const json = join(dir, 'tenant.json');
  const tenant = readFileSync(new URL('../../fixtures/migration/teams-small.json', import.meta.url), 'utf8');
  writeFileSync(json, tenant);
  const link = join(dir, 'link.yaml');
  symlinkSync(yaml, link);
  const cases: [string[], string][] = [
    [['compile', yaml, '--out', link], `--out ${link} is the rule FILE itself, which would be replaced by JSON; write the precompiled plan to another file (such as ${join(dir, 'link.json')}).`],
    [['export', '--to', 'teams', yaml, '--out', yaml], `--out ${yaml} is the rule FILE itself, which would be replaced by JSON; write the export to another file (such as ${join(dir, 'site.json')}).`],
    [['export', '--to', 'teams', link, '--ps1', yaml], `--ps1 ${yaml} is the rule FILE itself, which would be replaced by a PowerShell script; write the script to another file (such as ${join(dir, 'site.ps1')}).`],
    [['import', '--from', 'teams', json, '--out', json], `--out ${json} is the FILE itself, which would be replaced by YAML; write the plan to another file (such as ${join(dir, 'tenant.yaml')}).`],
  ];
  for (const [args, message] of cases) {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    expect([r.status, r.stderr.split('\n')[0]]).toEqual([2, `dialplan ${args[0]}: ${message}`]);
  }
  expect(readFileSync(yaml, 'utf8')).toBe(GOOD);
  expect(readFileSync(json, 'utf8')).toBe(tenant);
});
