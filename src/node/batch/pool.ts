/**
 * Where batches go: processed inline in the main thread, or spread over worker threads. Either way the output is
 * written in input order, and the number of batches between the reader and the writer is bounded, so a slow output
 * (or slow workers) slows the reader instead of filling memory.
 */
import type { Worker } from 'node:worker_threads';
import { builtin } from '../builtins.js';
import type { DialPlan } from '../../engine/plan/plan.js';
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
  /** Memory of an earlier batch that the output is done with, for this batch's output (transferred, not copied). */
  readonly reuse?: ArrayBuffer | undefined;
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
  /**
   * Takes back the memory of a processed batch once the output has written it (and keeps no reference to it), for a
   * later batch to write into.
   *
   * @param bytes - the `bytes` of a processed batch
   */
  recycle(bytes: Uint8Array): void;
}

/** Output buffers kept for reuse: a few batches in flight, not the whole run's garbage. */
const SPARE_BUFFERS = 4;

/** A list of spare output buffers: `put` keeps a batch's own memory (up to {@link SPARE_BUFFERS}), `take` hands one out. */
function spareBuffers(): { put(bytes: Uint8Array): void; take(): ArrayBuffer | undefined } {
  const spare: ArrayBuffer[] = [];
  return {
    put(bytes) {
      const b = bytes.buffer;
      // Only a batch's own memory (a worker's transferred buffer or a ByteWriter's): never a slice of a shared pool.
      if (spare.length < SPARE_BUFFERS && b instanceof ArrayBuffer && bytes.byteOffset === 0 && b.byteLength >= 262144) spare.push(b);
    },
    take: () => spare.pop(),
  };
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
  const spare = spareBuffers();
  return {
    submit: (batch) => write(processBatch(plan, batch, format, options, spare.take())),
    finish: async () => {},
    close: async () => {},
    recycle: (bytes) => spare.put(bytes),
  };
}

/**
 * Batches queued at each worker thread before the calling thread takes one itself: two, so that a worker always has the
 * next batch while its answer waits for the calling thread to finish a batch of its own.
 */
const WORKER_QUEUE = 2;

/**
 * The young generation of a worker's heap (V8's default lets it grow to 32 MB). A worker's garbage is short-lived (one
 * batch's query results), so 24 MB (two 8 MB halves) collect as cheaply, and each worker holds about 17 MB less: with
 * two threads the run stays under 150 MB.
 */
const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 24 };

/**
 * The compiled worker script. Under a TypeScript runner (tests import `src/`), the module URL is a `.ts` file and the
 * worker is taken from the build in `dist/`, since worker threads run plain JavaScript.
 *
 * Not a bundle of it: esbuild makes every module-level `const` a `var`, and V8 then no longer treats bytes.ts's
 * `charCodeAt` as the known function it calls on every character. A bundled worker answered first 20 ms sooner, then
 * used about 5% more CPU over a million rows (2.86 against 2.70 s with 2 workers, 12 alternating runs).
 */
function workerUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('../../../dist/node/batch/worker.js', here);
  // Beside this module in dist/node/batch/, or below it when this module is part of the bundled entry point dist/index.js.
  const beside = new URL('./worker.js', here);
  return builtin('node:fs').existsSync(beside) ? beside : new URL('./node/batch/worker.js', here);
}

/**
 * A sink that shares batches between the calling thread and up to `workers - 1` worker threads, and writes their output
 * in input order: `--workers 2` is the main thread and one worker thread, so N threads answer queries on N CPUs and
 * no CPU is left to a thread that only reads and writes. Each worker is kept {@link WORKER_QUEUE} batches deep; a batch
 * that finds every worker's queue full is processed in the calling thread (which then has no reading or writing to do
 * for that long: the output and the next input are in flight meanwhile). Workers are started as batches need them (a
 * batch finds every started worker busy): a small input starts one. At most `2 × workers + 2` batches are in flight or
 * waiting to be written: `submit` waits beyond that. Any worker failure (an error reply, an uncaught exception, a
 * non-zero exit) fails the sink: the next `submit` or `finish` rejects with a {@link WorkerFailure}, so the run ends
 * instead of waiting for an answer that will not come.
 *
 * @param workers - the number of threads answering queries, the calling thread included (2 or more)
 * @param init - what each worker loads
 * @param write - writes a processed batch
 * @param plan - the plan the calling thread answers its own batches with (the one `init` describes)
 * @returns the sink
 * @example
 * ```ts
 * const sink = createWorkerSink(2, { rulesPath, rulesText, location: undefined, layout }, write, plan);
 * for (const batch of batches) await sink.submit(batch);
 * await sink.finish();
 * ```
 */
export function createWorkerSink(workers: number, init: WorkerInit, write: BatchWriter, plan: DialPlan): BatchSink {
  const pool: Worker[] = [];
  const inFlight: number[] = [];
  const threads = Math.max(1, workers - 1);
  const window = 2 * workers + 2;
  const format = createRowFormatter(init.layout);
  const options = init.location !== undefined ? { location: init.location } : {};
  const spare = spareBuffers();
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
    const w = new (builtin('node:worker_threads').Worker)(workerUrl(), { workerData: init, resourceLimits: WORKER_RESOURCE_LIMITS });
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
  // The first worker starts now, not with the first batch (every run with workers starts one anyway): its own start (an
  // isolate, its modules, the plan) then overlaps the reading of that batch. 2 workers against the same build starting it
  // at the first batch, alternating rounds of a million rows: 1.29 against 1.40 s (per-round ratios 1.01 to 1.14).
  start();
  return {
    async submit(batch) {
      await waitFor(() => nextSeq - nextToWrite < window);
      let best = -1;
      for (let i = 0; i < pool.length; i++) if (best < 0 || (inFlight[i] ?? 0) < (inFlight[best] ?? 0)) best = i;
      if (best < 0 || ((inFlight[best] ?? 0) > 0 && pool.length < threads)) best = start();
      else if ((inFlight[best] ?? 0) >= WORKER_QUEUE) {
        // Every worker has work queued: this thread takes the batch itself.
        const seq = nextSeq++;
        done.set(seq, processBatch(plan, batch, format, options, spare.take()));
        void pump();
        return;
      }
      inFlight[best] = (inFlight[best] ?? 0) + 1;
      const reuse = spare.take();
      // Lines travel as one string: joined by the reader already, or joined here.
      const request: WorkerRequest =
        batch.joined === undefined && batch.columns === undefined && batch.problems === undefined
          ? { seq: nextSeq++, batch: { ...batch, numbers: [] }, packed: batch.numbers.join('\n'), reuse }
          : { seq: nextSeq++, batch, reuse };
      // The spare buffer moves to the worker without a copy, as its answer will move back.
      pool[best]?.postMessage(request, reuse !== undefined ? [reuse] : []);
    },
    async finish() {
      try {
        await waitFor(() => nextToWrite === nextSeq);
      } finally {
        await stopAll();
      }
    },
    close,
    recycle: (bytes) => spare.put(bytes),
  };
}
