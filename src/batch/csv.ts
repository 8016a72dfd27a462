/**
 * RFC 4180 CSV, read as a stream and written cell by cell. The reader never drops a record: a record it cannot parse
 * comes back with a problem, so that `dialplan batch` still writes one output row for it.
 */
import { MAX_RECORD_CHARS } from './lines.js';

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

interface Parsed {
  readonly record: CsvRecord;
  readonly next: number;
}

/**
 * Creates a streaming RFC 4180 reader: `,` between fields, `"` quoting with `""` for a quote, line ends `\n` or `\r\n`
 * (kept as they are inside quoted fields). Malformed records are returned with a `problem` rather than thrown:
 * a `"` inside an unquoted field or text after a closing quote (read literally), and a quote that is never closed (or not
 * within {@link MAX_RECORD_CHARS} characters): that record is then only its first physical line, and reading resumes on
 * the next line, so one stray quote costs one row, not the rest of the file. Memory stays bounded by that limit.
 *
 * @returns the reader
 * @example
 * ```ts
 * const r = createCsvReader();
 * r.push('name,phone\r\n"Doe, J.","317 555\n'); // [{ fields: ['name', 'phone'] }]
 * r.push('1234"\r\n');                          // [{ fields: ['Doe, J.', '317 555\n1234'] }]
 * ```
 */
export function createCsvReader(): CsvReader {
  let carry = '';
  const run = (text: string, final: boolean): CsvRecord[] => {
    const buf = carry + text;
    const out: CsvRecord[] = [];
    let pos = 0;
    // The next quote of the buffer, found once and reused: searching for it per record would be quadratic.
    let quote = -1;
    while (pos < buf.length) {
      if (quote < pos && quote !== Infinity) {
        quote = buf.indexOf('"', pos);
        if (quote < 0) quote = Infinity;
      }
      const p = parseRecord(buf, pos, final, quote);
      if (p === undefined) break;
      out.push(p.record);
      pos = p.next;
    }
    carry = pos < buf.length ? buf.slice(pos) : '';
    return out;
  };
  return { push: (text) => run(text, false), end: () => run('', true) };
}

/** Parses the record at `pos`, or returns undefined when the buffer ends before the record does (and more may come). */
function parseRecord(buf: string, pos: number, final: boolean, quote: number): Parsed | undefined {
  const nl = buf.indexOf('\n', pos);
  if (nl < 0 && !final) {
    if (buf.length - pos > MAX_RECORD_CHARS) return resync(buf, pos, `a record longer than ${MAX_RECORD_CHARS} characters`);
    return undefined;
  }
  const lineEnd = nl < 0 ? buf.length : nl;
  // Fast path: most records of real exports have no quote at all.
  if (quote > lineEnd) return { record: { fields: splitLine(buf, pos, lineEnd) }, next: lineEnd + 1 };
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
          if (!final && buf.length - pos <= MAX_RECORD_CHARS) return undefined;
          return resync(buf, pos, q < 0 && final ? 'a quote that is never closed' : `a quoted field longer than ${MAX_RECORD_CHARS} characters`);
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
      if (!(i >= buf.length || c === 44 || c === 10 || (c === 13 && buf.charCodeAt(i + 1) === 10))) {
        problem ??= `text after the closing quote of field ${fields.length + 1}`;
        const end = fieldEnd(buf, i);
        field += stripCr(buf, i, end);
        i = end;
      }
    } else {
      const end = fieldEnd(buf, i);
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
    if (c === 44) {
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

/** The end of an unquoted field: the next `,` or `\n` (or the end of the buffer). */
function fieldEnd(buf: string, from: number): number {
  let comma = buf.indexOf(',', from);
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
function splitLine(buf: string, from: number, to: number): string[] {
  const end = to > from && buf.charCodeAt(to - 1) === 13 ? to - 1 : to;
  return buf.slice(from, end).split(',');
}

/** A record that cannot be parsed: reported as its first physical line, and reading goes on from the line after it. */
function resync(buf: string, pos: number, why: string): Parsed {
  const nl = buf.indexOf('\n', pos);
  const lineEnd = nl < 0 ? Math.min(buf.length, pos + MAX_RECORD_CHARS) : Math.min(nl, pos + MAX_RECORD_CHARS);
  const fields = splitLine(buf, pos, lineEnd).map((f) => (f.length > 1 && f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1) : f.startsWith('"') ? f.slice(1) : f));
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
