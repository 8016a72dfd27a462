/**
 * `dialplan init`: a starter plan for any country libphonenumber-js knows, built from its "max" metadata (calling code,
 * national prefix, international dialling prefix, national number lengths) and its example numbers. Numbers are
 * converted to E.164 first; the dial plan then classifies them with `when:` conditions and displays them with the
 * `{national}` and `{international}` fields, so the plan stays short whatever the country's numbering shape.
 */
import { EMERGENCY_NUMBERS } from '../data/emergency.js';
import { DialPlanError } from '../errors.js';
import type { InternationalInfo } from '../international.js';
import { describeInternational, loadPhoneLibrary } from '../international.js';
import { yamlStringify } from '../providers.js';
import { carrierCodes, internationalPrefixes, loadMetadata, nationalShapes, sampleNumbers, seededRandom, typedForms } from './metadata-numbers.js';

/** Options of {@link generateStarterPlan}. */
export interface StarterPlanOptions {
  /** ISO 3166 region code, such as `GB`. */
  readonly country: string;
  /** The site's area code (without national prefix), for local dialling without it, such as `20` for London. */
  readonly areaCode?: string;
  /**
   * The JSON Schema the first line names for editors (`# yaml-language-server: $schema=...`), relative to where the plan
   * is saved. Default: `./node_modules/dialplan/rules/dialplan.schema.json`, right for a plan saved in the folder that
   * holds `node_modules`.
   */
  readonly schemaPath?: string;
}

/**
 * Where a plan saved in a project's own folder (beside `node_modules`) finds the rule file schema of the installed
 * package: the default `$schema` of `generateStarterPlan`.
 *
 * @example
 * ```ts
 * generateStarterPlan({ country: 'GB' }).startsWith(`# yaml-language-server: $schema=${STARTER_SCHEMA_PATH}\n`); // true
 * ```
 */
export const STARTER_SCHEMA_PATH = './node_modules/dialplan/rules/dialplan.schema.json';

/** What the metadata says of one country's dialling. */
export interface CountryDialling {
  readonly country: string;
  readonly callingCode: string;
  /** The prefix dialled before an international number, when it is plain digits (`00`, `011`). */
  readonly internationalPrefix: string | undefined;
  /** The prefix dialled before a national number (`0`, `1`), when there is one. */
  readonly nationalPrefix: string | undefined;
  /** The lengths a national (significant) number can have. */
  readonly nationalLengths: readonly number[];
}

/**
 * Every country (ISO region) the metadata knows.
 *
 * @returns the region codes, sorted
 * @example
 * ```ts
 * listCountries().includes('GB'); // true
 * ```
 */
export function listCountries(): readonly string[] {
  return [...loadPhoneLibrary().getCountries()].sort();
}

/**
 * What the metadata says of a country's dialling.
 *
 * @param country - ISO region code (any case)
 * @returns the dialling facts
 * @throws DialPlanError with code `UNKNOWN_COUNTRY` for a region the metadata does not know
 * @example
 * ```ts
 * describeDialling('GB'); // { callingCode: '44', internationalPrefix: '00', nationalPrefix: '0', nationalLengths: [7, 9, 10], ... }
 * ```
 */
export function describeDialling(country: string): CountryDialling {
  const code = country.toUpperCase();
  if (!loadPhoneLibrary().isSupportedCountry(code)) {
    throw new DialPlanError('UNKNOWN_COUNTRY', `libphonenumber-js has no metadata for the country "${country}"; use an ISO 3166 code such as GB.`);
  }
  const { metadata: m } = loadMetadata();
  m.selectNumberingPlan(code);
  const p = m.numberingPlan;
  // The metadata writes an absent prefix as the number 0; a prefix that is a pattern (a choice of carriers) has no one
  // string to dial, so then the metadata's preferred prefix is used, if it has one.
  const digitsOnly = (v: unknown): string | undefined => (typeof v === 'string' && /^\d+$/.test(v) ? v : undefined);
  const idd = digitsOnly(p.IDDPrefix()) ?? digitsOnly(p.defaultIDDPrefix());
  const np = digitsOnly(p.nationalPrefix());
  return {
    country: code,
    callingCode: p.callingCode(),
    internationalPrefix: idd,
    nationalPrefix: np,
    nationalLengths: [...(p.possibleLengths() ?? [])].sort((a, b) => a - b),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// How a country's numbers are typed nationally, learned from libphonenumber-js itself. Valid numbers of every type are
// drawn from the metadata (seeded by the country, so a plan is the same on every run); each is typed as formatNational()
// prints it, as the bare national number, with the trunk prefix and with each carrier code; libphonenumber-js says which
// E.164 number each typed string is. Every (typed, E.164) pair is described as a template (strip the trunk prefix: `+44{2-}`; keep every digit:
// `+55{1-}`; drop Argentina's mobile `15`: `+549{2-3}{6-}`), and the typed strings are split by length and leading
// digits until each group has one template: each group becomes one input conversion.

/** A learned input conversion: digits and `[...]` sets, then `X`s; and its output template. */
interface Learned {
  readonly pattern: string;
  readonly output: string;
}

/** How many numbers of each type init learns from, each of a different length or first LEARN_LEADING digits. */
const LEARN_PER_TYPE = 80;
const LEARN_LEADING = 4;
/**
 * Countries whose national format rewrites the number (Argentina's `0 11 15 ...` for `+54 9 11 ...`) learn from more
 * numbers: the rewrite depends on area codes of two to four digits.
 */
const LEARN_PER_TYPE_REWRITTEN = 800;
const LEARN_LEADING_REWRITTEN = 5;
/** The deepest leading-digit split; a group still mixed there takes its most common template. */
const MAX_DEPTH = 6;

/** The template that turns the typed digits `t` into `+cc` and the national number `e`, or undefined. */
function transformOf(t: string, e: string, cc: string): string | undefined {
  // The candidate with the fewest literal digits wins: literals hold only for the leading digits they were learned on,
  // while kept digits carry over to every number of the group.
  let best: { template: string; literals: number } | undefined;
  // Keep a tail of the typed digits, with up to four digits before it (a stripped trunk prefix, a restored area code).
  for (let s = 0; s <= Math.min(6, t.length - 3); s++) {
    const rest = t.slice(s);
    const lead = e.length - rest.length;
    if (lead < 0 || lead > 4 || !e.endsWith(rest)) continue;
    if (!best || lead < best.literals) best = { template: `+${cc}${e.slice(0, lead)}{${s + 1}-}`, literals: lead };
  }
  // Keep two parts, dropping what lies between them (Argentina: 0 11 15 2345-6789 is +54 9 11 2345 6789).
  for (let a = 0; a <= 3; a++) {
    for (let b = a + 1; b <= a + 5 && b < t.length; b++) {
      for (let c = b + 1; c <= b + 3 && c < t.length - 2; c++) {
        const tail = t.slice(c);
        const lead = e.length - tail.length - (b - a);
        if (lead < 0 || lead > 2 || !e.endsWith(tail) || e.slice(lead, lead + b - a) !== t.slice(a, b)) continue;
        if (!best || lead < best.literals) best = { template: `+${cc}${e.slice(0, lead)}{${a + 1}-${b}}{${c + 1}-}`, literals: lead };
      }
    }
  }
  return best?.template;
}

/** `[0-35]`-style set text for a list of digits (one digit alone is itself). */
function digitSet(ds: readonly string[]): string {
  if (ds.length === 1) return ds[0]!;
  const sorted = [...ds].sort();
  let out = '';
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]!.charCodeAt(0) === sorted[j]!.charCodeAt(0) + 1) j++;
    out += j - i >= 2 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join('');
    i = j + 1;
  }
  return `[${out}]`;
}

/** Splits typed strings of one length by leading digits until each group agrees on one template. */
function splitGroup(head: string, depth: number, length: number, recs: readonly (readonly [string, string])[]): Learned[] {
  const counts = new Map<string, number>();
  for (const [, out] of recs) counts.set(out, (counts.get(out) ?? 0) + 1);
  const tailX = (n: number): string => 'X'.repeat(length - n);
  if (depth >= 1 && counts.size === 1) return [{ pattern: head + tailX(depth), output: recs[0]![1] }];
  if (depth >= MAX_DEPTH || depth >= length) {
    const best = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    return [{ pattern: head + tailX(depth), output: best }];
  }
  const byDigit = new Map<string, (readonly [string, string])[]>();
  for (const r of recs) {
    const d = r[0][depth]!;
    let list = byDigit.get(d);
    if (!list) byDigit.set(d, (list = []));
    list.push(r);
  }
  // Digits whose group is settled at once (one template) are merged into one `[...]` entry per template.
  const settled = new Map<string, string[]>();
  const out: Learned[] = [];
  for (const [d, list] of [...byDigit].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const outs = new Set(list.map((r) => r[1]));
    if (outs.size === 1) {
      const o = list[0]![1];
      let ds = settled.get(o);
      if (!ds) settled.set(o, (ds = []));
      ds.push(d);
    } else out.push(...splitGroup(head + d, depth + 1, length, list));
  }
  // Below a sampled first digit, digits the sample did not show take the group's most common template (Korea's 04x area
  // codes read like its 02x and 03x ones); first digits the sample did not show are left to the fallbacks.
  if (depth >= 1) {
    // Each sampled digit votes once, with its own most common template: digits read like most of their siblings (KR's
    // carrier codes 081..088 are many typed strings, but one digit among the area codes' 01..06).
    const votes = new Map<string, number>();
    for (const list of byDigit.values()) {
      const inGroup = new Map<string, number>();
      for (const [, o] of list) inGroup.set(o, (inGroup.get(o) ?? 0) + 1);
      const top = [...inGroup].sort((a, b) => b[1] - a[1])[0]![0];
      votes.set(top, (votes.get(top) ?? 0) + 1);
    }
    const best = [...votes].sort((a, b) => b[1] - a[1])[0]![0];
    const unseen = [...'0123456789'].filter((d) => !byDigit.has(d));
    if (unseen.length > 0) {
      let ds = settled.get(best);
      if (!ds) settled.set(best, (ds = []));
      ds.push(...unseen);
    }
  }
  for (const [o, ds] of settled) out.push({ pattern: head + digitSet(ds) + tailX(depth + 1), output: o });
  return out;
}

const learnedByCountry = new Map<string, readonly Learned[]>();

/** The learned national conversions of a country, shortest typed length first (worked out once per process). */
function learnNationalDialling(country: string, cc: string): readonly Learned[] {
  let learned = learnedByCountry.get(country);
  if (!learned) learnedByCountry.set(country, (learned = learnFromSample(country, cc)));
  return learned;
}

/** Learns a country's national conversions from a sample of its numbers (see the note above transformOf). */
function learnFromSample(country: string, cc: string): readonly Learned[] {
  const random = seededRandom([...country].reduce((h, c) => h * 31 + c.charCodeAt(0), 7));
  const byLength = new Map<number, Map<string, string>>();
  const lib = loadPhoneLibrary();
  const { examples } = loadMetadata();
  const example = lib.getExampleNumber(country, examples);
  // The national format rewrites the number when its digits are neither the national number nor the national prefix
  // and it (Argentina's example mobile: 011 15-2345-6789 for 9 11 2345-6789).
  const np = describeDialling(country).nationalPrefix ?? '';
  const nationalDigits = example?.formatNational().replace(/\D/g, '');
  const rewritten = example !== undefined && nationalDigits !== example.nationalNumber && nationalDigits !== np + example.nationalNumber;
  const sample = rewritten
    ? sampleNumbers(country, LEARN_PER_TYPE_REWRITTEN, random, { distinctLeading: LEARN_LEADING_REWRITTEN })
    : sampleNumbers(country, LEARN_PER_TYPE, random, { distinctLeading: LEARN_LEADING });
  const numbers = [...(example ? [example.number] : []), ...sample.map((n) => n.e164)];
  for (const e164 of numbers) {
    for (const f of typedForms(e164, country, { nationalOnly: true, carriers: Infinity })) {
      if (!f.e164.startsWith(`+${cc}`)) continue;
      const t = f.text.replace(/\D/g, '');
      const output = transformOf(t, f.e164.slice(cc.length + 1), cc);
      if (output === undefined) continue;
      let m = byLength.get(t.length);
      if (!m) byLength.set(t.length, (m = new Map()));
      m.set(t, output);
    }
  }
  return [...byLength]
    .sort((a, b) => a[0] - b[0])
    .flatMap(([length, m]) => splitGroup('', 0, length, [...m]));
}

/** The first digits a learned pattern takes (`[0-35]X...`: 0, 1, 2, 3, 5). */
function firstDigits(pattern: string): readonly string[] {
  if (pattern.startsWith('[')) {
    const body = pattern.slice(1, pattern.indexOf(']'));
    return [...'0123456789'].filter((d) => new RegExp(`[${body}]`).test(d));
  }
  return pattern[0] === 'X' || pattern === '' ? [...'0123456789'] : [pattern[0]!];
}

/** A regular expression for a learned pattern (digits, `[...]` and `X`), to tell which strings it takes. */
function learnedRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/X/g, '\\d')}$`);
}

/** The classification a starter plan gives a number libphonenumber-js describes, dialled from `callingCode`. */
function expectedClassification(info: InternationalInfo, callingCode: string): string {
  if (info.countryCallingCode !== callingCode) return info.valid ? 'International' : 'Invalid';
  if (!info.valid) return 'Invalid';
  switch (info.numberType) {
    case 'TOLL_FREE':
      return 'Toll Free';
    case 'PREMIUM_RATE':
      return 'Premium Rate';
    case 'MOBILE':
      return 'Mobile';
    case 'FIXED_LINE':
    case 'FIXED_LINE_OR_MOBILE':
      return 'Fixed Line';
    default:
      return 'National';
  }
}

const digits = (n: number): string => 'X'.repeat(n);

/**
 * Builds a starter plan for a country as rule data (the shape of a rule file), with inline tests from the metadata's
 * example numbers.
 *
 * @param options - the country and, optionally, the site's area code
 * @returns the rule document
 * @throws DialPlanError with code `UNKNOWN_COUNTRY`, or `WRONG_TYPE` for an area code that is not digits
 * @example
 * ```ts
 * buildStarterRules({ country: 'GB', areaCode: '20' }).inputConversions[1].output; // '+Z' (after the emergency numbers)
 * ```
 */
export function buildStarterRules(options: StarterPlanOptions): Record<string, unknown> & {
  readonly inputConversions: readonly { name: string; match: string[]; output: string }[];
  readonly dialPlan: readonly Record<string, unknown>[];
  readonly tests: readonly { input: string; expect: Record<string, unknown> }[];
} {
  const d = describeDialling(options.country);
  const areaCode = options.areaCode;
  if (areaCode !== undefined && !/^\d{1,6}$/.test(areaCode)) {
    throw new DialPlanError('WRONG_TYPE', `The area code must be one to six digits, not "${areaCode}".`);
  }
  const cc = d.callingCode;
  const np = d.nationalPrefix;
  const idd = d.internationalPrefix;
  // An area code as it is dialled nationally (GB's 020, the US's 1 201) would make every local number +44020...: refused,
  // unless the country's national numbers themselves start with those digits (RU's 812 behind the national prefix 8).
  if (areaCode !== undefined && np !== undefined && areaCode.length > np.length && areaCode.startsWith(np)) {
    const sample = sampleNumbers(d.country, 25, seededRandom(1));
    if (!sample.some((n) => n.nationalNumber.startsWith(np))) {
      throw new DialPlanError(
        'WRONG_TYPE',
        `The area code goes without the national prefix ${np}: "${areaCode.slice(np.length)}", not "${areaCode}".`,
      );
    }
  }

  // Input conversions, first match wins: emergency numbers kept as dialled (before any other conversion can read them as
  // a national or local number: ZA's 10111); international dialling; national dialling in every form libphonenumber-js
  // reads (learned, see learnNationalDialling); and, with an area code, local dialling where no national form claims the
  // same digits (a bare national number wins, as libphonenumber-js reads it).
  const conversions: { name: string; match: string[]; output: string }[] = [];
  const convertedLengths = new Set<number>();
  const emergency = EMERGENCY_NUMBERS[d.country] ?? [];
  if (emergency.length > 0) conversions.push({ name: 'Emergency numbers, kept as dialled', match: [...emergency], output: '{1-}' });
  // A calling code never starts with 0: India's toll-free 000 800 ... is national dialling, not 00 and a calling code.
  // Every international prefix the metadata gives (one per carrier in BR, KR, ...), the preferred one first.
  const idds = internationalPrefixes(d.country);
  if (idds.length > 0) {
    // Longest first, as libphonenumber-js strips the longest prefix: BO's 0019 44 ... is 0019 and +44, not 00 and +1.
    const longestFirst = [...idds].sort((a, b) => b.length - a.length);
    conversions.push({ name: `International dialling with ${idds.length > 3 ? `${idds.slice(0, 3).join(', ')}, ...` : idds.join(', ')}`, match: longestFirst.map((i) => `${i}YZ`), output: '+YZ' });
  }
  // A learned conversion that the international one takes whole is left out (lint would call it unreachable).
  const learned = learnNationalDialling(d.country, cc).filter(
    (l) => idds.every((i) => !l.pattern.startsWith(i) || firstDigits(l.pattern.slice(i.length)).includes('0')),
  );
  const byOutput = new Map<string, string[]>();
  for (const l of learned) {
    convertedLengths.add(l.pattern.replace(/\[[^\]]*\]/g, 'X').length);
    let list = byOutput.get(l.output);
    if (!list) byOutput.set(l.output, (list = []));
    list.push(l.pattern);
  }
  const carriers = carrierCodes(d.country);
  for (const [output, match] of byOutput) conversions.push({ name: nationalConversionName(output, cc, np, carriers), match, output });
  // Fallbacks for shapes the sample did not show: the national prefix and a national number, or bare digits of five or
  // more whose length and first digit a valid national number can have (by the metadata's general pattern). They take
  // only first digits that no learned conversion takes, so they shadow nothing.
  const taken = new Map<number, Set<string>>();
  const take = (length: number, first: readonly string[]): void => {
    let set = taken.get(length);
    if (!set) taken.set(length, (set = new Set()));
    for (const f of first) set.add(f);
  };
  for (const l of learned) take(l.pattern.replace(/\[[^\]]*\]/g, 'X').length, firstDigits(l.pattern));
  const fallback: Learned[] = [];
  for (const n of d.nationalLengths) {
    if (np === undefined || taken.get(np.length + n)?.has(np[0]!)) continue;
    fallback.push({ pattern: np + digits(n), output: `+${cc}{${np.length + 1}-}` });
    take(np.length + n, [np[0]!]);
  }
  const shapes = nationalShapes(d.country);
  // Bare numbers of four digits or fewer are extensions, unless the country has learned national numbers of that length.
  for (const n of d.nationalLengths.filter((n) => n >= 5 || taken.has(n))) {
    const free = [...(shapes.get(n) ?? [])].filter((f) => f !== '0' && f !== np?.[0] && !taken.get(n)?.has(f));
    if (free.length === 0) continue;
    fallback.push({ pattern: digitSet(free) + digits(n - 1), output: `+${cc}{1-}` });
    take(n, free);
  }
  const trunkFallback = fallback.filter((f) => f.output !== `+${cc}{1-}`);
  const bareFallback = fallback.filter((f) => f.output === `+${cc}{1-}`);
  if (trunkFallback.length > 0) conversions.push({ name: `National dialling with ${np}, other numbers`, match: trunkFallback.map((f) => f.pattern), output: trunkFallback[0]!.output });
  if (bareFallback.length > 0) conversions.push({ name: 'National number dialled as it is, other numbers', match: bareFallback.map((f) => f.pattern), output: `+${cc}{1-}` });
  for (const [length] of taken) convertedLengths.add(length);
  const nationalRes = [...learned, ...fallback].map((l) => ({ re: learnedRegExp(l.pattern), output: l.output }));
  /** What the national conversions make of typed digits (undefined: none takes them). */
  const convertNational = (t: string): string | undefined => {
    const hit = nationalRes.find((l) => l.re.test(t));
    return hit ? hit.output.replace(/\{(\d+)(?:-(\d*))?\}/g, (_, a: string, b: string | undefined) => t.slice(Number(a) - 1, b === undefined ? Number(a) : b === '' ? undefined : Number(b))) : undefined;
  };
  // Local dialling within the area code, for the digits that no national conversion takes.
  const localLengths =
    areaCode !== undefined && np !== undefined ? d.nationalLengths.map((n) => n - areaCode.length).filter((n) => n >= 5) : [];
  if (areaCode !== undefined && localLengths.length > 0) {
    localLengths.forEach((n) => convertedLengths.add(n));
    conversions.push({ name: `Local number in area ${areaCode}`, match: localLengths.map((n) => `[1-9]${digits(n - 1)}`), output: `+${cc}${areaCode}{1-}` });
  }

  // Four-digit extensions, unless some other dialled form has four digits too (then only /1234 reaches an extension).
  const shortExtensions = !convertedLengths.has(4) && !emergency.some((e) => e.length === 4) && idds.every((i) => !/^[1-9]/.test(i));

  // `X?` rather than `Z` after the calling code: `Z` would take an extension into the match, and the `{national}` field
  // would drop it; with `X?` the extension is carried and appended to the display text and edit base.
  const national = (classification: string, types: string[] | undefined): Record<string, unknown> => ({
    name: types ? classification : 'Other national number',
    match: `+${cc}X?`,
    classification,
    when: types ? { valid: true, numberType: types } : { valid: true },
    display: '({classification}) {national}',
    editBase: '{national}',
  });
  const dialPlan: Record<string, unknown>[] = [
    ...(emergency.length > 0 ? [{ name: 'Emergency', match: [...emergency], classification: 'Emergency' }] : []),
    ...(shortExtensions ? [{ name: 'Extension', match: '[1-9]XXX', classification: 'Intercom', normalized: '/{1-}' }] : []),
    { name: 'Dialed extension', match: '/Z', classification: 'Intercom' },
    national('Toll Free', ['TOLL_FREE']),
    national('Premium Rate', ['PREMIUM_RATE']),
    national('Mobile', ['MOBILE']),
    national('Fixed Line', ['FIXED_LINE', 'FIXED_LINE_OR_MOBILE']),
    national('National', undefined),
    {
      name: 'Invalid national number',
      match: `+${cc}Z`,
      classification: 'Invalid',
      dialCapable: false,
    },
    {
      name: 'International',
      match: '+X?',
      classification: 'International',
      when: { valid: true },
      display: '({classification}) {international}',
      editBase: '{international}',
      ...(idd !== undefined ? { dialString: `${idd}{2-}` } : {}),
    },
    { name: 'Invalid international number', match: '+Z', classification: 'Invalid', dialCapable: false },
    { name: 'Anything else', match: 'Z', classification: 'Other' },
  ];

  // Inline tests, each expectation worked out from what libphonenumber-js says of the number.
  const tests: { input: string; expect: Record<string, unknown> }[] = [];
  const expectFor = (e164: string): Record<string, unknown> | undefined => {
    const info = describeInternational(e164);
    if (!info) return undefined;
    const classification = expectedClassification(info, cc);
    const own = info.countryCallingCode === cc;
    const expect: Record<string, unknown> = { normalizedText: info.e164, defaultClassification: classification };
    if (classification === 'Invalid') expect['dialCapable'] = false;
    else expect['displayText'] = `(${classification}) ${own ? info.national : info.international}`;
    return expect;
  };
  const add = (input: string, e164: string): void => {
    const expect = expectFor(e164);
    if (expect) tests.push({ input, expect });
  };
  const lib = loadPhoneLibrary();
  const { examples: ex } = loadMetadata();
  const example = lib.getExampleNumber(d.country, ex);
  if (example) {
    // The example number typed in every form libphonenumber-js reads back, where the plan's conversions read it the same.
    for (const f of typedForms(example.number, d.country)) {
      const t = f.text.replace(/\D/g, '');
      const ours = f.text.startsWith('+') ? f.e164 : idds.some((i) => t.startsWith(i)) || emergency.includes(t) ? undefined : convertNational(t);
      if (ours === f.e164) add(f.text, f.e164);
    }
    if (idds[0] !== undefined) add(idds[0] + example.number.slice(1), example.number);
    // With an extension, which stays visible in the display text and the edit base.
    const withExt = expectFor(example.number);
    if (withExt && withExt['displayText'] !== undefined) {
      const info = describeInternational(example.number)!;
      tests.push({
        input: `${example.number} ext. 12`,
        expect: { ...withExt, normalizedText: `${example.number}^12`, displayText: `${String(withExt['displayText'])}^12`, editBase: `${info.national}^12`, extension: '12' },
      });
    }
  }
  const abroad = lib.getExampleNumber(cc === '44' ? 'US' : 'GB', ex);
  if (abroad) {
    add(abroad.number, abroad.number);
    if (idds[0] !== undefined) add(idds[0] + abroad.number.slice(1), abroad.number);
  }
  add(`+${cc}1`, `+${cc}1`);
  if (areaCode !== undefined && localLengths.length > 0) {
    // A local number that no national form claims (those win, as libphonenumber-js reads them).
    for (const n of localLengths) {
      const local = ['2345678901234', '7345678901234', '5345678901234'].map((s) => s.slice(0, n)).find((s) => convertNational(s) === undefined && !emergency.includes(s));
      if (local !== undefined) {
        add(local, `+${cc}${areaCode}${local}`);
        break;
      }
    }
  }
  for (const e of emergency) tests.push({ input: e, expect: { normalizedText: e, defaultClassification: 'Emergency' } });
  tests.push({ input: '/123', expect: { normalizedText: '/123', displayText: '123', defaultClassification: 'Intercom', internal: true } });
  if (shortExtensions) tests.push({ input: '4321', expect: { normalizedText: '/4321', extension: '4321', defaultClassification: 'Intercom' } });

  return {
    name: `${d.country} site${areaCode !== undefined ? ` (area code ${areaCode})` : ''}`,
    description:
      `Starter plan for ${d.country} (+${cc}) generated by dialplan init from libphonenumber-js "max" metadata: ` +
      `${idd !== undefined ? `international dialling with ${idd}, ` : ''}${np !== undefined ? `national prefix ${np}, ` : 'no national prefix, '}` +
      `national numbers of ${d.nationalLengths.join(', ')} digits; emergency numbers from libphonenumber's short-number metadata.`,
    classifications: [
      { name: 'Emergency' },
      { name: 'Intercom', internal: true },
      { name: 'Toll Free' },
      { name: 'Premium Rate' },
      { name: 'Mobile' },
      { name: 'Fixed Line' },
      { name: 'National' },
      { name: 'International' },
      { name: 'Invalid' },
      { name: 'Other' },
    ],
    inputConversions: conversions,
    dialPlan,
    tests,
  };
}

/** A readable name for a learned national conversion. */
function nationalConversionName(output: string, cc: string, np: string | undefined, carriers: readonly string[]): string {
  if (output === `+${cc}{1-}`) return 'National number, dialled as it is';
  if (np !== undefined && output === `+${cc}{${np.length + 1}-}`) return `National dialling with ${np}`;
  const strip = /^\+\d+\{(\d+)-\}$/.exec(output);
  if (np !== undefined && strip && output.startsWith(`+${cc}{`) && carriers.some((c) => np.length + c.length + 1 === Number(strip[1]))) {
    return `National dialling with ${np} and a carrier code`;
  }
  return `National dialling, read as libphonenumber-js reads it (${output})`;
}

/**
 * Writes a starter plan for a country as YAML text, ready to save next to `dialplan.schema.json`.
 *
 * @param options - the country and, optionally, the site's area code
 * @returns the rule file's text
 * @throws DialPlanError with code `UNKNOWN_COUNTRY` for a region the metadata does not know
 * @example
 * ```ts
 * const yaml = generateStarterPlan({ country: 'DE', areaCode: '30' });
 * loadDialPlan(yaml).query('030 1234567'); // Fixed Line, +49301234567
 * ```
 */
export function generateStarterPlan(options: StarterPlanOptions): string {
  const rules = buildStarterRules(options);
  return (
    `# yaml-language-server: $schema=${options.schemaPath ?? STARTER_SCHEMA_PATH}\n` +
    '#\n' +
    '# Generated by `dialplan init` from libphonenumber-js "max" metadata. Review it: emergency numbers, extensions and\n' +
    '# local dialling are guesses that your site may need to change. `dialplan test` runs the tests at the end.\n' +
    // yaml is loaded here rather than at the top: the package's entry point must not load it for plans it never parses.
    yamlStringify()(rules, { lineWidth: 120 })
  );
}
