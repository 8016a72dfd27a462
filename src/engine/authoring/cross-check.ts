/**
 * `dialplan lint --cross-check`: compares a plan's classifications with what libphonenumber-js ("max" metadata) says of
 * the same numbers, to catch a plan that calls a premium-rate, toll-free or impossible number an ordinary call.
 */
import { EMERGENCY_NUMBERS } from '../data/emergency.js';
import { DialPlanError } from '../errors.js';
import type { Problem } from '../errors.js';
import { describeInternational, loadPhoneLibrary } from '../international.js';
import { internationalPrefixes, loadMetadata, sampleNumbers, seededRandom, typedForms } from './metadata-numbers.js';
import type { TypedForm } from './metadata-numbers.js';
import type { DialPlan } from '../plan/plan.js';
import { phoneMetadata } from '../providers.js';
import type { Path } from '../plan/validate.js';

/** Classifications that claim an ordinary, dialable call; the cross-check looks at numbers given these. */
export const ORDINARY_CLASSIFICATIONS: readonly string[] = ['Local', 'Long Distance'];

/** Number types a plan should not file under an ordinary classification. */
const SUSPECT_TYPES: Readonly<Record<string, string>> = { PREMIUM_RATE: 'premium rate', TOLL_FREE: 'toll free' };

/**
 * Runs the plan on its own test inputs (in their location, else every location) and on the example number of every
 * country of the metadata (in E.164 form), and warns (code `CROSS_CHECK_MISMATCH`) wherever the plan's default
 * classification is Local or Long Distance but libphonenumber-js says the number is premium rate, toll free or invalid.
 *
 * @param plan - the loaded plan
 * @param classifications - the classifications that claim an ordinary call (default Local and Long Distance)
 * @returns one warning per disagreeing number, pointing at the test case when the number came from one
 * @example
 * ```ts
 * crossCheckDialPlan(loadDialPlanFile('site.yaml')).map(formatProblem);
 * // ['site.yaml:40:5: warning CROSS_CHECK_MISMATCH "0900 1234567" is classified Local, but libphonenumber-js says +4990... is premium rate.']
 * ```
 */
export function crossCheckDialPlan(plan: DialPlan, classifications: readonly string[] = ORDINARY_CLASSIFICATIONS): readonly Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  const locations: (string | undefined)[] = plan.locations.length > 0 ? [...plan.locations] : [undefined];
  const check = (input: string, location: string | undefined, path: Path): void => {
    const r = plan.query(input, location !== undefined ? { location } : {});
    if (!r.ok || !classifications.includes(r.details.defaultClassification)) return;
    const info = describeInternational(r.details.normalizedText);
    if (!info) return;
    const what = !info.valid ? 'not a valid number' : SUSPECT_TYPES[info.numberType];
    if (what === undefined) return;
    const key = `${input}|${location ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    const where = location !== undefined ? ` in location "${location}"` : '';
    const { excerpt, ...pos } = plan.positionOf(path);
    out.push({
      code: 'CROSS_CHECK_MISMATCH',
      severity: 'warning',
      message: `"${input}"${where} is classified ${r.details.defaultClassification}, but libphonenumber-js says ${info.e164} is ${what}.`,
      path,
      ...pos,
      ...(excerpt !== undefined ? { excerpt } : {}),
    });
  };
  plan.rules.tests.forEach((t, i) => {
    for (const location of t.location !== undefined ? [t.location] : locations) check(t.input, location, ['tests', i, 'input']);
  });
  const lib = loadPhoneLibrary();
  const examples = exampleNumbers();
  for (const country of lib.getCountries()) {
    const n = lib.getExampleNumber(country, examples);
    if (n) for (const location of locations) check(n.number, location, []);
  }
  return out;
}

let examples: Record<string, string> | undefined;

/** The metadata's example numbers, loaded on demand like the library itself (the query path never needs them). */
function exampleNumbers(): Record<string, string> {
  examples ??= phoneMetadata().examples;
  return examples;
}

// ---------------------------------------------------------------------------------------------------------------------
// The agreement table: every classification of a plan checked against libphonenumber-js on numbers made from the
// metadata (src/metadata-numbers.ts), typed as people type them.

/**
 * Which libphonenumber-js number types each plan classification stands for. A classification not listed here is
 * `generic` when it is one of {@link GENERIC_CLASSIFICATIONS}, otherwise it has no counterpart (a valid number given it
 * disagrees).
 */
export const CLASSIFICATION_TYPES: Readonly<Record<string, readonly string[]>> = {
  'Toll Free': ['TOLL_FREE'],
  'Premium Rate': ['PREMIUM_RATE'],
  'Shared Cost': ['SHARED_COST'],
  Mobile: ['MOBILE', 'FIXED_LINE_OR_MOBILE'],
  'Fixed Line': ['FIXED_LINE', 'FIXED_LINE_OR_MOBILE'],
  VoIP: ['VOIP'],
  Personal: ['PERSONAL_NUMBER'],
  'Personal Number': ['PERSONAL_NUMBER'],
  Pager: ['PAGER'],
  UAN: ['UAN'],
  // The UK regulator's word for the ranges that belong to no place and are neither free, premium rate nor mobile (03,
  // 055, 056, 070, 076, 084/087 as shared cost); rules/gb.yaml gives it to 03 and 055.
  'Non-Geographic': ['UAN', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER'],
  Voicemail: ['VOICEMAIL'],
};

/**
 * Classifications that stand for "an ordinary call to a valid number of the plan's own country" without a type: they
 * agree with any valid number of the plan's calling code that is neither toll free nor premium rate and whose type no
 * other classification of the plan claims (the default plan's Long Distance takes FIXED_LINE_OR_MOBILE and
 * PERSONAL_NUMBER; an init plan's National takes SHARED_COST, VOIP, UAN, ..., not MOBILE, which its Mobile claims).
 */
export const GENERIC_CLASSIFICATIONS: readonly string[] = ['Local', 'Long Distance', 'National'];

/** Options of {@link crossCheckAgreement}. */
export interface CrossCheckOptions {
  /**
   * The plan's country (ISO code); by default, for a plan from `dialplan init`, the country its description names, and
   * for any other the country whose example numbers, typed nationally, the plan reads best (the main region of a
   * calling code first; US when it reads none).
   */
  readonly country?: string;
  /** How many numbers of each number type to draw (default 25). */
  readonly sample?: number;
  /** The seed of the random draw (default 1): the same seed tries the same numbers. */
  readonly seed?: number;
  /** The location to query in (default: the plan's default location). */
  readonly location?: string;
}

/** One number on which the plan and libphonenumber-js disagree. */
export interface CrossCheckDisagreement {
  /** What was typed. */
  readonly input: string;
  /** The plan's normalizedText and default classification (or the query's error code). */
  readonly plan: string;
  /** libphonenumber-js's E.164 and number type, `invalid`, or `international`. */
  readonly library: string;
}

/** The agreement of one classification. */
export interface CrossCheckRow {
  readonly classification: string;
  /** How many typed numbers the plan gave this classification. */
  readonly tried: number;
  /** How many of them libphonenumber-js agrees with (same E.164, a number type the classification stands for). */
  readonly agreeing: number;
  /** The first few disagreements (at most three). */
  readonly disagreements: readonly CrossCheckDisagreement[];
}

/** What {@link crossCheckAgreement} found. */
export interface CrossCheckReport {
  readonly country: string;
  readonly callingCode: string;
  readonly seed: number;
  readonly sample: number;
  /** One row per classification that some number was given, in the plan's classification order. */
  readonly rows: readonly CrossCheckRow[];
  /** The country's emergency numbers (short-number metadata) that the plan does not classify Emergency; not counted in the rows. */
  readonly emergencyMissed: readonly string[];
  readonly emergencyTried: number;
}

/**
 * Checks every classification of a plan against libphonenumber-js: valid numbers of every number type the metadata
 * describes for the plan's country, typed in E.164, international,
 * national (as `formatNational()` prints it), bare national digits and with the trunk prefix; the example number of
 * every other country in E.164, international and international-dialling form; and, when the plan has an `Invalid`
 * classification, invalid numbers (a valid one less its last digit). A typed number agrees when the plan's
 * normalizedText is libphonenumber-js's E.164 and its classification stands for libphonenumber-js's number type
 * ({@link CLASSIFICATION_TYPES}, {@link GENERIC_CLASSIFICATIONS}; `International` for other calling codes, `Invalid`
 * for invalid numbers). Bare national digits that the plan reads as local dialling (its area code in front of them,
 * making another valid number of the country: a Berlin plan's 89890) are judged by the plan's reading.
 *
 * @param plan - the loaded plan
 * @param options - country, sample size, seed, location
 * @returns the agreement per classification
 * @throws DialPlanError with code `UNKNOWN_COUNTRY` for a country the metadata does not know
 * @example
 * ```ts
 * const report = crossCheckAgreement(loadDialPlanFile('site.yaml'), { sample: 25, seed: 1 });
 * report.rows.find((r) => r.classification === 'Mobile'); // { tried: 125, agreeing: 125, ... }
 * ```
 */
export function crossCheckAgreement(plan: DialPlan, options: CrossCheckOptions = {}): CrossCheckReport {
  const lib = loadPhoneLibrary();
  const { examples } = loadMetadata();
  const sample = options.sample ?? 25;
  const seed = options.seed ?? 1;
  const queryOptions = options.location !== undefined ? { location: options.location } : {};
  const country = options.country !== undefined ? options.country.toUpperCase() : (starterPlanCountry(plan) ?? inferCountry(plan, queryOptions));
  if (!lib.isSupportedCountry(country)) {
    throw new DialPlanError('UNKNOWN_COUNTRY', `libphonenumber-js has no metadata for the country "${country}"; use an ISO 3166 code such as GB.`);
  }
  const cc = lib.getCountryCallingCode(country);
  const random = seededRandom(seed);

  // Which number types some classification of the plan claims: a generic classification agrees only with the others.
  const planClasses = plan.rules.classifications.map((c) => c.name);
  const claimed = new Set(planClasses.flatMap((c) => CLASSIFICATION_TYPES[c] ?? []));
  const agrees = (classification: string, info: { valid: boolean; callingCode: string; type: string }): boolean => {
    if (!info.valid) return classification === 'Invalid';
    if (info.callingCode !== cc) return classification === 'International';
    const types = CLASSIFICATION_TYPES[classification];
    if (types) return types.includes(info.type);
    return GENERIC_CLASSIFICATIONS.includes(classification) && !claimed.has(info.type) && SUSPECT_TYPES[info.type] === undefined;
  };

  const rows = new Map<string, { tried: number; agreeing: number; disagreements: CrossCheckDisagreement[] }>();
  const describe = (e164: string): { valid: boolean; callingCode: string; type: string } => {
    const n = lib.parsePhoneNumberFromString(e164);
    return { valid: n?.isValid() ?? false, callingCode: n?.countryCallingCode ?? '', type: n?.getType() ?? '' };
  };
  const tryInput = (input: string, typed: string, form?: TypedForm): void => {
    let e164 = typed;
    let info = describe(e164);
    let local = '';
    const r = plan.query(input, queryOptions);
    // Bare national digits (as typed, or as formatNational() prints some numbers: DE 377003) that the plan reads as
    // local dialling: an area code in front of the same digits, making a valid number of the country (Berlin's 89890
    // is Munich's 089 890 to libphonenumber-js, which knows no site and so no local dialling). Both readings are
    // right; the plan's is the one judged.
    const digits = input.replace(/\D/g, '');
    if ((form === 'digits' || form === 'national') && r.ok && info.valid && digits === e164.slice(cc.length + 1) && r.details.normalizedText !== e164) {
      const text = r.details.normalizedText;
      const middle = text.startsWith(`+${cc}`) && text.endsWith(digits) ? text.slice(cc.length + 1, text.length - digits.length) : '';
      const reading = /^\d+$/.test(middle) ? describe(text) : undefined;
      if (reading?.valid && reading.callingCode === cc) {
        e164 = text;
        info = reading;
        local = ' (local dialling)';
      }
    }
    const classification = r.ok ? r.details.defaultClassification : `(${r.error.code})`;
    let row = rows.get(classification);
    if (!row) rows.set(classification, (row = { tried: 0, agreeing: 0, disagreements: [] }));
    row.tried++;
    const same = r.ok && (info.valid ? r.details.normalizedText === e164 : true);
    if (same && agrees(classification, info)) row.agreeing++;
    else if (row.disagreements.length < 3) {
      row.disagreements.push({
        input,
        plan: r.ok ? `${r.details.normalizedText} ${classification}` : classification,
        library: !info.valid ? `${e164} invalid` : info.callingCode !== cc ? `${e164} international` : `${e164} ${info.type || 'valid'}${local}`,
      });
    }
  };

  // The plan's own numbers (its country's; other regions sharing its calling code, such as Canada's in a US plan, are
  // left out: a plan may rightly treat them apart).
  const hasInvalid = planClasses.includes('Invalid');
  for (const n of sampleNumbers(country, sample, random)) {
    for (const f of typedForms(n.e164, country)) tryInput(f.text, f.e164, f.form);
    if (hasInvalid) {
      const shorter = n.e164.slice(0, -1);
      if (!lib.parsePhoneNumberFromString(shorter)?.isValid()) tryInput(shorter, shorter);
    }
  }
  // Other countries' numbers, as dialled from here.
  const idd = internationalPrefixes(country)[0];
  for (const other of lib.getCountries()) {
    const n = lib.getExampleNumber(other, examples);
    if (!n || n.countryCallingCode === cc) continue;
    tryInput(n.number, n.number);
    tryInput(n.formatInternational(), n.number);
    // Dialled with the international prefix, where libphonenumber-js reads that back as the same number (BO's 00 1 ...
    // is 0010..0019 and the rest, for it too).
    const dialled = idd !== undefined ? `${idd} ${n.number.slice(1)}` : undefined;
    if (dialled !== undefined && lib.parsePhoneNumberFromString(dialled, country)?.number === n.number) tryInput(dialled, n.number);
  }

  const emergency = EMERGENCY_NUMBERS[country] ?? [];
  const emergencyMissed = emergency.filter((e) => {
    const r = plan.query(e, queryOptions);
    return !r.ok || r.details.defaultClassification !== 'Emergency';
  });

  const order = (c: string): number => {
    const i = planClasses.indexOf(c);
    return i < 0 ? planClasses.length : i;
  };
  return {
    country,
    callingCode: cc,
    seed,
    sample,
    rows: [...rows]
      .sort((a, b) => order(a[0]) - order(b[0]) || a[0].localeCompare(b[0]))
      .map(([classification, r]) => ({ classification, ...r })),
    emergencyMissed,
    emergencyTried: emergency.length,
  };
}

/**
 * The country a plan from `dialplan init` was written for, as its description says (`Starter plan for GG (+44) generated
 * by dialplan init ...`). Regions sharing a calling code have look-alike numbers that such a plan reads alike, so reading
 * them back cannot tell a Guernsey plan from a GB one, and the main region (GB) would be checked: against numbers whose
 * bare national digits a Guernsey plan rightly does not take, and with GB's emergency numbers.
 */
function starterPlanCountry(plan: DialPlan): string | undefined {
  const m = /^Starter plan for ([A-Z]{2}) \(\+(\d+)\) generated by dialplan init\b/.exec(plan.rules.description);
  const lib = loadPhoneLibrary();
  if (!m || !lib.isSupportedCountry(m[1] as string) || lib.getCountryCallingCode(m[1] as string) !== m[2]) return undefined;
  return m[1];
}

/** The country whose example numbers, typed nationally, the plan reads back best (the main region of a calling code first). */
function inferCountry(plan: DialPlan, queryOptions: { location?: string }): string {
  const lib = loadPhoneLibrary();
  const { json, examples } = loadMetadata();
  let best = { country: 'US', score: -1, main: false };
  for (const country of lib.getCountries()) {
    const n = lib.getExampleNumber(country, examples);
    if (!n) continue;
    let score = 0;
    for (const f of typedForms(n.number, country, { nationalOnly: true })) {
      const r = plan.query(f.text, queryOptions);
      if (r.ok && r.details.normalizedText === f.e164) score++;
    }
    const main = json.country_calling_codes[n.countryCallingCode]?.[0] === country;
    if (score > best.score || (score === best.score && main && !best.main)) best = { country, score, main };
  }
  // A plan that reads no country's numbers (a SIP-only plan) is checked as a US plan, like the bundled default plan.
  return best.score > 0 ? best.country : 'US';
}

/**
 * Whether every classification of a report agrees on at least `minAgreement` percent of its numbers.
 *
 * @param report - what {@link crossCheckAgreement} found
 * @param minAgreement - the threshold in percent (default 99)
 * @returns the rows below the threshold (empty when the plan passes)
 * @example
 * ```ts
 * failingRows(crossCheckAgreement(plan), 99).length === 0; // the plan passes
 * ```
 */
export function failingRows(report: CrossCheckReport, minAgreement = 99): readonly CrossCheckRow[] {
  return report.rows.filter((r) => r.tried > 0 && (100 * r.agreeing) / r.tried < minAgreement);
}

/**
 * The agreement table as text: one line per classification (numbers tried, agreeing, percentage), then the first
 * disagreements with what each side said.
 *
 * @param report - what {@link crossCheckAgreement} found
 * @param minAgreement - the threshold in percent, marked on the rows below it
 * @returns the table, ending with a newline
 * @example
 * ```ts
 * process.stdout.write(formatAgreementTable(crossCheckAgreement(plan), 99));
 * ```
 */
export function formatAgreementTable(report: CrossCheckReport, minAgreement = 99): string {
  const failing = new Set(failingRows(report, minAgreement));
  const width = Math.max(14, ...report.rows.map((r) => r.classification.length));
  const lines = [
    `Cross-check with libphonenumber-js: country ${report.country} (+${report.callingCode}), ${report.sample} numbers per type, seed ${report.seed}, minimum agreement ${minAgreement}%`,
    `  ${'classification'.padEnd(width)}  ${'tried'.padStart(6)}  ${'agreeing'.padStart(8)}  ${'%'.padStart(6)}`,
    ...report.rows.map(
      (r) =>
        `  ${r.classification.padEnd(width)}  ${String(r.tried).padStart(6)}  ${String(r.agreeing).padStart(8)}  ${((100 * r.agreeing) / r.tried).toFixed(1).padStart(6)}${failing.has(r) ? '  below minimum' : ''}`,
    ),
  ];
  const withDisagreements = report.rows.filter((r) => r.disagreements.length > 0);
  if (withDisagreements.length > 0) {
    lines.push('  first disagreements (input: plan | libphonenumber-js):');
    for (const r of withDisagreements) for (const d of r.disagreements) lines.push(`    ${r.classification}: "${d.input}": ${d.plan} | ${d.library}`);
  }
  if (report.emergencyTried > 0) {
    lines.push(
      report.emergencyMissed.length === 0
        ? `  emergency numbers (short-number metadata): all ${report.emergencyTried} classified Emergency`
        : `  emergency numbers (short-number metadata, not counted): ${report.emergencyMissed.join(', ')} not classified Emergency`,
    );
  }
  return lines.join('\n') + '\n';
}
