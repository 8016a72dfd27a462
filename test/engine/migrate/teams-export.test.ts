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

  it('the PowerShell script quotes typographic apostrophes too, and starts with a byte order mark when it holds non-ASCII', () => {
    const plan = loadDialPlan('name: Zürich\nclassifications: [{ name: A, internal: true }]\ndialPlan:\n  - { name: "Bob’s line", match: "XXXX", classification: A, normalized: "+4144{1-}" }\n');
    const { powershell } = exportTeams(plan);
    expect(powershell.startsWith('\uFEFF# Teams tenant dial plans')).toBe(true);
    // PowerShell ends a single-quoted string at ' or at any of U+2018 to U+201B unless it is doubled.
    const rule = powershell.split('\n').find((l) => l.includes('New-CsVoiceNormalizationRule')) as string;
    expect(rule).toContain("-Description 'dialplan: Bob’’s line (XXXX)'");
    const quoted = [...rule.matchAll(/ -\w+ '((?:[^'\u2018-\u201b]|['\u2018-\u201b]{2})*)'/g)].map((m) => m[1]);
    expect(quoted).toHaveLength(4); // Name, Description, Pattern, Translation: each one string, none cut short
    const ascii = exportTeams(loadDialPlan('name: Redmond\nclassifications: [A]\ndialPlan:\n  - { name: e, match: "XXXX", classification: A, normalized: "+1425555{1-}" }\n')).powershell;
    expect(ascii.startsWith('# Teams tenant dial plans')).toBe(true);
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

  it('an entry or input conversion that cannot be exported is reported at its line in the rule file (Teams and Genesys Cloud)', () => {
    const plan = loadDialPlan(
      `name: x
classifications: [A]
inputConversions:
  - { name: odd, match: "9XXXX", output: "{2-3}" }
dialPlan:
  - { name: rest, match: "XXXX", classification: A }
  - { name: e164, match: "+Z", classification: A, normalized: "{e164}" }
`,
      { file: 'site.yaml' },
    );
    for (const format of ['teams', 'genesys-cloud']) {
      const errors = EXPORT_FORMATS[format]!.run(plan, {}).issues.filter((i) => i.severity === 'error');
      expect(errors.map((i) => i.where)).toEqual(['site.yaml:4:42 (inputConversions[0].output)', 'site.yaml:7:63 (dialPlan[1].normalized)']);
    }
  });

  it('writes when: conditions as .NET regexes where they change what Teams does (a condition before other rules)', () => {
    const TEXT = `name: uk mobiles
classifications: [Mobile, { name: Ext, internal: true }, Other]
inputConversions:
  - { name: national, match: "0[1-9]XXXXXXXXX", output: "+44{2-}" }
dialPlan:
  - { name: mobile, match: "+447Z", when: { valid: true, numberType: [MOBILE] }, classification: Mobile, normalized: "M{1-}" }
  - { name: uk, match: "+44Z", when: { valid: true }, classification: Other, normalized: "U{1-}" }
  - { name: ext, match: "XXXX", classification: Ext, normalized: "/{1-}" }
`;
    const plan = loadDialPlan(TEXT);
    const exported = exportTeams(plan);
    expect(exported.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(exported.plans[0]?.NormalizationRules.some((r) => r.Pattern.includes('(?=(?:') && r.Pattern.includes('[0-9]'))).toBe(true);
    const ref = teamsReference(readTeamsDialPlans(exported.json, 'x.json'));
    expect(ref.evaluate({ number: '07400123456' }).normalized).toBe('M+447400123456');
    expect(ref.evaluate({ number: '02079460958' }).normalized).toBe('U+442079460958');
    expect(ref.evaluate({ number: '01632960001' }).normalized).toBe('+441632960001'); // invalid: the converted number
    for (const seed of [1, 2]) expect(verifyTeamsExport(plan, exported, { seed, perRule: 25 }).disagreements).toEqual([]);
    // Without its condition the first rule would take every +447 number: the proof sees it.
    const unconditioned = exportTeams(loadDialPlan(TEXT.replace('when: { valid: true, numberType: [MOBILE] }, ', '')));
    expect(verifyTeamsExport(plan, unconditioned, { seed: 1, perRule: 25 }).agreement).toBeLessThan(100);
  }, 60_000);

  it('a round trip reads a when: condition back from its marked look-ahead', () => {
    const plan = loadDialPlan(`name: uk
classifications: [Mobile, Other]
dialPlan:
  - { name: mobile, match: "+447Z", when: { valid: true, numberType: [MOBILE] }, classification: Mobile, normalized: "M{1-}" }
  - { name: rest, match: "+Z", classification: Other, normalized: "R{1-}" }
`);
    const run = IMPORT_FORMATS['teams']!.run(exportTeams(plan).json, 'x.json');
    expect(run.result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(run.result.plan.entries[0]?.when).toEqual({ valid: true, numberType: ['MOBILE'] });
    const back = loadDialPlan(run.result.yaml);
    for (const n of ['+447400123456', '+447000000000', '+4420', '+33612345678']) expect(back.details(n).normalizedText, n).toBe(plan.details(n).normalizedText);
    expect(back.details('+447400123456').normalizedText).toBe('M+447400123456');
  });

  it('a when: condition that a regex cannot decide is reported with its position, and the entry is not exported', () => {
    const plan = loadDialPlan(`name: x
classifications: [A, B]
inputConversions:
  - { name: odd, match: "9XXXXXXXXXX", output: "+440{2-}" }
dialPlan:
  - { name: valid, match: "+44Z", when: { valid: true }, classification: A, normalized: "V{1-}" }
  - { name: rest, match: "XXXX", classification: B, normalized: "R{1-}" }
`);
    const run = EXPORT_FORMATS['teams']!.run(plan, {});
    const error = run.issues.find((i) => i.severity === 'error');
    expect(error?.message).toMatch(/^Entry "valid" \(\+44Z\) after odd \(9XXXXXXXXXX\) is not exported: the national prefix may start inside the fixed part of the number$/);
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
