/**
 * Stage 3 of the pipeline: the dial-plan table classifies the converted number and builds its texts from templates.
 */
import type { CompiledPlan, LocationTables } from '../plan/compile.js';
import { entryTag, fillSection } from '../match/automaton-fill.js';
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
  // entry's templates: the entry object itself is not read.
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
  const { entry: e, pattern: p, suffix } = match;
  const t = tables.entryTemplates;
  const normalized = fillSection(t, e, p, 0, match);
  const display = fillSection(t, e, p, 1, match);
  const editBase = fillSection(t, e, p, 2, match);
  const dialString = fillSection(t, e, p, 3, match);
  const normalizedText = normalized === undefined ? converted : normalized + suffix;
  return {
    entry: match.entry,
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

/** The normalized text, without its separator for an extension-only number (`/6929` shows as `6929`). */
function defaultDisplay(normalized: string): string {
  const c = normalized.charCodeAt(0);
  return c === 47 || c === 94 ? normalized.slice(1) : normalized;
}
