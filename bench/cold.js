/**
 * Benchmark 3: cold start, from `import` of the library to the first answer of the default plan (rule file read, YAML
 * parsed, plan compiled, one query). Each run is a fresh child process, so nothing is cached in memory.
 *
 * Run: `npm run build && node bench/cold.js`.
 */
import { execFileSync } from 'node:child_process';
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
const median = Number(stat('importToAnswerMs')[0]);
console.log(`\ntarget: import to first answer < 50 ms → ${median < 50 ? 'met' : 'NOT met'} (${median.toFixed(1)} ms)`);
