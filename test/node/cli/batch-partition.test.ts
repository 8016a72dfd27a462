// Partition invariance of dialplan batch: the input split into k parts (k = 1, 2, 7) at record boundaries, each part run
// on its own with --row-offset (the rows before it), the outputs concatenated in part order, is byte for byte one run over
// the whole input; for lines -> NDJSON and CSV -> CSV / NDJSON, in the main thread and with worker threads. CSV parts each
// repeat the input header; the CSV output header comes only from the part at offset 0 (docs/batch.md).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { quoteCsvCell } from '../../../src/node/batch/csv.js';
import { runCli } from '../../../src/node/cli/main.js';
import { seededRandom } from '../../../src/engine/authoring/metadata-numbers.js';

const dir = mkdtempSync(join(tmpdir(), 'dialplan-batch-parts-'));

// Seeded, so that the split points are the same on every run.
const next = seededRandom(16);
const NUMBERS = ['317 555 1234', '6929', '', '911', '+44 20 7946 0958', '1-800-FLOWERS', 'x', '(317) 555-0000 x12', '3'.repeat(300)];
const N = 12000;
const numbers = Array.from({ length: N }, (_, i) => (i % 13 === 0 ? (NUMBERS[i % NUMBERS.length] as string) : `(317) 555-${String(Math.floor(next() * 10000)).padStart(4, '0')}`));
const lineRecords = numbers.map((n) => `${n}\n`);
const csvHeader = 'id,name,phone\r\n';
const csvRecords = numbers.map((n, i) => `${i},${quoteCsvCell(i % 7 === 0 ? `Doe, "J" ${i}\nline two` : `name ${i}`)},${quoteCsvCell(n)}\r\n`);

async function batch(path: string, args: readonly string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await runCli(['batch', path, ...args], {
    stdout: { write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    stdin: new PassThrough(),
    stderrIsTty: false,
    cwd: dir,
  });
  expect(code, err).toBe(0);
  return out;
}

/** Cuts `count` records into k consecutive non-empty parts at seeded points; returns each part's first record. */
function splitPoints(count: number, k: number): number[] {
  const cuts = new Set<number>();
  while (cuts.size < k - 1) cuts.add(1 + Math.floor(next() * (count - 1)));
  return [0, ...[...cuts].sort((a, b) => a - b)];
}

describe('dialplan batch --row-offset: partition invariance', () => {
  const cases = [
    { name: 'lines -> NDJSON', ext: 'txt', header: '', records: lineRecords, args: [] as string[] },
    { name: 'CSV -> CSV', ext: 'csv', header: csvHeader, records: csvRecords, args: ['--column', 'phone', '--format', 'csv'] },
    { name: 'CSV -> NDJSON', ext: 'csv', header: csvHeader, records: csvRecords, args: ['--column', 'phone'] },
  ];
  for (const c of cases) {
    for (const workers of [[], ['--workers', '2']]) {
      it(`${c.name}${workers.length > 0 ? ', 2 workers' : ''}: k = 1, 2, 7 parts concatenated equal one run`, async () => {
        const whole = join(dir, `whole.${c.ext}`);
        writeFileSync(whole, c.header + c.records.join(''));
        const expected = await batch(whole, [...c.args, ...workers]);
        expect(expected.length).toBeGreaterThan(0);
        for (const k of [1, 2, 7]) {
          const starts = splitPoints(c.records.length, k);
          let joined = '';
          for (let p = 0; p < k; p++) {
            const from = starts[p] as number;
            const to = p + 1 < k ? (starts[p + 1] as number) : c.records.length;
            const part = join(dir, `part-${k}-${p}.${c.ext}`);
            writeFileSync(part, c.header + c.records.slice(from, to).join(''));
            joined += await batch(part, [...c.args, ...workers, '--row-offset', String(from)]);
          }
          expect(joined === expected, `k = ${k}`).toBe(true);
        }
      });
    }
  }

  it('--header and --no-header override the default (a header only at offset 0)', async () => {
    const part = join(dir, 'hdr.csv');
    writeFileSync(part, 'phone\n6929\n');
    const first = (out: string): string => out.split('\n')[0] as string;
    expect(first(await batch(part, ['--format', 'csv']))).toMatch(/^row,rawText,/);
    expect(first(await batch(part, ['--format', 'csv', '--row-offset', '5']))).toMatch(/^6,6929,/);
    expect(first(await batch(part, ['--format', 'csv', '--row-offset', '5', '--header']))).toMatch(/^row,rawText,/);
    expect(first(await batch(part, ['--format', 'csv', '--no-header']))).toMatch(/^1,6929,/);
  });
});
