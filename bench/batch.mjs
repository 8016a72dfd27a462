/**
 * Benchmark of `dialplan batch`: 1 000 000 generated rows (the seeded benchmark corpus) through the built CLI to
 * /dev/null, as lines → NDJSON and CSV → CSV, with 1 worker (the main thread) and with 2 worker threads. Reports rows/s
 * (wall time of the whole process, start-up and plan load included; and the rate the command's own summary prints, from
 * its first read to its last write) and the process's peak RSS (all threads).
 *
 * Run: `npm run bench:batch` (builds first). `BENCH_BATCH_ROWS` changes the row count, `BENCH_BATCH_REPEATS` the
 * number of runs per case (the fastest counts: on a shared machine other work only slows a run down).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './corpus.js';

const ROWS = Number(process.env.BENCH_BATCH_ROWS ?? 1_000_000);
const REPEATS = Number(process.env.BENCH_BATCH_REPEATS ?? 3);
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const RSS = fileURLToPath(new URL('./batch-rss.mjs', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'dialplan-batch-bench-'));
const corpus = generateCorpus(ROWS);
const linesFile = join(dir, 'numbers.txt');
writeFileSync(linesFile, corpus.join('\n') + '\n');
const csvFile = join(dir, 'numbers.csv');
const csvCell = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
writeFileSync(csvFile, 'id,phone,source\n' + corpus.map((n, i) => `${i + 1},${csvCell(n)},crm`).join('\n') + '\n');

/** Runs the CLI once; resolves to { seconds, maxRssMB, rows }. */
function runOnce(args) {
  return new Promise((resolve, reject) => {
    const devNull = openSync('/dev/null', 'w');
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--import', RSS, CLI, 'batch', ...args], { stdio: ['ignore', devNull, 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`dialplan batch ${args.join(' ')} exited ${code}:\n${stderr}`));
      const rss = /maxRSS_kB (\d+)/.exec(stderr);
      const written = /(\d+) rows read, (\d+) written/.exec(stderr);
      if (!rss || !written) return reject(new Error(`unexpected stderr:\n${stderr}`));
      if (Number(written[1]) !== ROWS || Number(written[2]) !== ROWS) return reject(new Error(`rows in/out ${written[1]}/${written[2]}, expected ${ROWS}`));
      const inner = /\((\d+) rows\/s\)/.exec(stderr);
      resolve({ seconds, maxRssMB: Number(rss[1]) / 1024, innerRate: inner ? Number(inner[1]) : NaN });
    });
  });
}

const cases = [
  ['lines → NDJSON, 1 worker', [linesFile]],
  ['lines → NDJSON, 2 workers', [linesFile, '--workers', '2']],
  ['CSV → CSV, 1 worker', [csvFile, '--column', 'phone', '--format', 'csv']],
  ['CSV → CSV, 2 workers', [csvFile, '--column', 'phone', '--format', 'csv', '--workers', '2']],
];

const fmt = (n) => Math.round(n).toLocaleString('en-US').replace(/,/g, ' ');
console.log(`\n## dialplan batch: ${fmt(ROWS)} rows (${(statSync(linesFile).size / 1e6).toFixed(1)} MB of lines) to /dev/null, best of ${REPEATS}\n`);
console.log('| case | rows/s (whole process) | seconds | rows/s (after start-up, as the summary prints) | peak RSS (MB) |');
console.log('| --- | ---: | ---: | ---: | ---: |');
const results = [];
try {
  for (const [name, args] of cases) {
    let best;
    for (let r = 0; r < REPEATS; r++) {
      const m = await runOnce(args);
      if (!best || m.seconds < best.seconds) best = m;
    }
    results.push([name, best]);
    console.log(`| ${name} | ${fmt(ROWS / best.seconds)} | ${best.seconds.toFixed(2)} | ${fmt(best.innerRate)} | ${best.maxRssMB.toFixed(0)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const one = results[0][1];
const ok = ROWS / one.seconds >= 500_000 && one.maxRssMB < 150;
console.log(`\ntarget (lines → NDJSON, 1 worker): ≥ 500 000 rows/s and peak RSS < 150 MB → ${ok ? 'met' : 'NOT met'} (${fmt(ROWS / one.seconds)} rows/s, ${one.maxRssMB.toFixed(0)} MB)`);
