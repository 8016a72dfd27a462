/**
 * What libphonenumber-js knows about an E.164 number: its formats, region and type, for the `{e164}`, `{international}`,
 * ... template fields and the `when:` condition of a dial-plan entry.
 *
 * The library and its "max" metadata weigh about a megabyte of JavaScript, so it is loaded only the first time a plan
 * actually needs it (a plan that uses neither the fields nor `when:` never loads it), once, and kept.
 */
import { phoneLibrary } from './providers.js';

/** The template fields that come from libphonenumber-js, in the order the template table numbers them. */
export const INTERNATIONAL_FIELDS = [
  'e164',
  'international',
  'national',
  'rfc3966',
  'country',
  'countryCallingCode',
  'nationalNumber',
  'numberType',
] as const;

/** One of {@link INTERNATIONAL_FIELDS}. */
export type InternationalField = (typeof INTERNATIONAL_FIELDS)[number];

/** What libphonenumber-js says of one E.164 number. Fields it cannot tell are `""`. */
export interface InternationalInfo {
  /** `+` and the digits, without any extension. */
  readonly e164: string;
  /** `+44 20 7946 0958`; the E.164 text when the library cannot parse the number. */
  readonly international: string;
  /** `020 7946 0958`. */
  readonly national: string;
  /** `tel:+44-20-7946-0958`. */
  readonly rfc3966: string;
  /** ISO 3166 region (`GB`), `001` for non-geographic codes such as +800. */
  readonly country: string;
  readonly countryCallingCode: string;
  readonly nationalNumber: string;
  /** `MOBILE`, `FIXED_LINE`, `TOLL_FREE`, ... from the "max" metadata, `""` when unknown. */
  readonly numberType: string;
  /** Whether the number is valid according to the metadata. */
  readonly valid: boolean;
}

/** The parts of a libphonenumber-js `PhoneNumber` that the project uses. */
export interface PhoneNumberLike {
  readonly number: string;
  readonly countryCallingCode: string;
  readonly nationalNumber: string;
  readonly country?: string | undefined;
  readonly carrierCode?: string | undefined;
  /** `+44 20 7946 0958`. */
  formatInternational(): string;
  /** `020 7946 0958`. */
  formatNational(): string;
  /** `tel:+44-20-7946-0958`. */
  getURI(): string;
  /** `MOBILE`, `FIXED_LINE`, ... (the "max" metadata only). */
  getType(): string | undefined;
  /** Whether the number is valid according to the metadata. */
  isValid(): boolean;
}

/** The subset of libphonenumber-js's API that the project uses (what {@link setPhoneLibraryProvider} must return). */
export interface PhoneLibrary {
  /**
   * Parses a number, international or in the national format of `defaultCountry` (libphonenumber-js also takes its
   * options object here; typed so that `setPhoneLibraryProvider(() => phone)` type-checks with the module as it is).
   */
  parsePhoneNumberFromString(text: string, defaultCountry?: string | { readonly defaultCountry?: string }): PhoneNumberLike | undefined;
  /** Every region the metadata knows. */
  getCountries(): string[];
  /** The calling code of a region (`44` for `GB`). */
  getCountryCallingCode(country: string): string;
  /** The example number of a region. */
  getExampleNumber(country: string, examples: Record<string, string>): PhoneNumberLike | undefined;
  /** Whether the metadata knows the region. */
  isSupportedCountry(country: string): boolean;
}

let library: PhoneLibrary | undefined;

/**
 * libphonenumber-js with its "max" metadata (the one that tells number types), loaded on first use.
 *
 * @returns the library
 * @example
 * ```ts
 * loadPhoneLibrary().parsePhoneNumberFromString('+442079460958')?.getType(); // 'FIXED_LINE'
 * ```
 */
export function loadPhoneLibrary(): PhoneLibrary {
  library ??= phoneLibrary();
  return library;
}

/**
 * Whether libphonenumber-js has been loaded in this process: a plan that uses no international field or `when:` must
 * leave it unloaded.
 *
 * @returns true once {@link loadPhoneLibrary} has run
 * @example
 * ```ts
 * isPhoneLibraryLoaded(); // false after loading only the default plan
 * ```
 */
export function isPhoneLibraryLoaded(): boolean {
  return library !== undefined;
}

// libphonenumber-js reads numbers longer than E.164's 15 digits as valid (Japan's 00 toll-free numbers), so up to 20.
const E164 = /^\+\d{1,20}$/;

// A one-entry memo: the four templates and the `when:` check of one query all ask about the same matched string, so it is
// parsed once per query rather than once per field (and a repeated number is not parsed again).
let lastText: string | undefined;
let lastInfo: InternationalInfo | undefined;

/**
 * Describes an E.164 number (`+` and digits, optionally followed by `/` or `^` and an extension, which is ignored).
 *
 * @param text - the matched string
 * @returns the information, or undefined when the text is not an E.164 number
 * @example
 * ```ts
 * describeInternational('+442079460958')?.international; // '+44 20 7946 0958'
 * describeInternational('6929');                          // undefined
 * ```
 */
export function describeInternational(text: string): InternationalInfo | undefined {
  if (text === lastText) return lastInfo;
  const info = computeInfo(text);
  lastText = text;
  lastInfo = info;
  return info;
}

function computeInfo(text: string): InternationalInfo | undefined {
  let end = text.length;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 47 || c === 94) {
      end = i;
      break;
    }
  }
  const e164 = text.slice(0, end);
  if (!E164.test(e164)) return undefined;
  let n: PhoneNumberLike | undefined;
  try {
    n = loadPhoneLibrary().parsePhoneNumberFromString(e164);
  } catch {
    // The library throws for some malformed input in some versions; such a number simply is not known to it.
    n = undefined;
  }
  if (!n) {
    return { e164, international: e164, national: '', rfc3966: `tel:${e164}`, country: '', countryCallingCode: '', nationalNumber: '', numberType: '', valid: false };
  }
  return new LazyInfo(n);
}

/**
 * The information of a parsed number, each part worked out when first asked for: validity and type cost a metadata
 * match each and the formats another, and an entry's `when: { valid: true }` needs only the first.
 */
class LazyInfo implements InternationalInfo {
  readonly #n: PhoneNumberLike;
  #valid: boolean | undefined;
  #type: string | undefined;
  #international: string | undefined;
  #national: string | undefined;
  #rfc3966: string | undefined;
  constructor(n: PhoneNumberLike) {
    this.#n = n;
  }
  get e164(): string {
    return this.#n.number;
  }
  get countryCallingCode(): string {
    return this.#n.countryCallingCode;
  }
  get nationalNumber(): string {
    return this.#n.nationalNumber;
  }
  get valid(): boolean {
    return (this.#valid ??= this.#n.isValid());
  }
  get numberType(): string {
    return (this.#type ??= this.#n.getType() ?? '');
  }
  get country(): string {
    return this.#n.country ?? (this.valid ? '001' : '');
  }
  get international(): string {
    return (this.#international ??= this.#n.formatInternational());
  }
  get national(): string {
    return (this.#national ??= this.#n.formatNational());
  }
  get rfc3966(): string {
    return (this.#rfc3966 ??= this.#n.getURI());
  }
}

/**
 * Whether a template reference names an international field.
 *
 * @param name - the name inside `{...}`
 * @returns true for `e164`, `international`, ...
 * @example
 * ```ts
 * isInternationalField('national'); // true
 * ```
 */
export function isInternationalField(name: string): name is InternationalField {
  return (INTERNATIONAL_FIELDS as readonly string[]).includes(name);
}

/**
 * One international field of a matched string; `""` when the string is not an E.164 number.
 *
 * @param text - the matched string
 * @param field - the field
 * @returns the field's text
 * @example
 * ```ts
 * internationalField('+442079460958', 'country'); // 'GB'
 * ```
 */
export function internationalField(text: string, field: InternationalField): string {
  const info = describeInternational(text);
  return info === undefined ? '' : info[field];
}
