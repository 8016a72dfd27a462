/**
 * The output buffer of `dialplan batch`: rows are written straight into UTF-8 bytes instead of being built as strings.
 *
 * Why: at a million rows, building each row as a string of some thirty pieces, then encoding it, cost more than the query
 * itself (string pieces to collect, a flattening copy, a UTF-8 pass). Written here, an ASCII value (nearly every value a
 * dial plan gives) is copied a character at a time as it is checked, and the fixed parts of a row are copied as bytes
 * encoded once. Anything else (an escape, a non-ASCII character) takes the general path, so the bytes are always those of
 * the string the row would have been.
 */
import { quoteCsvCell } from './csv.js';

const encoder = new TextEncoder();

/*
 * Characters are read with `String.prototype.charCodeAt` called on the function itself, `charCodeAt.call(s, i)`, the
 * function taken from `String.prototype` at the top of each loop's method. Why: the values written here come in many
 * string representations (flat, concatenated, sliced, internalized, thin), and past four of them a plain `s.charCodeAt`
 * becomes a megamorphic property lookup on every character, which a profile of a million rows showed as the largest
 * single cost. Called on the known function, V8 compiles the character read inline whatever the representation. V8
 * knows the function only when it can fold the binding into a constant: a property of `String.prototype` (a stable
 * object) it folds, and so a module-level `const`, but not the `var` esbuild makes of that `const` when it bundles this
 * module into `dist/index.js` (`runBatch` imported from the package took 20% more CPU that way), nor a binding imported
 * from another module (25% slower). In the engine's own loops the same trick measured no gain.
 */

/**
 * Encodes text as UTF-8 once, for fixed parts of a row that {@link ByteWriter.bytes} copies.
 *
 * @param text - the text
 * @returns its UTF-8 bytes
 * @example
 * ```ts
 * const KEY = utf8(',"rawText":');
 * ```
 */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * The key of a field that every NDJSON row writes (`","displayText":"`), encoded once: its bytes, and its first bytes as
 * little-endian 32-bit words, which {@link ByteWriter.key} copies four at a time (a key of 17 bytes in about half the
 * time of a byte loop; a million rows write five or six keys each).
 */
export interface FieldKey {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
}

/**
 * Encodes a field key once (see {@link FieldKey}).
 *
 * @param text - the key with its punctuation, ASCII
 * @returns the key
 * @example
 * ```ts
 * const DISPLAY = fieldKey('","displayText":"');
 * ```
 */
export function fieldKey(text: string): FieldKey {
  const bytes = utf8(text);
  const words = new Int32Array(bytes.length >> 2);
  for (let i = 0; i < words.length; i++) {
    words[i] = (bytes[4 * i] as number) | ((bytes[4 * i + 1] as number) << 8) | ((bytes[4 * i + 2] as number) << 16) | ((bytes[4 * i + 3] as number) << 24);
  }
  return { bytes, words };
}

/** Fixed texts shorter than this are copied a character at a time: looking one up costs about as much. */
const MIN_LITERAL = 8;
/** How many fixed texts {@link ByteWriter.literal} keeps encoded (a plan's templates have a handful each). */
const MAX_LITERALS = 4096;
/** Fixed texts by string, encoded, or null for one that must be escaped; shared by every writer of the thread. */
const LITERALS = new Map<string, FieldKey | null>();
/** Printable ASCII other than `"`, `\` and `,`: what {@link ByteWriter.piece} copies as it is. */
const PLAIN = /^[\x20-\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]*$/;

/**
 * A growing byte buffer that output rows are written into. Every method makes room first, so a row of any size fits.
 *
 * @example
 * ```ts
 * const w = new ByteWriter(64);
 * w.bytes(utf8('{"n":'));
 * w.json('6929');
 * w.bytes(utf8('}\n'));
 * Buffer.from(w.finish()).toString(); // '{"n":"6929"}\n'
 * ```
 */
export class ByteWriter {
  /** The bytes written so far are `buf[0..pos)`. */
  private buf: Buffer;
  /** `buf` again, for the 32-bit stores of {@link ByteWriter.key}. */
  private view: DataView;
  private pos = 0;

  /**
   * @param capacity - the first size of the buffer in bytes; it doubles when a write needs more
   * @param reuse - memory to write into instead of a new allocation, when it holds `capacity` bytes (an earlier
   *   batch's buffer, once the output has written it: fresh megabytes per batch cost page faults, and pile up as
   *   garbage until a collection)
   */
  constructor(capacity: number, reuse?: ArrayBuffer) {
    // Its own memory rather than a slice of Node's shared pool, so that a worker can transfer the result.
    this.buf = reuse !== undefined && reuse.byteLength >= capacity ? Buffer.from(reuse) : Buffer.allocUnsafeSlow(Math.max(64, capacity));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /**
   * Copies a field key.
   *
   * @param k - the key (from {@link fieldKey})
   */
  key(k: FieldKey): void {
    this.reserve(k.bytes.length);
    this.copyKey(k, this.pos);
    this.pos += k.bytes.length;
  }

  /** Copies a key at `p` (room made already): four bytes a store, then the last few. */
  private copyKey(k: FieldKey, p: number): void {
    const { bytes, words } = k;
    const view = this.view;
    for (let i = 0; i < words.length; i++) view.setInt32(p + 4 * i, words[i] as number, true);
    const buf = this.buf;
    for (let i = 4 * words.length; i < bytes.length; i++) buf[p + i] = bytes[i] as number;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /**
   * Copies bytes (from {@link utf8}).
   *
   * @param b - the bytes
   */
  bytes(b: Uint8Array): void {
    const n = b.length;
    this.reserve(n);
    const buf = this.buf;
    const p = this.pos;
    // A loop beats `set` (a call into the runtime) for the few bytes of a key; `set` wins for longer runs.
    if (n < 48) for (let i = 0; i < n; i++) buf[p + i] = b[i] as number;
    else buf.set(b, p);
    this.pos = p + n;
  }

  /**
   * Writes text as UTF-8, as it is.
   *
   * @param s - the text
   */
  text(s: string): void {
    this.reserve(3 * s.length);
    this.pos += this.buf.write(s, this.pos);
  }

  /**
   * Writes a non-negative integer in decimal.
   *
   * @param n - the integer
   */
  int(n: number): void {
    // Small integers (row numbers, queue types) digit by digit: `String(n)` allocates a string per row.
    if ((n | 0) !== n || n < 0) {
      this.ascii(String(n));
      return;
    }
    let digits = 1;
    for (let t = n; t >= 10; t = (t / 10) | 0) digits++;
    this.reserve(digits);
    const buf = this.buf;
    let p = this.pos + digits;
    this.pos = p;
    let t = n;
    do {
      buf[--p] = 48 + (t % 10);
      t = (t / 10) | 0;
    } while (t > 0);
  }

  /**
   * Writes text known to be ASCII (numbers, `true`, `false`).
   *
   * @param s - ASCII text
   */
  ascii(s: string): void {
    const charCodeAt = String.prototype.charCodeAt;
    const n = s.length;
    this.reserve(n);
    const buf = this.buf;
    const p = this.pos;
    for (let i = 0; i < n; i++) buf[p + i] = charCodeAt.call(s, i);
    this.pos = p + n;
  }

  /**
   * Writes a JSON string literal: the bytes of `JSON.stringify(s)`.
   *
   * @param s - the string
   */
  json(s: string): void {
    const charCodeAt = String.prototype.charCodeAt;
    const n = s.length;
    this.reserve(n + 2);
    const buf = this.buf;
    const start = this.pos;
    buf[start] = 34;
    for (let i = 0; i < n; i++) {
      const c = charCodeAt.call(s, i);
      // Printable ASCII other than `"` and `\` stands for itself in JSON and in UTF-8; anything else (control
      // characters, non-ASCII, lone surrogates) is left to JSON.stringify and the UTF-8 encoder.
      if (c < 0x20 || c > 0x7e || c === 34 || c === 92) {
        this.text(JSON.stringify(s));
        return;
      }
      buf[start + 1 + i] = c;
    }
    buf[start + 1 + n] = 34;
    this.pos = start + n + 2;
  }

  /**
   * Writes fixed bytes, then the inside of a JSON string literal (the bytes of `JSON.stringify(s)` without its two
   * quotes): `key` ends with the opening quote and the next piece starts with the closing one. One call per field of the
   * default row instead of two (the key, then the string), with one check for room: at a million rows the calls and
   * checks were a fifth of the writer's cost.
   *
   * @param key - the key (from {@link fieldKey})
   * @param s - the string
   */
  jsonField(key: FieldKey, s: string): void {
    const charCodeAt = String.prototype.charCodeAt;
    const k = key.bytes.length;
    const n = s.length;
    this.reserve(k + n);
    const buf = this.buf;
    const start = this.pos;
    this.copyKey(key, start);
    const at = start + k;
    for (let i = 0; i < n; i++) {
      const c = charCodeAt.call(s, i);
      // As in json(): printable ASCII other than `"` and `\` stands for itself; anything else takes JSON.stringify.
      if (c < 0x20 || c > 0x7e || c === 34 || c === 92) {
        this.pos = at;
        const quoted = JSON.stringify(s);
        this.text(quoted.slice(1, quoted.length - 1));
        return;
      }
      buf[at + i] = c;
    }
    this.pos = at + n;
  }

  /**
   * Writes a separator byte, then a CSV cell: the bytes of `sep` and {@link quoteCsvCell}`(s)`, with one check for room.
   *
   * @param sep - the separator's byte (`,` is 44)
   * @param s - the cell's value
   */
  csvField(sep: number, s: string): void {
    const charCodeAt = String.prototype.charCodeAt;
    const n = s.length;
    this.reserve(n + 1);
    const buf = this.buf;
    const start = this.pos;
    buf[start] = sep;
    for (let i = 0; i < n; i++) {
      const c = charCodeAt.call(s, i);
      if (c < 0x20 || c > 0x7e || c === 34 || c === 44) {
        this.pos = start + 1;
        this.text(quoteCsvCell(s));
        return;
      }
      buf[start + 1 + i] = c;
    }
    this.pos = start + 1 + n;
  }

  /**
   * Writes a CSV cell: the bytes of {@link quoteCsvCell}`(s)`.
   *
   * @param s - the cell's value
   */
  csv(s: string): void {
    const charCodeAt = String.prototype.charCodeAt;
    const n = s.length;
    this.reserve(n);
    const buf = this.buf;
    const start = this.pos;
    for (let i = 0; i < n; i++) {
      const c = charCodeAt.call(s, i);
      // Quoting is needed for `"`, `,`, CR and LF; other control characters go as they are, like non-ASCII text.
      if (c < 0x20 || c > 0x7e || c === 34 || c === 44) {
        this.text(quoteCsvCell(s));
        return;
      }
      buf[start + i] = c;
    }
    this.pos = start + n;
  }

  /**
   * Copies characters `from` to `to` of `s` as they are, if every one is printable ASCII other than `"`, `\` and `,`
   * (text that a JSON string and a CSV cell both hold unchanged); otherwise writes nothing of this piece and returns
   * false, and the caller writes the whole text through {@link ByteWriter.jsonField} or {@link ByteWriter.csvField}.
   * The engine hands a template's pieces here (it is a `TextSink`), so that a text is copied once, into the output.
   *
   * @param s - the string the piece is part of
   * @param from - the piece's first index
   * @param to - the index after its last character
   * @returns whether the piece was written
   */
  piece(s: string, from: number, to: number): boolean {
    const charCodeAt = String.prototype.charCodeAt;
    const n = to - from;
    this.reserve(n);
    const buf = this.buf;
    const at = this.pos - from;
    for (let i = from; i < to; i++) {
      const c = charCodeAt.call(s, i);
      if (c < 0x20 || c > 0x7e || c === 34 || c === 92 || c === 44) return false;
      buf[at + i] = c;
    }
    this.pos += n;
    return true;
  }

  /**
   * Copies a template's fixed text (see `TextSink.literal`): a long one from its bytes encoded once (kept in a bounded
   * table by the string), four bytes a store; a short one, or one the table has no room for, as {@link ByteWriter.piece}
   * copies it. False, writing nothing, for a text that JSON or CSV would escape.
   *
   * @param s - the text
   * @returns whether it was written
   */
  literal(s: string): boolean {
    if (s.length < MIN_LITERAL) return this.piece(s, 0, s.length);
    let k = LITERALS.get(s);
    if (k === undefined) {
      if (LITERALS.size >= MAX_LITERALS) return this.piece(s, 0, s.length);
      k = PLAIN.test(s) ? fieldKey(s) : null;
      LITERALS.set(s, k);
    }
    if (k === null) return false;
    this.key(k);
    return true;
  }

  /**
   * Takes back what was written after `length` bytes (a text whose pieces could not all be copied as they are).
   *
   * @param length - the {@link ByteWriter.length} to return to
   */
  rewind(length: number): void {
    if (length >= 0 && length < this.pos) this.pos = length;
  }

  /**
   * Ends writing.
   *
   * @returns the bytes written, over the writer's own memory (transferable)
   */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Makes room for `n` more bytes. */
  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(2 * this.buf.length, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
    this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
  }
}
