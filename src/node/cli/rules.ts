/**
 * How commands find their plan: `--rules FILE`, or the bundled default.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatProblem } from '../../engine/errors.js';
import { safeLoadDefaultDialPlan, safeLoadDialPlanFile } from '../files.js';
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
