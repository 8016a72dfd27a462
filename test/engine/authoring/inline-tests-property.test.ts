// Inline tests and query agree: a plan whose `tests:` expect exactly what query answers (every details field, or the
// error's code) passes all of them, loaded from YAML and from its precompiled JSON; and changing one expected text
// makes exactly that case fail on that field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueueType, compilePlanText, runInlineTests, safeLoadDialPlan } from '../../../src/index.js';
import { stringify } from 'yaml';
import { inputArb, matchingInputs, planArb } from '../random-plan.js';

const SEED = 20261207;

describe('inline tests written from query answers', () => {
  it('all pass, from YAML and from precompiled JSON; one changed text fails exactly there', () => {
    let cases = 0;
    fc.assert(
      fc.property(planArb, fc.array(inputArb, { maxLength: 6 }), fc.boolean(), fc.nat(), ({ object, yaml }, random, byName, pick) => {
        const first = safeLoadDialPlan(yaml);
        fc.pre(first.ok);
        if (!first.ok) return;
        const tests: Record<string, unknown>[] = [];
        for (const input of [...random, ...matchingInputs(object).slice(0, 6), '6929']) {
          for (const location of [undefined, ...first.plan.locations]) {
            const r = first.plan.query(input, location === undefined ? undefined : { location });
            const where = location === undefined ? {} : { location };
            if (!r.ok) {
              tests.push({ input, ...where, expect: { error: r.error.code } });
              continue;
            }
            // queueType by its name (User, Workgroup, ...) half of the time, as authors write it.
            const queueType = byName ? (QueueType[r.details.queueType] as unknown as string) : r.details.queueType;
            tests.push({ input, ...where, expect: { ...r.details, queueType } });
          }
        }
        cases += tests.length;
        const withTests = stringify({ ...object, tests });
        const loaded = safeLoadDialPlan(withTests, { file: 't.yaml' });
        expect(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.problems.slice(0, 3))).toBe(true);
        if (!loaded.ok) return;
        const report = runInlineTests(loaded.plan);
        expect(report.failures).toEqual([]);
        expect(report.passed).toBe(tests.length);
        const compiled = compilePlanText(withTests, 't.yaml');
        expect(compiled.ok).toBe(true);
        if (compiled.ok) {
          const fromJson = safeLoadDialPlan(compiled.json, { file: 't.yaml' });
          expect(fromJson.ok && runInlineTests(fromJson.plan)).toEqual(report);
        }
        // One case with a displayText it does not give fails on that field alone.
        const okCases = tests.map((t, i) => [t, i] as const).filter(([t]) => !('error' in (t['expect'] as object)));
        if (okCases.length === 0) return;
        const [victim, index] = okCases[pick % okCases.length]!;
        const expectWas = victim['expect'] as Record<string, unknown>;
        const changed = tests.map((t, i) => (i === index ? { ...t, expect: { ...expectWas, displayText: `${String(expectWas['displayText'])}!` } } : t));
        const broken = safeLoadDialPlan(stringify({ ...object, tests: changed }));
        expect(broken.ok).toBe(true);
        if (!broken.ok) return;
        const failed = runInlineTests(broken.plan);
        expect(failed.passed).toBe(tests.length - 1);
        expect(failed.failures.map((f) => [f.index, f.field])).toEqual([[index, 'displayText']]);
      }),
      { seed: SEED, numRuns: 100 },
    );
    expect(cases).toBeGreaterThan(500);
  });
});
