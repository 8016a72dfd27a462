/**
 * `dialplan batch` as a function of streams: read rows (lines or CSV), resolve them inline or on worker threads, write
 * one output row per input row in input order, and return the summary.
 */
import { builtin } from '../builtins.js';
import { DialPlanError } from '../../engine/errors.js';
import type { DialPlan } from '../../engine/plan/plan.js';
import type { CsvReader, CsvRecord } from './csv.js';
import { createCsvReader, CSV_DELIMITERS, detectCsvDelimiter } from './csv.js';
import type { BatchLayout, OutputField, OutputFormat } from './format.js';
import { formatHeader, OUTPUT_FIELDS, uniqueNames } from './format.js';
import { describeInvalidByte, hasInvalidBytes, readTextChunks, repairInvalidBytes } from './input.js';
import { createLineSplitter, MAX_RECORD_CHARS } from './lines.js';
import type { BatchSink } from './pool.js';
import { createInlineSink, createWorkerSink, WorkerFailure } from './pool.js';
import type { ProcessedBatch } from './process.js';
import type { ProgressState } from './progress.js';
import type { RowBatch, RowProblem } from './rows.js';
import type { BatchCounts, BatchSummary } from './summary.js';
import { emptyCounts, mergeCounts, summarizeBatch } from './summary.js';

/** An output stream: anything with `write`; when it is a Node.js Writable, its back-pressure and its errors are respected. */
export interface BatchOutput {
  /**
   * Writes a chunk of output; `false` asks the writer to wait for `drain` (when `once` is there). A Node.js stream calls
   * `callback` once the chunk is written (with the error, if it could not be).
   *
   * @param chunk - output text or UTF-8 bytes
   * @param callback - called when the chunk is written or failed (Node.js streams)
   */
  write(chunk: string | Uint8Array, callback?: (error?: Error | null) => void): unknown;
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
  /**
   * The rules file of `plan`, for messages; worker threads load their plan from it only when `rulesText` is not given
   * (the bundled plan's path: its build-time snapshot).
   */
  readonly rulesPath: string;
  /**
   * The YAML text `plan` was loaded from: worker threads compile this very text, so they answer with the plan that was
   * checked, even if the file changes during the run.
   */
  readonly rulesText?: string | undefined;
  readonly location?: string | undefined;
  /** The raw input bytes (gzip is detected). */
  readonly input: AsyncIterable<Uint8Array | string>;
  /** The input size in bytes, when known, for the progress percentage. */
  readonly totalBytes?: number | undefined;
  readonly inputFormat: 'lines' | 'csv';
  /** CSV input: the number's column, by header name or 1-based index; the first column by default. */
  readonly column?: string | undefined;
  /** CSV input: the field separator (`,` `;` tab `|`); detected from the header line when not given. */
  readonly delimiter?: string | undefined;
  /** The number of the row before the first one (0 by default): the rows of a part of a split input are numbered as in the whole. */
  readonly rowOffset?: number | undefined;
  /** CSV output: whether to write the header line; by default only when `rowOffset` is 0. */
  readonly header?: boolean | undefined;
  readonly format: OutputFormat;
  readonly fields: readonly OutputField[];
  /**
   * 1: in the calling thread; N: the calling thread and up to N - 1 worker threads, started as batches need them. A whole
   * number from 1; above the CPUs available (`os.availableParallelism()`) it is lowered to that number, as the command
   * does (each thread is an isolate of its own, and the batches in flight grow with N).
   */
  readonly workers: number;
  readonly output: BatchOutput;
  /** Called a few times a second while the run goes on. */
  readonly onProgress?: ((p: ProgressState) => void) | undefined;
  /**
   * CSV input: called once with the header (the first record, which is not a row) and the index of the number's column
   * in it, before any row is written; the command warns when that header looks like a phone number (a file without a
   * header line, whose first number would otherwise be dropped unseen).
   */
  readonly onHeader?: ((header: readonly string[], column: number) => void) | undefined;
}

/** Why a batch run stopped before its end. */
export type BatchFailure = 'output' | 'output-closed' | 'input' | 'worker';

/**
 * A batch run that stopped before its end: the output could not be written (`output`), was closed by its reader
 * (`output-closed`, a closed pipe), the input could not be read to its end (`input`), or a worker thread failed
 * (`worker`). It carries the summary of what was written up to then.
 *
 * @example
 * ```ts
 * try { await runBatch(options); } catch (e) { if (e instanceof BatchRunError) console.error(e.reason, e.summary.rowsWritten); }
 * ```
 */
export class BatchRunError extends Error {
  override readonly name = 'BatchRunError';
  /** What failed. */
  readonly reason: BatchFailure;
  /** The rows read and written (written: every byte of them accepted by the output) until the failure. */
  readonly summary: BatchSummary;

  /**
   * @param reason - what failed
   * @param message - one line for people
   * @param summary - what was done until then
   * @param cause - the underlying error
   */
  constructor(reason: BatchFailure, message: string, summary: BatchSummary, cause?: unknown) {
    super(message, { cause });
    this.reason = reason;
    this.summary = summary;
  }
}

/**
 * Runs a batch: every input row gives exactly one output row, in input order.
 *
 * @param options - the run's input, output and options
 * @returns the summary (rows read and written, counts)
 * @throws DialPlanError `WRONG_TYPE` when an option is not what its type says (`workers` 0 or 1.5, `format` 'xml', an
 *   unknown field, a negative `rowOffset`, an `input` that is not async-iterable...), before anything is read or written
 * @throws DialPlanError `UNKNOWN_COLUMN` when `column` names no column of the CSV header
 * @throws BatchRunError when the output cannot be written or was closed, the input cannot be read to its end, or a
 *   worker thread fails
 * @example
 * ```ts
 * const summary = await runBatch({ plan, rulesPath, input: createReadStream('in.txt'), inputFormat: 'lines',
 *   format: 'ndjson', fields: DETAIL_FIELDS, workers: 1, output: process.stdout });
 * ```
 */
export async function runBatch(options: BatchRunOptions): Promise<BatchSummary> {
  const o = checkedOptions(options);
  const started = performance.now();
  const rowOffset = o.rowOffset ?? 0;
  let bytesRead = 0;
  let rowsRead = 0;
  let rowsWritten = 0;
  // Once a chunk held bytes that are not UTF-8, rows are checked for their marks (never before: no per-row cost).
  let invalidBytes = false;
  const counts: BatchCounts = emptyCounts();
  const timer =
    o.onProgress &&
    setInterval(() => o.onProgress?.({ rows: rowsWritten, elapsedMs: performance.now() - started, bytesRead, totalBytes: o.totalBytes }), 250);
  timer?.unref?.();
  const out = outputWriter(o.output);
  const summary = (): BatchSummary => summarizeBatch(rowsRead, out.confirmed(), counts, (performance.now() - started) / 1000);
  let sink: BatchSink | undefined;
  // Output memory is reused once written only where the writer is known to keep no reference to it afterwards.
  const recyclable = keepsNoChunks(o.output);
  const openSink = async (layout: BatchLayout): Promise<BatchSink> => {
    if (o.header ?? rowOffset === 0) await out.write(formatHeader(layout), 0);
    const onBatch = async (p: ProcessedBatch): Promise<void> => {
      const rows = p.counts.ok + p.counts.failed;
      // Counted once the output confirms the rows (as rows written are): the summary of a failed run tells what was
      // written, and its resolved and error rows add up to the rows written.
      await out.write(p.bytes, rows, () => {
        mergeCounts(counts, p.counts);
        if (recyclable) sink?.recycle(p.bytes);
      });
      rowsWritten += rows;
    };
    return o.workers > 1
      ? createWorkerSink(o.workers, { rulesPath: o.rulesPath, rulesText: o.rulesText, location: o.location, layout }, onBatch, o.plan)
      : createInlineSink(o.plan, layout, o.location, onBatch);
  };
  try {
    const chunks = crLineEnds(readTextChunks(o.input, (n) => (bytesRead += n), () => (invalidBytes = true)));
    if (o.inputFormat === 'lines') {
      const splitter = createLineSplitter();
      sink = await openSink({ format: o.format, fields: o.fields, carried: [] });
      const submit = async (lines: string[]): Promise<void> => {
        if (lines.length === 0) return;
        const batch: RowBatch = {
          firstRow: rowOffset + rowsRead + 1,
          numbers: lines,
          columns: undefined,
          problems: invalidBytes ? encodingProblems(lines) : undefined,
        };
        rowsRead += lines.length;
        await sink?.submit(batch);
      };
      // For worker threads, complete lines go on as the text they came in (see pushJoined), unless rows must be checked
      // for bytes that are not UTF-8 (each row that holds one gets its own problem).
      const joined = o.workers > 1;
      for await (const text of chunks) {
        const lines = joined && !invalidBytes ? splitter.pushJoined(text) : splitter.push(text);
        if (Array.isArray(lines)) {
          await submit(lines);
          continue;
        }
        const batch: RowBatch = { firstRow: rowOffset + rowsRead + 1, numbers: [], joined: lines.text, columns: undefined, problems: undefined };
        rowsRead += lines.count;
        await sink.submit(batch);
      }
      await submit(splitter.end());
    } else {
      let reader: CsvReader | undefined;
      let head = '';
      let toBatch: ((records: readonly CsvRecord[]) => RowBatch) | undefined;
      // Rows per batch, so that a batch holds at most BATCH_CELLS carried cells: every row carries every column of the
      // header, a short row too (its missing ones empty), so a header of 100 000 columns over 20 000 rows of one
      // character (a 140 KB file) made one chunk's batch 2 billion cells and ran the process out of memory.
      let maxRows = Infinity;
      const submit = async (records: CsvRecord[]): Promise<void> => {
        let from = 0;
        if (toBatch === undefined && records.length > 0) {
          const header = (records[0]?.fields ?? []).map((h) => (invalidBytes ? repairInvalidBytes(h) : h));
          maxRows = Math.max(1, Math.floor(BATCH_CELLS / Math.max(1, header.length)));
          toBatch = csvBatcher(header, o.column, () => rowOffset + rowsRead + 1, () => invalidBytes);
          const number = columnIndex(header, o.column);
          o.onHeader?.(header, number);
          sink = await openSink({ format: o.format, fields: o.fields, carried: uniqueNames(header.filter((_, i) => i !== number)) });
          from = 1;
        }
        if (toBatch === undefined || records.length <= from) return;
        const rows = from === 0 ? records : records.slice(from);
        for (let i = 0; i < rows.length; i += maxRows) {
          const batch = toBatch(rows.length <= maxRows ? rows : rows.slice(i, i + maxRows));
          rowsRead += batch.numbers.length;
          await sink?.submit(batch);
        }
      };
      for await (const text of chunks) {
        if (reader !== undefined) {
          await submit(reader.push(text));
          continue;
        }
        // The separator is read off the header line, so the reader starts once that line is in (or the limit is reached).
        head += text;
        if (o.delimiter === undefined && !head.includes('\n') && head.length <= MAX_RECORD_CHARS) continue;
        reader = createCsvReader({ delimiter: o.delimiter ?? detectCsvDelimiter(head) });
        await submit(reader.push(head));
        head = '';
      }
      reader ??= createCsvReader({ delimiter: o.delimiter ?? detectCsvDelimiter(head) });
      if (head !== '') await submit(reader.push(head));
      await submit(reader.end());
      // An empty input has no header: the output still gets its own.
      sink ??= await openSink({ format: o.format, fields: o.fields, carried: [] });
    }
    await sink.finish();
    await out.flushed();
  } catch (e) {
    await sink?.close();
    out.dispose();
    if (e instanceof DialPlanError) throw e;
    const failure = out.failure();
    if (failure !== undefined) throw new BatchRunError(failure.closed ? 'output-closed' : 'output', failure.message, summary(), failure.error);
    if (e instanceof BatchRunError) throw new BatchRunError(e.reason, e.message, summary(), e.cause);
    if (e instanceof WorkerFailure) throw new BatchRunError('worker', e.message, summary(), e);
    throw new BatchRunError('input', `the input could not be read to its end: ${(e as Error)?.message ?? String(e)}`, summary(), e);
  } finally {
    if (timer) clearInterval(timer);
  }
  out.dispose();
  return summary();
}

/**
 * The most CSV cells (rows times header columns) in one batch: above any ordinary file's chunk (a 64 KiB chunk of
 * a 10-column file is about 30 000 cells), and a bound on a batch's memory and output when the header is very wide.
 */
const BATCH_CELLS = 1 << 18;

/** How much of the input's start tells classic Mac OS line ends from others: no `\n` in it, and a lone `\r`. */
const CR_WINDOW = 65536;

/**
 * The text with classic Mac OS line ends (a lone `\r`, as Excel for Mac's "CSV (Macintosh)" writes) turned into `\n`,
 * when the input's first {@link CR_WINDOW} characters hold a `\r` and no `\n`; any other input passes as it is (a `\r`
 * inside a line of a `\n` file stays in it). Read as they were, such files were one line: a file of numbers became one
 * garbage number, a CSV file a header and no row.
 */
async function* crLineEnds(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let cr: boolean | undefined;
  let held = '';
  // In a file of `\r` line ends, a `\r\n` is one line end too, also when a chunk ends between its two characters.
  let afterCr = false;
  const convert = (text: string): string => {
    if (afterCr && text.charCodeAt(0) === 10) text = text.slice(1);
    afterCr = text.charCodeAt(text.length - 1) === 13;
    return text.replace(/\r\n?/g, '\n');
  };
  const decide = (text: string): boolean => {
    const head = text.slice(0, CR_WINDOW);
    // A `\r` before a NUL is UTF-16's `\r\n` (its rows are INVALID_ENCODING anyway): not taken for a line end here.
    return !head.includes('\n') && /\r(?![\n\0])/.test(head);
  };
  for await (const chunk of chunks) {
    let text = held + chunk;
    held = '';
    if (cr === undefined) {
      if (text.length < CR_WINDOW && !text.includes('\n')) {
        held = text;
        continue;
      }
      cr = decide(text);
    }
    if (cr) text = convert(text);
    if (text !== '') yield text;
  }
  if (held !== '') yield decide(held) ? convert(held) : held;
}

/**
 * The options, checked before anything is read: a wrong one is a `WRONG_TYPE` error naming it, never a run that fails
 * later as if the input were at fault, a row numbered `'5' + 1`, or a thousand worker threads reading the whole input.
 */
function checkedOptions(o: BatchRunOptions): BatchRunOptions {
  const wrong = (option: string, what: string, value: unknown): never => {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value === 'object' && value !== null ? (Array.isArray(value) ? 'an array' : 'an object') : String(value as string);
    throw new DialPlanError('WRONG_TYPE', `runBatch: ${option} must be ${what}, not ${shown}.`);
  };
  if (typeof o !== 'object' || o === null) wrong('the options', 'an object', o);
  if (typeof (o.plan as { query?: unknown } | null)?.query !== 'function') wrong('plan', 'a DialPlan', o.plan);
  const input = o.input as { [Symbol.asyncIterator]?: unknown } | null;
  if (typeof input?.[Symbol.asyncIterator] !== 'function') wrong('input', 'an async iterable of bytes (a stream)', o.input);
  if (typeof (o.output as { write?: unknown } | null)?.write !== 'function') wrong('output', 'a writer (a stream)', o.output);
  if (o.inputFormat !== 'lines' && o.inputFormat !== 'csv') wrong('inputFormat', "'lines' or 'csv'", o.inputFormat);
  if (o.format !== 'ndjson' && o.format !== 'csv') wrong('format', "'ndjson' or 'csv'", o.format);
  if (!Array.isArray(o.fields) || o.fields.length === 0) wrong('fields', 'a list of output fields', o.fields);
  for (const f of o.fields) if (!OUTPUT_FIELDS.includes(f)) wrong('fields', `a list of ${OUTPUT_FIELDS.join(', ')}`, f);
  if (!Number.isSafeInteger(o.workers) || o.workers < 1) wrong('workers', 'a whole number from 1', o.workers);
  if (o.rowOffset !== undefined && (!Number.isSafeInteger(o.rowOffset) || o.rowOffset < 0)) wrong('rowOffset', 'a whole number from 0', o.rowOffset);
  if (o.column !== undefined && typeof o.column !== 'string') wrong('column', 'a header name or 1-based index as text', o.column);
  if (o.delimiter !== undefined && !CSV_DELIMITERS.includes(o.delimiter)) wrong('delimiter', 'one of , ; tab |', o.delimiter);
  if (o.location !== undefined && typeof o.location !== 'string') wrong('location', 'a location name', o.location);
  const cpus = Math.max(1, builtin('node:os').availableParallelism());
  return o.workers > cpus ? { ...o, workers: cpus } : o;
}

/** Per row of line input, an `INVALID_ENCODING` problem for a row holding bytes that are not UTF-8 (and its text repaired). */
function encodingProblems(lines: string[]): (RowProblem | undefined)[] | undefined {
  let problems: (RowProblem | undefined)[] | undefined;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] as string;
    const at = hasInvalidBytes(line);
    if (at < 0) continue;
    problems ??= [];
    problems[k] = { code: 'INVALID_ENCODING', message: `The line is not valid UTF-8: ${describeInvalidByte(line, at)} at character ${at + 1}.` };
    lines[k] = repairInvalidBytes(line);
  }
  return problems;
}

/**
 * Whether an output is done with a chunk once its write callback came: a file stream, a socket or pipe, or the process's
 * standard output (a file or a terminal, written synchronously). Any other writer might keep the chunk (a test
 * collecting them, say), so its memory is never written over.
 */
function keepsNoChunks(out: BatchOutput): boolean {
  return out instanceof builtin('node:fs').WriteStream || out instanceof builtin('node:net').Socket || out === process.stdout;
}

/** What a failed output said, and whether it was only closed by its reader (a closed pipe). */
interface OutputFailure {
  readonly error: Error;
  readonly message: string;
  readonly closed: boolean;
}

/**
 * Writes to the run's output and keeps track of it: the first error it reports (an `error` event, a failed write
 * callback, a throw) stops the run at the next write, so a full disk is never a silent end or a wait that never ends;
 * rows count as written once the output says their bytes are.
 */
function outputWriter(out: BatchOutput): {
  write(chunk: string | Uint8Array, rows: number, written?: () => void): Promise<void>;
  flushed(): Promise<void>;
  confirmed(): number;
  failure(): OutputFailure | undefined;
  dispose(): void;
} {
  const stream = typeof out.once === 'function';
  let error: Error | undefined;
  let confirmed = 0;
  let last: Promise<void> = Promise.resolve();
  const onError = (e: unknown): void => {
    error ??= e instanceof Error ? e : new Error(String(e));
  };
  out.once?.('error', onError);
  const destroyed = (): boolean => (out as { destroyed?: boolean }).destroyed === true;
  const check = (): void => {
    if (error !== undefined) throw error;
    if (stream && destroyed()) {
      // A stream destroyed by its own failure says which; one destroyed without an error was closed.
      const errored = (out as { errored?: unknown }).errored;
      throw (error = errored instanceof Error ? errored : Object.assign(new Error('the output was closed'), { code: 'ERR_STREAM_DESTROYED' }));
    }
  };
  return {
    async write(chunk, rows, onWritten) {
      check();
      if (chunk.length === 0) return;
      let accepted: unknown;
      try {
        if (!stream) {
          out.write(chunk);
          confirmed += rows;
          onWritten?.();
          return;
        }
        let written!: () => void;
        last = new Promise<void>((resolve) => (written = resolve));
        try {
          accepted = out.write(chunk, (e) => {
            if (e) onError(e);
            else {
              confirmed += rows;
              onWritten?.();
            }
            written();
          });
        } catch (e) {
          written();
          throw e;
        }
      } catch (e) {
        onError(e);
      }
      if (accepted === false && error === undefined && !destroyed()) {
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
      check();
    },
    async flushed() {
      // The callback of the last write comes once every earlier chunk is written (or failed); an error or a close
      // that comes instead also ends the wait.
      if (stream && error === undefined && !destroyed()) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            out.removeListener?.('close', done);
            out.removeListener?.('error', done);
            resolve();
          };
          out.once?.('close', done);
          out.once?.('error', done);
          void last.then(done);
        });
      }
      check();
    },
    confirmed: () => confirmed,
    failure() {
      if (error === undefined) return undefined;
      const code = (error as NodeJS.ErrnoException).code;
      const closed = code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ECONNRESET';
      return { error, closed, message: code === undefined ? error.message : describeSystemError(error as NodeJS.ErrnoException) };
    },
    dispose() {
      // Errors after the run (none expected) still have a listener: an unheard `error` event would end the process.
      if (error === undefined) out.removeListener?.('error', onError);
    },
  };
}

/** A system error in one line: `no space left on device (ENOSPC)`. */
function describeSystemError(e: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EIO: 'input/output error',
    EFBIG: 'file too large',
    EPIPE: 'the reader closed the pipe',
    EBADF: 'bad file descriptor',
    EACCES: 'permission denied',
    EROFS: 'read-only file system',
  };
  const code = e.code ?? '';
  return `${known[code] ?? e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ .*$/, '')} (${code})`;
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
function csvBatcher(
  header: readonly string[],
  column: string | undefined,
  firstRow: () => number,
  invalidBytes: () => boolean,
): (records: readonly CsvRecord[]) => RowBatch {
  const number = columnIndex(header, column);
  const width = header.length;
  return (records) => {
    const numbers: string[] = [];
    const columns: string[][] = [];
    let problems: (RowProblem | undefined)[] | undefined;
    const check = invalidBytes();
    records.forEach((r, k) => {
      let f = r.fields;
      if (check) {
        const bad = f.findIndex((v) => hasInvalidBytes(v) >= 0);
        if (bad >= 0) {
          const v = f[bad] as string;
          const at = hasInvalidBytes(v);
          const message = `The row is not valid UTF-8: ${describeInvalidByte(v, at)} at character ${at + 1} of field ${bad + 1}.`;
          f = f.map(repairInvalidBytes);
          numbers.push(f[number] ?? '');
          const carried: string[] = [];
          for (let i = 0; i < width; i++) if (i !== number) carried.push(f[i] ?? '');
          columns.push(carried);
          problems ??= [];
          problems[k] = { code: 'INVALID_ENCODING', message };
          return;
        }
      }
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


