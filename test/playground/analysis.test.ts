// The playground's lint worker receives the text (as soon as typing pauses, before the page loads it too), loads it and
// lints the plan with its lint session, and sends back the findings placed. They are exactly what lintDialPlan finds on
// the plan the page loads from the same text: paths, lines, columns, excerpts and order, edit after edit; and its load
// problems are the page's.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createLintSession } from '../../src/engine/authoring/lint/lint.js';
import { lintDialPlan, safeLoadDialPlan } from '../../src/index.js';
import { lintText } from '../../src/playground/analysis.js';
import { planArb } from '../engine/random-plan.js';

const SEED = 20261202;
// bench/plans.js is plain JavaScript without types.
const { PLAN_KINDS } = (await import(new URL('../../bench/plans.js', import.meta.url).href)) as { PLAN_KINDS: Record<string, (entries: number) => unknown> };

/** What the page gets back: the worker's answer, through a structured clone each way. */
function answerOf(text: string, file: string, lint = lintDialPlan): ReturnType<typeof lintText> {
  return structuredClone(lintText(structuredClone({ text, file }), lint));
}

describe('the lint worker and the page', () => {
  it('give the findings lintDialPlan gives on the plan the page loads from the same text', () => {
    let findings = 0;
    const session = createLintSession();
    fc.assert(
      fc.property(planArb, ({ yaml }) => {
        const loaded = safeLoadDialPlan(yaml, { file: 'random.yaml' });
        const answer = answerOf(yaml, 'random.yaml', (plan) => session.lint(plan));
        expect(answer.loads).toBe(loaded.ok);
        // The load problems too: the page underlines them from the worker's answer when it comes before its own load.
        expect(answer.loadProblems).toEqual(loaded.ok ? loaded.warnings : loaded.problems);
        if (!loaded.ok) {
          expect(answer.problems).toEqual([]);
          return;
        }
        const want = lintDialPlan(loaded.plan);
        findings += want.length;
        expect(answer.problems).toEqual(want);
      }),
      { seed: SEED, numRuns: 200 },
    );
    expect(findings).toBeGreaterThan(50);
  });

  it('does the same for the bundled plans and the generated 1 000-entry plans of the benchmarks, edited as the benchmark edits them', () => {
    const texts: [string, string][] = ['default', 'gb', 'de'].map((n) => [`${n}.yaml`, readFileSync(new URL(`../../rules/${n}.yaml`, import.meta.url), 'utf8')]);
    for (const [kind, build] of Object.entries(PLAN_KINDS)) texts.push([`${kind}.yaml`, stringify(build(1000), { lineWidth: 0 })]);
    const session = createLintSession();
    for (const [file, yaml] of texts) {
      // The text, a character typed into a name, a digit typed at the end of a pattern (one written alone on its line:
      // every generated plan has them, the bundled ones write lists).
      const lines = yaml.split('\n');
      const name = lines.findIndex((l, i) => i > lines.length / 2 && /^\s+- name: /.test(l));
      const open = lines.findIndex((l, i) => i >= name && /^\s+match: [^[]*[^Z"'\]]["']?$/.test(l));
      expect(name, file).toBeGreaterThan(0);
      if (!['default.yaml', 'gb.yaml', 'de.yaml'].includes(file)) expect(open, file).toBeGreaterThan(0);
      const named = lines.map((l, i) => (i === name ? `${l}7` : l));
      const patterned = named.map((l, i) => (i !== open ? l : /["']$/.test(l) ? `${l.slice(0, -1)}7${l.slice(-1)}` : `${l}7`));
      for (const text of [yaml, named.join('\n'), patterned.join('\n'), yaml]) {
        const loaded = safeLoadDialPlan(text, { file });
        if (!loaded.ok) return expect.fail(`${file} does not load`);
        const answer = answerOf(text, file, (plan) => session.lint(plan));
        expect(answer.loads, file).toBe(true);
        expect(answer.problems, file).toEqual(lintDialPlan(loaded.plan));
      }
    }
  });

  it('puts the finding about a hidden entry on the line of that entry, with its excerpt', () => {
    const yaml = [
      'name: x',
      'classifications: [Local]',
      'dialPlan:',
      '  - name: first',
      '    match: 555XXXX',
      '    classification: Local',
      '  - name: hidden',
      '    match: 5551234',
      '    classification: Local',
      '',
    ].join('\n');
    const answer = answerOf(yaml, 'x.yaml');
    expect(answer.problems).toMatchObject([{ code: 'UNREACHABLE_ENTRY', path: ['dialPlan', 1], file: 'x.yaml', line: 7 }]);
    expect(answer.problems[0]?.excerpt).toContain('name: hidden');
    expect(answer.loadMs).toBeGreaterThanOrEqual(0);
  });

  it('answers no findings for a text that does not load (the page shows its load problems)', () => {
    const yaml = 'name: x\nclassifications: [Local]\ndialPlan:\n  - name: a\n    match: 1Z2\n    classification: Local\n';
    expect(safeLoadDialPlan(yaml).ok).toBe(false);
    const answer = answerOf(yaml, 'y.yaml');
    expect(answer).toMatchObject({ loads: false, problems: [] });
    const loaded = safeLoadDialPlan(yaml, { file: 'y.yaml' });
    expect(answer.loadProblems).toEqual(loaded.ok ? [] : loaded.problems);
    expect(answer.loadProblems.length).toBeGreaterThan(0);
    expect(answerOf('dialPlan: [unclosed', 'y.yaml')).toMatchObject({ loads: false, problems: [] });
  });
});
