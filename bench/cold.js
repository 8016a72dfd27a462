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
const fromYaml = run(['file', yamlPath]);
const fromJson = run(['file', jsonPath]);
rmSync(dir, { recursive: true, force: true });
console.log('\nA 10 000-entry plan (bench/plans.js, exchange kind) loaded with loadDialPlanFile, process start to first answer:\n');
printTable(
  ['rule file', 'median', 'min', 'max'],
  [
    ['YAML (plan.yaml)', ...fromYaml('processToAnswerMs')],
    ['precompiled (dialplan compile plan.yaml --out plan.json)', ...fromJson('processToAnswerMs')],
  ],
);
const precompiled = Number(fromJson('processToAnswerMs')[0]);
const yamlMs = Number(fromYaml('processToAnswerMs')[0]);
console.log(`\nprecompiled vs YAML: ${(yamlMs / precompiled).toFixed(1)}× sooner; target: first answer within 100 ms of process start → ${precompiled <= 100 ? 'met' : 'NOT met'} (${precompiled.toFixed(1)} ms)`);
const median = Number(stat('importToAnswerMs')[0]);
console.log(`\ntarget: import to first answer < 50 ms → ${median < 50 ? 'met' : 'NOT met'} (${median.toFixed(1)} ms)`);
