/**
 * Reading the input of `dialplan batch`: bytes from a file or a stream, gunzipped when they start with the gzip magic
 * bytes, decoded as UTF-8 (a leading byte-order mark dropped), with a count of the raw bytes read for the progress line.
 */
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

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
 * the file name). Pulls from the source only as fast as the consumer asks (back-pressure through async iteration).
 *
 * @param source - the raw bytes (a file stream, standard input)
 * @param onBytes - told the size of each raw chunk read, for progress
 * @returns the text, chunk by chunk
 * @example
 * ```ts
 * for await (const text of readTextChunks(createReadStream('numbers.txt.gz'))) process(text);
 * ```
 */
export async function* readTextChunks(source: AsyncIterable<Uint8Array | string>, onBytes?: (n: number) => void): AsyncGenerator<string> {
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
    const gunzip = createGunzip();
    // pipeline destroys the gunzip stream on a source or data error, which makes the iteration below throw.
    pipeline(Readable.from(rest()), gunzip, () => {});
    bytes = gunzip;
  } else bytes = rest();
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of bytes) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const tail = decoder.decode();
  if (tail !== '') yield tail;
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
