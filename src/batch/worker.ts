/**
 * The worker thread of `dialplan batch --workers N`: loads the plan from the rules file the main thread loaded, then
 * answers each batch message with its output text and counts, tagged with the batch's sequence number.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DEFAULT_RULES_PATH, safeLoadDefaultDialPlan, safeLoadDialPlanFile } from '../files.js';
import { createRowFormatter } from './format.js';
import type { WorkerInit, WorkerRequest, WorkerResponse } from './pool.js';
import { processBatch } from './process.js';

const init = workerData as WorkerInit;
// The bundled plan comes from its snapshot (checked against the file), sparing each worker a YAML parse.
const loaded = init.rulesPath === DEFAULT_RULES_PATH ? safeLoadDefaultDialPlan() : safeLoadDialPlanFile(init.rulesPath);
const format = createRowFormatter(init.layout);
const options = init.location !== undefined ? { location: init.location } : {};

parentPort?.on('message', (m: WorkerRequest) => {
  let reply: WorkerResponse;
  if (!loaded.ok) {
    reply = { seq: m.seq, error: `a worker cannot load ${init.rulesPath}: ${loaded.problems[0]?.message ?? 'unknown problem'}` };
  } else {
    const batch = m.packed === undefined ? m.batch : { ...m.batch, numbers: m.packed.split('\n') };
    const out = processBatch(loaded.plan, batch, format, options);
    reply = { seq: m.seq, bytes: out.bytes, counts: out.counts };
    // The output bytes move to the main thread without a copy.
    parentPort?.postMessage(reply, [out.bytes.buffer as ArrayBuffer]);
    return;
  }
  parentPort?.postMessage(reply);
});
