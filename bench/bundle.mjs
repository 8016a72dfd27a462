// Bundle size of the platform-neutral engine (issue #17): each entry of test/fixtures/bundle bundled for the browser by
// esbuild (minified, ESM) and gzipped, against its budget. `node bench/bundle.mjs` prints the three sizes (after
// `npm run build`: the entries import dist/); test/bundle.test.ts fails when one is over budget or a bundle reaches for
// Node.js.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The three budgets, in bytes of gzipped, minified JavaScript. */
export const BUDGETS = [
  { entry: 'engine', what: 'browser entry: default plan snapshot, no YAML parser', budget: 25 * 1024 },
  { entry: 'yaml', what: 'browser entry: loadDialPlan (engine + yaml)', budget: 60 * 1024 },
  { entry: 'phone', what: 'browser entry: engine + yaml + libphonenumber-js min', budget: 90 * 1024 },
];

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * Bundles one fixture entry for the browser.
 * @param {string} entry - engine, yaml or phone
 * @returns {Promise<{ bytes: number, gzipped: number, text: string, nodeImports: string[] }>}
 */
export async function bundle(entry) {
  const r = await build({
    entryPoints: [fileURLToPath(new URL(`../test/fixtures/bundle/${entry}.js`, import.meta.url))],
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const out = r.outputFiles[0].contents;
  // Every import any bundled module makes: a Node.js builtin here would be a module the browser does not have (esbuild
  // fails on most of them for the browser platform; this also catches one marked external).
  const nodeImports = Object.values(r.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path).filter((p) => builtins.has(p) || p.startsWith('node:')));
  return { bytes: out.length, gzipped: gzipSync(out, { level: 9 }).length, text: Buffer.from(out).toString('utf8'), nodeImports };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const b of BUDGETS) {
    const r = await bundle(b.entry);
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
    console.log(`${b.what.padEnd(56)} ${kb(r.gzipped).padStart(8)} gzipped (${kb(r.bytes)} minified), budget ${kb(b.budget)}`);
  }
}
