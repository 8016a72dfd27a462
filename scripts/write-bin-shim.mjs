// Writes dist/cli/main.js, run by `npm run build`: the command's old place, kept as a shim to dist/node/cli/main.js.
//
// Why: npx installs a local package into its cache once per folder and keeps the bin link it made then. A clone that ran
// `npx dialplan` before the command moved to dist/node/cli/ would otherwise answer "dialplan: not found" until that cache
// is cleared. The shim makes the moved module see itself as the program (it runs only when it is the main module).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';

mkdirSync('dist/cli', { recursive: true });
writeFileSync(
  'dist/cli/main.js',
  `#!/usr/bin/env node
// The dialplan command lives in dist/node/cli/main.js; this file serves bin links made before it moved there.
import { fileURLToPath } from 'node:url';
process.argv[1] = fileURLToPath(new URL('../node/cli/main.js', import.meta.url));
await import('../node/cli/main.js');
`,
);
chmodSync('dist/cli/main.js', 0o755);
