/**
 * The measuring loop shared by the benchmarks: a warm-up pass, then timed rounds over the whole corpus; the median round
 * is reported, so that one garbage collection or one scheduling hiccup does not decide a figure.
 */
import { performance } from 'node:perf_hooks';

/** A value every benchmark folds its results into, so that the JIT cannot drop the work. */
export let sink = 0;

/**
 * Measures queries per second of `fn` over `inputs`.
 *
 * @param {(text: string) => unknown} fn - one query
 * @param {readonly string[]} inputs - the corpus
 * @param {{ rounds?: number, warmup?: number }} [options] - timed rounds (median taken) and warm-up passes
 * @returns {{ perSecond: number, nsPerQuery: number, rounds: number[] }}
 */
export function measure(fn, inputs, { rounds = 5, warmup = 1 } = {}) {
  const n = inputs.length;
  let acc = 0;
  for (let w = 0; w < warmup; w++) for (let i = 0; i < n; i++) acc += fn(inputs[i]) ? 1 : 0;
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) acc += fn(inputs[i]) ? 1 : 0;
    times.push(performance.now() - t0);
  }
  sink += acc;
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return { perSecond: (n / median) * 1000, nsPerQuery: (median * 1e6) / n, rounds: times };
}

/** Formats a number of queries per second: `1 234 567`. */
export const fmt = (n) => Math.round(n).toLocaleString('en-US').replace(/,/g, ' ');

/**
 * Prints a table with aligned columns.
 *
 * @param {string[]} head - the column titles
 * @param {string[][]} rows - the cells
 */
export function printTable(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
