// Genesys Cloud: number plans of a site (the API's answer) and of several sites import completely and --verify agrees
// 100%; ranges become exact patterns; priorities order the entries; export of the bundled plans agrees 100% (gb and de
// with their when: conditions written as regexes) and a round trip keeps every number's classification and normalized
// text (gb and de: conditions and input conversions read back from the export).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDialPlan, loadDialPlanFile } from '../../../src/index.js';
import { IMPORT_FORMATS, verifyImport } from '../../../src/engine/migrate/formats.js';
import { exportGenesys, genesysReference, rangePatterns, readGenesysNumberPlans, verifyGenesysExport } from '../../../src/engine/migrate/genesys.js';
import { conditionNumbers, createRng, inDomain, mutate, samplePattern } from '../../../src/engine/migrate/verify.js';

const fixture = (name: string): { file: string; text: string } => ({
  file: `test/fixtures/migration/${name}`,
  text: readFileSync(fileURLToPath(new URL(`../../fixtures/migration/${name}`, import.meta.url)), 'utf8'),
});
const genesys = IMPORT_FORMATS['genesys-cloud']!;

describe.each(['genesys-site.json', 'genesys-sites.json'])('%s', (name) => {
  const { file, text } = fixture(name);
  const run = genesys.run(text, file);

  it('converts every number plan', () => {
    expect(run.result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(run.result.yaml.match(/^ {2}# (NOT CONVERTED: )?test\/fixtures\/migration\/genesys-site/gm)?.length).toBe(run.result.plan.entries.length);
  });

  it.each([1, 9, 27])('--verify agrees on 100%% of the numbers (seed %i)', (seed) => {
    const v = verifyImport(run, { seed, perRule: 25 });
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.report.tried).toBeGreaterThan(500);
    expect(v.report.disagreements).toEqual([]);
  });
});

describe('the imported plans', () => {
  it('try the plans by priority, not file order, and classify E.164 numbers by the site’s country', () => {
    const { file, text } = fixture('genesys-sites.json');
    const plan = loadDialPlan(genesys.run(text, file).result.yaml);
    expect(plan.locations).toEqual(['Indianapolis', 'London']);
    // Site DIDs (priority 3) comes after National in the file but before it in priority.
    expect(plan.details('+13175550123', { location: 'Indianapolis' }).defaultClassification).toBe('Site DIDs');
    expect(plan.details('+13175551234', { location: 'Indianapolis' }).defaultClassification).toBe('National');
    expect(plan.details('+442079460958', { location: 'Indianapolis' }).defaultClassification).toBe('International');
    expect(plan.details('+442079460958', { location: 'London' }).defaultClassification).toBe('National');
    expect(plan.details('02079460958', { location: 'London' })).toMatchObject({ normalizedText: '+442079460958', defaultClassification: 'National' });
    expect(plan.details('18005550100', { location: 'Indianapolis' })).toMatchObject({ normalizedText: '+18005550100', defaultClassification: 'Toll Free' });
  });

  it('the API answer without the site’s country reads intra/inter plans for +1, and says so', () => {
    const { file, text } = fixture('genesys-site.json');
    const run = genesys.run(text, file);
    expect(run.result.issues.map((i) => i.severity)).toEqual(['warning', 'warning']);
    expect(run.result.issues[0]?.message).toMatch(/read for \+1/);
    // The default Network plan takes SIP addresses (user@host), no telephone number: reported, kept as a comment.
    expect(run.result.issues[1]?.message).toBe('"Network" matches no number made of 0123456789+; it has no entry');
    expect(run.result.yaml).toMatch(/# NOT CONVERTED: .*"Network": regex/);
  });

  it('reports what it cannot convert, with positions', () => {
    const json = '[\n  { "name": "Odd", "matchType": "regex", "match": "(?<=9)\\\\d{4}", "classification": "X", "priority": 0 },\n  { "name": "Unknown", "matchType": "wildcard", "classification": "Y", "priority": 1 }\n]\n';
    const run = genesys.run(json, 'odd.json');
    expect(run.result.issues.map((i) => `${i.where}: ${i.message}`)).toEqual([
      'odd.json:2:52 ($[0].match, index 0): "Odd" is not converted: a look-behind has no counterpart in patterns (index 0)',
      'odd.json:3:3 ($[1]): "Unknown" is not converted: the match type "wildcard" is not one of digitLength, numberList, e164NumberList, intraCountryCode, interCountryCode, regex',
    ]);
    expect(run.result.yaml).toMatch(/# NOT CONVERTED: .*"Odd"/);
  });
});

describe('intraCountryCode and interCountryCode', () => {
  // Genesys Cloud's number plan documentation: a + number of the site's own (or another) country code "and also has a
  // total number length between 10 and 15 digits".
  const sites = (cc: string): string =>
    JSON.stringify({
      sites: [
        {
          name: 'S',
          countryCallingCode: cc,
          numberPlans: [
            { name: 'National', matchType: 'intraCountryCode', classification: 'National', priority: 0 },
            { name: 'International', matchType: 'interCountryCode', classification: 'International', priority: 1 },
          ],
        },
      ],
    });

  it.each([
    ['1', '+13175551234', 'National'],
    ['1', '+131755512', 'Unclassified'],
    ['1', '+131755512345678', 'National'],
    ['1', '+1317555123456789', 'Unclassified'],
    ['1', '+442079460000', 'International'],
    ['1', '+4420', 'Unclassified'],
    ['1', '+4420794600001234', 'Unclassified'],
    ['44', '+442079460000', 'National'],
    ['44', '+4420794600', 'National'],
    ['44', '+442079460', 'Unclassified'],
    ['44', '+13175551234', 'International'],
    ['44', '+4312345678', 'International'],
  ])('site +%s: %s is %s', (cc, number, classification) => {
    const run = genesys.run(sites(cc), 'cc.json');
    expect(run.result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(loadDialPlan(run.result.yaml).details(number).defaultClassification).toBe(classification);
    expect(run.reference.evaluate({ number }).classification).toBe(classification);
  });

  it('a list of country codes on the plan is reported as not followed, never ignored silently', () => {
    const run = genesys.run('[{"name":"Intl","matchType":"interCountryCode","match":"44,49","classification":"International","priority":0}]', 'list.json');
    expect(run.result.issues.map((i) => `${i.severity} ${i.message}`)).toContain(
      "warning interCountryCode with a list of country codes (match or numbers): the list is not followed; the plan is read for every country but the site's",
    );
  });

  it('--verify agrees for both country codes', () => {
    for (const cc of ['1', '44', '353']) {
      const v = verifyImport(genesys.run(sites(cc), 'cc.json'), { seed: 3, perRule: 40 });
      if (!v.ok) throw new Error(v.problems.join('\n'));
      expect(v.report.disagreements, cc).toEqual([]);
    }
  });
});

describe('number plans whose state is not active (inactive, deleted)', () => {
  // genesys-states.json: an API answer where an inactive plan (priority 1) would take the 4-digit extensions of the
  // active one after it, a deleted plan the first 100 DIDs of the active range after it, and an inactive regex plan
  // numbers with a 9 in front; the last plan has no state (read as active).
  const { file, text } = fixture('genesys-states.json');
  const run = genesys.run(text, file);

  it('are not imported: each is a warning with its position and a # NOT CONVERTED comment where it was', () => {
    expect(run.result.issues.map((i) => `${i.severity} ${i.where}: ${i.message}`)).toEqual([
      `warning ${file}:12:5 ($.entities[1]): "Old extensions" is not imported: its state is "inactive": Genesys Cloud uses active number plans only`,
      `warning ${file}:30:5 ($.entities[3]): "Retired DIDs" is not imported: its state is "deleted": Genesys Cloud uses active number plans only`,
      `warning ${file}:48:5 ($.entities[5]): "Old national" is not imported: its state is "inactive": Genesys Cloud uses active number plans only`,
    ]);
    expect(run.result.yaml).toContain(`  # NOT CONVERTED: ${file}:12:5 ($.entities[1]) "Old extensions": digitLength (priority 1)\n  #   its state is "inactive": Genesys Cloud uses active number plans only\n`);
    expect(run.result.yaml).toMatch(/# NOT CONVERTED: .*"Retired DIDs": e164NumberList \(priority 3\)\n {2}# {3}its state is "deleted"/);
    expect(run.result.yaml).toMatch(/# NOT CONVERTED: .*"Old national": regex/);
    // Their classifications, which nothing gives, are not in the plan; the plans in effect are all there.
    const plan = loadDialPlan(run.result.yaml);
    expect(plan.rules.classifications.map((c) => c.name)).toEqual(['Emergency', 'Extension', 'Site DIDs', 'National', 'Unclassified']);
    expect(plan.rules.dialPlan.map((e) => e.name)).toEqual(['Emergency', 'Extension', 'Site DIDs', 'National', 'National (2)']);
  });

  it('numbers they would take go to the active plans after them, as in Genesys Cloud', () => {
    const plan = loadDialPlan(run.result.yaml);
    const cases: [string, string, string][] = [
      ['5100', 'Extension', '5100'],
      ['51000', 'Unclassified', '51000'],
      ['+13175552550', 'Site DIDs', '+13175552550'],
      ['3175550123', 'National', '+13175550123'],
      ['93175550123', 'Unclassified', '93175550123'],
    ];
    for (const [number, classification, normalized] of cases) {
      expect([number, plan.details(number).defaultClassification, plan.details(number).normalizedText]).toEqual([number, classification, normalized]);
      expect([number, run.reference.evaluate({ number })]).toEqual([number, { classification, normalized }]);
    }
  });

  it.each([1, 9, 27])('--verify agrees on 100%% of the numbers, those drawn from the inactive plans too (seed %i)', (seed) => {
    const v = verifyImport(run, { seed, perRule: 25 });
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.report.tried).toBeGreaterThan(500);
    expect(v.report.disagreements).toEqual([]);
  });

  it('active in any case, or no state at all, is imported; any other state is not', () => {
    const plans = (state: string | undefined) =>
      JSON.stringify([{ name: 'Ext', ...(state !== undefined ? { state } : {}), matchType: 'digitLength', digitLength: { start: 4, end: 4 }, classification: 'Extension', priority: 0 }]);
    for (const state of ['active', 'Active', 'ACTIVE', '', undefined]) {
      const r = genesys.run(plans(state), 's.json');
      expect([state, r.result.issues]).toEqual([state, []]);
      expect(loadDialPlan(r.result.yaml).details('1234').defaultClassification).toBe('Extension');
    }
    for (const state of ['inactive', 'deleted', 'pending']) {
      const r = genesys.run(plans(state), 's.json');
      expect(r.result.issues.map((i) => i.severity)).toEqual(['warning']);
      expect(r.result.issues[0]?.message).toContain(`its state is "${state}"`);
      expect(r.result.yaml).toContain('dialPlan: []');
      expect(loadDialPlan(r.result.yaml).details('1234').defaultClassification).toBe('Unclassified');
      expect(r.reference.evaluate({ number: '1234' }).classification).toBe('Unclassified');
    }
  });

  it('in the { "sites": [...] } form too, site by site', () => {
    const json = JSON.stringify({
      sites: [
        { name: 'A', countryCallingCode: '1', numberPlans: [{ name: 'Ext', state: 'inactive', matchType: 'digitLength', digitLength: { start: 4, end: 4 }, classification: 'Extension', priority: 0 }] },
        { name: 'B', countryCallingCode: '1', numberPlans: [{ name: 'Ext', state: 'active', matchType: 'digitLength', digitLength: { start: 4, end: 4 }, classification: 'Extension', priority: 0 }] },
      ],
    });
    const r = genesys.run(json, 'sites.json');
    const column = json.indexOf('{"name":"Ext","state":"inactive"') + 1;
    expect(r.result.issues.map((i) => `${i.severity} ${i.where}`)).toEqual([`warning sites.json:1:${column} ($.sites[0].numberPlans[0])`]);
    const plan = loadDialPlan(r.result.yaml);
    expect(plan.details('1234', { location: 'A' }).defaultClassification).toBe('Unclassified');
    expect(plan.details('1234', { location: 'B' }).defaultClassification).toBe('Extension');
  });
});

describe('rangePatterns', () => {
  it('writes ranges as few exact patterns', () => {
    expect(rangePatterns('3175550000', '3175559999')).toEqual(['317555XXXX']);
    expect(rangePatterns('5100', '5349')).toEqual(['5[1-2]XX', '53[0-4]X']);
    expect(rangePatterns('0', '9')).toEqual(['X']);
  });

  it('matches exactly the numbers of the range (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.nat(), fc.nat(), fc.array(fc.nat(), { minLength: 20, maxLength: 20 }), (len, a, b, probes) => {
        const max = 10 ** len;
        const [lo, hi] = [a % max, b % max].sort((x, y) => x - y).map((n) => String(n).padStart(len, '0')) as [string, string];
        const plan = loadDialPlan(`name: r\nclassifications: [In]\ndialPlan:\n  - { name: r, match: [${rangePatterns(lo, hi).map((p) => JSON.stringify(p)).join(', ')}], classification: In }\n`);
        for (const p of [lo, hi, ...probes.map((n) => String(n % max).padStart(len, '0'))]) {
          expect(plan.details(p).defaultClassification === 'In', `${p} in ${lo}-${hi}`).toBe(p >= lo && p <= hi);
        }
      }),
      { seed: 4, numRuns: 60 },
    );
  });
});

describe('Genesys Cloud export', () => {
  const plan = loadDialPlanFile(fileURLToPath(new URL('../../../rules/default.yaml', import.meta.url)));
  const exported = exportGenesys(plan);

  it.each([1, 2, 3])('the bundled plan: number plans and plan agree on 100%% of the numbers (seed %i)', (seed) => {
    expect(exported.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const report = verifyGenesysExport(plan, exported, { seed, perRule: 25 });
    expect(report.tried).toBeGreaterThan(1000);
    expect(report.disagreements).toEqual([]);
  });

  it('writes regex plans in priority order, ready for PUT .../numberplans, and the last one gives the unmatched classification', () => {
    const plans = exported.sites[0]?.numberPlans ?? [];
    expect(plans.map((p) => p.priority)).toEqual(plans.map((_, i) => i));
    expect(plans.every((p) => p.matchType === 'regex' && p.state === 'active')).toBe(true);
    expect(plans[plans.length - 1]).toMatchObject({ match: '^(?:(?<x>.*))$', normalizedFormat: '${x}', classification: 'Unknown' });
  });

  it('a round trip (export, then import) keeps every number’s classification and normalized text', () => {
    const back = loadDialPlan(genesys.run(exported.json, 'export.json').result.yaml);
    const rng = createRng(8);
    let tried = 0;
    for (const m of [...plan.rules.inputConversions.flatMap((c) => c.match), ...plan.rules.dialPlan.flatMap((e) => e.match)]) {
      for (let i = 0; i < 15; i++) {
        const x = samplePattern(m, rng, '0123456789+*#', plan.rules.sets);
        if (x === undefined) break;
        for (const n of [x, ...mutate(x, rng, '0123456789+*#')].filter((s) => inDomain(s, '0123456789+*#'))) {
          tried++;
          const [a, b] = [plan.details(n), back.details(n)];
          expect([b.defaultClassification, b.normalizedText], n).toEqual([a.defaultClassification, a.normalizedText]);
        }
      }
    }
    expect(tried).toBeGreaterThan(500);
  });

  it('a site per location', () => {
    const two = loadDialPlan('name: t\nclassifications: [L]\nlocations:\n  a: { ac: "317" }\n  b: { ac: "312" }\ndialPlan:\n  - { name: l, match: "NXXXXXX", classification: L, normalized: "+1{ac}{1-}" }\n');
    const ex = exportGenesys(two);
    expect(ex.sites.map((s) => s.name)).toEqual(['a', 'b']);
    expect(readGenesysNumberPlans(ex.json, 'x.json').sites.map((s) => s.name)).toEqual(['a', 'b']);
    expect(verifyGenesysExport(two, ex, { seed: 1, perRule: 20 }).disagreements).toEqual([]);
  });

});

// gb and de classify UK and German numbers with when: conditions (libphonenumber-js's number types): exported as regexes
// written from the same metadata, the number plans classify every number as the plan does.
describe.each([
  ['gb.yaml', { '07400123456': 'Mobile', '+447400123456': 'Mobile', '79460958': 'Local', '01134960000': 'Long Distance', '09098790000': 'Premium Rate', '03001234567': 'Non-Geographic', '01632960001': 'Invalid', '+4420794609': 'Invalid', '0012125550123': 'International', '+33612345678': 'International', '+9991234': 'Invalid', '08001111': 'Toll Free', '+80042839557': 'International', '2001': 'Intercom' }],
  ['de.yaml', { '2345678': 'Local', '0301234567': 'Local', '0891234567': 'Long Distance', '015112345678': 'Mobile', '080012345678': 'Toll Free', '09001234567': 'Premium Rate', '018012345678': 'Shared Cost', '090012345678': 'Invalid', '+493012': 'Invalid', '00442079460958': 'International', '+12125550123': 'International', '0080042839557': 'International', '009991234': 'Invalid', '201': 'Intercom' }],
] as const)('Genesys Cloud export of rules/%s', (name, expected) => {
  const plan = loadDialPlanFile(fileURLToPath(new URL(`../../../rules/${name}`, import.meta.url)));
  const exported = exportGenesys(plan);

  it('writes every entry, when: conditions as regexes, within the 200 number plans of a site', () => {
    expect(exported.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(exported.sites[0]?.numberPlans.length).toBeLessThanOrEqual(200);
    expect(exported.sites[0]?.numberPlans.some((p) => p.match.includes('(?=(?<dpwhen'))).toBe(true);
  });

  it('the number plans, evaluated as Genesys Cloud does, classify the plan’s own tests as the plan does', () => {
    const reference = genesysReference(readGenesysNumberPlans(exported.json, 'export.json'));
    for (const [n, c] of Object.entries(expected)) {
      expect(plan.details(n).defaultClassification, n).toBe(c);
      expect(reference.evaluate({ number: n }).classification, n).toBe(c);
    }
  }, 60_000);

  it('a round trip (export, then import) keeps every number’s classification and normalized text', () => {
    const run = genesys.run(exported.json, 'export.json');
    expect(run.result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    // The conversions come back from the "then converted number" plans, the conditions from their marked look-aheads.
    expect(run.result.plan.inputConversions?.length).toBeGreaterThan(2);
    expect(run.result.plan.entries.filter((e) => e.when !== undefined).length).toBeGreaterThan(3);
    const back = loadDialPlan(run.result.yaml);
    const rng = createRng(8);
    const domain = '0123456789+*#';
    const numbers: string[] = conditionNumbers(plan, rng, 10, domain);
    for (const m of [...plan.rules.inputConversions.flatMap((c) => c.match), ...plan.rules.dialPlan.flatMap((e) => e.match)]) {
      for (let i = 0; i < 15; i++) {
        const x = samplePattern(m, rng, domain, plan.rules.sets);
        if (x === undefined) break;
        numbers.push(x, ...mutate(x, rng, domain));
      }
    }
    const tried = numbers.filter((n) => inDomain(n, domain));
    expect(tried.length).toBeGreaterThan(2000);
    for (const n of tried) {
      const [a, b] = [plan.details(n), back.details(n)];
      expect([b.defaultClassification, b.normalizedText], n).toEqual([a.defaultClassification, a.normalizedText]);
    }
    const v = verifyImport(run, { seed: 1, perRule: 10 });
    expect(v.ok && v.report.disagreements).toEqual([]);
  }, 120_000);

  it.each([1, 2])('--verify: number plans and plan agree on 100%% of the numbers (seed %i)', (seed) => {
    const report = verifyGenesysExport(plan, exported, { seed, perRule: 10 });
    expect(report.tried).toBeGreaterThan(2000);
    expect(report.disagreements).toEqual([]);
  }, 120_000);
});

describe('outbound routes', () => {
  it('an outbound route given as a number plan is reported as what it is, with its position', () => {
    const text = '{\n  "entities": [\n    { "name": "Default Outbound Route", "state": "active", "classificationTypes": ["National", "International"], "enabled": true, "distribution": "SEQUENTIAL" },\n    { "name": "Ext", "matchType": "digitLength", "digitLength": { "start": "4", "end": "4" }, "classification": "Extension", "priority": 1 }\n  ]\n}\n';
    const r = IMPORT_FORMATS['genesys-cloud']!.run(text, 'routes.json');
    expect(r.result.issues.filter((i) => i.severity === 'error').map((i) => `${i.where}: ${i.message}`)).toEqual([
      `routes.json:3:5 ($.entities[0]): "Default Outbound Route" is an outbound route (classificationTypes), not a number plan: which trunks carry a classification has no dial-plan counterpart; it is not converted (import the site's numberplans)`,
    ]);
    expect(r.result.plan.entries.map((e) => e.classification)).toEqual(['Extension']);
  });

  it("a site's outboundRoutes beside its numberPlans are said not to carry over", () => {
    const text = '{ "sites": [{ "name": "Indy", "numberPlans": [{ "name": "Ext", "matchType": "digitLength", "digitLength": { "start": "4", "end": "4" }, "classification": "Extension", "priority": 1 }], "outboundRoutes": [{ "name": "R", "classificationTypes": ["Extension"] }] }] }';
    const r = IMPORT_FORMATS['genesys-cloud']!.run(text, 'sites.json');
    expect(r.result.issues.map((i) => `${i.where}: ${i.severity} ${i.message}`)).toContain('sites.json:1:204 ($.sites[0].outboundRoutes): note not carried over: outbound routes (which trunks carry each classification; a dial plan has no trunks)');
  });
});
