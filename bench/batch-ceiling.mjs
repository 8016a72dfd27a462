/**
 * The two unavoidable costs of `dialplan batch`, each as its own process, for `bench/batch.mjs` to compare against:
 *
 * - `io IN OUT ROWBYTES`: the I/O ceiling, the simplest fast Node.js program that reads IN line by line and writes one
 *   fixed row of ROWBYTES bytes (newline included) per line to OUT, through a 64 KiB buffer with synchronous writes.
 * - `queries IN`: the same lines answered in-process with `plan.query` (bundled plan), one pass, like the batch's one
 *   pass; only the loop is timed (the file is read and split first).
 *
 * - `spin N`: N iterations of an arithmetic loop, nothing else: two of them at once against one alone tell how much
 *   parallel CPU the (shared) machine gives at that moment.
 *
 * Each prints one JSON line on standard output: `{ "ms": ..., "rows": ... }`, `ms` measured inside the process from its
 * first read to its last write (io), over the query loop (queries) or the spin loop (spin); `queries` adds `cpuMs`, the
 * CPU time of its loop (all threads).
 */
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';

const [mode, inPath, outPath, rowBytesArg] = process.argv.slice(2);

if (mode === 'io') {
  const t0 = performance.now();
  const rowBytes = Number(rowBytesArg);
  const row = Buffer.alloc(rowBytes, 0x61);
  row[rowBytes - 1] = 0x0a;
  const input = openSync(inPath, 'r');
  const output = openSync(outPath, 'w');
  const inBuf = Buffer.allocUnsafe(64 * 1024);
  const outBuf = Buffer.allocUnsafe(64 * 1024);
  let used = 0;
  let rows = 0;
  let carry = '';
  for (;;) {
    const n = readSync(input, inBuf, 0, inBuf.length, null);
    if (n === 0) break;
    const lines = (carry + inBuf.toString('utf8', 0, n)).split('\n');
    carry = lines.pop();
    for (let i = 0; i < lines.length; i++) {
      if (used + rowBytes > outBuf.length) {
        writeSync(output, outBuf, 0, used);
        used = 0;
      }
      used += row.copy(outBuf, used);
      rows++;
    }
  }
  if (carry !== '') {
    if (used + rowBytes > outBuf.length) (writeSync(output, outBuf, 0, used), (used = 0));
    used += row.copy(outBuf, used);
    rows++;
  }
  if (used > 0) writeSync(output, outBuf, 0, used);
  closeSync(output);
  closeSync(input);
  console.log(JSON.stringify({ ms: performance.now() - t0, rows }));
} else if (mode === 'queries') {
  const { loadDefaultDialPlan } = await import('../dist/index.js');
  const plan = loadDefaultDialPlan();
  const lines = readFileSync(inPath, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let ok = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < lines.length; i++) if (plan.query(lines[i]).ok) ok++;
  const ms = performance.now() - t0;
  // CPU time of the loop (all threads: V8's compiler threads too, as in the batch's own CPU time).
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rows: lines.length, ok }));
} else if (mode === 'spin') {
  const n = Number(inPath);
  let x = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) x = (x * 31 + i) | 0;
  console.log(JSON.stringify({ ms: performance.now() - t0, rows: 0, x: x & 1 }));
} else {
  console.error('usage: node bench/batch-ceiling.mjs io IN OUT ROWBYTES | queries IN | spin N');
  process.exit(2);
}
