/**
 * `dialplan explain [--rules FILE] [--location NAME] [--json] NUMBER...`: how the plan resolves each number.
 */
import { formatExplanation } from '../../engine/authoring/explain.js';
import type { Command } from './io.js';
import { defineCommand, EXIT, UsageError } from './io.js';
import { loadRulesOption, locationOption, PLAN_OPTIONS } from './rules.js';

/** Help text of `dialplan explain`. */
export const EXPLAIN_HELP = `Usage: dialplan explain [--rules FILE] [--location NAME] [--json] NUMBER...

Shows how the dial plan (the bundled rules/default.yaml unless --rules is given) resolves each
NUMBER: what prepare removed and mapped, each input conversion and dial-plan entry tried up to the
one that matched (with file:line, pattern and captures), how each template was filled, the
directory lookup and the final details. --json prints the trace as one JSON object per line.
Exit code 0 when every number resolved, 1 when some were rejected, 2 for bad arguments or a plan
that does not load.
`;

/** Runs `dialplan explain`. */
export const explainCommand: Command = defineCommand({
  help: EXPLAIN_HELP,
  options: {
    ...PLAN_OPTIONS,
    json: { type: 'boolean' },
  },
  run: async ({ values, positionals }, io) => {
    if (positionals.length === 0) throw new UsageError('dialplan explain needs at least one NUMBER.');
    const plan = loadRulesOption(values.rules, io);
    if (!plan) return EXIT.usage;
    const options = locationOption(plan, values.location);
    let failed = false;
    positionals.forEach((number, i) => {
      const e = plan.explain(number, options);
      if (e.error) failed = true;
      io.stdout.write(values.json ? JSON.stringify(e) + '\n' : (i > 0 ? '\n' : '') + formatExplanation(e));
    });
    return failed ? EXIT.failed : EXIT.ok;
  },
});
