/**
 * `dialplan import --from FORMAT FILE [--out plan.yaml] [--verify]`: another system's rules as a dial plan, each entry
 * commented with where it came from, and the proof that it classifies and translates numbers as the source did.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { DEFAULT_MAX_FILE_BYTES } from '../../engine/plan/load.js';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { AsteriskIncludedFile, AsteriskIncludeReader } from '../../engine/migrate/asterisk.js';
import { IMPORT_FORMATS, loadImported, MAX_VERIFY_WORK, verifyImport } from '../../engine/migrate/formats.js';
import type { MigrationIssue } from '../../engine/migrate/imported-plan.js';
import { formatVerifyReport } from '../../engine/migrate/verify.js';
import { decodeSourceBytes } from '../../engine/migrate/source-text.js';
import { replaceFile } from '../write-file.js';
import { refuseOutputOverInput } from './rules.js';
import type { Command } from './io.js';
import { defineCommand, EXIT, UsageError } from './io.js';

/** Help text of `dialplan import`. */
export const IMPORT_HELP = `Usage: dialplan import --from FORMAT FILE [--out plan.yaml] [--verify [--seed N] [--sample N]]

Reads another system's rules from FILE and writes a dial plan (YAML, each entry commented with where
it came from in FILE). Everything that cannot be expressed as a dial plan (look-arounds,
back-references, lazy quantifiers, alternation that cannot be split...) is reported on standard
error with its position (file:line:column, the JSON path or CSV record and the index in the
pattern), never dropped silently. See docs/migration.md.

Formats:
  teams          Microsoft Teams tenant dial plans (Get-CsTenantDialPlan | ConvertTo-Json -Depth 5,
                 or Export-Csv of the normalization rules); one location per dial plan
  genesys-cloud  Genesys Cloud number plans as GET .../sites/{siteId}/numberplans returns them, or
                 { "sites": [{ "name", "countryCallingCode", "numberPlans" }] }; one location per site
  asterisk       Asterisk extensions.conf (exten => _NXXNXXXXXX,1,...) and the files it #includes
                 (relative to its folder): one location per context (with the contexts it includes),
                 in Asterisk's best-match order, not file order
  cucm           Cisco Unified CM route and translation patterns from a Bulk Administration CSV
                 export (pattern, partition, discard digits, called party transformation mask,
                 prefix digits), in closest-match order, not file order

Options:
  -o, --out FILE   write the plan to FILE (default: standard output)
      --verify     evaluate the source's rules as the source system does and the plan as dialplan
                   does on numbers generated from the source's patterns (and near misses), and print
                   the agreement and the first disagreements
      --seed N     seed of the generated numbers (default 1)
      --sample N   numbers drawn per rule, 1 to 1000 (default 25)

Exit code 0 when every rule was converted (and, with --verify, every number agrees); 1 when some rule
could not be converted, some number disagrees, the plan would be too large to load (nothing is
written) or the --out file could not be written; 2 for bad arguments or a FILE that does not exist
or cannot be read as the FORMAT.
`;

const positiveInt = (v: string | undefined, name: string, fallback: number, max: number): number => {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new UsageError(`${name} must be a whole number from 1 to ${max}, not "${v}".`);
  return Number(v);
};

/**
 * Prints migration issues, one line each: `where: severity message`.
 *
 * @param issues - the issues
 * @param write - where to print
 */
export function printIssues(issues: readonly MigrationIssue[], write: (s: string) => unknown): void {
  for (const i of issues) write(`${i.where}: ${i.severity} ${i.message}\n`);
}

/**
 * Writes text to a file through a temporary file renamed into place; false (after a message) when it fails.
 *
 * @param cwd - the working folder
 * @param file - the target
 * @param text - the content
 * @param stderr - where the message goes
 * @returns whether it was written
 */
export function writeAtomically(cwd: string, file: string, text: string, stderr: (s: string) => unknown): boolean {
  try {
    replaceFile(resolve(cwd, file), text);
    return true;
  } catch (e) {
    stderr(`dialplan: cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return false;
  }
}

// Reads at most `limit` bytes (a device such as /dev/zero has no size to check first); undefined when there are more.
function readLimited(path: string, limit: number): Buffer | undefined {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(limit + 1, 1 << 20));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
      total += n;
      if (total > limit) return undefined;
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the files an Asterisk `#include` names: relative to the including file's folder (where Asterisk's own
 * configuration files sit), a `*` or `?` in the last part matching several (in name order, as glob gives them), each
 * decoded as the main file is, and all of them together at most the size limit of a rule file.
 *
 * @param cwd - the working folder, for relative names
 * @returns the reader
 */
function includeReader(cwd: string): AsteriskIncludeReader {
  let total = 0;
  return (name, from) => {
    const path = isAbsolute(name) ? name : join(dirname(from), name);
    const dir = dirname(path);
    const base = basename(path);
    let files: string[];
    if (/[*?]/.test(base)) {
      const re = new RegExp(`^${base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      try {
        files = readdirSync(resolve(cwd, dir)).filter((f) => re.test(f)).sort().map((f) => join(dir, f));
      } catch (e) {
        return `cannot read the folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
      }
      if (files.length === 0) return `no file matches ${path} (not found)`;
    } else files = [path];
    const out: AsteriskIncludedFile[] = [];
    for (const file of files) {
      let bytes: Buffer | undefined;
      try {
        bytes = readLimited(resolve(cwd, file), DEFAULT_MAX_FILE_BYTES - total);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return `cannot read ${file}: ${code === 'ENOENT' ? 'not found (ENOENT)' : (code ?? String(e))}`;
      }
      if (bytes === undefined) return `the included files are larger than ${DEFAULT_MAX_FILE_BYTES / 1024 / 1024} MiB in all`;
      total += bytes.length;
      const text = decodeSourceBytes(bytes);
      if (text === undefined) return `${file} is not UTF-8 text (nor UTF-16 with a byte order mark)`;
      out.push({ file, text });
    }
    return out;
  };
}

/** Runs `dialplan import`. */
export const importCommand: Command = defineCommand({
  help: IMPORT_HELP,
  options: {
    from: { type: 'string', short: 'f' },
    out: { type: 'string', short: 'o' },
    verify: { type: 'boolean' },
    seed: { type: 'string' },
    sample: { type: 'string' },
  },
  run: async ({ values, positionals }, io) => {
    if (values.from === undefined) throw new UsageError(`dialplan import needs --from FORMAT (${Object.keys(IMPORT_FORMATS).join(', ')}).`);
    const format = IMPORT_FORMATS[values.from];
    if (!format) throw new UsageError(`Unknown format "${values.from}" for --from: use one of ${Object.keys(IMPORT_FORMATS).join(', ')}.`);
    if (positionals.length !== 1) throw new UsageError('dialplan import needs exactly one FILE.');
    const seed = positiveInt(values.seed, '--seed', 1, 2 ** 31);
    const perRule = positiveInt(values.sample, '--sample', 25, 1000);
    const file = positionals[0] as string;
    refuseOutputOverInput(io.cwd, file, '--out', values.out, { noun: 'FILE', writes: 'the plan', as: 'YAML', suggest: '.yaml' });
    let text: string;
    try {
      const path = resolve(io.cwd, file);
      // Not read past the limit of rule files: a hostile or mistaken FILE (/dev/zero, a disk image) is a usage error.
      if (statSync(path).size > DEFAULT_MAX_FILE_BYTES) {
        io.stderr.write(`dialplan import: ${file} is larger than ${DEFAULT_MAX_FILE_BYTES / 1024 / 1024} MiB\n`);
        return EXIT.usage;
      }
      const bytes = readLimited(path, DEFAULT_MAX_FILE_BYTES);
      if (bytes === undefined) {
        io.stderr.write(`dialplan import: ${file} is larger than ${DEFAULT_MAX_FILE_BYTES / 1024 / 1024} MiB\n`);
        return EXIT.usage;
      }
      // UTF-8, or UTF-16 with a byte order mark (what Windows PowerShell 5.1's `>` and Out-File write).
      const decoded = decodeSourceBytes(bytes);
      if (decoded === undefined) {
        io.stderr.write(`dialplan import: cannot read ${file}: it is not UTF-8 text (nor UTF-16 with a byte order mark)\n`);
        return EXIT.usage;
      }
      text = decoded;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      io.stderr.write(`dialplan import: cannot read ${file}: ${code ?? 'it is not UTF-8 text'}\n`);
      return EXIT.usage;
    }
    const run = format.run(text, file, { readInclude: includeReader(io.cwd) });
    const { result } = run;
    const unreadable = result.issues.some((i) => i.severity === 'error' && /not readable|has no Pattern/.test(i.message));
    printIssues(result.issues, (s) => io.stderr.write(s));
    if (unreadable) return EXIT.usage;
    // Too large to become a plan at all (more locations than a plan may hold): said above, nothing is written.
    if (result.yaml === '') return EXIT.failed;
    let code: number = result.issues.some((i) => i.severity === 'error') ? EXIT.failed : EXIT.ok;
    // A plan that does not load is never written, with or without --verify: past the loader's limits (file size, compile
    // work: many locations times many entries) the source is too large for one plan; otherwise it is a converter bug.
    const notLoaded = (problems: readonly string[], tooLarge: boolean): number => {
      io.stderr.write(
        tooLarge
          ? `dialplan import: the imported plan is larger than a rule file may be; nothing is written (import the dial plans, sites or contexts in parts):\n${problems.join('\n')}\n`
          : `dialplan import: the imported plan does not load (a bug of the converter):\n${problems.join('\n')}\n`,
      );
      return EXIT.failed;
    };
    if (values.verify === true) {
      printIssues(run.reference.issues, (s) => io.stderr.write(s));
      const v = verifyImport(run, { seed, perRule });
      if (!v.ok) return notLoaded(v.problems, v.tooLarge);
      if (v.limited) {
        const l = v.limited;
        io.stderr.write(
          `${file}: note --verify of ${l.rules} rules: ${l.perRule} number${l.perRule > 1 ? 's' : ''} drawn a rule (not ${perRule}) and ${l.asked} of the ${l.drawn} numbers drawn asked, so that the reference evaluator reads at most ${MAX_VERIFY_WORK} rules in all\n`,
        );
      }
      io.stderr.write(formatVerifyReport(v.report, [format.name, 'plan']));
      if (v.report.agreed < v.report.tried || run.reference.issues.length > 0) code = EXIT.failed;
    } else {
      const loaded = loadImported(run);
      if (!loaded.ok) return notLoaded(loaded.problems, loaded.tooLarge);
    }
    if (values.out === undefined) io.stdout.write(result.yaml);
    else if (!writeAtomically(io.cwd, values.out, result.yaml, (s) => io.stderr.write(s))) return EXIT.failed;
    else io.stderr.write(`${file} → ${values.out}: ${result.plan.entries.filter((e) => e.notConverted === undefined).length} entries\n`);
    return code;
  },
});
