import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COMPILED_PLAN_FORMAT,
  COMPILED_PLAN_VERSION,
  compilePlanText,
  DEFAULT_RULES_PATH,
  isCompiledPlanText,
  loadDialPlan,
  loadDialPlanFile,
  safeLoadDialPlan,
  safeLoadDialPlanFile,
} from '../../../src/index.js';
import type { DialPlan } from '../../../src/index.js';
import { runInlineTests } from '../../../src/engine/authoring/inline-tests.js';

const yaml = readFileSync(DEFAULT_RULES_PATH, 'utf8');
const NUMBERS = ['1-800-456-2354', '6929', '317-555-1234 x12', '+44 20 7946 0958', '911', 'sip:agent@example.com', '5551234', '011 33 1 42 68 53 00'];

const compiled = (): string => {
  const r = compilePlanText(yaml, 'rules/default.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.json;
};

describe('precompiled plans', () => {
  it('answer every number exactly as the YAML plan does, through the same loaders', () => {
    const json = compiled();
    expect(isCompiledPlanText(json)).toBe(true);
    expect(isCompiledPlanText(yaml)).toBe(false);
    const fromYaml = loadDialPlan(yaml, { file: 'rules/default.yaml' });
    const fromJson = loadDialPlan(json, { file: 'default.json' });
    for (const n of NUMBERS) expect(fromJson.query(n), n).toEqual(fromYaml.query(n));
    const dir = mkdtempSync(join(tmpdir(), 'dialplan-compiled-'));
    writeFileSync(join(dir, 'plan.json'), json);
    expect(loadDialPlanFile(join(dir, 'plan.json')).query('6929')).toEqual(fromYaml.query('6929'));
  });

  it('keep the positions of the YAML: explain and inline tests point at its lines', () => {
    const fromYaml = loadDialPlan(yaml, { file: 'rules/default.yaml' });
    const fromJson = loadDialPlan(compiled(), { file: 'default.json' });
    const a = fromYaml.explain('1-800-456-2354');
    const b = fromJson.explain('1-800-456-2354');
    expect(b).toEqual(a);
    const report = runInlineTests(fromJson);
    expect(report.total).toBeGreaterThan(10);
    expect(report.failures).toEqual([]);
  });

  it('are refused with one positioned COMPILED_PLAN_INVALID problem when broken', () => {
    const json = compiled();
    const cases = [
      json.slice(0, json.length / 2),
      json.replace(`"version":${COMPILED_PLAN_VERSION}`, '"version":99'),
      json.replace('"positions":', '"positionz":'),
      `{"format":"${COMPILED_PLAN_FORMAT}","version":1,"source":"x","file":"y","positions":{"[]":["a",1]},"value":{}}`,
    ];
    for (const text of cases) {
      const r = safeLoadDialPlan(text, { file: 'broken.json' });
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.problems.map((p) => [p.code, p.file, p.line, p.column])).toEqual([['COMPILED_PLAN_INVALID', 'broken.json', 1, 1]]);
    }
  });

  it('of version 1 (positions as an object) still load, with the same answers and lines', () => {
    const v2 = JSON.parse(compiled()) as Record<string, unknown>;
    const v1 = JSON.stringify({ ...v2, version: 1, positions: JSON.parse(v2['positions'] as string) });
    const fromV1 = loadDialPlan(v1, { file: 'v1.json' });
    const fromV2 = loadDialPlan(compiled(), { file: 'v1.json' });
    expect(fromV1.explain('1-800-456-2354')).toEqual(fromV2.explain('1-800-456-2354'));
    expect(fromV1.query('6929')).toEqual(fromV2.query('6929'));
  });

  it('whose positions text is damaged still answer, with traces that have no line rather than a wrong one', () => {
    const v2 = JSON.parse(compiled()) as Record<string, unknown>;
    const damaged = JSON.stringify({ ...v2, positions: '{"[]":' });
    const plan = loadDialPlan(damaged, { file: 'd.json' });
    const good = loadDialPlan(compiled(), { file: 'd.json' });
    expect(plan.query('1-800-456-2354')).toEqual(good.query('1-800-456-2354'));
    const lines = (p: DialPlan): unknown[] => JSON.stringify(p.explain('1-800-456-2354')).match(/"line":\d+/g) ?? [];
    expect(lines(good).length).toBeGreaterThan(0);
    expect(lines(plan)).toEqual([]);
  });

  it('edited by hand are checked again, with problems at the lines of the YAML they hold', () => {
    const source = 'name: x\nclassifications: [A]\ndialPlan:\n  - { name: a, match: "NXX", classification: A }\n';
    const r = compilePlanText(source, 'x.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const edited = r.json.replace('"classification":"A"', '"classification":"B"');
    expect(edited).not.toBe(r.json);
    const loaded = safeLoadDialPlan(edited, { file: 'x.json' });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.problems.map((p) => [p.code, p.file, p.line])).toEqual([['UNDECLARED_CLASSIFICATION', 'x.yaml', 4]]);
  });

  it('cannot be made from a rule file that does not load', () => {
    const r = compilePlanText('name: x\ndialPlan:\n  - { name: a, match: "Z1", classification: B }\n', 'bad.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.code)).toContain('Z_NOT_LAST');
    expect(r.problems.every((p) => p.file === 'bad.yaml' && typeof p.line === 'number')).toBe(true);
  });

  it('are read by safeLoadDialPlanFile without throwing, whatever the bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialplan-compiled-'));
    const path = join(dir, 'bad.json');
    writeFileSync(path, `{"format":"${COMPILED_PLAN_FORMAT}",` + '\u0000'.repeat(100));
    const r = safeLoadDialPlanFile(path);
    expect(r.ok).toBe(false);
  });
});
