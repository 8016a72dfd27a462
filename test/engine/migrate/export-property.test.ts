// Property: random plans (prefix-rewriting input conversions, entries of digits, wildcards, sets and trailing Z or ?,
// with default, wildcard-style and ordinal templates) export to Teams and Genesys Cloud, and the other system's
// evaluation of the export agrees with the plan on every number drawn from the plan's patterns; so do random plans of
// E.164 entries with random when: conditions behind national and international dialing conversions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDialPlan } from '../../../src/index.js';
import { exportGenesys, verifyGenesysExport } from '../../../src/engine/migrate/genesys.js';
import { exportTeams, verifyTeamsExport } from '../../../src/engine/migrate/teams-export.js';

const token = fc.constantFrom('1', '2', '9', '0', 'X', 'N', 'Y', '[13]', '{area}');
const body = fc.array(token, { minLength: 1, maxLength: 5 });
const tail = fc.constantFrom('', '', 'Z', '?');
const entry = fc.record({ body, tail, plus: fc.boolean(), template: fc.constantFrom('default', 'ordinal', 'prefix', 'internal') });
const conversion = fc.record({ body: fc.array(fc.constantFrom('X', 'N', '1', '0'), { minLength: 2, maxLength: 4 }), out: fc.constantFrom('+1', '+44', '+') });

function planOf(entries: readonly { body: string[]; tail: string; plus: boolean; template: string }[], conversions: readonly { body: string[]; out: string }[]): string {
  const lines = ['name: random', 'classifications: [A, B, { name: I, internal: true }]', 'sets:', '  area: ["317", "46"]'];
  if (conversions.length > 0) {
    lines.push('inputConversions:');
    // Prefix rewrites: a literal 9 taken away, the rest kept (an external access code).
    conversions.forEach((c, i) => lines.push(`  - { name: c${i}, match: "9${c.body.join('')}", output: "${c.out}{2-}" }`));
  }
  lines.push('dialPlan:');
  entries.forEach((e, i) => {
    const match = `${e.plus ? '+' : ''}${e.body.join('')}${e.tail}`;
    const cls = e.template === 'internal' ? 'I' : i % 2 ? 'A' : 'B';
    const normalized = e.template === 'ordinal' ? ', normalized: "+1{1-}"' : e.template === 'prefix' ? ', normalized: "00{1-}"' : e.template === 'internal' ? ', normalized: "/{1-}"' : '';
    lines.push(`  - { name: e${i}, match: "${match}", classification: ${cls}${normalized} }`);
  });
  return lines.join('\n') + '\n';
}

describe('export property', () => {
  it('Teams and Genesys Cloud exports of random plans agree with the plan (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 5 }), fc.array(conversion, { maxLength: 2 }), (entries, conversions) => {
        const plan = loadDialPlan(planOf(entries, conversions));
        const teams = exportTeams(plan);
        expect(teams.issues.filter((i) => i.severity === 'error')).toEqual([]);
        const report = verifyTeamsExport(plan, teams, { seed: 3, perRule: 8 });
        expect(report.tried).toBeGreaterThan(5);
        expect(report.disagreements).toEqual([]);
        const genesys = exportGenesys(plan);
        expect(verifyGenesysExport(plan, genesys, { seed: 3, perRule: 8 }).disagreements).toEqual([]);
      }),
      { seed: 20, numRuns: 150 },
    );
  });
});

const TYPES = ['FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE', 'TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST', 'VOIP', 'UAN'];
const conditioned = fc.record({
  start: fc.constantFrom('+44', '+447', '+1', '+49', '+3', '+8'),
  when: fc.record(
    { valid: fc.boolean(), numberType: fc.subarray(TYPES, { minLength: 1, maxLength: 3 }), country: fc.subarray(['GB', 'JE', 'US', 'CA', 'DE', 'FR', 'IT', 'JP', '001'], { minLength: 1, maxLength: 3 }) },
    { requiredKeys: [] },
  ),
  template: fc.constantFrom('default', 'prefix', 'internal'),
});

describe('export property: when: conditions', () => {
  it('Teams and Genesys Cloud exports of random plans with when: conditions agree with the plan (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.array(conditioned, { minLength: 1, maxLength: 3 }), fc.subarray(['uk', 'intl', 'us'], { minLength: 0 }), (entries, conversions) => {
        const lines = ['name: conditions', 'classifications: [A, B, C, { name: I, internal: true }]'];
        if (conversions.length > 0) lines.push('inputConversions:');
        if (conversions.includes('intl')) lines.push('  - { name: intl, match: "00Z", output: "+{3-}" }');
        if (conversions.includes('uk')) lines.push('  - { name: uk, match: "0[1-9]XXXXXXXXX", output: "+44{2-}" }');
        if (conversions.includes('us')) lines.push('  - { name: us, match: "1NXXNXXXXXX", output: "+{1-}" }');
        lines.push('dialPlan:');
        entries.forEach((e, i) => {
          const normalized = e.template === 'prefix' ? ', normalized: "00{2-}"' : e.template === 'internal' ? ', normalized: "/{1-}"' : '';
          lines.push(`  - { name: e${i}, match: "${e.start}Z", when: ${JSON.stringify(e.when)}, classification: ${e.template === 'internal' ? 'I' : i % 2 ? 'A' : 'B'}${normalized} }`);
        });
        lines.push('  - { name: rest, match: "Z", classification: C, normalized: "R{1-}" }');
        const plan = loadDialPlan(lines.join('\n') + '\n');
        const teams = exportTeams(plan);
        expect(teams.issues.filter((i) => i.severity === 'error')).toEqual([]);
        const t = verifyTeamsExport(plan, teams, { seed: 5, perRule: 6 });
        expect(t.tried).toBeGreaterThan(50);
        expect(t.disagreements).toEqual([]);
        const genesys = exportGenesys(plan);
        expect(genesys.issues.filter((i) => i.severity === 'error')).toEqual([]);
        const g = verifyGenesysExport(plan, genesys, { seed: 5, perRule: 6 });
        expect(g.tried).toBeGreaterThan(50);
        expect(g.disagreements).toEqual([]);
      }),
      { seed: 21, numRuns: 30 },
    );
  }, 600_000);
});
