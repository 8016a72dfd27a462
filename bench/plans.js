/**
 * Generated plans for the scale and hostile benchmarks (and for tests that need a large plan). Every plan is a plain
 * object, as `compileDialPlan` takes it; `yaml`'s `stringify` turns one into a rule file.
 *
 * Three kinds of plan grow to 100 000 entries:
 * - `exchange`: one Local entry per area code and exchange, `+1AAAEEEXXXX`, each with its own templates;
 * - `did`: a DID list, one entry per exact ten-digit number `+1AAAEEELLLL` (numbers the corpus dials, then seeded ones);
 * - `overlap`: entries that overlap through `?` and `Z`: `+1AAA?LLLL` (numbers ending in these digits in that area),
 *   `+1AAAEEE?` and `+1AAAEEEZ`, so that one number matches several entries and the first must win.
 * Each ends with Long distance `+1NXXNXXXXXX`, International `+Z` and a catch-all `Z`, under the default plan's four
 * input conversions.
 *
 * Two hostile plans (`buildHostilePlan`) are mixtures of `?`, `X`, `N` and digits, as a careless or malicious author might
 * write: every entry overlaps every other, so a DFA over them is exponential and a backtracking matcher is too.
 */
import { AREA_CODES, createRandom, generateCorpus } from './corpus.js';

const CLASSIFICATIONS = [{ name: 'Local' }, { name: 'DID' }, { name: 'Long Distance' }, { name: 'International' }, { name: 'Other' }];
const CONVERSIONS = [
  { name: 'Seven-digit local number', match: 'NXXXXXX', output: '+1317NXXXXXX' },
  { name: 'Ten-digit number', match: 'NXXNXXXXXX', output: '+1NXXNXXXXXX' },
  { name: 'One plus ten digits', match: '1NXXNXXXXXX', output: '+1NXXNXXXXXX' },
  { name: 'International access code 011', match: '011Z', output: '+Z' },
];
const TAIL = [
  { name: 'Long distance', match: '+1NXXNXXXXXX', classification: 'Long Distance', display: '({classification}) 1 (NXX) NXX-XXXX' },
  { name: 'International', match: '+Z', classification: 'International', display: '({classification}) +Z' },
  { name: 'Anything else', match: 'Z', classification: 'Other' },
];

const plan = (name, entries) => ({ name, classifications: CLASSIFICATIONS, inputConversions: CONVERSIONS, dialPlan: [...entries, ...TAIL] });

/** `+1AAAEEE` for the i-th area code and exchange pair. */
function areaExchange(i) {
  const areas = [...new Set(AREA_CODES)];
  return { area: areas[i % areas.length], exchange: String(200 + (Math.floor(i / areas.length) % 800)) };
}

/**
 * The `exchange` kind: `entries - 3` Local entries, one per area code and exchange.
 *
 * @param {number} entries - the plan's size
 */
export function buildExchangePlan(entries) {
  const locals = [];
  for (let i = 0; i < entries - 3; i++) {
    const { area, exchange } = areaExchange(i);
    const block = Math.floor(i / (AREA_CODES.length * 800));
    // Past 800 exchanges per area code, entries narrow to a thousands block so that every pattern stays distinct.
    const pattern = block === 0 ? `${exchange}XXXX` : `${exchange}${block % 10}XXX`;
    locals.push({
      name: `Local ${area}-${exchange}${block === 0 ? '' : `-${block % 10}`}`,
      match: `+1${area}${pattern}`,
      classification: 'Local',
      display: `({classification}) (${area}) ${exchange}-${pattern.slice(3)}`,
      dialString: `${area}${pattern}`,
    });
  }
  return plan(`Exchange ${entries}`, locals);
}

/** Ten-digit numbers the corpus dials (as `+1...`), in corpus order without repeats. */
function corpusNumbers() {
  const seen = new Set();
  for (const text of generateCorpus(100_000)) {
    const digits = text.replace(/[^0-9]/g, '');
    const ten = digits.length === 11 && digits[0] === '1' ? digits.slice(1) : digits;
    if (ten.length === 10 && /^[2-9]\d\d[2-9]/.test(ten) && !/x|ext/i.test(text)) seen.add(`+1${ten}`);
  }
  return [...seen];
}

/**
 * The `did` kind: `entries - 3` entries of one exact number each. Half the numbers are numbers the corpus dials, so that
 * queries find them; the rest are seeded numbers in the same area codes.
 *
 * @param {number} entries - the plan's size
 */
export function buildDidPlan(entries) {
  const n = entries - 3;
  const known = corpusNumbers();
  const numbers = new Set(known.slice(0, Math.ceil(n / 2)));
  const rnd = createRandom(7);
  while (numbers.size < n) {
    const area = AREA_CODES[Math.floor(rnd() * AREA_CODES.length)];
    numbers.add(`+1${area}${2 + Math.floor(rnd() * 8)}${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}`);
  }
  const dids = [...numbers].map((number) => ({
    name: `DID ${number}`,
    match: number,
    classification: 'DID',
    display: `(DID) ${number.slice(2, 5)} ${number.slice(5, 8)}-${number.slice(8)}`,
  }));
  return plan(`DID ${entries}`, dids);
}

/**
 * The `overlap` kind: `entries - 3` entries in three shapes that overlap through `?` and `Z`.
 *
 * @param {number} entries - the plan's size
 */
export function buildOverlapPlan(entries) {
  const rnd = createRandom(11);
  const out = [];
  const seen = new Set();
  let i = 0;
  while (out.length < entries - 3) {
    const { area, exchange } = areaExchange(i++);
    const line = String(Math.floor(rnd() * 10_000)).padStart(4, '0');
    const shape = out.length % 3;
    const match = shape === 0 ? `+1${area}?${line}` : shape === 1 ? `+1${area}${exchange}?` : `+1${area}${exchange}Z`;
    if (seen.has(match)) continue;
    seen.add(match);
    out.push({
      name: `Overlap ${out.length}`,
      match,
      classification: shape === 0 ? 'DID' : 'Local',
      display: shape === 2 ? `({classification}) ${area} Z` : `({classification}) ${match.slice(2)}`.replace('?', ' ? '),
    });
  }
  return plan(`Overlap ${entries}`, out.map((e) => (e.display.includes('?') ? { ...e, display: undefined } : e)).map(stripUndefined));
}

const stripUndefined = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** Builders by kind. */
export const PLAN_KINDS = { exchange: buildExchangePlan, did: buildDidPlan, overlap: buildOverlapPlan };

/**
 * A hostile plan: `entries` entries whose patterns are random mixtures of `?`, `X`, `N` and digits (20 to 40 characters),
 * so that every entry overlaps every other.
 *
 * @param {number} entries - the plan's size
 * @param {number} [seed] - the PRNG seed
 */
export function buildHostilePlan(entries, seed = 500) {
  const rnd = createRandom(seed);
  const atoms = ['?', '?', 'X', 'N', '1', '2', '3', '5', '7', '9', '0'];
  const dialPlan = [];
  const seen = new Set();
  while (dialPlan.length < entries) {
    let match = '';
    const len = 20 + Math.floor(rnd() * 21);
    while (match.length < len) match += atoms[Math.floor(rnd() * atoms.length)];
    if (seen.has(match)) continue;
    seen.add(match);
    dialPlan.push({ name: `Hostile ${dialPlan.length}`, match, classification: 'Other' });
  }
  return { name: `Hostile ${entries}`, classifications: [{ name: 'Other' }], dialPlan };
}

/**
 * Inputs for the hostile plans: 49-character strings of digits (and some `*#,`), varied, seeded.
 *
 * @param {number} count - how many
 * @param {number} [seed] - the PRNG seed
 */
export function hostileInputs(count, seed = 49) {
  const rnd = createRandom(seed);
  const chars = '0123456789012345678901234567890123456789*#,';
  const out = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    const len = 10 + Math.floor(rnd() * 40);
    for (let j = 0; j < len; j++) s += chars[Math.floor(rnd() * chars.length)];
    out.push(s);
  }
  return out;
}
