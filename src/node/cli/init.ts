/**
 * `dialplan init --country CC [--area-code N] [--out FILE]`: writes a starter plan from libphonenumber-js metadata.
 */
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DialPlanError } from '../../engine/errors.js';
import { generateStarterPlan, STARTER_SCHEMA_PATH } from '../../engine/authoring/init.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { replaceFile } from '../write-file.js';
import type { Command } from './io.js';
import { defineCommand, EXIT, UsageError } from './io.js';

/** Help text of `dialplan init`. */
export const INIT_HELP = `Usage: dialplan init --country CC [--area-code N] [--out FILE]

Writes a starter rule file for the country CC (an ISO 3166 code such as GB), built from the
libphonenumber-js "max" metadata. Its input conversions turn international dialling and every form
of national dialling that libphonenumber-js reads (the national format it prints, bare national
digits, with the trunk prefix or a carrier code; NANP numbers with and without the leading 1; BR's
(11) 96123-4567 and 0 21 11 96123-4567, AR's 011 15-2345-6789) into E.164, and with --area-code
also local dialling where the digits are no national number. Its entries classify the country's
emergency numbers (from libphonenumber's short-number metadata), extensions, toll free, premium
rate, mobile, fixed line, other national, international and invalid numbers, shown in the
country's national format with any extension; and inline tests come from the metadata's example
numbers. Prints the plan, or writes it to FILE with --out. Exit code 0 when the plan was written, 1
when writing it failed (a full disk), 2 for bad arguments, an unknown country or an --out FILE
that cannot be created.
`;

/** Runs `dialplan init`. */
export const initCommand: Command = defineCommand({
  help: INIT_HELP,
  options: {
    country: { type: 'string', short: 'c' },
    'area-code': { type: 'string', short: 'a' },
    out: { type: 'string', short: 'o' },
  },
  run: async ({ values, positionals }, io) => {
    if (positionals.length > 0) throw new UsageError(`dialplan init takes no FILE argument (use --out FILE), found "${positionals[0]}".`);
    if (values.country === undefined) throw new UsageError('dialplan init needs --country CC, such as --country GB.');
    let text: string;
    try {
      const folder = values.out !== undefined ? dirname(resolve(io.cwd, values.out)) : io.cwd;
      text = generateStarterPlan({
        country: values.country,
        ...(values['area-code'] !== undefined ? { areaCode: values['area-code'] } : {}),
        schemaPath: schemaPathFor(folder, fileURLToPath(PACKAGE_ROOT)),
      });
    } catch (e) {
      // An unknown country or a malformed area code is a usage mistake, not a crash.
      if (e instanceof DialPlanError) throw new UsageError(e.message);
      throw e;
    }
    if (values.out !== undefined) {
      // As for batch --out: a path that cannot be opened is a bad argument (2); a write that fails after (full disk) is
      // a failure at run time (1). Either way a message, not a stack. The plan goes through a temporary file renamed over
      // FILE (replaceFile), so a failed write leaves an earlier file of that name as it was, not cut short; the check
      // that FILE can be created opens it without truncating it.
      const path = resolve(io.cwd, values.out);
      const existed = existsSync(path);
      try {
        closeSync(openSync(path, 'a'));
      } catch (e) {
        throw new UsageError(`Cannot write ${values.out}: ${(e as Error).message}.`);
      }
      try {
        replaceFile(path, text);
      } catch (e) {
        if (!existed) rmSync(path, { force: true });
        io.stderr.write(`dialplan init: cannot write ${values.out}: ${(e as Error).message}\n`);
        return EXIT.failed;
      }
      io.stderr.write(`Wrote ${values.out}; check it with: dialplan lint ${values.out} && dialplan test ${values.out}\n`);
    } else {
      io.stdout.write(text);
    }
    return EXIT.ok;
  },
});

/**
 * The `$schema` path of a plan saved in `folder`, so that an editor finds the schema from where the file is: through the
 * `node_modules` folder above it that holds this package (`../../node_modules/dialplan/...` for a plan two folders down
 * in the project), or inside this package's own tree (a clone of the repository: `./rules/dialplan.schema.json`).
 * Anywhere else (the package run by `npx` from its cache, a plan written outside the project) the default,
 * `./node_modules/dialplan/...`, which resolves once the plan is moved beside `node_modules`.
 *
 * @param folder - the folder the plan is saved in (standard output: the working folder)
 * @param packageRoot - this package's root folder
 * @returns the path to write after `$schema=`
 * @example
 * ```ts
 * schemaPathFor('/site/plans', '/site/node_modules/dialplan/'); // '../node_modules/dialplan/rules/dialplan.schema.json'
 * ```
 */
export function schemaPathFor(folder: string, packageRoot: string): string {
  const schema = resolve(packageRoot, 'rules', 'dialplan.schema.json');
  const path = relative(folder, schema).split(sep).join('/');
  const insidePackage = !relative(resolve(packageRoot), folder).split(sep).includes('..');
  const throughNodeModules = /^(?:\.\.\/)*node_modules\/dialplan\/rules\/dialplan\.schema\.json$/.test(path);
  if (!insidePackage && !throughNodeModules) return STARTER_SCHEMA_PATH;
  return path.startsWith('../') ? path : `./${path}`;
}
