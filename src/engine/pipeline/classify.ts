/**
 * Stage 3 of the pipeline: the dial-plan table classifies the converted number and builds its texts from templates.
 */
import type { CompiledPlan, LocationTables } from '../plan/compile.js';
import type { TextSink } from '../match/automaton-fill.js';
import { emitSection, entryTag, fillSection } from '../match/automaton-fill.js';
import type { EntryProfile } from '../plan/profiles.js';
import type { TableMatch } from '../match/match.js';

/** What the dial plan made of a number. */
export interface Classification {
  /** The index of the dial-plan entry that matched, or -1 for an unmatched number. */
  readonly entry: number;
  readonly match: TableMatch | undefined;
  readonly normalizedText: string;
  readonly displayText: string;
  readonly editBase: string;
  readonly dialString: string;
  readonly classifications: readonly string[];
  readonly internal: boolean;
  readonly dialCapable: boolean;
  /** The first of `classifications`, or `""`. */
  readonly defaultClassification: string;
}

/**
 * Classifies a converted number with the first dial-plan entry that matches it and fills the entry's templates. Defaults:
 * the normalized text is the converted number, the display text is the normalized text (the bare extension for an
 * extension-only number), the edit base is empty and the dial string is the normalized text. An unmatched number takes
 * the plan's `unmatched` settings.
 *
 * @param plan - the compiled plan
 * @param tables - the location's tables
 * @param converted - the number after input conversion
 * @param sip - whether the number is a SIP address
 * @returns the classification and texts
 * @example
 * ```ts
 * classifyNumber(plan, tables, '+18004562354', false).displayText; // '(Toll Free) 1 (800) 456-2354'
 * ```
 */
export function classifyNumber(plan: CompiledPlan, tables: LocationTables, converted: string, sip: boolean): Classification {
  const match = tables.entryMatcher.find(converted, !sip, tables.entryAccept);
  // What the details take from the entry comes from the table's short list of profiles, by the index kept with the
  // entry's templates: the entry object itself is not read. (entryProfileOf, written out: this is in every browser bundle.)
  const entry = match ? tables.entryProfiles.list[entryTag(tables.entryTemplates, match.entry)] : undefined;
  if (!match || !entry) {
    const normalizedText = converted;
    return {
      entry: -1,
      match: undefined,
      normalizedText,
      displayText: defaultDisplay(normalizedText),
      editBase: '',
      dialString: normalizedText,
      classifications: plan.unmatched.classifications,
      internal: plan.unmatched.internal,
      dialCapable: plan.unmatched.dialCapable,
      defaultClassification: plan.unmatched.classifications[0] ?? '',
    };
  }
  // The entry's templates, compiled for each pattern into one array per table (see compileTemplateTable): the same text
  // fillTemplate gives.
  // Written out rather than through sectionText (which gives the same): this is in every browser bundle, under a budget.
  const { entry: e, pattern: p, suffix } = match;
  const t = tables.entryTemplates;
  const normalized = fillSection(t, e, p, 0, match);
  const display = fillSection(t, e, p, 1, match);
  const editBase = fillSection(t, e, p, 2, match);
  const dialString = fillSection(t, e, p, 3, match);
  const normalizedText = normalized === undefined ? converted : normalized + suffix;
  return {
    entry: e,
    match,
    normalizedText,
    displayText: display === undefined ? defaultDisplay(normalizedText) : display + suffix,
    editBase: editBase === undefined ? '' : editBase + suffix,
    dialString: dialString === undefined ? normalizedText : dialString + suffix,
    classifications: entry.classifications,
    internal: entry.internal,
    dialCapable: entry.dialCapable,
    defaultClassification: entry.defaultClassification,
  };
}

/** The templates after the normalized text, by their place in an entry's list of templates. */
export const TextSection = { displayText: 1, editBase: 2, dialString: 3 } as const;

/** One of {@link TextSection}'s values. */
export type TextSectionIndex = (typeof TextSection)[keyof typeof TextSection];

/**
 * The display text, edit base or dial string of a classified number: the entry's template filled from the match, with
 * the extension suffix, or the default (the normalized text without a leading separator; empty; the normalized text).
 *
 * @param tables - the location's tables
 * @param match - the match of the number's entry, or undefined for an unmatched number
 * @param section - which text
 * @param normalizedText - the number's normalized text
 * @returns the text
 * @example
 * ```ts
 * sectionText(tables, match, TextSection.displayText, '+18004562354'); // '(Toll Free) 1 (800) 456-2354'
 * ```
 */
export function sectionText(tables: LocationTables, match: TableMatch | undefined, section: TextSectionIndex, normalizedText: string): string {
  const filled = match === undefined ? undefined : fillSection(tables.entryTemplates, match.entry, match.pattern, section, match);
  if (filled !== undefined) return filled + (match as TableMatch).suffix;
  return section === TextSection.displayText ? defaultDisplay(normalizedText) : section === TextSection.editBase ? '' : normalizedText;
}

/**
 * Hands the text {@link sectionText} gives to a sink, piece by piece, without building it (see {@link TextSink}); with
 * `normalizedText` undefined, the normalized text too (section 0), which is then taken from its template.
 *
 * @param tables - the location's tables
 * @param match - the match of the number's entry, or undefined for an unmatched number
 * @param section - which text: 0 for the normalized text, or one of {@link TextSection}
 * @param normalizedText - the number's normalized text; undefined when it is not built, which the caller may do only for
 *   a matched number whose entry has a normalized template and whose normalized text holds no `/` or `^` (the display
 *   text's default then is the normalized text as it is)
 * @param sink - takes the pieces
 * @returns true, or false when the sink stopped (the caller then writes {@link sectionText} instead)
 * @example
 * ```ts
 * if (!emitSectionText(tables, match, TextSection.displayText, normalized, writer)) writer.text(sectionText(...));
 * ```
 */
export function emitSectionText(
  tables: LocationTables,
  match: TableMatch | undefined,
  section: 0 | TextSectionIndex,
  normalizedText: string | undefined,
  sink: TextSink,
): boolean {
  if (match !== undefined && (section !== 0 || normalizedText === undefined)) {
    const done = emitSection(tables.entryTemplates, match.entry, match.pattern, section, match, sink);
    if (done !== undefined) {
      const suffix = match.suffix;
      return done && (suffix.length === 0 || sink.piece(suffix, 0, suffix.length));
    }
    // No normalized template after all: the caller builds the text instead.
    if (section === 0) return false;
  }
  if (section === TextSection.editBase) return true;
  // The normalized text itself, or the default of the display text or dial string: the normalized text (for the display
  // text, without a leading `/` or `^`).
  if (normalizedText === undefined) return match === undefined || emitSectionText(tables, match, 0, undefined, sink);
  const n = normalizedText.length;
  const c = normalizedText.charCodeAt(0);
  const from = section === TextSection.displayText && (c === 47 || c === 94) ? 1 : 0;
  return from >= n || sink.piece(normalizedText, from, n);
}

/**
 * The profile (classifications, flags) that the details take from the entry a match comes from, or undefined when the
 * table has no such entry. Read from the table's short list of profiles by the index kept with the entry's templates:
 * the entry object itself is not read.
 *
 * @param tables - the location's tables
 * @param match - a match of the dial-plan table
 * @returns the profile
 * @example
 * ```ts
 * entryProfileOf(tables, match)?.defaultClassification; // 'Toll Free'
 * ```
 */
export function entryProfileOf(tables: LocationTables, match: TableMatch): EntryProfile | undefined {
  return tables.entryProfiles.list[entryTag(tables.entryTemplates, match.entry)];
}

/** The normalized text, without its separator for an extension-only number (`/6929` shows as `6929`). */
function defaultDisplay(normalized: string): string {
  const c = normalized.charCodeAt(0);
  return c === 47 || c === 94 ? normalized.slice(1) : normalized;
}
