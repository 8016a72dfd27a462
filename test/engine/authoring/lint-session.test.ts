// A lint session (the playground's worker) reuses the shadowing analysis of a table whose patterns did not change: over
// random edit sequences on random plans, its findings are always exactly those of lintDialPlan from scratch, and it does
// reuse (so that the property is about the cache, not about a session that never hits it).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLintSession } from '../../../src/engine/authoring/lint/lint.js';
import type { SubWalk } from '../../../src/engine/authoring/lint/shadow.js';
import { MAX_PRODUCT_STATES, analyzeTable, splitWalk } from '../../../src/engine/authoring/lint/shadow.js';
import { lintDialPlan, safeCompileDialPlan } from '../../../src/index.js';
import { planObjectArb } from '../random-plan.js';

const SEED = 20261202;
// bench/plans.js is plain JavaScript without types.
const { buildExchangePlan } = (await import(new URL('../../../bench/plans.js', import.meta.url).href)) as { buildExchangePlan: (entries: number) => unknown };

type Plan = Record<string, unknown>;
type Entry = Record<string, unknown>;
const entriesOf = (p: Plan): Entry[] => [...((p['dialPlan'] as Entry[] | undefined) ?? [])];

/** One edit an author makes, as a function of the plan before it. */
const editArb: fc.Arbitrary<(p: Plan, history: readonly Plan[]) => Plan> = fc.oneof(
  // No pattern changes: the cache must answer.
  fc.tuple(fc.nat(), fc.string({ maxLength: 3 })).map(([i, s]) => (p: Plan) => {
    const es = entriesOf(p);
    const e = es[i % es.length];
    if (e) es[i % es.length] = { ...e, name: `${String(e['name'])}${s}` };
    return { ...p, dialPlan: es };
  }),
  fc.tuple(fc.nat(), fc.constantFrom('display', 'classification')).map(([i, key]) => (p: Plan) => {
    const es = entriesOf(p);
    const e = es[i % es.length];
    if (e) es[i % es.length] = key === 'display' ? { ...e, display: 'fixed text' } : { ...e, classification: 'B' };
    return { ...p, dialPlan: es };
  }),
  // Pattern edits: another entry's pattern, a character more, entries moved, removed, copied.
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]) => (p: Plan) => {
    const es = entriesOf(p);
    const a = es[i % es.length];
    const b = es[j % es.length];
    if (a && b) es[i % es.length] = { ...a, match: b['match'] };
    return { ...p, dialPlan: es };
  }),
  fc.tuple(fc.nat(), fc.constantFrom('1', 'X', '?', 'Z', '/')).map(([i, c]) => (p: Plan) => {
    const es = entriesOf(p);
    const e = es[i % es.length];
    if (e && typeof e['match'] === 'string') es[i % es.length] = { ...e, match: `${e['match']}${c}` };
    return { ...p, dialPlan: es };
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]) => (p: Plan) => {
    const es = entriesOf(p);
    const [a, b] = [i % es.length, j % es.length];
    [es[a], es[b]] = [es[b] as Entry, es[a] as Entry];
    return { ...p, dialPlan: es };
  }),
  fc.nat().map((i) => (p: Plan) => {
    const es = entriesOf(p);
    if (es.length > 1) es.splice(i % es.length, 1);
    return { ...p, dialPlan: es };
  }),
  fc.nat().map((i) => (p: Plan) => {
    const es = entriesOf(p);
    es.splice(i % es.length, 0, { ...(es[i % es.length] as Entry), name: 'copy' });
    return { ...p, dialPlan: es };
  }),
  // A set's values (what `{tf}` resolves to) and a location's variable: the patterns' text is the same, not their language.
  fc.constantFrom(['800', '877'], ['888'], ['8', '80']).map((tf) => (p: Plan) => ({ ...p, sets: { ...(p['sets'] as object), tf } })),
  fc.constantFrom('317', '3', '31').map((area) => (p: Plan) => (p['locations'] === undefined ? p : { ...p, locations: { here: { area }, there: { area: '312' } } })),
  // Back to an earlier version (a mistake typed and taken out again).
  fc.nat().map((k) => (p: Plan, history: readonly Plan[]) => history[k % history.length] ?? p),
);

describe('a lint session', () => {
  it('splits the walk into sub-walks, remembered across tables and plans, with the same outcome as one walk', () => {
    // One cache for every table of every plan: a key that stood for two different sub-walks would show.
    const cache = new Map<string, SubWalk>();
    let reused = 0;
    let tables = 0;
    fc.assert(
      fc.property(planObjectArb, fc.integer({ min: 1, max: 6 }), (object, depth) => {
        const r = safeCompileDialPlan(object);
        if (!r.ok) return;
        for (const t of r.plan.compiled.tables.values()) {
          for (const [entries, modes] of [
            [t.entries, [true, false]],
            [t.conversions, [true]],
          ] as const) {
            const want = analyzeTable(entries, modes);
            const size = cache.size;
            expect(analyzeTable(entries, modes, MAX_PRODUCT_STATES, { get: (k) => cache.get(k), set: (k, v) => void cache.set(k, v), split: splitWalk }, depth)).toEqual(want);
            if (cache.size === size) reused++;
            tables++;
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
    expect(tables).toBeGreaterThan(300);
    expect(reused).toBeGreaterThan(20);
  });


  it('finds after every edit exactly what lintDialPlan finds from scratch, reusing analyses where no pattern changed', () => {
    let reused = 0;
    let checked = 0;
    fc.assert(
      fc.property(planObjectArb, fc.array(editArb, { minLength: 1, maxLength: 12 }), (start, edits) => {
        const session = createLintSession();
        const history: Plan[] = [start];
        let plan = start;
        for (const edit of [(p: Plan) => p, ...edits]) {
          plan = edit(plan, history);
          history.push(plan);
          const r = safeCompileDialPlan(plan);
          if (!r.ok) continue;
          expect(session.lint(r.plan)).toEqual(lintDialPlan(r.plan));
          checked++;
        }
        reused += session.stats.reused;
      }),
      { seed: SEED, numRuns: 200 },
    );
    expect(checked).toBeGreaterThan(500);
    expect(reused).toBeGreaterThan(200);
  });

  it('reuses the whole analysis of a 1 000-entry plan when only a name changes, and walks again when a pattern does', () => {
    const object = buildExchangePlan(1000) as unknown as Plan;
    const session = createLintSession();
    const first = safeCompileDialPlan(object);
    if (!first.ok) throw new Error('the generated plan does not load');
    session.lint(first.plan);
    const walked = session.stats.analysed;
    const es = entriesOf(object);
    es[500] = { ...(es[500] as Entry), name: 'Renamed' };
    const renamed = safeCompileDialPlan({ ...object, dialPlan: es });
    if (!renamed.ok) throw new Error('the renamed plan does not load');
    expect(session.lint(renamed.plan)).toEqual(lintDialPlan(renamed.plan));
    expect(session.stats.analysed).toBe(walked);
    es[500] = { ...(es[500] as Entry), match: es[499]?.['match'] };
    const shadowed = safeCompileDialPlan({ ...object, dialPlan: es });
    if (!shadowed.ok) throw new Error('the edited plan does not load');
    const findings = session.lint(shadowed.plan);
    expect(findings).toEqual(lintDialPlan(shadowed.plan));
    expect(findings.some((p) => p.code === 'UNREACHABLE_ENTRY' && p.message.includes('"Renamed"'))).toBe(true);
    expect(session.stats.analysed).toBeGreaterThan(walked);
  });
});
