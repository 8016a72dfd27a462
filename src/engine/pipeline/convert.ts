/**
 * Stage 2 of the pipeline: the input-conversion table rewrites the prepared number (`NXXXXXX` to `+1317NXXXXXX`).
 */
import type { LocationTables } from '../plan/compile.js';
import { runFiller } from '../match/automaton-fill.js';
import type { TableMatch } from '../match/match.js';
import { fillTemplate } from '../match/template.js';

/** What input conversion did. */
export interface ConversionOutcome {
  /** The converted number: the entry's output, or the prepared number when no entry matched. */
  readonly text: string;
  /** The index of the entry that matched, or -1. */
  readonly entry: number;
  readonly match: TableMatch | undefined;
}

/**
 * Applies the first input conversion whose pattern matches the whole prepared number; with none, the number goes on unchanged.
 * A number with an extension that only matches without it keeps the extension after the output.
 *
 * @param tables - the location's compiled tables
 * @param prepared - the prepared number
 * @param sip - whether the number is a SIP address (no extension is carried)
 * @returns the converted number and the entry used
 * @example
 * ```ts
 * convertNumber(tables, '5551234', false).text; // '+13175551234' with the default plan
 * ```
 */
export function convertNumber(tables: LocationTables, prepared: string, sip: boolean): ConversionOutcome {
  const match = tables.conversionMatcher.find(prepared, !sip);
  if (!match) return { text: prepared, entry: -1, match: undefined };
  const conv = tables.conversions[match.entry];
  const pattern = conv?.patterns[match.pattern];
  if (!conv || !pattern) return { text: prepared, entry: -1, match: undefined };
  // `output` compiled for the pattern that matched: the same text fillTemplate gives, without working it out per query.
  const filler = conv.outputFillers[match.pattern];
  const output = filler ? runFiller(filler, match) : fillTemplate(conv.output, pattern, match.matched, match.groups, { classification: '', vars: tables.vars });
  return { text: output + match.suffix, entry: match.entry, match };
}
