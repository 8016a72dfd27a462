// The playground's lint worker receives the rules the page loaded (not the text), lints a plan compiled from them and
// sends back findings without positions; the page places them in its text. Placed, they are exactly what lintDialPlan
// finds on the plan loaded from the YAML: paths (the loader drops invalid items, so rule and file indexes can differ),
// lines, columns, excerpts and order.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { lintDialPlan, safeLoadDialPlan } from '../../src/index.js';
import { lintRequest, lintRules, placeFindings } from '../../src/playground/analysis.js';
import { planArb } from '../engine/random-plan.js';

const SEED = 20261202;
// bench/plans.js is plain JavaScript without types.
const { PLAN_KINDS } = (await import(new URL('../../bench/plans.js', import.meta.url).href)) as { PLAN_KINDS: Record<string, (entries: number) => unknown> };

describe('the lint worker and the page', () => {
  it('place the findings of a plan compiled from the rules where lintDialPlan puts those of the plan loaded from YAML', () => {
    let findings = 0;
    fc.assert(
      fc.property(planArb, ({ yaml }) => {
        const loaded = safeLoadDialPlan(yaml, { file: 'random.yaml' });
        if (!loaded.ok) return;
        const want = lintDialPlan(loaded.plan);
        findings += want.length;
        // What the worker receives: a structured clone. The rules compile on their own (the text is not loaded again).
        const answer = lintRules(structuredClone(lintRequest(loaded.plan, yaml, 'random.yaml')), lintDialPlan);
        expect(answer.placed).toBe(false);
        expect(placeFindings(answer.problems, loaded.plan)).toEqual(want);
      }),
      { seed: SEED, numRuns: 200 },
    );
    expect(findings).toBeGreaterThan(50);
  });

  it('does the same for the bundled plans and the generated 1 000-entry plans of the benchmarks', () => {
    const texts: [string, string][] = ['default', 'gb', 'de'].map((n) => [`${n}.yaml`, readFileSync(new URL(`../../rules/${n}.yaml`, import.meta.url), 'utf8')]);
    for (const [kind, build] of Object.entries(PLAN_KINDS)) texts.push([`${kind}.yaml`, stringify(build(1000), { lineWidth: 0 })]);
    for (const [file, yaml] of texts) {
      const loaded = safeLoadDialPlan(yaml, { file });
      if (!loaded.ok) return expect.fail(`${file} does not load`);
      const answer = lintRules(structuredClone(lintRequest(loaded.plan, yaml, file)), lintDialPlan);
      expect(answer.placed, file).toBe(false);
      expect(placeFindings(answer.problems, loaded.plan), file).toEqual(lintDialPlan(loaded.plan));
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
    const loaded = safeLoadDialPlan(yaml, { file: 'x.yaml' });
    if (!loaded.ok) return expect.fail(`does not load: ${JSON.stringify(loaded.problems)}`);
    // The unmatched classification Unknown is implicit here: the rules compile on their own all the same.
    const answer = lintRules(structuredClone(lintRequest(loaded.plan, yaml, 'x.yaml')), lintDialPlan);
    expect(answer.placed).toBe(false);
    const placed = placeFindings(answer.problems, loaded.plan);
    expect(placed).toEqual(lintDialPlan(loaded.plan));
    expect(placed).toMatchObject([{ code: 'UNREACHABLE_ENTRY', path: ['dialPlan', 1], file: 'x.yaml', line: 7 }]);
    expect(placed[0]?.excerpt).toContain('name: hidden');
  });

  it('loads the text again when the rules do not compile on their own, and sends the findings placed', () => {
    const yaml = 'name: x\nclassifications: [Local]\ndialPlan:\n  - name: a\n    match: 1X\n    classification: Local\n  - name: b\n    match: "12"\n    classification: Local\n';
    const loaded = safeLoadDialPlan(yaml, { file: 'y.yaml' });
    if (!loaded.ok) return expect.fail('does not load');
    const answer = lintRules({ rules: { broken: true }, text: yaml, file: 'y.yaml' }, lintDialPlan);
    expect(answer.placed).toBe(true);
    expect(answer.problems).toEqual(lintDialPlan(loaded.plan));
    expect(answer.problems).toMatchObject([{ code: 'UNREACHABLE_ENTRY', line: 7 }]);
  });
});
