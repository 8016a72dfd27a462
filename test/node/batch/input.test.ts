// Decoding the batch input: valid UTF-8 cut anywhere decodes as it was (no false alarm at chunk boundaries), and every
// byte that is not UTF-8 is marked, never silently repaired; a byte-order mark is dropped; gzip goes the same way.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasInvalidBytes, readTextChunks, repairInvalidBytes } from '../../../src/node/batch/input.js';

async function decode(pieces: readonly Uint8Array[]): Promise<{ text: string; invalid: number }> {
  let invalid = 0;
  let text = '';
  const source = (async function* () {
    yield* pieces;
  })();
  for await (const t of readTextChunks(source, undefined, () => invalid++)) text += t;
  return { text, invalid };
}

function cut(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe('readTextChunks', () => {
  it('decodes any valid text however the bytes are cut, with no mark and no invalid chunk', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.integer({ min: 1, max: 7 }), async (s, size) => {
        const { text, invalid } = await decode(cut(Buffer.from(s), size));
        expect(text).toBe(s.startsWith('\ufeff') ? s.slice(1) : s);
        expect(invalid).toBe(0);
        expect(hasInvalidBytes(text)).toBe(-1);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('marks each byte that is not UTF-8 (lone, overlong, surrogate, truncated), whatever the chunking', async () => {
    const cases: [number[], string][] = [
      [[0x35, 0x35, 0x35, 0xff, 0x31], '555\udcff1'],
      [[0xc0, 0xaf], '\udcc0\udcaf'], // overlong '/'
      [[0xed, 0xa0, 0x80], '\udced\udca0\udc80'], // an encoded surrogate
      [[0x61, 0xe2, 0x82], 'a\udce2\udc82'], // cut at the end of the input
      [[0xf0, 0x9f, 0x98, 0x80, 0x80], '\ud83d\ude00\udc80'], // a valid emoji, then a stray continuation byte
    ];
    for (const [bytes, expected] of cases) {
      for (let size = 1; size <= bytes.length; size++) {
        const { text, invalid } = await decode(cut(Uint8Array.from(bytes), size));
        expect(text, `${bytes} by ${size}`).toBe(expected);
        expect(invalid).toBeGreaterThan(0);
      }
    }
    // A NUL byte is valid UTF-8 but never text (UTF-16, binary): marked as U+DC00, with or without other bad bytes.
    for (const [bytes, expected] of [[[0x33, 0x00, 0x31], '3\udc001'], [[0x00, 0xff], '\udc00\udcff']] as [number[], string][]) {
      const { text, invalid } = await decode([Uint8Array.from(bytes)]);
      expect(text).toBe(expected);
      expect(invalid).toBe(1);
    }
    expect(hasInvalidBytes('3\udc001')).toBe(1);
    expect(repairInvalidBytes('3\udc001')).toBe('3\ufffd1');
    expect(hasInvalidBytes('555\udcff1')).toBe(3);
    // The low half of a valid pair in the same range is not a mark.
    expect(hasInvalidBytes('\ud800\udc80')).toBe(-1);
    expect(repairInvalidBytes('555\udcff1')).toBe('555\ufffd1');
  });

  it('drops a byte-order mark, also when it comes a byte at a time; gzip input is decoded the same way', async () => {
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x36, 0x39, 0xff, 0x0a]);
    expect((await decode(cut(bytes, 1))).text).toBe('69\udcff\n');
    expect((await decode([gzipSync(bytes)])).text).toBe('69\udcff\n');
    expect((await decode([Buffer.from([0xef, 0xbb, 0xbf])])).text).toBe('');
  });
});
