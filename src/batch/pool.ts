/**
 * Where batches go: processed inline in the main thread, or spread over worker threads. Either way the output is
 * written in input order, and the number of batches between the reader and the writer is bounded, so a slow output
 * (or slow workers) slows the reader instead of filling memory.
 */
import { Worker } from 'node:worker_threads';
import type { DialPlan } from '../plan.js';
import type { BatchLayout } from './format.js';
import { createRowFormatter } from './format.js';
import type { ProcessedBatch } from './process.js';
import { processBatch } from './process.js';
import type { RowBatch } from './rows.js';

/** What each worker is started with. */
export interface WorkerInit {
  /** The rules file the main thread loaded, for messages (and loaded from, for the bundled plan when `rulesText` is absent). */
  readonly rulesPath: string;
  /** The YAML text the main thread loaded and checked: each worker compiles this text, never the file again. */
  readonly rulesText?: string | undefined;
  readonly location: string | undefined;
  readonly layout: BatchLayout;
}

/** A batch sent to a worker; line input travels as one string (`packed`), cheaper to clone than thousands of strings. */
export interface WorkerRequest {
  readonly seq: number;
  readonly batch: RowBatch;
  /** The numbers joined with `\n`, when no number holds one (line input); `batch.numbers` is then empty. */
  readonly packed?: string;
}

/** A worker's answer: the processed batch, or why it could not process it (`seq` -1: it could not load its plan). */
export type WorkerResponse =
  | ({ readonly seq: number } & ProcessedBatch)
  | { readonly seq: number; readonly error: string };

/**
 * A worker thread that failed: it could not load its plan, threw, ran out of memory or exited. The run stops with it.
 *
 * @example
 * ```ts
 * new WorkerFailure('a batch worker stopped with exit code 1');
 * ```
 */
export class WorkerFailure extends Error {
  override readonly name = 'WorkerFailure';
}

/** Takes batches in input order and writes their output in the same order. */
export interface BatchSink {
  /**
   * Hands over the next batch; resolves when the sink can take another (back-pressure).
   *
   * @param batch - the next rows
   */
  submit(batch: RowBatch): Promise<void>;
  /** Resolves once every submitted batch is written; the sink is then closed. */
  finish(): Promise<void>;
  /** Stops at once (workers terminated), for an early end. */
  close(): Promise<void>;
}

/** Writes one processed batch; resolves when the output can take more. */
export type BatchWriter = (processed: ProcessedBatch) => Promise<void>;

/**
 * A sink that processes each batch in the calling thread, then writes it.
 *
 * @param plan - the dial plan
 * @param layout - the output layout
 * @param location - the location to query with
 * @param write - writes a processed batch
 * @returns the sink
 * @example
 * ```ts
 * const sink = createInlineSink(plan, layout, undefined, async (p) => void out.write(p.bytes));
 * ```
 */
export function createInlineSink(plan: DialPlan, layout: BatchLayout, location: string | undefined, write: BatchWriter): BatchSink {
  const format = createRowFormatter(layout);
  const options = location !== undefined ? { location } : {};
  return {
    submit: (batch) => write(processBatch(plan, batch, format, options)),
    finish: async () => {},
    close: async () => {},
  };
}

/**
 * The compiled worker script. Under a TypeScript runner (tests import `src/`), the module URL is a `.ts` file and the
 * worker is taken from the build in `dist/`, since worker threads run plain JavaScript.
 */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/batch/worker.js', here) : new URL('./worker.js', here);
}

/**
 * A sink that spreads batches over worker threads and writes their output in input order. Workers are started as
 * batches need them (a batch finds every started worker busy), up to `workers`: a small input starts one. At most
 * `2 × workers` batches are in flight or waiting to be written: `submit` waits beyond that. Any worker failure (an error
 * reply, an uncaught exception, a non-zero exit) fails the sink: the next `submit` or `finish` rejects with a
 * {@link WorkerFailure}, so the run ends instead of waiting for an answer that will not come.
 *
 * @param workers - the largest number of worker threads
 * @param init - what each worker loads
 * @param write - writes a processed batch
 * @returns the sink
 * @example
 * ```ts
 * const sink = createWorkerSink(2, { rulesPath, rulesText, location: undefined, layout }, write);
 * for (const batch of batches) await sink.submit(batch);
 * await sink.finish();
 * ```
 */
export function createWorkerSink(workers: number, init: WorkerInit, write: BatchWriter): BatchSink {
  const pool: Worker[] = [];
  const inFlight: number[] = [];
  const window = 2 * workers;
  const done = new Map<number, ProcessedBatch>();
  let nextSeq = 0;
  let nextToWrite = 0;
  let writing = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const fail = (e: Error): void => {
    failure ??= e;
    notify();
  };
  const pump = async (): Promise<void> => {
    if (writing) return;
    writing = true;
    try {
      for (let p = done.get(nextToWrite); p !== undefined && failure === undefined; p = done.get(nextToWrite)) {
        done.delete(nextToWrite);
        await write(p);
        nextToWrite++;
        notify();
      }
    } catch (e) {
      fail(e as Error);
    } finally {
      writing = false;
    }
    if (done.has(nextToWrite) && failure === undefined) void pump();
  };
  const start = (): number => {
    const i = pool.length;
    const w = new Worker(workerUrl(), { workerData: init });
    pool.push(w);
    inFlight.push(0);
    w.on('message', (m: WorkerResponse) => {
      inFlight[i] = (inFlight[i] ?? 1) - 1;
      if ('error' in m) return fail(new WorkerFailure(m.error));
      done.set(m.seq, m);
      void pump();
    });
    w.on('error', (e: Error) => fail(new WorkerFailure(`a batch worker failed: ${e?.message ?? String(e)}`)));
    w.on('messageerror', (e: Error) => fail(new WorkerFailure(`a batch worker sent an unreadable message: ${e?.message ?? String(e)}`)));
    w.on('exit', (code) => {
      if (failure !== undefined) return;
      if (code !== 0) fail(new WorkerFailure(`a batch worker stopped with exit code ${code}`));
      // A worker that stops by itself while it owes answers (it could not load its plan) would be waited for forever.
      else if ((inFlight[i] ?? 0) > 0) fail(new WorkerFailure('a batch worker stopped before answering'));
    });
    return i;
  };
  const waitFor = async (ready: () => boolean): Promise<void> => {
    while (!ready()) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (failure) throw failure;
  };
  const stopAll = async (): Promise<void> => {
    await Promise.all(pool.map((w) => w.terminate()));
  };
  const close = async (): Promise<void> => {
    failure ??= new Error('closed');
    await stopAll();
  };
  return {
    async submit(batch) {
      await waitFor(() => nextSeq - nextToWrite < window);
      let best = -1;
      for (let i = 0; i < pool.length; i++) if (best < 0 || (inFlight[i] ?? 0) < (inFlight[best] ?? 0)) best = i;
      if (best < 0 || ((inFlight[best] ?? 0) > 0 && pool.length < workers)) best = start();
      inFlight[best] = (inFlight[best] ?? 0) + 1;
      const request: WorkerRequest =
        batch.columns === undefined && batch.problems === undefined
          ? { seq: nextSeq++, batch: { ...batch, numbers: [] }, packed: batch.numbers.join('\n') }
          : { seq: nextSeq++, batch };
      pool[best]?.postMessage(request);
    },
    async finish() {
      try {
        await waitFor(() => nextToWrite === nextSeq);
      } finally {
        await stopAll();
      }
    },
    close,
  };
}
