/**
 * Reading the files other systems export (JSON, CSV) with the position of every value, so that what cannot be converted is
 * reported at its line and column. No `node:` imports.
 */

/** A JSON value with where it sits: `at` is the offset of its first character; a string's `map` gives each of its characters' offsets. */
export type PositionedJson =
  | { readonly kind: 'object'; readonly at: number; readonly entries: ReadonlyMap<string, PositionedJson> }
  | { readonly kind: 'array'; readonly at: number; readonly items: readonly PositionedJson[] }
  | { readonly kind: 'string'; readonly at: number; readonly value: string; readonly map: readonly number[] }
  | { readonly kind: 'number' | 'boolean' | 'null'; readonly at: number; readonly value: number | boolean | null };

/**
 * Decodes the bytes of a file another system exported. UTF-8 (with or without a byte order mark) is what most tools
 * write, but Windows PowerShell 5.1 writes UTF-16 little-endian with a byte order mark for `>` and `Out-File` (so
 * `Get-CsTenantDialPlan | ConvertTo-Json -Depth 5 > plans.json` gives UTF-16), and `Export-Csv -Encoding Unicode` does
 * too: a UTF-16 byte order mark (`FF FE` or `FE FF`) is honoured. Anything else must be valid UTF-8.
 *
 * @param bytes - the file's bytes
 * @returns the text (without its byte order mark), or `undefined` when the bytes are not valid UTF-8 or UTF-16
 * @example
 * ```ts
 * decodeSourceBytes(new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00])); // '{}'
 * ```
 */
export function decodeSourceBytes(bytes: Uint8Array): string | undefined {
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true, ignoreBOM: false }).decode(bytes).replace(/^\uFEFF/, '');
    if (bytes[0] === 0xfe && bytes[1] === 0xff) {
      // Big-endian: swapped to little-endian here, since a TextDecoder for utf-16be needs Node's full ICU.
      if (bytes.length % 2 !== 0) return undefined;
      const swapped = new Uint8Array(bytes.length);
      for (let k = 0; k < bytes.length; k += 2) {
        swapped[k] = bytes[k + 1] as number;
        swapped[k + 1] = bytes[k] as number;
      }
      return new TextDecoder('utf-16le', { fatal: true }).decode(swapped).replace(/^\uFEFF/, '');
    }
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/** A syntax error of a source file, with its offset. */
export class SourceSyntaxError extends Error {
  override readonly name = 'SourceSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Most nesting a JSON source may have (Teams and Genesys exports have five levels). */
const MAX_DEPTH = 64;

/**
 * Parses JSON keeping positions. Throws {@link SourceSyntaxError} with the offset of the first error.
 *
 * @param text - the JSON text (a leading BOM is skipped)
 * @returns the positioned value
 * @example
 * ```ts
 * parsePositionedJson('{"a": "x"}').kind; // 'object'
 * ```
 */
export function parsePositionedJson(text: string): PositionedJson {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const ws = (): void => {
    while (i < text.length && /[ \t\r\n]/.test(text[i] as string)) i++;
  };
  const fail = (message: string): never => {
    throw new SourceSyntaxError(message, Math.min(i, text.length));
  };
  const value = (depth: number): PositionedJson => {
    if (depth > MAX_DEPTH) fail(`JSON nested deeper than ${MAX_DEPTH} levels`);
    ws();
    const at = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const entries = new Map<string, PositionedJson>();
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', at, entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a property name in double quotes');
        const key = str();
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        entries.set(key.value, value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', at, entries };
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const items: PositionedJson[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', at, items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', at, items };
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!m) return fail(i >= text.length ? 'unexpected end of the JSON text' : `unexpected character ${JSON.stringify(text[i])}`);
    i += m[0].length;
    if (m[0] === 'true' || m[0] === 'false') return { kind: 'boolean', at, value: m[0] === 'true' };
    if (m[0] === 'null') return { kind: 'null', at, value: null };
    return { kind: 'number', at, value: Number(m[0]) };
  };
  const str = (): Extract<PositionedJson, { kind: 'string' }> => {
    const at = i;
    i++;
    let out = '';
    const map: number[] = [];
    for (;;) {
      if (i >= text.length) throw new SourceSyntaxError('this string is never closed', at);
      const c = text[i] as string;
      if (c === '"') {
        i++;
        return { kind: 'string', at, value: out, map };
      }
      if (c.charCodeAt(0) < 0x20) fail('a control character inside a string');
      if (c === '\\') {
        const e = text[i + 1];
        const start = i;
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          map.push(start);
          i += 2;
        } else if (e === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          map.push(start);
          i += 6;
        } else fail('a bad escape inside a string');
        continue;
      }
      out += c;
      map.push(i);
      i++;
    }
  };
  const v = value(0);
  ws();
  if (i < text.length) fail('text after the JSON value');
  return v;
}

/**
 * The line and column (both 1-based, columns in UTF-16 units) of an offset of a text.
 *
 * @param text - the text
 * @param offset - the offset
 * @returns line and column
 * @example
 * ```ts
 * lineColumn('a\nbc', 3); // { line: 2, column: 2 }
 * ```
 */
export function lineColumn(text: string, offset: number): { readonly line: number; readonly column: number } {
  // The offsets where lines start, found once per text (every rule of a file asks): a scan from the start on each call
  // made an import of 20 000 rules take 40 s.
  if (lineStartsOf?.text !== text) {
    const starts = [0];
    for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) starts.push(k + 1);
    lineStartsOf = { text, starts };
  }
  const { starts } = lineStartsOf;
  // The last line start at or before the offset (a line break counts once the offset is past it).
  const end = Math.min(offset, text.length);
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= end) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
}

/** The line starts of the last text {@link lineColumn} was asked about. */
let lineStartsOf: { readonly text: string; readonly starts: readonly number[] } | undefined;

/** One CSV cell with where its text starts and each character's offset. */
export interface CsvCell {
  readonly value: string;
  readonly at: number;
  readonly map: readonly number[];
}

/**
 * Parses CSV (RFC 4180 quoting, `,` or `;` or tab, detected from the header line) keeping the offset of every character.
 * Lines starting with `#` before the header (PowerShell's `#TYPE ...`) are skipped.
 *
 * @param text - the CSV text
 * @returns the header and the records, as cells
 * @example
 * ```ts
 * parsePositionedCsv('a,b\n1,"x,y"\n').records[0]?.[1]?.value; // 'x,y'
 * ```
 */
export function parsePositionedCsv(text: string): { readonly header: readonly CsvCell[]; readonly records: readonly (readonly CsvCell[])[] } {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (text[i] === '#') {
    const nl = text.indexOf('\n', i);
    i = nl < 0 ? text.length : nl + 1;
  }
  const headerLine = text.slice(i, (text.indexOf('\n', i) + 1 || text.length + 1) - 1);
  const counts = [',', ';', '\t'].map((d) => [d, headerLine.split(d).length] as const).sort((a, b) => b[1] - a[1]);
  const delim = counts[0]?.[0] ?? ',';
  const rows: CsvCell[][] = [];
  let row: CsvCell[] = [];
  while (i < text.length) {
    // One cell.
    const at = i;
    let value = '';
    const map: number[] = [];
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new SourceSyntaxError('this quoted CSV field is never closed', at);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            map.push(i);
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        map.push(i);
        i++;
      }
      while (i < text.length && text[i] !== delim && text[i] !== '\n' && text[i] !== '\r') i++;
    } else {
      while (i < text.length && text[i] !== delim && text[i] !== '\n' && text[i] !== '\r') {
        value += text[i];
        map.push(i);
        i++;
      }
    }
    row.push({ value, at, map });
    if (text[i] === delim) {
      i++;
      continue;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    if (!(row.length === 1 && row[0]?.value === '')) rows.push(row);
    row = [];
  }
  // The text ended just after a delimiter (a last record whose last field is empty, with no line break after it): that
  // record is still a record, with an empty last field.
  if (row.length > 0) rows.push([...row, { value: '', at: text.length, map: [] }]);
  const [header = [], ...records] = rows;
  return { header, records };
}
