/**
 * `dialplan lint --cross-check`: compares a plan's classifications with what libphonenumber-js ("max" metadata) says of
 * the same numbers, to catch a plan that calls a premium-rate, toll-free or impossible number an ordinary call.
 */
import { createRequire } from 'node:module';
import type { Problem } from './errors.js';
import { describeInternational, loadPhoneLibrary } from './international.js';
import type { DialPlan } from './plan.js';
import type { Path } from './validate.js';

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
  examples ??= createRequire(import.meta.url)('libphonenumber-js/examples.mobile.json') as Record<string, string>;
  return examples;
}
