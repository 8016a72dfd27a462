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
import { legacyPlanTexts, withWrongChecksum } from './legacy-plans.js';

/**
 * A version 3 text edited and given the index and checksum it would have had: its ranges found again by the keys that
 * start them, the checksum (FNV-1a over the UTF-16 units up to the end of dialPlan, the format's own definition)
 * recomputed. What a file crafted to pass the checksum looks like.
 */
function rechecksum(json: string): string {
  const header = /^\{"format":"dialplan-compiled-plan","version":3,"index":\[[0-9,]+\],/.exec(json);
  if (header === null) throw new Error('not a version 3 file');
  const body = json.slice(header[0].length, -1);
  const parsed = JSON.parse(json) as Record<string, unknown>;
  const names = ['file', 'head', 'warnings', 'matchers', 'hasWhen', 'entryAt', 'dialPlan', 'source', 'positions'];
  const index: number[] = [];
  let at = 0;
  for (const name of names) {
    at = body.indexOf(`"${name}":`, at) + name.length + 3;
    index.push(at, at + JSON.stringify(parsed[name]).length);
  }
  let h = 0x811c9dc5;
  const end = index[13] as number;
  for (let i = 0; i < end; i++) h = Math.imul(h ^ body.charCodeAt(i), 0x01000193);
  return `{"format":"dialplan-compiled-plan","version":3,"index":[${[h >>> 0, ...index].join(',')}],${body}}`;
}

const yaml = readFileSync(DEFAULT_RULES_PATH, 'utf8');
const NUMBERS = ['1-800-456-2354', '6929', '317-555-1234 x12', '+44 20 7946 0958', '911', 'sip:agent@example.com', '5551234', '011 33 1 42 68 53 00'];

/** A DID list: exact numbers, which the trie holds, and a catch-all, which the DFA holds. */
const DIDS = `name: dids\nclassifications: [DID, Other]\ndialPlan:\n${Array.from({ length: 50 }, (_, i) => `  - { name: d${i}, match: "+1317555${1000 + i}", classification: DID }`).join('\n')}\n  - { name: rest, match: Z, classification: Other }\n`;

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

  it('of versions 1 and 2 still load, with the same answers and lines', () => {
    const legacy = legacyPlanTexts(yaml, 'rules/default.yaml');
    if (legacy === undefined) throw new Error('the default plan is not valid YAML');
    const fromV3 = loadDialPlan(compiled(), { file: 'v.json' });
    for (const text of [legacy.v1, legacy.v2]) {
      const plan = loadDialPlan(text, { file: 'v.json' });
      expect(plan.explain('1-800-456-2354')).toEqual(fromV3.explain('1-800-456-2354'));
      expect(plan.query('6929')).toEqual(fromV3.query('6929'));
    }
  });

  it('whose positions are damaged still answer, with traces that have no line rather than a wrong one', () => {
    const legacy = legacyPlanTexts(yaml, 'rules/default.yaml');
    if (legacy === undefined) throw new Error('the default plan is not valid YAML');
    const v2 = JSON.parse(legacy.v2) as Record<string, unknown>;
    const damaged = [
      JSON.stringify({ ...v2, positions: '{"[]":' }),
      // Version 3, restored: a packed list that is not one (its last value never ends).
      compiled().replace(/"positions":"[^"]*"\}$/, '"positions":"_"}'),
      // Version 3 loaded whole: the same, with the checksum changed too.
      withWrongChecksum(compiled()).replace(/"positions":"[^"]*"\}$/, '"positions":"_"}'),
    ];
    const good = loadDialPlan(compiled(), { file: 'd.json' });
    const lines = (p: DialPlan): unknown[] => JSON.stringify(p.explain('1-800-456-2354')).match(/"line":\d+/g) ?? [];
    expect(lines(good).length).toBeGreaterThan(0);
    for (const text of damaged) {
      const plan = loadDialPlan(text, { file: 'd.json' });
      expect(plan.query('1-800-456-2354')).toEqual(good.query('1-800-456-2354'));
      expect(lines(plan)).toEqual([]);
    }
  });

  it('of version 3 are restored without compiling their entries: each is read when a query first reaches it', () => {
    const source = DIDS;
    const r = compilePlanText(source, 'dids.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const plan = loadDialPlan(r.json, { file: 'dids.json' });
    const entries = plan.compiled.defaultTables.entries;
    const standIn = Object.getPrototypeOf(entries[0]) as object;
    const read = (): number => entries.filter((e) => Object.getPrototypeOf(e) !== standIn).length;
    expect(read()).toBe(1);
    expect(plan.query('+1 317 555 1007')).toEqual(loadDialPlan(source).query('+1 317 555 1007'));
    expect(read()).toBe(2);
    expect(plan.rules).toEqual(loadDialPlan(source).rules);
  });

  it('of version 3 with an entry altered and the checksum made to match fail only the queries that reach it', () => {
    const r = compilePlanText(DIDS, 'dids.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(rechecksum(r.json)).toBe(r.json);
    // Entry d7 gets a classification the plan does not declare (as long as the old one, so that every entry stays where
    // the file says), and the checksum is computed again: the trie holds d7, so it is read only when a query reaches it.
    const altered = rechecksum(r.json.replace('{"name":"d7","match":"+13175551007","classification":"DID"}', '{"name":"d7","match":"+13175551007","classification":"DIX"}'));
    expect(altered).not.toBe(r.json);
    const plan = loadDialPlan(altered, { file: 'altered.json' });
    const bad = plan.query('+1 317 555 1007');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('COMPILED_PLAN_INVALID');
    expect(plan.explain('+1 317 555 1007').error?.code).toBe('COMPILED_PLAN_INVALID');
    expect(() => plan.details('+1 317 555 1007')).toThrow(/Entry #8 of this precompiled plan's dialPlan is not valid/);
    expect(plan.query('+1 317 555 1008')).toEqual(loadDialPlan(DIDS).query('+1 317 555 1008'));
    // An entry the DFA holds is read while loading: the same alteration there is found then, and the file is loaded whole.
    const json = compiled();
    const early = rechecksum(json.replace('"classification":"Toll Free"', '"classification":"Toll Fre3"'));
    const loaded = safeLoadDialPlan(early, { file: 'early.json' });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.problems.map((p) => p.code)).toEqual(['UNDECLARED_CLASSIFICATION']);
  });

  it('of version 3 with damaged matcher arrays and a matching checksum compile the table instead, with the same answers', () => {
    const json = compiled();
    // The arrays of the trie cut to their first value: out of shape, so the table is compiled from its entries.
    const altered = rechecksum(json.replace(/"(t|tails)":\[(-?[0-9]+)[-0-9,]*\]/g, '"$1":[$2]'));
    expect(altered).not.toBe(json);
    const good = loadDialPlan(yaml);
    const plan = loadDialPlan(altered, { file: 'altered.json' });
    for (const n of NUMBERS) expect(plan.query(n), n).toEqual(good.query(n));
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
