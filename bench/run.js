/**
 * `npm run bench`: every benchmark, each in its own process so that one's JIT and heap do not colour another's figures.
 * The library must be built first (`npm run bench` does it).
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`# dialplan benchmarks — ${new Date().toISOString()}`);
console.log(`Node ${process.version}, ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${process.platform} ${process.arch}`);
let failed = false;
for (const [script, flags] of [
  ['query.js', []],
  ['scale.js', ['--expose-gc']],
  ['cold.js', []],
  ['batch.mjs', []],
  ['load.mjs', []],
]) {
  const r = spawnSync(process.execPath, [...flags, here(script)], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
