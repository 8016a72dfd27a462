// The line splitter: line ends, empty lines, chunk boundaries, and a line too long to keep.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLineSplitter, KEPT_CHARS, MAX_RECORD_CHARS } from '../../../src/node/batch/lines.js';

function split(pieces: readonly string[]): string[] {
  const s = createLineSplitter();
  return [...pieces.flatMap((p) => s.push(p)), ...s.end()];
}

describe('createLineSplitter', () => {
  it('splits on LF and CRLF, keeps empty lines, and makes no row of a final newline', () => {
    expect(split(['a\r\nb\n\nc\n'])).toEqual(['a', 'b', '', 'c']);
    expect(split(['a\nb'])).toEqual(['a', 'b']);
    expect(split(['', ''])).toEqual([]);
    expect(split(['\n'])).toEqual(['']);
  });

  it('gives the same lines however the text is cut into chunks', () => {
    const line = fc.string({ unit: fc.constantFrom('1', ' ', 'x', '\r', 'é') });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 10 }), fc.integer({ min: 1, max: 6 }), (lines, size) => {
        const text = lines.map((l) => l + '\n').join('');
        const pieces: string[] = [];
        for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
        // A \r right before the line end belongs to the line end.
        expect(split(pieces)).toEqual(lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('cuts a line longer than MAX_RECORD_CHARS (still one row) and goes on with the next', () => {
    const long = 'x'.repeat(MAX_RECORD_CHARS + 10);
    const pieces: string[] = [];
    for (let i = 0; i < long.length; i += 65536) pieces.push(long.slice(i, i + 65536));
    const lines = split(['1\n', ...pieces, '\n2\n']);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('1');
    expect(lines[1]?.length).toBeGreaterThan(256);
    expect(lines[1]?.length).toBeLessThan(1024);
    expect(lines[2]).toBe('2');
  });
});

describe('createLineSplitter: where a long line is cut', () => {
  it('cuts a line over MAX_RECORD_CHARS to KEPT_CHARS whether it comes whole or in pieces, and keeps one at the limit', () => {
    const over = '5'.repeat(MAX_RECORD_CHARS + 1);
    const at = '6'.repeat(MAX_RECORD_CHARS);
    const text = `1\n${over}\r\n${at}\r\n2`;
    const whole = split([text]);
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += 65536) pieces.push(text.slice(i, i + 65536));
    expect(split(pieces)).toEqual(whole);
    expect(whole.map((l) => l.length)).toEqual([1, KEPT_CHARS, MAX_RECORD_CHARS, 1]);
    // Over the limit at the very end of the input, without a line end.
    expect(split([over]).map((l) => l.length)).toEqual([KEPT_CHARS]);
  });
});

describe('createLineSplitter: pushJoined', () => {
  /** The lines of `pieces` through pushJoined (a joined text split back), mixed with push where `viaPush` says. */
  function splitJoined(pieces: readonly string[], viaPush: (i: number) => boolean = () => false): string[] {
    const s = createLineSplitter();
    const out: string[] = [];
    pieces.forEach((p, i) => {
      const r = viaPush(i) ? s.push(p) : s.pushJoined(p);
      if (Array.isArray(r)) out.push(...r);
      else {
        const lines = r.text.split('\n');
        expect(lines).toHaveLength(r.count);
        out.push(...lines);
      }
    });
    return [...out, ...s.end()];
  }

  it('gives the lines push gives, however the text is cut, with CR, empty lines and switches between the two', () => {
    const line = fc.string({ unit: fc.constantFrom('1', ' ', 'x', '\r', 'é', '\n') });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 3 }), (lines, size, every) => {
        const text = lines.join('\n');
        const pieces: string[] = [];
        for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
        expect(splitJoined(pieces, (i) => every > 0 && i % (every + 1) === every)).toEqual(split(pieces));
      }),
      { seed: 20261202, numRuns: 500 },
    );
  });

  it('hands back complete lines as one text with their count, and the rest later', () => {
    const s = createLineSplitter();
    expect(s.pushJoined('317 555 1234\n69')).toEqual({ text: '317 555 1234', count: 1 });
    expect(s.pushJoined('29\n\n7')).toEqual({ text: '6929\n', count: 2 });
    expect(s.pushJoined('00')).toEqual([]);
    expect(s.end()).toEqual(['700']);
  });

  it('cuts a long line as push does (it takes the path of push)', () => {
    const over = '5'.repeat(MAX_RECORD_CHARS + 1);
    const text = `1\n${over}\n2\n3`;
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += 65536) pieces.push(text.slice(i, i + 65536));
    expect(splitJoined(pieces).map((l) => l.length)).toEqual([1, KEPT_CHARS, 1, 1]);
  });
});
