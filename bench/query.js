/**
 * Benchmark 1: `query` with the bundled default plan (compiled automaton) against libphonenumber-js's full path with
 * "max" metadata and against the same plan run by the naive ordered-regex matcher, over one seeded corpus.
 *
 * Run: `npm run build && node bench/query.js` (or `npm run bench` for every benchmark).
 */
import { readFileSync } from 'node:fs';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DEFAULT_RULES_PATH, loadDefaultDialPlan, loadDialPlan } from '../dist/index.js';
import { referenceMatcher } from '../dist/engine/match/match.js';
import { generateCorpus } from './corpus.js';
import { fmt, measure, printTable } from './harness.js';

const SIZE = Number(process.env.BENCH_CORPUS ?? 100_000);
const corpus = generateCorpus(SIZE);

const compiled = loadDefaultDialPlan();
const naive = loadDialPlan(readFileSync(DEFAULT_RULES_PATH, 'utf8'), { matcher: referenceMatcher });

// A benchmark of two matchers that answer differently would compare nothing: check every answer first.
for (const text of corpus) {
  const a = JSON.stringify(compiled.query(text));
  const b = JSON.stringify(naive.query(text));
  if (a !== b) throw new Error(`The compiled and naive plans disagree on ${JSON.stringify(text)}:\n${a}\n${b}`);
}

/** libphonenumber-js's full path, as the issue defines it: parse (region US), isValid, getType, E.164 and national. */
function libphonenumber(text) {
  const p = parsePhoneNumberFromString(text, 'US');
  if (p === undefined) return false;
  return p.isValid() && p.getType() !== 'X' && p.format('E.164').length + p.formatNational().length > 0;
}

const rows = [
  ['dialplan default plan (compiled automaton)', measure((t) => compiled.query(t).ok, corpus)],
  ['dialplan default plan (naive ordered regexes)', measure((t) => naive.query(t).ok, corpus)],
  ['libphonenumber-js/max full path', measure(libphonenumber, corpus, { rounds: 3 })],
];
const base = rows[2][1].perSecond;
console.log(`\n## 1. query: default plan vs libphonenumber-js (corpus ${fmt(SIZE)} inputs, median of the timed rounds)\n`);
printTable(
  ['implementation', 'queries/s', 'ns/query', '× libphonenumber-js'],
  rows.map(([name, r]) => [name, fmt(r.perSecond), r.nsPerQuery.toFixed(0), (r.perSecond / base).toFixed(1)]),
);
console.log(`\ncompiled automaton vs naive ordered regexes: ${(rows[0][1].perSecond / rows[1][1].perSecond).toFixed(2)}×`);
console.log(`target: compiled ≥ 15× libphonenumber-js → ${rows[0][1].perSecond / base >= 15 ? 'met' : 'NOT met'} (${(rows[0][1].perSecond / base).toFixed(1)}×)`);
