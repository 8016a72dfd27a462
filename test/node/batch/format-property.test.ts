// The batch's hand-written rows (NDJSON and CSV, with the tail of each line cached per dial-plan entry) say what
// JSON.stringify and the CSV reader say, for random plans (directories, internal classifications, unmatched settings,
// locations) and random inputs; the formatters live across plans and rows, as in a long run, so the cache is exercised.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueryResult } from '../../../src/index.js';
import { safeLoadDialPlan } from '../../../src/index.js';
import { DETAIL_FIELDS } from '../../../src/engine/types.js';
import { createCsvReader } from '../../../src/node/batch/csv.js';
import { createRowFormatter, formatRow } from '../../../src/node/batch/format.js';
import { inputArb, matchingInputs, planArb } from '../../engine/random-plan.js';

const SEED = 20261206;

describe('batch rows on random plans', () => {
  it('NDJSON is JSON.stringify and CSV reads back as the details, with one formatter across plans', () => {
    const ndjson = createRowFormatter({ format: 'ndjson', fields: DETAIL_FIELDS, carried: [] });
    const some = createRowFormatter({ format: 'ndjson', fields: ['queueName', 'dialString', 'internal', 'classifications'], carried: ['id'] });
    const csv = createRowFormatter({ format: 'csv', fields: DETAIL_FIELDS, carried: [] });
    let row = 0;
    fc.assert(
      fc.property(planArb, fc.array(inputArb, { maxLength: 6 }), ({ object, yaml }, random) => {
        const loaded = safeLoadDialPlan(yaml);
        fc.pre(loaded.ok);
        if (!loaded.ok) return;
        const plan = loaded.plan;
        const inputs = [...random, ...matchingInputs(object), '6929', '1', '2', '7'];
        // Twice over: the second pass reads the cached tails.
        for (const raw of [...inputs, ...inputs]) {
          for (const location of [undefined, ...plan.locations]) {
            row++;
            const r: QueryResult = plan.query(raw, location === undefined ? undefined : { location });
            const what = `${JSON.stringify(raw)} at ${location}`;
            const expected = r.ok ? { row, ...r.details } : { row, rawText: raw, error: r.error };
            expect(formatRow(ndjson, row, raw, undefined, r), what).toBe(JSON.stringify(expected) + '\n');
            const picked = r.ok
              ? { row, columns: { id: raw }, queueName: r.details.queueName, dialString: r.dialString, internal: r.details.internal, classifications: r.details.classifications }
              : { row, columns: { id: raw }, rawText: raw, error: r.error };
            expect(formatRow(some, row, raw, [raw], r), what).toBe(JSON.stringify(picked) + '\n');
            const reader = createCsvReader();
            const line = formatRow(csv, row, raw, undefined, r);
            const cells = [...reader.push(line), ...reader.end()].map((x) => x.fields);
            // Output is UTF-8: a lone surrogate comes out as U+FFFD (format.test.ts says the same).
            const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');
            const want = r.ok
              ? [String(row), ...DETAIL_FIELDS.map((k) => { const v = r.details[k]; return utf8(Array.isArray(v) ? v.join('|') : String(v)); }), '', '']
              : [String(row), utf8(raw), ...DETAIL_FIELDS.slice(1).map(() => ''), r.error.code, r.error.message];
            expect(cells, what).toEqual([want]);
          }
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
