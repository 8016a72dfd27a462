/**
 * Public result and rule types. Everything here is `readonly`: a compiled plan and the details it returns are values that
 * callers may share between requests and threads without copying.
 */

/**
 * The ICWS queue type, as the wire number the Interaction Center web API sends. Being a numeric enum it maps both ways:
 * `QueueType.User === 2` and `QueueType[2] === 'User'`.
 *
 * @example
 * ```ts
 * import { QueueType } from 'dialplan';
 * QueueType.Workgroup; // 4
 * QueueType[4];        // 'Workgroup'
 * ```
 */
export enum QueueType {
  None = 0,
  MyInteractions = 1,
  User = 2,
  Station = 3,
  Workgroup = 4,
  Orbit = 5,
  Line = 6,
}

/**
 * The details of one phone number, with exactly the property names of ICWS `phoneNumberDetails`
 * (`POST /icws/{sessionId}/phone-numbers/query-details`). String fields without a value are `""`.
 *
 * @example
 * ```ts
 * const r = plan.query('8004562354');
 * if (r.ok) console.log(r.details.displayText); // (Toll Free) 1 (800) 456-2354
 * ```
 */
export interface PhoneNumberDetails {
  /** The input exactly as given. */
  readonly rawText: string;
  /** The system-normalized number (E.164 for public numbers, `/6929` for an extension). */
  readonly normalizedText: string;
  /** The text a client application shows. */
  readonly displayText: string;
  /** The editable format of the number. */
  readonly editBase: string;
  /** What follows the first `/` or `^` of the normalized text. */
  readonly extension: string;
  /** The default (first) classification. */
  readonly defaultClassification: string;
  /** All classifications, default first, without duplicates. */
  readonly classifications: readonly string[];
  /** Whether the default classification is declared `internal: true`. */
  readonly internal: boolean;
  /** The owning queue's type as the ICWS wire number. */
  readonly queueType: QueueType;
  /** `"User Queue:<id>"` and the like for a directory hit, otherwise `""`. */
  readonly queueName: string;
  /** Whether the owning queue takes voice mail. */
  readonly voicemailCapable: boolean;
  /** Whether the number can be dialed. */
  readonly dialCapable: boolean;
  /** Whether the extension is dialed automatically (`/`) rather than only stored (`^`). */
  readonly autoDialExtension: boolean;
}

/** The names of {@link PhoneNumberDetails}, in ICWS order. */
export const DETAIL_FIELDS = [
  'rawText',
  'normalizedText',
  'displayText',
  'editBase',
  'extension',
  'defaultClassification',
  'classifications',
  'internal',
  'queueType',
  'queueName',
  'voicemailCapable',
  'dialCapable',
  'autoDialExtension',
] as const satisfies readonly (keyof PhoneNumberDetails)[];

/**
 * Codes of the expected failures of a query; they come back as values, never as exceptions. `COMPILED_PLAN_INVALID`
 * comes only from a precompiled plan whose entry, read when first reached, does not pass its check (a file altered
 * after `dialplan compile` in a way its checksum did not catch).
 */
export type QueryErrorCode = 'TOO_LONG' | 'EMPTY' | 'NOT_A_STRING' | 'UNKNOWN_LOCATION' | 'COMPILED_PLAN_INVALID';

/** Why a query produced no details. */
export interface QueryError {
  readonly code: QueryErrorCode;
  readonly message: string;
}

/**
 * The outcome of {@link DialPlan.query}: the details, or the reason there are none.
 * `dialString` is what the server would send to the telephony layer; it is not one of the ICWS fields, so it sits
 * beside `details` rather than inside it.
 */
export type QueryResult =
  | { readonly ok: true; readonly details: PhoneNumberDetails; readonly dialString: string }
  | { readonly ok: false; readonly error: QueryError };

/** Options of a query. */
export interface QueryOptions {
  /** The name of one of the plan's `locations`; the plan's `defaultLocation` when omitted. */
  readonly location?: string;
}

/** A classification that the plan declares. */
export interface ClassificationRule {
  readonly name: string;
  /** Numbers of this classification are internal (`internal: true` in the details). */
  readonly internal: boolean;
}

/** One entry of the input-conversion table. */
export interface InputConversionRule {
  readonly name: string;
  /** One or more patterns; the entry matches when any of them does. */
  readonly match: readonly string[];
  /** Template that rewrites the matched number. */
  readonly output: string;
}

/** One entry of the dial-plan table. */
export interface DialPlanEntryRule {
  readonly name: string;
  readonly match: readonly string[];
  /** The default classification. */
  readonly classification: string;
  /** Further classifications, after the default one. */
  readonly classifications: readonly string[];
  readonly normalized?: string;
  readonly display?: string;
  readonly editBase?: string;
  readonly dialString?: string;
  readonly dialCapable: boolean;
  /** A condition on what libphonenumber-js says of the matched number; the entry matches only numbers meeting it. */
  readonly when?: WhenCondition;
}

/**
 * The `when:` of a dial-plan entry. Every key given must hold; a match that is not an E.164 number meets no condition.
 *
 * @example
 * ```yaml
 * when: { valid: true, numberType: [MOBILE], country: [GB, GG, JE, IM] }
 * ```
 */
export interface WhenCondition {
  /** The number is (or, with false, is not) valid according to the metadata. */
  readonly valid?: boolean;
  /** The number's type is one of these (`MOBILE`, `FIXED_LINE`, `TOLL_FREE`, ...). */
  readonly numberType?: readonly string[];
  /** The number's region is one of these ISO 3166 codes (`001` for non-geographic numbers). */
  readonly country?: readonly string[];
}

/** What a number that no dial-plan entry matches becomes. */
export interface UnmatchedRule {
  readonly classification: string;
  readonly classifications: readonly string[];
  readonly dialCapable: boolean;
}

/** One extension of the directory. */
export interface DirectoryEntryRule {
  readonly extension: string;
  readonly id: string;
  readonly voicemail: boolean;
}

/** The kinds of directory entries, as they are named in a rule file. */
export type DirectoryKind = 'users' | 'stations' | 'workgroups' | 'orbits' | 'lines';

/** The plan's directory of internal extensions. */
export type DirectoryRules = { readonly [K in DirectoryKind]: readonly DirectoryEntryRule[] };

/** An inline test case of a plan. */
export interface TestCaseRule {
  readonly input: string;
  readonly location?: string;
  readonly expect: Readonly<Partial<Record<keyof PhoneNumberDetails, unknown>>>;
}

/** A validated rule file, with every default filled in. */
export interface DialPlanRules {
  readonly name: string;
  readonly description: string;
  readonly classifications: readonly ClassificationRule[];
  readonly sets: Readonly<Record<string, readonly string[]>>;
  readonly extensionSeparator: '^' | '/';
  readonly locations: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly defaultLocation: string | undefined;
  readonly inputConversions: readonly InputConversionRule[];
  readonly dialPlan: readonly DialPlanEntryRule[];
  readonly unmatched: UnmatchedRule;
  readonly directory: DirectoryRules;
  readonly tests: readonly TestCaseRule[];
}
