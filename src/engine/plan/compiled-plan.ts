/**
 * Precompiled plans: a rule file checked once and saved as JSON (`dialplan compile plan.yaml --out plan.json`), which the
 * ordinary loaders recognise. Parsing the YAML and compiling every entry is most of the time it takes to load a large
 * plan, so a server or a CLI run over a precompiled plan answers sooner.
 *
 * Version 3 holds what compiling built (each table's matcher as integer arrays), the rules with the entries one by one,
 * where each node sits in the YAML (so problems, `explain` and inline tests still point at lines of the YAML), the YAML
 * text itself for the excerpts, and a checksum. The Node.js entry restores such a file without compiling its entries
 * (restore.ts); everything else loads it whole here, as versions 1 and 2.
 */
import type { Problem } from '../errors.js';
import type { AutomatonSnapshot } from '../match/automaton.js';
import { snapshotAutomaton } from '../match/automaton.js';
import { packInts, unpackInts } from '../match/pack.js';
import type { LoadOptions, LoadResult, RuleFileSnapshot } from './load.js';
import { excerpt, loadRuleFileSnapshot, safeLoadDialPlan, snapshotRuleFile } from './load.js';

/** The value of the `format` key of a precompiled plan. */
export const COMPILED_PLAN_FORMAT = 'dialplan-compiled-plan';
/**
 * The version of the precompiled format this library writes. It reads this one and versions 1 and 2, which hold the rule
 * file's parsed value and are compiled in full when loaded.
 */
export const COMPILED_PLAN_VERSION = 3;

/**
 * A precompiled plan of version 2 as stored on disk. `positions` is the JSON text of the positions object, parsed only
 * when a position is first needed. Version 3 (what {@link compilePlanText} writes) is described at {@link compilePlanText}.
 */
export interface CompiledPlanFile {
  readonly format: typeof COMPILED_PLAN_FORMAT;
  readonly version: number;
  readonly file: string;
  readonly source: string;
  readonly value: unknown;
  readonly positions: string;
}

/** The sections of a version 3 file, in the order they are written; `index` holds where each starts and ends. */
export const SECTIONS = ['file', 'head', 'warnings', 'matchers', 'hasWhen', 'entryAt', 'dialPlan', 'source', 'positions'] as const;
/** The name of a section of a version 3 file. */
export type Section = (typeof SECTIONS)[number];
/** The sections the checksum covers: everything a load trusts without checking it again. */
const CHECKED_UP_TO: Section = 'dialPlan';
const V3_HEADER = '{"format":"dialplan-compiled-plan","version":3,"index":[';
/** The start of a version 3 file, up to the end of its index: the checksum and the sections' ranges. */
export const V3_INDEX = /^\{"format":"dialplan-compiled-plan","version":3,"index":\[(\d+(?:,\d+)*)\],/;

/**
 * The checksum of a version 3 file: FNV-1a over the UTF-16 code units of its checked sections. It tells a file as
 * `dialplan compile` wrote it from one edited since (which is then loaded and checked in full); it is not a signature.
 */
export function checksumOf(text: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

let storedPlanLoader: ((text: string) => LoadResult | undefined) | undefined;

/**
 * Plugs in the loader that restores a version 3 precompiled plan from its stored parts (`loadStoredPlanText`), which
 * the Node.js entry does. Without it (the browser entry, to stay within its bundle budgets) such a file is loaded whole:
 * the same plan, compiled in full.
 * @internal
 *
 * @param loader - the restoring loader: the plan, or undefined for a file it does not restore
 */
export function useStoredPlanLoader(loader: (text: string) => LoadResult | undefined): void {
  storedPlanLoader = loader;
}

/** The outcome of {@link compilePlanText}. */
export type CompilePlanTextResult =
  | { readonly ok: true; readonly json: string; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Checks a rule file and turns it into a precompiled plan (JSON text). A rule file that does not load gives every
 * problem instead, exactly as {@link safeLoadDialPlan} reports them.
 *
 * The text is one JSON object (format version 3): `format`, `version`, then `index` (the checksum, then where each
 * section's value starts and ends, counted from the character after the index), then the sections `file`, `head` (the
 * rule file's value without its entries), `warnings` (the load's, placed), `matchers` (each location's entry matcher,
 * see `snapshotAutomaton`), `hasWhen`, `entryAt` (where each entry starts within `dialPlan`), `dialPlan` (the entries
 * as the file wrote them), `source` (the YAML text) and `positions` (each node's line and column, packed, in the order
 * of a walk of the rules). The checksum is FNV-1a over the UTF-16 units from `file` to the end of `dialPlan`.
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
  const plan = loaded.plan;
  // The rules as the file wrote them (defaults are not filled in: an `unmatched` written out would have to be declared),
  // the head apart from the entries, which a load reads (and checks) one by one when first reached.
  const head = { ...(snapshot.value as Record<string, unknown>) };
  const dialPlan = head['dialPlan'] as readonly unknown[];
  delete head['dialPlan'];
  const matchers: Record<string, AutomatonSnapshot> = {};
  for (const [name, table] of plan.compiled.tables) {
    const stored = snapshotAutomaton(table.entryMatcher);
    if (stored !== undefined) matchers[name] = stored;
  }
  // The entries end to end in one JSON list, with where each starts, so that a load parses only those it reaches.
  const entryAt: number[] = [];
  let list = '[';
  dialPlan.forEach((e, i) => {
    if (i > 0) list += ',';
    entryAt.push(list.length);
    list += JSON.stringify(e);
  });
  entryAt.push(list.length + 1);
  list += ']';
  const values: Record<Section, string> = {
    file: JSON.stringify(snapshot.file),
    head: JSON.stringify(head),
    warnings: JSON.stringify(plan.warnings),
    matchers: JSON.stringify(matchers),
    hasWhen: JSON.stringify(plan.rules.dialPlan.some((e) => e.when !== undefined)),
    entryAt: JSON.stringify(entryAt),
    dialPlan: list,
    source: JSON.stringify(snapshot.source),
    positions: JSON.stringify(packInts(positionList({ ...head, dialPlan }, typeof snapshot.positions === 'function' ? snapshot.positions() : snapshot.positions), 2)),
  };
  let body = '';
  const index: number[] = [];
  let checkedEnd = 0;
  for (const name of SECTIONS) {
    body += `${body === '' ? '' : ','}"${name}":`;
    index.push(body.length);
    body += values[name];
    index.push(body.length);
    if (name === CHECKED_UP_TO) checkedEnd = body.length;
  }
  const json = `${V3_HEADER}${[checksumOf(body, 0, checkedEnd), ...index].join(',')}],${body}}`;
  return { ok: true, json, warnings: plan.warnings };
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
  // A version 3 file as `dialplan compile` wrote it loads without compiling its entries where that loader is in (see
  // useStoredPlanLoader); anything else (an older version, a file edited since, a matcher of one's own, a browser
  // bundle) is parsed whole and compiled as a rule file is: the same plan, sooner or later.
  if (options.matcher === undefined && storedPlanLoader !== undefined) {
    const restored = storedPlanLoader(text);
    if (restored !== undefined) return restored;
  }
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
  if (version !== 1 && version !== 2 && version !== COMPILED_PLAN_VERSION) {
    return invalid(`This precompiled plan is of version ${JSON.stringify(version)}; this library reads versions 1 to ${COMPILED_PLAN_VERSION}. Compile the rule file again.`);
  }
  const positions = p['positions'];
  const source = p['source'];
  const file = p['file'];
  // Version 1 holds an object, version 2 its JSON text, version 3 a packed list in the order of a walk of the rules.
  const positionsAsObject = version === 1;
  const positionsOk = positionsAsObject ? typeof positions === 'object' && positions !== null && !Array.isArray(positions) : typeof positions === 'string';
  if (typeof source !== 'string' || typeof file !== 'string' || !positionsOk) {
    return invalid('This precompiled plan lacks its "source", "file" or "positions"; compile the rule file again.');
  }
  if (positionsAsObject && !wellFormedPositions(positions)) {
    return invalid('This precompiled plan has a position that is not [line, column]; compile the rule file again.');
  }
  // Version 3 holds the validated rules as `head` and `dialPlan`; they are checked again as any rules are.
  const head = p['head'];
  const value = version === 3 ? (typeof head === 'object' && head !== null && !Array.isArray(head) ? { ...head, dialPlan: p['dialPlan'] } : head) : p['value'];
  const snapshot: RuleFileSnapshot = {
    source,
    file,
    value,
    // Version 2 keeps them as text, read at the first position asked for; text that is not well-formed positions (a
    // damaged or hand-edited file) gives problems and traces without lines rather than wrong ones.
    positions:
      positionsAsObject
        ? (positions as RuleFileSnapshot['positions'])
        : version === 3
          ? () => {
              try {
                const packed = unpackInts(positions, 2);
                return packed === undefined ? {} : positionsFromList(value, packed);
              } catch {
                // A value nested deeper than the stack allows (a crafted file): no positions.
                return {};
              }
            }
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

/**
 * The positions of a rule file's nodes as one list, [line, column] per node in the order of a depth-first walk of its
 * value (a node without position is [0, 0]): a few characters a node packed, where the positions object took forty.
 */
function positionList(value: unknown, positions: Readonly<Record<string, readonly [number, number]>>): number[] {
  const out: number[] = [];
  walkValue(value, [], (path) => {
    const pos = positions[JSON.stringify(path)];
    out.push(pos?.[0] ?? 0, pos?.[1] ?? 0);
  });
  return out;
}

/** The positions object again, from the same walk of the same value. */
export function positionsFromList(value: unknown, list: Int32Array): Record<string, readonly [number, number]> {
  const out: Record<string, readonly [number, number]> = Object.create(null) as Record<string, readonly [number, number]>;
  let i = 0;
  walkValue(value, [], (path) => {
    const line = list[i] as number;
    const column = list[i + 1] as number;
    i += 2;
    if (line > 0 && column >= 0) out[JSON.stringify(path)] = [line, column];
  });
  return out;
}

/** Visits every node of a JSON value depth first, parents before children, lists by index and maps by key order. */
function walkValue(value: unknown, path: (string | number)[], visit: (path: readonly (string | number)[]) => void): void {
  visit(path);
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkValue(v, [...path, i], visit));
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) walkValue((value as Record<string, unknown>)[key], [...path, key], visit);
  }
}
