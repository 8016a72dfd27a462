/**
 * RFC 4180 CSV, read as a stream and written cell by cell. The reader never drops a record: a record it cannot parse
 * comes back with a problem, so that `dialplan batch` still writes one output row for it.
 */
import { KEPT_CHARS, MAX_RECORD_CHARS } from './lines.js';

/** One record of a CSV input: its fields, and what was wrong with it, if anything. */
export interface CsvRecord {
  readonly fields: readonly string[];
  /** Set when the record is malformed; the fields are then the reader's best reading of it. */
  readonly problem?: string;
}

/** A streaming CSV reader: feed it text, get back the complete records. */
export interface CsvReader {
  /**
   * Adds text and returns the records it completed.
   *
   * @param text - the next piece of the input
   */
  push(text: string): CsvRecord[];
  /** Ends the input and returns the remaining records. */
  end(): CsvRecord[];
}

/**
 * The field separators `--delimiter` accepts, and the order in which a tie is broken when detecting one.
 *
 * @example
 * ```ts
 * CSV_DELIMITERS; // [',', ';', '\t', '|']
 * ```
 */
export const CSV_DELIMITERS: readonly string[] = [',', ';', '\t', '|'];

/** Options of {@link createCsvReader}. */
export interface CsvReaderOptions {
  /** The field separator: one of {@link CSV_DELIMITERS}; `,` by default. */
  readonly delimiter?: string;
}

interface Parsed {
  readonly record: CsvRecord;
  readonly next: number;
}

/** What {@link parseRecord} returns for a record longer than {@link MAX_RECORD_CHARS}: it is skipped as a whole. */
const TOO_LONG = 'too long';

/**
 * Creates a streaming RFC 4180 reader: `,` (or the given delimiter) between fields, `"` quoting with `""` for a quote,
 * line ends `\n` or `\r\n` (kept as they are inside quoted fields). Malformed records are returned with a `problem`
 * rather than thrown: a `"` inside an unquoted field or text after a closing quote (read literally); a quote that is never
 * closed before the end of the input: that record is then only its first physical line, and reading resumes on the next
 * line, so one stray quote costs one row, not the rest of the file; and a record longer than {@link MAX_RECORD_CHARS}
 * characters (its line end not counted): it is one record with a problem (its first fields, cut short) and reading
 * resumes after it. One exception, since memory stays bounded: a quoted field that holds line ends and is not closed
 * within the limit is taken for a stray quote, so that record is its first line and reading resumes on the next.
 *
 * @param options - the field separator
 * @returns the reader
 * @example
 * ```ts
 * const r = createCsvReader();
 * r.push('name,phone\r\n"Doe, J.","317 555\n'); // [{ fields: ['name', 'phone'] }]
 * r.push('1234"\r\n');                          // [{ fields: ['Doe, J.', '317 555\n1234'] }]
 * ```
 */
export function createCsvReader(options: CsvReaderOptions = {}): CsvReader {
  const sep = options.delimiter ?? ',';
  if (!CSV_DELIMITERS.includes(sep)) throw new RangeError(`The CSV delimiter must be one of , ; tab |, not ${JSON.stringify(sep)}.`);
  const d = sep.charCodeAt(0);
  let carry = '';
  // Inside a line too long to keep: its rest is skipped up to its line end.
  let skipping = false;
  const run = (text: string, final: boolean): CsvRecord[] => {
    const buf = carry + text;
    carry = '';
    const out: CsvRecord[] = [];
    let pos = 0;
    if (skipping) {
      const nl = buf.indexOf('\n');
      if (nl < 0) {
        if (final) skipping = false;
        return out;
      }
      skipping = false;
      pos = nl + 1;
    }
    // The next quote of the buffer, found once and reused: searching for it per record would be quadratic.
    let quote = -1;
    while (pos < buf.length) {
      if (quote < pos && quote !== Infinity) {
        quote = buf.indexOf('"', pos);
        if (quote < 0) quote = Infinity;
      }
      const p = parseRecord(buf, pos, final, quote, d, sep);
      if (p === undefined) break;
      if (p === TOO_LONG) {
        const nl = buf.indexOf('\n', pos);
        if (nl >= 0) {
          // A quoted field holds line ends and is still open after the limit: most likely a stray quote, so the
          // record is its first line and reading resumes on the next one (as for a quote never closed).
          out.push(resync(buf, pos, `a quoted field longer than ${MAX_RECORD_CHARS} characters`, sep).record);
          pos = nl + 1;
          continue;
        }
        // One line longer than the limit: one row, and the rest of the line is skipped as it comes.
        out.push(longRecord(buf, pos, sep));
        skipping = !final;
        pos = buf.length;
        break;
      }
      // A record that came whole but is over the limit is one row too, whatever the chunking.
      out.push(p.next - pos > MAX_RECORD_CHARS && recordLength(buf, pos, p.next) > MAX_RECORD_CHARS ? longRecord(buf, pos, sep) : p.record);
      pos = p.next;
    }
    carry = pos < buf.length ? buf.slice(pos) : '';
    return out;
  };
  return { push: (text) => run(text, false), end: () => run('', true) };
}

/**
 * Guesses the field separator of a CSV file from its header line: of `,` `;` tab `|`, the one that occurs most often
 * outside double quotes; a tie goes to the first in that order, and a line with none of them (one column) gives `,`.
 *
 * @param headerLine - the first line of the file (what follows its first line end, if anything, is ignored)
 * @returns the separator
 * @example
 * ```ts
 * detectCsvDelimiter('id;name;phone'); // ';'
 * detectCsvDelimiter('"a;b",c');       // ','
 * ```
 */
export function detectCsvDelimiter(headerLine: string): string {
  const counts = CSV_DELIMITERS.map(() => 0);
  let quoted = false;
  for (let i = 0; i < headerLine.length; i++) {
    const c = headerLine[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted) {
      const k = CSV_DELIMITERS.indexOf(c as string);
      if (k >= 0) counts[k] = (counts[k] ?? 0) + 1;
    }
  }
  let best = 0;
  for (let k = 1; k < counts.length; k++) if ((counts[k] ?? 0) > (counts[best] ?? 0)) best = k;
  return CSV_DELIMITERS[best] as string;
}

/** Parses the record at `pos`, or returns undefined when the buffer ends before the record does (and more may come). */
function parseRecord(buf: string, pos: number, final: boolean, quote: number, d: number, sep: string): Parsed | typeof TOO_LONG | undefined {
  const nl = buf.indexOf('\n', pos);
  if (nl < 0 && !final) {
    if (buf.length - pos > MAX_RECORD_CHARS + 1) return TOO_LONG;
    return undefined;
  }
  const lineEnd = nl < 0 ? buf.length : nl;
  // Fast path: most records of real exports have no quote at all.
  if (quote > lineEnd) return { record: { fields: splitLine(buf, pos, lineEnd, sep) }, next: lineEnd + 1 };
  const fields: string[] = [];
  let problem: string | undefined;
  let i = pos;
  for (;;) {
    let field = '';
    if (buf.charCodeAt(i) === 34) {
      i++;
      for (;;) {
        const q = buf.indexOf('"', i);
        if (q < 0 || (q + 1 >= buf.length && !final)) {
          if (!final) return buf.length - pos <= MAX_RECORD_CHARS + 1 ? undefined : TOO_LONG;
          if (q < 0) return resync(buf, pos, 'a quote that is never closed', sep);
        }
        field += buf.slice(i, q);
        if (buf.charCodeAt(q + 1) === 34) {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // After the closing quote: a separator, a line end, or the end of the input.
      const c = buf.charCodeAt(i);
      if (c === 13 && i + 1 >= buf.length && !final) return undefined;
      if (!(i >= buf.length || c === d || c === 10 || (c === 13 && buf.charCodeAt(i + 1) === 10))) {
        problem ??= `text after the closing quote of field ${fields.length + 1}`;
        const end = fieldEnd(buf, i, sep);
        field += stripCr(buf, i, end);
        i = end;
      }
    } else {
      const end = fieldEnd(buf, i, sep);
      field = stripCr(buf, i, end);
      if (field.includes('"')) problem ??= `a quote inside the unquoted field ${fields.length + 1}`;
      i = end;
    }
    fields.push(field);
    if (i >= buf.length) {
      if (!final) return undefined;
      return { record: problem === undefined ? { fields } : { fields, problem }, next: buf.length };
    }
    const c = buf.charCodeAt(i);
    if (c === d) {
      i++;
      if (i >= buf.length && final) {
        fields.push('');
        return { record: problem === undefined ? { fields } : { fields, problem }, next: i };
      }
      continue;
    }
    // A line end: `\n`, or `\r\n`.
    const next = c === 13 ? i + 2 : i + 1;
    return { record: problem === undefined ? { fields } : { fields, problem }, next };
  }
}

/** The length of the record from `pos` to `next`, without its line end. */
function recordLength(buf: string, pos: number, next: number): number {
  let end = Math.min(next, buf.length);
  if (end > pos && buf.charCodeAt(end - 1) === 10) end--;
  if (end > pos && buf.charCodeAt(end - 1) === 13) end--;
  return end - pos;
}

/** The record that stands for one longer than {@link MAX_RECORD_CHARS}: the fields of its first kilobyte, each cut short. */
function longRecord(buf: string, pos: number, sep: string): CsvRecord {
  const head = buf.slice(pos, pos + 1024);
  const nl = head.indexOf('\n');
  const fields = (nl < 0 ? head : head.slice(0, nl)).split(sep).map((f) => unquote(f).slice(0, KEPT_CHARS));
  return { fields, problem: `a record longer than ${MAX_RECORD_CHARS} characters` };
}

/** The end of an unquoted field: the next separator or `\n` (or the end of the buffer). */
function fieldEnd(buf: string, from: number, sep: string): number {
  let comma = buf.indexOf(sep, from);
  let nl = buf.indexOf('\n', from);
  if (comma < 0) comma = buf.length;
  if (nl < 0) nl = buf.length;
  return comma < nl ? comma : nl;
}

/** The text from `from` to `to`, without a `\r` that ends the line. */
function stripCr(buf: string, from: number, to: number): string {
  return buf.charCodeAt(to) === 10 && buf.charCodeAt(to - 1) === 13 && to > from ? buf.slice(from, to - 1) : buf.slice(from, to);
}

/** Splits a quote-free line. */
function splitLine(buf: string, from: number, to: number, sep: string): string[] {
  const end = to > from && buf.charCodeAt(to - 1) === 13 ? to - 1 : to;
  return buf.slice(from, end).split(sep);
}

function unquote(f: string): string {
  return f.length > 1 && f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1) : f.startsWith('"') ? f.slice(1) : f;
}

/** A record whose quote is never closed: reported as its first physical line, and reading goes on from the line after it. */
function resync(buf: string, pos: number, why: string, sep: string): Parsed {
  const nl = buf.indexOf('\n', pos);
  const lineEnd = nl < 0 ? Math.min(buf.length, pos + MAX_RECORD_CHARS) : Math.min(nl, pos + MAX_RECORD_CHARS);
  const fields = splitLine(buf, pos, lineEnd, sep).map(unquote);
  return { record: { fields, problem: why }, next: nl < 0 ? buf.length : nl + 1 };
}

/**
 * Quotes one CSV cell when it needs it (a `,`, `"`, `\r` or `\n` inside), doubling its quotes.
 *
 * @param value - the cell text
 * @returns the cell as it goes into the file
 * @example
 * ```ts
 * quoteCsvCell('Doe, J.'); // '"Doe, J."'
 * quoteCsvCell('6929');    // '6929'
 * ```
 */
export function quoteCsvCell(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const NEEDS_QUOTES = /[",\r\n]/;
