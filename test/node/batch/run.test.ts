// runBatch over in-memory input: every input row gives exactly one output row, in order, equal to plan.query on it
// (fast-check, lines and CSV), with workers too; gzip input; summary counts.
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteCsvCell } from '../../../src/node/batch/csv.js';
import type { BatchRunOptions } from '../../../src/node/batch/run.js';
import { BatchRunError, runBatch } from '../../../src/node/batch/run.js';
import { MAX_RECORD_CHARS } from '../../../src/node/batch/lines.js';
import { DEFAULT_RULES_PATH, loadDefaultDialPlan } from '../../../src/node/files.js';
import { DETAIL_FIELDS } from '../../../src/engine/types.js';

const plan = loadDefaultDialPlan();

/** Runs a batch over the given input chunks; resolves to the output text and the summary. */
async function batch(chunks: readonly (string | Uint8Array)[], options: Partial<BatchRunOptions> = {}) {
  let out = '';
  const decoder = new TextDecoder();
  const summary = await runBatch({
    plan,
    rulesPath: DEFAULT_RULES_PATH,
    input: (async function* () {
      yield* chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c));
    })(),
    inputFormat: 'lines',
    format: 'ndjson',
    fields: DETAIL_FIELDS,
    workers: 1,
    output: { write: (c: string | Uint8Array) => (out += typeof c === 'string' ? c : decoder.decode(c, { stream: true })) },
    ...options,
  });
  return { out, summary, rows: out.split('\n').filter((l) => l !== '') };
}

/** What plan.query says about an input, in the NDJSON shape. */
const expectedRow = (raw: string): Record<string, unknown> => {
  const r = plan.query(raw);
  return r.ok ? { ...r.details } : { rawText: raw, error: r.error };
};

const withoutRow = (line: string): Record<string, unknown> => {
  const { row: _row, columns: _columns, ...rest } = JSON.parse(line) as Record<string, unknown>;
  return rest;
};

// Inputs as people type them, plus anything at all (well-formed text: the input is UTF-8).
const number = fc.oneof(
  fc.constantFrom('317 555 1234', '6929', '1-800-FLOWERS', '', '911', '+44 20 7946 0958', 'sip:jdoe@example.com', 'x'.repeat(257)),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

describe('runBatch', () => {
  it('CSV: for any list of strings, one row per input in order, each equal to plan.query (any chunking)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(number, { maxLength: 40 }), fc.integer({ min: 1, max: 50 }), async (inputs, size) => {
        const text = 'id,phone\r\n' + inputs.map((n, i) => `${i},${quoteCsvCell(n)}\r\n`).join('');
        const bytes = Buffer.from(text);
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
        const { rows, summary } = await batch(chunks, { inputFormat: 'csv', column: 'phone' });
        expect(rows).toHaveLength(inputs.length);
        expect(summary.rowsRead).toBe(inputs.length);
        expect(summary.rowsWritten).toBe(inputs.length);
        rows.forEach((line, i) => {
          const o = JSON.parse(line) as Record<string, unknown>;
          expect(o['row']).toBe(i + 1);
          expect(o['columns']).toEqual({ id: String(i) });
          expect(withoutRow(line)).toEqual(expectedRow(inputs[i] as string));
        });
      }),
      { seed: 42, numRuns: 150 },
    );
  });

  it('lines: for any list of single-line strings, one row per line in order, each equal to plan.query', async () => {
    const line = number.filter((s) => !/[\r\n]/.test(s) && !s.startsWith('\ufeff'));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 40 }), async (inputs) => {
        const { rows } = await batch([inputs.map((l) => l + '\n').join('')]);
        expect(rows.map(withoutRow)).toEqual(inputs.map(expectedRow));
        expect(rows.map((l) => (JSON.parse(l) as { row: number }).row)).toEqual(inputs.map((_, i) => i + 1));
      }),
      { seed: 42, numRuns: 150 },
    );
  });

  it('reads gzip input (detected by its magic bytes), and a byte-order mark is not part of the first number', async () => {
    const text = '\ufeff6929\r\n317 555 1234\r\n';
    const plain = await batch([text]);
    const gz = gzipSync(Buffer.from(text));
    const zipped = await batch([gz.subarray(0, 1), gz.subarray(1, 7), gz.subarray(7)]);
    expect(zipped.out).toBe(plain.out);
    expect(plain.rows.map(withoutRow)).toEqual(['6929', '317 555 1234'].map(expectedRow));
  });

  it('fails on a corrupt gzip stream instead of writing partial garbage', async () => {
    const gz = gzipSync(Buffer.from('6929\n'.repeat(1000)));
    await expect(batch([gz.subarray(0, gz.length - 20), Buffer.from('garbage-garbage-garbage')])).rejects.toThrow();
  });

  it('with 3 worker threads writes exactly what the main thread writes, in order', async () => {
    const inputs = Array.from({ length: 30000 }, (_, i) => (i % 7 === 0 ? '' : i % 5 === 0 ? `${i}` : `317 555 ${String(i).padStart(4, '0').slice(-4)}`));
    // Many small chunks: many batches, so the workers really finish out of order.
    const text = inputs.join('\n') + '\n';
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 997) chunks.push(text.slice(i, i + 997));
    const one = await batch(chunks);
    const three = await batch(chunks, { workers: 3 });
    expect(three.summary.rowsWritten).toBe(inputs.length);
    expect(three.out).toBe(one.out);
    expect(three.summary.byClassification).toEqual(one.summary.byClassification);
    expect(one.summary.byError).toEqual({ EMPTY: Math.ceil(30000 / 7) });
  });

  it('with a worker thread writes what the main thread writes across CRLF, bytes that are not UTF-8 and an over-long line', async () => {
    // Lines reach the worker as the text they came in (pushJoined) until a chunk holds a CR, bad bytes or a long line.
    const lines = Array.from({ length: 12000 }, (_, i) => (i % 11 === 0 ? '' : `317 555 ${String(i).padStart(4, '0').slice(-4)}`));
    const text = lines.join('\n') + '\n';
    const chunks: (string | Uint8Array)[] = [];
    for (let i = 0; i < text.length; i += 4093) chunks.push(text.slice(i, i + 4093));
    chunks.splice(5, 0, '6929\r\n69', '30\r\n');
    chunks.splice(9, 0, Buffer.from([0x36, 0x39, 0xff, 0x32, 0x39, 0x0a]));
    chunks.splice(15, 0, '\n' + '5'.repeat(70000) + '\n');
    const one = await batch(chunks);
    const two = await batch(chunks, { workers: 2 });
    // The inserted chunks land inside lines, so only the lines are counted: one row each, whoever answers it.
    const rows = (chunks.map((c) => (typeof c === 'string' ? c : Buffer.from(c).toString('latin1'))).join('').match(/\n/g) ?? []).length;
    expect(one.summary).toMatchObject({ rowsRead: rows, rowsWritten: rows });
    expect(two.summary).toMatchObject({ rowsRead: rows, rowsWritten: rows });
    expect(two.out).toBe(one.out);
    expect(one.summary.byError).toMatchObject({ INVALID_ENCODING: 1, TOO_LONG: 1 });
  });

  it('a NUL byte makes its row INVALID_ENCODING: UTF-16 input (with or without its BOM) never resolves a number, lines or CSV', async () => {
    // The query drops a NUL, so '3\0 1\0 7\0 ...' (a UTF-16LE line) read as UTF-8 resolved as +13175550000.
    const utf16 = (s: string): Buffer => Buffer.from(s, 'utf16le');
    for (const bom of [[], [0xff, 0xfe]]) {
      const input = Buffer.concat([Buffer.from(bom), utf16('3175551234\r\n3175550000\r\n911\r\n')]);
      for (const workers of [1, 2]) {
        const { rows, summary } = await batch([input], { workers });
        expect(rows).toHaveLength(4);
        expect(summary.rowsOk, `bom ${bom.length}, ${workers} workers`).toBe(0);
        expect(summary.byClassification).toEqual({});
      }
    }
    const { rows } = await batch([Buffer.from('317\x00555 1234\n911\n')]);
    expect(JSON.parse(rows[0] as string)).toMatchObject({
      row: 1,
      rawText: '317\ufffd555 1234',
      error: { code: 'INVALID_ENCODING', message: 'The line is not valid UTF-8: a NUL byte (0x00: UTF-16 or binary input, not text) at character 4.' },
    });
    expect(JSON.parse(rows[1] as string)).toMatchObject({ row: 2, normalizedText: '911' });
    const csv = await batch([Buffer.from('id,phone\n1,911\x00\n2,911\n')], { inputFormat: 'csv', column: 'phone' });
    expect(csv.rows.map((r) => (JSON.parse(r) as { error?: { code: string } }).error?.code)).toEqual(['INVALID_ENCODING', undefined]);
  });

  it('a file whose lines end with a lone CR (classic Mac OS, Excel for Mac CSV) has one row per line, however it is chunked', async () => {
    // Read as one line, three numbers became the dial-capable garbage number 31755512349115551234, and a CSV file a
    // header with no row.
    const lines = '3175551234\r911\r\r5551234\r';
    for (const size of [1, 2, 3, 5, 64]) {
      const chunks: string[] = [];
      for (let i = 0; i < lines.length; i += size) chunks.push(lines.slice(i, i + size));
      const { rows } = await batch(chunks);
      expect(rows.map((r) => (JSON.parse(r) as { rawText: string }).rawText), `by ${size}`).toEqual(['3175551234', '911', '', '5551234']);
      const csv = await batch(['id,phone\r1,3175551234\r2,"9\r11"\r'], { inputFormat: 'csv', column: 'phone' });
      expect(csv.rows.map((r) => JSON.parse(r) as Record<string, unknown>)).toMatchObject([
        { row: 1, columns: { id: '1' }, normalizedText: '+13175551234' },
        { row: 2, columns: { id: '2' }, rawText: '9\n11' },
      ]);
    }
    // \n and \r\n files are read as before: a lone CR inside a line stays in it.
    const lf = await batch(['317\r555 1234\n911\r\n']);
    expect(lf.rows.map((r) => (JSON.parse(r) as { rawText: string }).rawText)).toEqual(['317\r555 1234', '911']);
    // A first line longer than any kept whole is not held waiting for its end.
    const long = await batch(['5'.repeat(MAX_RECORD_CHARS + 10), '\r911\r']);
    expect(long.rows.length).toBe(1);
  });

  it('a very wide CSV header splits a chunk into batches of bounded size: short rows carry every column, never all at once', async () => {
    // 10 000 columns over 3 000 one-character rows is 30 million carried cells in one 6 KB chunk; the same shape at
    // 100 000 columns and 20 000 rows (a 140 KB file) ran the process out of memory in one batch.
    const width = 10000;
    const text = 'phone' + ','.repeat(width - 1) + '\n' + '1\n'.repeat(3000);
    let writes = 0;
    let most = 0;
    const decoder = new TextDecoder();
    const output = {
      write: (c: string | Uint8Array) => {
        const rows = (typeof c === 'string' ? c : decoder.decode(c)).split('\n').length - 1;
        writes++;
        most = Math.max(most, rows);
      },
    };
    const summary = await runBatch({
      plan,
      rulesPath: DEFAULT_RULES_PATH,
      input: (async function* () {
        yield Buffer.from(text);
      })(),
      inputFormat: 'csv',
      format: 'csv',
      fields: ['normalizedText'],
      workers: 1,
      output,
    });
    expect(summary).toMatchObject({ rowsRead: 3000, rowsWritten: 3000, byError: { MALFORMED_CSV: 3000 } });
    expect(writes).toBeGreaterThan(100);
    expect(most).toBeLessThanOrEqual(Math.ceil((1 << 18) / width) + 1);
  });

  it('counts classifications, errors and dialCapable false in the summary', async () => {
    const { summary } = await batch(['6929\n\n1-800-FLOWERS\n' + 'x'.repeat(300) + '\n']);
    expect(summary).toMatchObject({ rowsRead: 4, rowsWritten: 4, rowsOk: 2, rowsFailed: 2, byClassification: { Intercom: 1, 'Toll Free': 1 }, byError: { EMPTY: 1, TOO_LONG: 1 } });
  });

  it('rejects a --column that the header does not have', async () => {
    await expect(batch(['id,phone\n1,6929\n'], { inputFormat: 'csv', column: 'fax' })).rejects.toMatchObject({ code: 'UNKNOWN_COLUMN' });
    const { rows } = await batch(['id,phone\n1,6929\n'], { inputFormat: 'csv', column: '2' });
    expect(JSON.parse(rows[0] ?? '')).toMatchObject({ row: 1, columns: { id: '1' }, normalizedText: '/6929' });
  });

  it('a worker that cannot load its plan ends the run with a worker failure, never a wait', async () => {
    const started = Date.now();
    const chunks = ['6929\n'.repeat(5000), '911\n'.repeat(5000)];
    const failure = await batch(chunks, { workers: 2, rulesText: 'name: [\n' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(BatchRunError);
    expect(failure).toMatchObject({ reason: 'worker', message: expect.stringContaining('cannot load') });
    expect(Date.now() - started).toBeLessThan(10000);
  });

  it('an output that fails a write ends the run with an output failure and what was written', async () => {
    for (const workers of [1, 2]) {
      const fails = new Writable({
        highWaterMark: 1,
        write(_chunk, _enc, cb) {
          setImmediate(() => cb(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })));
        },
      });
      fails.on('error', () => {});
      const failure = await batch(['6929\n'.repeat(20000)], { workers, output: fails }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toMatchObject({ reason: 'output', message: 'no space left on device (ENOSPC)', summary: { rowsWritten: 0 } });
    }
  });

  it('the summary of a failed run counts only rows the output confirmed: resolved and errors add up to the rows written', async () => {
    // The write that fails was accepted (no back-pressure) before its callback said it failed: its rows are not counted.
    for (const workers of [1, 2]) {
      let writes = 0;
      const failsLater = new Writable({
        highWaterMark: 64 * 1024 * 1024,
        write(_chunk, _enc, cb) {
          writes++;
          setImmediate(() => cb(writes <= 2 ? null : Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })));
        },
      });
      failsLater.on('error', () => {});
      const input = Array.from({ length: 60000 }, (_, i) => (i % 5 === 0 ? '' : '6929')).join('\n') + '\n';
      const chunks: string[] = [];
      for (let i = 0; i < input.length; i += 8192) chunks.push(input.slice(i, i + 8192));
      const failure = (await batch(chunks, { workers, output: failsLater }).then(
        () => undefined,
        (e: unknown) => e,
      )) as BatchRunError;
      expect(failure).toBeInstanceOf(BatchRunError);
      const s = failure.summary;
      expect(s.rowsWritten, `${workers} workers`).toBeGreaterThan(0);
      expect(s.rowsOk + s.rowsFailed, `${workers} workers`).toBe(s.rowsWritten);
      expect(s.rowsRead).toBeGreaterThan(s.rowsWritten);
    }
  });

  it('options that are not what their types say are a WRONG_TYPE error before anything is read, never a run that goes wrong', async () => {
    // Before: format 'xml' wrote NDJSON, rowOffset '5' numbered the rows '501', fields 'x' failed as 'the input could
    // not be read to its end', workers 0, -1 and NaN ran as 1, and workers 1000 started threads until the input was read.
    const bad: [string, Partial<Record<keyof BatchRunOptions, unknown>>][] = [
      ['workers', { workers: 0 }],
      ['workers', { workers: -1 }],
      ['workers', { workers: Number.NaN }],
      ['workers', { workers: 2.5 }],
      ['workers', { workers: '2' }],
      ['format', { format: 'xml' }],
      ['inputFormat', { inputFormat: 'tsv' }],
      ['fields', { fields: ['nope'] }],
      ['fields', { fields: 'normalizedText' }],
      ['fields', { fields: [] }],
      ['rowOffset', { rowOffset: '5' }],
      ['rowOffset', { rowOffset: -5 }],
      ['column', { inputFormat: 'csv', column: 2 }],
      ['delimiter', { inputFormat: 'csv', delimiter: ':' }],
      ['location', { location: 5 }],
      ['plan', { plan: null }],
      ['input', { input: null }],
      ['output', { output: {} }],
    ];
    for (const [option, o] of bad) {
      let read = false;
      const input = (async function* () {
        read = true;
        yield Buffer.from('6929\n');
      })();
      const failure = await batch([], { input, ...(o as Partial<BatchRunOptions>) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure, JSON.stringify(o)).toMatchObject({ name: 'DialPlanError', code: 'WRONG_TYPE' });
      expect((failure as Error).message).toContain(`runBatch: ${option} must be`);
      expect(read).toBe(false);
    }
    // More workers than CPUs is lowered to the CPUs, as the command does: the same rows.
    const many = await batch(['6929\n911\n'.repeat(5000)], { workers: 1000 });
    expect(many.out).toBe((await batch(['6929\n911\n'.repeat(5000)])).out);
  });

  it('numbers rows from --row-offset + 1 and leaves out the CSV header from an offset on', async () => {
    const { rows } = await batch(['phone\n6929\n911\n'], { inputFormat: 'csv', format: 'csv', rowOffset: 41 });
    expect(rows.map((r) => r.split(',')[0])).toEqual(['42', '43']);
  });

  describe('output memory reused between batches', () => {
    // Many batches of a few hundred rows each (output buffers of 256 KiB and more, the size that is reused).
    const inputs = Array.from({ length: 12000 }, (_, i) => (i % 11 === 0 ? `+44 20 7946 ${String(i).padStart(4, '0').slice(-4)}` : `1 (317) 555-${String(i).padStart(4, '0').slice(-4)}`));
    const text = inputs.join('\n') + '\n';
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 9000) chunks.push(text.slice(i, i + 9000));

    it('a file written by 1, 2 and 3 threads holds exactly the rows of an in-memory run', async () => {
      const expected = (await batch(chunks)).out;
      expect(expected.split('\n').length - 1).toBe(inputs.length);
      const dir = mkdtempSync(join(tmpdir(), 'dialplan-reuse-'));
      try {
        for (const workers of [1, 2, 3]) {
          const path = join(dir, `out-${workers}.ndjson`);
          const stream = createWriteStream(path);
          await batch(chunks, { workers, output: stream });
          await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
          expect(readFileSync(path, 'utf8'), `${workers} thread(s)`).toBe(expected);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a writer that keeps the chunks it is given gets chunks nobody writes over', async () => {
      const expected = (await batch(chunks)).out;
      for (const workers of [1, 2]) {
        const kept: Uint8Array[] = [];
        const keeper = new Writable({
          write(chunk: Uint8Array, _enc, cb) {
            kept.push(chunk);
            cb();
          },
        });
        await batch(chunks, { workers, output: keeper });
        expect(Buffer.concat(kept).toString('utf8'), `${workers} thread(s)`).toBe(expected);
      }
    });
  });
});
