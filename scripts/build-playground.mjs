// Builds the rule-authoring playground (src/playground/, issue #18) into one self-contained static page:
// dist/playground/index.html, with its script and style inline and the bundled rule files embedded. Nothing is fetched
// from the network, and it works from file:// (where module scripts and worker files are refused: the script is a
// classic one, and the lint worker is started from the page's own inline text) and from any static host.
//
// Run by `npm run build`; `node scripts/build-playground.mjs --out DIR` writes elsewhere (the browser tests do).
// Prints the page's size, raw and gzipped.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--out');
const outDir = resolve(at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : join(root, 'dist/playground'));
const src = join(root, 'src/playground');

const result = await build({
  entryPoints: [join(src, 'main.ts')],
  bundle: true,
  minify: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  write: false,
  loader: { '.yaml': 'text' },
  // The page registers libphonenumber-js "max" (src/playground/phone.ts); the browser entry's "min" import then only
  // adds a second copy of the library and its metadata, so it resolves to "max" too (the same API).
  alias: { 'libphonenumber-js/min': 'libphonenumber-js/max' },
  tsconfig: join(src, 'tsconfig.json'),
  legalComments: 'none',
  logLevel: 'warning',
  // The engine's fallback to the runtime's module loader (src/engine/providers.ts) reads import.meta.url; the page never
  // takes it (the browser entry registers yaml and libphonenumber-js), so an empty import.meta is right here.
  logOverride: { 'empty-import-meta': 'silent' },
});
const script = result.outputFiles[0]?.text ?? '';
const node = [...script.matchAll(/.{0,40}["'`]node:.{0,40}/g)].map((m) => m[0]);
if (node.length > 0) throw new Error(`The playground bundle imports Node.js modules: ${node.join(' | ')}`);

// Inline script: "</script" would end the element and "<!--" would start HTML's escaped state; neither may appear.
const inline = script.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
const style = readFileSync(join(src, 'style.css'), 'utf8');
const template = readFileSync(join(src, 'index.html'), 'utf8');
const html = template
  .replace('/*STYLE*/', () => style)
  .replace('<!--SCRIPT-->', () => `<script id="playground-script">${inline}</script>`);

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'index.html'), html);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
// On standard error: `npm pack --json` runs this (prepack) and its standard output must stay the JSON.
console.error(`playground: ${join(outDir, 'index.html')} ${kb(Buffer.byteLength(html))}, ${kb(gzipSync(html, { level: 9 }).length)} gzipped`);
