// Hostile sources: nothing a file can hold makes import or --verify hang, crash or drop a rule silently.
import { describe, expect, it } from 'vitest';
import { parseDotnetRegex } from '../../../src/engine/migrate/dotnet-regex.js';
import { IMPORT_FORMATS, verifyImport } from '../../../src/engine/migrate/formats.js';
import { convertRegex } from '../../../src/engine/migrate/regex-to-pattern.js';
import { unsafeToRun } from '../../../src/engine/migrate/verify.js';

const teams = (rules: readonly { Pattern: string; Translation: string }[]): string =>
  JSON.stringify({ SimpleName: 'H', NormalizationRules: rules.map((r, i) => ({ Name: `R${i}`, IsInternalExtension: false, ...r })) });

describe('hostile Teams rules', () => {
  it('a regex that backtracks exponentially is reported, not run, and --verify ends', () => {
    const run = IMPORT_FORMATS['teams']!.run(teams([{ Pattern: '^(\\d+)+$', Translation: '$1' }, { Pattern: '^(\\d{4})$', Translation: '+1$1' }]), 'h.json');
    expect(run.reference.issues.map((i) => i.message)).toEqual(['"R0" is not evaluated for --verify: nested or many unbounded repetitions could take exponential time']);
    expect(run.result.issues.some((i) => i.severity === 'error' && /"R0" is not converted/.test(i.message))).toBe(true);
    const started = Date.now();
    const v = verifyImport(run, { seed: 1, perRule: 25 });
    expect(v.ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it.each(['^\\d{1000000000}$', '^\\d{300}$', '^(\\d{0,256}){0,256}$', '^[0-9]{0,100000}$', '^(?:(?:(?:\\d{0,9}){0,9}){0,9}){0,9}$'])('%s: an answer in bounded time, never a hang', (pattern) => {
    const started = Date.now();
    const c = convertRegex(parseDotnetRegex(pattern), '$0', '0123456789+');
    expect(Date.now() - started).toBeLessThan(5_000);
    if (c.ok) expect(c.value.variants.every((v) => v.pattern.length <= 256)).toBe(true);
    else expect(c.problems[0]?.message).toMatch(/patterns|longer/);
  });

  it('JSON nested ten thousand levels deep is a readable error, not a stack overflow', () => {
    const run = IMPORT_FORMATS['teams']!.run('['.repeat(10_000) + ']'.repeat(10_000), 'deep.json');
    expect(run.result.issues[0]?.message).toMatch(/^not readable: JSON nested deeper than 64 levels/);
  });

  it('a truncated file is a readable error with its position', () => {
    const run = IMPORT_FORMATS['genesys-cloud']!.run('[{"name": "x", "matchType": "regex", "match": "1', 'cut.json');
    expect(run.result.issues.map((i) => `${i.where}: ${i.message}`)).toEqual(['cut.json:1:47: not readable: this string is never closed']);
  });

  it('the safety check flags nesting and long chains, and passes what exports write', () => {
    expect(unsafeToRun(parseDotnetRegex('^(\\d+)+$').root)).toBe(2); // the inner \d+
    expect(unsafeToRun(parseDotnetRegex('^(?:1|12)*$').root)).toBeDefined();
    expect(unsafeToRun(parseDotnetRegex('^\\d*\\d*\\d*\\d*x$').root)).toBeDefined();
    expect(unsafeToRun(parseDotnetRegex('^(?:(?<g0end>[sS][iI][pP]:.*)|(?<g0end>[0123456789*#,]*@.*))$').root)).toBeUndefined();
    expect(unsafeToRun(parseDotnetRegex('^011(\\d{7,15})$').root)).toBeUndefined();
  });

  it.each(['^(\\d{1,30}){1,30}\\*$', '^(\\d?){25}\\d{25}\\*$', '^((\\d?){8}){8}#$', '^(?=(\\d?){25}\\d{25})\\d+\\*$'])(
    '%s: bounded nesting that backtracks exponentially in JavaScript is reported, not run, and --verify ends',
    (pattern) => {
      expect(unsafeToRun(parseDotnetRegex(pattern).root)).toBeDefined();
      const run = IMPORT_FORMATS['teams']!.run(teams([{ Pattern: pattern, Translation: '$1' }, { Pattern: '^(\\d{4})$', Translation: '+1$1' }]), 'h.json');
      expect(run.reference.issues.map((i) => i.message)).toEqual(['"R0" is not evaluated for --verify: nested or many unbounded repetitions could take exponential time']);
      const started = Date.now();
      const v = verifyImport(run, { seed: 1, perRule: 25 });
      expect(v.ok).toBe(true);
      expect(Date.now() - started).toBeLessThan(10_000);
    },
  );

  it('ordinary rules and the look-aheads of exported when: conditions are still run', () => {
    for (const p of ['^1?([2-9]\\d{2}[2-9]\\d{6})$', '^(\\+?1)?(\\d{10})$', '^(\\d{3}){1,4}$', '^(?:0|1|2|3|4|5|6|7|8|9){12}$', '^\\d*\\d*\\d*$', '^(?=(?<np1>0|180020))\\k<np1>(?=\\d{9,10}$)(?:\\d{7}|\\d{9}|\\d{10}|\\d{11,})(?=[1-9])(?=\\d{5})(?=\\d{6})(?=\\d{7})\\d+$']) {
      expect(unsafeToRun(parseDotnetRegex(p).root), p).toBeUndefined();
    }
  });
});

describe('hostile Unified CM and Asterisk files', () => {
  it('a pattern with many ! is reported, not written out partly', () => {
    const run = IMPORT_FORMATS['cucm']!.run('ROUTE PATTERN\n9.!!!!!!!!\n', 'rp.csv');
    expect(run.result.issues.find((i) => i.severity === 'error')?.message).toMatch(/more than 4096 ways/);
    expect(run.result.plan.entries.filter((e) => e.notConverted === undefined)).toEqual([]);
  });

  it('a context of 100 000 extensions imports in seconds (no quadratic duplicate check or note)', () => {
    const text = '[a]\n' + Array.from({ length: 100_000 }, (_, i) => `exten => ${1_000_000 + i},1,NoOp()`).join('\n') + '\n';
    const started = Date.now();
    const run = IMPORT_FORMATS['asterisk']!.run(text, 'big.conf');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.result.plan.entries.length).toBe(100_000);
    expect(run.result.issues.find((i) => i.message.includes('dial-time action NoOp'))?.message).toMatch(/, 21 and 99980 more\)/);
  });

  it('a chain of 3 000 or 5 000 includes neither overflows the stack nor crashes: one error, no plan', () => {
    for (const n of [3000, 5000]) {
      const text = Array.from({ length: n }, (_, i) => `[c${i}]\n${i < n - 1 ? `include => c${i + 1}\n` : ''}exten => ${100_000 + i},1,NoOp()`).join('\n') + '\n';
      const started = Date.now();
      const run = IMPORT_FORMATS['asterisk']!.run(text, 'chain.conf');
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(run.result.issues.map((i) => `${i.where}: ${i.severity} ${i.message}`)).toEqual([
        `chain.conf:1:1: error too large: the source has ${n} dial plans, sites or contexts: an imported plan holds at most 500 locations (each names a variable for every other one, so the plan grows with their square); import them in parts`,
      ]);
      expect(run.result.yaml).toBe('');
    }
  });

  it("a context searches at most 128 contexts through its includes, as Asterisk's include stack allows; said", () => {
    const n = 140;
    const text = Array.from({ length: n }, (_, i) => `[c${i}]\n${i < n - 1 ? `include => c${i + 1}\n` : ''}exten => ${100_000 + i},1,NoOp()`).join('\n') + '\n';
    const run = IMPORT_FORMATS['asterisk']!.run(text, 'chain.conf');
    expect(run.result.issues.filter((i) => i.severity === 'warning').map((i) => `${i.where}: ${i.message}`)).toEqual([
      'chain.conf:1:1: [c0] reaches more than 128 contexts through its includes: Asterisk searches the first 128 only (AST_PBX_MAX_STACK, "Maximum PBX stack exceeded"), and so does the plan (said for the first such context)',
    ]);
    expect(run.result.plan.entries.filter((e) => e.location === 'c0').map((e) => e.classification)).toEqual(Array.from({ length: 128 }, (_, i) => String(100_000 + i)));
    expect(run.result.plan.entries.filter((e) => e.location === 'c12').length).toBe(128);
    expect(run.result.plan.entries.filter((e) => e.location === 'c13').length).toBe(127);
    expect(run.reference.evaluate({ number: '100127', location: 'c0' }).classification).toBe('100127');
    expect(run.reference.evaluate({ number: '100128', location: 'c0' }).classification).toBe('No extension');
    expect(run.reference.evaluate({ number: '100128', location: 'c1' }).classification).toBe('100128');
  });

  it('5 000 Teams dial plans: one error, no plan, in seconds', () => {
    const plans = Array.from({ length: 5000 }, (_, i) => ({ SimpleName: `P${i}`, NormalizationRules: [{ Name: 'R', Pattern: '^(\\d{4})$', Translation: '+1425555$1', IsInternalExtension: true }] }));
    const started = Date.now();
    const run = IMPORT_FORMATS['teams']!.run(JSON.stringify(plans), 'tenant.json');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.result.issues.map((i) => i.message)).toEqual([expect.stringMatching(/^too large: the source has 5000 dial plans, sites or contexts/)]);
    expect(run.reference.numbers(1, 5)).toEqual([]);
  });

  it('a chain of templates, each inheriting the one before, stops copying past the limit, said once', () => {
    const text = Array.from({ length: 60_000 }, (_, i) => `[t${i}](!${i > 0 ? `,t${i - 1}` : ''})\nexten => ${100_000 + i},1,NoOp()`).join('\n') + '\n[ctx](t10)\n';
    const started = Date.now();
    const run = IMPORT_FORMATS['asterisk']!.run(text, 'templates.conf');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.result.issues.filter((i) => /templates have copied more than 200000/.test(i.message))).toHaveLength(1);
  });

  it('includes that loop back are followed once', () => {
    const run = IMPORT_FORMATS['asterisk']!.run('[a]\ninclude => b\nexten => 1,1,Hangup()\n[b]\ninclude => a\nexten => 2,1,Hangup()\n', 'loop.conf');
    const v = verifyImport(run, { seed: 1, perRule: 5 });
    expect(v.ok && v.report.disagreements).toEqual([]);
  });
});

describe('--verify of a large source', () => {
  it('is cut down so that numbers times rules stays under the limit, and says so', () => {
    const csv = 'ROUTE PATTERN,ROUTE PARTITION,DISCARD DIGITS\n' + Array.from({ length: 2000 }, (_, i) => `9.${100_000 + i}XX,PT,PreDot`).join('\n') + '\n';
    const run = IMPORT_FORMATS['cucm']!.run(csv, 'big.csv');
    const v = verifyImport(run, { seed: 1, perRule: 25, maxWork: 400_000 });
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.limited).toEqual({ perRule: 1, drawn: expect.any(Number), asked: 200, rules: 2000 });
    expect(v.limited!.drawn).toBeGreaterThan(2000);
    expect(v.report.tried).toBe(200);
    expect(v.report.disagreements).toEqual([]);
    // A small source is not cut down.
    const small = verifyImport(IMPORT_FORMATS['cucm']!.run('ROUTE PATTERN\n9.XXXX\n', 's.csv'), { seed: 1, perRule: 25 });
    expect(small.ok && small.limited).toBeUndefined();
  });
});
