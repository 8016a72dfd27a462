/**
 * The proof of issue 15: a plan from `dialplan init` normalizes what people type in its country as libphonenumber-js
 * does, for every country of the metadata. Valid numbers of every number type are drawn from the metadata (seeded),
 * with each country's example number, and typed in every form (E.164, international, national as formatNational()
 * prints it, bare national digits, and with the trunk prefix); the plan's normalizedText must be libphonenumber-js's
 * E.164 for that typed text: overall at least 99.5 %, every country at least 98 %.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadDialPlan } from '../../../src/index.js';
import type { DialPlan } from '../../../src/engine/plan/plan.js';
import { generateStarterPlan, listCountries } from '../../../src/engine/authoring/init.js';
import { loadPhoneLibrary } from '../../../src/engine/international.js';
import { sampleNumbers, seededRandom, typedForms } from '../../../src/engine/authoring/metadata-numbers.js';

const SEED = 20261201;
const PER_TYPE = 8;

interface Tally {
  country: string;
  tried: number;
  agreeing: number;
  firstMisses: string[];
}

function measure(country: string, plan: DialPlan, random: () => number): Tally {
  const tally: Tally = { country, tried: 0, agreeing: 0, firstMisses: [] };
  const examples = createRequire(import.meta.url)('libphonenumber-js/examples.mobile.json') as Record<string, string>;
  const example = loadPhoneLibrary().getExampleNumber(country, examples);
  const numbers = [...(example ? [example.number] : []), ...sampleNumbers(country, PER_TYPE, random).map((n) => n.e164)];
  for (const e164 of numbers) {
    for (const f of typedForms(e164, country)) {
      tally.tried++;
      const r = plan.query(f.text);
      const got = r.ok ? r.details.normalizedText : `(${r.error.code})`;
      if (got === f.e164) tally.agreeing++;
      else if (tally.firstMisses.length < 3) tally.firstMisses.push(`${f.form} "${f.text}" -> ${got}, libphonenumber-js ${f.e164}`);
    }
  }
  return tally;
}

const pct = (t: { tried: number; agreeing: number }): number => (t.tried === 0 ? 100 : (100 * t.agreeing) / t.tried);

describe('dialplan init agrees with libphonenumber-js', () => {
  it('in every country, on numbers of every type typed in every form (with and without --area-code)', { timeout: 180_000 }, () => {
    const started = performance.now();
    const countries = listCountries();
    expect(countries.length).toBeGreaterThanOrEqual(245);
    const plain: Tally[] = [];
    const local: Tally[] = [];
    for (const country of countries) {
      plain.push(measure(country, loadDialPlan(generateStarterPlan({ country })), seededRandom(SEED)));
      // The same numbers against the plan with an area code: national forms must still win over local dialling.
      local.push(measure(country, loadDialPlan(generateStarterPlan({ country, areaCode: '2' })), seededRandom(SEED)));
    }
    const sum = (ts: Tally[]) => ({ tried: ts.reduce((s, t) => s + t.tried, 0), agreeing: ts.reduce((s, t) => s + t.agreeing, 0) });
    const worst = [...plain].sort((a, b) => pct(a) - pct(b) || a.country.localeCompare(b.country)).slice(0, 10);
    const overall = sum(plain);
    const overallLocal = sum(local);
    console.log(
      [
        `init agreement with libphonenumber-js (seed ${SEED}, ${PER_TYPE} numbers per type, ${((performance.now() - started) / 1000).toFixed(1)} s):`,
        `  overall ${overall.agreeing} of ${overall.tried} = ${pct(overall).toFixed(2)} %; with --area-code 2: ${pct(overallLocal).toFixed(2)} %`,
        '  worst ten countries:',
        ...worst.map((t) => `  ${t.country} ${pct(t).toFixed(1)} % (${t.agreeing}/${t.tried}) ${t.firstMisses.join('; ')}`),
      ].join('\n'),
    );
    expect(overall.tried).toBeGreaterThan(20_000);
    expect(pct(overall)).toBeGreaterThanOrEqual(99.5);
    expect(pct(overallLocal)).toBeGreaterThanOrEqual(99.5);
    expect(plain.filter((t) => pct(t) < 98).map((t) => `${t.country} ${pct(t).toFixed(1)} %: ${t.firstMisses.join('; ')}`)).toEqual([]);
    expect(local.filter((t) => pct(t) < 98).map((t) => `${t.country} ${pct(t).toFixed(1)} %: ${t.firstMisses.join('; ')}`)).toEqual([]);
  });

  it('knows each country’s emergency numbers (the issue’s lists), from the short-number metadata and its sourced supplement', () => {
    const cases: Record<string, string[]> = {
      DE: ['110', '112'],
      FR: ['15', '17', '18', '112', '114', '115', '119'],
      IN: ['100', '101', '102', '108', '112'],
      IT: ['112', '113', '115', '118'],
      ES: ['112', '091', '092', '061', '080'],
      JP: ['110', '118', '119'],
      BR: ['190', '192', '193'],
      AU: ['000', '112'],
      ZA: ['10111', '10177', '112'],
      US: ['911'],
      GB: ['999', '112'],
    };
    for (const [country, numbers] of Object.entries(cases)) {
      const plan = loadDialPlan(generateStarterPlan({ country }));
      for (const n of numbers) expect([country, plan.details(n)]).toMatchObject([country, { normalizedText: n, defaultClassification: 'Emergency' }]);
    }
  });

  it('the issue’s cases: US 201-555-0123, BR (11) 96123-4567, and an extension stays in the display text and edit base', () => {
    const us = loadDialPlan(generateStarterPlan({ country: 'US' }));
    for (const input of ['201-555-0123', '(201) 555-0123', '1 201 555 0123', '2015550123', '+1 201 555 0123']) {
      expect(us.details(input)).toMatchObject({ normalizedText: '+12015550123', displayText: '(Fixed Line) (201) 555-0123' });
    }
    const br = loadDialPlan(generateStarterPlan({ country: 'BR' }));
    expect(br.details('(11) 96123-4567')).toMatchObject({ normalizedText: '+5511961234567', defaultClassification: 'Mobile' });
    const gb = loadDialPlan(generateStarterPlan({ country: 'GB', areaCode: '20' }));
    expect(gb.details('020 7946 0958 ext. 12')).toMatchObject({
      normalizedText: '+442079460958^12',
      displayText: '(Fixed Line) 020 7946 0958^12',
      editBase: '020 7946 0958^12',
      extension: '12',
    });
    expect(gb.details('+1 201 555 0123 x7')).toMatchObject({ displayText: '(International) +1 201 555 0123^7', editBase: '+1 201 555 0123^7' });
  });

  it('google-libphonenumber is a devDependency only: no source file loads it', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as Record<string, Record<string, string> | undefined>;
    expect(pkg['devDependencies']?.['google-libphonenumber']).toBeDefined();
    expect(pkg['dependencies']?.['google-libphonenumber']).toBeUndefined();
    const src = new URL('../../../src/', import.meta.url);
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(20);
    const loaders = files.filter((f) => /(from\s+|require\(|import\()\s*['"]google-libphonenumber/.test(readFileSync(new URL(f, src), 'utf8')));
    expect(loaders).toEqual([]);
  });

  it('the committed emergency data is what scripts/generate-emergency.mjs makes of the installed google-libphonenumber', () => {
    const script = new URL('../../../scripts/generate-emergency.mjs', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
