/**
 * `dialplan batch [FILE|-] [--rules FILE] [--location NAME] [--in csv|lines] [--column NAME|INDEX] [--delimiter SEP]
 * [--out FILE] [--format ndjson|csv] [--fields a,b,c] [--workers N|auto] [--row-offset N] [--header|--no-header]
 * [--strict] [--summary-json FILE]`
 */
import { isUtf8 } from 'node:buffer';
import type { Stats, WriteStream } from 'node:fs';
import { createReadStream, createWriteStream, fstatSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { CSV_DELIMITERS } from '../batch/csv.js';
import type { OutputField, OutputFormat } from '../batch/format.js';
import { parseFieldList } from '../batch/format.js';
import type { OutputFile } from '../batch/output.js';
import { openOutputFile, sameFile } from '../batch/output.js';
import { formatProgress } from '../batch/progress.js';
import type { BatchOutput } from '../batch/run.js';
import { BatchRunError, runBatch } from '../batch/run.js';
import type { BatchSummary } from '../batch/summary.js';
import { formatSummary } from '../batch/summary.js';
import { formatProblem } from '../../engine/errors.js';
import { DEFAULT_RULES_PATH } from '../files.js';
import { safeLoadDialPlan } from '../../engine/plan/load.js';
import type { DialPlan } from '../../engine/plan/plan.js';
import { DETAIL_FIELDS } from '../../engine/types.js';
import type { CliIo, Command } from './io.js';
import { defineCommand, EXIT, UsageError } from './io.js';
import { loadRulesOption, locationOption, PLAN_OPTIONS, readFileBounded, refuseOutputOverInput } from './rules.js';

/** Help text of `dialplan batch`. */
export const BATCH_HELP = `Usage: dialplan batch [FILE|-] [options]

Resolves every number of a file (or of standard input) with the dial plan and writes one output
row per input row, in input order. Gzip input is detected and read. See docs/batch.md.

Options:
  -r, --rules FILE         the rule file (default: the bundled rules/default.yaml)
  -l, --location NAME      the plan location to query with
      --in lines|csv       input format (default: csv for *.csv and *.csv.gz files, else lines)
      --column NAME|INDEX  CSV input: the number's column, by header name or 1-based index (default: 1);
                           the other columns are carried to the output
      --delimiter SEP      CSV input: the field separator: , ; | or tab (also \\t); default: the one
                           of these found most often in the header line (, when none)
  -o, --out FILE           write to FILE instead of standard output (through a temporary file,
                           renamed into place when the run succeeds)
  -f, --format ndjson|csv  output format (default: ndjson; CSV output is always comma-separated)
      --fields a,b,c       output fields (default: every details field; dialString may be added)
  -w, --workers N|auto     threads answering queries (default: 1, the main thread; N: the main thread
                           and N-1 worker threads; auto: one per CPU; N is capped at the CPUs
                           available, and no more start than the input needs)
      --row-offset N       number the rows from N+1 (a part of a split input, numbered as in the whole)
      --header             CSV output: write the header line even with --row-offset above 0
      --no-header          CSV output: never write the header line (default: only when --row-offset is 0)
      --strict             exit 1 when some row has an error
      --summary-json FILE  also write the summary as JSON to FILE
  -h, --help               this help

Exit codes: 0 every row written (rows with errors included, unless --strict), or the output was
closed by its reader (| head); 1 some row had an error with --strict, the input could not be
read to its end, the output could not be written (a full disk) or a worker failed: a one-line
message and the summary of what was written; 2 bad arguments or rules, or --out naming the input;
130/143 interrupted by SIGINT/SIGTERM (the --out file is then left as it was).
`;

/** Runs `dialplan batch`. */
export const batchCommand: Command = defineCommand({
  help: BATCH_HELP,
  options: {
    ...PLAN_OPTIONS,
    in: { type: 'string' },
    column: { type: 'string' },
    delimiter: { type: 'string' },
    out: { type: 'string', short: 'o' },
    format: { type: 'string', short: 'f' },
    fields: { type: 'string' },
    workers: { type: 'string', short: 'w' },
    'row-offset': { type: 'string' },
    header: { type: 'boolean' },
    'no-header': { type: 'boolean' },
    strict: { type: 'boolean' },
    'summary-json': { type: 'string' },
  },
  run: async ({ values, positionals }, io) => {
    if (positionals.length > 1) throw new UsageError('dialplan batch reads one FILE (or - for standard input).');
    const file = positionals[0] === '-' ? undefined : positionals[0];
    const inputFormat = values.in ?? (file !== undefined && /\.csv(\.gz)?$/i.test(file) ? 'csv' : 'lines');
    if (inputFormat !== 'lines' && inputFormat !== 'csv') throw new UsageError(`--in must be lines or csv, not "${inputFormat}".`);
    if (values.column !== undefined && inputFormat !== 'csv') throw new UsageError('--column needs CSV input (--in csv).');
    if (values.delimiter !== undefined && inputFormat !== 'csv') throw new UsageError('--delimiter needs CSV input (--in csv).');
    const delimiter = parseDelimiter(values.delimiter);
    const format = values.format ?? 'ndjson';
    if (format !== 'ndjson' && format !== 'csv') throw new UsageError(`--format must be ndjson or csv, not "${format}".`);
    let fields: readonly OutputField[] = DETAIL_FIELDS;
    if (values.fields !== undefined) {
      const f = parseFieldList(values.fields);
      if (!f.ok) throw new UsageError(`Unknown field "${f.unknown}" in --fields; the fields are ${[...DETAIL_FIELDS, 'dialString'].join(', ')}.`);
      fields = f.fields;
    }
    const rowOffset = parseRowOffset(values['row-offset']);
    if (values.header && values['no-header']) throw new UsageError('--header and --no-header contradict each other.');
    const header = values.header ? true : values['no-header'] ? false : undefined;
    const workers = parseWorkers(values.workers, io);

    const rules = loadBatchRules(values.rules, io);
    if (!rules) return EXIT.usage;
    const { plan, text: rulesText } = rules;
    locationOption(plan, values.location); // throws a usage error for a location the plan does not have
    const rulesPath = values.rules === undefined ? DEFAULT_RULES_PATH : resolve(io.cwd, values.rules);

    let totalBytes: number | undefined;
    let input: AsyncIterable<Uint8Array | string> = io.stdin;
    let inputStat: Stats | undefined;
    if (file !== undefined) {
      const path = resolve(io.cwd, file);
      try {
        const st = statSync(path);
        if (st.isDirectory()) throw new UsageError(`${file} is a directory.`);
        if (st.isFile()) totalBytes = st.size;
        inputStat = st;
        // Opened here, so that an unreadable file is a usage error (exit 2) rather than a failure half-way.
        input = createReadStream(path, { fd: openSync(path, 'r'), highWaterMark: 64 * 1024 });
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
      }
    } else if ((io.stdin as { fd?: unknown }).fd === 0) {
      try {
        inputStat = fstatSync(0);
      } catch {
        // No standard input to compare with.
      }
    }
    const closeInput = (): void => void (input as { destroy?: () => void }).destroy?.();

    // Writing over the input would empty it before it is read: refused before anything is written.
    for (const [option, value] of [['--out', values.out], ['--summary-json', values['summary-json']]] as const) {
      if (value === undefined || inputStat === undefined || !inputStat.isFile()) continue;
      let st: Stats | undefined;
      try {
        st = statSync(resolve(io.cwd, value));
      } catch {
        continue;
      }
      if (sameFile(st, inputStat)) {
        closeInput();
        throw new UsageError(`${option} ${value} is the input file; write the output to another file.`);
      }
    }
    // Nor may the output or the summary replace the rule file (read already, and still wanted), or each other.
    try {
      for (const [option, value, as, suggest] of [
        ['--out', values.out, 'the batch output', '.ndjson'],
        ['--summary-json', values['summary-json'], 'the summary', '.summary.json'],
      ] as const) {
        if (values.rules !== undefined) refuseOutputOverInput(io.cwd, values.rules, option, value, { noun: 'rule file (--rules)', writes: as, as, suggest });
      }
      if (values.out !== undefined && values['summary-json'] !== undefined && resolve(io.cwd, values.out) === resolve(io.cwd, values['summary-json'])) {
        throw new UsageError(`--summary-json ${values['summary-json']} is the --out file too; write the summary to another file.`);
      }
      if (values.out !== undefined && values['summary-json'] !== undefined) {
        refuseOutputOverInput(io.cwd, values.out, '--summary-json', values['summary-json'], { noun: '--out file', writes: 'the summary', as: 'the summary', suggest: '.summary.json' });
      }
    } catch (e) {
      closeInput();
      throw e;
    }
    // The summary is written after the run: a name it cannot have (a folder, a missing folder) is refused before it.
    if (values['summary-json'] !== undefined) {
      const path = resolve(io.cwd, values['summary-json']);
      const why = isDirectory(path) ? 'it is a directory' : !isDirectory(dirname(path)) ? `no folder ${dirname(path)}` : undefined;
      if (why !== undefined) {
        closeInput();
        throw new UsageError(`Cannot write --summary-json ${values['summary-json']}: ${why}.`);
      }
    }

    // A Node.js stream takes the output bytes as they are (and has back-pressure); any other writer is given text.
    const stdout = io.stdout as BatchOutput;
    let output: BatchOutput =
      typeof stdout.once === 'function'
        ? stdout
        : { write: (c: string | Uint8Array) => io.stdout.write(typeof c === 'string' ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('utf8')) };
    // Standard output redirected to a regular file is written through a file stream of its own: Node.js writes such a
    // stdout synchronously and takes a short write (the disk filled up half-way through a chunk) for a whole one, so
    // the summary counted rows the file never got. A file stream writes the rest, and that fails (ENOSPC, EFBIG).
    let stdoutFile: WriteStream | undefined;
    if (values.out === undefined && stdout === (process.stdout as unknown) && isRegularFile(1)) {
      stdoutFile = createWriteStream('', { fd: 1, autoClose: false, highWaterMark: 4 * 1024 * 1024 });
      stdoutFile.on('error', () => {});
      output = stdoutFile;
    }
    let outFile: OutputFile | undefined;
    const outName = values.out ?? 'standard output';
    const signals = { outFile: undefined as OutputFile | undefined };
    let removeSignals: () => void = () => {};
    // Standard output by name is standard output itself: opening it again fails when it is a socket.
    if (values.out !== undefined && !/^\/dev\/(stdout|fd\/1)$|^\/proc\/self\/fd\/1$/.test(resolve(io.cwd, values.out))) {
      // The signal handlers come before the temporary file: a SIGINT or SIGTERM in between would otherwise end the
      // process with the default action and leave the temporary behind.
      removeSignals = onSignals(signals, (line) => {
        try {
          // On a terminal, over the progress line (Ctrl-C comes while it is drawn).
          io.stderr.write(`${io.stderrIsTty ? '\r\x1b[K' : ''}dialplan batch: ${line}; ${values.out} left as it was, nothing of this run written to it.\n`);
        } catch {
          // A closed standard error: the exit code still says it.
        }
      });
      try {
        outFile = openOutputFile(resolve(io.cwd, values.out));
        signals.outFile = outFile;
      } catch (e) {
        removeSignals();
        closeInput();
        throw new UsageError(`Cannot write ${values.out}: ${describeFsError(e)}.`);
      }
      // Writing a device or a pipe directly leaves nothing to clean up: the default actions of the signals apply.
      if (outFile.tempPath === undefined) {
        removeSignals();
        removeSignals = () => {};
      }
      // Errors are read from the writes and the commit; this listener only keeps a late one from ending the process.
      outFile.stream.on('error', () => {});
      output = outFile.stream;
    }

    const stderr = guardStderr(io);
    // While the batch writes standard output, its errors are the batch's: a full disk is reported with the summary, a
    // closed pipe ends the run quietly. The process-wide handler (which just exits) is put back afterwards.
    const restoreStdout = outFile === undefined ? takeErrors(io.stdout) : () => {};

    const tty = io.stderrIsTty;
    let drawn = false;
    const clearProgress = (): void => {
      if (drawn) stderr.write('\r\x1b[K');
      drawn = false;
    };
    const failed = (message: string, summary: BatchSummary | undefined): number => {
      clearProgress();
      stderr.write(`dialplan batch: ${message}\n`);
      // A failed run removes its temporary file: what went to it was never written under the requested name.
      const discarded = outFile?.tempPath !== undefined;
      if (summary) stderr.write(formatSummary(discarded ? nothingWritten(summary) : summary));
      if (discarded) stderr.write(`dialplan batch: ${values.out} left as it was, nothing of this run written to it.\n`);
      return EXIT.failed;
    };
    try {
      let summary: BatchSummary;
      try {
        summary = await runBatch({
          plan,
          rulesPath,
          rulesText,
          location: values.location,
          input,
          totalBytes,
          inputFormat,
          column: values.column,
          delimiter,
          rowOffset,
          header,
          format: format as OutputFormat,
          fields,
          workers,
          output,
          onHeader: (names, column) => {
            const name = names[column] ?? '';
            // A file of numbers without a header line: its first number is taken for the header and is not a row.
            clearProgress();
            if (/^[+(]?[\d\s().-]*$/.test(name) && (name.match(/\d/g)?.length ?? 0) >= 5) {
              stderr.write(`dialplan batch: the CSV header's number column is ${JSON.stringify(name)}, which looks like a number: the first record of CSV input is its header, not a row (a file of numbers without a header: --in lines).\n`);
            }
          },
          onProgress: tty
            ? (p) => {
                drawn = true;
                stderr.write(`\r${formatProgress(p)}\x1b[K`);
              }
            : undefined,
        });
      } catch (e) {
        outFile?.abort();
        closeInput();
        if ((e as { code?: unknown }).code === 'UNKNOWN_COLUMN') throw new UsageError((e as Error).message);
        if (e instanceof BatchRunError) {
          // A reader that stopped reading (| head) is not a failure of the batch: nothing more to say.
          if (e.reason === 'output-closed') return (clearProgress(), EXIT.ok);
          if (e.reason === 'output') return failed(`cannot write ${outName}: ${e.message}`, e.summary);
          return failed(e.message, e.summary);
        }
        return failed((e as Error)?.message ?? String(e), undefined);
      }
      if (outFile) {
        try {
          await outFile.commit();
        } catch (e) {
          outFile.abort();
          return failed(`cannot write ${outName}: ${describeFsError(e)}`, summary);
        }
      }
      clearProgress();
      if (values['summary-json'] !== undefined) {
        try {
          writeFileSync(resolve(io.cwd, values['summary-json']), JSON.stringify(summary, null, 2) + '\n');
        } catch (e) {
          return failed(`cannot write ${values['summary-json']}: ${describeFsError(e)}`, summary);
        }
      }
      stderr.write(formatSummary(summary));
      return values.strict && summary.rowsFailed > 0 ? EXIT.failed : EXIT.ok;
    } finally {
      removeSignals();
      restoreStdout();
    }
  },
});

/**
 * Loads the plan of `--rules FILE` from text read once: the same text is handed to the worker threads, so they use the
 * plan checked here even if the file changes during the run. A file that cannot be read this way (missing, too large,
 * not UTF-8) is left to the shared loader, which reports the problem as every command does.
 */
function loadBatchRules(file: string | undefined, io: CliIo): { readonly plan: DialPlan; readonly text: string | undefined } | undefined {
  if (file === undefined) {
    const plan = loadRulesOption(undefined, io);
    return plan && { plan, text: undefined };
  }
  let bytes: Buffer | undefined;
  try {
    // Bounded: `--rules /dev/zero` is the loader's TOO_LARGE at once, not a read that never ends.
    const read = readFileBounded(resolve(io.cwd, file), 16 * 1024 * 1024);
    bytes = 'bytes' in read ? read.bytes : undefined;
  } catch {
    bytes = undefined;
  }
  if (bytes === undefined || !isUtf8(bytes)) {
    const plan = loadRulesOption(file, io);
    if (!plan) return undefined;
    // Loaded by the shared loader (a limit raised, say): its text is read once more for the workers.
    try {
      return { plan, text: readFileSync(resolve(io.cwd, file), 'utf8') };
    } catch {
      return { plan, text: undefined };
    }
  }
  const text = bytes.toString('utf8');
  const r = safeLoadDialPlan(text, { file });
  if (r.ok) return { plan: r.plan, text };
  const errors = r.problems.filter((p) => p.severity === 'error');
  io.stderr.write(`dialplan: cannot load ${file} (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n`);
  for (const p of r.problems) io.stderr.write(formatProblem(p) + '\n');
  return undefined;
}

/** Whether a path names a folder (following links). */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Whether a file descriptor is open on a regular file. */
function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

function parseWorkers(value: string | undefined, io: CliIo): number {
  if (value === undefined) return 1;
  const cpus = Math.max(1, availableParallelism());
  if (value === 'auto') return cpus;
  if (!/^\d+$/.test(value) || /^0+$/.test(value)) throw new UsageError(`--workers must be a positive integer or auto, not "${value}".`);
  const n = Number(value);
  if (n > cpus) {
    io.stderr.write(`dialplan batch: --workers ${value} is more than the ${cpus} CPU${cpus === 1 ? '' : 's'} available; using ${cpus}.\n`);
    return cpus;
  }
  return n;
}

function parseRowOffset(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new UsageError(`--row-offset must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, not "${value}".`);
  return n;
}

function parseDelimiter(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const sep = value === 'tab' || value === '\\t' ? '\t' : value;
  if (!CSV_DELIMITERS.includes(sep)) throw new UsageError(`--delimiter must be one of , ; | tab (or \\t), not "${value}".`);
  return sep;
}

/** A summary of rows none of which reached the output (its temporary file removed): only the rows read are left. */
function nothingWritten(s: BatchSummary): BatchSummary {
  return { ...s, rowsWritten: 0, rowsOk: 0, rowsFailed: 0, dialCapableFalse: 0, byClassification: {}, byError: {}, rowsPerSecond: 0 };
}

function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'it is a directory',
    ENOSPC: 'no space left on device (ENOSPC)',
    EROFS: 'read-only file system',
    ENOTDIR: 'a part of the path is not a directory',
  };
  return (err?.code !== undefined ? known[err.code] : undefined) ?? err?.message ?? String(e);
}

type Listener = (...args: unknown[]) => void;
interface Emitter {
  listeners?(event: string): Listener[];
  removeAllListeners?(event: string): unknown;
  on?(event: string, listener: Listener): unknown;
  removeListener?(event: string, listener: Listener): unknown;
}

/** Standard error streams already guarded. */
const guarded = new WeakSet<object>();

/**
 * Standard error for messages that may be written after it closed (`2>&1 | head`): writes to a closed standard error
 * are dropped, and its error events are heard, so that they neither end the process with an uncaught error nor change
 * the exit code. Progress and the summary are a courtesy; the output is what counts.
 */
function guardStderr(io: CliIo): { write(chunk: string): void } {
  const stream = io.stderr as Emitter & { write(chunk: string): unknown; destroyed?: boolean };
  if (typeof stream.on === 'function' && !guarded.has(stream)) {
    guarded.add(stream);
    stream.on('error', () => {});
  }
  return {
    write(chunk) {
      if (stream.destroyed === true) return;
      try {
        stream.write(chunk);
      } catch {
        // A closed standard error: nothing to tell.
      }
    },
  };
}

/** Takes over a stream's `error` listeners until the returned function puts them back. */
function takeErrors(target: unknown): () => void {
  const stream = target as Emitter;
  if (typeof stream.listeners !== 'function' || typeof stream.on !== 'function') return () => {};
  const previous = stream.listeners('error');
  stream.removeAllListeners?.('error');
  // Heard while the run is over but not yet reported (the run's own listener is gone by then).
  const late: Listener = () => {};
  stream.on('error', late);
  return () => {
    stream.removeListener?.('error', late);
    for (const l of previous) stream.on?.('error', l);
  };
}

/**
 * While a temporary output file exists, SIGINT and SIGTERM remove it before the process ends (exit 130 and 143, as a
 * shell reports a process killed by them), so an interrupted run leaves neither a partial file nor a stray temporary;
 * `say` tells standard error which signal it was.
 */
function onSignals(target: { readonly outFile: OutputFile | undefined }, say: (line: string) => void): () => void {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = (): void => {
      target.outFile?.abort();
      say(`interrupted by ${signal}`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}
