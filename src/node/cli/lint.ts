/**
 * `dialplan lint [--json] [--cross-check ...] FILE...`: static checks of rule files; with `--cross-check`, also the
 * agreement of the plan's classifications with libphonenumber-js.
 */
import { formatProblem } from '../../engine/errors.js';
import type { Problem } from '../../engine/errors.js';
import { lintDialPlan } from '../../engine/authoring/lint/lint.js';
import { crossCheckAgreement, crossCheckDialPlan, failingRows, formatAgreementTable } from '../../engine/authoring/cross-check.js';
import type { CrossCheckReport } from '../../engine/authoring/cross-check.js';
import { DialPlanError } from '../../engine/errors.js';
import { loadRuleFileArgument } from './rules.js';
import type { Command } from './io.js';
import { defineCommand, EXIT, UsageError } from './io.js';

/** Help text of `dialplan lint`. */
export const LINT_HELP = `Usage: dialplan lint [--json] [--cross-check [--country CC] [--sample N] [--seed N]
                     [--min-agreement P]] FILE...

Checks each rule FILE: that it loads, then for unreachable entries (every string they match is taken
by earlier entries: an error), partly shadowed entries (a warning with an example string), input
conversions whose output no dial-plan entry takes, and sets, classifications and directory
extensions that nothing uses or reaches. Each finding has its file:line:column. --json prints one
JSON object per file. Exit code 1 when some file has errors, 0 with only warnings, 2 for bad arguments or
a FILE that does not exist or does not load (every FILE is still reported).
A FILE of - is read from standard input (problems name it <stdin>).

--cross-check also checks every classification of the plan against libphonenumber-js. It warns where
the plan calls one of its test inputs Local or Long Distance that libphonenumber-js says is premium
rate, toll free or invalid, and prints an agreement table. The table tries valid numbers of every
number type the metadata describes for the plan's country (fixed line, mobile, toll free, premium
rate, shared cost, VoIP, personal, pager, UAN, voicemail), typed as E.164, in international format,
in national format as libphonenumber-js prints it, as bare national digits, with the trunk prefix
and with a carrier code (BR, CO); other countries' numbers; and, when the plan has an Invalid
classification, invalid numbers. A number agrees when the plan's normalized text is libphonenumber-js's E.164 and its
classification stands for libphonenumber-js's number type (docs/rules.md has the mapping). For each
classification the table shows the numbers tried, the agreeing ones and the first disagreements;
the exit code is 1 when one agrees on less than P percent.
  --country CC         the plan's country (default: the one dialplan init wrote it for, else the one
                       whose numbers it reads best)
  --sample N           numbers drawn per number type, 1 to 1000 (default 25)
  --seed N             seed of the draw (default 1): the same seed tries the same numbers
  --min-agreement P    minimum agreement per classification, in percent (default 99)
`;

/** Runs `dialplan lint`. */
export const lintCommand: Command = defineCommand({
  help: LINT_HELP,
  options: {
    json: { type: 'boolean' },
    'cross-check': { type: 'boolean' },
    country: { type: 'string' },
    sample: { type: 'string' },
    seed: { type: 'string' },
    'min-agreement': { type: 'string' },
  },
  run: async ({ values, positionals }, io) => {
    if (positionals.length === 0) throw new UsageError('dialplan lint needs at least one rule FILE.');
    const crossCheck = values['cross-check'] === true;
    for (const name of ['country', 'sample', 'seed', 'min-agreement'] as const) {
      if (values[name] !== undefined && !crossCheck) throw new UsageError(`--${name} goes with --cross-check.`);
    }
    const sample = integerOption('sample', values.sample, 1, 1000);
    const seed = integerOption('seed', values.seed, 0, 2 ** 32 - 1);
    const minAgreement = percentOption(values['min-agreement']);
    let failed = false;
    // A file that cannot be read or does not load is bad input (exit 2, as for every command), not a lint finding.
    let unreadable = false;
    for (const arg of positionals) {
      const { file, result: r } = await loadRuleFileArgument(arg, io);
      const findings: readonly Problem[] = r.ok
        ? [...r.warnings, ...lintDialPlan(r.plan), ...(values['cross-check'] ? crossCheckDialPlan(r.plan) : [])]
        : r.problems;
      let report: CrossCheckReport | undefined;
      if (r.ok && crossCheck) {
        try {
          report = crossCheckAgreement(r.plan, {
            ...(values.country !== undefined ? { country: values.country } : {}),
            ...(sample !== undefined ? { sample } : {}),
            ...(seed !== undefined ? { seed } : {}),
          });
        } catch (e) {
          // An unknown --country is a usage mistake, not a crash.
          if (e instanceof DialPlanError) throw new UsageError(e.message);
          throw e;
        }
        if (failingRows(report, minAgreement).length > 0) failed = true;
      }
      const errors = findings.filter((p) => p.severity === 'error').length;
      if (!r.ok) unreadable = true;
      else if (errors > 0) failed = true;
      if (values.json) {
        const agreement = report ? { crossCheck: { ...report, minAgreement, failing: failingRows(report, minAgreement).map((row) => row.classification) } } : {};
        io.stdout.write(JSON.stringify({ file, loaded: r.ok, errors, warnings: findings.length - errors, problems: findings, ...agreement }) + '\n');
      } else {
        for (const p of findings) io.stdout.write(formatProblem(p) + '\n');
        if (report) io.stdout.write(formatAgreementTable(report, minAgreement));
        io.stdout.write(`${file}: ${r.ok ? '' : 'does not load, '}${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} warning${findings.length - errors === 1 ? '' : 's'}\n`);
      }
    }
    return unreadable ? EXIT.usage : failed ? EXIT.failed : EXIT.ok;
  },
});

/** A whole-number option within bounds, or undefined when not given. */
function integerOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${value}".`);
  return n;
}

/** `--min-agreement`: a percentage from 0 to 100 (`99`, `99.5`, `99%`); 99 when not given. */
function percentOption(value: string | undefined): number {
  if (value === undefined) return 99;
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(value);
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 0 && n <= 100)) throw new UsageError(`--min-agreement must be a percentage from 0 to 100, such as 99 or 99.5%, not "${value}".`);
  return n;
}
