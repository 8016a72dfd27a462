/**
 * Loading a rule file off the event loop, for `dialplan serve`: the file is read and checked in a worker thread with a
 * time budget and a memory budget (`resourceLimits`), so that a hostile file never freezes the server, never takes it
 * down, and requests keep being answered while it loads.
 */
import type { Worker } from 'node:worker_threads';
import { builtin } from '../builtins.js';
import type { Problem } from '../../engine/errors.js';
import type { LoadResult, RuleFileSnapshot } from '../../engine/plan/load.js';
import { loadRuleFileSnapshot, safeLoadDialPlan } from '../../engine/plan/load.js';

/** What the main thread gives the worker. @internal */
export interface ReloadWorkerData {
  /** The file to read. */
  readonly path: string;
  /** Its name in problems. */
  readonly file: string;
}

/** What the worker answers: a snapshot of the checked file, or every problem. @internal */
export type ReloadWorkerReply =
  | { readonly ok: true; readonly snapshot: RuleFileSnapshot; readonly compileMs: number }
  /** A precompiled plan: its text, which the calling thread loads as the worker did. */
  | { readonly ok: true; readonly compiled: string; readonly compileMs: number }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Options of {@link loadDialPlanFileInWorker}. */
export interface WorkerLoadOptions {
  /** The file name shown in problems (default: the path). */
  readonly file?: string;
  /** Longest time the load may take, in milliseconds (default 10 000); the worker is then terminated. */
  readonly timeoutMs?: number;
  /** Largest heap the worker may use, in megabytes (default 512); past it the worker is stopped by Node. */
  readonly maxMemoryMb?: number;
  /**
   * Refuse a plan whose compile took the worker longer than this, in milliseconds (default: no limit). The plan object
   * cannot cross threads, so the calling thread compiles the checked file once more; a server reloading its plan sets
   * this so that the compile never stalls the requests it is answering.
   */
  readonly maxCompileMs?: number;
}

/** A load under way: its outcome, and a way to stop it. */
export interface WorkerLoad {
  /** Resolves to the plan or every problem; never rejects. */
  readonly result: Promise<LoadResult>;
  /** Stops the load (the worker is terminated); `result` then resolves to a problem saying so. */
  cancel(): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_MEMORY_MB = 512;

function workerUrl(): URL {
  const here = import.meta.url;
  // Under vitest this module runs from src/*.ts; the worker must be plain JavaScript, so it comes from dist/.
  if (here.endsWith('.ts')) return new URL('../../../dist/node/http/reload-worker.js', here);
  // Beside this module in dist/node/http/, or below it when this module is part of the bundled entry point dist/index.js.
  const beside = new URL('./reload-worker.js', here);
  return builtin('node:fs').existsSync(beside) ? beside : new URL('./node/http/reload-worker.js', here);
}

/**
 * Loads a rule file in a worker thread within a time and memory budget. Whatever happens in the worker (problems, a
 * timeout, running out of memory, a crash) comes back as problems; only the final compile of the already checked file
 * runs on the calling thread.
 *
 * @param path - the rule file
 * @param options - file name, time and memory budget
 * @returns the load under way
 * @example
 * ```ts
 * const r = await loadDialPlanFileInWorker('site.yaml', { timeoutMs: 10_000 }).result;
 * if (r.ok) handler.setPlan(r.plan);
 * ```
 */
export function loadDialPlanFileInWorker(path: string, options: WorkerLoadOptions = {}): WorkerLoad {
  const file = options.file ?? path;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxMemoryMb = options.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB;
  const failure = (message: string): LoadResult => ({
    ok: false,
    problems: [{ code: 'TOO_LARGE', severity: 'error', message, path: [], file }],
  });
  let settle: (r: LoadResult) => void = () => {};
  let worker: Worker | undefined;
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  const result = new Promise<LoadResult>((resolve) => {
    settle = (r) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (worker) void worker.terminate();
      resolve(r);
    };
  });
  try {
    const data: ReloadWorkerData = { path, file };
    const { Worker } = builtin('node:worker_threads');
    worker = new Worker(workerUrl(), {
      workerData: data,
      // A small young generation and stack: an alias bomb or runaway recursion hits a limit early instead of growing.
      resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
      stdout: true,
      stderr: true,
    });
    // Whatever the worker prints (a library warning, say) is not the server's output: read and dropped.
    worker.stdout.resume();
    worker.stderr.resume();
    timer = setTimeout(() => settle(failure(`Loading took longer than ${timeoutMs} ms and was stopped.`)), timeoutMs);
    worker.on('message', (reply: ReloadWorkerReply) => {
      if (!reply.ok) return settle({ ok: false, problems: reply.problems });
      if (options.maxCompileMs !== undefined && reply.compileMs > options.maxCompileMs) {
        return settle(
          failure(
            `Compiling this plan takes ${Math.round(reply.compileMs)} ms, over the ${options.maxCompileMs} ms a reload may stall ` +
              'requests for; restart the server to load it.',
          ),
        );
      }
      // The file was checked in the worker; compiling its snapshot (or loading its precompiled text) again here is the
      // only work on this thread.
      settle('compiled' in reply ? safeLoadDialPlan(reply.compiled, { file, maxFileBytes: Number.MAX_SAFE_INTEGER }) : loadRuleFileSnapshot(reply.snapshot));
    });
    worker.on('error', (e: NodeJS.ErrnoException) =>
      settle(
        failure(
          e.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `Loading needed more than ${maxMemoryMb} MB of memory and was stopped.`
            : `Loading failed: ${e.message}.`,
        ),
      ),
    );
    worker.on('exit', () => settle(failure('Loading stopped without an answer.')));
  } catch (e) {
    settle(failure(`Loading could not start: ${(e as Error)?.message ?? String(e)}.`));
  }
  return { result, cancel: () => settle(failure('Loading was cancelled.')) };
}
