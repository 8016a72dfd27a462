// The platform-neutral entries (the browser's) leave out the loader that restores a version 3 precompiled plan from its
// stored parts (bundle budgets): such a file is loaded whole there, and gives the same plan.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compilePlanText, loadDialPlan } from '../../../src/browser.js';

const yaml = readFileSync(new URL('../../../rules/default.yaml', import.meta.url), 'utf8');
const NUMBERS = ['1-800-456-2354', '6929', '317-555-1234 x12', '+44 20 7946 0958', '911', 'sip:agent@example.com'];

describe('a version 3 precompiled plan through the browser entry', () => {
  it('is loaded whole (every entry compiled) and answers, explains and lists its rules as the YAML does', () => {
    const r = compilePlanText(yaml, 'rules/default.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const fromJson = loadDialPlan(r.json, { file: 'default.json' });
    const fromYaml = loadDialPlan(yaml, { file: 'rules/default.yaml' });
    // Loaded whole: the entries are the compiler's own, not stand-ins read when first reached.
    expect(new Set(fromJson.compiled.defaultTables.entries.map((e) => e.constructor.name))).toEqual(new Set(['DialPlanEntry']));
    for (const n of NUMBERS) expect(fromJson.query(n), n).toEqual(fromYaml.query(n));
    expect(fromJson.explain('1-800-456-2354')).toEqual(fromYaml.explain('1-800-456-2354'));
    expect(fromJson.rules).toEqual(fromYaml.rules);
  });
});
