// dialplan import and export on the command line (dist/): every bundled plan exports to Teams and Genesys Cloud with
// --verify at 100% and exit 0 (gb and de with their when: conditions), every sample file of test/fixtures/migration/
// imports at 100%, and a plan over Genesys Cloud's 200 number plans a site is a clear error with nothing written.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const main = join(ROOT, 'dist/node/cli/main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
const agreement = /^verify: (\d+) of (\d+) numbers agree \(100\.00%\)$/m;

describe('dialplan export --verify of the bundled plans', () => {
  it.each([
    ['teams', 'default'],
    ['teams', 'gb'],
    ['teams', 'de'],
    ['genesys-cloud', 'default'],
    ['genesys-cloud', 'gb'],
    ['genesys-cloud', 'de'],
  ])('--to %s rules/%s.yaml: every number agrees, exit 0', (format, name) => {
    const r = run('export', '--to', format, `rules/${name}.yaml`, '--verify');
    expect(r.status, r.stderr).toBe(0);
    const m = agreement.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m?.[1])).toBe(Number(m?.[2]));
    expect(Number(m?.[2])).toBeGreaterThan(1000);
    expect(r.stderr).not.toMatch(/ error /);
    JSON.parse(r.stdout);
  }, 120_000);
});

describe('dialplan import --verify of the sample files', () => {
  it.each([
    ['teams', 'teams-small.json'],
    ['teams', 'teams-tenant.json'],
    ['teams', 'teams-rules.csv'],
    ['genesys-cloud', 'genesys-small.json'],
    ['genesys-cloud', 'genesys-site.json'],
    ['genesys-cloud', 'genesys-sites.json'],
    ['genesys-cloud', 'genesys-states.json'],
    ['asterisk', 'extensions-small.conf'],
    ['asterisk', 'extensions.conf'],
    ['cucm', 'cucm-small.csv'],
    ['cucm', 'cucm-patterns.csv'],
    ['cucm', 'cucm-bat-route-patterns.csv'],
    ['asterisk', 'asterisk-includes/extensions.conf'],
  ])('--from %s %s: every number agrees, exit 0', (format, file) => {
    const r = run('import', '--from', format, `test/fixtures/migration/${file}`, '--verify');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(agreement);
  }, 60_000);
});

describe('dialplan export limits', () => {
  it('a plan that needs more than 200 Genesys Cloud number plans a site is an error, and nothing is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialplan-export-'));
    const file = join(dir, 'big.yaml');
    const entries = Array.from({ length: 210 }, (_, i) => `  - { name: n${i}, match: "${1000 + i}", classification: A }`).join('\n');
    writeFileSync(file, `name: big\nclassifications: [A]\ndialPlan:\n${entries}\n`);
    const r = run('export', '--to', 'genesys-cloud', file);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('needs 211 number plans; Genesys Cloud accepts at most 200 in one site (split the plan into locations, or merge entries)');
  });
});

describe('dialplan export of a plan that does not load', () => {
  it('names the FILE as it was given, like every command (file:line:column), exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialplan-export-bad-'));
    writeFileSync(join(dir, 'bad.yaml'), 'name: x\nclassifications: [A]\ndialPlan:\n  - { name: a, match: "Z1", classification: B }\n');
    const r = spawnSync(process.execPath, [main, 'export', '--to', 'teams', 'bad.yaml'], { encoding: 'utf8', cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^bad\.yaml:4:\d+: error /m);
    expect(r.stderr).not.toContain(dir);
  });
});

describe('dialplan import of files saved by Windows PowerShell', () => {
  it('UTF-16 with a byte order mark (Get-CsTenantDialPlan | ConvertTo-Json -Depth 5 > plans.json) imports at 100%', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialplan-import-'));
    const file = join(dir, 'plans.json');
    const text = readFileSync(join(ROOT, 'test/fixtures/migration/teams-small.json'), 'utf8').replace(/\n/g, '\r\n');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const r = run('import', '--from', 'teams', file, '--verify');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(agreement);
    expect(r.stdout).toContain('match: "XXXX"');
  });

  it('bytes that are neither UTF-8 nor UTF-16 are exit 2 with a plain message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialplan-import-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    const r = run('import', '--from', 'teams', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('is not UTF-8 text');
  });
});
