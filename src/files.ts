/**
 * Reading rule files from disk (Node.js only; the rest of the engine is pure).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DialPlanError, invalidPlanError } from './errors.js';
import type { LoadOptions, LoadResult } from './load.js';
import { safeLoadDialPlan } from './load.js';
import type { DialPlan } from './plan.js';

/**
 * The path of the bundled default plan, `rules/default.yaml` (a NANP site in area code 317).
 *
 * @example
 * ```ts
 * readFileSync(DEFAULT_RULES_PATH, 'utf8');
 * ```
 */
export const DEFAULT_RULES_PATH: string = fileURLToPath(new URL('../rules/default.yaml', import.meta.url));

/**
 * Loads a rule file from disk without throwing: an unreadable file is a `FILE_NOT_FOUND` problem.
 *
 * @param path - the rule file
 * @param options - loader options; `file` defaults to `path`
 * @returns the plan, or every problem
 * @example
 * ```ts
 * const r = safeLoadDialPlanFile('rules/default.yaml');
 * ```
 */
export function safeLoadDialPlanFile(path: string, options: LoadOptions = {}): LoadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((e as Error).message);
    return {
      ok: false,
      problems: [{ code: 'FILE_NOT_FOUND', severity: 'error', message: `Cannot read the rule file: ${reason}.`, path: [], file: path }],
    };
  }
  return safeLoadDialPlan(text, { file: path, ...options });
}

/**
 * Loads a rule file from disk. Throws one {@link DialPlanError} listing every problem.
 *
 * @param path - the rule file
 * @param options - loader options; `file` defaults to `path`
 * @returns the compiled plan
 * @example
 * ```ts
 * const plan = loadDialPlanFile('rules/default.yaml');
 * plan.query('8004562354');
 * ```
 */
export function loadDialPlanFile(path: string, options: LoadOptions = {}): DialPlan {
  const r = safeLoadDialPlanFile(path, options);
  if (r.ok) return r.plan;
  const first = r.problems[0];
  if (first?.code === 'FILE_NOT_FOUND') throw new DialPlanError('FILE_NOT_FOUND', `${path}: ${first.message}`, r.problems);
  throw invalidPlanError(r.problems);
}

let defaultPlan: DialPlan | undefined;

/**
 * The bundled default plan, loaded once and shared.
 *
 * @returns the plan of `rules/default.yaml`
 * @example
 * ```ts
 * loadDefaultDialPlan().details('6929').queueName; // 'User Queue:jdoe'
 * ```
 */
export function loadDefaultDialPlan(): DialPlan {
  defaultPlan ??= loadDialPlanFile(DEFAULT_RULES_PATH, { file: 'rules/default.yaml' });
  return defaultPlan;
}
