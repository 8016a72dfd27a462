/**
 * What the libphonenumber-js fields and `when:` cost per query: rules/gb.yaml (every UK or foreign number goes through
 * one libphonenumber-js parse, shared by its `when:` conditions and templates) against the default plan (which never
 * loads the library), on numbers made distinct so that the one-entry parse memo does not hide the cost.
 *
 * Run: `npm run build && node bench/international.mjs`
 */
import { readFileSync } from 'node:fs';
import { loadDialPlan } from '../dist/index.js';

const N = Number(process.env.BENCH_QUERIES ?? 200_000);
const samples = {
  'default.yaml': ['5551234', '1-800-456-2354', '011442079460958', '6929', '+13175551234'],
  'gb.yaml': ['7946 0958', '0113 496 0000', '07400 123456', '001 212 555 0123', '2001'],
};
for (const [file, numbers] of Object.entries(samples)) {
  const plan = loadDialPlan(readFileSync(new URL(`../rules/${file}`, import.meta.url), 'utf8'));
  const inputs = Array.from({ length: N }, (_, i) => {
    const n = numbers[i % numbers.length];
    return n.slice(0, -2) + String(i % 100).padStart(2, '0');
  });
  for (let i = 0; i < Math.min(N, 20_000); i++) plan.query(inputs[i]);
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t = process.hrtime.bigint();
    for (const n of inputs) plan.query(n);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  console.log(`${file.padEnd(13)} ${Math.round(N / best).toLocaleString('en-US').padStart(10)} queries/s (best of 3 rounds of ${N})`);
}
