#!/usr/bin/env node
// Regenerates src/engine/data/emergency.ts, the emergency numbers of every region, from the short-number metadata of
// google-libphonenumber (a devDependency: libphonenumber-js, the runtime dependency, leaves that metadata out).
//
//   node scripts/generate-emergency.mjs            # writes src/engine/data/emergency.ts
//   node scripts/generate-emergency.mjs --check    # exit 1 when the committed file differs from what it would write
//
// The metadata gives each region's emergency numbers as a regular expression (FR: `1(?:12|[578])`). The script expands
// it into the concrete numbers (112, 15, 17, 18): the patterns use only digits, \d, [...] classes, (?:...) groups,
// alternation, ? and {n}/{n,m}, which expand to a finite set. Each expanded number is then confirmed with
// ShortNumberInfo.isEmergencyNumber, so a mistake of the expander cannot add a number the library would not accept.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const g = require('google-libphonenumber');
const version = require('google-libphonenumber/package.json').version;
const OUT = new URL('../src/engine/data/emergency.ts', import.meta.url);
const MAX_LENGTH = 8;

/** Expands a regular expression of the subset above into every string it matches (throws on anything else). */
function expand(pattern) {
  let i = 0;
  const peek = () => pattern[i];
  // alternation := sequence ('|' sequence)*
  function alternation() {
    let out = sequence();
    while (peek() === '|') {
      i++;
      out = [...out, ...sequence()];
    }
    return out;
  }
  function sequence() {
    let out = [''];
    while (i < pattern.length && peek() !== '|' && peek() !== ')') {
      const atom = quantified();
      const next = [];
      for (const a of out) for (const b of atom) if (a.length + b.length <= MAX_LENGTH) next.push(a + b);
      out = next;
    }
    return out;
  }
  function quantified() {
    const a = atom();
    let min = 1;
    let max = 1;
    if (peek() === '?') {
      i++;
      min = 0;
    } else if (peek() === '{') {
      const m = /^\{(\d+)(?:,(\d+))?\}/.exec(pattern.slice(i));
      if (!m) throw new Error(`unsupported quantifier at ${i} in ${pattern}`);
      i += m[0].length;
      min = Number(m[1]);
      max = m[2] !== undefined ? Number(m[2]) : min;
    }
    let out = [];
    for (let n = min; n <= max; n++) {
      let rep = [''];
      for (let k = 0; k < n; k++) rep = rep.flatMap((r) => a.map((x) => r + x)).filter((s) => s.length <= MAX_LENGTH);
      out = [...out, ...rep];
    }
    return out;
  }
  function atom() {
    const c = pattern[i++];
    if (/\d/.test(c)) return [c];
    if (c === '\\' && pattern[i] === 'd') {
      i++;
      return [...'0123456789'];
    }
    if (c === '[') {
      const end = pattern.indexOf(']', i);
      const body = pattern.slice(i, end);
      i = end + 1;
      const chars = [];
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === '-') {
          for (let d = Number(body[k]); d <= Number(body[k + 2]); d++) chars.push(String(d));
          k += 2;
        } else chars.push(body[k]);
      }
      if (!chars.every((d) => /^\d$/.test(d))) throw new Error(`unsupported class [${body}] in ${pattern}`);
      return chars;
    }
    if (c === '(') {
      if (pattern.slice(i, i + 2) === '?:') i += 2;
      const inner = alternation();
      if (pattern[i++] !== ')') throw new Error(`unbalanced group in ${pattern}`);
      return inner;
    }
    throw new Error(`unsupported character "${c}" at ${i - 1} in ${pattern}`);
  }
  const out = alternation();
  if (i !== pattern.length) throw new Error(`unparsed rest "${pattern.slice(i)}" of ${pattern}`);
  return out;
}

const info = g.ShortNumberInfo.getInstance();
const table = {};
for (const region of [...info.getSupportedRegions()].sort()) {
  const desc = info.getMetadataForRegion_(region)?.getEmergency();
  const pattern = desc?.getNationalNumberPattern() ?? '';
  if (pattern === '') continue;
  const re = new RegExp(`^(?:${pattern})$`);
  const numbers = [...new Set(expand(pattern))].filter((n) => {
    if (!re.test(n)) throw new Error(`${region}: expanded ${n} does not match ${pattern}`);
    return info.isEmergencyNumber(n, region);
  });
  numbers.sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  if (numbers.length > 0) table[region] = numbers;
}
// Numbers that national authorities list among their emergency services but that libphonenumber's short-number metadata
// files under other short codes (its <emergency> pattern is narrower): added so that a starter plan calls them Emergency.
// Each is named with its service; sources are the national lists (ARCEP for France, the Spanish emergency-services
// numbering, the Japan Coast Guard). Keep this list short and sourced: anything the metadata covers belongs there.
const SUPPLEMENT = {
  FR: { '114': 'emergency for the deaf and hard of hearing', '115': 'SAMU social', '119': 'child protection' },
  ES: { '061': 'medical emergencies', '080': 'fire brigade', '091': 'Policía Nacional', '092': 'Policía Local' },
  JP: { '118': 'Japan Coast Guard' },
};
for (const [region, extra] of Object.entries(SUPPLEMENT)) {
  const numbers = new Set([...(table[region] ?? []), ...Object.keys(extra)]);
  table[region] = [...numbers].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
}
const supplementNote = Object.entries(SUPPLEMENT)
  .map(([region, extra]) => `// ${region}: ${Object.entries(extra).map(([n, what]) => `${n} (${what})`).join(', ')}`)
  .join('\n');

// Sanity checks against numbers everyone knows, so a broken metadata read cannot go unnoticed.
for (const [region, n] of [['US', '911'], ['GB', '999'], ['DE', '110'], ['AU', '000'], ['JP', '119']]) {
  if (!table[region]?.includes(n)) throw new Error(`${region} lacks ${n}: the metadata was not read right`);
}

const lines = Object.entries(table).map(([r, ns]) => `  ${r}: [${ns.map((n) => `'${n}'`).join(', ')}],`);
const text = `// GENERATED by scripts/generate-emergency.mjs from the short-number metadata of google-libphonenumber ${version}
// (ShortNumberInfo, PhoneNumberMetadata's <emergency> patterns expanded to the numbers they match). Do not edit by hand:
// run \`node scripts/generate-emergency.mjs\` after updating the google-libphonenumber devDependency.
//
// The data comes from Google's libphonenumber (https://github.com/google/libphonenumber), Copyright (C) 2009 The
// Libphonenumber Authors, licensed under the Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0).
//
// Added to the metadata's lists (national emergency services it files under other short codes; see SUPPLEMENT in the
// script):
${supplementNote}

/**
 * The emergency numbers of each region (ISO 3166 code) that libphonenumber's short-number metadata knows, shortest first.
 *
 * @example
 * \`\`\`ts
 * EMERGENCY_NUMBERS['DE']; // ['110', '112']
 * \`\`\`
 */
export const EMERGENCY_NUMBERS: Readonly<Record<string, readonly string[]>> = {
${lines.join('\n')}
};
`;
if (process.argv.includes('--check')) {
  let old = '';
  try {
    old = readFileSync(OUT, 'utf8');
  } catch {}
  if (old !== text) {
    console.error('src/engine/data/emergency.ts is out of date: run node scripts/generate-emergency.mjs');
    process.exit(1);
  }
  console.log(`src/engine/data/emergency.ts is up to date (${Object.keys(table).length} regions).`);
} else {
  writeFileSync(OUT, text);
  console.log(`Wrote src/engine/data/emergency.ts: ${Object.keys(table).length} regions, ${Object.values(table).flat().length} numbers.`);
}
