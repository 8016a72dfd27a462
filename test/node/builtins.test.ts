// Importing the package must not load the Node.js built-in modules that only the HTTP server, the batch runner and the
// reload code use (src/node/builtins.ts says why: about 7 ms of every process's start). Checked on the bundled entry,
// dist/index.js, in a fresh process, since a module loaded once stays loaded; `npm test` builds dist/ first.
import * as crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as workerThreads from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtin } from '../../src/node/builtins.js';

const entry = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Public built-in modules that answering a query does not need. */
const LAZY = ['child_process', 'crypto', 'dns', 'http', 'https', 'net', 'os', 'stream', 'tls', 'worker_threads', 'zlib'];

/**
 * Runs `steps` in a fresh Node.js process, each a piece of module code, and returns which of {@link LAZY} were loaded
 * after each. `process.moduleLoadList` (undocumented but long stable) lists `NativeModule <id>` for every built-in module
 * loaded. The lists are taken before anything is printed: writing to a piped stdout would load `net` itself.
 */
function loadedAfter(steps: readonly string[]): string[][] {
  const seen = steps.map((step, i) => `${step};\nseen[${i}] = lazy.filter((m) => process.moduleLoadList.includes('NativeModule ' + m));`);
  const script = `const lazy = ${JSON.stringify(LAZY)};\nconst seen = [];\n${seen.join('\n')}\nconsole.log(JSON.stringify(seen));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '--eval', script], { encoding: 'utf8', timeout: 30_000 });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as string[][];
}

describe('the package entry (dist/index.js)', () => {
  it('loads none of the server, batch and reload built-ins when imported, nor to answer a query; they load at first use', () => {
    const [atStart, imported, answered, served] = loadedAfter([
      '',
      `const d = await import(${JSON.stringify(entry)})`,
      `if (!d.loadDefaultDialPlan().query('317-555-1234').ok) throw new Error('no answer')`,
      `d.createIcwsServer({ plan: d.loadDefaultDialPlan(), users: new Map(), log: () => {} })`,
    ]);
    // Node itself loads none of them before user code, so the check below could see any the entry pulls in.
    expect(atStart).toEqual([]);
    expect(imported).toEqual([]);
    expect(answered).toEqual([]);
    // The check does see a module once loaded: making a server loads http (and crypto, os, net with it).
    expect(served).toEqual(expect.arrayContaining(['http', 'net']));
  });
});

describe('builtin', () => {
  it('gives the same module a static import gives, and the same object every time', () => {
    expect(builtin('node:crypto')).toBe(builtin('node:crypto'));
    expect(builtin('node:crypto').randomUUID).toBe(crypto.randomUUID);
    expect(builtin('node:http').createServer).toBe(http.createServer);
    expect(builtin('node:worker_threads').Worker).toBe(workerThreads.Worker);
    expect(builtin('node:fs').WriteStream).toBe(fs.WriteStream);
  });
});
