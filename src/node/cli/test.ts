/**
 * `dialplan test [--location NAME] [--json] FILE...`: runs the inline `tests:` of rule files.
 */
import { formatProblem } from '../../engine/errors.js';
import { formatInlineTestFailure, runInlineTests } from '../../engine/authoring/inline-tests.js';
import { loadRuleFileArgument } from './rules.js';
import type { Command } from './io.js';
import { defineCommand, EXIT, UsageError } from './io.js';

/** Help text of `dialplan test`. */
export const TEST_HELP = `Usage: dialplan test [--location NAME] [--json] FILE...

Loads each rule FILE and runs its inline tests (the tests: list). Each failure is printed with the
file:line of the test case, the field, the expected and the actual value. --location runs the cases
that name no location in that location. --json prints one JSON object per FILE instead: file, ok,
total, passed and failures (each with index, input, field, expected, actual and position), or file,
ok (false) and problems for a FILE that does not load. Exit code 0 when every case passed, 1 when
some failed, 2 for bad arguments or a FILE that does not exist or does not load (every FILE is still
reported).
A FILE of - is read from standard input (problems name it <stdin>).
`;

/** Runs `dialplan test`. */
export const testCommand: Command = defineCommand({
  help: TEST_HELP,
  options: {
    location: { type: 'string', short: 'l' },
    json: { type: 'boolean' },
  },
  run: async ({ values, positionals }, io) => {
    if (positionals.length === 0) throw new UsageError('dialplan test needs at least one rule FILE.');
    let failed = false;
    // A file that cannot be read or does not load is bad input (exit 2), not a failing test; the other files still run.
    let unreadable = false;
    for (const arg of positionals) {
      const { file, result: r } = await loadRuleFileArgument(arg, io);
      if (!r.ok) {
        unreadable = true;
        if (values.json) io.stdout.write(JSON.stringify({ file, ok: false, problems: r.problems }) + '\n');
        else {
          io.stderr.write(`${file}: does not load:\n`);
          for (const p of r.problems) io.stderr.write(formatProblem(p) + '\n');
        }
        continue;
      }
      const location = values.location;
      if (location !== undefined && !r.plan.locations.includes(location)) {
        // A bad argument for this file (exit 2), but the files after it are still run and reported, as the help says.
        unreadable = true;
        const message = `Unknown location "${location}" in ${file}${r.plan.locations.length > 0 ? `; it has ${r.plan.locations.join(', ')}` : '; it declares no locations'}.`;
        if (values.json) {
          const problem = { code: 'UNKNOWN_LOCATION', severity: 'error', message, path: [], file };
          io.stdout.write(JSON.stringify({ file, ok: false, problems: [problem] }) + '\n');
        } else io.stderr.write(`dialplan test: ${message}\n`);
        continue;
      }
      const report = runInlineTests(r.plan, location !== undefined ? { location } : {});
      if (report.failures.length > 0) failed = true;
      if (values.json) {
        io.stdout.write(JSON.stringify({ file, ok: report.failures.length === 0, ...report }) + '\n');
      } else {
        for (const f of report.failures) io.stdout.write(formatInlineTestFailure(f) + '\n');
        io.stdout.write(`${file}: ${report.passed} of ${report.total} test${report.total === 1 ? '' : 's'} passed${report.total === 0 ? ' (the plan has no tests:)' : ''}\n`);
      }
    }
    return unreadable ? EXIT.usage : failed ? EXIT.failed : EXIT.ok;
  },
});
