#!/usr/bin/env node
// Measures how well the plans of `dialplan init` agree with libphonenumber-js, country by country: valid numbers of
// every number type drawn from the metadata (seeded), with each country's example number, typed in every form
// (E.164, international, national as formatNational() prints it, bare national digits, with the trunk prefix); a typed
// number agrees when the plan's normalizedText is libphonenumber-js's E.164 for it. The figures in docs/rules.md come
// from this script; test/international/agreement.test.ts checks the same measure (with a smaller sample) in npm test.
//
//   npm run build && node scripts/init-agreement.mjs [--sample 30] [--seed 20261201] [--worst 20] [--area-code N]
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { sample: { type: 'string', default: '30' }, seed: { type: 'string', default: '20261201' }, worst: { type: 'string', default: '20' }, 'area-code': { type: 'string' } },
});
const dist = new URL('../dist/', import.meta.url);
const { loadDialPlan } = await import(new URL('index.js', dist).href);
const { generateStarterPlan, listCountries } = await import(new URL('init.js', dist).href);
const { loadPhoneLibrary } = await import(new URL('international.js', dist).href);
const { sampleNumbers, seededRandom, typedForms } = await import(new URL('metadata-numbers.js', dist).href);

const examples = createRequire(import.meta.url)('libphonenumber-js/examples.mobile.json');
const perType = Number(values.sample);
const started = performance.now();
const rows = [];
for (const country of listCountries()) {
  const plan = loadDialPlan(generateStarterPlan({ country, ...(values['area-code'] !== undefined ? { areaCode: values['area-code'] } : {}) }));
  const random = seededRandom(Number(values.seed));
  const example = loadPhoneLibrary().getExampleNumber(country, examples);
  const numbers = [...(example ? [example.number] : []), ...sampleNumbers(country, perType, random).map((n) => n.e164)];
  const row = { country, tried: 0, agreeing: 0, miss: '' };
  for (const e164 of numbers) {
    for (const f of typedForms(e164, country)) {
      row.tried++;
      const r = plan.query(f.text);
      const got = r.ok ? r.details.normalizedText : `(${r.error.code})`;
      if (got === f.e164) row.agreeing++;
      else if (!row.miss) row.miss = `${f.form} "${f.text}" -> ${got}, libphonenumber-js ${f.e164}`;
    }
  }
  rows.push(row);
}
const pct = (r) => (r.tried === 0 ? 100 : (100 * r.agreeing) / r.tried);
const tried = rows.reduce((s, r) => s + r.tried, 0);
const agreeing = rows.reduce((s, r) => s + r.agreeing, 0);
console.log(`${rows.length} countries, ${perType} numbers per type, seed ${values.seed}${values['area-code'] !== undefined ? `, --area-code ${values['area-code']}` : ''}: ${agreeing} of ${tried} typed numbers agree (${pct({ tried, agreeing }).toFixed(2)} %) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log('');
console.log('| Country | Typed numbers | Agreeing | % | First disagreement |');
console.log('| --- | ---: | ---: | ---: | --- |');
for (const r of [...rows].sort((a, b) => pct(a) - pct(b) || a.country.localeCompare(b.country)).slice(0, Number(values.worst))) {
  console.log(`| ${r.country} | ${r.tried} | ${r.agreeing} | ${pct(r).toFixed(1)} | ${r.miss.replace(/\|/g, '\\|')} |`);
}
