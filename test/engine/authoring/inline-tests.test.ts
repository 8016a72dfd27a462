// The inline tests of every bundled plan run here, and the runner itself is checked on a plan with failing cases.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatInlineTestFailure, formatProblem, runInlineTests, safeLoadDialPlan } from '../../../src/index.js';

const rulesDir = new URL('../../../rules/', import.meta.url);
const ruleFiles = readdirSync(rulesDir).filter((f) => f.endsWith('.yaml'));

describe.each(ruleFiles)('rules/%s', (name) => {
  it('loads and passes its inline tests', () => {
    const r = safeLoadDialPlan(readFileSync(new URL(name, rulesDir), 'utf8'), { file: `rules/${name}` });
    if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
    const report = runInlineTests(r.plan);
    expect(report.failures.map(formatInlineTestFailure)).toEqual([]);
    expect(report.passed).toBe(report.total);
  });
});

it('the default plan carries at least 30 inline cases', () => {
  const r = safeLoadDialPlan(readFileSync(new URL('default.yaml', rulesDir), 'utf8'));
  expect(r.ok && r.plan.rules.tests.length).toBeGreaterThanOrEqual(30);
});

const FAILING = `name: t
classifications: [Intercom, Other]
locations:
  north: { site: "1" }
  south: { site: "2" }
defaultLocation: north
dialPlan:
  - { name: ext, match: XXXX, classification: Intercom, normalized: "/{site}XXXX" }
  - { name: rest, match: Z, classification: Other }
directory:
  users: [{ extension: "16929", id: jdoe }]
tests:
  - { input: "6929", expect: { normalizedText: "/16929", queueType: User, classifications: [Intercom], internal: true } }
  - input: "6929"
    location: south
    expect: { normalizedText: "/16929" }
  - { input: "", expect: { normalizedText: "" } }
  - { input: "12", expect: { error: EMPTY } }
  - { input: "", expect: { error: EMPTY } }
`;

describe('runInlineTests', () => {
  const r = safeLoadDialPlan(FAILING, { file: 'failing.yaml' });
  if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
  const report = runInlineTests(r.plan);

  it('reports each differing field with the line of its case', () => {
    expect(report.total).toBe(5);
    expect(report.passed).toBe(1);
    expect(report.failures.map((f) => [f.index, f.field, f.expected, f.actual, f.position.line])).toEqual([
      [0, 'internal', true, false, 13],
      [1, 'normalizedText', '/16929', '/26929', 14],
      [2, 'error', undefined, 'EMPTY', 17],
      [3, 'error', 'EMPTY', '(no error)', 18],
    ]);
  });

  it('formats a failure as file:line with expected and actual', () => {
    expect(formatInlineTestFailure(report.failures[1]!)).toBe('failing.yaml:14:5: "6929" at south normalizedText: expected "/16929", got "/26929"');
  });

  it('runs cases without a location in the one asked for', () => {
    const south = runInlineTests(r.plan, { location: 'south' });
    expect(south.failures.filter((f) => f.index === 0).map((f) => f.field)).toEqual(['normalizedText', 'queueType', 'internal']);
  });

  it('says "no error" for the side of an error failure that has none', () => {
    expect(report.failures.filter((f) => f.field === 'error').map(formatInlineTestFailure)).toEqual([
      'failing.yaml:17:5: "" error: expected no error, got "EMPTY"',
      'failing.yaml:18:5: "12" error: expected "EMPTY", got no error',
    ]);
  });

  it('shows a queue type by its number and its name, as a case may name it', () => {
    const south = runInlineTests(r.plan, { location: 'south' });
    const f = south.failures.find((x) => x.field === 'queueType');
    expect(f?.actual).toBe(0);
    expect(formatInlineTestFailure(f!)).toBe('failing.yaml:13:5: "6929" at south queueType: expected "User", got 0 (None)');
  });
});
