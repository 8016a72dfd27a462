/**
 * Loading a plan: from YAML text (with positions for every problem) or from a plain object.
 */
import { createRequire } from 'node:module';
import type { Node, Range, Scalar } from 'yaml';
import type { Locate, MatcherFactory } from './compile.js';
import { compileRules, toProblems } from './compile.js';
import type { Problem } from './errors.js';
import type { SourcePosition } from './explain.js';
import { invalidPlanError } from './errors.js';
import type { DialPlan } from './plan.js';
import { createDialPlan } from './plan.js';
import type { Path, RawProblem } from './validate.js';

/** Options of the loaders. */
export interface LoadOptions {
  /** The file name to show in problems. */
  readonly file?: string;
  /**
   * Builds each table's matcher; the default is the engine's. For differential tests and benchmarks; not a stable API.
   * @internal
   */
  readonly matcher?: MatcherFactory;
}

/** The outcome of a non-throwing load: the plan and its warnings, or every problem. */
export type LoadResult =
  | { readonly ok: true; readonly plan: DialPlan; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

// `yaml` is loaded on first use, not at import: a server that only queries the bundled plan (read from its build-time
// snapshot) never pays for it, which is most of the cold start. The CommonJS build is the same library.
type YamlLib = typeof import('yaml');
let yamlLib: YamlLib | undefined;
const yaml = (): YamlLib => (yamlLib ??= createRequire(import.meta.url)('yaml') as YamlLib);

interface NodeInfo {
  readonly node: Node;
  readonly keyRange: Range | undefined;
}

/**
 * Loads a dial plan from YAML text without throwing: every problem of the file comes back with its line, column and an
 * excerpt.
 *
 * @param yamlText - the rule file's text
 * @param options - the file name for messages
 * @returns the plan, or all the problems
 * @example
 * ```ts
 * const r = safeLoadDialPlan(text, { file: 'site.yaml' });
 * if (!r.ok) for (const p of r.problems) console.error(formatProblem(p));
 * ```
 */
export function safeLoadDialPlan(yamlText: string, options: LoadOptions = {}): LoadResult {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lines = yamlText.split(/\r?\n|\r/);
  const file = options.file;
  const at = (offset: number): Pick<Problem, 'line' | 'column' | 'excerpt'> => {
    const { line, col } = lineCounter.linePos(offset);
    const l = Math.max(line, 1);
    return { line: l, column: col, excerpt: excerpt(lines[l - 1] ?? '', l, col) };
  };
  const withFile = file !== undefined ? { file } : {};

  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        code: 'YAML_SYNTAX' as const,
        severity: 'error' as const,
        // The parser's own "at line L, column C" is dropped: the problem carries the position.
        message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
        path: [],
        ...withFile,
        ...at(openingOf(doc, e.code, e.pos[0])),
      })),
    };
  }

  const nodes = new Map<string, NodeInfo>();
  const value = doc.contents === null ? null : toValue(doc.contents, [], undefined, nodes, doc);
  const locate: Locate = (p) => ({ ...withFile, ...at(offsetOf(p, nodes, yamlText)) });
  return finish(compileRules(value, options.matcher), locate);
}

/**
 * A rule file parsed ahead of time (at build time, for the bundled plan): its source, its value and where each node of it
 * starts, so that it loads without the YAML parser and still reports positions.
 * @internal
 */
export interface RuleFileSnapshot {
  /** The YAML text the snapshot was made from; a snapshot whose source differs from the file is stale. */
  readonly source: string;
  readonly file: string;
  readonly value: unknown;
  /** Line and column of the node at each path (as JSON of the path). */
  readonly positions: Readonly<Record<string, readonly [number, number]>>;
}

/**
 * Parses a rule file into a snapshot that {@link loadRuleFileSnapshot} loads without `yaml`.
 * @internal
 *
 * @param yamlText - the rule file's text
 * @param file - its name, for positions
 * @returns the snapshot, or undefined when the text is not valid YAML
 */
export function snapshotRuleFile(yamlText: string, file: string): RuleFileSnapshot | undefined {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) return undefined;
  const nodes = new Map<string, NodeInfo>();
  const value = doc.contents === null ? null : toValue(doc.contents, [], undefined, nodes, doc);
  const positions: Record<string, readonly [number, number]> = {};
  for (const [key, info] of nodes) {
    const { line, col } = lineCounter.linePos(info.node.range?.[0] ?? 0);
    positions[key] = [Math.max(line, 1), col];
  }
  return { source: yamlText, file, value, positions };
}

/**
 * Loads a plan from a snapshot. A plan with any problem is loaded again from its source by {@link safeLoadDialPlan}, so
 * that problems point at the exact character, as they always do.
 * @internal
 *
 * @param snapshot - from {@link snapshotRuleFile}
 * @param options - loader options
 * @returns the plan, or every problem
 */
export function loadRuleFileSnapshot(snapshot: RuleFileSnapshot, options: LoadOptions = {}): LoadResult {
  const outcome = compileRules(snapshot.value, options.matcher);
  if (outcome.problems.length > 0) return safeLoadDialPlan(snapshot.source, { file: snapshot.file, ...options });
  const lines = snapshot.source.split(/\r?\n|\r/);
  const locate: Locate = (p) => {
    for (let len = p.path.length; len >= 0; len--) {
      const pos = snapshot.positions[pathKey(p.path.slice(0, len))];
      if (pos) return { file: snapshot.file, line: pos[0], column: pos[1], excerpt: excerpt(lines[pos[0] - 1] ?? '', pos[0], pos[1]) };
    }
    return { file: snapshot.file };
  };
  return finish(outcome, locate);
}

/**
 * Loads a dial plan from YAML text. Throws one {@link DialPlanError} (code `INVALID_PLAN`) that lists every problem.
 *
 * @param yamlText - the rule file's text
 * @param options - the file name for messages
 * @returns the compiled plan
 * @example
 * ```ts
 * const plan = loadDialPlan(readFileSync('rules/default.yaml', 'utf8'), { file: 'rules/default.yaml' });
 * plan.query('6929');
 * ```
 */
export function loadDialPlan(yamlText: string, options: LoadOptions = {}): DialPlan {
  const r = safeLoadDialPlan(yamlText, options);
  if (!r.ok) throw invalidPlanError(r.problems);
  return r.plan;
}

/**
 * Compiles a plan given as a plain object (for example one built in code or parsed from JSON), without throwing.
 * Problems carry a `path` instead of a line.
 *
 * @param rules - the plan as an object with the rule file's keys
 * @param options - the file name for messages
 * @returns the plan, or all the problems
 * @example
 * ```ts
 * safeCompileDialPlan({ name: 'x', classifications: ['Any'], dialPlan: [{ name: 'all', match: 'Z', classification: 'Any' }] });
 * ```
 */
export function safeCompileDialPlan(rules: unknown, options: LoadOptions = {}): LoadResult {
  const withFile = options.file !== undefined ? { file: options.file } : {};
  return finish(compileRules(rules, options.matcher), () => withFile);
}

/**
 * Compiles a plan given as a plain object. Throws one {@link DialPlanError} that lists every problem.
 *
 * @param rules - the plan as an object with the rule file's keys
 * @param options - the file name for messages
 * @returns the compiled plan
 * @example
 * ```ts
 * const plan = compileDialPlan({
 *   name: 'tiny',
 *   classifications: [{ name: 'Intercom', internal: true }],
 *   dialPlan: [{ name: 'ext', match: 'XXXX', classification: 'Intercom', normalized: '/XXXX' }],
 * });
 * plan.query('6929');
 * ```
 */
export function compileDialPlan(rules: unknown, options: LoadOptions = {}): DialPlan {
  const r = safeCompileDialPlan(rules, options);
  if (!r.ok) throw invalidPlanError(r.problems);
  return r.plan;
}

function finish(outcome: ReturnType<typeof compileRules>, locate: Locate): LoadResult {
  const problems = toProblems(outcome.problems, locate);
  if (!outcome.ok) return { ok: false, problems: sortProblems(problems) };
  const warnings = sortProblems(problems);
  // Positions of table entries and test cases, for explain and the inline test runner.
  const positionOf = (path: Path): SourcePosition => {
    const { file, line, column, excerpt } = locate({ code: 'INVALID_PLAN', severity: 'error', message: '', path, on: 'value' });
    return {
      ...(file !== undefined ? { file } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
      ...(excerpt !== undefined ? { excerpt } : {}),
    };
  };
  return { ok: true, plan: createDialPlan(outcome.plan, warnings, positionOf), warnings };
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/**
 * Converts the YAML tree to plain values, recording where each path's node is. Numbers become their source text: a
 * pattern `00` or an extension `0123` must not lose its zeros, and no field of a rule file is numeric.
 */
function toValue(node: unknown, path: Path, keyRange: Range | undefined, nodes: Map<string, NodeInfo>, doc: YamlDocument): unknown {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  let n = node;
  if (isAlias(n)) n = n.resolve(doc);
  if (n && typeof n === 'object' && 'range' in n) nodes.set(pathKey(path), { node: n as Node, keyRange });
  if (isMap(n)) {
    const out: Record<string, unknown> = {};
    for (const pair of n.items) {
      if (!isPair(pair)) continue;
      const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const kr = isScalar(pair.key) ? pair.key.range ?? undefined : undefined;
      out[k] = toValue(pair.value, [...path, k], kr, nodes, doc);
    }
    return out;
  }
  if (isSeq(n)) return n.items.map((item, i) => toValue(item, [...path, i], undefined, nodes, doc));
  if (isScalar(n)) {
    if (typeof n.value === 'number' && n.source !== undefined) return n.source;
    return n.value;
  }
  return n ?? null;
}

/**
 * The parser reports an unclosed quote or flow collection where it gave up, often lines later; the offending node is the
 * one left open, so point at its opening character instead.
 */
function openingOf(doc: YamlDocument, code: string, pos: number): number {
  if (code !== 'MISSING_CHAR' && code !== 'BAD_INDENT') return pos;
  const { isMap, isScalar, isSeq, visit } = yaml();
  let best = pos;
  visit(doc, (_key, node) => {
    const r = (node as { range?: Range | null } | null)?.range;
    if (!r || r[0] >= pos || r[2] < pos) return;
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    const flow = (isMap(node) || isSeq(node)) && node.flow === true;
    if ((quoted || flow) && (best === pos || r[0] > best)) best = r[0];
  });
  return best;
}

type YamlDocument = ReturnType<YamlLib['parseDocument']>;

function pathKey(path: Path): string {
  return JSON.stringify(path);
}

/** The source offset a problem points at: the key or value node of the deepest known prefix of its path. */
function offsetOf(p: RawProblem, nodes: Map<string, NodeInfo>, text: string): number {
  for (let len = p.path.length; len >= 0; len--) {
    const info = nodes.get(pathKey(p.path.slice(0, len)));
    if (!info) continue;
    if (p.on === 'key' && len === p.path.length && info.keyRange) return info.keyRange[0];
    const start = info.node.range?.[0] ?? 0;
    if (p.offset !== undefined && yaml().isScalar(info.node) && typeof info.node.value !== 'object') {
      return start + innerOffset(info.node, start, p.offset, text);
    }
    return start;
  }
  return 0;
}

/** Where character `offset` of a scalar's value sits in the source, when the source spells the value out plainly. */
function innerOffset(node: Scalar, start: number, offset: number, text: string): number {
  const value = String(node.source ?? node.value);
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
  if (node.type !== 'PLAIN' && quoted === 0) return 0;
  return text.startsWith(value, start + quoted) ? quoted + offset : 0;
}

function excerpt(line: string, lineNo: number, col: number): string {
  const gutter = String(lineNo).length;
  const shown = line.length > 120 ? line.slice(0, 120) + '…' : line;
  return `${String(lineNo).padStart(gutter + 2)} | ${shown}\n${' '.repeat(gutter + 2)} | ${' '.repeat(Math.max(col - 1, 0))}^`;
}
