// Teams import: the samples convert completely and --verify agrees 100%; what patterns cannot express is reported at its
// position; the reference evaluator follows .NET, not JavaScript, where the two differ.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDialPlan } from '../../../src/index.js';
import { dotnetReplace, dotnetToJs, parseDotnetRegex, parseReplacement } from '../../../src/engine/migrate/dotnet-regex.js';
import { IMPORT_FORMATS, verifyImport } from '../../../src/engine/migrate/formats.js';
import { convertRegex } from '../../../src/engine/migrate/regex-to-pattern.js';
import { importTeams, readTeamsDialPlans, teamsReference } from '../../../src/engine/migrate/teams.js';
import { compareOutcomes, planOutcome } from '../../../src/engine/migrate/verify.js';

const fixture = (name: string): { file: string; text: string } => {
  const file = fileURLToPath(new URL(`../../fixtures/migration/${name}`, import.meta.url));
  return { file: `test/fixtures/migration/${name}`, text: readFileSync(file, 'utf8') };
};
const teams = IMPORT_FORMATS['teams']!;

describe.each(['teams-tenant.json', 'teams-rules.csv'])('%s', (name) => {
  const { file, text } = fixture(name);
  const run = teams.run(text, file);

  it('converts every rule, with no error', () => {
    expect(run.result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(run.result.plan.entries.length).toBeGreaterThan(4);
  });

  it('comments every entry with its source position and rule', () => {
    const yaml = run.result.yaml;
    const entries = yaml.split('\n').filter((l) => l.startsWith('  - name:')).length;
    const sources = yaml.split('\n').filter((l) => new RegExp(`^  # ${file.replace(/[.]/g, '\\.')}:\\d+:\\d+ `).test(l)).length;
    expect(sources).toBe(entries);
  });

  it.each([1, 7, 42])('--verify agrees on 100%% of the numbers (seed %i)', (seed) => {
    const v = verifyImport(run, { seed, perRule: 25 });
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.report.tried).toBeGreaterThan(300);
    expect(v.report.disagreements).toEqual([]);
    expect(v.report.agreement).toBe(100);
  });
});

describe('the tenant sample', () => {
  const { file, text } = fixture('teams-tenant.json');
  const plan = loadDialPlan(teams.run(text, file).result.yaml);

  it('has one location per dial plan, each with its own rules', () => {
    expect(plan.locations).toEqual(['Redmond', 'London']);
    expect(plan.details('1234', { location: 'Redmond' })).toMatchObject({ normalizedText: '+14255551234', defaultClassification: 'RedmondFourDigit', internal: true });
    expect(plan.details('123', { location: 'London' })).toMatchObject({ normalizedText: '+44207946123', internal: true });
    expect(plan.details('123', { location: 'Redmond' })).toMatchObject({ normalizedText: '123', defaultClassification: 'Not normalized' });
    expect(plan.details('02079460958', { location: 'London' }).normalizedText).toBe('+442079460958');
    expect(plan.details('+14255550100', { location: 'Redmond' }).defaultClassification).toBe('NANP');
  });
});

describe('Windows PowerShell 5.1 output', () => {
  const { file, text } = fixture('teams-tenant.json');
  const tenant = JSON.parse(text) as { NormalizationRules: unknown[] }[];

  it('an array written as { value, Count } (ConvertTo-Json $plans -Depth 5) is read as the array', () => {
    const wrapped = JSON.stringify({ value: tenant, Count: tenant.length }, null, 2);
    const run = teams.run(wrapped, file);
    expect(run.result.issues.filter((i) => i.severity !== 'note')).toEqual([]);
    const plan = loadDialPlan(run.result.yaml);
    expect(plan.locations).toEqual(['Redmond', 'London']);
    expect(plan.details('1234', { location: 'Redmond' })).toMatchObject({ normalizedText: '+14255551234', defaultClassification: 'RedmondFourDigit' });
    const v = verifyImport(run, { seed: 1, perRule: 25 });
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.report.tried).toBeGreaterThan(1000);
    expect(v.report.disagreements).toEqual([]);
  });

  it('so are the rules of a dial plan written that way', () => {
    const one = { ...tenant[0], NormalizationRules: { value: tenant[0]?.NormalizationRules, Count: tenant[0]?.NormalizationRules.length } };
    const run = teams.run(JSON.stringify(one), file);
    expect(run.result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(loadDialPlan(run.result.yaml).details('1234')).toMatchObject({ normalizedText: '+14255551234', defaultClassification: 'RedmondFourDigit' });
  });

  it('a dial plan without NormalizationRules is reported, not taken silently for an empty one', () => {
    const run = teams.run(JSON.stringify([{ Identity: 'Tag:Empty', Description: 'x' }, tenant[0]]), 'two.json');
    expect(run.result.issues.map((i) => `${i.where}: ${i.severity} ${i.message}`)).toContain('two.json:1:2 ($[0]): warning Empty has no NormalizationRules: it becomes a location without entries');
  });
});

describe('a JSON list of rules (Get-CsVoiceNormalizationRule | ConvertTo-Json)', () => {
  it('is read as the CSV form is: Identity names the dial plan, Priority orders its rules', () => {
    const rules = [
      { Identity: 'Tag:Chicago/Local', Priority: 1, Name: 'Local', Pattern: '^(\\d{7})$', Translation: '+1312$1', IsInternalExtension: false },
      { Identity: 'Tag:Chicago/Ext', Priority: 0, Name: 'Ext', Pattern: '^(\\d{4,7})$', Translation: '+1312555$1', IsInternalExtension: true },
      { Identity: 'Tag:Dallas/Local', Priority: 0, Name: 'Local', Pattern: '^(\\d{7})$', Translation: '+1214$1', IsInternalExtension: false },
    ];
    const run = teams.run(JSON.stringify(rules), 'rules.json');
    expect(run.result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const plan = loadDialPlan(run.result.yaml);
    expect(plan.locations).toEqual(['Chicago', 'Dallas']);
    // Chicago tries Ext (priority 0) before Local: seven digits are an extension there.
    expect(plan.details('5551234', { location: 'Chicago' })).toMatchObject({ normalizedText: '+13125555551234', internal: true });
    expect(plan.details('5551234', { location: 'Dallas' })).toMatchObject({ normalizedText: '+12145551234', internal: false });
    const v = verifyImport(run, { seed: 1, perRule: 25 });
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.report.disagreements).toEqual([]);
  });
});

describe('what patterns cannot express', () => {
  const { file, text } = fixture('teams-unsupported.json');
  const run = teams.run(text, file);
  const errors = run.result.issues.filter((i) => i.severity === 'error');

  it('is reported with file:line:column, the JSON path and the index in the pattern', () => {
    expect(errors.map((e) => `${e.where}: ${e.message}`)).toEqual([
      `${file}:8:50 ($.NormalizationRules[0].Pattern, index 1): "NotNine" is not converted: a look-ahead has no counterpart in patterns`,
      `${file}:15:55 ($.NormalizationRules[1].Pattern, index 5): "Doubled" is not converted: a back-reference has no counterpart in patterns`,
      `${file}:22:51 ($.NormalizationRules[2].Pattern, index 2): "Lazy" is not converted: a lazy quantifier has no counterpart in patterns`,
      `${file}:29:49 ($.NormalizationRules[3].Pattern, index 0): "Anywhere" is not converted: a pattern not anchored at the start (^) matches anywhere in the number; patterns match whole numbers`,
    ]);
    // The column points at the construct: line 8 of the file holds the pattern, and its character there is `(`.
    const line8 = text.split('\n')[7] ?? '';
    expect(line8.slice(49, 52)).toBe('(?!');
  });

  it('the client dialing options are reported as not carried over', () => {
    expect(run.result.issues.some((i) => i.severity === 'warning' && /ExternalAccessPrefix "9"/.test(i.message))).toBe(true);
  });

  it('the rest is converted, and --verify shows the difference (the proof can fail)', () => {
    expect(run.result.plan.entries.filter((e) => e.notConverted === undefined).map((e) => e.name)).toEqual(['Local']);
    // Each rule left out is a comment where it was, with the reason.
    expect(run.result.yaml).toMatch(/# NOT CONVERTED: .*"NotNine"[^\n]*\n\s+#\s+a look-ahead has no counterpart in patterns \(pattern index 1\)/);
    const v = verifyImport(run, { seed: 1, perRule: 25 });
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.report.agreement).toBeLessThan(100);
    expect(v.report.disagreements[0]?.expected.classification).toBe('NotNine');
  });

  it('a plan changed after the import disagrees', () => {
    const { file: f2, text: t2 } = fixture('teams-tenant.json');
    const r2 = teams.run(t2, f2);
    const changed = loadDialPlan(r2.result.yaml.replace('+1425555{1-}', '+1425556{1-}'));
    const report = compareOutcomes(r2.reference.numbers(1, 25), r2.reference.evaluate, (n) => planOutcome(changed, n));
    expect(report.agreement).toBeLessThan(100);
    expect(report.disagreements[0]?.expected.normalized).toMatch(/^\+1425555\d{4}$/);
  });
});

describe('the .NET dialect of the reference evaluator', () => {
  const replace = (pattern: string, input: string, translation: string): string | undefined => {
    const p = parseDotnetRegex(pattern);
    const js = dotnetToJs(p);
    return dotnetReplace(input, new RegExp(js.source, 'gu'), js, parseReplacement(translation, p));
  };

  it('numbers unnamed groups before named ones', () => {
    expect(replace('^(?<a>\\d)(\\d)$', '12', '$1-$2-${a}')).toBe('2-1-1');
  });
  it('reads $10 as text when there is no group 10 (JavaScript would read $1 and 0)', () => {
    expect(replace('^(\\d+)$', '42', '$10')).toBe('$10');
    expect(replace('^(\\d+)$', '42', '${1}0')).toBe('420');
  });
  it('lets $ match before a final newline, and \\z only at the end', () => {
    expect(replace('^(\\d+)$', '42\n', '+$1')).toBe('+42\n');
    expect(replace('^(\\d+)\\z', '42\n', '+$1')).toBeUndefined();
  });
  it('takes every Unicode decimal digit for \\d', () => {
    expect(replace('^(\\d{2})$', '٤٢', 'x$1')).toBe('x٤٢');
  });
  it('replaces every match, as Regex.Replace does', () => {
    expect(replace('1', '1212', 'x')).toBe('x2x2');
  });
  it('keeps $$, $&, $_ and the text around an unanchored match', () => {
    expect(replace('^(\\d{2})', '1234', '[$$$&$_]')).toBe('[$12 1234]34'.replace(' ', ''));
  });
  it('a name used by several groups gives the capture that took part', () => {
    expect(replace('^(?:a(?<n>\\d)|b(?<n>\\d\\d))$', 'b42', '<${n}>')).toBe('<42>');
  });
  it('.NET-only constructs are named, not mistranslated', () => {
    expect(() => dotnetToJs(parseDotnetRegex('^(?>\\d+)$'))).toThrow(/atomic group/);
    expect(() => dotnetToJs(parseDotnetRegex('^(?i)abc$'))).toThrow(/inline options/);
    expect(() => dotnetToJs(parseDotnetRegex('^[a-z-[aeiou]]$'))).toThrow(/subtraction/);
  });
});

describe('regexes the converter handles', () => {
  it.each([
    ['^(\\d{4})$', '+1425555$1', ['XXXX'], '+1425555{1-}'],
    ['^011(\\d+)$', '+$1', ['011X?'], '+{4-}'],

    ['^(?<ext>\\d{3})(\\d)$', '$1-${ext}', ['XXXX'], '{4-}-{1-3}'],
    ['^9(\\d{7,10})$', '+1$1', ['9XXXXXXXXXX', '9XXXXXXXXX', '9XXXXXXXX', '9XXXXXXX'], '+1{2-}'],
    ['^(\\d{3})', '+1$1', ['XXXZ'], '+1{1-3}{Z}'],
  ])('%s → %s', (pattern, translation, match, template) => {
    const c = convertRegex(parseDotnetRegex(pattern), translation, '0123456789+');
    if (!c.ok) throw new Error(JSON.stringify(c.problems));
    expect(c.value.variants.map((v) => v.pattern)).toEqual(match);
    expect(new Set(c.value.variants.map((v) => v.template))).toEqual(new Set([template]));
  });

  it('splits optional parts and alternation into patterns in .NET order of preference, each with its template', () => {
    const c = convertRegex(parseDotnetRegex('^(?:\\+1|1)?([2-9]\\d{2}[2-9]\\d{6})$'), '+1$1', '0123456789+');
    if (!c.ok) throw new Error('not converted');
    expect(c.value.variants).toEqual([
      { pattern: '+1NXXNXXXXXX', template: '+1{3-}' },
      { pattern: '1NXXNXXXXXX', template: '+1{2-}' },
      { pattern: 'NXXNXXXXXX', template: '+1{1-}' },
    ]);
  });

  it('writes a digit loop out (with a warning) when `?` would also take * or #', () => {
    const c = convertRegex(parseDotnetRegex('^\\*(\\d+)$'), '$1', '0123456789+*');
    if (!c.ok) throw new Error('not converted');
    expect(c.value.warnings[0]?.message).toMatch(/written out up to 20 characters/);
    expect(c.value.variants[0]?.pattern).toBe('*' + 'X'.repeat(21));
  });

  // Property: random rules built from the constructs patterns express convert, and agree with the .NET evaluator.
  it('random convertible rules agree with the reference (fast-check, fixed seed)', () => {
    const atom = fc.constantFrom('\\d', '[2-9]', '[13579]', '1', '0', '\\+', '[0-4]');
    const piece = fc.tuple(atom, fc.constantFrom('', '{2}', '{1,2}', '?')).map(([a, q]) => a + q);
    const rule = fc.tuple(fc.array(piece, { minLength: 1, maxLength: 3 }), fc.array(piece, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean(), fc.constantFrom('', '+1', '9')).map(
      ([pre, grp, loop, end]) => ({ pattern: `^${pre.join('')}(${grp.join('')}${loop ? '\\d*' : ''})${end ? '$' : ''}`, translation: `${'+1'}$1` }),
    );
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 4 }), (rules) => {
        const json = JSON.stringify({ SimpleName: 'P', NormalizationRules: rules.map((r, i) => ({ Name: `R${i}`, Pattern: r.pattern, Translation: r.translation, IsInternalExtension: false })) });
        const source = readTeamsDialPlans(json, 'p.json');
        const result = importTeams(source);
        // Too many patterns is a reported limit, not a wrong conversion.
        fc.pre(!result.issues.some((i) => /more than \d+ patterns/.test(i.message)));
        expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
        const plan = loadDialPlan(result.yaml);
        const ref = teamsReference(source);
        const report = compareOutcomes(ref.numbers(3, 10), ref.evaluate, (n) => planOutcome(plan, n));
        expect(report.disagreements).toEqual([]);
      }),
      { seed: 19, numRuns: 40 },
    );
  });
});

describe('positions of what is said about a whole dial plan', () => {
  it('the dial plan object (JSON) or its first rule (CSV), with its name', () => {
    const json = IMPORT_FORMATS['teams']!.run('[\n  {\n    "Identity": "Tag:Pfx",\n    "ExternalAccessPrefix": "9",\n    "NormalizationRules": [{ "Name": "R", "Pattern": "^(\\\\d{4})$", "Translation": "+1$1", "IsInternalExtension": false }]\n  }\n]\n', 'pfx.json');
    expect(json.result.issues.map((i) => `${i.where}: ${i.severity}`)).toEqual(['pfx.json:2:3 ($[0], Pfx): warning']);
    const csv = '"Name","Pattern","Translation","IsInternalExtension"\n' + Array.from({ length: 51 }, (_, i) => `"R${i}","^(${i}\\d{3})$","+1$1","False"`).join('\n') + '\n';
    const many = IMPORT_FORMATS['teams']!.run(csv, 'many.csv');
    expect(many.result.issues.filter((i) => i.severity === 'note').map((i) => `${i.where}: ${i.message}`)).toEqual(['many.csv:2:6 (Teams): 51 rules: more than Teams accepts in one dial plan (50); all are converted']);
  });
});
