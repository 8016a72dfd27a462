/**
 * Precompiled plans: a rule file checked once and saved as JSON (`dialplan compile plan.yaml --out plan.json`), which the
 * ordinary loaders recognise and load without parsing YAML. Parsing is most of the time it takes to load a large plan
 * (about nine tenths of it for 10 000 entries), so a server or a CLI run over a precompiled plan answers sooner.
 *
 * The file holds the rule file's parsed value (the rules it loads), where each of its nodes sits in the YAML (so problems,
 * `explain` and inline tests still point at lines of the YAML), and the YAML text itself, for the excerpts.
 */
import type { Problem } from '../errors.js';
import type { LoadOptions, LoadResult, RuleFileSnapshot } from './load.js';
import { excerpt, loadRuleFileSnapshot, safeLoadDialPlan, snapshotRuleFile } from './load.js';

/** The value of the `format` key of a precompiled plan. */
export const COMPILED_PLAN_FORMAT = 'dialplan-compiled-plan';
/**
 * The version of the precompiled format this library writes. It reads this one and version 1 (whose `positions` is an
 * object rather than the JSON text of one).
 */
export const COMPILED_PLAN_VERSION = 2;

/**
 * A precompiled plan as stored on disk (version 2). `positions` is the JSON text of the positions object, parsed only when
 * a position is first needed (a problem, `explain`, a test case): as an object it was three quarters of the time
 * `JSON.parse` spent on a 10 000-entry plan, and a hundred thousand small arrays for the garbage collector.
 */
export interface CompiledPlanFile {
  readonly format: typeof COMPILED_PLAN_FORMAT;
  readonly version: number;
  readonly file: string;
  readonly source: string;
  readonly value: unknown;
  readonly positions: string;
}

/** The outcome of {@link compilePlanText}. */
export type CompilePlanTextResult =
  | { readonly ok: true; readonly json: string; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Checks a rule file and turns it into a precompiled plan (JSON text). A rule file that does not load gives every
 * problem instead, exactly as {@link safeLoadDialPlan} reports them.
 *
 * @param yamlText - the rule file's text
 * @param file - its name, for positions
 * @returns the JSON text, or the problems
 * @example
 * ```ts
 * const r = compilePlanText(readFileSync('site.yaml', 'utf8'), 'site.yaml');
 * if (r.ok) writeFileSync('site.json', r.json);
 * ```
 */
export function compilePlanText(yamlText: string, file: string): CompilePlanTextResult {
  const loaded = safeLoadDialPlan(yamlText, { file });
  if (!loaded.ok) return { ok: false, problems: loaded.problems };
  const snapshot = snapshotRuleFile(yamlText, file);
  if (snapshot === undefined) {
    // Unreachable: a text that loads is valid YAML. Said rather than thrown, as every loader does.
    return { ok: false, problems: [{ code: 'YAML_SYNTAX', severity: 'error', message: 'The rule file is not valid YAML.', path: [], file }] };
  }
  const compiled: CompiledPlanFile = {
    format: COMPILED_PLAN_FORMAT,
    version: COMPILED_PLAN_VERSION,
    file: snapshot.file,
    source: snapshot.source,
    value: snapshot.value,
    positions: JSON.stringify(snapshot.positions),
  };
  return { ok: true, json: JSON.stringify(compiled), warnings: loaded.plan.warnings };
}

/**
 * Whether a text is a precompiled plan: a JSON object whose first key is `"format": "dialplan-compiled-plan"`, as
 * {@link compilePlanText} writes it. A cheap look at the first characters, so that YAML rule files pay nothing.
 *
 * @param text - a rule file's text
 * @returns whether to load it with {@link safeLoadCompiledPlan}
 * @example
 * ```ts
 * isCompiledPlanText('{"format":"dialplan-compiled-plan","version":1,...}'); // true
 * isCompiledPlanText('name: Site\n');                                        // false
 * ```
 */
export function isCompiledPlanText(text: string): boolean {
  return typeof text === 'string' && /^\s*\{\s*"format"\s*:\s*"dialplan-compiled-plan"/.test(text.slice(0, 200));
}

/**
 * Loads a precompiled plan. Never throws: a file that is not valid JSON, of another version, or whose parts are not what
 * {@link compilePlanText} writes is one `COMPILED_PLAN_INVALID` problem; rules with problems (edited by hand) are reported
 * like any plan's, placed at the line of the YAML each rule came from.
 *
 * @param text - the JSON text
 * @param options - loader options
 * @returns the plan, or the problems
 * @example
 * ```ts
 * const r = safeLoadCompiledPlan(readFileSync('site.json', 'utf8'), { file: 'site.json' });
 * ```
 */
export function safeLoadCompiledPlan(text: string, options: LoadOptions = {}): LoadResult {
  const where = typeof options.file === 'string' ? { file: options.file } : {};
  const invalid = (message: string): LoadResult => ({
    ok: false,
    problems: [
      { code: 'COMPILED_PLAN_INVALID', severity: 'error', message, path: [], ...where, line: 1, column: 1, excerpt: excerpt(text.slice(0, 200).split(/\r?\n|\r/)[0] ?? '', 1, 1) },
    ],
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return invalid(`This precompiled plan is not valid JSON (${e instanceof Error ? e.message : String(e)}); compile the rule file again.`);
  }
  if (typeof parsed !== 'object' || parsed === null) return invalid('A precompiled plan must be a JSON object.');
  const p = parsed as Record<string, unknown>;
  if (p['format'] !== COMPILED_PLAN_FORMAT) return invalid(`A precompiled plan's "format" must be "${COMPILED_PLAN_FORMAT}".`);
  const version = p['version'];
  if (version !== 1 && version !== COMPILED_PLAN_VERSION) {
    return invalid(`This precompiled plan is of version ${JSON.stringify(version)}; this library reads versions 1 and ${COMPILED_PLAN_VERSION}. Compile the rule file again.`);
  }
  const positions = p['positions'];
  const source = p['source'];
  const file = p['file'];
  const positionsOk = version === 1 ? typeof positions === 'object' && positions !== null && !Array.isArray(positions) : typeof positions === 'string';
  if (typeof source !== 'string' || typeof file !== 'string' || !positionsOk) {
    return invalid('This precompiled plan lacks its "source", "file" or "positions"; compile the rule file again.');
  }
  if (version === 1 && !wellFormedPositions(positions)) {
    return invalid('This precompiled plan has a position that is not [line, column]; compile the rule file again.');
  }
  const snapshot: RuleFileSnapshot = {
    source,
    file,
    value: p['value'],
    // Version 2 keeps them as text, read at the first position asked for; text that is not well-formed positions (a
    // damaged or hand-edited file) gives problems and traces without lines rather than wrong ones.
    positions:
      version === 1
        ? (positions as RuleFileSnapshot['positions'])
        : () => {
            try {
              const parsed: unknown = JSON.parse(positions as string);
              return wellFormedPositions(parsed) ? (parsed as Readonly<Record<string, readonly [number, number]>>) : {};
            } catch {
              return {};
            }
          },
  };
  // The rules are what the file says, even edited by hand: their problems are reported, not replaced by the YAML's.
  return loadRuleFileSnapshot(snapshot, options, false);
}

/** Whether a value is a positions object: `[line, column]` pairs of non-negative integers by path. */
function wellFormedPositions(positions: unknown): boolean {
  if (typeof positions !== 'object' || positions === null || Array.isArray(positions)) return false;
  for (const pos of Object.values(positions)) {
    if (!Array.isArray(pos) || pos.length !== 2 || !pos.every((n) => Number.isInteger(n) && n >= 0)) return false;
  }
  return true;
}
