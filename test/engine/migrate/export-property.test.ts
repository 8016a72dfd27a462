// Property: random plans (prefix-rewriting input conversions, entries of digits, wildcards, sets and trailing Z or ?,
// with default, wildcard-style and ordinal templates) export to Teams and Genesys Cloud, and the other system's
// evaluation of the export agrees with the plan on every number drawn from the plan's patterns.
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
