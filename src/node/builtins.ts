/**
 * Node.js built-in modules that the package entry loads at first use rather than when it is imported.
 *
 * Why: `import 'dialplan'` reaches the HTTP server, the batch runner and the reload code, and static imports of
 * `node:http`, `node:net`, `node:stream`, `node:zlib`, `node:crypto`, `node:os` and `node:worker_threads` made every
 * process load them at start (about 7 ms together, a third of the time the import took), even one that only answers a
 * query: that matters to the cold-start target (a precompiled plan answers its first query within 100 ms of process
 * start). `node:url` and `node:buffer` are loaded by Node itself before any user code, so they stay static imports.
 * `node:fs` is loaded by Node too, but a static import of it is not free: its ES module namespace reads every export of
 * fs, and the `ReadStream`/`WriteStream` getters load `node:stream` (about 1.5 ms). So the server, batch and reload code
 * take fs from here as well, as src/node/files.ts does: no file the entry reaches imports `node:fs` statically. Types still come from `import type`, which costs nothing at run time. The worker entry files
 * (`reload-worker.ts`, `batch/worker.ts`) run in their own threads and are not part of the entry, so they import as usual.
 * `test/node/builtins.test.ts` checks that importing `dist/index.js` loads none of these modules.
 */
import type * as crypto from 'node:crypto';
import type * as fs from 'node:fs';
import type * as http from 'node:http';
import type * as net from 'node:net';
import type * as os from 'node:os';
import type * as stream from 'node:stream';
import type * as workerThreads from 'node:worker_threads';
import type * as zlib from 'node:zlib';

/** The built-in modules loaded at first use by the code the package entry reaches (see the module comment), by name. */
export interface LazyBuiltins {
  readonly 'node:crypto': typeof crypto;
  readonly 'node:fs': typeof fs;
  readonly 'node:http': typeof http;
  readonly 'node:net': typeof net;
  readonly 'node:os': typeof os;
  readonly 'node:stream': typeof stream;
  readonly 'node:worker_threads': typeof workerThreads;
  readonly 'node:zlib': typeof zlib;
}

/** The name of one of {@link LazyBuiltins}. */
export type LazyBuiltin = keyof LazyBuiltins;

/** The modules loaded so far: a property lookup afterwards, cheaper than asking Node again on a request's path. */
const loaded: { [ID in LazyBuiltin]?: object } = {};

/**
 * A Node.js built-in module, loaded the first time it is asked for (with `process.getBuiltinModule`, Node 20.16 and
 * later) and kept.
 *
 * @param id - the module's name, with the `node:` scheme
 * @returns the module's exports, the same object a static import gives
 * @example
 * const { createServer } = builtin('node:http');
 */
export function builtin<ID extends LazyBuiltin>(id: ID): LazyBuiltins[ID] {
  // The generic ID indexes two different maps (ours and @types/node's), which TypeScript cannot relate: both name the same
  // module's exports.
  return (loaded[id] ??= process.getBuiltinModule(id)) as LazyBuiltins[ID];
}
