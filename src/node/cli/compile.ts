/**
 * `dialplan compile FILE [--out FILE.json]`: checks a rule file and writes it precompiled, for plans large enough that
 * parsing YAML at every start-up shows.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compilePlanText } from '../../engine/plan/compiled-plan.js';
import { formatProblem } from '../../engine/errors.js';
import { replaceFile } from '../write-file.js';
import type { Command } from './io.js';
import { defineCommand, EXIT, UsageError } from './io.js';

/** Help text of `dialplan compile`. */
export const COMPILE_HELP = `Usage: dialplan compile FILE [--out FILE.json]

Checks the rule FILE as every command does and writes it precompiled: JSON that --rules, serve, batch
and the library's loaders (loadDialPlanFile, loadDialPlan) read without parsing YAML, which is most
of the time a large plan takes to load. Problems, explain and inline tests still point at the lines
of the YAML, whose text the precompiled file keeps. Without --out the JSON goes to standard output.
Exit code 0 when written, 1 when it could not be written, 2 for bad arguments or a FILE that does not
exist or does not load.
`;


/** Runs `dialplan compile`. */
export const compileCommand: Command = defineCommand({
  help: COMPILE_HELP,
  options: { out: { type: 'string', short: 'o' } },
  run: async ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('dialplan compile needs exactly one rule FILE.');
    const file = positionals[0] as string;
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, file), 'utf8');
    } catch (e) {
      io.stderr.write(`dialplan: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return EXIT.usage;
    }
    const r = compilePlanText(text, file);
    if (!r.ok) {
      io.stderr.write(`${file}: does not load:\n`);
      for (const p of r.problems) io.stderr.write(formatProblem(p) + '\n');
      return EXIT.usage;
    }
    for (const w of r.warnings) io.stderr.write(formatProblem(w) + '\n');
    if (values.out === undefined) {
      io.stdout.write(r.json + '\n');
      return EXIT.ok;
    }
    // Standard output may be a socket, which cannot be opened again by its /dev name: write it as the stream it is.
    if (values.out === '-' || values.out === '/dev/stdout' || values.out === '/proc/self/fd/1') {
      io.stdout.write(r.json + '\n');
      return EXIT.ok;
    }
    try {
      replaceFile(resolve(io.cwd, values.out), r.json + '\n');
    } catch (e) {
      io.stderr.write(`dialplan: cannot write ${values.out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return EXIT.failed;
    }
    io.stderr.write(`${file} → ${values.out}\n`);
    return EXIT.ok;
  },
});
