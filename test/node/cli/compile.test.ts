import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isCompiledPlanText, loadDialPlanFile } from '../../../src/index.js';

const main = fileURLToPath(new URL('../../../dist/node/cli/main.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'dialplan-compile-'));
const plan = join(dir, 'plan.yaml');
writeFileSync(plan, 'name: x\nclassifications: [A]\ndialPlan:\n  - { name: a, match: "NXX", classification: A }\n');

describe('dialplan compile', () => {
  it('writes a precompiled plan that --rules and loadDialPlanFile read', () => {
    const out = join(dir, 'plan.json');
    const r = run('compile', plan, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(isCompiledPlanText(readFileSync(out, 'utf8'))).toBe(true);
    expect(loadDialPlanFile(out).query('317').ok).toBe(true);
    const q = run('query', '--json', '--rules', out, '317');
    expect(q.status, q.stderr).toBe(0);
    expect(JSON.parse(q.stdout).defaultClassification).toBe('A');
  });

  it('refuses an --out that is the rule FILE itself, also through a link, and leaves the FILE as it was (exit 2)', () => {
    const self = join(dir, 'self.yaml');
    const text = readFileSync(plan, 'utf8');
    writeFileSync(self, text);
    const alias = join(dir, 'self-link.yaml');
    symlinkSync(self, alias);
    for (const out of [self, alias]) {
      const r = run('compile', self, '--out', out);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`dialplan compile: --out ${out} is the rule FILE itself, which would be replaced by JSON; write the precompiled plan to another file (such as ${out.replace(/\.yaml$/, '.json')}).\nRun "dialplan compile --help" for usage.\n`);
      expect(readFileSync(self, 'utf8')).toBe(text);
    }
  });

  it('writes to a device directly and follows a symbolic link, which stays a link', () => {
    const r = run('compile', plan, '--out', '/dev/stdout');
    expect(r.status, r.stderr).toBe(0);
    expect(isCompiledPlanText(r.stdout)).toBe(true);
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
    const real = join(dir, 'real.json');
    writeFileSync(real, 'old');
    const link = join(dir, 'link.json');
    symlinkSync(real, link);
    expect(run('compile', plan, '--out', link).status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(isCompiledPlanText(readFileSync(real, 'utf8'))).toBe(true);
  });

  it('leaves an earlier file untouched when the plan does not load', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: x\ndialPlan:\n  - { name: a, match: "Z1", classification: B }\n');
    const out = join(dir, 'keep.json');
    writeFileSync(out, 'earlier');
    const r = run('compile', bad, '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:3:\d+: error Z_NOT_LAST/);
    expect(readFileSync(out, 'utf8')).toBe('earlier');
  });

  it('refuses a FILE that is not UTF-8 as every command does, at the first bad byte, and writes nothing', () => {
    const latin1 = join(dir, 'latin1.yaml');
    writeFileSync(latin1, Buffer.concat([readFileSync(plan), Buffer.from('# caf\xe9\n', 'latin1')]));
    const out = join(dir, 'latin1.json');
    const r = run('compile', latin1, '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/latin1\.yaml:5:6: error INVALID_ENCODING Byte 0xE9 is not UTF-8/);
    expect(() => readFileSync(out)).toThrow();
    // The same message as lint gives for the file.
    expect(run('lint', latin1).stdout).toContain('latin1.yaml:5:6: error INVALID_ENCODING');
  });

  it('reads no further than the size limit (/dev/zero ends at once) and names a missing FILE as the loaders do', () => {
    const z = spawnSync(process.execPath, [main, 'compile', '/dev/zero'], { encoding: 'utf8', timeout: 20_000 });
    expect(z.status, z.stderr).toBe(2);
    expect(z.stderr).toContain('error TOO_LARGE');
    const missing = run('compile', join(dir, 'nope.yaml'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.yaml: error FILE_NOT_FOUND Cannot read the rule file: no such file\./);
  });

  it('compiles a plan read from a pipe (/dev/stdin), read once', () => {
    // Through a shell pipe: spawnSync's own stdin is a socket, which /dev/stdin cannot open.
    const r = spawnSync('sh', ['-c', 'cat "$1" | "$2" "$3" compile /dev/stdin', 'sh', plan, process.execPath, main], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(isCompiledPlanText(r.stdout)).toBe(true);
  });
});
