// One plan, every loader, one answer: a random rule file loaded from its YAML text, from its precompiled JSON (version 3
// restored and loaded whole, versions 2 and 1), from the object YAML parses it into, and through the browser entry gives the same query results, the same
// explain traces and the same warnings (or, for a plan that does not load, the same problems).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeLoadDialPlan as browserSafeLoad } from '../../../src/browser.js';
import type { LoadResult, Problem } from '../../../src/index.js';
import { compilePlanText, safeCompileDialPlan, safeLoadDialPlan } from '../../../src/index.js';
import { loadRuleFileSnapshot, snapshotRuleFile } from '../../../src/engine/plan/load.js';
import { inputArb, matchingInputs, planArb } from '../random-plan.js';
import { legacyPlanTexts, withWrongChecksum } from './legacy-plans.js';

const SEED = 20261202;
const FILE = 'random.yaml';

/** What a problem says, without where it sits: the object loader has no source to place it in. */
const said = (ps: readonly Problem[]): unknown[] => ps.map((p) => [p.severity, p.code, p.path, p.message]);
/**
 * The same, in an order of its own: the file loaders sort problems by their line in the YAML (load.ts sortProblems), the
 * object loader has no lines and keeps the order the compiler found them in (dialPlan before inputConversions). An
 * intended difference: compare the object loader's problems as a set.
 */
const saidAnyOrder = (ps: readonly Problem[]): string[] => said(ps).map((p) => JSON.stringify(p)).sort();
/** Where the file loaders place a problem. */
const placed = (ps: readonly Problem[]): unknown[] => ps.map((p) => [p.code, p.file, p.line, p.column, p.excerpt]);

/** A value with every `position` key removed: what an explanation says apart from lines in the source. */
function withoutPositions(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutPositions);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'position').map(([k, x]) => [k, withoutPositions(x)]));
}

interface Loaded {
  readonly name: string;
  readonly result: LoadResult;
  /** Whether the loader knows where each rule sits in the YAML. */
  readonly positions: boolean;
}

function loadAll(object: Record<string, unknown>, yaml: string): { readonly loaded: readonly Loaded[]; readonly compileProblems?: readonly Problem[] } {
  const loaded: Loaded[] = [
    { name: 'yaml', result: safeLoadDialPlan(yaml, { file: FILE }), positions: true },
    { name: 'browser', result: browserSafeLoad(yaml, { file: FILE }), positions: true },
    { name: 'object', result: safeCompileDialPlan(object), positions: false },
  ];
  // The reload worker's path: a snapshot parsed in the worker, copied to the main thread, loaded there.
  const snapshot = snapshotRuleFile(yaml, FILE);
  if (snapshot !== undefined) loaded.push({ name: 'snapshot', result: loadRuleFileSnapshot(structuredClone(snapshot)), positions: true });
  const compiled = compilePlanText(yaml, FILE);
  if (!compiled.ok) return { loaded, compileProblems: compiled.problems };
  // Version 3 restored from its stored parts, and loaded whole (as a file edited since it was compiled); versions 2 and 1.
  loaded.push({ name: 'json v3', result: safeLoadDialPlan(compiled.json, { file: FILE }), positions: true });
  loaded.push({ name: 'json v3 unchecked', result: safeLoadDialPlan(withWrongChecksum(compiled.json), { file: FILE }), positions: true });
  const legacy = legacyPlanTexts(yaml, FILE);
  if (legacy !== undefined) {
    loaded.push({ name: 'json v2', result: safeLoadDialPlan(legacy.v2, { file: FILE }), positions: true });
    loaded.push({ name: 'json v1', result: safeLoadDialPlan(legacy.v1, { file: FILE }), positions: true });
  }
  return { loaded };
}

describe('the loaders of one rule file', () => {
  it('give the same answers, traces and warnings for random plans and inputs', () => {
    let loadedCount = 0;
    fc.assert(
      fc.property(planArb, fc.array(inputArb, { minLength: 1, maxLength: 12 }), ({ object, yaml }, inputs) => {
        const { loaded, compileProblems } = loadAll(object, yaml);
        const [yamlLoad] = loaded;
        const ref = yamlLoad!.result;
        if (!ref.ok) {
          // A plan that does not load: every loader says the same problems; the file loaders place them alike.
          for (const l of loaded) {
            expect(l.result.ok, l.name).toBe(false);
            if (!l.result.ok && l.positions) expect(said(l.result.problems), l.name).toEqual(said(ref.problems));
            if (!l.result.ok) expect(saidAnyOrder(l.result.problems), l.name).toEqual(saidAnyOrder(ref.problems));
            if (!l.result.ok && l.positions) expect(placed(l.result.problems), l.name).toEqual(placed(ref.problems));
          }
          expect(compileProblems && said(compileProblems)).toEqual(said(ref.problems));
          return;
        }
        loadedCount++;
        expect(compileProblems).toBeUndefined();
        for (const l of loaded) {
          expect(l.result.ok, `${l.name}: ${l.result.ok ? '' : JSON.stringify(l.result.problems)}`).toBe(true);
          if (!l.result.ok) continue;
          expect(saidAnyOrder(l.result.plan.warnings), l.name).toEqual(saidAnyOrder(ref.plan.warnings));
          if (l.positions) expect(said(l.result.plan.warnings), l.name).toEqual(said(ref.plan.warnings));
          if (l.positions) expect(placed(l.result.plan.warnings), l.name).toEqual(placed(ref.plan.warnings));
          expect(l.result.plan.locations, l.name).toEqual(ref.plan.locations);
          // The validated rules too: a restored plan reads its entries when first asked, and must give the same ones.
          expect(JSON.parse(JSON.stringify(l.result.plan.rules)), l.name).toEqual(JSON.parse(JSON.stringify(ref.plan.rules)));
        }
        // 'nowhere' names no location: an UNKNOWN_LOCATION error from every loader alike.
        const locations: (string | undefined)[] = [undefined, ...ref.plan.locations, 'nowhere'];
        for (const input of [...inputs, ...matchingInputs(object)]) {
          for (const location of locations) {
            const options = location === undefined ? undefined : { location };
            const want = ref.plan.query(input, options);
            const wantTrace = ref.plan.explain(input, options);
            for (const l of loaded.slice(1)) {
              if (!l.result.ok) continue;
              const what = `${l.name} ${JSON.stringify(input)} at ${location}`;
              expect(l.result.plan.query(input, options), what).toEqual(want);
              const trace = l.result.plan.explain(input, options);
              expect(l.positions ? trace : withoutPositions(trace), what).toEqual(l.positions ? wantTrace : withoutPositions(wantTrace));
            }
          }
        }
      }),
      { seed: SEED, numRuns: 80 },
    );
    // The property says little if the random plans rarely load.
    expect(loadedCount).toBeGreaterThan(50);
  });
});
