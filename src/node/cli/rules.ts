/**
 * How commands find their plan: `--rules FILE`, or the bundled default.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatProblem } from '../../engine/errors.js';
import type { Readable } from 'node:stream';
import type { Problem } from '../../engine/errors.js';
import type { LoadResult } from '../../engine/plan/load.js';
import { fileTooLarge, maxFileBytes, safeLoadDialPlan } from '../../engine/plan/load.js';
import { decodeRuleFile, safeLoadDefaultDialPlan, safeLoadDialPlanFile } from '../files.js';
import type { DialPlan } from '../../engine/plan/plan.js';
import { describeUnknownLocation } from '../../engine/pipeline/query.js';
import type { QueryOptions } from '../../engine/types.js';
import type { CliIo } from './io.js';
import { UsageError } from './io.js';

/** The `--rules FILE` and `--location NAME` options of the commands that query a plan. */
export const PLAN_OPTIONS = {
  rules: { type: 'string', short: 'r' },
  location: { type: 'string', short: 'l' },
} as const;

/**
 * Loads the plan named by `--rules`, or the bundled default plan. Problems are printed to standard error.
 *
 * @param file - the `--rules` value, if any
 * @param io - where to print problems
 * @returns the plan, or undefined when it could not be loaded
 */
export function loadRulesOption(file: string | undefined, io: CliIo): DialPlan | undefined {
  // The bundled plan loads from its build-time snapshot: no YAML parse, which was most of every command's start-up.
  const r = file === undefined ? safeLoadDefaultDialPlan() : safeLoadDialPlanFile(resolve(io.cwd, file), { file });
  if (r.ok) return r.plan;
  const errors = r.problems.filter((p) => p.severity === 'error');
  io.stderr.write(`dialplan: cannot load ${file ?? 'the default plan'} (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n`);
  for (const p of r.problems) io.stderr.write(formatProblem(p) + '\n');
  return undefined;
}

/** What problems call a rule file read from standard input. */
export const STDIN_NAME = '<stdin>';

/**
 * Reads standard input to its end, but no more than `max` bytes and one (a stream, so that it works whatever standard
 * input is: a pipe, a socket from a parent process, a file, a terminal until end of file).
 *
 * @param stdin - the stream
 * @param max - the most bytes wanted
 * @returns the bytes, or how many were read past the limit
 * @example
 * ```ts
 * const r = await readStreamBounded(process.stdin, 16 * 1024 * 1024);
 * ```
 */
export async function readStreamBounded(stdin: Readable, max: number): Promise<{ readonly bytes: Buffer } | { readonly tooLarge: number }> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(b);
    total += b.length;
    // Read no further: a hostile or mistaken input (`cat /dev/zero |`) costs nothing.
    if (total > max) return { tooLarge: total };
  }
  return { bytes: Buffer.concat(chunks, total) };
}

/**
 * Loads a rule FILE argument of `lint` and `test`: `-` is standard input, as for most tools (the loader's size limit
 * and UTF-8 check apply as to a file; problems name it {@link STDIN_NAME}); anything else a path from the working folder,
 * named as given.
 *
 * @param arg - the argument as given
 * @param io - the working folder and standard input
 * @returns the name problems give the file, and the plan or its problems
 * @example
 * ```ts
 * const { file, result } = await loadRuleFileArgument('-', io);
 * ```
 */
export async function loadRuleFileArgument(arg: string, io: CliIo): Promise<{ readonly file: string; readonly result: LoadResult }> {
  if (arg !== '-') return { file: arg, result: safeLoadDialPlanFile(resolve(io.cwd, arg), { file: arg }) };
  const read = await readStdinRuleFile(io);
  return { file: STDIN_NAME, result: typeof read === 'string' ? safeLoadDialPlan(read, { file: STDIN_NAME }) : { ok: false, problems: [read] } };
}

/**
 * Standard input as a rule file's text, or the problem that stops it (`TOO_LARGE`, `INVALID_ENCODING`), as a file on
 * disk would have.
 *
 * @param io - standard input
 * @returns the text, or the problem
 * @example
 * ```ts
 * const text = await readStdinRuleFile(io);
 * ```
 */
export async function readStdinRuleFile(io: CliIo): Promise<string | Problem> {
  const max = maxFileBytes({});
  const read = await readStreamBounded(io.stdin, max);
  if ('tooLarge' in read) return fileTooLarge(read.tooLarge, max, { file: STDIN_NAME });
  return decodeRuleFile(read.bytes, STDIN_NAME);
}

/**
 * Refuses an output option that names the FILE a command reads (also through a link or another spelling of its path):
 * writing it would replace the file its author edits with the command's output.
 *
 * @param cwd - the working folder
 * @param input - the FILE argument (`-`, standard input, names no file)
 * @param option - the option, as `--out`
 * @param output - its value, if given
 * @param what - what the command writes and what it would replace the FILE with (`the precompiled plan`, `JSON`)
 * @throws UsageError when both name one file
 * @example
 * ```ts
 * refuseOutputOverInput(io.cwd, 'site.yaml', '--out', 'site.yaml', { noun: 'rule FILE', writes: 'the precompiled plan', as: 'JSON', suggest: '.json' });
 * ```
 */
export function refuseOutputOverInput(
  cwd: string,
  input: string,
  option: string,
  output: string | undefined,
  what: { readonly noun: string; readonly writes: string; readonly as: string; readonly suggest: string },
): void {
  if (output === undefined || input === '-') return;
  try {
    const a = statSync(resolve(cwd, input));
    const b = statSync(resolve(cwd, output));
    if (!a.isFile() || a.dev !== b.dev || a.ino !== b.ino) return;
  } catch {
    return;
  }
  const base = output.replace(/\.[^./\\]*$/, '');
  const suggestion = base + what.suggest === output ? `${output}${what.suggest}` : base + what.suggest;
  throw new UsageError(`${option} ${output} is the ${what.noun} itself, which would be replaced by ${what.as}; write ${what.writes} to another file (such as ${suggestion}).`);
}

/**
 * Checks a `--location` value against the plan and turns it into query options.
 *
 * @param plan - the loaded plan
 * @param location - the `--location` value, if any
 * @returns the options to query with
 * @throws UsageError when the plan has no such location
 */
export function locationOption(plan: DialPlan, location: string | undefined): QueryOptions {
  if (location === undefined) return {};
  if (!plan.locations.includes(location)) throw new UsageError(describeUnknownLocation(location, plan.locations));
  return { location };
}

/**
 * Reads a file, but no more than `max` bytes and one: a hostile or mistaken FILE (`/dev/zero`, a disk image) costs
 * nothing, and a pipe (`/dev/stdin`) is read once. Throws what the file system throws.
 *
 * @param path - the file
 * @param max - the most bytes wanted
 * @returns its bytes and whether it is a regular file, or how many bytes were read past the limit
 * @example
 * ```ts
 * const r = readFileBounded('site.yaml', 16 * 1024 * 1024);
 * if ('bytes' in r) console.log(r.bytes.length);
 * ```
 */
export function readFileBounded(path: string, max: number): { readonly bytes: Buffer; readonly regular: boolean } | { readonly tooLarge: number } {
  const fd = openSync(path, 'r');
  try {
    const regular = fstatSync(fd).isFile();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, max + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > max) return { tooLarge: total };
    }
    return { bytes: Buffer.concat(chunks, total), regular };
  } finally {
    closeSync(fd);
  }
}
