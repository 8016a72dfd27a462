/**
 * The counts `dialplan batch` reports at the end: rows read and written, by classification, by error code, and how many
 * rows are not dial-capable. Workers count their own batches; the counts are merged in the main thread.
 */

/** Counts of some rows. Plain objects, so that they cross from a worker by structured clone. */
export interface BatchCounts {
  /** Rows that resolved to details. */
  ok: number;
  /** Rows that gave an error row. */
  failed: number;
  /** Resolved rows whose `dialCapable` is false. */
  notDialCapable: number;
  /** Resolved rows by their default classification. */
  byClassification: Record<string, number>;
  /** Failed rows by error code. */
  byError: Record<string, number>;
}

/** The summary of a whole run, as `--summary-json` writes it. */
export interface BatchSummary {
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly rowsOk: number;
  readonly rowsFailed: number;
  readonly dialCapableFalse: number;
  readonly byClassification: Readonly<Record<string, number>>;
  readonly byError: Readonly<Record<string, number>>;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/**
 * Empty counts.
 *
 * @returns counts of no rows
 * @example
 * ```ts
 * const c = emptyCounts(); // { ok: 0, failed: 0, notDialCapable: 0, byClassification: {}, byError: {} }
 * ```
 */
export function emptyCounts(): BatchCounts {
  return { ok: 0, failed: 0, notDialCapable: 0, byClassification: Object.create(null) as Record<string, number>, byError: Object.create(null) as Record<string, number> };
}

/**
 * Adds counts into a total (in place: the total is the run's accumulator).
 *
 * @param total - the accumulator, changed
 * @param more - counts to add
 * @returns the total
 * @example
 * ```ts
 * mergeCounts(total, batchCounts);
 * ```
 */
export function mergeCounts(total: BatchCounts, more: BatchCounts): BatchCounts {
  total.ok += more.ok;
  total.failed += more.failed;
  total.notDialCapable += more.notDialCapable;
  for (const [k, v] of Object.entries(more.byClassification)) total.byClassification[k] = (total.byClassification[k] ?? 0) + v;
  for (const [k, v] of Object.entries(more.byError)) total.byError[k] = (total.byError[k] ?? 0) + v;
  return total;
}

/**
 * Builds the run's summary.
 *
 * @param rowsRead - rows the reader produced
 * @param rowsWritten - output rows written
 * @param counts - the merged counts
 * @param seconds - elapsed time
 * @returns the summary
 * @example
 * ```ts
 * summarizeBatch(10, 10, counts, 0.5).rowsPerSecond; // 20
 * ```
 */
export function summarizeBatch(rowsRead: number, rowsWritten: number, counts: BatchCounts, seconds: number): BatchSummary {
  return {
    rowsRead,
    rowsWritten,
    rowsOk: counts.ok,
    rowsFailed: counts.failed,
    dialCapableFalse: counts.notDialCapable,
    byClassification: sortedByCount(counts.byClassification),
    byError: sortedByCount(counts.byError),
    seconds: Math.round(seconds * 1000) / 1000,
    rowsPerSecond: seconds > 0 ? Math.round(rowsWritten / seconds) : 0,
  };
}

function sortedByCount(counts: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

/**
 * The summary as the lines printed to standard error.
 *
 * @param s - the summary
 * @returns the text, ending with a newline
 * @example
 * ```ts
 * formatSummary(summary); // 'dialplan batch: 3 rows read, 3 written (2 resolved, 1 error) in 0.01 s ...'
 * ```
 */
export function formatSummary(s: BatchSummary): string {
  const list = (o: Readonly<Record<string, number>>): string => {
    const e = Object.entries(o);
    return e.length === 0 ? 'none' : e.map(([k, v]) => `${k} ${v}`).join(', ');
  };
  return (
    `dialplan batch: ${s.rowsRead} rows read, ${s.rowsWritten} written (${s.rowsOk} resolved, ${s.rowsFailed} error${s.rowsFailed === 1 ? '' : 's'}) ` +
    `in ${s.seconds.toFixed(2)} s (${s.rowsPerSecond} rows/s)\n` +
    `  by classification: ${list(s.byClassification)}\n` +
    `  by error: ${list(s.byError)}\n` +
    `  dialCapable false: ${s.dialCapableFalse}\n`
  );
}
