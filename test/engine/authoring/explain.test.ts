// plan.explain: the trace names each entry tried with its file:line, the captures and templates, and always ends with
// exactly the details query returns; `dialplan explain` and `dialplan test` on the command line, with --location.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatExplanation, loadDialPlan } from '../../../src/index.js';

const defaultText = readFileSync(new URL('../../../rules/default.yaml', import.meta.url), 'utf8');
const plan = loadDialPlan(defaultText, { file: 'rules/default.yaml' });
const lineOf = (text: string): number => defaultText.split('\n').findIndex((l) => l.includes(text)) + 1;

describe('plan.explain on the default plan', () => {
  it('traces a local number through both tables', () => {
    const e = plan.explain('(317) 555-1234 x12');
    expect(e.prepare?.text).toBe('3175551234^12');
    expect(e.prepare?.steps.some((s) => s.kind === 'extension-label' && s.to === '^12')).toBe(true);
    const conv = e.conversion!;
    expect(conv.considered.map((c) => [c.name, c.matched])).toEqual([
      ['Seven-digit local number', false],
      ['Ten-digit number', true],
    ]);
    const m = conv.considered[1]!;
    expect(m.position).toMatchObject({ file: 'rules/default.yaml', line: lineOf('name: Ten-digit number') });
    expect(m.match).toMatchObject({ pattern: 'NXXNXXXXXX', matchedText: '3175551234', carriedExtension: '^12' });
    expect(m.match?.captures.map((c) => c.token + c.text).join(' ')).toBe('N3 X1 X7 N5 X5 X5 X1 X2 X3 X4');
    expect(conv.output).toBe('+13175551234^12');
    const dp = e.dialPlan!;
    expect(dp.considered.at(-1)).toMatchObject({ name: 'Local', matched: true, position: { line: lineOf('match: +1{localAreaCodes}NXXXXXX') - 1 } });
    expect(dp.considered.at(-1)?.match?.captures[0]).toEqual({ token: '{localAreaCodes}', text: '317' });
    expect(dp.templates.map((t) => [t.field, t.value])).toEqual([
      ['normalized', '+13175551234^12'],
      ['display', '(Local) (317) 555-1234^12'],
      ['editBase', '(317) 555-1234^12'],
      ['dialString', '3175551234^12'],
    ]);
    expect(e.unmatched).toBeUndefined();
    expect(e.directory).toEqual({ extension: undefined, found: false });
  });

  it('shows the directory lookup of an extension', () => {
    const e = plan.explain('6929');
    expect(e.conversion?.fellThrough).toBe(true);
    expect(e.directory).toMatchObject({ extension: '6929', found: true, kind: 'users', queueName: 'User Queue:jdoe' });
  });

  it('says which table fell through', () => {
    const bare = loadDialPlan('name: t\nclassifications: [A]\ndialPlan:\n  - { name: a, match: XXXX, classification: A }\n');
    const e = bare.explain('12345');
    expect(e.unmatched).toBe('dialPlan');
    expect(e.dialPlan?.fellThrough).toBe(true);
    expect(e.dialPlan?.considered).toHaveLength(1);
    expect(e.details?.defaultClassification).toBe('Unknown');
  });

  it('reports query errors as values', () => {
    expect(plan.explain('  ').error?.code).toBe('EMPTY');
    expect(plan.explain('1', { location: 'nowhere' }).error?.code).toBe('UNKNOWN_LOCATION');
  });

  it('ends with exactly the details and dial string of query, for any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789+/^x *#@sip:-'), maxLength: 16 }), fc.string({ maxLength: 12 })), (s) => {
        const q = plan.query(s);
        const e = plan.explain(s);
        if (q.ok) {
          expect(e.details).toEqual(q.details);
          expect(e.dialString).toBe(q.dialString);
          // The trace's own view of the tables agrees with the engine's matcher.
          expect(e.dialPlan?.templates[0]?.value ?? e.dialPlan?.output).toBe(q.details.normalizedText);
        } else expect(e.error).toEqual(q.error);
      }),
      { seed: 42, numRuns: 400 },
    );
  });
});

const SITES = `name: two sites
classifications: [Local, Other]
locations:
  indy: { areaCode: "317" }
  chicago: { areaCode: "312" }
defaultLocation: indy
inputConversions:
  - { name: seven digits, match: NXXXXXX, output: "+1{areaCode}NXXXXXX" }
dialPlan:
  - { name: local, match: "+1{areaCode}NXXXXXX", classification: Local }
  - { name: rest, match: Z, classification: Other }
tests:
  - { input: "5551234", expect: { normalizedText: "+13175551234", defaultClassification: Local } }
  - { input: "5551234", location: chicago, expect: { normalizedText: "+13125551234" } }
  - { input: "+1 312 555 1234", location: chicago, expect: { defaultClassification: Local } }
`;

describe('locations', () => {
  const sites = loadDialPlan(SITES);
  it('query and explain use the default location unless told', () => {
    expect(sites.locations).toEqual(['indy', 'chicago']);
    expect(sites.details('5551234').normalizedText).toBe('+13175551234');
    expect(sites.details('5551234', { location: 'chicago' }).normalizedText).toBe('+13125551234');
    expect(sites.explain('5551234', { location: 'chicago' })).toMatchObject({ location: 'chicago', conversion: { output: '+13125551234' } });
    expect(sites.explain('5551234').location).toBe('indy');
  });
});

describe('the test and explain commands', () => {
  const cli = fileURLToPath(new URL('../../../dist/node/cli/main.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'dialplan-authoring-'));
  const file = join(dir, 'sites.yaml');
  writeFileSync(file, SITES);
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir });

  it('dialplan test passes, and fails with field, expected, actual and line under another location', () => {
    const ok = run('test', 'sites.yaml');
    expect([ok.status, ok.stdout]).toEqual([0, 'sites.yaml: 3 of 3 tests passed\n']);
    const bad = run('test', '--location', 'chicago', 'sites.yaml');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('sites.yaml:13:5: "5551234" at chicago normalizedText: expected "+13175551234", got "+13125551234"');
    expect(run('test', '--location', 'mars', 'sites.yaml').status).toBe(2);
    expect(run('test').status).toBe(2);
  });

  it('dialplan explain prints the trace, and --json the structure', () => {
    const text = run('explain', '--rules', 'sites.yaml', '--location', 'chicago', '5551234');
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('location       chicago');
    expect(text.stdout).toContain('MATCH #1 "seven digits" at sites.yaml:8');
    expect(text.stdout).toContain('output     "+1{areaCode}NXXXXXX" -> "+13125551234"');
    const json = run('explain', '--json', '--rules', 'sites.yaml', '5551234');
    expect(JSON.parse(json.stdout).details.normalizedText).toBe('+13175551234');
    expect(run('explain', '--rules', 'sites.yaml', '').status).toBe(1);
  });
});

describe('an entry whose pattern matched but whose when: was not met', () => {
  const whenPlan = loadDialPlan(
    `name: when
classifications: [Mobile, Other]
dialPlan:
  - { name: mobile, match: +44Z, classification: Mobile, when: { valid: true, numberType: [MOBILE] } }
  - { name: rest, match: Z, classification: Other }
`,
    { file: 'when.yaml' },
  );

  it('is traced as not taking the number, with what its pattern matched and what libphonenumber-js said of it', () => {
    const e = whenPlan.explain('+44 20 7946 0958');
    const [mobile, rest] = e.dialPlan?.considered ?? [];
    expect([mobile?.matched, rest?.matched]).toEqual([false, true]);
    expect(mobile?.match).toEqual({ pattern: '+44Z', matchedText: '+442079460958', carriedExtension: '', captures: [{ token: 'Z', text: '2079460958' }] });
    expect(formatExplanation(e)).toContain(
      '  no    #1 "mobile" at when.yaml:4  [+44Z]\n' +
        '        pattern +44Z matched "+442079460958", but not the entry\'s when: libphonenumber-js says valid: true, numberType: FIXED_LINE, country: GB\n' +
        '        captures Z="2079460958"\n' +
        '  MATCH #2 "rest"',
    );
  });

  it('says nothing of an entry whose pattern did not match, or a number that meets the condition', () => {
    expect(whenPlan.explain('6929').dialPlan?.considered.map((c) => [c.matched, c.match === undefined])).toEqual([
      [false, true],
      [true, false],
    ]);
    const e = whenPlan.explain('+44 7400 123456');
    expect(e.dialPlan?.considered.map((c) => [c.matched, c.match?.matchedText])).toEqual([[true, '+447400123456']]);
    expect(formatExplanation(e)).not.toContain("when:");
  });
});
