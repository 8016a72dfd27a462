import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { loadDialPlan, safeLoadDialPlan } from '../../../src/index.js';
import { describeInternational, isPhoneLibraryLoaded, loadPhoneLibrary } from '../../../src/engine/international.js';
import { meetsCondition } from '../../../src/engine/match/when.js';
import { referenceMatcher } from '../../../src/engine/match/match.js';
import { compileRules } from '../../../src/engine/plan/compile.js';
import { createDialPlan } from '../../../src/engine/plan/plan.js';

const WORLD = `
name: world
classifications: [{ name: Mobile }, { name: International }, { name: Invalid }, { name: Other }]
sets: { cc: ["44"] }
dialPlan:
  - name: UK mobile
    match: +Z
    classification: Mobile
    when: { numberType: [MOBILE], country: [GB] }
    display: "({classification}) {international}"
    editBase: "{national}"
  - name: Valid
    match: +Z
    when: { valid: true }
    classification: International
    display: "({classification}) {international}"
    editBase: "{e164}|{rfc3966}|{country}|{countryCallingCode}|{nationalNumber}|{numberType}"
  - name: Invalid UK
    match: +{cc}Z
    classification: Invalid
    dialCapable: false
    display: "{cc}:{national}"
  - name: Invalid
    match: +Z
    classification: Invalid
    dialCapable: false
  - name: Other
    match: Z
    classification: Other
    display: "<{e164}>"
`;

describe('international template fields and when:', () => {
  it('the default plan never loads libphonenumber-js', () => {
    // This must run first in this file: it checks nothing has loaded the library yet.
    const plan = loadDialPlan(readFileSync(new URL('../../../rules/default.yaml', import.meta.url), 'utf8'));
    for (const n of ['+442079460958', '5551234', '011442079460958', '6929']) plan.query(n);
    expect(isPhoneLibraryLoaded()).toBe(false);
  });

  it('in a fresh process, the built package never loads libphonenumber-js for the default plan', () => {
    const script = `
      import { createRequire } from 'node:module';
      const m = await import(${JSON.stringify(new URL('../../../dist/index.js', import.meta.url).href)});
      const plan = m.loadDefaultDialPlan();
      for (const n of ['+442079460958', '011442079460958', '5551234']) plan.query(n);
      const before = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/node_modules/libphonenumber-js/')).length;
      m.loadDialPlan('name: x\\nclassifications: [{ name: A }]\\ndialPlan: [{ name: a, match: +Z, classification: A, display: "{national}" }]').query('+442079460958');
      const after = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/node_modules/libphonenumber-js/')).length;
      console.log(JSON.stringify({ before, after: after > 0 }));`;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({ before: 0, after: true });
  });

  const plan = loadDialPlan(WORLD);
  const d = (n: string) => plan.details(n);

  it('formats and classifies with the metadata', () => {
    expect(d('+447400123456')).toMatchObject({ displayText: '(Mobile) +44 7400 123456', editBase: '07400 123456', defaultClassification: 'Mobile' });
    expect(d('+442079460958')).toMatchObject({
      displayText: '(International) +44 20 7946 0958',
      editBase: '+442079460958|tel:+442079460958|GB|44|2079460958|FIXED_LINE',
      dialCapable: true,
    });
    expect(isPhoneLibraryLoaded()).toBe(true);
  });

  it('when: valid routes invalid numbers on to later entries', () => {
    expect(d('+4412')).toMatchObject({ defaultClassification: 'Invalid', dialCapable: false, displayText: '44:12' });
    expect(d('+9991234')).toMatchObject({ defaultClassification: 'Invalid', dialCapable: false });
  });

  it('parses a number once per query, whatever the number of fields and conditions', () => {
    const spy = vi.spyOn(loadPhoneLibrary(), 'parsePhoneNumberFromString');
    try {
      // Two when: conditions (the first rejects) and two templates of six fields: one parse each.
      d('+442079460957');
      expect(spy).toHaveBeenCalledTimes(1);
      d('+447400123457');
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('fields are empty and conditions false for a string that is not E.164', () => {
    expect(d('6929').displayText).toBe('<>');
    expect(meetsCondition({ valid: false }, '6929')).toBe(false);
    expect(describeInternational('+1 317')).toBeUndefined();
  });

  it('an extension after the number is ignored by the fields', () => {
    expect(describeInternational('+442079460958^12')?.national).toBe('020 7946 0958');
    expect(describeInternational('+442079460958/12')?.e164).toBe('+442079460958');
  });

  it('the reference matcher and the automaton agree on when:', () => {
    const out = compileRules(parse(WORLD), referenceMatcher);
    if (!out.ok) throw new Error('no compile');
    const ref = createDialPlan(out.plan, []);
    for (const n of ['+447400123456', '+442079460958', '+4412', '+15551234567', '+18004562354', '6929', '+800 1234 5678'.replace(/ /g, '')]) {
      expect(ref.query(n)).toEqual(plan.query(n));
    }
  });

  it('explain reports the entry query uses when a when: condition rejects earlier ones', () => {
    const e = plan.explain('+442079460958');
    expect(e.details?.defaultClassification).toBe('International');
    const matched = e.dialPlan?.considered.filter((c) => c.matched).map((c) => c.name);
    expect(matched).toEqual(['Valid']);
  });

  it('rejects bad when: values with positions', () => {
    expect(() => loadDialPlan(WORLD.replace('numberType: [MOBILE]', 'numberType: [CELL]'))).toThrow(/CELL/);
    expect(() => loadDialPlan(WORLD.replace('country: [GB]', 'country: [gb]'))).toThrow(/gb/);
    expect(() => loadDialPlan(WORLD.replace('valid: true', 'valid: yes please'))).toThrow();
    expect(() => loadDialPlan(WORLD.replace('valid: true', 'vaild: true'))).toThrow(/vaild/);
    // The position points at the offending list item.
    const r = safeLoadDialPlan(WORLD.replace('numberType: [MOBILE]', 'numberType: [MOBILE, CELL]'), { file: 'w.yaml' });
    expect(r.ok ? [] : r.problems.map((p) => [p.code, p.line, p.column])).toEqual([['WRONG_TYPE', 9, 34]]);
  });
});

describe('precedence', () => {
  it("a plan's own location variable of the same name wins over a field", () => {
    const p = loadDialPlan(`
name: v
classifications: [{ name: X }]
locations: { a: { country: Here } }
dialPlan: [{ name: all, match: +Z, classification: X, display: "{country} {countryCallingCode}" }]
`);
    expect(p.details('+442079460958').displayText).toBe('Here 44');
  });
});
