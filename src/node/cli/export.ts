/**
 * `dialplan export --to FORMAT plan.yaml`: a dial plan in another system's language, what does not carry over, and with
 * `--verify` the proof that the other system would normalize the plan's numbers as the plan does.
 */
import { resolve } from 'node:path';
import { formatProblem } from '../../engine/errors.js';
import { safeLoadDialPlanFile } from '../files.js';
import { EXPORT_FORMATS } from '../../engine/migrate/export-formats.js';
import { formatVerifyReport } from '../../engine/migrate/verify.js';
import { printIssues, writeAtomically } from './import.js';
import { refuseOutputOverInput } from './rules.js';
import type { Command } from './io.js';
import { defineCommand, EXIT, UsageError } from './io.js';

/** Help text of `dialplan export`. */
export const EXPORT_HELP = `Usage: dialplan export --to FORMAT FILE [--location NAME] [--out FILE] [--ps1 FILE]
                      [--verify [--seed N] [--sample N]]

Writes the dial plan FILE in another system's language, one dial plan per location (or only
--location NAME), and reports on standard error what does not carry over (display texts, dial
strings, classifications, extension and queue fields...). See docs/migration.md.

Formats:
  teams          Microsoft Teams tenant dial plans: normalization rules as JSON (the shape
                 Get-CsTenantDialPlan | ConvertTo-Json prints, which dialplan import --from teams
                 reads back) and, with --ps1, a PowerShell script of New-CsVoiceNormalizationRule
                 lines; input conversions are composed into the rules; at most 50 rules a plan
  genesys-cloud  Genesys Cloud number plans: { "sites": [{ "name", "numberPlans" }] }, a site per
                 location, each numberPlans the body of PUT .../sites/{siteId}/numberplans: regex
                 plans in priority order with the plan's classification and normalizedFormat,
                 when: conditions written out as regexes; at most 200 number plans a site

Options:
  -l, --location NAME  export only this location
  -o, --out FILE       write the JSON to FILE (default: standard output)
      --ps1 FILE       also write the PowerShell script to FILE (teams; with --out x.json and no
                       --ps1, it is written to x.ps1)
      --verify         evaluate the exported rules as the other system does and the plan as dialplan
                       does on numbers generated from the plan's patterns (and near misses, and
                       valid numbers from the metadata for when: entries): both must give every
                       number the same normalized text (and internal flag)
      --seed N         seed of the generated numbers (default 1)
      --sample N       numbers drawn per pattern, 1 to 1000 (default 25)

Exit code 0 when written (and, with --verify, every number agrees); 1 when the plan needs more rules
than the format allows (nothing is written), some entry cannot be written, some number disagrees or
a file could not be written; 2 for bad arguments, an unknown --location or a FILE that does not exist
or does not load.
`;

const positiveInt = (v: string | undefined, name: string, fallback: number, max: number): number => {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new UsageError(`${name} must be a whole number from 1 to ${max}, not "${v}".`);
  return Number(v);
};

/** Runs `dialplan export`. */
export const exportCommand: Command = defineCommand({
  help: EXPORT_HELP,
  options: {
    to: { type: 'string', short: 't' },
    location: { type: 'string', short: 'l' },
    out: { type: 'string', short: 'o' },
    ps1: { type: 'string' },
    verify: { type: 'boolean' },
    seed: { type: 'string' },
    sample: { type: 'string' },
  },
  run: async ({ values, positionals }, io) => {
    if (values.to === undefined) throw new UsageError(`dialplan export needs --to FORMAT (${Object.keys(EXPORT_FORMATS).join(', ')}).`);
    const format = EXPORT_FORMATS[values.to];
    if (!format) throw new UsageError(`Unknown format "${values.to}" for --to: use one of ${Object.keys(EXPORT_FORMATS).join(', ')}.`);
    if (positionals.length !== 1) throw new UsageError('dialplan export needs exactly one rule FILE.');
    if (values.ps1 !== undefined && !format.script) throw new UsageError(`--ps1 is for --to teams only.`);
    const seed = positiveInt(values.seed, '--seed', 1, 2 ** 31);
    const perRule = positiveInt(values.sample, '--sample', 25, 1000);
    const file = positionals[0] as string;
    refuseOutputOverInput(io.cwd, file, '--out', values.out, { noun: 'rule FILE', writes: 'the export', as: 'JSON', suggest: '.json' });
    refuseOutputOverInput(io.cwd, file, '--ps1', values.ps1, { noun: 'rule FILE', writes: 'the script', as: 'a PowerShell script', suggest: '.ps1' });
    const loaded = safeLoadDialPlanFile(resolve(io.cwd, file), { file });
    if (!loaded.ok) {
      io.stderr.write(`${file}: does not load:\n`);
      for (const p of loaded.problems) io.stderr.write(formatProblem(p) + '\n');
      return EXIT.usage;
    }
    const plan = loaded.plan;
    if (values.location !== undefined && !plan.locations.includes(values.location)) {
      throw new UsageError(`Unknown location "${values.location}": ${plan.locations.length > 0 ? `the plan has ${plan.locations.join(', ')}` : 'the plan has none'}.`);
    }
    const result = format.run(plan, values.location !== undefined ? { location: values.location } : {});
    printIssues(result.issues, (s) => io.stderr.write(s));
    if (result.tooLarge) return EXIT.failed;
    let code: number = result.issues.some((i) => i.severity === 'error') ? EXIT.failed : EXIT.ok;
    if (values.verify === true) {
      const report = result.verify({ seed, perRule });
      io.stderr.write(formatVerifyReport(report, [format.name, 'plan']));
      if (report.agreed < report.tried) code = EXIT.failed;
    }
    if (values.out === undefined) io.stdout.write(result.text);
    else if (!writeAtomically(io.cwd, values.out, result.text, (s) => io.stderr.write(s))) return EXIT.failed;
    // The script goes beside the JSON unless told where; to standard output only the JSON goes (one document).
    const ps1 = values.ps1 ?? (values.out !== undefined && result.script !== undefined ? `${values.out.replace(/\.json$/i, '')}.ps1` : undefined);
    if (ps1 !== undefined && result.script !== undefined && !writeAtomically(io.cwd, ps1, result.script, (s) => io.stderr.write(s))) return EXIT.failed;
    if (values.out !== undefined) io.stderr.write(`${file} → ${values.out}${ps1 !== undefined && result.script !== undefined ? ` and ${ps1}` : ''}\n`);
    return code;
  },
});
