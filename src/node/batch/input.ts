/**
 * Reading the input of `dialplan batch`: bytes from a file or a stream, gunzipped when they start with the gzip magic
 * bytes, decoded as UTF-8 (a leading byte-order mark dropped), with a count of the raw bytes read for the progress line.
 *
 * Bytes that are not UTF-8 are not silently repaired into U+FFFD (which would let `555\xff1234` resolve as a valid
 * number): each such byte `b` becomes the lone surrogate U+DC00 + b, a code unit that decoding valid UTF-8 never yields,
 * so the readers can tell the rows that hold one ({@link hasInvalidBytes}) and make them `INVALID_ENCODING` error rows.
 * A NUL byte is marked the same way (U+DC00): it is valid UTF-8 but never text, and it is what UTF-16 input (a
 * spreadsheet's "Unicode text") or binary data looks like; the query would drop it, so `3\x001\x007...` would resolve.
 */
import { isUtf8 } from 'node:buffer';
import { builtin } from '../builtins.js';

/** The two bytes every gzip member starts with (RFC 1952). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Whether bytes start with the gzip magic number `1f 8b`.
 *
 * @param head - the first bytes of the input
 * @returns true for gzip data
 * @example
 * ```ts
 * isGzip(Buffer.from([0x1f, 0x8b, 8])); // true
 * ```
 */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

/**
 * Decodes a byte stream into UTF-8 text chunks, gunzipping it first when it is gzip (detected by its magic bytes, whatever
 * the file name). Pulls from the source only as fast as the consumer asks (back-pressure through async iteration). A byte
 * that is not part of valid UTF-8 becomes the lone surrogate U+DC00 + byte (U+DC80 to U+DCFF), which
 * {@link hasInvalidBytes} finds; valid chunks (nearly all) are checked at once with `buffer.isUtf8` and decoded as they are.
 *
 * @param source - the raw bytes (a file stream, standard input)
 * @param onBytes - told the size of each raw chunk read, for progress
 * @param onInvalid - called for each chunk that holds bytes that are not UTF-8 (before that chunk's text is yielded)
 * @returns the text, chunk by chunk
 * @example
 * ```ts
 * for await (const text of readTextChunks(createReadStream('numbers.txt.gz'))) process(text);
 * ```
 */
export async function* readTextChunks(
  source: AsyncIterable<Uint8Array | string>,
  onBytes?: (n: number) => void,
  onInvalid?: () => void,
): AsyncGenerator<string> {
  const it = source[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  // Enough bytes to tell gzip from text (a stream may deliver a single byte first).
  while (head.length < 2) {
    const r = await it.next();
    if (r.done) break;
    const chunk = toBuffer(r.value);
    onBytes?.(chunk.length);
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
  }
  const rest = async function* (): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      const chunk = toBuffer(r.value);
      onBytes?.(chunk.length);
      yield chunk;
    }
  };
  let bytes: AsyncIterable<Buffer>;
  if (isGzip(head)) {
    const gunzip = builtin('node:zlib').createGunzip();
    const { pipeline, Readable } = builtin('node:stream');
    // pipeline destroys the gunzip stream on a source or data error, which makes the iteration below throw.
    pipeline(Readable.from(rest()), gunzip, () => {});
    bytes = gunzip;
  } else bytes = rest();
  // Bytes of a character cut by the chunk boundary wait for the next chunk; the first bytes wait until a byte-order mark
  // can be told apart.
  let pending: Buffer | undefined;
  let started = false;
  const decode = (body: Buffer): string => {
    // `includes(0)` is one memchr over the chunk: valid text stays as cheap as before.
    if (isUtf8(body) && !body.includes(0)) return body.toString('utf8');
    onInvalid?.();
    return decodeMarked(body);
  };
  for await (const raw of bytes) {
    let chunk = pending === undefined ? raw : Buffer.concat([pending, raw]);
    pending = undefined;
    if (!started) {
      if (chunk.length < 3) {
        pending = chunk;
        continue;
      }
      started = true;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    const cut = completeLength(chunk);
    if (cut < chunk.length) pending = chunk.subarray(cut);
    const text = decode(cut < chunk.length ? chunk.subarray(0, cut) : chunk);
    if (text !== '') yield text;
  }
  if (pending !== undefined && pending.length > 0) {
    // A short input that starts with the byte-order mark is the mark alone.
    if (!started && pending.length === 3 && pending[0] === 0xef && pending[1] === 0xbb && pending[2] === 0xbf) return;
    const text = decode(pending);
    if (text !== '') yield text;
  }
}

/**
 * Whether decoded text holds a byte that was not UTF-8 or a NUL byte (a lone surrogate U+DC80 to U+DCFF, or U+DC00, put
 * there by {@link readTextChunks}). A low surrogate that follows a high one is half of a valid character, not a mark.
 *
 * @param text - a row, or a field of it
 * @returns the index of the first such byte's mark, or -1
 * @example
 * ```ts
 * hasInvalidBytes('555\udcff1234'); // 3
 * hasInvalidBytes('555 1234');      // -1
 * ```
 */
export function hasInvalidBytes(text: string): number {
  const m = INVALID_MARK.exec(text);
  return m === null ? -1 : m.index;
}

/**
 * The text with each mark of an invalid byte replaced by U+FFFD, as a decoder that repairs would have given it: what an
 * `INVALID_ENCODING` error row shows of its input.
 *
 * @param text - a row, or a field of it
 * @returns the text, valid UTF-16
 * @example
 * ```ts
 * repairInvalidBytes('555\udcff1234'); // '555\ufffd1234'
 * ```
 */
export function repairInvalidBytes(text: string): string {
  return text.replace(INVALID_MARKS, '\ufffd');
}

const INVALID_MARK = /(?<![\ud800-\udbff])[\udc00\udc80-\udcff]/;
const INVALID_MARKS = /(?<![\ud800-\udbff])[\udc00\udc80-\udcff]/g;

/**
 * What an `INVALID_ENCODING` message says of the byte marked at `at`: `byte 0xFF`, or for a NUL byte that it is one and
 * what input holds them.
 *
 * @param text - a row, or a field of it, with its marks
 * @param at - the index of a mark ({@link hasInvalidBytes})
 * @returns the words for the message
 * @example
 * ```ts
 * describeInvalidByte('555\udcff1', 3); // 'byte 0xFF'
 * ```
 */
export function describeInvalidByte(text: string, at: number): string {
  const b = text.charCodeAt(at) - 0xdc00;
  return b === 0 ? 'a NUL byte (0x00: UTF-16 or binary input, not text)' : `byte 0x${b.toString(16).toUpperCase()}`;
}

/** The length of the part of `buf` whose last character is complete: the bytes after it may be completed by the next chunk. */
function completeLength(buf: Buffer): number {
  const n = buf.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = buf[n - k] as number;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > k ? n - k : n;
  }
  return n;
}

/** Decodes bytes that are not all valid UTF-8 or hold a NUL: valid runs as they are, each invalid or NUL byte as its mark. */
function decodeMarked(buf: Buffer): string {
  let out = '';
  let start = 0;
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i] as number;
    if (b < 0x80 && b !== 0) {
      i++;
      continue;
    }
    const len = b === 0 ? 0 : sequenceLength(buf, i);
    if (len > 0) {
      i += len;
      continue;
    }
    out += buf.toString('utf8', start, i) + String.fromCharCode(0xdc00 + (buf[i] as number));
    i++;
    start = i;
  }
  return out + buf.toString('utf8', start, n);
}

/** The length of the valid UTF-8 sequence of 2 to 4 bytes at `i` (RFC 3629: no overlong forms, no surrogates), or 0. */
function sequenceLength(buf: Buffer, i: number): number {
  const b = buf[i] as number;
  const c1 = buf[i + 1] ?? 0;
  const cont = (x: number | undefined): boolean => x !== undefined && (x & 0xc0) === 0x80;
  if (b >= 0xc2 && b <= 0xdf) return cont(c1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const lo = b === 0xe0 ? 0xa0 : 0x80;
    const hi = b === 0xed ? 0x9f : 0xbf;
    return c1 >= lo && c1 <= hi && cont(buf[i + 2]) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const lo = b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xf4 ? 0x8f : 0xbf;
    return c1 >= lo && c1 <= hi && cont(buf[i + 2]) && cont(buf[i + 3]) ? 4 : 0;
  }
  return 0;
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
