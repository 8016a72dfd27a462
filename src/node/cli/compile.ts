/**
 * `dialplan compile FILE [--out FILE.json]`: checks a rule file and writes it precompiled, for plans large enough that
 * parsing YAML at every start-up shows.
 */
import { isUtf8 } from 'node:buffer';
import { resolve } from 'node:path';
import type { CompilePlanTextResult } from '../../engine/plan/compiled-plan.js';
import { compilePlanText } from '../../engine/plan/compiled-plan.js';
import { fileTooLarge, maxFileBytes } from '../../engine/plan/load.js';
import type { Problem } from '../../engine/errors.js';
import { formatProblem } from '../../engine/errors.js';
import { safeLoadDialPlanFile } from '../files.js';
import { replaceFile } from '../write-file.js';
import { readFileBounded, readStdinRuleFile, refuseOutputOverInput, STDIN_NAME } from './rules.js';
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
A FILE of - is read from standard input (problems name it <stdin>).
`;


/** Runs `dialplan compile`. */
export const compileCommand: Command = defineCommand({
  help: COMPILE_HELP,
  options: { out: { type: 'string', short: 'o' } },
  run: async ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('dialplan compile needs exactly one rule FILE.');
    const arg = positionals[0] as string;
    const file = arg === '-' ? STDIN_NAME : arg;
    // `--out plan.yaml` for plan.yaml would replace the rule file, the one the author edits, with JSON: refused before
    // anything is read or written (also through a link), as batch refuses an --out naming its input.
    refuseOutputOverInput(io.cwd, arg, '--out', values.out, { noun: 'rule FILE', writes: 'the precompiled plan', as: 'JSON', suggest: '.json' });
    const r = arg === '-' ? compileStdin(await readStdinRuleFile(io)) : readAndCompile(resolve(io.cwd, arg), file);
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

/**
 * Reads and compiles the rule file, or says why it cannot be, with the problem every other command reports for the same
 * file: `FILE_NOT_FOUND`, `TOO_LARGE` (read no further than the limit, so /dev/zero ends at once), `INVALID_ENCODING`
 * (decoding leniently would compile U+FFFD into a plan that `lint` and `--rules` refuse). The file is read once, so a
 * pipe (`/dev/stdin`) works.
 */
function readAndCompile(path: string, file: string): CompilePlanTextResult | { readonly ok: false; readonly problems: readonly Problem[] } {
  const max = maxFileBytes({});
  let bytes: Buffer;
  let regular: boolean;
  try {
    const read = readFileBounded(path, max);
    if ('tooLarge' in read) return { ok: false, problems: [fileTooLarge(read.tooLarge, max, { file })] };
    ({ bytes, regular } = read);
  } catch (e) {
    // The loader words it as for every command (no such file, a folder...).
    return loaderProblems(path, file, { code: 'FILE_NOT_FOUND', severity: 'error', message: `Cannot read the rule file: ${String((e as Error).message)}.`, path: [], file });
  }
  if (isUtf8(bytes)) return compilePlanText(bytes.toString('utf8'), file);
  const notUtf8: Problem = { code: 'INVALID_ENCODING', severity: 'error', message: 'The rule file is not UTF-8: save it as UTF-8.', path: [], file };
  // A regular file is read again by the loader, for the line and column of the first byte that is not UTF-8.
  return regular ? loaderProblems(path, file, notUtf8) : { ok: false, problems: [notUtf8] };
}

/** Compiles a plan read from standard input (`-`), or passes on the problem that stopped reading it. */
function compileStdin(read: string | Problem): CompilePlanTextResult | { readonly ok: false; readonly problems: readonly Problem[] } {
  return typeof read === 'string' ? compilePlanText(read, STDIN_NAME) : { ok: false, problems: [read] };
}

/** The loader's problems with the file, or `fallback` when it loads after all (it changed in between). */
function loaderProblems(path: string, file: string, fallback: Problem): { readonly ok: false; readonly problems: readonly Problem[] } {
  const loaded = safeLoadDialPlanFile(path, { file });
  return { ok: false, problems: loaded.ok ? [fallback] : loaded.problems };
}
