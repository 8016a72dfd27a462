/**
 * `dialplan batch` as a function of streams: read rows (lines or CSV), resolve them inline or on worker threads, write
 * one output row per input row in input order, and return the summary.
 */
import { DialPlanError } from '../errors.js';
import type { DialPlan } from '../plan.js';
import type { CsvRecord } from './csv.js';
import { createCsvReader } from './csv.js';
import type { BatchLayout, OutputField, OutputFormat } from './format.js';
import { formatHeader, uniqueNames } from './format.js';
import { readTextChunks } from './input.js';
import { createLineSplitter } from './lines.js';
import type { BatchSink } from './pool.js';
import { createInlineSink, createWorkerSink } from './pool.js';
import type { ProcessedBatch } from './process.js';
import type { ProgressState } from './progress.js';
import type { RowBatch, RowProblem } from './rows.js';
import type { BatchCounts, BatchSummary } from './summary.js';
import { emptyCounts, mergeCounts, summarizeBatch } from './summary.js';

/** An output stream: anything with `write`; when it is a Node.js Writable, its back-pressure is respected. */
export interface BatchOutput {
  /**
   * Writes a chunk of output; `false` asks the writer to wait for `drain` (when `once` is there).
   *
   * @param chunk - output text or UTF-8 bytes
   */
  write(chunk: string | Uint8Array): unknown;
  /**
   * Listens once for `drain`, `close` or `error` (Node.js streams).
   *
   * @param event - the event name
   * @param listener - called on the event
   */
  once?(event: string, listener: (...args: unknown[]) => void): unknown;
  /**
   * Removes a listener added with `once`.
   *
   * @param event - the event name
   * @param listener - the listener
   */
  removeListener?(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** What a batch run needs. */
export interface BatchRunOptions {
  readonly plan: DialPlan;
  /** The rules file of `plan`: worker threads load their plan from it. */
  readonly rulesPath: string;
  readonly location?: string | undefined;
  /** The raw input bytes (gzip is detected). */
  readonly input: AsyncIterable<Uint8Array | string>;
  /** The input size in bytes, when known, for the progress percentage. */
  readonly totalBytes?: number | undefined;
  readonly inputFormat: 'lines' | 'csv';
  /** CSV input: the number's column, by header name or 1-based index; the first column by default. */
  readonly column?: string | undefined;
  readonly format: OutputFormat;
  readonly fields: readonly OutputField[];
  /** 1: in the calling thread; more: that many worker threads. */
  readonly workers: number;
  readonly output: BatchOutput;
  /** Called a few times a second while the run goes on. */
  readonly onProgress?: ((p: ProgressState) => void) | undefined;
}

/**
 * Runs a batch: every input row gives exactly one output row, in input order.
 *
 * @param o - the run's input, output and options
 * @returns the summary (rows read and written, counts)
 * @throws DialPlanError `UNKNOWN_COLUMN` when `column` names no column of the CSV header
 * @example
 * ```ts
 * const summary = await runBatch({ plan, rulesPath, input: createReadStream('in.txt'), inputFormat: 'lines',
 *   format: 'ndjson', fields: DETAIL_FIELDS, workers: 1, output: process.stdout });
 * ```
 */
export async function runBatch(o: BatchRunOptions): Promise<BatchSummary> {
  const started = performance.now();
  let bytesRead = 0;
  let rowsRead = 0;
  let rowsWritten = 0;
  const counts: BatchCounts = emptyCounts();
  const timer =
    o.onProgress &&
    setInterval(() => o.onProgress?.({ rows: rowsWritten, elapsedMs: performance.now() - started, bytesRead, totalBytes: o.totalBytes }), 250);
  timer?.unref?.();
  const write = async (chunk: string | Uint8Array): Promise<void> => writeOutput(o.output, chunk);
  let sink: BatchSink | undefined;
  const openSink = async (layout: BatchLayout): Promise<BatchSink> => {
    await write(formatHeader(layout));
    const onBatch = async (p: ProcessedBatch): Promise<void> => {
      mergeCounts(counts, p.counts);
      rowsWritten += p.counts.ok + p.counts.failed;
      await write(p.bytes);
    };
    return o.workers > 1
      ? createWorkerSink(o.workers, { rulesPath: o.rulesPath, location: o.location, layout }, onBatch)
      : createInlineSink(o.plan, layout, o.location, onBatch);
  };
  try {
    const chunks = readTextChunks(o.input, (n) => (bytesRead += n));
    if (o.inputFormat === 'lines') {
      const splitter = createLineSplitter();
      sink = await openSink({ format: o.format, fields: o.fields, carried: [] });
      const submit = async (lines: string[]): Promise<void> => {
        if (lines.length === 0) return;
        const batch: RowBatch = { firstRow: rowsRead + 1, numbers: lines, columns: undefined, problems: undefined };
        rowsRead += lines.length;
        await sink?.submit(batch);
      };
      for await (const text of chunks) await submit(splitter.push(text));
      await submit(splitter.end());
    } else {
      const reader = createCsvReader();
      let toBatch: ((records: readonly CsvRecord[]) => RowBatch) | undefined;
      const submit = async (records: CsvRecord[]): Promise<void> => {
        let from = 0;
        if (toBatch === undefined && records.length > 0) {
          const header = records[0]?.fields ?? [];
          toBatch = csvBatcher(header, o.column, () => rowsRead + 1);
          const number = columnIndex(header, o.column);
          sink = await openSink({ format: o.format, fields: o.fields, carried: uniqueNames(header.filter((_, i) => i !== number)) });
          from = 1;
        }
        if (toBatch === undefined || records.length <= from) return;
        const batch = toBatch(from === 0 ? records : records.slice(from));
        rowsRead += batch.numbers.length;
        await sink?.submit(batch);
      };
      for await (const text of chunks) await submit(reader.push(text));
      await submit(reader.end());
      // An empty input has no header: the output still gets its own.
      sink ??= await openSink({ format: o.format, fields: o.fields, carried: [] });
    }
    await sink.finish();
  } catch (e) {
    await sink?.close();
    throw e;
  } finally {
    if (timer) clearInterval(timer);
  }
  return summarizeBatch(rowsRead, rowsWritten, counts, (performance.now() - started) / 1000);
}

/**
 * The 0-based index of the number's column: a header name (exact, then ignoring case), else a 1-based index.
 *
 * @param header - the CSV header
 * @param column - the `--column` value, or undefined for the first column
 * @returns the index
 * @throws DialPlanError `UNKNOWN_COLUMN`
 */
function columnIndex(header: readonly string[], column: string | undefined): number {
  if (column === undefined) return 0;
  let i = header.indexOf(column);
  if (i < 0) i = header.findIndex((h) => h.toLowerCase() === column.toLowerCase());
  if (i >= 0) return i;
  if (/^[1-9]\d*$/.test(column) && Number(column) <= header.length) return Number(column) - 1;
  throw new DialPlanError('UNKNOWN_COLUMN', `The CSV header has no column "${column}"; it has ${header.map((h) => JSON.stringify(h)).join(', ')}.`);
}

/** Turns CSV records into batches: the number's field, the carried fields, and a problem for a malformed record. */
function csvBatcher(header: readonly string[], column: string | undefined, firstRow: () => number): (records: readonly CsvRecord[]) => RowBatch {
  const number = columnIndex(header, column);
  const width = header.length;
  return (records) => {
    const numbers: string[] = [];
    const columns: string[][] = [];
    let problems: (RowProblem | undefined)[] | undefined;
    records.forEach((r, k) => {
      const f = r.fields;
      // A blank line is one empty field: it is an empty number (EMPTY), not a malformed row.
      const blank = f.length === 1 && f[0] === '';
      numbers.push(f[number] ?? '');
      const carried: string[] = [];
      for (let i = 0; i < width; i++) if (i !== number) carried.push(f[i] ?? '');
      columns.push(carried);
      let problem: string | undefined = r.problem;
      if (problem === undefined && !blank && f.length !== width) {
        problem = `the row has ${f.length} field${f.length === 1 ? '' : 's'}, the header ${width}`;
      }
      if (problem !== undefined) {
        problems ??= [];
        problems[k] = { code: 'MALFORMED_CSV', message: problem };
      }
    });
    return { firstRow: firstRow(), numbers, columns, problems };
  };
}

/** Writes text, waiting for `drain` when the stream asks for it (or until it closes or fails). */
async function writeOutput(out: BatchOutput, chunk: string | Uint8Array): Promise<void> {
  if (chunk.length === 0) return;
  if (out.write(chunk) !== false || out.once === undefined) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      out.removeListener?.('drain', done);
      out.removeListener?.('close', done);
      out.removeListener?.('error', done);
      resolve();
    };
    out.once?.('drain', done);
    out.once?.('close', done);
    out.once?.('error', done);
  });
}
