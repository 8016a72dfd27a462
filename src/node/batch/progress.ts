/**
 * The progress line of `dialplan batch` on a terminal: a pure formatter, drawn by the command a few times a second.
 */

/** Where a run stands. */
export interface ProgressState {
  readonly rows: number;
  readonly elapsedMs: number;
  /** Input bytes read so far (compressed bytes for gzip input). */
  readonly bytesRead: number;
  /** The input's size in bytes, when known (a regular file). */
  readonly totalBytes: number | undefined;
}

/**
 * Formats the progress line: rows, rows/s, and when the input size is known the percentage read and the time left.
 *
 * @param p - where the run stands
 * @returns the line, without line end or terminal control characters
 * @example
 * ```ts
 * formatProgress({ rows: 250000, elapsedMs: 500, bytesRead: 5e6, totalBytes: 2e7 });
 * // '250 000 rows  500 000 rows/s  25.0%  0:02 left'
 * ```
 */
export function formatProgress(p: ProgressState): string {
  const rate = p.elapsedMs > 0 ? Math.round((p.rows * 1000) / p.elapsedMs) : 0;
  let s = `${groupDigits(p.rows)} rows  ${groupDigits(rate)} rows/s`;
  if (p.totalBytes !== undefined && p.totalBytes > 0) {
    const fraction = Math.min(1, p.bytesRead / p.totalBytes);
    s += `  ${(fraction * 100).toFixed(1)}%`;
    if (fraction > 0 && p.elapsedMs > 0) s += `  ${formatDuration((p.elapsedMs * (1 - fraction)) / fraction)} left`;
  }
  return s;
}

function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

function formatDuration(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
