/**
 * How commands find their plan: `--rules FILE`, or the bundled default.
 */
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
