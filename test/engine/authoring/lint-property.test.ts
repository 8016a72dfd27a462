// Lint is a function of the rules, not of how they were loaded (YAML, precompiled JSON, object) nor of what the entries are called: the same findings for
// a plan loaded from its YAML and from its precompiled JSON, and the same finding codes when only the entries' names
// are shuffled among them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../../src/index.js';
import { compilePlanText, lintDialPlan, safeCompileDialPlan, safeLoadDialPlan } from '../../../src/index.js';
import { planArb } from '../random-plan.js';
import { legacyPlanTexts, withWrongChecksum } from '../plan/legacy-plans.js';

const SEED = 20261204;
const FILE = 'random.yaml';

const full = (ps: readonly Problem[]): unknown[] => ps.map((p) => [p.severity, p.code, p.path, p.message, p.file, p.line, p.column, p.excerpt]);

describe('lint on random plans', () => {
  it('finds the same for a plan loaded from YAML and from its precompiled JSON (version 3 restored and whole, 2 and 1)', () => {
    let findings = 0;
    fc.assert(
      fc.property(planArb, ({ object, yaml }) => {
        const fromYaml = safeLoadDialPlan(yaml, { file: FILE });
        fc.pre(fromYaml.ok);
        if (!fromYaml.ok) return;
        const compiled = compilePlanText(yaml, FILE);
        expect(compiled.ok).toBe(true);
        if (!compiled.ok) return;
        const legacy = legacyPlanTexts(yaml, FILE);
        const want = full(lintDialPlan(fromYaml.plan));
        findings += want.length;
        for (const text of [compiled.json, withWrongChecksum(compiled.json), legacy?.v2 ?? '', legacy?.v1 ?? '']) {
          const fromJson = safeLoadDialPlan(text, { file: FILE });
          expect(fromJson.ok).toBe(true);
          if (fromJson.ok) expect(full(lintDialPlan(fromJson.plan))).toEqual(want);
        }
        // The object loader has no positions: the same findings, said alike (in an order of their own, as its problems).
        const fromObject = safeCompileDialPlan(object);
        expect(fromObject.ok).toBe(true);
        const said = (ps: readonly Problem[]): string[] => ps.map((p) => JSON.stringify([p.severity, p.code, p.path, p.message])).sort();
        if (fromObject.ok) expect(said(lintDialPlan(fromObject.plan))).toEqual(said(lintDialPlan(fromYaml.plan)));
      }),
      { seed: SEED, numRuns: 150 },
    );
    expect(findings).toBeGreaterThan(50);
  });

  it('gives the same finding codes and paths when only the names of the entries are shuffled', () => {
    let findings = 0;
    fc.assert(
      fc.property(
        planArb.chain(({ object }) => {
          const n = (object['dialPlan'] as unknown[]).length;
          return fc.tuple(fc.constant(object), fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }));
        }),
        ([object, order]) => {
          const entries = object['dialPlan'] as Record<string, unknown>[];
          const renamed = { ...object, dialPlan: entries.map((e, i) => ({ ...e, name: entries[order[i]!]!['name'] })) };
          const a = safeLoadDialPlan(JSON.stringify(object));
          const b = safeLoadDialPlan(JSON.stringify(renamed));
          expect(b.ok).toBe(a.ok);
          if (!a.ok || !b.ok) return;
          const codes = (ps: readonly Problem[]): unknown[] => ps.map((p) => [p.severity, p.code, p.path]);
          const want = codes(lintDialPlan(a.plan));
          findings += want.length;
          expect(codes(lintDialPlan(b.plan))).toEqual(want);
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
    expect(findings).toBeGreaterThan(50);
  });
});
