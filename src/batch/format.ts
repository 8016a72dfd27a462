/**
 * The output rows of `dialplan batch`, as NDJSON or CSV. Written by hand rather than with `JSON.stringify` per row: the
 * shape is fixed, and building the line directly is several times cheaper, which matters at millions of rows.
 *
 * NDJSON, one object per input row:
 * - a resolved row: `{"row":N,"columns":{...},<the selected details fields>}`
 * - a failed row:   `{"row":N,"columns":{...},"rawText":"...","error":{"code":"EMPTY","message":"..."}}`
 * `columns` (the carried CSV columns, by header name) is present only for CSV input with columns besides the number.
 *
 * CSV, with a header row: `row`, the carried columns, the selected fields, then `errorCode` and `errorMessage` (empty on
 * resolved rows). Arrays (`classifications`) are joined with `|`, booleans are `true`/`false`, `queueType` is its number.
 */
import type { PhoneNumberDetails, QueryResult } from '../types.js';
import { DETAIL_FIELDS } from '../types.js';
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

/** Formats one row; `r` is the query result, or the reader's problem for a row that could not be queried. */
export type RowFormatter = (row: number, raw: string, columns: readonly string[] | undefined, r: QueryResult | RowProblem) => string;

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
  return names.map((n) => {
    let name = n;
    for (let k = 2; seen.has(name); k++) name = `${n}_${k}`;
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
 * @returns a function from a row's number, input, carried values and result to its output line (with its newline)
 * @example
 * ```ts
 * const f = createRowFormatter({ format: 'ndjson', fields: ['normalizedText'], carried: [] });
 * f(1, '6929', undefined, plan.query('6929')); // '{"row":1,"normalizedText":"/6929"}\n'
 * ```
 */
export function createRowFormatter(layout: BatchLayout): RowFormatter {
  return layout.format === 'ndjson' ? ndjsonFormatter(layout) : csvFormatter(layout);
}

function ndjsonFormatter(layout: BatchLayout): RowFormatter {
  const keys = layout.carried.map((c) => jsonString(c) + ':');
  const fields = layout.fields.map((f, i) => ({ key: (i === 0 ? '' : ',') + jsonString(f) + ':', field: f }));
  const columnsJson = (columns: readonly string[] | undefined): string => {
    if (keys.length === 0) return '';
    let s = ',"columns":{';
    for (let i = 0; i < keys.length; i++) s += (i === 0 ? '' : ',') + keys[i] + jsonString(columns?.[i] ?? '');
    return s + '}';
  };
  let lastClassifications: readonly string[] | undefined;
  let lastClassificationsJson = '';
  const planStrings = new Map<string, string>();
  const planString = (v: string): string => {
    let j = planStrings.get(v);
    if (j === undefined) {
      j = jsonString(v);
      // Bounded: a plan has few classifications, but a directory may have many queue names.
      if (planStrings.size < 4096) planStrings.set(v, j);
    }
    return j;
  };
  const all = layout.fields.length === DETAIL_FIELDS.length && layout.fields.every((f, i) => f === DETAIL_FIELDS[i]);
  return (row, raw, columns, r) => {
    const head = '{"row":' + row + (keys.length === 0 ? '' : columnsJson(columns)) + ',';
    if (!('ok' in r) || !r.ok) {
      const e = 'ok' in r ? (r.ok ? undefined : r.error) : r;
      return head + '"rawText":' + jsonString(raw) + ',"error":{"code":' + jsonString(e?.code ?? '') + ',"message":' + jsonString(e?.message ?? '') + '}}\n';
    }
    // The default selection, written out: one expression instead of a loop over the fields is the fastest way V8 builds
    // the line (this is most of the cost of a row beside the query itself).
    if (all) {
      const d = r.details;
      // Classifications and queue names come from the plan: few distinct values, each escaped once.
      if (d.classifications !== lastClassifications) {
        lastClassifications = d.classifications;
        lastClassificationsJson = jsonValue(d.classifications);
      }
      return (
        head + '"rawText":' + jsonString(d.rawText) + ',"normalizedText":' + jsonString(d.normalizedText) + ',"displayText":' + jsonString(d.displayText) +
        ',"editBase":' + jsonString(d.editBase) + ',"extension":' + (d.extension === '' ? '""' : jsonString(d.extension)) + ',"defaultClassification":' + planString(d.defaultClassification) +
        ',"classifications":' + lastClassificationsJson + ',"internal":' + d.internal + ',"queueType":' + d.queueType + ',"queueName":' + (d.queueName === '' ? '""' : planString(d.queueName)) +
        ',"voicemailCapable":' + d.voicemailCapable + ',"dialCapable":' + d.dialCapable + ',"autoDialExtension":' + d.autoDialExtension + '}\n'
      );
    }
    let s = head;
    for (const { key, field } of fields) s += key + jsonValue(field === 'dialString' ? r.dialString : r.details[field]);
    return s + '}\n';
  };
}

function csvFormatter(layout: BatchLayout): RowFormatter {
  const n = layout.carried.length;
  return (row, raw, columns, r) => {
    let s = String(row);
    for (let i = 0; i < n; i++) s += ',' + quoteCsvCell(columns?.[i] ?? '');
    if (!('ok' in r) || !r.ok) {
      const e = 'ok' in r ? (r.ok ? undefined : r.error) : r;
      for (const f of layout.fields) s += ',' + (f === 'rawText' ? quoteCsvCell(raw) : '');
      return s + ',' + quoteCsvCell(e?.code ?? '') + ',' + quoteCsvCell(e?.message ?? '') + '\n';
    }
    for (const f of layout.fields) s += ',' + csvValue(f === 'dialString' ? r.dialString : r.details[f]);
    return s + ',,\n';
  };
}

/** Characters that JSON must escape, and lone surrogates, which `JSON.stringify` writes as `\udXXX` escapes. */
const JSON_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal: the quick way when nothing needs escaping, `JSON.stringify` otherwise. */
function jsonString(s: string): string {
  return JSON_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

function jsonValue(v: PhoneNumberDetails[keyof PhoneNumberDetails]): string {
  if (typeof v === 'string') return jsonString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v.length === 1) return '[' + jsonString(v[0] as string) + ']';
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i === 0 ? '' : ',') + jsonString(v[i] as string);
  return s + ']';
}

function csvValue(v: PhoneNumberDetails[keyof PhoneNumberDetails]): string {
  if (typeof v === 'string') return quoteCsvCell(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return quoteCsvCell(v.join('|'));
}
