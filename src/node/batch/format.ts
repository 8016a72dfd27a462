/**
 * The output rows of `dialplan batch`, as NDJSON or CSV, written straight into the run's bytes (see {@link ByteWriter})
 * rather than with `JSON.stringify` per row: the shape is fixed, and writing it directly is several times cheaper, which
 * matters at millions of rows. The bytes are exactly those of `JSON.stringify` of the shape below (a test holds to that).
 *
 * NDJSON, one object per input row:
 * - a resolved row: `{"row":N,"columns":{...},<the selected details fields>}`
 * - a failed row:   `{"row":N,"columns":{...},"rawText":"...","error":{"code":"EMPTY","message":"..."}}`
 * `columns` (the carried CSV columns, by header name) is present only for CSV input with columns besides the number.
 *
 * CSV, with a header row: `row`, the carried columns, the selected fields, then `errorCode` and `errorMessage` (empty on
 * resolved rows). Arrays (`classifications`) are joined with `|`, booleans are `true`/`false`, `queueType` is its number.
 */
import type { TextSectionIndex } from '../../engine/pipeline/classify.js';
import { TextSection } from '../../engine/pipeline/classify.js';
import type { ResolvedRow } from '../../engine/pipeline/resolve-row.js';
import { emitRowText, rowText } from '../../engine/pipeline/resolve-row.js';
import type { PhoneNumberDetails, QueryResult } from '../../engine/types.js';
import { DETAIL_FIELDS } from '../../engine/types.js';
import type { FieldKey } from './bytes.js';
import { ByteWriter, fieldKey, utf8 } from './bytes.js';
import { quoteCsvCell } from './csv.js';
import type { RowProblem } from './rows.js';

/** A field that `--fields` can select: a details field, or the dial string that `query` returns beside the details. */
export type OutputField = (typeof DETAIL_FIELDS)[number] | 'dialString';

/** Every selectable field, in output order. The default selection is {@link DETAIL_FIELDS}. */
export const OUTPUT_FIELDS: readonly OutputField[] = [...DETAIL_FIELDS, 'dialString'];

/** The output formats. */
export type OutputFormat = 'ndjson' | 'csv';

/** What shapes every output row of one run. */
export interface BatchLayout {
  readonly format: OutputFormat;
  readonly fields: readonly OutputField[];
  /** Names of the carried columns (CSV input), made unique; empty for line input. */
  readonly carried: readonly string[];
}

/**
 * Writes one output row (with its newline) into the run's byte buffer; `r` is the query result, or the reader's problem
 * for a row that could not be queried.
 */
export type RowFormatter = ((out: ByteWriter, row: number, raw: string, columns: readonly string[] | undefined, r: QueryResult | RowProblem) => void) & {
  /**
   * For the default selection of fields, the same row written from a {@link ResolvedRow} (see {@link PartsFormatter}):
   * `processBatch` then resolves numbers with `resolveRow` instead of `query`.
   */
  readonly parts?: PartsFormatter;
};

/**
 * Writes one resolved row (with its newline) from the parts {@link resolveRow} gives: the same bytes as the
 * {@link RowFormatter} writes for the query's answer, with the display text and edit base copied straight from their
 * templates into the output.
 */
export type PartsFormatter = (out: ByteWriter, row: number, columns: readonly string[] | undefined, parts: ResolvedRow) => void;

/**
 * Parses a `--fields` list (`a,b,c`), checking every name.
 *
 * @param list - comma-separated field names
 * @returns the fields, or the first unknown name
 * @example
 * ```ts
 * parseFieldList('normalizedText,dialCapable'); // { ok: true, fields: ['normalizedText', 'dialCapable'] }
 * ```
 */
export function parseFieldList(list: string): { readonly ok: true; readonly fields: readonly OutputField[] } | { readonly ok: false; readonly unknown: string } {
  const fields: OutputField[] = [];
  for (const name of list.split(',').map((f) => f.trim()).filter((f) => f !== '')) {
    if (!(OUTPUT_FIELDS as readonly string[]).includes(name)) return { ok: false, unknown: name };
    if (!fields.includes(name as OutputField)) fields.push(name as OutputField);
  }
  return fields.length === 0 ? { ok: false, unknown: list } : { ok: true, fields };
}

/**
 * Makes header names unique, so that each carried column keeps its own key: a repeated name gets `_2`, `_3`, ...
 *
 * @param names - the header names
 * @returns the unique names, in the same order
 * @example
 * ```ts
 * uniqueNames(['id', 'id', 'name']); // ['id', 'id_2', 'name']
 * ```
 */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  // The next suffix to try for each repeated name: a header of 500 000 empty names (a 1 MB line of commas) took the
  // search from _2 up each time, quadratic, and the run never started.
  const next = new Map<string, number>();
  return names.map((n) => {
    let name = n;
    if (seen.has(name)) {
      let k = next.get(n) ?? 2;
      while (seen.has(`${n}_${k}`)) k++;
      name = `${n}_${k}`;
      next.set(n, k + 1);
    }
    seen.add(name);
    return name;
  });
}

/**
 * The header line of the output: the CSV header, or nothing for NDJSON.
 *
 * @param layout - the output layout
 * @returns the header line with its newline, or `''`
 * @example
 * ```ts
 * formatHeader({ format: 'csv', fields: ['normalizedText'], carried: ['id'] }); // 'row,id,normalizedText,errorCode,errorMessage\n'
 * ```
 */
export function formatHeader(layout: BatchLayout): string {
  if (layout.format === 'ndjson') return '';
  return ['row', ...layout.carried, ...layout.fields, 'errorCode', 'errorMessage'].map(quoteCsvCell).join(',') + '\n';
}

/**
 * Builds the formatter of one output row for a layout.
 *
 * @param layout - the output layout
 * @returns a function that writes a row's line (with its newline) from its number, input, carried values and result
 * @example
 * ```ts
 * const f = createRowFormatter({ format: 'ndjson', fields: ['normalizedText'], carried: [] });
 * const out = new ByteWriter(256);
 * f(out, 1, '6929', undefined, plan.query('6929'));
 * Buffer.from(out.finish()).toString(); // '{"row":1,"normalizedText":"/6929"}\n'
 * ```
 */
export function createRowFormatter(layout: BatchLayout): RowFormatter {
  const format = layout.format === 'ndjson' ? ndjsonFormatter(layout) : csvFormatter(layout);
  const all = layout.fields.length === DETAIL_FIELDS.length && layout.fields.every((f, i) => f === DETAIL_FIELDS[i]);
  if (!all) return format;
  return Object.assign(format, { parts: layout.format === 'ndjson' ? ndjsonPartsFormatter(layout) : csvPartsFormatter(layout) });
}

/**
 * Formats one row as text: {@link createRowFormatter}'s output for a single row, decoded. For tests and one-off use;
 * `dialplan batch` writes rows straight into bytes.
 *
 * @param format - a formatter from {@link createRowFormatter}
 * @param row - the row's number
 * @param raw - the row's input
 * @param columns - the carried values
 * @param r - the query result or the reader's problem
 * @returns the line, with its newline
 * @example
 * ```ts
 * formatRow(createRowFormatter({ format: 'csv', fields: ['normalizedText'], carried: [] }), 1, '6929', undefined, plan.query('6929')); // '1,/6929,,\n'
 * ```
 */
export function formatRow(format: RowFormatter, row: number, raw: string, columns: readonly string[] | undefined, r: QueryResult | RowProblem): string {
  const out = new ByteWriter(256);
  format(out, row, raw, columns, r);
  return Buffer.from(out.finish()).toString('utf8');
}

const ROW = utf8('{"row":');
const COLUMNS_END = utf8('}');
const ERROR_CODE = utf8(',"error":{"code":');
const ERROR_MESSAGE = utf8(',"message":');
const ERROR_END = utf8('}}\n');
const ROW_END = utf8('}\n');
const TRUE = utf8('true');
const FALSE = utf8('false');
/** The key of every output field, with its leading comma. */
const KEY = Object.fromEntries(OUTPUT_FIELDS.map((f) => [f, utf8(`,${JSON.stringify(f)}:`)])) as Record<OutputField, Uint8Array>;

/**
 * The keys of the five texts of the default selection, each with the closing quote of the text before it (none before
 * `rawText`) and the opening quote of its own: `","normalizedText":"`.
 */
const TEXT_KEY = {
  rawText: fieldKey(',"rawText":"'),
  normalizedText: fieldKey('","normalizedText":"'),
  displayText: fieldKey('","displayText":"'),
  editBase: fieldKey('","editBase":"'),
  extension: fieldKey('","extension":"'),
} as const;
const QUOTE = utf8('"');

/** The fields after `extension` in the default selection: they depend on the dial-plan entry and directory, not the number. */
type Tail = Pick<PhoneNumberDetails, 'defaultClassification' | 'classifications' | 'internal' | 'queueType' | 'queueName' | 'voicemailCapable' | 'dialCapable' | 'autoDialExtension'>;

function ndjsonFormatter(layout: BatchLayout): RowFormatter {
  const columnKeys = ndjsonColumnKeys(layout);
  const fields = layout.fields;
  const all = fields.length === DETAIL_FIELDS.length && fields.every((f, i) => f === DETAIL_FIELDS[i]);
  // Looked up once here: `KEY[field]` per row would be a keyed read with ever-changing keys.
  const fieldKeys = fields.map((f) => KEY[f]);
  const fieldIndexes = fields.map((f) => OUTPUT_FIELDS.indexOf(f));
  const tails = createTailCache(writeQuotedTail);
  return (out, row, raw, columns, r) => {
    writeNdjsonStart(out, row, columnKeys, columns);
    if (!isResolved(r)) {
      const e = problemOf(r);
      out.bytes(KEY.rawText);
      out.json(raw);
      out.bytes(ERROR_CODE);
      out.json(e.code);
      out.bytes(ERROR_MESSAGE);
      out.json(e.message);
      out.bytes(ERROR_END);
      return;
    }
    const d = r.details;
    if (all) {
      // The default selection, written out: the five texts of the number, then the rest of the line, which is the same
      // for every number an entry classifies (outside the directory) and so is copied from a cache.
      // Each key is written with the quotes around the text before it (see TEXT_KEY), and the tail starts with
      // the closing quote of the extension.
      out.jsonField(TEXT_KEY.rawText, d.rawText);
      out.jsonField(TEXT_KEY.normalizedText, d.normalizedText);
      out.jsonField(TEXT_KEY.displayText, d.displayText);
      out.jsonField(TEXT_KEY.editBase, d.editBase);
      out.jsonField(TEXT_KEY.extension, d.extension);
      out.bytes(tails(d));
      return;
    }
    for (let i = 0; i < fields.length; i++) {
      out.bytes(fieldKeys[i] as Uint8Array);
      const v = fieldValue(r, fieldIndexes[i] as number);
      if (typeof v === 'string') out.json(v);
      else if (typeof v === 'object') writeJsonArray(out, v);
      else if (typeof v === 'boolean') out.bytes(v ? TRUE : FALSE);
      else out.int(v);
    }
    out.bytes(ROW_END);
  };
}

/** The keys of the carried columns of an NDJSON row: `,"columns":{"id":` for the first, `,"name":` for the next. */
function ndjsonColumnKeys(layout: BatchLayout): Uint8Array[] {
  return layout.carried.map((c, i) => utf8(`${i === 0 ? ',"columns":{' : ','}${JSON.stringify(c)}:`));
}

/** Writes the start of an NDJSON row: its number and the carried columns. */
function writeNdjsonStart(out: ByteWriter, row: number, columnKeys: readonly Uint8Array[], columns: readonly string[] | undefined): void {
  out.bytes(ROW);
  out.int(row);
  for (let i = 0; i < columnKeys.length; i++) {
    out.bytes(columnKeys[i] as Uint8Array);
    out.json(columns?.[i] ?? '');
  }
  if (columnKeys.length > 0) out.bytes(COLUMNS_END);
}

/** The default selection as NDJSON, from a resolved row's parts (see {@link PartsFormatter}). */
function ndjsonPartsFormatter(layout: BatchLayout): PartsFormatter {
  const columnKeys = ndjsonColumnKeys(layout);
  const tails = createTailCache(writeQuotedTail);
  return (out, row, columns, p) => {
    writeNdjsonStart(out, row, columnKeys, columns);
    out.jsonField(TEXT_KEY.rawText, p.rawText);
    writeJsonText(out, TEXT_KEY.normalizedText, p, 0);
    writeJsonText(out, TEXT_KEY.displayText, p, TextSection.displayText);
    writeJsonText(out, TEXT_KEY.editBase, p, TextSection.editBase);
    out.jsonField(TEXT_KEY.extension, p.extension);
    out.bytes(tails(p));
  };
}

/**
 * Writes a key and a text of a resolved row (0: the normalized text, or one of TextSection) straight from its template; a text with a character to escape is built and
 * written by {@link ByteWriter.jsonField} instead (the bytes are the same either way).
 */
function writeJsonText(out: ByteWriter, key: FieldKey, p: ResolvedRow, section: 0 | TextSectionIndex): void {
  const mark = out.length;
  out.key(key);
  if (emitRowText(p, section, out)) return;
  out.rewind(mark);
  out.jsonField(key, rowText(p, section));
}

/** The default selection as CSV, from a resolved row's parts (see {@link PartsFormatter}). */
function csvPartsFormatter(layout: BatchLayout): PartsFormatter {
  const n = layout.carried.length;
  const tails = createTailCache(writeCsvTail);
  return (out, row, columns, p) => {
    out.int(row);
    for (let i = 0; i < n; i++) out.csvField(COMMA, columns?.[i] ?? '');
    out.csvField(COMMA, p.rawText);
    writeCsvText(out, p, 0);
    writeCsvText(out, p, TextSection.displayText);
    writeCsvText(out, p, TextSection.editBase);
    out.csvField(COMMA, p.extension);
    out.bytes(tails(p));
  };
}

/** As {@link writeJsonText}, for a CSV cell (with the comma before it). */
function writeCsvText(out: ByteWriter, p: ResolvedRow, section: 0 | TextSectionIndex): void {
  const mark = out.length;
  out.bytes(COMMA_BYTES);
  if (emitRowText(p, section, out)) return;
  out.rewind(mark);
  out.csvField(COMMA, rowText(p, section));
}

/**
 * One output field of a resolved row, by its index in {@link OUTPUT_FIELDS}. A `switch` on the index with a plain
 * property read per case, rather than `details[field]`: a keyed read with ever-changing keys is a megamorphic lookup on
 * every field of every row, and a switch on numbers is a jump where one on strings compares them in turn.
 */
function fieldValue(r: Extract<QueryResult, { ok: true }>, field: number): PhoneNumberDetails[keyof PhoneNumberDetails] {
  const d = r.details;
  switch (field) {
    case 0:
      return d.rawText;
    case 1:
      return d.normalizedText;
    case 2:
      return d.displayText;
    case 3:
      return d.editBase;
    case 4:
      return d.extension;
    case 5:
      return d.defaultClassification;
    case 6:
      return d.classifications;
    case 7:
      return d.internal;
    case 8:
      return d.queueType;
    case 9:
      return d.queueName;
    case 10:
      return d.voicemailCapable;
    case 11:
      return d.dialCapable;
    case 12:
      return d.autoDialExtension;
    default:
      return r.dialString;
  }
}

// Plain property reads rather than `'ok' in r`: the `in` operator is a keyed lookup, and this runs for every row.
function isResolved(r: QueryResult | RowProblem): r is Extract<QueryResult, { ok: true }> {
  return (r as { ok?: boolean }).ok === true;
}

function problemOf(r: QueryResult | RowProblem): RowProblem {
  return (r as { error?: RowProblem }).error ?? (r as RowProblem);
}

/** Writes the default selection from `defaultClassification` to the end of the line. */
function writeTail(out: ByteWriter, d: Tail): void {
  out.bytes(KEY.defaultClassification);
  out.json(d.defaultClassification);
  out.bytes(KEY.classifications);
  writeJsonArray(out, d.classifications);
  out.bytes(KEY.internal);
  out.bytes(d.internal ? TRUE : FALSE);
  out.bytes(KEY.queueType);
  out.int(d.queueType);
  out.bytes(KEY.queueName);
  out.json(d.queueName);
  out.bytes(KEY.voicemailCapable);
  out.bytes(d.voicemailCapable ? TRUE : FALSE);
  out.bytes(KEY.dialCapable);
  out.bytes(d.dialCapable ? TRUE : FALSE);
  out.bytes(KEY.autoDialExtension);
  out.bytes(d.autoDialExtension ? TRUE : FALSE);
  out.bytes(ROW_END);
}

/** Writes the closing quote of `extension`, then {@link writeTail}. */
function writeQuotedTail(out: ByteWriter, d: Tail): void {
  out.bytes(QUOTE);
  writeTail(out, d);
}

/**
 * A cache of the bytes a tail writer ({@link writeTail}, {@link writeCsvTail}) writes, for rows outside the directory (no
 * queue name). A dial-plan entry hands every number the same `classifications` array, so that array (by identity) and
 * the flags pick the entry of the cache. Bounded, in case a plan hands out new arrays: past the bound, and for rows in
 * the directory, the tail is written afresh each time (into its own small buffer).
 *
 * Every row's tail comes out of the same call of `write`, cached or not: a call that only rare rows reach (a directory
 * number, one in thousands) has no type feedback when the row formatter is optimized, and the first such row threw
 * away the formatter's optimized code, inlined queries and all, for V8 to compile it again.
 */
function createTailCache(write: (out: ByteWriter, d: Tail) => void): (d: Tail) => Uint8Array {
  const byClassifications = new Map<readonly string[], (readonly [string, Uint8Array] | undefined)[]>();
  return (d) => {
    let slots: (readonly [string, Uint8Array] | undefined)[] | undefined;
    let slot = 0;
    if (d.queueName === '') {
      slots = byClassifications.get(d.classifications);
      if (slots === undefined && byClassifications.size < 1024) {
        slots = [];
        byClassifications.set(d.classifications, slots);
      }
      slot = (d.internal ? 1 : 0) | (d.voicemailCapable ? 2 : 0) | (d.dialCapable ? 4 : 0) | (d.autoDialExtension ? 8 : 0) | (d.queueType << 4);
      const hit = slots?.[slot];
      if (hit !== undefined && hit[0] === d.defaultClassification) return hit[1];
    }
    const w = new ByteWriter(256);
    write(w, d);
    const bytes = w.finish();
    if (slots !== undefined) slots[slot] = [d.defaultClassification, bytes.slice()];
    return bytes;
  };
}

function writeJsonArray(out: ByteWriter, v: readonly string[]): void {
  out.ascii('[');
  for (let i = 0; i < v.length; i++) {
    if (i > 0) out.ascii(',');
    out.json(v[i] as string);
  }
  out.ascii(']');
}

/** Writes the default selection from `defaultClassification` to the end of a CSV line (empty error cells included). */
function writeCsvTail(out: ByteWriter, d: Tail): void {
  out.ascii(',');
  out.csv(d.defaultClassification);
  out.ascii(',');
  out.csv(d.classifications.join('|'));
  out.ascii(d.internal ? ',true,' : ',false,');
  out.int(d.queueType);
  out.ascii(',');
  out.csv(d.queueName);
  out.ascii(d.voicemailCapable ? ',true' : ',false');
  out.ascii(d.dialCapable ? ',true' : ',false');
  out.ascii(d.autoDialExtension ? ',true' : ',false');
  out.ascii(',,\n');
}

/** The byte of `,`. */
const COMMA = 44;
const COMMA_BYTES = utf8(',');

function csvFormatter(layout: BatchLayout): RowFormatter {
  const n = layout.carried.length;
  const fields = layout.fields;
  const fieldIndexes = fields.map((f) => OUTPUT_FIELDS.indexOf(f));
  const all = fields.length === DETAIL_FIELDS.length && fields.every((f, i) => f === DETAIL_FIELDS[i]);
  const tails = createTailCache(writeCsvTail);
  return (out, row, raw, columns, r) => {
    out.int(row);
    for (let i = 0; i < n; i++) out.csvField(COMMA, columns?.[i] ?? '');
    if (!isResolved(r)) {
      const e = problemOf(r);
      for (const f of fields) {
        out.ascii(',');
        if (f === 'rawText') out.csv(raw);
      }
      out.ascii(',');
      out.csv(e.code);
      out.ascii(',');
      out.csv(e.message);
      out.ascii('\n');
      return;
    }
    if (all) {
      // As for NDJSON: the texts of the number, then the rest of the line, cached per dial-plan entry.
      const d = r.details;
      out.csvField(COMMA, d.rawText);
      out.csvField(COMMA, d.normalizedText);
      out.csvField(COMMA, d.displayText);
      out.csvField(COMMA, d.editBase);
      out.csvField(COMMA, d.extension);
      out.bytes(tails(d));
      return;
    }
    for (let i = 0; i < fieldIndexes.length; i++) {
      out.ascii(',');
      const v = fieldValue(r, fieldIndexes[i] as number);
      if (typeof v === 'string') out.csv(v);
      else if (typeof v === 'object') out.csv(v.length === 1 ? (v[0] as string) : v.join('|'));
      else if (typeof v === 'boolean') out.ascii(v ? 'true' : 'false');
      else out.int(v);
    }
    out.ascii(',,\n');
  };
}
