// The package's Node.js entry point is one bundled file (scripts/bundle-entry.mjs): what it finds beside itself at run
// time (the bundled plan's snapshot, the batch and reload worker scripts, the package's own package.json) must still be
// found from dist/index.js, where the modules that look for them no longer sit in their own folders.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

it('the bundled entry answers, runs batch worker threads and reports its version', () => {
  const script = `
    const d = await import(${JSON.stringify(entry)});
    const plan = d.loadDefaultDialPlan();
    let out = '';
    const lines = Array.from({ length: 3000 }, (_, i) => i % 2 ? '6929' : '317-555-' + String(1000 + (i % 9000))).join('\\n');
    const summary = await d.runBatch({
      plan,
      rulesPath: d.DEFAULT_RULES_PATH,
      input: (async function* () { yield Buffer.from(lines); })(),
      inputFormat: 'lines',
      format: 'ndjson',
      fields: d.DETAIL_FIELDS,
      workers: 2,
      output: { write: (c) => { out += typeof c === 'string' ? c : Buffer.from(c).toString('utf8'); } },
    });
    const { server } = d.createIcwsServer({ plan, users: new Map(), log: () => {} });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address();
    const res = await fetch('http://127.0.0.1:' + port + '/icws/connection/version');
    const body = await res.json();
    await new Promise((r) => server.close(r));
    console.log(JSON.stringify({ first: plan.query('6929').ok, rows: out.trim().split('\\n').length, read: summary.rowsRead, version: body.productReleaseDisplayString }));
  `;
  // A file rather than --eval: worker threads inherit the process's flags, and --input-type is refused in a worker.
  const file = join(mkdtempSync(join(tmpdir(), 'dialplan-entry-')), 'run.mjs');
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({ first: true, rows: 3000, read: 3000, version: `dialplan ${version}` });
});
