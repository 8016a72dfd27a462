// Bundles the Node.js entry point (dist/index.js, compiled by tsc) into one file, run by `npm run build`.
//
// Why: Node's ES module loader spends about half a millisecond on each module, and the package root reaches 65 of them,
// which was most of the time from `import 'dialplan'` to the first answer. One file loads in one step. `yaml`,
// libphonenumber-js and every other package stay external (and `yaml` is still loaded only when YAML is parsed); the
// other files of dist/ stay as tsc wrote them: the command line, the worker threads and the browser entry use them.
import { build } from 'esbuild';
import { renameSync } from 'node:fs';

const out = 'dist/index.bundle.tmp.js';
await build({
  entryPoints: ['dist/index.js'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile: out,
  logLevel: 'warning',
});
renameSync(out, 'dist/index.js');
