/**
 * Turns one batch of input rows into its output text and counts. The same function runs in the main thread
 * (`--workers 1`) and in each worker thread, so both give byte-identical output.
 */
import type { CompiledPlan } from '../../engine/plan/compile.js';
import type { DialPlan } from '../../engine/plan/plan.js';
import { engineCompiledPlan } from '../../engine/plan/plan.js';
import { createResolvedRow, resolveRow } from '../../engine/pipeline/resolve-row.js';
import type { QueryError, QueryOptions, QueryResult } from '../../engine/types.js';
import { ByteWriter } from './bytes.js';
import type { PartsFormatter, RowFormatter } from './format.js';
import type { RowBatch } from './rows.js';
import type { BatchCounts } from './summary.js';
import { emptyCounts } from './summary.js';

/** The output of one batch. */
export interface ProcessedBatch {
  /** The output rows as UTF-8, one line per input row, in order. Its own memory, so a worker can transfer it. */
  readonly bytes: Uint8Array;
  readonly counts: BatchCounts;
}

/**
 * Queries every row of a batch and formats the output rows. A row the reader flagged (malformed CSV, cut) is not queried:
 * its output row carries the reader's problem as its error.
 *
 * @param plan - the dial plan
 * @param batch - the rows
 * @param format - the row formatter of the run
 * @param options - the query options (location)
 * @param reuse - an earlier batch's output memory, written over when large enough (the output is done with it)
 * @returns the output text and counts
 * @example
 * ```ts
 * const out = processBatch(plan, { firstRow: 1, numbers: ['6929'], columns: undefined, problems: undefined }, formatter, {});
 * ```
 */
export function processBatch(plan: DialPlan, batch: RowBatch, format: RowFormatter, options: QueryOptions, reuse?: ArrayBuffer): ProcessedBatch {
  const counts = emptyCounts();
  const { columns, problems } = batch;
  const numbers = batch.joined !== undefined ? batch.joined.split('\n') : batch.numbers;
  // Tallied in Maps, then copied into the plain objects of the counts: a null-prototype object indexed by ever-changing
  // keys is a megamorphic lookup on every row.
  const byClassification = new Map<string, number>();
  const byError = new Map<string, number>();
  // Most output rows are about 350 bytes (NDJSON, every field); the writer grows if a batch needs more.
  // Rounded up to 256 KiB, so that batches of about the same size can take each other's memory.
  const out = new ByteWriter(Math.ceil((numbers.length * 384) / 262144) * 262144, reuse);
  // The default selection: numbers resolved into one reused record, their texts copied from the templates into the
  // output (see resolveRow); the same bytes as the formatter writes from `query`'s answer for any other selection.
  // Only for a plan the engine made: a plan object with a `query` of its own (a wrapper, a double) is asked as it is.
  const compiled = engineCompiledPlan(plan);
  const parts = compiled !== undefined ? format.parts : undefined;
  const row = parts !== undefined ? createResolvedRow() : undefined;
  const tally = (classification: string, dialCapable: boolean): void => {
    counts.ok++;
    byClassification.set(classification, (byClassification.get(classification) ?? 0) + 1);
    // Counted on every row rather than in a branch: a branch that only a few rows take (26 of the benchmark's million)
    // has no type feedback when this loop is optimized, and the first row to take it threw the optimized code away.
    counts.notDialCapable += dialCapable ? 0 : 1;
  };
  for (let i = 0; i < numbers.length; i++) {
    const raw = numbers[i] as string;
    const problem = problems?.[i];
    let error: QueryError | undefined;
    let answer: QueryResult | undefined;
    if (problem === undefined && row !== undefined) {
      resolveRow(compiled as CompiledPlan, raw, options, row);
      if (row.ok) tally(row.defaultClassification, row.dialCapable);
      else error = row.error;
    } else if (problem === undefined) {
      answer = plan.query(raw, options);
      if (answer.ok) tally(answer.details.defaultClassification, answer.details.dialCapable);
      else error = answer.error;
    }
    const failure = problem ?? error;
    if (failure !== undefined) {
      counts.failed++;
      byError.set(failure.code, (byError.get(failure.code) ?? 0) + 1);
      format(out, batch.firstRow + i, raw, columns?.[i], problem ?? answer ?? { ok: false, error: error as QueryError });
    } else if (row !== undefined) {
      (parts as PartsFormatter)(out, batch.firstRow + i, columns?.[i], row);
    } else {
      format(out, batch.firstRow + i, raw, columns?.[i], answer as QueryResult);
    }
  }
  return finish(out, counts, byClassification, byError);
}

/** The batch's output and counts, the tallies copied into the counts. */
function finish(out: ByteWriter, counts: BatchCounts, byClassification: Map<string, number>, byError: Map<string, number>): ProcessedBatch {
  for (const [k, v] of byClassification) counts.byClassification[k] = v;
  for (const [k, v] of byError) counts.byError[k] = v;
  return { bytes: out.finish(), counts };
}
