// lintDialPlan on 1 000-entry plans of bench/plans.js (exchange, did, overlap): CPU time per run, median of 5 rounds,
// and the findings (codes and positions). With `--baseline DIR` (another build's dist/, e.g. a copy of an older
// commit's), the same plans are linted by that build in the same interleaved rounds, and the ratio is printed.
//
// Then a lint session (createLintSession, what the playground's worker keeps) on the same plans after an edit, as the
// author makes them: a name typed (the analysis reused whole) and a digit typed at the end of a pattern (sub-walks reused
// below the prefixes it did not touch), against lintDialPlan from scratch on the same edited plan (the baseline's, with
// --baseline), with the findings compared.
//
// Run: `npm run build && node bench/lint.mjs [--baseline /tmp/old/dist]`.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { buildDidPlan, buildExchangePlan, buildOverlapPlan } from './plans.js';

const ROUNDS = Number(process.env.BENCH_LINT_ROUNDS ?? 5);
const at = process.argv.indexOf('--baseline');
const current = await import('../dist/index.js');
const { createLintSession } = await import('../dist/engine/authoring/lint/lint.js');
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

// A lint session after edits. Entry k of the dial plan, a different one each round.
const said = (ps) => JSON.stringify(ps.map((p) => [p.code, p.path, p.message]));
const scratch = baseline ?? current;
console.log(`\nA lint session after an edit, CPU ms (median of ${ROUNDS} rounds), against lintDialPlan from scratch on the edited plan${baseline ? ' (the baseline\'s)' : ''}`);
for (const [kind, build] of [
  ['exchange', buildExchangePlan],
  ['did', buildDidPlan],
  ['overlap', buildOverlapPlan],
]) {
  const object = build(1000);
  const session = createLintSession();
  session.lint(current.compileDialPlan(object));
  const named = [];
  const patterned = [];
  const fresh = [];
  const edits = [];
  const renames = [];
  let same = true;
  // The session's rounds first, then lintDialPlan from scratch on the same edited plans: a walk from scratch of a large
  // plan leaves a heap that the next measurement would pay for in garbage collection.
  for (let r = 0; r < ROUNDS; r++) {
    const k = 100 + r * 157;
    const entries = [...object.dialPlan];
    entries[k] = { ...entries[k], name: `${entries[k].name} ${r}` };
    const renamed = current.compileDialPlan({ ...object, dialPlan: entries });
    let got;
    named.push(cpuMs(() => (got = session.lint(renamed))));
    renames.push([renamed, said(got)]);
    const m = entries[k].match;
    entries[k] = { ...entries[k], match: m.endsWith('Z') ? `${m.slice(0, -1)}${r % 10}Z` : `${m}${r % 10}` };
    const edited = { ...object, dialPlan: entries };
    const plan = current.compileDialPlan(edited);
    patterned.push(cpuMs(() => (got = session.lint(plan))));
    edits.push([edited, said(got)]);
    // The edit taken out again (not timed), as the author would.
    session.lint(current.compileDialPlan(object));
  }
  for (const [renamed, got] of renames) same &&= got === said(current.lintDialPlan(renamed));
  for (const [edited, got] of edits) {
    const theirs = scratch.compileDialPlan(edited);
    let want;
    fresh.push(cpuMs(() => (want = scratch.lintDialPlan(theirs))));
    same &&= got === said(want);
  }
  const f = (x) => `${median(x).toFixed(1).padStart(6)} ms`;
  console.log(
    `${kind.padEnd(9)} name edit ${f(named)}  pattern edit ${f(patterned)}   from scratch ${f(fresh)}  ${(median(fresh) / median(named)).toFixed(0)}x / ${(median(fresh) / median(patterned)).toFixed(1)}x faster  same findings: ${same}`,
  );
}
