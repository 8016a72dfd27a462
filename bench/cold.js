/**
 * Benchmark 3: cold start, from `import` of the library to the first answer of the default plan (rule file read, YAML
 * parsed, plan compiled, one query), and from process start to the first answer of a 10 000-entry plan given as YAML and
 * precompiled. Each run is a fresh child process, so nothing is cached in memory.
 *
 * Run: `npm run build && node bench/cold.js`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildExchangePlan } from './plans.js';
import { fileURLToPath } from 'node:url';
import { printTable } from './harness.js';

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const child = fileURLToPath(new URL('./cold-child.js', import.meta.url));
const run = (args) => {
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(JSON.parse(execFileSync(process.execPath, [child, ...args], { encoding: 'utf8' })));
  return (key) => {
    const v = samples.map((s) => s[key]).sort((a, b) => a - b);
    return [v[Math.floor(v.length / 2)], v[0], v[v.length - 1]].map((x) => x.toFixed(1));
  };
};
const stat = run([]);
const parts = run(['parts']);
console.log(`\n## 3. cold start (${RUNS} fresh processes each; median, min, max in ms)\n`);
printTable(
  ['measure', 'median', 'min', 'max'],
  [
    ['import of the library', ...stat('importMs')],
    ['import to first answer (loadDefaultDialPlan + query)', ...stat('importToAnswerMs')],
    ['process start to first answer', ...stat('processToAnswerMs')],
  ],
);
console.log('\nLoading a rule file from YAML instead (what loadDialPlanFile does for your own plans), in stages (a separate set of processes):\n');
printTable(
  ['stage', 'median', 'min', 'max'],
  [
    ['import of the yaml package', ...parts('yamlImportMs')],
    ['import of the library (yaml already loaded)', ...parts('libraryImportMs')],
    ['read and parse rules/default.yaml', ...parts('yamlParseMs')],
    ['compileDialPlan on the parsed object', ...parts('compileMs')],
    ['first query', ...parts('firstQueryMs')],
  ],
);
// A 10 000-entry plan of one's own (the exchange kind of bench/plans.js), as YAML and precompiled by `dialplan compile`.
const dir = mkdtempSync(join(tmpdir(), 'dialplan-cold-'));
const yamlPath = join(dir, 'plan.yaml');
const jsonPath = join(dir, 'plan.json');
writeFileSync(yamlPath, stringify(buildExchangePlan(10_000)));
execFileSync(process.execPath, [fileURLToPath(new URL('../dist/node/cli/main.js', import.meta.url)), 'compile', yamlPath, '--out', jsonPath], { stdio: 'ignore' });
// Interleaved rounds: Node.js's own start, the YAML file, the precompiled file, one of each per round, so that a busier
// moment of a shared machine weighs on all three alike.
const samples = { empty: [], yaml: [], json: [] };
const once = (args) => JSON.parse(execFileSync(process.execPath, [child, ...args], { encoding: 'utf8' })).processToAnswerMs;
for (let i = 0; i < RUNS; i++) {
  samples.empty.push(once(['empty']));
  samples.yaml.push(once(['file', yamlPath]));
  samples.json.push(once(['file', jsonPath]));
}
rmSync(dir, { recursive: true, force: true });
const summary = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return [s[Math.floor(s.length / 2)], s[0], s[s.length - 1]].map((x) => x.toFixed(1));
};
console.log('\nA 10 000-entry plan (bench/plans.js, exchange kind) loaded with loadDialPlanFile, process start to first answer, interleaved rounds:\n');
printTable(
  ['rule file', 'median', 'min', 'max'],
  [
    ['none: Node.js starting an empty script (the floor)', ...summary(samples.empty)],
    ['YAML (plan.yaml)', ...summary(samples.yaml)],
    ['precompiled (dialplan compile plan.yaml --out plan.json)', ...summary(samples.json)],
  ],
);
const precompiled = Number(summary(samples.json)[0]);
const yamlMs = Number(summary(samples.yaml)[0]);
const floor = Number(summary(samples.empty)[0]);
console.log(
  `\nprecompiled vs YAML: ${(yamlMs / precompiled).toFixed(1)}× sooner; beyond Node.js's own start: ${(precompiled - floor).toFixed(1)} ms against ${(yamlMs - floor).toFixed(1)} ms (${((yamlMs - floor) / (precompiled - floor)).toFixed(1)}×)`,
);
console.log(`target: first answer within 100 ms of process start → ${precompiled <= 100 ? 'met' : 'NOT met'} (${precompiled.toFixed(1)} ms, of which ${floor.toFixed(1)} ms is Node.js starting)`);
const median = Number(stat('importToAnswerMs')[0]);
console.log(`\ntarget: import to first answer < 50 ms → ${median < 50 ? 'met' : 'NOT met'} (${median.toFixed(1)} ms)`);
