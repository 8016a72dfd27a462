/**
 * `dialplan batch [FILE|-] [--rules FILE] [--location NAME] [--in csv|lines] [--column NAME|INDEX] [--out FILE]
 * [--format ndjson|csv] [--fields a,b,c] [--workers N|auto] [--strict] [--summary-json FILE]`
 */
import { createReadStream, createWriteStream, openSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { OutputField, OutputFormat } from '../batch/format.js';
import { parseFieldList } from '../batch/format.js';
import { formatProgress } from '../batch/progress.js';
import type { BatchOutput } from '../batch/run.js';
import { runBatch } from '../batch/run.js';
import { formatSummary } from '../batch/summary.js';
import { DEFAULT_RULES_PATH } from '../files.js';
import { DETAIL_FIELDS } from '../types.js';
import type { Command } from './io.js';
import { defineCommand, EXIT, UsageError } from './io.js';
import { loadRulesOption, locationOption, PLAN_OPTIONS } from './rules.js';

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
  -o, --out FILE           write to FILE instead of standard output
  -f, --format ndjson|csv  output format (default: ndjson)
      --fields a,b,c       output fields (default: every details field; dialString may be added)
  -w, --workers N|auto     worker threads (default: 1, in the main thread; auto: one per CPU)
      --strict             exit 1 when some row has an error
      --summary-json FILE  also write the summary as JSON to FILE
  -h, --help               this help

Exit codes: 0 every row written (rows with errors included, unless --strict), 1 some row had an
error with --strict, or the input could not be read to its end, 2 bad arguments or rules.
`;

/** Runs `dialplan batch`. */
export const batchCommand: Command = defineCommand({
  help: BATCH_HELP,
  options: {
    ...PLAN_OPTIONS,
    in: { type: 'string' },
    column: { type: 'string' },
    out: { type: 'string', short: 'o' },
    format: { type: 'string', short: 'f' },
    fields: { type: 'string' },
    workers: { type: 'string', short: 'w' },
    strict: { type: 'boolean' },
    'summary-json': { type: 'string' },
  },
  run: async ({ values, positionals }, io) => {
    if (positionals.length > 1) throw new UsageError('dialplan batch reads one FILE (or - for standard input).');
    const file = positionals[0] === '-' ? undefined : positionals[0];
    const inputFormat = values.in ?? (file !== undefined && /\.csv(\.gz)?$/i.test(file) ? 'csv' : 'lines');
    if (inputFormat !== 'lines' && inputFormat !== 'csv') throw new UsageError(`--in must be lines or csv, not "${inputFormat}".`);
    if (values.column !== undefined && inputFormat !== 'csv') throw new UsageError('--column needs CSV input (--in csv).');
    const format = values.format ?? 'ndjson';
    if (format !== 'ndjson' && format !== 'csv') throw new UsageError(`--format must be ndjson or csv, not "${format}".`);
    let fields: readonly OutputField[] = DETAIL_FIELDS;
    if (values.fields !== undefined) {
      const f = parseFieldList(values.fields);
      if (!f.ok) throw new UsageError(`Unknown field "${f.unknown}" in --fields; the fields are ${[...DETAIL_FIELDS, 'dialString'].join(', ')}.`);
      fields = f.fields;
    }
    const workers = parseWorkers(values.workers);

    const plan = loadRulesOption(values.rules, io);
    if (!plan) return EXIT.usage;
    locationOption(plan, values.location); // throws a usage error for a location the plan does not have
    const rulesPath = values.rules === undefined ? DEFAULT_RULES_PATH : resolve(io.cwd, values.rules);

    let totalBytes: number | undefined;
    let input: AsyncIterable<Uint8Array | string> = io.stdin;
    if (file !== undefined) {
      const path = resolve(io.cwd, file);
      try {
        const st = statSync(path);
        if (st.isDirectory()) throw new UsageError(`${file} is a directory.`);
        if (st.isFile()) totalBytes = st.size;
        // Opened here, so that an unreadable file is a usage error (exit 2) rather than a failure half-way.
        input = createReadStream(path, { fd: openSync(path, 'r'), highWaterMark: 64 * 1024 });
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
      }
    }

    // A Node.js stream takes the output bytes as they are (and has back-pressure); any other writer is given text.
    const stdout = io.stdout as BatchOutput;
    let output: BatchOutput =
      typeof stdout.once === 'function'
        ? stdout
        : { write: (c: string | Uint8Array) => io.stdout.write(typeof c === 'string' ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('utf8')) };
    let outFile: ReturnType<typeof createWriteStream> | undefined;
    let outError: Error | undefined;
    if (values.out !== undefined) {
      let fd: number;
      try {
        fd = openSync(resolve(io.cwd, values.out), 'w');
      } catch (e) {
        throw new UsageError(`Cannot write ${values.out}: ${(e as Error).message}.`);
      }
      outFile = createWriteStream('', { fd });
      outFile.on('error', (e) => (outError ??= e));
      output = outFile;
    }

    const tty = io.stderrIsTty;
    let drawn = false;
    let summaryText: string;
    let failedRows: number;
    try {
      const summary = await runBatch({
        plan,
        rulesPath,
        location: values.location,
        input,
        totalBytes,
        inputFormat,
        column: values.column,
        format: format as OutputFormat,
        fields,
        workers,
        output,
        onProgress: tty
          ? (p) => {
              drawn = true;
              io.stderr.write(`\r${formatProgress(p)}\x1b[K`);
            }
          : undefined,
      });
      if (outFile) await new Promise<void>((res) => outFile?.end(res));
      if (outError) throw outError;
      summaryText = formatSummary(summary);
      failedRows = summary.rowsFailed;
      if (values['summary-json'] !== undefined) writeFileSync(resolve(io.cwd, values['summary-json']), JSON.stringify(summary, null, 2) + '\n');
    } catch (e) {
      if (drawn) io.stderr.write('\r\x1b[K');
      if ((e as { code?: unknown }).code === 'UNKNOWN_COLUMN') throw new UsageError((e as Error).message);
      io.stderr.write(`dialplan batch: ${(e as Error).message}\n`);
      return EXIT.failed;
    }
    if (drawn) io.stderr.write('\r\x1b[K');
    io.stderr.write(summaryText);
    return values.strict && failedRows > 0 ? EXIT.failed : EXIT.ok;
  },
});

function parseWorkers(value: string | undefined): number {
  if (value === undefined) return 1;
  if (value === 'auto') return Math.max(1, availableParallelism());
  if (!/^[1-9]\d{0,2}$/.test(value)) throw new UsageError(`--workers must be a positive number or auto, not "${value}".`);
  return Number(value);
}
