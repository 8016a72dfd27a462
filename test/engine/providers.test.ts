// Where the engine gets its libraries (src/engine/providers.ts) on a platform without a module loader, as in a browser:
// a plan that needs libphonenumber-js says so when it is loaded, unless the library was registered; the rest of the
// engine never needs it. The platform is simulated by hiding process.getBuiltinModule, the loader's only way in.
import * as YAML from 'yaml';
import * as phone from 'libphonenumber-js/min';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeLoadDialPlan, setPhoneLibraryProvider, setYamlProvider } from '../../src/engine.js';
import type { PhoneLibrary } from '../../src/engine/international.js';

const WITH_WHEN = `name: t
classifications: [Mobile, Other]
dialPlan:
  - name: Mobiles
    match: +44Z
    classification: Mobile
    when: { valid: true }
  - { name: Rest, match: Z, classification: Other }
`;
const WITH_FIELD = `name: t
classifications: [Any]
dialPlan:
  - { name: All, match: +Z, classification: Any, display: "{international}" }
`;
const PLAIN = `name: t
classifications: [Any]
dialPlan:
  - { name: All, match: Z, classification: Any }
`;

describe('a platform without a module loader', () => {
  const proc = process as { getBuiltinModule?: unknown };
  const saved = proc.getBuiltinModule;
  beforeAll(() => {
    proc.getBuiltinModule = undefined;
    setYamlProvider(() => YAML);
  });
  afterAll(() => {
    proc.getBuiltinModule = saved;
  });

  it('loads a plan that needs no libphonenumber-js', () => {
    const r = safeLoadDialPlan(PLAIN, { file: 'plain.yaml' });
    expect(r.ok && r.plan.query('6929')).toMatchObject({ ok: true });
  });

  it('refuses a plan with when: or an international field, at its line, saying how to register the library', () => {
    for (const [text, line, what] of [
      [WITH_WHEN, 7, 'when:'],
      [WITH_FIELD, 4, '{international}'],
    ] as const) {
      const r = safeLoadDialPlan(text, { file: 'p.yaml' });
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.problems.map((p) => [p.code, p.line])).toEqual([['INVALID_PLAN', line]]);
      expect(r.problems[0]?.message).toContain(what);
      expect(r.problems[0]?.message).toContain('setPhoneLibraryProvider');
      // The metadata that answers every condition: "min" has no number types, and a `numberType:` condition then quietly
      // answers otherwise (rules/gb.yaml passes 33 of its 34 tests with it).
      expect(r.problems[0]?.message).toContain("'libphonenumber-js/max'");
    }
  });

  it('loads them once the library is registered, and the fields and conditions work', () => {
    setPhoneLibraryProvider(() => phone as unknown as PhoneLibrary);
    const when = safeLoadDialPlan(WITH_WHEN, { file: 'p.yaml' });
    expect(when.ok).toBe(true);
    if (!when.ok) return;
    expect(when.plan.details('+447400123456').defaultClassification).toBe('Mobile');
    expect(when.plan.details('+4474001').defaultClassification).toBe('Other');
    const field = safeLoadDialPlan(WITH_FIELD, { file: 'p.yaml' });
    expect(field.ok && field.plan.details('+442079460958').displayText).toBe('+44 20 7946 0958');
  });
});
