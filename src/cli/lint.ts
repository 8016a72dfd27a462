/**
 * `dialplan lint [--json] [--cross-check] FILE...`: static checks of rule files.
 */
import { resolve } from 'node:path';
import { formatProblem } from '../errors.js';
import type { Problem } from '../errors.js';
import { safeLoadDialPlanFile } from '../files.js';
import { lintDialPlan } from '../lint/lint.js';
import { crossCheckDialPlan } from '../cross-check.js';
import type { Command } from './io.js';
import { defineCommand, EXIT, UsageError } from './io.js';

/** Help text of `dialplan lint`. */
export const LINT_HELP = `Usage: dialplan lint [--json] [--cross-check] FILE...

Checks each rule FILE: that it loads, then for unreachable entries (every string they match is taken
by earlier entries: an error), partly shadowed entries (a warning with an example string), input
conversions whose output no dial-plan entry takes, and sets, classifications and directory
extensions that nothing uses or reaches. Each finding has its file:line:column. --json prints one
JSON object per file. --cross-check also warns where the plan calls a number Local or Long Distance that
libphonenumber-js says is premium rate, toll free or invalid (on the plan's test inputs and the metadata's
example numbers). Exit code 1 when some file has errors, 0 with only warnings, 2 for bad arguments or
a FILE that does not exist or does not load (every FILE is still reported).
`;

/** Runs `dialplan lint`. */
export const lintCommand: Command = defineCommand({
  help: LINT_HELP,
  options: { json: { type: 'boolean' }, 'cross-check': { type: 'boolean' } },
  run: async ({ values, positionals }, io) => {
    if (positionals.length === 0) throw new UsageError('dialplan lint needs at least one rule FILE.');
    let failed = false;
    // A file that cannot be read or does not load is bad input (exit 2, as for every command), not a lint finding.
    let unreadable = false;
    for (const file of positionals) {
      const r = safeLoadDialPlanFile(resolve(io.cwd, file), { file });
      const findings: readonly Problem[] = r.ok
        ? [...r.warnings, ...lintDialPlan(r.plan), ...(values['cross-check'] ? crossCheckDialPlan(r.plan) : [])]
        : r.problems;
      const errors = findings.filter((p) => p.severity === 'error').length;
      if (!r.ok) unreadable = true;
      else if (errors > 0) failed = true;
      if (values.json) {
        io.stdout.write(JSON.stringify({ file, loaded: r.ok, errors, warnings: findings.length - errors, problems: findings }) + '\n');
      } else {
        for (const p of findings) io.stdout.write(formatProblem(p) + '\n');
        io.stdout.write(`${file}: ${r.ok ? '' : 'does not load, '}${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} warning${findings.length - errors === 1 ? '' : 's'}\n`);
      }
    }
    return unreadable ? EXIT.usage : failed ? EXIT.failed : EXIT.ok;
  },
});
