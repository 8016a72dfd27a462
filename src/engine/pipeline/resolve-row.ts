/**
 * The query pipeline for writers that copy an answer's texts straight into their output (`dialplan batch`): the same
 * stages as {@link queryNumber}, into one record that is reused from number to number, with the display text, edit base
 * and dial string left as templates to be handed to a {@link TextSink} (or built, {@link rowText}) when written.
 *
 * Why: at a million numbers, filling those templates as strings (joined piece by piece, then copied flat again when the
 * writer reads them) cost about as much as finding the entry; written straight from the template, a piece of the number
 * is copied once, into the output.
 */
import { DialPlanError } from '../errors.js';
import type { TextSink } from '../match/automaton-fill.js';
import { emitSection, fillSection } from '../match/automaton-fill.js';
import type { TableMatch } from '../match/match.js';
import type { CompiledPlan, LocationTables } from '../plan/compile.js';
import type { EntryProfile } from '../plan/profiles.js';
import type { QueryError, QueryOptions } from '../types.js';
import { QueueType } from '../types.js';
import type { TextSectionIndex } from './classify.js';
import { emitSectionText, entryProfileOf, sectionText } from './classify.js';
import { convertNumber } from './convert.js';
import { resolveExtension } from './extension.js';
import { prepareNumber } from './prepare.js';
import { selectTables } from './query.js';

/**
 * One number's answer in parts: the fields of its details that are plain values, and what its three other texts are
 * made from. Filled by {@link resolveRow}, which writes over it for the next number: copy what must outlive that.
 */
export interface ResolvedRow {
  /** Whether the number resolved; `error` tells why not. */
  ok: boolean;
  error: QueryError | undefined;
  rawText: string;
  /**
   * The normalized text; undefined while it is not built, which it is not when it comes from a template and holds no
   * `/` or `^` (no extension to read from it). {@link rowText} with section 0 builds it; {@link emitRowText} writes it.
   */
  normalizedText: string | undefined;
  extension: string;
  defaultClassification: string;
  classifications: readonly string[];
  internal: boolean;
  queueType: QueueType;
  queueName: string;
  voicemailCapable: boolean;
  dialCapable: boolean;
  autoDialExtension: boolean;
  /** The tables the number was classified with. */
  tables: LocationTables | undefined;
  /** The match of the number's dial-plan entry, or undefined for an unmatched number. */
  match: TableMatch | undefined;
}

/**
 * Makes an empty record for {@link resolveRow} to fill.
 *
 * @returns the record
 * @example
 * ```ts
 * const row = createResolvedRow();
 * ```
 */
export function createResolvedRow(): ResolvedRow {
  return {
    ok: false,
    error: undefined,
    rawText: '',
    normalizedText: '',
    extension: '',
    defaultClassification: '',
    classifications: [],
    internal: false,
    queueType: QueueType.None,
    queueName: '',
    voicemailCapable: false,
    dialCapable: false,
    autoDialExtension: false,
    tables: undefined,
    match: undefined,
  };
}

/**
 * Resolves a number into `row`: what {@link queryNumber} answers, with the display text, edit base and dial string left
 * to {@link emitRowText} or {@link rowText}. Never throws for a number: a failure is `ok: false` and `error`.
 *
 * @param plan - the compiled plan
 * @param rawText - the number as typed
 * @param options - the query options (location)
 * @param row - the record to fill (from {@link createResolvedRow})
 * @returns `row`
 * @example
 * ```ts
 * const r = resolveRow(plan.compiled, '1-800-456-2354', undefined, createResolvedRow());
 * rowText(r, TextSection.displayText); // '(Toll Free) 1 (800) 456-2354'
 * ```
 */
export function resolveRow(plan: CompiledPlan, rawText: string, options: QueryOptions | undefined, row: ResolvedRow): ResolvedRow {
  try {
    return fillRow(plan, rawText, options, row);
  } catch (e) {
    // As queryNumber: an entry of a precompiled plan that fails its check when first reached is this number's failure.
    if (e instanceof DialPlanError && e.code === 'COMPILED_PLAN_INVALID') return failRow(row, rawText, { code: e.code, message: e.message });
    throw e;
  }
}

function failRow(row: ResolvedRow, rawText: string, error: QueryError): ResolvedRow {
  row.ok = false;
  row.error = error;
  row.rawText = rawText;
  row.match = undefined;
  return row;
}

/** Each plan's `unmatched` settings as an entry profile (the same shape as the tables' profiles). */
const UNMATCHED = new WeakMap<CompiledPlan, EntryProfile>();

function unmatchedProfile(plan: CompiledPlan): EntryProfile {
  let p = UNMATCHED.get(plan);
  if (p === undefined) {
    const u = plan.unmatched;
    p = { classifications: u.classifications, defaultClassification: u.classifications[0] ?? '', internal: u.internal, dialCapable: u.dialCapable };
    UNMATCHED.set(plan, p);
  }
  return p;
}

/** The normalized text of a match whose entry has a normalized template: the template filled, then the suffix. */
function normalizedOf(tables: LocationTables, match: TableMatch): string {
  return (fillSection(tables.entryTemplates, match.entry, match.pattern, 0, match) ?? '') + match.suffix;
}

/** Stops at the first `/` or `^`: a template's text has an extension exactly when this sink stops. */
const SEPARATOR_SCAN: TextSink = {
  piece(s, from, to) {
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c === 47 || c === 94) return false;
    }
    return true;
  },
};

/** The stages of resolveNumber (query.ts), in the same order and with the same defaults. */
function fillRow(plan: CompiledPlan, rawText: string, options: QueryOptions | undefined, row: ResolvedRow): ResolvedRow {
  const tables = selectTables(plan, options?.location);
  if (!('entries' in tables)) return failRow(row, rawText, tables);
  const prepared = prepareNumber(rawText, plan.rules.extensionSeparator);
  if (!prepared.ok) return failRow(row, rawText, prepared.error);
  const sip = prepared.sip;
  const converted = convertNumber(tables, prepared.text, sip).text;
  const found = tables.entryMatcher.find(converted, !sip, tables.entryAccept);
  const profile = found ? entryProfileOf(tables, found) : undefined;
  const match = profile ? found : undefined;
  let normalizedText: string | undefined = converted;
  if (match !== undefined) {
    // Built only when it holds a separator (an extension to read and look up): otherwise the writer copies it from its
    // template, as it does the display text. A suffix starts with a separator.
    const plain = emitSection(tables.entryTemplates, match.entry, match.pattern, 0, match, SEPARATOR_SCAN);
    if (plain === true && match.suffix === '') normalizedText = undefined;
    else if (plain !== undefined) normalizedText = normalizedOf(tables, match);
  }
  // Without a separator there is no extension: resolveExtension gives the same for the empty text.
  const ext = resolveExtension(plan, normalizedText ?? '', sip);
  row.ok = true;
  row.error = undefined;
  row.rawText = rawText;
  row.normalizedText = normalizedText;
  row.extension = ext.extension;
  // One path for matched and unmatched numbers: a branch that only rare rows take has no type feedback when this is
  // optimized, and the first unmatched number threw the optimized code away.
  const source = profile ?? unmatchedProfile(plan);
  row.classifications = source.classifications;
  row.defaultClassification = source.defaultClassification;
  row.internal = source.internal;
  row.dialCapable = source.dialCapable;
  row.queueType = ext.queueType;
  row.queueName = ext.queueName;
  row.voicemailCapable = ext.voicemailCapable;
  row.autoDialExtension = ext.autoDialExtension;
  row.tables = tables;
  row.match = match;
  return row;
}

/**
 * The display text, edit base or dial string of a resolved row, built as a string: what the details (or the query's
 * `dialString`) hold.
 *
 * @param row - a row {@link resolveRow} resolved (`ok`)
 * @param section - which text
 * @returns the text
 * @example
 * ```ts
 * rowText(row, TextSection.editBase); // '18004562354'
 * ```
 */
export function rowText(row: ResolvedRow, section: 0 | TextSectionIndex): string {
  const tables = row.tables;
  if (tables === undefined) return '';
  let normalized = row.normalizedText;
  if (normalized === undefined) {
    normalized = row.normalizedText = normalizedOf(tables, row.match as TableMatch);
  }
  return section === 0 ? normalized : sectionText(tables, row.match, section, normalized);
}

/**
 * Hands the text {@link rowText} gives to a sink, piece by piece, without building it.
 *
 * @param row - a row {@link resolveRow} resolved (`ok`)
 * @param section - which text
 * @param sink - takes the pieces
 * @returns true, or false when the sink stopped (write {@link rowText} instead)
 * @example
 * ```ts
 * if (!emitRowText(row, TextSection.displayText, writer)) writer.text(rowText(row, TextSection.displayText));
 * ```
 */
export function emitRowText(row: ResolvedRow, section: 0 | TextSectionIndex, sink: TextSink): boolean {
  return row.tables === undefined || emitSectionText(row.tables, row.match, section, row.normalizedText, sink);
}
