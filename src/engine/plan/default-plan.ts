/**
 * The bundled default plan where there is no file system (browsers, edge runtimes): compiled from its rules, embedded
 * at build time (`dist/engine/plan/default-plan-snapshot.js`), so it needs no YAML parser. The Node.js entry reads
 * `rules/default.yaml` instead (src/files.ts), so that an edited file wins and positions have line numbers.
 */
import { DEFAULT_PLAN_SNAPSHOT } from './default-plan-snapshot.js';
import { invalidPlanError } from '../errors.js';
import type { LoadResult } from './load.js';
import { compileKnownRules } from './load.js';
import type { DialPlan } from './plan.js';

let defaultPlan: DialPlan | undefined;

/**
 * Loads the bundled default plan from its embedded snapshot, without throwing and without sharing it.
 *
 * @returns the plan, or the problem that stops it (a package not built: no snapshot)
 * @example
 * ```ts
 * const r = safeLoadDefaultDialPlan();
 * if (r.ok) r.plan.query('6929');
 * ```
 */
export function safeLoadDefaultDialPlan(): LoadResult {
  if (DEFAULT_PLAN_SNAPSHOT === undefined) {
    const message = 'The default plan is not embedded in this build: run `npm run build`.';
    return { ok: false, problems: [{ code: 'FILE_NOT_FOUND', severity: 'error', message, path: [], file: 'rules/default.yaml' }] };
  }
  // Known rules (built from rules/default.yaml): no compile budget to check, and none of its code in a browser bundle.
  return compileKnownRules(DEFAULT_PLAN_SNAPSHOT.value, { file: DEFAULT_PLAN_SNAPSHOT.file });
}

/**
 * The bundled default plan, loaded once from its embedded snapshot and shared.
 *
 * @returns the plan of `rules/default.yaml`
 * @example
 * ```ts
 * loadDefaultDialPlan().details('6929').queueName; // 'User Queue:jdoe'
 * ```
 */
export function loadDefaultDialPlan(): DialPlan {
  if (defaultPlan === undefined) {
    const r = safeLoadDefaultDialPlan();
    if (!r.ok) throw invalidPlanError(r.problems);
    defaultPlan = r.plan;
  }
  return defaultPlan;
}
