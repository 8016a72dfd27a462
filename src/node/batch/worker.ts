/**
 * The worker thread of `dialplan batch --workers N`: compiles the rules text the main thread loaded and checked (or the
 * bundled plan), then answers each batch message with its output text and counts, tagged with the batch's sequence
 * number. A plan that does not load, or a batch that throws, is answered with an error, which ends the run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DEFAULT_RULES_PATH, safeLoadDefaultDialPlan, safeLoadDialPlanFile } from '../files.js';
import type { LoadResult } from '../../engine/plan/load.js';
import { safeLoadDialPlan } from '../../engine/plan/load.js';
import { createRowFormatter } from './format.js';
import type { WorkerInit, WorkerRequest, WorkerResponse } from './pool.js';
import { processBatch } from './process.js';

const init = workerData as WorkerInit;

function load(): LoadResult | string {
  try {
    // The text the main thread checked, never the file again: a file changed in between cannot slip in unchecked. The
    // bundled plan comes from its snapshot (checked against the file), sparing each worker a YAML parse.
    // Its size was checked by the main thread's loader (a precompiled plan may be larger than a rule file).
    if (init.rulesText !== undefined) return safeLoadDialPlan(init.rulesText, { file: init.rulesPath, maxFileBytes: Number.MAX_SAFE_INTEGER });
    return init.rulesPath === DEFAULT_RULES_PATH ? safeLoadDefaultDialPlan() : safeLoadDialPlanFile(init.rulesPath);
  } catch (e) {
    return (e as Error)?.message ?? String(e);
  }
}

const loaded = load();
const format = createRowFormatter(init.layout);
const options = init.location !== undefined ? { location: init.location } : {};

if (typeof loaded === 'string' || !loaded.ok) {
  const why = typeof loaded === 'string' ? loaded : (loaded.problems[0]?.message ?? 'unknown problem');
  parentPort?.postMessage({ seq: -1, error: `a batch worker cannot load ${init.rulesPath}: ${why}` } satisfies WorkerResponse);
} else {
  const plan = loaded.plan;
  parentPort?.on('message', (m: WorkerRequest) => {
    let reply: WorkerResponse;
    try {
      const batch = m.packed === undefined ? m.batch : { ...m.batch, numbers: m.packed.split('\n') };
      const out = processBatch(plan, batch, format, options, m.reuse);
      reply = { seq: m.seq, bytes: out.bytes, counts: out.counts };
    } catch (e) {
      parentPort?.postMessage({ seq: m.seq, error: `a batch worker failed on rows from ${m.batch.firstRow}: ${(e as Error)?.message ?? String(e)}` } satisfies WorkerResponse);
      return;
    }
    // The output bytes move to the main thread without a copy.
    parentPort?.postMessage(reply, [reply.bytes.buffer as ArrayBuffer]);
  });
}
