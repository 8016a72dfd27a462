/**
 * Reading rule files from disk (Node.js only; the rest of the engine is pure).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DialPlanError, invalidPlanError } from './errors.js';
import type { LoadOptions, LoadResult, RuleFileSnapshot } from './load.js';
import { loadRuleFileSnapshot, safeLoadDialPlan, snapshotRuleFile } from './load.js';
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

// Written by `npm run build` next to this module: the default plan parsed ahead of time, so that loading it needs no
// YAML parser (most of the cold start otherwise).
const SNAPSHOT_URL = new URL('./default-plan.json', import.meta.url);
const DEFAULT_FILE = 'rules/default.yaml';

/**
 * Writes the build-time snapshot of the default plan (`dist/default-plan.json`). Run by `npm run build`.
 * @internal
 */
export function writeDefaultSnapshot(): void {
  const snapshot = snapshotRuleFile(readFileSync(DEFAULT_RULES_PATH, 'utf8'), DEFAULT_FILE);
  if (!snapshot) throw new DialPlanError('INVALID_PLAN', `${DEFAULT_FILE} is not valid YAML.`);
  writeFileSync(SNAPSHOT_URL, JSON.stringify(snapshot));
}

/**
 * Loads the bundled default plan without throwing and without sharing it: from the build-time snapshot when it is of the
 * current `rules/default.yaml`, by parsing the YAML otherwise. Each call loads afresh (a server reloading its rules sees
 * an edited file); {@link loadDefaultDialPlan} is the shared, throwing variant.
 *
 * @returns the plan, or every problem of the file
 * @example
 * ```ts
 * const r = safeLoadDefaultDialPlan();
 * if (r.ok) r.plan.query('6929');
 * ```
 */
export function safeLoadDefaultDialPlan(): LoadResult {
  let source: string;
  try {
    source = readFileSync(DEFAULT_RULES_PATH, 'utf8');
  } catch {
    return safeLoadDialPlanFile(DEFAULT_RULES_PATH, { file: DEFAULT_FILE });
  }
  let snapshot: RuleFileSnapshot | undefined;
  try {
    snapshot = JSON.parse(readFileSync(SNAPSHOT_URL, 'utf8')) as RuleFileSnapshot;
  } catch {
    // No snapshot (running from source, or not built): parse the YAML.
  }
  // A snapshot of another text is stale (the rule file was edited after the build): the file wins.
  return snapshot?.source === source ? loadRuleFileSnapshot(snapshot) : safeLoadDialPlan(source, { file: DEFAULT_FILE });
}

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
  if (defaultPlan === undefined) {
    const r = safeLoadDefaultDialPlan();
    if (!r.ok) throw invalidPlanError(r.problems);
    defaultPlan = r.plan;
  }
  return defaultPlan;
}
