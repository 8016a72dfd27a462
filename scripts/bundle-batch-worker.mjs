// Bundles the worker thread of `dialplan batch --workers N` (dist/node/batch/worker.js, compiled by tsc) into one file,
// dist/node/batch-worker.js, run by `npm run build`.
//
// Why: a worker thread is a new isolate that loads its modules again. Unbundled, the worker reaches about 30 modules,
// and Node's ES module loader resolves, reads and links each one: its first answer came about 65 ms after it was
// started, against about 45 ms from one file. Packages (`yaml`,
// libphonenumber-js) stay external. The file sits in dist/node/ so that its package-root lookup (package-root.ts: a module
// directly in a `node/` folder is two folders below the root) finds rules/ and dist/default-plan.json; pool.ts starts it
// when it is there and falls back to dist/node/batch/worker.js otherwise.
import { build } from 'esbuild';
import { renameSync } from 'node:fs';

const out = 'dist/node/batch-worker.tmp.js';
await build({
  entryPoints: ['dist/node/batch/worker.js'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile: out,
  logLevel: 'warning',
});
renameSync(out, 'dist/node/batch-worker.js');
