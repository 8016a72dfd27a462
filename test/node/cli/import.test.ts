// dialplan import in process: a source too large to become a plan that loads (too many locations, or locations times
// entries past what a load compiles in seconds) is one clear error, exit 1, and nothing is written.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliRun } from './in-process.js';
import { runCliCaptured } from './in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'dialplan-import-cmd-'));

const cli = (...argv: string[]): Promise<CliRun> => runCliCaptured(argv, dir);

// `plans` Teams dial plans of `rules` four-digit rules each, as Get-CsTenantDialPlan | ConvertTo-Json prints them.
const tenant = (plans: number, rules: number): string =>
  JSON.stringify(
    Array.from({ length: plans }, (_, i) => ({
      Identity: `Tag:P${i}`,
      SimpleName: `P${i}`,
      NormalizationRules: Array.from({ length: rules }, (_, k) => ({ Name: `R${k}`, Pattern: `^(${k % 9}\\d{3})$`, Translation: `+1425555$1`, IsInternalExtension: true })),
    })),
  );

describe('dialplan import of sources too large for one plan', () => {
  it('600 dial plans (more locations than a plan holds): one error, exit 1, nothing written', async () => {
    writeFileSync(join(dir, 'many.json'), tenant(600, 1));
    const r = await cli('import', '--from', 'teams', 'many.json', '--out', 'many.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^many\.json:1:1: error too large: the source has 600 dial plans, sites or contexts: an imported plan holds at most 500 locations/m);
    expect(existsSync(join(dir, 'many.yaml'))).toBe(false);
    expect(r.out).toBe('');
  });

  it('450 dial plans of 10 rules (every location compiles 4 500 entries): one error, exit 1, nothing written', async () => {
    writeFileSync(join(dir, 'wide.json'), tenant(450, 10));
    const r = await cli('import', '--from', 'teams', 'wide.json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error too large: the source's 450 dial plans, sites or contexts hold 4500 entries in all/);
    expect(r.out).toBe('');
  });

  it('a plan within the limits is written and loads (8 dial plans of 5 rules, --verify 100%)', async () => {
    writeFileSync(join(dir, 'ok.json'), tenant(8, 5));
    const r = await cli('import', '--from', 'teams', 'ok.json', '--verify');
    expect(r.err).toMatch(/^verify: (\d+) of \1 numbers agree \(100\.00%\)$/m);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^dialPlan:$/m);
  });
});

describe('dialplan import --from asterisk follows #include', () => {
  const ROOT = new URL('../../../', import.meta.url).pathname;

  it("FreePBX's extensions.conf, whose dialplan is in the files it #includes: every context and extension, --verify 100%", async () => {
    const { code, out, err } = await runCliCaptured(['import', '--from', 'asterisk', 'test/fixtures/migration/asterisk-includes/extensions.conf', '--verify'], ROOT);
    expect(err).not.toMatch(/ (error|warning) /);
    expect(err).toMatch(/^verify: (\d+) of \1 numbers agree \(100\.00%\)$/m);
    expect(code).toBe(0);
    expect(out).toMatch(/^ {2}# test\/fixtures\/migration\/asterisk-includes\/extensions_additional\.conf:17:10 \[outrt-1\] exten => 911,1,Dial\(\.\.\.\) \(included in \[from-internal\]\)$/m);
    expect(out).toMatch(/^ {2}# test\/fixtures\/migration\/asterisk-includes\/extensions_custom\.conf:2:10 \[from-internal-custom\] exten => _\*97,1,VoiceMailMain\(\.\.\.\) \(included in \[from-internal\]\)$/m);
  });
});
