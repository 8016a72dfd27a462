import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crossCheckAgreement, failingRows, formatAgreementTable } from '../../../src/engine/authoring/cross-check.js';
import { crossCheckDialPlan, loadDialPlan } from '../../../src/index.js';
import { generateStarterPlan } from '../../../src/engine/authoring/init.js';
import { consoleSteps, readBlocks } from '../../doc-blocks.js';

// A careless UK plan: everything +44 is "Local", everything else "Long Distance".
const CARELESS = `name: careless
classifications: [{ name: Local }, { name: Long Distance }, { name: Other }]
inputConversions:
  - { name: national, match: "0[1-9]Z", output: "+44{2-}" }
dialPlan:
  - { name: uk, match: "+44Z", classification: Local }
  - { name: abroad, match: "+Z", classification: Long Distance }
  - { name: rest, match: Z, classification: Other }
tests:
  - { input: "020 7946 0958", expect: { defaultClassification: Local } }
  - { input: "0909 879 0000", expect: { defaultClassification: Local } }
  - { input: "0800 1111", expect: { defaultClassification: Local } }
  - { input: "01632 960001", expect: { defaultClassification: Local } }
`;

describe('cross-check with libphonenumber-js', () => {
  it('warns on premium rate, toll free and invalid numbers called Local, at the test case', () => {
    const findings = crossCheckDialPlan(loadDialPlan(CARELESS, { file: 'careless.yaml' }));
    const fromTests = findings.filter((f) => f.path[0] === 'tests');
    expect(fromTests.map((f) => [f.path[1], f.line, f.message.match(/is (premium rate|toll free|not a valid number)\.$/)?.[1]])).toEqual([
      [1, 11, 'premium rate'],
      [2, 12, 'toll free'],
      [3, 13, 'not a valid number'],
    ]);
    expect(findings.every((f) => f.code === 'CROSS_CHECK_MISMATCH' && f.severity === 'warning')).toBe(true);
  });

  it('the bundled plans cross-check clean', () => {
    for (const name of ['default.yaml', 'gb.yaml', 'de.yaml']) {
      const plan = loadDialPlan(readFileSync(new URL(`../../../rules/${name}`, import.meta.url), 'utf8'));
      expect(crossCheckDialPlan(plan).map((f) => f.message)).toEqual([]);
    }
  });

  it('the example numbers of the metadata (valid mobiles) raise nothing against a plan calling them Local or Long Distance', () => {
    // Every example number is valid, and none is premium rate or toll free (they are mobile examples).
    const plan = loadDialPlan(CARELESS.replace(/tests:[\s\S]*$/, ''));
    expect(crossCheckDialPlan(plan)).toEqual([]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'dialplan-xc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = new URL('../../../dist/node/cli/main.js', import.meta.url).pathname;
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

  it('dialplan lint --cross-check prints the warnings and the agreement table, exit 1 below --min-agreement', () => {
    const file = join(dir, 'careless.yaml');
    writeFileSync(file, CARELESS);
    const r = run('lint', '--cross-check', '--country', 'GB', file);
    expect(r.stdout.match(/CROSS_CHECK_MISMATCH/g)).toHaveLength(3);
    expect(r.stdout).toMatch(/Cross-check with libphonenumber-js: country GB \(\+44\), 25 numbers per type, seed 1, minimum agreement 99%/);
    // Calling every +44 number Local agrees only on ordinary numbers: premium rate and toll free ones disagree.
    expect(r.stdout).toMatch(/^ {2}Local +\d+ +\d+ +\d+\.\d {2}below minimum$/m);
    expect(r.stdout).toMatch(/Local: "[^"]+": \+44\d+ Local \| \+44\d+ (PREMIUM_RATE|TOLL_FREE|SHARED_COST)/);
    expect(r.status).toBe(1);
    // The same plan passes a threshold of 0; without --cross-check there is no table and no warning.
    expect(run('lint', '--cross-check', '--country', 'GB', '--min-agreement', '0', file).status).toBe(0);
    const plain = run('lint', file);
    expect(plain.stdout).not.toContain('CROSS_CHECK_MISMATCH');
    expect(plain.stdout).not.toContain('Cross-check');
    expect(plain.status).toBe(0);
  });

  it('dialplan lint --cross-check passes the three bundled plans at its default settings (exit 0), as the README\'s tour runs it', () => {
    const rules = new URL('../../../rules/', import.meta.url).pathname;
    for (const name of ['default.yaml', 'gb.yaml', 'de.yaml']) {
      const r = run('lint', '--cross-check', join(rules, name));
      expect([name, r.status, r.stdout.match(/^.*below minimum$/gm)]).toEqual([name, 0, null]);
      expect(r.stdout).toMatch(/^Cross-check with libphonenumber-js: country (US|GB|DE) /m);
    }
  });

  it('plans written by dialplan init for GB and DE, with and without --area-code, pass dialplan lint --cross-check at its defaults', () => {
    for (const args of [['GB'], ['GB', '--area-code', '20'], ['DE'], ['DE', '--area-code', '30']]) {
      const file = join(dir, `init-${args.join('-')}.yaml`);
      expect(run('init', '--country', ...args, '--out', file).status).toBe(0);
      const r = run('lint', '--cross-check', file);
      expect([args, r.status, r.stdout.match(/^.*below minimum$/gm)]).toEqual([args, 0, null]);
      expect(r.stdout).toContain(`country ${args[0]} `);
    }
  });

  it('the example of docs/rules.md prints what the page shows', () => {
    const blocks = readBlocks('docs/rules.md');
    const i = blocks.findIndex((b) => b.info === 'text' && b.body.startsWith('$ dialplan lint --cross-check'));
    expect(i).toBeGreaterThan(0);
    const plan = blocks[i - 1]!;
    expect(plan.info).toBe('yaml');
    const [step] = consoleSteps(blocks[i]!);
    writeFileSync(join(dir, 'careless.yaml'), plan.body);
    const r = spawnSync(process.execPath, [cli, ...step!.args], { encoding: 'utf8', cwd: dir });
    expect(r.stdout).toBe(step!.output);
    expect(r.status).toBe(step!.exit);
  });

  it('--json carries the table; bad cross-check options exit 2', () => {
    const file = join(dir, 'careless-json.yaml');
    writeFileSync(file, CARELESS);
    const r = run('lint', '--json', '--cross-check', '--sample', '5', '--seed', '3', file);
    const doc = JSON.parse(r.stdout) as { crossCheck: { country: string; sample: number; seed: number; minAgreement: number; failing: string[]; rows: { classification: string; tried: number; agreeing: number }[] } };
    expect(doc.crossCheck).toMatchObject({ country: 'GB', sample: 5, seed: 3, minAgreement: 99 });
    // Local takes premium rate and toll free numbers; Long Distance is what this plan calls numbers abroad.
    expect(doc.crossCheck.failing).toEqual(expect.arrayContaining(['Local', 'Long Distance']));
    expect(doc.crossCheck.rows.find((row) => row.classification === 'Long Distance')?.tried).toBeGreaterThan(100);
    expect(r.status).toBe(1);
    for (const args of [['--sample', '3'], ['--cross-check', '--country', 'XX'], ['--cross-check', '--sample', '0'], ['--cross-check', '--seed', '-1'], ['--cross-check', '--min-agreement', '101'], ['--cross-check', '--min-agreement', 'most']]) {
      const bad = run('lint', ...args, file);
      expect([args, bad.status]).toEqual([args, 2]);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('the agreement table (crossCheckAgreement)', () => {
  const rate = (r: { tried: number; agreeing: number }) => (100 * r.agreeing) / r.tried;

  it('the bundled default plan agrees: 1-900 numbers are Premium Rate, 8XX Toll Free, the rest Long Distance, abroad International', () => {
    const plan = loadDialPlan(readFileSync(new URL('../../../rules/default.yaml', import.meta.url), 'utf8'));
    const report = crossCheckAgreement(plan);
    expect(report.country).toBe('US');
    const names = report.rows.map((r) => r.classification);
    expect(names).toEqual(expect.arrayContaining(['Toll Free', 'Premium Rate', 'Long Distance', 'International']));
    for (const r of report.rows) expect([r.classification, rate(r)]).toEqual([r.classification, 100]);
    expect(report.rows.find((r) => r.classification === 'Premium Rate')!.tried).toBeGreaterThanOrEqual(100);
    expect(failingRows(report)).toEqual([]);
  });

  const bundled = (name: string) => readFileSync(new URL(`../../../rules/${name}`, import.meta.url), 'utf8');

  it('the bundled London and Berlin plans agree on every classification (the default settings and two more seeds)', () => {
    for (const [name, country, expected] of [
      ['gb.yaml', 'GB', ['Toll Free', 'Premium Rate', 'Long Distance', 'Mobile', 'Personal Number', 'Pager', 'VoIP', 'Non-Geographic', 'International', 'Invalid']],
      ['de.yaml', 'DE', ['Toll Free', 'Premium Rate', 'Shared Cost', 'Local', 'Long Distance', 'Mobile', 'International', 'Invalid']],
    ] as const) {
      const plan = loadDialPlan(bundled(name));
      for (const options of [{}, { seed: 2, sample: 60 }, { seed: 3, sample: 60 }]) {
        const report = crossCheckAgreement(plan, options);
        expect(report.country).toBe(country);
        // (London numbers are Local; whether the draw has one depends on the seed.)
        expect(report.rows.map((r) => r.classification).filter((c) => c !== 'Local' || name !== 'gb.yaml')).toEqual(expected);
        expect([name, options, failingRows(report).map((r) => `${r.classification} ${r.agreeing}/${r.tried} ${JSON.stringify(r.disagreements)}`)]).toEqual([name, options, []]);
        // Not a single disagreement: bare national digits are read, 070/076/056 and short 0800 numbers are what the metadata says.
        expect(report.rows.filter((r) => r.agreeing !== r.tried).map((r) => r.classification)).toEqual([]);
        expect(report.emergencyMissed).toEqual([]);
      }
    }
  });

  it('bare digits a plan reads as local dialling are judged by the plan\'s reading, which must be a valid number of the country', () => {
    const de = bundled('de.yaml');
    // The Berlin plan reads 5- to 8-digit numbers as Berlin numbers, as any Berlin phone does: they agree.
    const local = crossCheckAgreement(loadDialPlan(de)).rows.find((r) => r.classification === 'Local')!;
    expect(local.tried).toBeGreaterThan(0);
    expect(local.agreeing).toBe(local.tried);
    // Given a wrong classification, the local readings disagree like the rest.
    const wrong = crossCheckAgreement(loadDialPlan(de.replace('    classification: Local\n', '    classification: Toll Free\n')));
    const free = wrong.rows.find((r) => r.classification === 'Toll Free')!;
    expect(free.tried - free.agreeing).toBe(local.tried);
    // Local dialling into an area code that does not exist makes invalid numbers: those still disagree.
    const bad = crossCheckAgreement(loadDialPlan(de.replace('output: +4930{1-}', 'output: +49999{1-}')));
    const invalid = bad.rows.find((r) => r.classification === 'Invalid')!;
    expect(invalid.disagreements.some((d) => /^\+49999\d+ Invalid$/.test(d.plan) && /^\+49\d+ FIXED_LINE$/.test(d.library))).toBe(true);
    expect(failingRows(bad).map((r) => r.classification)).toContain('Invalid');
  });

  it('plans from init agree on every classification, in countries of every numbering shape', () => {
    for (const country of ['US', 'GB', 'DE', 'FR', 'IT', 'IN', 'BR', 'AR', 'CO', 'MX', 'JP', 'KR', 'AU', 'ZA', 'RU', 'CN']) {
      const report = crossCheckAgreement(loadDialPlan(generateStarterPlan({ country })), { sample: 20 });
      expect(report.country).toBe(country);
      expect(report.rows.map((r) => r.classification)).toEqual(expect.arrayContaining(['Toll Free', 'International', 'Invalid']));
      expect(report.rows.some((r) => r.classification === 'Mobile' || r.classification === 'Fixed Line')).toBe(true);
      expect([country, failingRows(report).map((r) => `${r.classification} ${r.agreeing}/${r.tried} ${JSON.stringify(r.disagreements)}`)]).toEqual([country, []]);
      expect(report.emergencyMissed).toEqual([]);
    }
  });

  it('catches a plan that swaps mobile and fixed line, with what each side said', () => {
    const text = generateStarterPlan({ country: 'GB' })
      .replace('numberType:\n        - MOBILE\n', 'numberType:\n        - FIXED_LINE\n')
      .replace('numberType:\n        - FIXED_LINE\n        - FIXED_LINE_OR_MOBILE', 'numberType:\n        - MOBILE\n        - FIXED_LINE_OR_MOBILE');
    const report = crossCheckAgreement(loadDialPlan(text), { country: 'GB', sample: 10 });
    const mobile = report.rows.find((r) => r.classification === 'Mobile')!;
    expect(rate(mobile)).toBe(0);
    // The plan's Mobile entry now takes fixed lines: the row says so, with both sides' words.
    expect(mobile.disagreements[0]!.plan).toMatch(/^\+44\d+ Mobile$/);
    expect(mobile.disagreements[0]!.library).toMatch(/^\+44\d+ FIXED_LINE$/);
    expect(report.rows.find((r) => r.classification === 'Fixed Line')!.disagreements[0]!.library).toMatch(/^\+44\d+ MOBILE$/);
    expect(failingRows(report).map((r) => r.classification).sort()).toEqual(['Fixed Line', 'Mobile']);
    expect(formatAgreementTable(report)).toMatch(/Fixed Line +\d+ +0 +0\.0 {2}below minimum/);
  });

  it('the same seed tries the same numbers; another seed others', () => {
    const plan = loadDialPlan(CARELESS.replace(/tests:[\s\S]*$/, ''));
    const a = crossCheckAgreement(plan, { country: 'GB', seed: 5, sample: 10 });
    const b = crossCheckAgreement(plan, { country: 'GB', seed: 5, sample: 10 });
    const c = crossCheckAgreement(plan, { country: 'GB', seed: 6, sample: 10 });
    expect(b).toEqual(a);
    expect(c.rows.flatMap((r) => r.disagreements.map((d) => d.input))).not.toEqual(a.rows.flatMap((r) => r.disagreements.map((d) => d.input)));
  });
});
