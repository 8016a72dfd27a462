/**
 * One cold start, run in a fresh process by bench/cold.js: the time from the start of the import of the library to the
 * first answer of the default plan, and from process start to the same answer.
 */
import { performance } from 'node:perf_hooks';

const t0 = performance.now();
const { loadDefaultDialPlan } = await import('../dist/index.js');
const t1 = performance.now();
const r = loadDefaultDialPlan().query('(317) 555-1234');
const t2 = performance.now();
if (!r.ok || r.details.normalizedText !== '+13175551234') throw new Error('wrong first answer');
process.stdout.write(JSON.stringify({ importMs: t1 - t0, importToAnswerMs: t2 - t0, processToAnswerMs: t2 }));
