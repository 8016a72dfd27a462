import { describe, expect, it } from 'vitest';
import { compileDialPlan, DialPlanError, loadDialPlan, safeCompileDialPlan, safeLoadDialPlan } from '../../../src/index.js';

const good = `name: t
classifications: [Local]
dialPlan:
  - name: zeros
    match: 00
    classification: Local
    normalized: 0123
`;

describe('loadDialPlan', () => {
  it('keeps numbers as written: 00 and 0123 are not 0 and 123', () => {
    const r = loadDialPlan(good).query('00');
    expect(r.ok && r.details.normalizedText).toBe('0123');
  });

  it('reports every problem at once with file, line, column and an excerpt', () => {
    const text = `name: t
classifications: [Local]
dialPlan:
  - name: a
    match: 1NXZX
    classification: Local
  - name: b
    match: NXX
    classification: Nowhere
    colour: red
`;
    const r = safeLoadDialPlan(text, { file: 'bad.yaml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const got = r.problems.map((p) => [p.code, p.line, p.column]);
    expect(got).toEqual([
      ['Z_NOT_LAST', 5, 15],
      ['UNDECLARED_CLASSIFICATION', 9, 21],
      ['UNKNOWN_KEY', 10, 5],
    ]);
    expect(r.problems.every((p) => p.file === 'bad.yaml')).toBe(true);
    expect(r.problems[0]?.excerpt).toBe('  5 |     match: 1NXZX\n    |               ^');
  });

  it('shows control characters in an excerpt as visible characters, one for one (no escape sequence reaches a terminal)', () => {
    const r = safeLoadDialPlan('name: t\nclassifications: [Local]\ndialPlan:\n  - { name: a, match: "1NZ\x1b[2J", classification: Local, colour: "\x07\x7f\u009b" }\n', { file: 'ctl.yaml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const shown = r.problems.map((p) => p.excerpt ?? '').join('\n');
    expect(shown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(shown).toContain('"1NZ\u241b[2J"');
    expect(shown).toContain('"\u2407\ufffd\ufffd"');
    // The caret stays under the column the problem names.
    for (const p of r.problems) {
      const [line, caret] = (p.excerpt ?? '').split('\n');
      expect(caret?.indexOf('^'), p.code).toBe((line?.indexOf('| ') ?? 0) + 2 + (p.column ?? 1) - 1);
    }
  });

  it('throws one DialPlanError listing every problem', () => {
    try {
      loadDialPlan('name: t\nclassifications: []\n', { file: 'x.yaml' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DialPlanError);
      const err = e as DialPlanError;
      expect(err.code).toBe('INVALID_PLAN');
      expect(err.problems.map((p) => p.code)).toEqual(['MISSING_KEY']);
      expect(err.message).toContain('x.yaml:1:1: error MISSING_KEY');
    }
  });

  it('reports YAML syntax errors with their position', () => {
    const r = safeLoadDialPlan('name: [unclosed\n', { file: 's.yaml' });
    expect(r.ok).toBe(false);
    // At the `[` left open, not where the parser gave up (the line after).
    if (!r.ok) expect(r.problems[0]).toMatchObject({ code: 'YAML_SYNTAX', file: 's.yaml', line: 1, column: 7 });
  });

  it('points inside quoted patterns', () => {
    const r = safeLoadDialPlan('name: t\nclassifications: [A]\ndialPlan:\n  - { name: a, match: "12[3", classification: A }\n');
    expect(r.ok ? [] : r.problems.map((p) => [p.code, p.line, p.column])).toEqual([['UNBALANCED_BRACKET', 4, 26]]);
  });

  it('checks templates against each pattern of a list', () => {
    const r = safeLoadDialPlan(
      'name: t\nclassifications: [A]\ndialPlan:\n  - name: a\n    match: [NXX, NXXX]\n    classification: A\n    display: NXX\n',
    );
    expect(r.ok ? [] : r.problems.map((p) => [p.code, p.path.join('.')])).toEqual([['TEMPLATE_MISMATCH', 'dialPlan.0.display']]);
  });

  it('rejects an ordinal past the end of a fixed-length pattern', () => {
    const r = safeLoadDialPlan('name: t\nclassifications: [A]\ndialPlan:\n  - { name: a, match: NXX, classification: A, display: "{2-4}" }\n');
    expect(r.ok ? [] : r.problems.map((p) => p.code)).toEqual(['ORDINAL_OUT_OF_RANGE']);
  });
});

describe('compileDialPlan', () => {
  it('compiles a plain object and reports problems by path', () => {
    const plan = compileDialPlan({
      name: 'tiny',
      classifications: [{ name: 'Intercom', internal: true }],
      dialPlan: [{ name: 'ext', match: 'XXXX', classification: 'Intercom', normalized: '/XXXX' }],
    });
    expect(plan.details('6929').normalizedText).toBe('/6929');
    const r = safeCompileDialPlan({ name: 'x', classifications: ['A'], dialPlan: [{ name: 'a', match: 'X', classification: 'B' }] });
    expect(r.ok ? [] : r.problems.map((p) => [p.code, p.path.join('.'), p.line])).toEqual([
      ['UNDECLARED_CLASSIFICATION', 'dialPlan.0.classification', undefined],
    ]);
  });

  it('details throws a typed error for bad input', () => {
    const plan = compileDialPlan({ name: 'x', classifications: ['A'], dialPlan: [{ name: 'a', match: 'Z', classification: 'A' }] });
    expect(() => plan.details('')).toThrowError(expect.objectContaining({ code: 'EMPTY' }));
  });
});
