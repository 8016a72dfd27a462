/**
 * Integer arrays as short JSON-safe text, for the matcher arrays a precompiled plan stores. Each value is stored as its
 * difference from the value `stride` places before it (a trie's node table, a column of its records), zigzagged so that
 * small negative differences stay small, then written five bits a character in URL-safe base 64 with the sixth bit
 * saying "more follows". Most differences in a matcher's arrays are below 16: one character a value, where JSON's
 * decimal list takes three to seven.
 */

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The value of each character code, -1 for a character that is not a digit. */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) VALUE[DIGITS.charCodeAt(i)] = i;

/**
 * Packs 32-bit integers into text.
 *
 * @param values - the integers
 * @param stride - each value is stored as its difference from the value this many places before (1 for a sorted list,
 *   the record size for a table of records; 0 for the values themselves)
 * @returns the text, of characters `A-Za-z0-9-_`
 * @example
 * ```ts
 * packInts([0, 1, 2, 3], 1); // 'ACCC'
 * ```
 */
export function packInts(values: ArrayLike<number>, stride = 1): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const d = ((values[i] as number) - (stride > 0 && i >= stride ? (values[i - stride] as number) : 0)) | 0;
    // Zigzag: 0, -1, 1, -2, ... become 0, 1, 2, 3, ...; `>>> 0` keeps the top bit as a magnitude.
    let z = ((d << 1) ^ (d >> 31)) >>> 0;
    while (z >= 32) {
      out += DIGITS[32 | (z & 31)];
      z = Math.floor(z / 32);
    }
    out += DIGITS[z];
  }
  return out;
}

/**
 * Unpacks what {@link packInts} packed.
 *
 * @param text - the packed text
 * @param stride - the stride it was packed with
 * @returns the integers, or undefined when the text is not packed integers (a character outside the alphabet, a value
 *   cut short or longer than 32 bits)
 * @example
 * ```ts
 * unpackInts('ACCC', 1); // Int32Array [0, 1, 2, 3]
 * ```
 */
export function unpackInts(text: unknown, stride = 1): Int32Array | undefined {
  if (typeof text !== 'string') return undefined;
  // At most one value per character: room for that many, and the part used returned. One pass, since this runs while a
  // precompiled plan loads.
  const out = new Int32Array(text.length);
  let n = 0;
  let z = 0;
  let scale = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? (VALUE[c] as number) : -1;
    if (v < 0) return undefined;
    if (v < 32) {
      z += v * scale;
      if (z > 0xffffffff) return undefined;
      const d = (z >>> 1) ^ -(z & 1);
      out[n] = (d + (stride > 0 && n >= stride ? (out[n - stride] as number) : 0)) | 0;
      n++;
      z = 0;
      scale = 1;
    } else {
      z += (v & 31) * scale;
      scale *= 32;
      if (scale > 2 ** 32) return undefined;
    }
  }
  // A last value whose "more follows" was never ended.
  return scale === 1 ? out.subarray(0, n) : undefined;
}
