/**
 * `dialplan init`: a starter plan for any country libphonenumber-js knows, built from its "max" metadata (calling code,
 * national prefix, international dialling prefix, national number lengths) and its example numbers. Numbers are
 * converted to E.164 first; the dial plan then classifies them with `when:` conditions and displays them with the
 * `{national}` and `{international}` fields, so the plan stays short whatever the country's numbering shape.
 */
import { createRequire } from 'node:module';
import { DialPlanError } from './errors.js';
import type { InternationalInfo } from './international.js';
import { describeInternational, loadPhoneLibrary } from './international.js';

/** Options of {@link generateStarterPlan}. */
export interface StarterPlanOptions {
  /** ISO 3166 region code, such as `GB`. */
  readonly country: string;
  /** The site's area code (without national prefix), for local dialling without it, such as `20` for London. */
  readonly areaCode?: string;
}

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

interface NumberingPlan {
  callingCode(): string;
  IDDPrefix(): string;
  defaultIDDPrefix(): string | undefined;
  nationalPrefix(): string | undefined;
  possibleLengths(): number[] | undefined;
}
interface MetadataLike {
  selectNumberingPlan(country: string): void;
  readonly numberingPlan: NumberingPlan;
}

let metadata: MetadataLike | undefined;
let examples: Record<string, string> | undefined;

function loadMetadata(): { metadata: MetadataLike; examples: Record<string, string> } {
  if (!metadata || !examples) {
    const require = createRequire(import.meta.url);
    const core = require('libphonenumber-js/core') as { Metadata: new (json: unknown) => MetadataLike };
    metadata = new core.Metadata(require('libphonenumber-js/metadata.max.json'));
    examples = require('libphonenumber-js/examples.mobile.json') as Record<string, string>;
  }
  return { metadata, examples };
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

// Emergency numbers are not in libphonenumber-js's metadata (they are in the short-number metadata it leaves out), so
// the well-known ones are listed here; other countries get no emergency entry rather than a guess.
const NANP_EMERGENCY = ['911'];
const EMERGENCY: Readonly<Record<string, readonly string[]>> = {
  GB: ['999', '112'], IE: ['999', '112'], AU: ['000', '112'], NZ: ['111'], JP: ['110', '119'], CN: ['110', '119', '120'],
  IN: ['112'], BR: ['190', '192', '193'], MX: ['911'], ZA: ['10111', '112'], RU: ['112'], CH: ['112', '117', '118', '144'],
  NO: ['112', '110', '113'], IS: ['112'], ...Object.fromEntries(
    ['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE']
      .map((c) => [c, ['112']]),
  ),
};

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
 * buildStarterRules({ country: 'GB', areaCode: '20' }).inputConversions[0].output; // '+Z'
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

  // Input conversions: international dialling, national dialling (with the prefix, or the bare national number for
  // countries without one), and local dialling within the area code. Bare numbers shorter than five digits are left to
  // extensions and emergency numbers.
  const conversions: { name: string; match: string[]; output: string }[] = [];
  const convertedLengths = new Set<number>();
  const emergency = cc === '1' ? NANP_EMERGENCY : (EMERGENCY[d.country] ?? []);
  // Emergency numbers are kept as dialled, before any other conversion can read them as a local number (ZA's 10111).
  if (emergency.length > 0) conversions.push({ name: 'Emergency numbers, kept as dialled', match: [...emergency], output: '{1-}' });
  if (idd !== undefined) conversions.push({ name: `International dialling with ${idd}`, match: [`${idd}Z`], output: '+Z' });
  if (np !== undefined) {
    const match = d.nationalLengths.map((n) => np + digits(n));
    match.forEach((m) => convertedLengths.add(m.length));
    conversions.push({ name: `National dialling with ${np}`, match, output: `+${cc}{${np.length + 1}-}` });
  } else {
    const match = d.nationalLengths.filter((n) => n >= 5).map(digits);
    match.forEach((m) => convertedLengths.add(m.length));
    if (match.length > 0) conversions.push({ name: 'National number', match, output: `+${cc}{1-}` });
  }
  const localLengths =
    areaCode !== undefined && np !== undefined ? d.nationalLengths.map((n) => n - areaCode.length).filter((n) => n >= 5) : [];
  if (areaCode !== undefined && localLengths.length > 0) {
    localLengths.forEach((n) => convertedLengths.add(n));
    conversions.push({ name: `Local number in area ${areaCode}`, match: localLengths.map((n) => `[1-9]${digits(n - 1)}`), output: `+${cc}${areaCode}{1-}` });
  }

  // Four-digit extensions, unless some other dialled form has four digits too (then only /1234 reaches an extension).
  const shortExtensions = !convertedLengths.has(4) && !emergency.some((e) => e.length === 4) && (idd === undefined || !/^[1-9]/.test(idd));

  const national = (classification: string, types: string[] | undefined): Record<string, unknown> => ({
    name: types ? classification : 'Other national number',
    match: `+${cc}Z`,
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
      match: '+Z',
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
  const { examples: ex } = loadMetadata();
  const example = loadPhoneLibrary().getExampleNumber(d.country, ex);
  if (example) {
    add(example.number, example.number);
    // National dialling, unless it reads as international dialling (a prefix such as 0 before a number starting 0).
    const nationalForm = np !== undefined ? np + example.nationalNumber : example.nationalNumber.length >= 5 ? example.nationalNumber : undefined;
    if (nationalForm !== undefined && (idd === undefined || !nationalForm.startsWith(idd)) && d.nationalLengths.includes(example.nationalNumber.length)) {
      add(nationalForm, example.number);
    }
    if (idd !== undefined) add(idd + example.number.slice(1), example.number);
  }
  const abroad = loadPhoneLibrary().getExampleNumber(cc === '44' ? 'US' : 'GB', ex);
  if (abroad) {
    add(abroad.number, abroad.number);
    if (idd !== undefined) add(idd + abroad.number.slice(1), abroad.number);
  }
  add(`+${cc}1`, `+${cc}1`);
  if (areaCode !== undefined && localLengths.length > 0) {
    const local = '2345678901234'.slice(0, Math.max(...localLengths));
    add(local, `+${cc}${areaCode}${local}`);
  }
  for (const e of emergency) tests.push({ input: e, expect: { normalizedText: e, defaultClassification: 'Emergency' } });
  tests.push({ input: '/123', expect: { normalizedText: '/123', displayText: '123', defaultClassification: 'Intercom', internal: true } });
  if (shortExtensions) tests.push({ input: '4321', expect: { normalizedText: '/4321', extension: '4321', defaultClassification: 'Intercom' } });

  return {
    name: `${d.country} site${areaCode !== undefined ? ` (area code ${areaCode})` : ''}`,
    description:
      `Starter plan for ${d.country} (+${cc}) generated by dialplan init from libphonenumber-js "max" metadata: ` +
      `${idd !== undefined ? `international dialling with ${idd}, ` : ''}${np !== undefined ? `national prefix ${np}, ` : 'no national prefix, '}` +
      `national numbers of ${d.nationalLengths.join(', ')} digits.`,
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
    '# yaml-language-server: $schema=./dialplan.schema.json\n' +
    '#\n' +
    '# Generated by `dialplan init` from libphonenumber-js "max" metadata. Review it: emergency numbers, extensions and\n' +
    '# local dialling are guesses that your site may need to change. `dialplan test` runs the tests at the end.\n' +
    // yaml is loaded here rather than at the top: the package's entry point must not load it for plans it never parses.
    (createRequire(import.meta.url)('yaml') as typeof import('yaml')).stringify(rules, { lineWidth: 120 })
  );
}
