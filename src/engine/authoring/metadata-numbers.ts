/**
 * Numbers made from libphonenumber-js's "max" metadata, for `dialplan init` (which learns from them how a country's
 * numbers are typed) and `dialplan lint --cross-check` (which tries a plan on them): valid numbers of every number type
 * the metadata describes, drawn at random (with a seeded generator, so a run can be repeated) from the type's pattern, and
 * the forms people type them in.
 *
 * The metadata's patterns use a small subset of regular expressions (digits, `\d`, `[...]`, `(?:...)`, `|`, `?`,
 * `{n}`, `{n,m}`), which is parsed here into a tree that can be walked at random.
 */
import { loadPhoneLibrary } from '../international.js';
import { phoneMetadata } from '../providers.js';
import { NUMBER_TYPES as WHEN_NUMBER_TYPES } from '../plan/validate.js';

type WhenNumberType = (typeof WHEN_NUMBER_TYPES)[number];

/**
 * The number types of the "max" metadata, in the order the cross-check reports them: those `when: { numberType }` may
 * name (one list, in the validator), less `FIXED_LINE_OR_MOBILE`, which libphonenumber-js answers for a number that
 * fits both patterns but which no pattern of the metadata describes on its own.
 */
export const NUMBER_TYPES = WHEN_NUMBER_TYPES.filter((t): t is Exclude<WhenNumberType, 'FIXED_LINE_OR_MOBILE'> => t !== 'FIXED_LINE_OR_MOBILE');

/** One of {@link NUMBER_TYPES}. */
export type NumberType = (typeof NUMBER_TYPES)[number];

/** A parsed pattern: a choice of characters, a sequence, a choice of alternatives or a repetition. */
type PatternNode =
  | { readonly kind: 'chars'; readonly chars: string }
  | { readonly kind: 'seq'; readonly items: readonly PatternNode[] }
  | { readonly kind: 'alt'; readonly options: readonly PatternNode[] }
  | { readonly kind: 'rep'; readonly node: PatternNode; readonly min: number; readonly max: number };

const DIGITS = '0123456789';

/** Parses a metadata pattern; throws on syntax outside the subset (the caller then skips the pattern). */
function parsePattern(pattern: string): PatternNode {
  let i = 0;
  const alternation = (): PatternNode => {
    const options = [sequence()];
    while (pattern[i] === '|') {
      i++;
      options.push(sequence());
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  };
  const sequence = (): PatternNode => {
    const items: PatternNode[] = [];
    while (i < pattern.length && pattern[i] !== '|' && pattern[i] !== ')') items.push(quantified());
    return { kind: 'seq', items };
  };
  const quantified = (): PatternNode => {
    const node = atom();
    if (pattern[i] === '?') {
      i++;
      return { kind: 'rep', node, min: 0, max: 1 };
    }
    if (pattern[i] === '{') {
      const m = /^\{(\d+)(?:,(\d+))?\}/.exec(pattern.slice(i));
      if (!m) throw new Error(`unsupported quantifier in ${pattern}`);
      i += m[0].length;
      const min = Number(m[1]);
      return { kind: 'rep', node, min, max: m[2] !== undefined ? Number(m[2]) : min };
    }
    return node;
  };
  const atom = (): PatternNode => {
    const c = pattern[i++];
    if (c !== undefined && c >= '0' && c <= '9') return { kind: 'chars', chars: c };
    if (c === '\\' && pattern[i] === 'd') {
      i++;
      return { kind: 'chars', chars: DIGITS };
    }
    if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed class in ${pattern}`);
      const body = pattern.slice(i, end).replace(/\\d/g, '0-9');
      i = end + 1;
      let chars = '';
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === '-' && k + 2 < body.length) {
          for (let d = body.charCodeAt(k); d <= body.charCodeAt(k + 2); d++) chars += String.fromCharCode(d);
          k += 2;
        } else chars += body[k];
      }
      if (!/^\d+$/.test(chars)) throw new Error(`unsupported class in ${pattern}`);
      return { kind: 'chars', chars };
    }
    if (c === '(') {
      if (pattern.startsWith('?:', i)) i += 2;
      const inner = alternation();
      if (pattern[i++] !== ')') throw new Error(`unbalanced group in ${pattern}`);
      return inner;
    }
    throw new Error(`unsupported character ${c ?? 'end'} in ${pattern}`);
  };
  const tree = alternation();
  if (i !== pattern.length) throw new Error(`unparsed rest of ${pattern}`);
  return tree;
}

/** A string the pattern matches, each choice made with `random`. */
function walk(node: PatternNode, random: () => number): string {
  switch (node.kind) {
    case 'chars':
      return node.chars[Math.floor(random() * node.chars.length)]!;
    case 'seq':
      return node.items.map((n) => walk(n, random)).join('');
    case 'alt':
      return walk(node.options[Math.floor(random() * node.options.length)]!, random);
    case 'rep': {
      const n = node.min + Math.floor(random() * (node.max - node.min + 1));
      let s = '';
      for (let k = 0; k < n; k++) s += walk(node.node, random);
      return s;
    }
  }
}

/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same numbers on every machine.
 *
 * @param seed - any integer
 * @returns a function giving numbers in [0, 1)
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random(); // the same value on every run
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface TypeLike {
  pattern(): string;
  possibleLengths(): number[] | undefined;
}
interface NumberingPlanLike {
  callingCode(): string;
  IDDPrefix(): string;
  defaultIDDPrefix(): string | undefined;
  nationalPrefix(): string | undefined;
  possibleLengths(): number[] | undefined;
  nationalNumberPattern(): string;
  nationalPrefixTransformRule(): string | undefined;
  nationalPrefixForParsing(): string | undefined;
  type(type: string): TypeLike | undefined;
}
/** The parts of libphonenumber-js's Metadata class used here. */
export interface MetadataLike {
  selectNumberingPlan(country: string): void;
  readonly numberingPlan: NumberingPlanLike;
}
interface MetadataJson {
  readonly country_calling_codes: Readonly<Record<string, readonly string[]>>;
}

let metadata: { metadata: MetadataLike; json: MetadataJson; examples: Record<string, string> } | undefined;

/**
 * libphonenumber-js's "max" metadata, its JSON and its example numbers, loaded once on first use.
 *
 * @returns the metadata object (a numbering plan is selected per country), the raw JSON and the example numbers
 * @example
 * ```ts
 * const { metadata } = loadMetadata();
 * metadata.selectNumberingPlan('GB');
 * metadata.numberingPlan.callingCode(); // '44'
 * ```
 */
export function loadMetadata(): { metadata: MetadataLike; json: MetadataJson; examples: Record<string, string> } {
  if (!metadata) {
    const source = phoneMetadata();
    const json = source.json as MetadataJson;
    metadata = { metadata: new source.Metadata(json as never) as MetadataLike, json, examples: source.examples };
  }
  return metadata;
}

const parsed = new Map<string, PatternNode | null>();
function parsedPattern(pattern: string): PatternNode | null {
  let tree = parsed.get(pattern);
  if (tree === undefined) {
    try {
      tree = parsePattern(pattern);
    } catch {
      tree = null;
    }
    parsed.set(pattern, tree);
  }
  return tree;
}

/** (length, first digit) pairs of the strings a pattern matches, as `length * 11 + digit` (digit 10: the empty string). */
function shapesOf(node: PatternNode, memo: Map<PatternNode, Set<number>>): Set<number> {
  const known = memo.get(node);
  if (known) return known;
  const MAX = 17;
  const concat = (a: Set<number>, b: Set<number>): Set<number> => {
    const out = new Set<number>();
    for (const x of a) {
      const la = Math.floor(x / 11);
      for (const y of b) {
        const lb = Math.floor(y / 11);
        if (la + lb > MAX) continue;
        out.add((la + lb) * 11 + (la > 0 ? x % 11 : y % 11));
      }
    }
    return out;
  };
  let out: Set<number>;
  switch (node.kind) {
    case 'chars':
      out = new Set([...node.chars].map((c) => 11 + Number(c)));
      break;
    case 'seq':
      out = new Set([10]);
      for (const item of node.items) out = concat(out, shapesOf(item, memo));
      break;
    case 'alt':
      out = new Set(node.options.flatMap((o) => [...shapesOf(o, memo)]));
      break;
    case 'rep': {
      const one = shapesOf(node.node, memo);
      let acc = new Set([10]);
      out = new Set();
      for (let n = 0; n <= node.max && acc.size > 0; n++) {
        if (n >= node.min) for (const x of acc) out.add(x);
        acc = concat(acc, one);
      }
      break;
    }
  }
  memo.set(node, out);
  return out;
}

/**
 * The first digits that a valid national number of each length can start with, by the country's general national
 * number pattern: `dialplan init` reads bare digits of such a shape as a national number, others as local dialling.
 *
 * @param country - ISO region code
 * @returns for each possible length, the digits a national number of that length can start with
 * @example
 * ```ts
 * nationalShapes('US').get(10); // Set {'2', '3', ..., '9'}
 * ```
 */
export function nationalShapes(country: string): ReadonlyMap<number, ReadonlySet<string>> {
  const { metadata: m } = loadMetadata();
  m.selectNumberingPlan(country);
  const plan = m.numberingPlan;
  const tree = parsedPattern(plan.nationalNumberPattern());
  const lengths = plan.possibleLengths() ?? [];
  const out = new Map<number, Set<string>>();
  if (!tree) return out;
  for (const x of shapesOf(tree, new Map())) {
    const length = Math.floor(x / 11);
    const digit = x % 11;
    if (digit === 10 || !lengths.includes(length)) continue;
    let set = out.get(length);
    if (!set) out.set(length, (set = new Set()));
    set.add(String(digit));
  }
  return out;
}

/** Every string a parsed pattern matches, or undefined when there are more than `limit`. */
function enumerate(node: PatternNode, limit: number): string[] | undefined {
  switch (node.kind) {
    case 'chars':
      return [...node.chars];
    case 'alt': {
      const out: string[] = [];
      for (const o of node.options) {
        const e = enumerate(o, limit);
        if (!e || out.length + e.length > limit) return undefined;
        out.push(...e);
      }
      return out;
    }
    case 'seq': {
      let out: string[] = [''];
      for (const item of node.items) {
        const e = enumerate(item, limit);
        if (!e || out.length * e.length > limit) return undefined;
        out = out.flatMap((a) => e.map((b) => a + b));
      }
      return out;
    }
    case 'rep': {
      const one = enumerate(node.node, limit);
      if (!one) return undefined;
      const out: string[] = [];
      let acc = [''];
      for (let n = 0; n <= node.max; n++) {
        if (n >= node.min) out.push(...acc);
        if (out.length > limit) return undefined;
        if (n < node.max) {
          if (acc.length * one.length > limit) return undefined;
          acc = acc.flatMap((a) => one.map((b) => a + b));
        }
      }
      return out;
    }
  }
}

/**
 * The international prefixes of a country: a plain one, or the metadata's preferred one; for a country that has only a
 * pattern (BR `00(?:1[245]|2[1-35]|...)`, one per carrier; KR `00(?:[125689]|3(?:[46]5|91)|...)`), the prefixes it
 * expands into, when there are at most 100.
 *
 * @param country - ISO region code
 * @returns the prefixes (empty when there is none to dial)
 * @example
 * ```ts
 * internationalPrefixes('GB');                  // ['00']
 * internationalPrefixes('BR').includes('0021'); // true
 * ```
 */
export function internationalPrefixes(country: string): readonly string[] {
  const { metadata: m } = loadMetadata();
  m.selectNumberingPlan(country);
  const plan = m.numberingPlan;
  const pattern = plan.IDDPrefix();
  const preferred = plan.defaultIDDPrefix();
  const first = typeof preferred === 'string' && /^\d+$/.test(preferred) ? [preferred] : [];
  if (/^\d+$/.test(pattern)) return [pattern];
  // With a preferred prefix, that one alone: expanding HK's 00(?:30|5[09]|[126-9]?) would read 00 852 ... as 008 52 ...
  if (first.length > 0) return first;
  const tree = parsedPattern(pattern);
  const all = tree ? enumerate(tree, 100) : undefined;
  return all ?? [];
}

/** A valid number made from the metadata. */
export interface SampleNumber {
  /** The region whose metadata it was made from. */
  readonly country: string;
  /** The number type whose pattern it was made from. */
  readonly type: NumberType;
  /** E.164. */
  readonly e164: string;
  /** The national (significant) number. */
  readonly nationalNumber: string;
}

/**
 * Valid numbers of every number type that a country's metadata describes: up to `perType` different numbers drawn at
 * random from the type's pattern, each one that libphonenumber-js says is valid and of that type (or
 * FIXED_LINE_OR_MOBILE, for fixed-line and mobile numbers of countries that cannot tell them apart).
 *
 * @param country - ISO region code
 * @param perType - how many numbers of each type at most
 * @param random - the random source (see {@link seededRandom})
 * @param options - `distinctLeading: k` keeps at most one number per length and first k digits, and checks validity only
 *   (not the type): the cheap, wide sample `dialplan init` learns from
 * @returns the numbers, type by type in the order of {@link NUMBER_TYPES}
 * @example
 * ```ts
 * sampleNumbers('GB', 5, seededRandom(1)).filter((n) => n.type === 'TOLL_FREE').length; // 5
 * ```
 */
export function sampleNumbers(
  country: string,
  perType: number,
  random: () => number,
  options: { readonly distinctLeading?: number } = {},
): readonly SampleNumber[] {
  const { metadata: m } = loadMetadata();
  const lib = loadPhoneLibrary();
  m.selectNumberingPlan(country);
  const plan = m.numberingPlan;
  const cc = plan.callingCode();
  const out: SampleNumber[] = [];
  for (const type of NUMBER_TYPES) {
    const desc = plan.type(type);
    const tree = desc ? parsedPattern(desc.pattern()) : null;
    if (!desc || !tree) continue;
    const lengths = desc.possibleLengths() ?? plan.possibleLengths() ?? [];
    const seen = new Set<string>();
    const k = options.distinctLeading;
    // Random walks miss the possible lengths often (a `\d{6,7}` gives either), so many more are drawn than kept; a walk
    // costs a microsecond, the library's parse of a kept one ten times that.
    // A wide sample stops once 200 draws in a row bring no new shape: the type has no more to show.
    for (let tries = 0, stale = 0; tries < perType * 30 && seen.size < perType && (k === undefined || stale < 200); tries++, stale++) {
      const nsn = walk(tree, random);
      const key = k === undefined ? nsn : `${nsn.length}:${nsn.slice(0, k)}`;
      if (seen.has(key) || !lengths.includes(nsn.length)) continue;
      const n = lib.parsePhoneNumberFromString(`+${cc}${nsn}`);
      if (!n || n.country !== country || !n.isValid()) continue;
      if (k === undefined) {
        const t = n.getType();
        if (t !== type && !(t === 'FIXED_LINE_OR_MOBILE' && (type === 'FIXED_LINE' || type === 'MOBILE'))) continue;
      }
      seen.add(key);
      stale = 0;
      out.push({ country, type, e164: n.number, nationalNumber: n.nationalNumber });
    }
  }
  return out;
}

const carriersByCountry = new Map<string, readonly string[]>();

/**
 * The carrier selection codes a country's numbers can be dialled with after the national prefix (BR `0 21 ...`, CO
 * `0 456 ...`), as libphonenumber-js reads them: every code of one to three digits with which it reads the country's
 * example number back, telling the code apart. Only countries whose metadata's national prefix for parsing captures
 * something are tried (about twenty); worked out once per process.
 *
 * @param country - ISO region code
 * @returns the codes, shortest first
 * @example
 * ```ts
 * carrierCodes('BR').includes('21'); // true
 * carrierCodes('GB');                // []
 * ```
 */
export function carrierCodes(country: string): readonly string[] {
  const known = carriersByCountry.get(country);
  if (known) return known;
  const codes: string[] = [];
  const { metadata: m, examples } = loadMetadata();
  m.selectNumberingPlan(country);
  const np = m.numberingPlan.nationalPrefix();
  const npp = m.numberingPlan.nationalPrefixForParsing();
  const lib = loadPhoneLibrary();
  const example = lib.getExampleNumber(country, examples);
  if (example && typeof np === 'string' && /^\d+$/.test(np) && typeof npp === 'string' && /\((?!\?)/.test(npp)) {
    for (let length = 1; length <= 3; length++) {
      for (let i = 0; i < 10 ** length; i++) {
        const c = String(i).padStart(length, '0');
        const n = lib.parsePhoneNumberFromString(np + c + example.nationalNumber, country);
        if (n?.number === example.number && n.carrierCode === c) codes.push(c);
      }
    }
  }
  carriersByCountry.set(country, codes);
  return codes;
}

/** How a number was typed: see {@link typedForms}. */
export type TypedForm = 'e164' | 'international' | 'national' | 'digits' | 'trunk' | 'carrier';

/**
 * The forms in which people type a number, each with what libphonenumber-js makes of it when told the country: `e164`
 * (`+442079460958`), `international` (`+44 20 7946 0958`), `national` (as `formatNational()` prints it:
 * `020 7946 0958`, BR `(11) 96123-4567`, AR `011 15-2345-6789`), `digits` (the bare national number, `2079460958`)
 * `trunk` (the national prefix and the national number, `12015550123` in the US) when that differs from the others, and
 * `carrier` (the national prefix, a carrier selection code and the national number: BR `0 21 11 96123-4567`) in countries
 * whose metadata reads carrier codes ({@link carrierCodes}).
 * A form that libphonenumber-js does not read back as the same valid number is left out (it cannot be the reference).
 *
 * @param e164 - the number
 * @param country - the region it is typed in (its own)
 * @param options - `nationalOnly: true` leaves out the `e164` and `international` forms; `carriers` is how many carrier
 *   codes to type the number with (default 2: the country's first and last)
 * @returns each form, its text and libphonenumber-js's E.164 for it
 * @example
 * ```ts
 * typedForms('+12015550123', 'US').map((f) => f.text); // ['+12015550123', '+1 201 555 0123', '(201) 555-0123', '2015550123', '12015550123']
 * ```
 */
export function typedForms(
  e164: string,
  country: string,
  options: { readonly nationalOnly?: boolean; readonly carriers?: number } = {},
): readonly { readonly form: TypedForm; readonly text: string; readonly e164: string }[] {
  const lib = loadPhoneLibrary();
  const n = lib.parsePhoneNumberFromString(e164);
  if (!n) return [];
  const { metadata: m } = loadMetadata();
  m.selectNumberingPlan(country);
  const np = m.numberingPlan.nationalPrefix();
  const candidates: [TypedForm, string][] = [
    ...(options.nationalOnly ? [] : ([['e164', n.number], ['international', n.formatInternational()]] as [TypedForm, string][])),
    ['national', n.formatNational()],
    ['digits', n.nationalNumber],
  ];
  if (typeof np === 'string' && /^\d+$/.test(np)) {
    candidates.push(['trunk', np + n.nationalNumber]);
    const codes = carrierCodes(country);
    const max = options.carriers ?? 2;
    const chosen = codes.length <= max ? codes : max <= 1 ? codes.slice(0, max) : [...codes.slice(0, max - 1), codes[codes.length - 1]!];
    for (const c of chosen) candidates.push(['carrier', `${np} ${c} ${n.nationalNumber}`]);
  }
  const out: { form: TypedForm; text: string; e164: string }[] = [];
  const seen = new Set<string>();
  for (const [form, text] of candidates) {
    const key = text.replace(/[^\d+]/g, '');
    if (form === 'trunk' && seen.has(key)) continue;
    seen.add(key);
    let back;
    try {
      back = lib.parsePhoneNumberFromString(text, country);
    } catch {
      back = undefined;
    }
    // A form libphonenumber-js reads as another number (Israel's 015 ... is an international prefix) is no form of it.
    if (back?.isValid() && back.number === n.number) out.push({ form, text, e164: back.number });
  }
  return out;
}
