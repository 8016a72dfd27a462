/**
 * The plans the page starts from: the bundled rule files, embedded as text at build time (so positions, comments and
 * the file's own layout are what the author sees), and a starter plan for any country from the engine's `init`.
 */
import de from '../../rules/de.yaml';
import defaultPlan from '../../rules/default.yaml';
import gb from '../../rules/gb.yaml';
import { generateStarterPlan, listCountries } from '../browser.js';

/** One plan the page can start from. */
export interface StartingPlan {
  readonly id: string;
  readonly label: string;
  /** The file name shown, and used by Save. */
  readonly file: string;
  readonly text: string;
}

/** The bundled rule files, in the order of the Start from list. */
export const BUNDLED_PLANS: readonly StartingPlan[] = [
  { id: 'default', label: 'Default plan (North America, 317)', file: 'default.yaml', text: defaultPlan },
  { id: 'gb', label: 'United Kingdom (London)', file: 'gb.yaml', text: gb },
  { id: 'de', label: 'Germany (Berlin)', file: 'de.yaml', text: de },
];

/** The numbers the page starts with for the default plan: the two of the ICWS reference page. */
export const SEED_NUMBERS = '1-800-456-2354\n6929';

/**
 * The countries `init` knows, for the starter plan's list.
 *
 * @returns ISO region codes, sorted
 */
export function starterCountries(): readonly string[] {
  return listCountries();
}

/**
 * A starter plan for a country, as `dialplan init` writes it.
 *
 * @param country - ISO region code
 * @param areaCode - the site's area code, or empty
 * @returns the plan's file name and text
 * @throws DialPlanError (`UNKNOWN_COUNTRY`, `WRONG_TYPE`) for a country or area code init refuses
 */
export function starterPlan(country: string, areaCode: string): { readonly file: string; readonly text: string } {
  const text = generateStarterPlan({ country, ...(areaCode.trim() !== '' ? { areaCode: areaCode.trim() } : {}) });
  return { file: `${country.toLowerCase()}.yaml`, text };
}

/**
 * The numbers to try a plan with: its first inline test inputs (a plan's tests are the numbers its author cares about),
 * each once (a plan tests one number in several locations) and without the empty or multi-line ones, which would not
 * come back as one number per line.
 *
 * @param inputs - the inputs of the plan's `tests:`
 * @returns up to five of them, one per line
 */
export function sampleNumbers(inputs: readonly string[]): string {
  return [...new Set(inputs.filter((i) => i.trim() !== '' && !/[\r\n]/.test(i)))].slice(0, 5).join('\n');
}
