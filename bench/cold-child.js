/**
 * One cold start, run in a fresh process by bench/cold.js.
 *
 * Default mode: the time from the start of the import of the library to the first answer of the default plan, and from
 * process start to the same answer. `parts` mode: the same path cut into its stages (the YAML library's import, the
 * library's import, reading and parsing the rule file, compiling the parsed plan, the first query), to show where the time
 * goes. `file PATH` mode: from process start to the first answer of the plan in PATH (YAML or precompiled). `empty` mode:
 * from process start to the first line of a script, Node.js's own start.
 */
import { performance } from 'node:perf_hooks';

const NUMBER = '(317) 555-1234';
const check = (r) => {
  if (!r.ok || r.details.normalizedText !== '+13175551234') throw new Error('wrong first answer');
};

if (process.argv[2] === 'empty') {
  // Node.js's own start: from process start to the first line of a script that imports nothing. The floor under every
  // other figure, measured in the same rounds.
  process.stdout.write(JSON.stringify({ processToAnswerMs: performance.now() }));
} else if (process.argv[2] === 'file') {
  // A large plan of the user's own, from YAML or precompiled (dialplan compile): process start to its first answer.
  const { loadDialPlanFile } = await import('../dist/index.js');
  const t1 = performance.now();
  const r = loadDialPlanFile(process.argv[3]).query(NUMBER);
  const t2 = performance.now();
  check(r);
  process.stdout.write(JSON.stringify({ loadToAnswerMs: t2 - t1, processToAnswerMs: t2 }));
} else if (process.argv[2] === 'parts') {
  const t0 = performance.now();
  const { parse } = await import('yaml');
  const t1 = performance.now();
  const { compileDialPlan, DEFAULT_RULES_PATH } = await import('../dist/index.js');
  const { readFileSync } = await import('node:fs');
  const t2 = performance.now();
  const doc = parse(readFileSync(DEFAULT_RULES_PATH, 'utf8'));
  const t3 = performance.now();
  const plan = compileDialPlan(doc);
  const t4 = performance.now();
  check(plan.query(NUMBER));
  const t5 = performance.now();
  process.stdout.write(JSON.stringify({ yamlImportMs: t1 - t0, libraryImportMs: t2 - t1, yamlParseMs: t3 - t2, compileMs: t4 - t3, firstQueryMs: t5 - t4 }));
} else {
  const t0 = performance.now();
  const { loadDefaultDialPlan } = await import('../dist/index.js');
  const t1 = performance.now();
  const r = loadDefaultDialPlan().query(NUMBER);
  const t2 = performance.now();
  check(r);
  process.stdout.write(JSON.stringify({ importMs: t1 - t0, importToAnswerMs: t2 - t0, processToAnswerMs: t2 }));
}
