// Three ways to ask a random plan about a number agree: `query`, `details` (its throwing form) and `explain` (the trace,
// which ends with the details); and a plan whose tables use the reference matcher answers as the engine's automaton does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceMatcher } from '../../../src/engine/match/match.js';
import type { DialPlan, QueryOptions } from '../../../src/index.js';
import { DialPlanError, safeLoadDialPlan } from '../../../src/index.js';
import { inputArb, matchingInputs, planArb } from '../random-plan.js';

const SEED = 20261203;

/** Every location of a plan, and none (its default). */
const optionsOf = (plan: DialPlan): (QueryOptions | undefined)[] => [undefined, ...plan.locations.map((location) => ({ location }))];

describe('query, details and explain on random plans', () => {
  it('agree for random inputs and inputs the patterns match', () => {
    let matched = 0;
    fc.assert(
      fc.property(planArb, fc.array(inputArb, { maxLength: 8 }), ({ object, yaml }, random) => {
        const loaded = safeLoadDialPlan(yaml);
        fc.pre(loaded.ok);
        if (!loaded.ok) return;
        const plan = loaded.plan;
        for (const input of [...random, ...matchingInputs(object)]) {
          for (const options of optionsOf(plan)) {
            const what = `${JSON.stringify(input)} ${JSON.stringify(options)}`;
            const q = plan.query(input, options);
            const e = plan.explain(input, options);
            if (q.ok) {
              expect(plan.details(input, options), what).toEqual(q.details);
              expect(e.details, what).toEqual(q.details);
              expect(e.dialString, what).toBe(q.dialString);
              expect(e.error, what).toBeUndefined();
              // The trace's own filling of the templates agrees with the engine's.
              if (e.unmatched === undefined && e.dialPlan?.fellThrough === false) {
                matched++;
                expect(e.dialPlan.templates.find((t) => t.field === 'normalized')?.value ?? e.dialPlan.output, what).toBe(q.details.normalizedText);
              }
            } else {
              expect(e.error, what).toEqual(q.error);
              expect(e.details, what).toBeUndefined();
              let thrown: unknown;
              try {
                plan.details(input, options);
              } catch (err) {
                thrown = err;
              }
              expect(thrown, what).toBeInstanceOf(DialPlanError);
              expect((thrown as DialPlanError).code, what).toBe(q.error.code);
            }
          }
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
    expect(matched).toBeGreaterThan(300);
  });

  it('answer the same with the reference matcher as with the automaton', () => {
    fc.assert(
      fc.property(planArb, fc.array(inputArb, { maxLength: 8 }), ({ object, yaml }, random) => {
        const auto = safeLoadDialPlan(yaml);
        const ref = safeLoadDialPlan(yaml, { matcher: referenceMatcher });
        expect(ref.ok).toBe(auto.ok);
        if (!auto.ok || !ref.ok) return;
        for (const input of [...random, ...matchingInputs(object)]) {
          for (const options of optionsOf(auto.plan)) {
            const what = `${JSON.stringify(input)} ${JSON.stringify(options)}`;
            expect(ref.plan.query(input, options), what).toEqual(auto.plan.query(input, options));
            expect(ref.plan.explain(input, options), what).toEqual(auto.plan.explain(input, options));
          }
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('answer without a location as in the default location (defaultLocation, or the first)', () => {
    let tried = 0;
    fc.assert(
      fc.property(planArb, fc.array(inputArb, { maxLength: 8 }), ({ object, yaml }, random) => {
        const loaded = safeLoadDialPlan(yaml);
        fc.pre(loaded.ok && loaded.plan.locations.length > 0);
        if (!loaded.ok) return;
        const plan = loaded.plan;
        const location = (object['defaultLocation'] as string | undefined) ?? plan.locations[0]!;
        for (const input of [...random, ...matchingInputs(object)]) {
          tried++;
          const what = `${JSON.stringify(input)} default ${location}`;
          expect(plan.query(input), what).toEqual(plan.query(input, { location }));
          expect(plan.explain(input), what).toEqual(plan.explain(input, { location }));
        }
      }),
      { seed: SEED, numRuns: 100 },
    );
    expect(tried).toBeGreaterThan(500);
  });
});
