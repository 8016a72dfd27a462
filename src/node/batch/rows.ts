/**
 * The unit of work of `dialplan batch`: a run of consecutive input rows, as the readers produce them and the processors
 * (inline or in a worker thread) consume them. Plain arrays of strings, so a batch crosses to a worker by structured clone.
 */
import type { ErrorCode } from '../../engine/errors.js';

/** Why an input row could not be queried at all (malformed CSV, an over-long record). */
export interface RowProblem {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * Consecutive rows of the input. Row `firstRow + i` has the number `numbers[i]`, the carried columns `columns[i]` (CSV
 * input only) and, when the reader could not make sense of it, `problems[i]`.
 */
export interface RowBatch {
  /** The 1-based number of the first row of the batch (the CSV header is not a row). */
  readonly firstRow: number;
  readonly numbers: readonly string[];
  /**
   * Line input handed on whole (to worker threads): the rows' numbers joined with `\n` (none holds one), `numbers`
   * then empty. Split where the batch is processed.
   */
  readonly joined?: string | undefined;
  /** Per row, the values of the carried columns, in the order of {@link BatchLayout.carried}; undefined for line input. */
  readonly columns: readonly (readonly string[])[] | undefined;
  /** Per row, the reader's problem, if any; undefined when no row of the batch has one. */
  readonly problems: readonly (RowProblem | undefined)[] | undefined;
}
