// Teams export: the bundled plans become Teams dial plans within the 50-rule limit whose rules, evaluated as Teams
// evaluates them, normalize every generated number as the plan does; a round trip through import keeps every number's
// normalized text; a plan that needs more rules is a clear error.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDialPlan, loadDialPlanFile } from '../../../src/index.js';
import { EXPORT_FORMATS } from '../../../src/engine/migrate/export-formats.js';
import { IMPORT_FORMATS, verifyImport } from '../../../src/engine/migrate/formats.js';
import { exportTeams, verifyTeamsExport } from '../../../src/engine/migrate/teams-export.js';
import { readTeamsDialPlans, teamsReference, TEAMS_MAX_RULES } from '../../../src/engine/migrate/teams.js';
import { compareOutcomes, createRng, inDomain, mutate, samplePattern } from '../../../src/engine/migrate/verify.js';

const rule = (f: string): string => fileURLToPath(new URL(`../../../rules/${f}`, import.meta.url));
const PLANS = ['default.yaml', 'gb.yaml', 'de.yaml'];

describe.each(PLANS)('rules/%s', (name) => {
  const plan = loadDialPlanFile(rule(name));
  const exported = exportTeams(plan);

  it('exports every entry, within the Teams limit', () => {
    expect(exported.issues.filter((i) => i.severity === 'error')).toEqual([]);
    for (const p of exported.plans) {
      expect(p.NormalizationRules.length).toBeGreaterThan(3);
      expect(p.NormalizationRules.length).toBeLessThanOrEqual(TEAMS_MAX_RULES);
      expect(new Set(p.NormalizationRules.map((r) => r.Name)).size).toBe(p.NormalizationRules.length);
    }
  });

  it.each([1, 2, 3])('--verify: Teams and the plan agree on 100%% of the numbers (seed %i)', (seed) => {
    const report = verifyTeamsExport(plan, exported, { seed, perRule: 25 });
    expect(report.tried).toBeGreaterThan(1000);
    expect(report.disagreements).toEqual([]);
  });

  it('a round trip (export, then import) keeps every number’s normalized text', () => {
    const run = IMPORT_FORMATS['teams']!.run(exported.json, 'export.json');
    expect(run.result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const back = loadDialPlan(run.result.yaml);
    const v = verifyImport(run, { seed: 1, perRule: 10 });
    expect(v.ok && v.report.disagreements).toEqual([]);
    // Numbers drawn from the original plan's patterns: the same normalized text before and after.
    const rng = createRng(5);
    const numbers: string[] = [];
    const domain = '0123456789+*#';
    for (const m of [...plan.rules.inputConversions.flatMap((c) => c.match), ...plan.rules.dialPlan.flatMap((e) => e.match)]) {
      for (let i = 0; i < 20; i++) {
        const x = samplePattern(m, rng, domain, plan.rules.sets);
        if (x === undefined) break;
        numbers.push(...[x, ...mutate(x, rng, domain)].filter((n) => inDomain(n, domain)));
      }
    }
    expect(numbers.length).toBeGreaterThan(500);
    for (const n of numbers) expect(back.details(n).normalizedText, n).toBe(plan.details(n).normalizedText);
  });

  it('the PowerShell script has one New-CsVoiceNormalizationRule line per rule', () => {
    const lines = exported.powershell.split('\n').filter((l) => l.includes('New-CsVoiceNormalizationRule'));
    expect(lines.length).toBe(exported.plans.reduce((n, p) => n + p.NormalizationRules.length, 0));
    expect(exported.powershell).toMatch(/New-CsTenantDialPlan -Identity '[^']+' -Description '[^']*' -NormalizationRules @\{Add=\$rules\}/);
  });
});

describe('Teams export', () => {
  it('composes input conversions into the rules (the default plan’s seven-digit dialing)', () => {
    const exported = exportTeams(loadDialPlanFile(rule('default.yaml')));
    const ref = teamsReference(readTeamsDialPlans(exported.json, 'x.json'));
    expect(ref.evaluate({ number: '5551234' }).normalized).toBe('+13175551234');
    expect(ref.evaluate({ number: '01144207946095' }).normalized).toBe('+44207946095');
    expect(ref.evaluate({ number: '6929' }).normalized).toBe('/6929');
    expect(ref.evaluate({ number: '0111911' }).normalized).toBe('911');
  });

  it('exports one dial plan per location, each with its own variables', () => {
    const plan = loadDialPlan(`name: two sites
classifications: [Local, { name: Ext, internal: true }]
locations:
  indy: { areaCode: "317" }
  chicago: { areaCode: "312" }
inputConversions:
  - { name: seven digits, match: NXXXXXX, output: "+1{areaCode}NXXXXXX" }
dialPlan:
  - { name: local, match: "+1{areaCode}NXXXXXX", classification: Local }
  - { name: ext, match: XXXX, classification: Ext, normalized: "+1{areaCode}555{1-}" }
`);
    const exported = exportTeams(plan);
    expect(exported.plans.map((p) => p.SimpleName)).toEqual(['indy', 'chicago']);
    const report = verifyTeamsExport(plan, exported, { seed: 1, perRule: 30 });
    expect(report.disagreements).toEqual([]);
    const ref = teamsReference(readTeamsDialPlans(exported.json, 'x.json'));
    expect(ref.evaluate({ number: '1234', location: 'chicago' }).normalized).toBe('+13125551234');
    expect(exportTeams(plan, { location: 'indy' }).plans.length).toBe(1);
  });

  it('a plan that needs more than 50 rules is a clear error', () => {
    const entries = Array.from({ length: 60 }, (_, i) => `  - { name: n${i}, match: "${1000 + i}", classification: A, normalized: "+1317555${1000 + i}" }`).join('\n');
    const plan = loadDialPlan(`name: big\nclassifications: [A]\ndialPlan:\n${entries}\n`);
    const run = EXPORT_FORMATS['teams']!.run(plan, {});
    expect(run.tooLarge).toBe(true);
    expect(run.issues.find((i) => i.severity === 'error')?.message).toBe('needs 60 normalization rules; Teams accepts at most 50 in one dial plan (split the plan into locations, or merge entries)');
  });

  it('reports what does not carry over, and a template field Teams cannot compute', () => {
    const plan = loadDialPlan(`name: x
classifications: [A]
dialPlan:
  - { name: e164, match: "+Z", classification: A, normalized: "{e164}", display: "({classification})" }
  - { name: rest, match: "XXXX", classification: A }
`);
    const exported = exportTeams(plan);
    expect(exported.issues.filter((i) => i.severity === 'error').map((i) => i.message)).toEqual(['Entry "e164" (+Z) is not exported: {e164} (a libphonenumber-js field) has no counterpart in a Teams translation']);
    expect(exported.issues.some((i) => i.message === 'not carried over: display texts')).toBe(true);
    // The proof sees the difference.
    expect(verifyTeamsExport(plan, exported, { seed: 1, perRule: 25 }).agreement).toBeLessThan(100);
  });

  it('the exported rules differ from the plan when the plan changes (the proof can fail)', () => {
    const plan = loadDialPlanFile(rule('default.yaml'));
    const exported = exportTeams(plan);
    const changed = { ...exported, json: exported.json.replace('+1317${x}', '+1318${x}') };
    const report = verifyTeamsExport(plan, changed, { seed: 1, perRule: 25 });
    expect(report.agreement).toBeLessThan(100);
    expect(compareOutcomes([], () => ({ classification: '', normalized: '' }), () => ({ classification: '', normalized: '' })).agreement).toBe(100);
  });
});
