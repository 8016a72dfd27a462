import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lintDialPlan } from '../../../src/engine/authoring/lint/lint.js';
import { loadDialPlan, safeLoadDialPlan } from '../../../src/index.js';
import { runInlineTests } from '../../../src/engine/authoring/inline-tests.js';
import { buildStarterRules, describeDialling, generateStarterPlan, listCountries } from '../../../src/engine/authoring/init.js';

describe('dialplan init: starter plans from the metadata', () => {
  it('for EVERY country of the metadata, the plan loads and its inline tests pass', { timeout: 180_000 }, () => {
    const countries = listCountries();
    expect(countries.length).toBeGreaterThan(200);
    const failed: string[] = [];
    for (const country of countries) {
      const text = generateStarterPlan({ country });
      let plan;
      try {
        plan = loadDialPlan(text, { file: `${country}.yaml` });
      } catch (e) {
        failed.push(String(e).slice(0, 300));
        continue;
      }
      const report = runInlineTests(plan);
      for (const p of lintDialPlan(plan)) if (p.severity === 'error') failed.push(`${country}: lint ${p.code} ${p.message}`);
      // Every plan has at least the example number in three forms, a foreign number, an invalid one and an extension.
      if (report.total < 4) failed.push(`${country}: only ${report.total} tests`);
      for (const f of report.failures) failed.push(`${country}: ${JSON.stringify(f).slice(0, 300)}`);
    }
    expect(failed).toEqual([]);
  });

  it('with an area code, for every country with a national prefix, the plan loads, passes its tests and lints clean', { timeout: 180_000 }, () => {
    const failed: string[] = [];
    for (const country of listCountries().filter((c) => describeDialling(c).nationalPrefix !== undefined)) {
      const r = safeLoadDialPlan(generateStarterPlan({ country, areaCode: '2' }), { file: `${country}.yaml` });
      if (!r.ok) {
        failed.push(`${country}: ${r.problems.map((p) => p.message).join('; ')}`);
        continue;
      }
      for (const f of runInlineTests(r.plan).failures) failed.push(`${country}: ${JSON.stringify(f).slice(0, 300)}`);
      for (const p of lintDialPlan(r.plan)) if (p.severity === 'error') failed.push(`${country}: lint ${p.code} ${p.message}`);
    }
    expect(failed).toEqual([]);
  });

  it('reads the dialling facts of the metadata', () => {
    expect(describeDialling('gb')).toEqual({ country: 'GB', callingCode: '44', internationalPrefix: '00', nationalPrefix: '0', nationalLengths: [7, 9, 10] });
    expect(describeDialling('US')).toMatchObject({ callingCode: '1', internationalPrefix: '011', nationalPrefix: '1', nationalLengths: [10] });
    // Italy has no national prefix: national numbers are dialled as they are.
    expect(describeDialling('IT').nationalPrefix).toBeUndefined();
    expect(() => describeDialling('XX')).toThrow(expect.objectContaining({ code: 'UNKNOWN_COUNTRY' }));
    expect(() => buildStarterRules({ country: 'GB', areaCode: '2O' })).toThrow(expect.objectContaining({ code: 'WRONG_TYPE' }));
  });

  it('a London starter plan dials locally, nationally and abroad', () => {
    const text = generateStarterPlan({ country: 'GB', areaCode: '20' });
    // The schema resolves for a plan saved in the user's own folder, next to node_modules.
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/dialplan/rules/dialplan.schema.json');
    const doc = parse(text) as { inputConversions: { match: string[]; output: string }[] };
    const outputs = doc.inputConversions.map((c) => c.output);
    // Emergency numbers first, then international dialling, national dialling (with and without the 0), local last.
    expect(outputs.slice(0, 2)).toEqual(['{1-}', '+YZ']);
    expect(outputs).toContain('+44{1-}');
    expect(outputs).toContain('+44{2-}');
    expect(outputs.at(-1)).toBe('+4420{1-}');
    const plan = loadDialPlan(text);
    expect(plan.details('79460958')).toMatchObject({ normalizedText: '+442079460958', displayText: '(Fixed Line) 020 7946 0958' });
    expect(plan.details('07400 123456')).toMatchObject({ normalizedText: '+447400123456', defaultClassification: 'Mobile' });
    expect(plan.details('0800 123 4567')).toMatchObject({ defaultClassification: 'Toll Free' });
    expect(plan.query('0012125550123')).toMatchObject({ dialString: '0012125550123', details: { displayText: '(International) +1 212 555 0123' } });
    expect(plan.details('999')).toMatchObject({ defaultClassification: 'Emergency' });
    expect(plan.details('+4420123')).toMatchObject({ defaultClassification: 'Invalid', dialCapable: false });
  });

  it('Italy: no national prefix, numbers of varying length dialled as they are', () => {
    const plan = loadDialPlan(generateStarterPlan({ country: 'IT' }));
    expect(plan.details('06 6982 1234')).toMatchObject({ normalizedText: '+390669821234', defaultClassification: 'Fixed Line' });
  });
});
