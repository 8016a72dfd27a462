import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadDialPlan } from '../../../src/index.js';
import { compileRules } from '../../../src/engine/plan/compile.js';
import { referenceMatcher } from '../../../src/engine/match/match.js';
import { lintDialPlan } from '../../../src/engine/authoring/lint/lint.js';
import { createDialPlan } from '../../../src/engine/plan/plan.js';

const read = (name: string): string => readFileSync(new URL(`../../../rules/${name}`, import.meta.url), 'utf8');

describe.each(['gb.yaml', 'de.yaml'])('rules/%s', (name) => {
  const text = read(name);
  const plan = loadDialPlan(text, { file: `rules/${name}` });

  it('has the schema line first, at least 20 inline tests and no lint errors', () => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./dialplan.schema.json');
    expect(plan.rules.tests.length).toBeGreaterThanOrEqual(20);
    expect(lintDialPlan(plan).filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('the reference matcher gives the same details as the automaton on every test input', () => {
    const out = compileRules(parse(text), referenceMatcher);
    if (!out.ok) throw new Error('does not compile');
    const ref = createDialPlan(out.plan, []);
    for (const t of plan.rules.tests) expect(ref.query(t.input)).toEqual(plan.query(t.input));
  });
});

describe('dial strings of the bundled plans', () => {
  it('London: local numbers dialled without 020, the rest of the UK with 0, abroad with 00', () => {
    const gb = loadDialPlan(read('gb.yaml'));
    const dial = (n: string) => {
      const r = gb.query(n);
      return r.ok ? r.dialString : r.error.code;
    };
    expect(dial('020 7946 0958')).toBe('79460958');
    expect(dial('0113 496 0000')).toBe('01134960000');
    expect(dial('07400 123456')).toBe('07400123456');
    expect(dial('0800 1111')).toBe('08001111');
    expect(dial('+1 212 555 0123')).toBe('0012125550123');
  });

  it('Berlin: local numbers without 030, mobiles with 0', () => {
    const de = loadDialPlan(read('de.yaml'));
    const dial = (n: string) => {
      const r = de.query(n);
      return r.ok ? r.dialString : r.error.code;
    };
    expect(dial('030 2345678')).toBe('2345678');
    expect(dial('0171 1234567')).toBe('01711234567');
    expect(dial('0044 20 7946 0958')).toBe('00442079460958');
  });
});
