// lintDialPlan on 1 000-entry plans of bench/plans.js (exchange, did, overlap): CPU time per run, median of 5 rounds,
// and the findings (codes and positions). With `--baseline DIR` (another build's dist/, e.g. a copy of an older
// commit's), the same plans are linted by that build in the same interleaved rounds, and the ratio is printed.
//
// Run: `npm run build && node bench/lint.mjs [--baseline /tmp/old/dist]`.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { buildDidPlan, buildExchangePlan, buildOverlapPlan } from './plans.js';

const ROUNDS = Number(process.env.BENCH_LINT_ROUNDS ?? 5);
const at = process.argv.indexOf('--baseline');
const current = await import('../dist/index.js');
const baseline = at >= 0 ? await import(pathToFileURL(resolve(process.argv[at + 1] ?? '', 'index.js')).href) : undefined;

const cpuMs = (f) => {
  const c = process.cpuUsage();
  f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
};
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const findings = (lib, plan) => JSON.stringify(lib.lintDialPlan(plan).map((p) => [p.code, p.line, p.column]));

console.log(`lintDialPlan, 1 000-entry plans, CPU ms (median of ${ROUNDS} rounds${baseline ? ', interleaved with the baseline' : ''})`);
for (const [kind, build] of [
  ['exchange', buildExchangePlan],
  ['did', buildDidPlan],
  ['overlap', buildOverlapPlan],
]) {
  const yaml = stringify(build(1000));
  const plan = current.loadDialPlan(yaml);
  const base = baseline?.loadDialPlan(yaml);
  const mine = [];
  const theirs = [];
  const count = current.lintDialPlan(plan).length;
  for (let r = 0; r < ROUNDS; r++) {
    mine.push(cpuMs(() => current.lintDialPlan(plan)));
    if (base) theirs.push(cpuMs(() => baseline.lintDialPlan(base)));
  }
  let line = `${kind.padEnd(9)} ${median(mine).toFixed(0).padStart(6)} ms  ${String(count).padStart(4)} findings`;
  if (base) line += `   baseline ${median(theirs).toFixed(0).padStart(6)} ms  ${(median(theirs) / median(mine)).toFixed(2)}x faster  same findings: ${findings(current, plan) === findings(baseline, base)}`;
  console.log(line);
}
