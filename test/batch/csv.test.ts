// The streaming CSV reader: table-driven cases (test/fixtures/batch/csv-cases.json), each fed whole and split at every
// position, so that no chunk boundary changes the records; and the cell quoting of the CSV writer, read back.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CsvRecord } from '../../src/batch/csv.js';
import { createCsvReader, quoteCsvCell } from '../../src/batch/csv.js';

interface Case {
  readonly name: string;
  readonly input: string;
  readonly records: string[][];
  /** Indexes of records that carry a problem. */
  readonly problems?: number[];
  /** Records after the problem ones (only listed to check reading goes on). */
  readonly after?: string[][];
}

const cases = JSON.parse(readFileSync(new URL('../fixtures/batch/csv-cases.json', import.meta.url), 'utf8')) as Case[];

function readAll(pieces: readonly string[]): CsvRecord[] {
  const r = createCsvReader();
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
