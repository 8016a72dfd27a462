// Output rows: the hand-written NDJSON equals JSON.stringify of the documented shape; CSV cells read back; field lists.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCsvReader } from '../../../src/node/batch/csv.js';
import type { OutputField } from '../../../src/node/batch/format.js';
import { createRowFormatter, formatHeader, formatRow, OUTPUT_FIELDS, parseFieldList, uniqueNames } from '../../../src/node/batch/format.js';
import { formatProgress } from '../../../src/node/batch/progress.js';
import { emptyCounts, formatSummary, mergeCounts, summarizeBatch } from '../../../src/node/batch/summary.js';
import { loadDefaultDialPlan } from '../../../src/node/files.js';
import { DETAIL_FIELDS } from '../../../src/engine/types.js';

const plan = loadDefaultDialPlan();
const INPUTS = ['317 555 1234', '6929', '1-800-FLOWERS', 'sip:"jo\\e"@example.com', '', 'x'.repeat(300), '+44 20 7946 0958 ext. 12', '\u0001\ud800'];

describe('NDJSON rows', () => {
  it('are exactly JSON.stringify of { row, columns, ...details } or { row, columns, rawText, error }', () => {
    // Every field, also in another order than the default one (which has its own fast path).
    for (const fields of [DETAIL_FIELDS, ['normalizedText', 'dialString', 'classifications'] as const, [...OUTPUT_FIELDS].reverse()]) {
      for (const carried of [[], ['id', 'na"me']]) {
        const f = createRowFormatter({ format: 'ndjson', fields, carried });
        INPUTS.forEach((raw, i) => {
          const r = plan.query(raw);
          const columns = carried.length > 0 ? [`v${i}`, 'a,"b"'] : undefined;
          const cols = columns ? { columns: Object.fromEntries(carried.map((c, k) => [c, columns[k]])) } : {};
          const expected = r.ok
            ? { row: i + 1, ...cols, ...Object.fromEntries(fields.map((k) => [k, k === 'dialString' ? r.dialString : r.details[k]])) }
            : { row: i + 1, ...cols, rawText: raw, error: r.error };
          const line = formatRow(f, i + 1, raw, columns, r);
          expect(line.endsWith('\n')).toBe(true);
          expect(line).toBe(JSON.stringify(expected) + '\n');
        });
      }
    }
  });

  it('agree with JSON.stringify for any input string', () => {
    const f = createRowFormatter({ format: 'ndjson', fields: DETAIL_FIELDS, carried: [] });
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (raw) => {
        const r = plan.query(raw);
        const expected = r.ok ? { row: 7, ...r.details } : { row: 7, rawText: raw, error: r.error };
        expect(formatRow(f, 7, raw, undefined, r)).toBe(JSON.stringify(expected) + '\n');
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('CSV rows', () => {
  it('have the header columns, arrays joined with |, errors in the last two columns, and read back as CSV', () => {
    const layout = { format: 'csv', fields: ['rawText', 'normalizedText', 'classifications', 'dialCapable', 'queueType'] as OutputField[], carried: ['id'] } as const;
    const f = createRowFormatter(layout);
    const text = formatHeader(layout) + INPUTS.map((raw, i) => formatRow(f, i + 1, raw, [`id,${i}`], plan.query(raw))).join('');
    const reader = createCsvReader();
    const records = [...reader.push(text), ...reader.end()].map((r) => r.fields);
    expect(records[0]).toEqual(['row', 'id', 'rawText', 'normalizedText', 'classifications', 'dialCapable', 'queueType', 'errorCode', 'errorMessage']);
    expect(records).toHaveLength(INPUTS.length + 1);
    INPUTS.forEach((raw, i) => {
      const r = plan.query(raw);
      const cells = records[i + 1];
      // Output is UTF-8: a lone surrogate of the input comes out as U+FFFD, as any UTF-8 encoder writes it.
      expect(cells?.slice(0, 3)).toEqual([String(i + 1), `id,${i}`, Buffer.from(raw, 'utf8').toString('utf8')]);
      if (r.ok) {
        expect(cells?.slice(3)).toEqual([r.details.normalizedText, r.details.classifications.join('|'), String(r.details.dialCapable), String(r.details.queueType), '', '']);
      } else expect(cells?.slice(3)).toEqual(['', '', '', '', r.error.code, r.error.message]);
    });
  });
});

describe('NDJSON rows with every field', () => {
  it('are JSON.stringify of the details past the bound of the tail cache (a plan handing out new classifications arrays) and for directory hits', () => {
    const f = createRowFormatter({ format: 'ndjson', fields: DETAIL_FIELDS, carried: [] });
    const csv = createRowFormatter({ format: 'csv', fields: DETAIL_FIELDS, carried: [] });
    const base = plan.query('3175551234');
    const directory = plan.query('6930');
    if (!base.ok || !directory.ok) throw new Error('the default plan resolves both');
    expect(directory.details.queueName).not.toBe('');
    // 1 100 arrays never seen before (the cache keeps 1 024), each with its own classification name, then directory hits.
    for (let i = 0; i < 1100; i++) {
      const r = i % 100 === 99 ? directory : { ...base, details: { ...base.details, defaultClassification: `C${i}`, classifications: [`C${i}`, 'Local'] } };
      expect(formatRow(f, i + 1, r.details.rawText, undefined, r)).toBe(JSON.stringify({ row: i + 1, ...r.details }) + '\n');
      const cells = formatRow(csv, i + 1, r.details.rawText, undefined, r).split(',');
      expect(cells[6]).toBe(r.details.defaultClassification);
      expect(cells[7]).toBe(r.details.classifications.join('|'));
    }
  });
});

describe('CSV rows with every field', () => {
  it('read back as the details, the tail of each line cached per entry or written for directory hits', () => {
    const layout = { format: 'csv', fields: DETAIL_FIELDS, carried: ['id'] } as const;
    const f = createRowFormatter(layout);
    // Twice over, so that the second pass reads the cached tails; 6929 and 6930 are directory extensions.
    const inputs = [...INPUTS, '6930', '911', '3175551234', ...INPUTS, '6930'];
    const text = formatHeader(layout) + inputs.map((raw, i) => formatRow(f, i + 1, raw, [`id${i}`], plan.query(raw))).join('');
    const reader = createCsvReader();
    const records = [...reader.push(text), ...reader.end()].map((r) => r.fields);
    expect(records).toHaveLength(inputs.length + 1);
    inputs.forEach((raw, i) => {
      const r = plan.query(raw);
      const expected = r.ok
        ? [...DETAIL_FIELDS.map((k) => { const v = r.details[k]; return Array.isArray(v) ? v.join('|') : String(v); }), '', '']
        : [Buffer.from(raw, 'utf8').toString('utf8'), ...DETAIL_FIELDS.slice(1).map(() => ''), r.error.code, r.error.message];
      expect(records[i + 1]).toEqual([String(i + 1), `id${i}`, ...expected]);
    });
  });
});

describe('field lists and names', () => {
  it('parses --fields, rejecting unknown names', () => {
    expect(parseFieldList('normalizedText, dialCapable,normalizedText')).toEqual({ ok: true, fields: ['normalizedText', 'dialCapable'] });
    expect(parseFieldList('normalizedText,phone')).toEqual({ ok: false, unknown: 'phone' });
    expect(parseFieldList(',')).toMatchObject({ ok: false });
    expect(OUTPUT_FIELDS).toEqual([...DETAIL_FIELDS, 'dialString']);
  });
  it('makes repeated header names unique', () => {
    expect(uniqueNames(['id', 'id', 'id_2', 'x'])).toEqual(['id', 'id_2', 'id_2_2', 'x']);
    expect(uniqueNames(['a', 'a_3', 'a', 'a', 'a'])).toEqual(['a', 'a_3', 'a_2', 'a_4', 'a_5']);
  });
  it('makes 300 000 repeated names unique in linear time (a 300 KB header of commas hung the run: quadratic)', () => {
    const started = performance.now();
    const names = uniqueNames(Array.from({ length: 300000 }, () => ''));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(new Set(names).size).toBe(300000);
    expect(names.slice(0, 3)).toEqual(['', '_2', '_3']);
    expect(names[299999]).toBe('_300000');
  });
});

describe('progress and summary', () => {
  it('formats the progress line with and without a known size', () => {
    expect(formatProgress({ rows: 250000, elapsedMs: 500, bytesRead: 5e6, totalBytes: 2e7 })).toBe('250 000 rows  500 000 rows/s  25.0%  0:02 left');
    expect(formatProgress({ rows: 1234567, elapsedMs: 1000, bytesRead: 5e6, totalBytes: undefined })).toBe('1 234 567 rows  1 234 567 rows/s');
    expect(formatProgress({ rows: 0, elapsedMs: 0, bytesRead: 0, totalBytes: 100 })).toBe('0 rows  0 rows/s  0.0%');
    expect(formatProgress({ rows: 10, elapsedMs: 1000, bytesRead: 1, totalBytes: 7201 })).toBe('10 rows  10 rows/s  0.0%  2:00:00 left');
  });

  it('merges counts and prints them', () => {
    const a = emptyCounts();
    mergeCounts(a, { ok: 2, failed: 1, notDialCapable: 1, byClassification: { Local: 2 }, byError: { EMPTY: 1 } });
    mergeCounts(a, { ok: 1, failed: 0, notDialCapable: 0, byClassification: { Local: 1 }, byError: {} });
    const s = summarizeBatch(4, 4, a, 2);
    expect(s).toMatchObject({ rowsRead: 4, rowsWritten: 4, rowsOk: 3, rowsFailed: 1, dialCapableFalse: 1, byClassification: { Local: 3 }, byError: { EMPTY: 1 }, rowsPerSecond: 2 });
    expect(formatSummary(s)).toContain('4 rows read, 4 written (3 resolved, 1 error)');
    expect(formatSummary(s)).toContain('by classification: Local 3');
    expect(formatSummary(s)).toContain('dialCapable false: 1');
  });
});
