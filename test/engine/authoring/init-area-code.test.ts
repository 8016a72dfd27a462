// `dialplan init --area-code`: the area code goes without the national prefix (GB's London is 20). Given as dialled
// nationally (020), it made every local number +44020... and the plan's own tests, computed from the same mistake,
// passed. It is refused, unless the country's national numbers themselves start with those digits (RU's 812, behind
// the national prefix 8).
import { describe, expect, it } from 'vitest';
import { buildStarterRules, generateStarterPlan } from '../../../src/engine/authoring/init.js';
import { loadDialPlan } from '../../../src/index.js';

const refusal = (country: string, areaCode: string): string | undefined => {
  try {
    buildStarterRules({ country, areaCode });
    return undefined;
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
};

describe('init --area-code with the national prefix in front', () => {
  it.each([
    ['GB', '020', '20'],
    ['DE', '030', '30'],
    ['FR', '01', '1'],
    ['US', '1201', '201'],
  ])('%s %s is refused, naming %s', (country, given, meant) => {
    expect(refusal(country, given)).toBe(`WRONG_TYPE: The area code goes without the national prefix ${given.slice(0, given.length - meant.length)}: "${meant}", not "${given}".`);
    expect(refusal(country, meant)).toBeUndefined();
  });

  it('is accepted where national numbers start with the prefix digits themselves (RU 812 behind the prefix 8)', () => {
    expect(refusal('RU', '812')).toBeUndefined();
    const plan = loadDialPlan(generateStarterPlan({ country: 'RU', areaCode: '812' }));
    expect(plan.query('8 812 123-45-67').ok && plan.details('8 812 123-45-67').normalizedText).toBe('+78121234567');
  });

  it('London local dialling works with the area code written right', () => {
    const plan = loadDialPlan(generateStarterPlan({ country: 'GB', areaCode: '20' }));
    expect(plan.details('7946 0958').normalizedText).toBe('+442079460958');
  });
});
