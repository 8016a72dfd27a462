// The regex reader's Java dialect (Genesys Cloud number plans): Java-only constructs are read as Java means them or
// reported, never read as .NET would read the same characters.
import { describe, expect, it } from 'vitest';
import { charSetHas, parseDotnetRegex } from '../../../src/engine/migrate/dotnet-regex.js';
import type { RegexNode } from '../../../src/engine/migrate/dotnet-regex.js';
import { IMPORT_FORMATS, verifyImport } from '../../../src/engine/migrate/formats.js';

const unsupported = (n: RegexNode): string[] => {
  if (n.t === 'unsupported') return [n.what];
  if (n.t === 'seq') return n.items.flatMap(unsupported);
  if (n.t === 'alt') return n.options.flatMap(unsupported);
  if (n.t === 'group' || n.t === 'repeat' || n.t === 'look') return unsupported(n.body);
  return [];
};

describe('Java-only regex constructs', () => {
  it.each([
    ['^([0-9&&[^5]]\\d{3})$', "a Java class union or intersection ([0-4[6-9]], [0-9&&[^5]])"],
    ['^([0-4[6-9]]\\d{3})$', "a Java class union or intersection ([0-4[6-9]], [0-9&&[^5]])"],
    ['^(\\d++)#$', "a possessive quantifier (Java's ++, *+, ?+, {n,m}+)"],
    ['^(\\d{6}+)$', "a possessive quantifier (Java's ++, *+, ?+, {n,m}+)"],
  ])('%s is reported as Java means it, not read as .NET would', (source, what) => {
    const java = parseDotnetRegex(source, 'java');
    expect(java.errors).toEqual([]);
    expect(unsupported(java.root)).toEqual([what]);
  });

  it('.NET keeps its own reading of the same characters', () => {
    expect(parseDotnetRegex('^(\\d++)#$').errors.map((e) => e.message)).toEqual(['Nested quantifier +.']);
    expect(unsupported(parseDotnetRegex('^([0-9&&]\\d{3})$').root)).toEqual([]);
  });

  it('\\Q...\\E quotes its characters; a quantifier after \\E repeats the last one', () => {
    const p = parseDotnetRegex('^\\Q*9\\E(\\d{4})$', 'java');
    expect(p.errors).toEqual([]);
    const r = IMPORT_FORMATS['genesys-cloud']!.run(JSON.stringify([{ name: 'Q', matchType: 'regex', match: '^\\Q*9\\E(\\d{4})$', normalizedFormat: '$1', classification: 'Q', priority: 1 }, { name: 'R', matchType: 'regex', match: '^\\Q12\\E+$', normalizedFormat: 'x', classification: 'R', priority: 2 }]), 'q.json');
    expect(r.result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.result.plan.entries.flatMap((e) => e.match)).toEqual(expect.arrayContaining(['*9XXXX']));
    expect(r.reference.evaluate({ number: '1222' })).toEqual({ classification: 'R', normalized: 'x' });
    expect(r.reference.evaluate({ number: '1212' }).classification).not.toBe('R');
    const v = verifyImport(r, { seed: 1, perRule: 25 });
    expect(v.ok && v.report.disagreements).toEqual([]);
  });

  it('a Java shorthand in a class keeps all its ranges ([\\D] holds : and letters)', () => {
    const p = parseDotnetRegex('^[\\D]$', 'java');
    const set = (p.root.t === 'seq' ? p.root.items[1] : undefined) as Extract<RegexNode, { t: 'set' }>;
    expect(['/', ':', 'a', '5'].map((c) => charSetHas(set.set, c))).toEqual([true, true, true, false]);
  });

  it('a Genesys Cloud site with a class intersection: reported with its position, not imported as matching nothing', () => {
    const text = '[\n {"name":"Inter","matchType":"regex","match":"^([0-9&&[^5]]\\\\d{3})$","normalizedFormat":"$1","classification":"A","priority":1}\n]';
    const r = IMPORT_FORMATS['genesys-cloud']!.run(text, 'g.json');
    expect(r.result.issues.map((i) => `${i.where}: ${i.severity} ${i.message}`)).toEqual([
      'g.json:2:49 ($[0].match, index 2): error "Inter" is not converted: a Java class union or intersection ([0-4[6-9]], [0-9&&[^5]]) has no counterpart in patterns (index 2)',
    ]);
  });
});

describe('hostile nesting', () => {
  it.each(['dotnet', 'java'] as const)('20 000 nested groups (%s) are a syntax error at the 101st, not a stack overflow', (dialect) => {
    const source = `^${'('.repeat(20_000)}\\d${')'.repeat(20_000)}$`;
    const p = parseDotnetRegex(source, dialect);
    expect(p.errors).toEqual([{ message: 'Groups nested deeper than 100 levels.', pos: 101 }]);
  });

  it('a Teams rule and a Genesys Cloud plan of that kind: reported with their position, --verify ends', () => {
    const deep = `^${'(?:1|'.repeat(3000)}2${')'.repeat(3000)}$`;
    const teams = IMPORT_FORMATS['teams']!.run(JSON.stringify({ SimpleName: 'D', NormalizationRules: [{ Name: 'Deep', Pattern: deep, Translation: 'x', IsInternalExtension: false }, { Name: 'Ok', Pattern: '^(\\d{4})$', Translation: '+1$1', IsInternalExtension: false }] }), 't.json');
    expect(teams.result.issues.filter((i) => i.severity === 'error').map((i) => i.message)).toEqual(['"Deep" is not converted: its pattern does not parse: Groups nested deeper than 100 levels.']);
    const v = verifyImport(teams, { seed: 1, perRule: 5 });
    expect(v.ok && v.report.disagreements).toEqual([]);
    const genesys = IMPORT_FORMATS['genesys-cloud']!.run(JSON.stringify([{ name: 'Deep', matchType: 'regex', match: deep, normalizedFormat: 'x', classification: 'A', priority: 1 }]), 'g.json');
    expect(genesys.result.issues.filter((i) => i.severity === 'error').map((i) => i.message)).toEqual(['"Deep" is not converted: its regex does not parse: Groups nested deeper than 100 levels.']);
  });
});
