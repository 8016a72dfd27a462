// The streaming CSV reader: table-driven cases (test/fixtures/batch/csv-cases.json), each fed whole and split at every
// position, so that no chunk boundary changes the records; and the cell quoting of the CSV writer, read back.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CsvRecord } from '../../../src/node/batch/csv.js';
import { createCsvReader, detectCsvDelimiter, quoteCsvCell } from '../../../src/node/batch/csv.js';
import { MAX_RECORD_CHARS } from '../../../src/node/batch/lines.js';

interface Case {
  readonly name: string;
  readonly input: string;
  readonly records: string[][];
  /** Indexes of records that carry a problem. */
  readonly problems?: number[];
  /** Records after the problem ones (only listed to check reading goes on). */
  readonly after?: string[][];
}

const cases = JSON.parse(readFileSync(new URL('../../fixtures/batch/csv-cases.json', import.meta.url), 'utf8')) as Case[];

function readAll(pieces: readonly string[], delimiter?: string): CsvRecord[] {
  const r = createCsvReader(delimiter !== undefined ? { delimiter } : {});
  return [...pieces.flatMap((p) => r.push(p)), ...r.end()];
}

describe('createCsvReader', () => {
  it.each(cases)('$name', (c) => {
    const expected = [...c.records, ...(c.after ?? [])];
    const whole = readAll([c.input]);
    expect(whole.map((r) => r.fields)).toEqual(expected);
    expect(whole.flatMap((r, i) => (r.problem !== undefined ? [i] : []))).toEqual(c.problems ?? []);
    for (let cut = 1; cut < c.input.length; cut++) {
      const split = readAll([c.input.slice(0, cut), c.input.slice(cut)]);
      expect(split, `split at ${cut}`).toEqual(whole);
    }
  });

  it('reads back what quoteCsvCell writes, for any cells and any chunking', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', '1', ',', '"', '\n', '\r', ' ', 'é') });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 7 }), (rows, size) => {
        const text = rows.map((r) => r.map(quoteCsvCell).join(',')).join('\r\n') + '\r\n';
        const pieces: string[] = [];
        for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
        const read = readAll(pieces);
        expect(read.map((r) => r.fields)).toEqual(rows);
        expect(read.every((r) => r.problem === undefined)).toBe(true);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('createCsvReader: records over MAX_RECORD_CHARS', () => {
  const feed = (text: string, size: number, delimiter?: string): CsvRecord[] => {
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
    return readAll(pieces, delimiter);
  };
  it('each is exactly one record with a problem, and the records around it are read as they are (any chunking)', () => {
    const long = '7'.repeat(MAX_RECORD_CHARS + 100);
    const text = `id,phone\n1,6929\n2,${long}\n3,"${long}"\n4,"a""b${long}",x\n5,911\n`;
    for (const size of [65536, 100000, text.length]) {
      const records = feed(text, size);
      expect(records.map((r) => r.fields[0])).toEqual(['id', '1', '2', '3', '4', '5']);
      expect(records.map((r) => r.problem !== undefined)).toEqual([false, false, true, true, true, false]);
      expect(records[2]?.problem).toContain(`longer than ${MAX_RECORD_CHARS}`);
      expect(records[5]?.fields).toEqual(['5', '911']);
      // Bounded: what a long record keeps of itself is short.
      expect(Math.max(...records.flatMap((r) => r.fields.map((f) => f.length)))).toBeLessThan(2048);
    }
  });
});

describe('CSV delimiters', () => {
  it('reads ; tab and | as it reads ,', () => {
    for (const sep of [';', '\t', '|']) {
      const text = `id${sep}name${sep}phone\r\n1${sep}"Doe${sep} J."${sep}317 555 1234\r\n`;
      expect(readAll([text], sep).map((r) => r.fields)).toEqual([
        ['id', 'name', 'phone'],
        ['1', `Doe${sep} J.`, '317 555 1234'],
      ]);
    }
    expect(() => createCsvReader({ delimiter: ':' })).toThrow(RangeError);
  });

  it('detects the separator from the header line: the most frequent outside quotes, ties in the order , ; tab |', () => {
    expect(detectCsvDelimiter('id;name;phone\n1,2;3')).toBe(';');
    expect(detectCsvDelimiter('id\tname\tphone')).toBe('\t');
    expect(detectCsvDelimiter('id|phone')).toBe('|');
    expect(detectCsvDelimiter('"a;b;c",phone')).toBe(',');
    expect(detectCsvDelimiter('a;b,c')).toBe(',');
    expect(detectCsvDelimiter('phone')).toBe(',');
  });
});
