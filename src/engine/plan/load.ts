/**
 * Loading a plan: from YAML text (with positions for every problem) or from a plain object.
 */
import { isCompiledPlanText, safeLoadCompiledPlan } from './compiled-plan.js';
import type { CST, Node, Range, Scalar } from 'yaml';
import type { CompiledPlan, Locate } from './compile.js';
import type { MatcherFactory } from '../match/match.js';
import { compileRules, toProblems } from './compile.js';
import type { ErrorCode, Problem } from '../errors.js';
import type { SourcePosition } from '../authoring/explain.js';
import { invalidPlanError } from '../errors.js';
import type { DialPlan } from './plan.js';
import { createDialPlan } from './plan.js';
import type { YamlLibrary } from '../providers.js';
import { yamlLibrary } from '../providers.js';
import type { Path, RawProblem } from './validate.js';

/** Options of the loaders. */
export interface LoadOptions {
  /** The file name to show in problems. */
  readonly file?: string;
  /**
   * The largest rule file accepted, in bytes of UTF-8 ({@link DEFAULT_MAX_FILE_BYTES}, 16 MiB, unless given); a larger
   * one is a `TOO_LARGE` problem, and a file on disk is not read past the limit.
   */
  readonly maxFileBytes?: number;
  /**
   * The most YAML parts a rule file may write (3 000 000 unless given): scalars, aliases, flow collections, item
   * indicators (`-`, `?`, `:`, `,`), line breaks and comments. More is a `TOO_LARGE` problem, found before the parser's
   * memory grows past about a gigabyte. Raise it, with `maxFileBytes`, for a plan of more than about 150 000 entries; each part costs the YAML
   * parser several hundred bytes of memory.
   */
  readonly maxYamlParts?: number;
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

/**
 * The default largest rule file, 16 MiB: a plan of 100 000 entries takes a few MiB.
 *
 * @example
 * ```ts
 * safeLoadDialPlan(text, { maxFileBytes: 4 * DEFAULT_MAX_FILE_BYTES });
 * ```
 */
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * How deeply maps and lists may nest in a rule file. A plan needs five levels; the YAML composer recurses once per level,
 * so without a limit a few thousand `[` overflow the stack.
 */
export const MAX_NESTING_DEPTH = 64;

/**
 * How many nodes aliases may add to a document in all: this many, or as many as the file writes itself when that is more.
 * A 459-byte file of nested aliases otherwise expands to hundreds of millions of nodes; a plan without aliases is never
 * affected, and one whose aliases repeat small parts rarely comes near.
 */
export const MAX_ALIAS_NODES = 100_000;

/**
 * How many YAML parts a rule file may write unless `maxYamlParts` says otherwise: scalars, aliases, flow collections,
 * the indicators that each open an item (`-`, `?`, `:`, `,`), line breaks and comments. The YAML parser and composer
 * keep up to 900 bytes of memory for each and take microseconds over it, so a file under the size limit made of
 * `1,1,1,...` or of `-` lines (8 million parts in 16 MiB) ran the process out of heap after a minute (a crash no `safe*`
 * loader can catch), and 16 MiB of empty lines took 40 s. A plan of 100 000 entries writes 1.7 to 2.1 million, at 6 to
 * 7 bytes of text each.
 * @internal
 */
export const MAX_YAML_PARTS = 3_000_000;

/**
 * The most work compiling a plan may take, in units: each location counts 5 000 (it compiles both tables again, with
 * matchers of its own), and for each location each pattern of the two tables counts 32 plus its length, and each value
 * of a `{set}` it names 24 per character (plus one). A unit costs the compiler and the matcher about 5 bytes (a set value
 * named after other characters gets a trie of its own in each entry: about 1 KB for a 7-digit value). Without a bound,
 * a file of 1 to 4 MB (a 100 000-value set named by 1 000 entries, 10 000 locations of 10 000 entries, 200 000
 * locations of 10 entries) took gigabytes and minutes and ran the process out of memory; at the bound, about 500 MB and
 * 10 s. A plan of 100 000 entries without sets or locations comes to about 4.4 million. Checked on the plan as given,
 * before it is compiled, by the loaders of text and of objects once {@link useCompileBudget} has run (the Node.js entry
 * runs it; not for the bundled default plan, which is known).
 * @internal
 */
export const MAX_COMPILE_UNITS = 100_000_000;

/** What a location costs before its patterns, in {@link MAX_COMPILE_UNITS} units (about 25 KB of matchers and tables). */
const LOCATION_UNITS = 5_000;

/** How many YAML syntax errors of one file are reported. */
const MAX_SYNTAX_PROBLEMS = 100;

// `yaml` is loaded on first use, not at import: a server that only queries the bundled plan (read from its build-time
// snapshot) never pays for it, which is most of the cold start. It comes from src/providers.ts: the runtime's module
// loader in Node.js, a static import in the browser entry.
let yamlLib: YamlLibrary | undefined;
const yaml = (): YamlLibrary => (yamlLib ??= yamlLibrary());

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
  try {
    return loadText(yamlText, options ?? {});
  } catch (e) {
    return failed([unexpected(e, { ...fileOf(options), line: 1, column: 1 })]);
  }
}

/** `{ file }` of the options when it is text; nothing for options that throw when read (a getter, a Proxy). */
function fileOf(options: LoadOptions | undefined): Pick<Problem, 'file'> {
  try {
    return typeof options?.file === 'string' ? { file: options.file } : {};
  } catch {
    return {};
  }
}

function loadText(yamlText: string, options: LoadOptions): LoadResult {
  const withFile = fileOf(options);
  if (typeof yamlText !== 'string') {
    const message = `The rule file's text must be a string, not ${yamlText === null ? 'null' : typeof yamlText}.`;
    return failed([{ code: 'WRONG_TYPE', severity: 'error', message, path: [], ...withFile, line: 1, column: 1 }]);
  }
  const max = maxFileBytes(options);
  // A UTF-16 unit is one to three bytes of UTF-8: count the bytes only when the length alone does not decide.
  const bytes = yamlText.length * 3 <= max ? 0 : utf8Length(yamlText);
  if (bytes > max) return failed([fileTooLarge(bytes, max, withFile)]);
  // A precompiled plan (dialplan compile) is JSON made by this library: no YAML to parse.
  if (isCompiledPlanText(yamlText)) return safeLoadCompiledPlan(yamlText, options);

  const parsed = parseYaml(yamlText, maxYamlParts(options));
  const lines = yamlText.split(/\r?\n|\r/);
  const at = (offset: number): Pick<Problem, 'line' | 'column' | 'excerpt'> => {
    const { line, col } = parsed.lineCounter.linePos(offset);
    const l = Math.max(line, 1);
    return { line: l, column: col, excerpt: excerpt(lines[l - 1] ?? '', l, col) };
  };
  const problem = (code: ErrorCode, message: string, offset: number): Problem => ({
    code,
    severity: 'error',
    message,
    path: [],
    ...withFile,
    ...at(offset),
  });
  if (!parsed.ok) return failed([problem(parsed.code, parsed.message, parsed.offset)]);
  const { doc } = parsed;

  if (doc.errors.length > 0) {
    // The parser's own "at line L, column C" is dropped: the problem carries the position. A file of junk can hold tens
    // of thousands of errors; the first ones say all there is to say.
    // Finding where an unclosed node opens walks the document: for the first few errors only, so that junk with a
    // hundred unclosed quotes in a large file does not walk it a hundred times.
    return failed(
      doc.errors.slice(0, MAX_SYNTAX_PROBLEMS).map((e, i) =>
        problem(
          'YAML_SYNTAX',
          (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
          i < 10 ? openingOf(doc, e.code, e.pos[0]) : e.pos[0],
        ),
      ),
    );
  }

  const nodes = new Map<string, NodeInfo>();
  let value: unknown;
  try {
    const converted = documentValue(doc, yamlText, nodes, parsed.written);
    if (converted.duplicates.length > 0) {
      return failed(converted.duplicates.slice(0, MAX_SYNTAX_PROBLEMS).map((offset) => problem('YAML_SYNTAX', 'Map keys must be unique', offset)));
    }
    value = converted.value;
  } catch (e) {
    if (e instanceof Stop) return failed([problem(e.code, e.message, e.offset)]);
    throw e;
  }
  const locate: Locate = (p) => ({ ...withFile, ...at(offsetOf(p, nodes, yamlText)) });
  const tooMuch = budgetCheck?.(value);
  if (tooMuch) return failed([...toProblems([tooMuch], locate)]);
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
  /**
   * Line and column of the node at each path (as JSON of the path), or a function giving them when first asked for: a
   * precompiled plan of 10 000 entries holds 100 000 of them, which only a problem, `explain` or a test case reads.
   */
  readonly positions: Readonly<Record<string, readonly [number, number]>> | (() => Readonly<Record<string, readonly [number, number]>>);
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
  const parsed = parseYaml(yamlText, MAX_YAML_PARTS);
  if (!parsed.ok || parsed.doc.errors.length > 0) return undefined;
  const nodes = new Map<string, NodeInfo>();
  let value: unknown;
  try {
    const converted = documentValue(parsed.doc, yamlText, nodes, parsed.written);
    if (converted.duplicates.length > 0) return undefined;
    value = converted.value;
  } catch (e) {
    if (e instanceof Stop) return undefined;
    throw e;
  }
  const positions: Record<string, readonly [number, number]> = {};
  for (const [key, info] of nodes) {
    const { line, col } = parsed.lineCounter.linePos(info.node.range?.[0] ?? 0);
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
 * @param reparse - whether a snapshot with problems is loaded again from its source (false: its problems are reported,
 *   placed by the snapshot's positions)
 * @returns the plan, or every problem
 */
export function loadRuleFileSnapshot(snapshot: RuleFileSnapshot, options: LoadOptions = {}, reparse = true): LoadResult {
  const outcome = compileRules(snapshot.value, options.matcher);
  if (outcome.problems.length > 0 && reparse) return safeLoadDialPlan(snapshot.source, { file: snapshot.file, ...options });
  const { positions } = snapshot;
  return finish(outcome, locatorOf(snapshot.file, typeof positions === 'function' ? positions : () => positions, () => snapshot.source));
}

/**
 * Places problems by stored positions: the line and column of the closest node on each problem's path, with an excerpt
 * of that line. Positions and source are read when a position is first asked for, not before: a large plan that loads
 * cleanly may never need one.
 * @internal
 *
 * @param file - the rule file's name
 * @param positionsOf - the positions by path key
 * @param sourceOf - the rule file's text, for excerpts
 * @returns the locator
 */
export function locatorOf(file: string, positionsOf: () => Readonly<Record<string, readonly [number, number]>>, sourceOf: () => string): Locate {
  let lines: string[] | undefined;
  let positions: Readonly<Record<string, readonly [number, number]>> | undefined;
  return (p) => {
    positions ??= positionsOf();
    for (let len = p.path.length; len >= 0; len--) {
      const pos = positions[pathKey(p.path.slice(0, len))];
      if (pos) {
        lines ??= sourceOf().split(/\r?\n|\r/);
        return { file, line: pos[0], column: pos[1], excerpt: excerpt(lines[pos[0] - 1] ?? '', pos[0], pos[1]) };
      }
    }
    return { file };
  };
}

/**
 * Wraps an already compiled plan (a restored precompiled one) as a load result, with its stored warnings.
 * @internal
 *
 * @param compiled - the compiled plan
 * @param warnings - its warnings, placed already
 * @param locate - where paths of the rule file sit
 * @returns the load result
 */
export function loadedPlan(compiled: CompiledPlan, warnings: readonly Problem[], locate: Locate): LoadResult {
  return { ok: true, plan: createDialPlan(compiled, warnings, positionFinder(locate)), warnings };
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
  const withFile = fileOf(options);
  try {
    const tooMuch = budgetCheck?.(rules);
    if (tooMuch) return failed([...toProblems([tooMuch], () => withFile)]);
  } catch (e) {
    return failed([unexpected(e, withFile)]);
  }
  return compileKnownRules(rules, options);
}

/**
 * {@link safeCompileDialPlan} without the compile budget, for rules known not to need it (the bundled default plan's
 * embedded snapshot): the budget's code then stays out of a browser bundle that loads only that plan.
 * @internal
 *
 * @param rules - the plan as an object with the rule file's keys
 * @param options - the file name for messages
 * @returns the plan, or all the problems
 */
export function compileKnownRules(rules: unknown, options: LoadOptions = {}): LoadResult {
  const withFile = fileOf(options);
  try {
    return finish(compileRules(rules, options?.matcher), () => withFile);
  } catch (e) {
    // A getter that throws, a Proxy: objects built in code can fail in ways a parsed file cannot.
    return failed([unexpected(e, withFile)]);
  }
}

/**
 * The compile budget's check, once {@link useCompileBudget} has installed it: the Node.js entry does (src/node/files.ts,
 * as for stored plans), so that the command line, `serve`, `batch` and programs in Node.js are held to it, while browser
 * bundles, which never reach that module, do not carry its code (their size budgets are tight; a hostile plan there
 * costs only the page that loads it).
 */
let budgetCheck: ((value: unknown) => RawProblem | undefined) | undefined;

/**
 * Holds every later load of text or of an object to {@link MAX_COMPILE_UNITS}.
 * @internal
 *
 * @returns nothing
 * @example
 * ```ts
 * useCompileBudget(); // at the top of a Node.js entry module
 * ```
 */
export function useCompileBudget(): void {
  budgetCheck = compileBudgetProblem;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
// `{name}` in a pattern; a name inside quotes is counted too, which can only overstate the cost.
const REF = /\{([^{}"]*)\}/g;

/**
 * The `TOO_LARGE` problem of a plan, as given (not yet checked), whose compile would take more than
 * {@link MAX_COMPILE_UNITS}: at `locations:` when the locations alone pass it, else at the first pattern of the entry
 * where it runs out. Anything not shaped as expected counts nothing here; the checks of the plan report it.
 */
function compileBudgetProblem(value: unknown): RawProblem | undefined {
  if (!isObj(value)) return undefined;
  const locations = isObj(value['locations']) ? Object.keys(value['locations']).length : 0;
  const copies = Math.max(1, locations);
  let total = copies * LOCATION_UNITS;
  if (total > MAX_COMPILE_UNITS) {
    // Short messages: this code is in every browser bundle that loads plans (rules.md, Limits, says the rest).
    const message = `${locations} locations: at most ${MAX_COMPILE_UNITS / LOCATION_UNITS} fit in the compile budget.`;
    return { code: 'TOO_LARGE', severity: 'error', message, path: ['locations'], on: 'key' };
  }
  const sets = isObj(value['sets']) ? value['sets'] : {};
  const setCosts = new Map<string, number>();
  const setCost = (name: string): number => {
    let c = setCosts.get(name);
    if (c === undefined) {
      c = 0;
      const values = Object.prototype.hasOwnProperty.call(sets, name) ? sets[name] : undefined;
      if (Array.isArray(values)) for (const v of values) c += 24 * ((typeof v === 'string' ? v.length : String(v).length) + 1);
      setCosts.set(name, c);
    }
    return c;
  };
  const patternCost = (src: string): number => {
    let c = 32 + src.length;
    if (src.includes('{')) for (const m of src.matchAll(REF)) c += setCost(m[1] ?? '');
    return c;
  };
  for (const key of ['inputConversions', 'dialPlan']) {
    const table = value[key];
    if (!Array.isArray(table)) continue;
    for (let i = 0; i < table.length; i++) {
      const entry: unknown = table[i];
      const match = isObj(entry) ? entry['match'] : undefined;
      const patterns = typeof match === 'string' ? [match] : Array.isArray(match) ? match : [];
      for (const m of patterns) total += (typeof m === 'string' ? patternCost(m) : 32) * copies;
      if (total > MAX_COMPILE_UNITS) {
        return {
          code: 'TOO_LARGE',
          severity: 'error',
          message: `From this entry on, the plan is over the compile budget of ${MAX_COMPILE_UNITS} units (${copies} location(s)).`,
          path: Array.isArray(match) ? [key, i, 'match', 0] : [key, i, 'match'],
          on: 'value',
        };
      }
    }
  }
  return undefined;
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
  return { ok: true, plan: createDialPlan(outcome.plan, warnings, positionFinder(locate)), warnings };
}

/** Positions of table entries and test cases, for explain and the inline test runner. */
function positionFinder(locate: Locate): (path: Path) => SourcePosition {
  return (path: Path): SourcePosition => {
    const { file, line, column, excerpt } = locate({ code: 'INVALID_PLAN', severity: 'error', message: '', path, on: 'value' });
    return {
      ...(file !== undefined ? { file } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
      ...(excerpt !== undefined ? { excerpt } : {}),
    };
  };
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** A failed load. */
function failed(problems: Problem[]): LoadResult {
  return { ok: false, problems: sortProblems(problems) };
}

/**
 * The problem for a failure the loader did not foresee: the `safe*` loaders return every failure as a problem, never
 * throw, so a bug (or an object that throws when read) still reaches the user as a problem rather than a crash.
 */
function unexpected(e: unknown, where: Pick<Problem, 'file' | 'line' | 'column'>): Problem {
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { code: 'INVALID_PLAN', severity: 'error', message: `The plan could not be loaded (${what.slice(0, 200)}).`, path: [], ...where };
}

/**
 * The problem of a rule file over the size limit.
 * @internal
 *
 * @param bytes - its size in bytes (or a lower bound: more than `max`)
 * @param max - the limit
 * @param where - the file name, if any
 * @returns a `TOO_LARGE` problem at line 1, column 1
 */
export function fileTooLarge(bytes: number, max: number, where: { readonly file?: string }): Problem {
  return {
    code: 'TOO_LARGE',
    severity: 'error',
    message: `The rule file has ${bytes > max + 1 ? bytes : `more than ${max}`} bytes; the limit is ${max} (maxFileBytes).`,
    path: [],
    ...where,
    line: 1,
    column: 1,
  };
}

/**
 * The size limit of the options: {@link DEFAULT_MAX_FILE_BYTES} unless a number of bytes is given.
 * @internal
 *
 * @param options - loader options
 * @returns the largest rule file accepted, in bytes
 */
export function maxFileBytes(options: LoadOptions | undefined): number {
  const max = options?.maxFileBytes;
  return typeof max === 'number' && max >= 0 ? max : DEFAULT_MAX_FILE_BYTES;
}

/** The parts limit of the options: {@link MAX_YAML_PARTS} unless a number is given. */
function maxYamlParts(options: LoadOptions | undefined): number {
  const max = options?.maxYamlParts;
  return typeof max === 'number' && max >= 0 ? max : MAX_YAML_PARTS;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** The length of a string in UTF-8 bytes (a lone surrogate is written as U+FFFD, three bytes). */
function utf8Length(text: string): number {
  // Mostly ASCII (a precompiled plan of 6 MB is): one regular-expression scan, several times faster than the loop below.
  if (!NON_ASCII.test(text)) return text.length;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

type Parsed =
  | { readonly ok: true; readonly doc: YamlDocument; readonly lineCounter: InstanceType<YamlLibrary['LineCounter']>; readonly written: number }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly offset: number; readonly lineCounter: InstanceType<YamlLibrary['LineCounter']> };

/**
 * Parses YAML text into one document, as `parseDocument` does, but feeds the parser one token at a time to stop it as soon
 * as maps and lists nest too deeply (the parser takes microseconds per level and the composer recurses once per level,
 * so 16 MiB of `[` would take a minute, or overflow the stack), and as soon as the file writes more than `maxParts`
 * parts ({@link MAX_YAML_PARTS}). Also counts the scalars and flow collections the file writes, which sizes the alias
 * budget.
 */
function parseYaml(text: string, maxParts: number): Parsed {
  const { Composer, Lexer, LineCounter, Parser, YAMLParseError } = yaml();
  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  const tokens: CST.Token[] = [];
  let written = 0;
  // Written nodes, the item indicators that make the parser and composer build an item (a pair, an empty node) of their
  // own (`-` and `?` lines, `,` in a flow collection cost memory with no scalar written), line breaks and comments.
  let parts = 0;
  let documents = 0;
  let scalarNext = false;
  for (const lexeme of new Lexer().lex(text)) {
    // The lexer marks a plain or block scalar with \x1f before its text, which may look like anything.
    if (scalarNext) scalarNext = false;
    else if (lexeme === '\x1f') {
      scalarNext = true;
      written++;
      parts++;
    } else if (lexeme === '[' || lexeme === '{' || lexeme[0] === '"' || lexeme[0] === "'") {
      written++;
      parts++;
    } else {
      const c = lexeme[0];
      if (c === ',' || c === '-' || c === ':' || c === '?' || c === '*' || c === '\n' || c === '\r' || c === '#') parts++;
    }
    if (parts > maxParts) {
      // Short: this code is in every browser bundle that parses YAML (rules.md, Limits, says the rest).
      const message = `It has more than ${maxParts} YAML parts (maxYamlParts; see Limits in rules.md).`;
      return { ok: false, code: 'TOO_LARGE', message, offset: Math.min(parser.offset, text.length), lineCounter };
    }
    for (const token of parser.next(lexeme)) {
      tokens.push(token);
      if (token.type === 'document') documents++;
    }
    // A second document is refused whatever follows (MULTIPLE_DOCS below): the rest is not parsed (16 MiB of `---`
    // lines, four million documents, took 2 GB).
    if (documents >= 2) break;
    // The parser's stack holds the document, then each open collection (and the node being read).
    if (parser.stack.length > MAX_NESTING_DEPTH + 2) {
      const message = `Maps and lists nest more than ${MAX_NESTING_DEPTH} levels deep; a rule file needs five.`;
      return { ok: false, code: 'TOO_LARGE', message, offset: Math.min(parser.offset, text.length), lineCounter };
    }
  }
  for (const token of parser.end()) tokens.push(token);
  // Keys are checked for uniqueness while converting, with a set per map: yaml's own check compares each key with every
  // key before it, and a map of 20 000 keys took seconds (a 16 MiB one, hours).
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false });
  let doc: YamlDocument | undefined;
  // Each syntax error is an Error object, and capturing its stack was most of the time spent on a file of junk (60 000
  // errors in 100 kB): only the position and message are used.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (const d of composer.compose(tokens, true, text.length)) {
      if (doc === undefined) doc = d;
      else {
        doc.errors.push(new YAMLParseError([d.range[0], d.range[1]], 'MULTIPLE_DOCS', 'It has multiple documents; a rule file is one.'));
        break;
      }
    }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  // compose(..., true) always yields a document, an empty one for empty text.
  return { ok: true, doc: doc as YamlDocument, lineCounter, written };
}

/** Stops converting a document at a problem that leaves nothing sensible to check: an alias that never ends, or too many. */
class Stop {
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
    readonly offset: number,
  ) {}
}

/** The state of one conversion of a document to values. */
interface Walk {
  readonly text: string;
  readonly nodes: Map<string, NodeInfo>;
  /** Anchors defined so far, in document order (a later `&a` replaces an earlier one for the aliases after it). */
  readonly anchors: Map<string, Node>;
  /** The collections being converted: an alias to one of them would contain itself. */
  readonly open: Set<Node>;
  /** How many nodes aliases may still add. */
  budget: number;
  /** Where the outermost alias being expanded is, if any. */
  alias: number | undefined;
  /** Where each key given twice in one map is written (the second time). */
  readonly duplicates: number[];
}

function documentValue(doc: YamlDocument, text: string, nodes: Map<string, NodeInfo>, written: number): { value: unknown; duplicates: readonly number[] } {
  const walk: Walk = { text, nodes, anchors: new Map(), open: new Set(), budget: Math.max(MAX_ALIAS_NODES, written), alias: undefined, duplicates: [] };
  const value = doc.contents === null ? null : toValue(doc.contents, [], undefined, walk);
  return { value, duplicates: walk.duplicates };
}

/**
 * Converts the YAML tree to plain values, recording where each path's node is. Numbers become their source text: a
 * pattern `00` or an extension `0123` must not lose its zeros, and no field of a rule file is numeric.
 *
 * Aliases are resolved here, not by `yaml` (whose resolution searches the whole document for each alias): each expands
 * at most once per use, within a budget, and one that would contain itself is a problem. Keys become own properties,
 * `__proto__` included, so that no key of a file can reach an object's prototype.
 */
function toValue(node: unknown, path: Path, keyRange: Range | undefined, w: Walk): unknown {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  const startOf = (x: unknown): number => (x as { range?: Range | null } | null)?.range?.[0] ?? 0;
  if (path.length > MAX_NESTING_DEPTH) {
    throw new Stop('TOO_LARGE', `Maps and lists nest more than ${MAX_NESTING_DEPTH} levels deep here (through aliases).`, w.alias ?? startOf(node));
  }
  if (isAlias(node)) {
    const at = startOf(node);
    const target = w.anchors.get(node.source);
    if (target === undefined) throw new Stop('YAML_SYNTAX', `The alias *${node.source} names no anchor &${node.source} defined before it.`, at);
    if (w.open.has(target)) {
      throw new Stop('RECURSIVE_ALIAS', `The alias *${node.source} is inside the node it names, so it would repeat without end.`, at);
    }
    const outermost = w.alias === undefined;
    if (outermost) w.alias = at;
    try {
      return toValue(target, path, keyRange, w);
    } finally {
      if (outermost) w.alias = undefined;
    }
  }
  if (w.alias !== undefined && --w.budget < 0) {
    throw new Stop(
      'TOO_LARGE',
      `Aliases add more than ${MAX_ALIAS_NODES} nodes to this document (more than it writes itself).`,
      w.alias,
    );
  }
  if (node === null || typeof node !== 'object') return node ?? null;
  const n = node as Node;
  // Anchors met while expanding an alias were registered when first met; registering them again could rebind an anchor
  // defined again later in the file.
  if (w.alias === undefined && typeof n.anchor === 'string') w.anchors.set(n.anchor, n);
  if ('range' in n) w.nodes.set(pathKey(path), { node: n, keyRange });
  if (isMap(n)) {
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    w.open.add(n);
    for (const pair of n.items) {
      if (!isPair(pair)) continue;
      const { key, range } = keyOf(pair.key, w);
      if (seen.has(key)) {
        // A map met again through an alias was checked where it is written.
        if (w.alias === undefined) w.duplicates.push(range?.[0] ?? 0);
        continue;
      }
      seen.add(key);
      const v = toValue(pair.value, [...path, key], range, w);
      // `out.__proto__ = v` would set the prototype instead of adding a key.
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
    }
    w.open.delete(n);
    return out;
  }
  if (isSeq(n)) {
    w.open.add(n);
    const out = n.items.map((item, i) => toValue(item, [...path, i], undefined, w));
    w.open.delete(n);
    return out;
  }
  if (isScalar(n)) {
    if (typeof n.value === 'number' && n.source !== undefined) return n.source;
    return n.value;
  }
  return null;
}

/**
 * A map key as text: a scalar's value, an alias's scalar, or (for a key that is itself a map or list) its source, so that
 * it is reported as an unknown key rather than turned into `[object Object]`.
 */
function keyOf(key: unknown, w: Walk): { key: string; range: Range | undefined } {
  const { isAlias, isScalar } = yaml();
  const range = (key as { range?: Range | null } | null)?.range ?? undefined;
  if (isScalar(key)) {
    if (w.alias === undefined && typeof key.anchor === 'string') w.anchors.set(key.anchor, key);
    return { key: String(key.value), range };
  }
  if (isAlias(key)) {
    const target = w.anchors.get(key.source);
    if (isScalar(target)) return { key: String(target.value), range };
  }
  if (range === undefined) return { key: '', range };
  const src = w.text.slice(range[0], range[1]).trim();
  return { key: src.length > 40 ? `${src.slice(0, 40)}…` : src, range };
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

type YamlDocument = import('yaml').Document.Parsed;

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

/** How many characters of a line an excerpt shows. */
const EXCERPT_WIDTH = 120;

/**
 * The offending line with a caret under the column, as problems show it. A long line is cut to 120 characters: its
 * start when the column is within them, else the 120 around the column, so that the caret stays under what is shown
 * (on a line of millions of characters it was a line of millions of spaces, once per problem).
 */
export function excerpt(line: string, lineNo: number, col: number): string {
  // At most just past the line's end, where a problem at the end of a line points.
  const caret = Math.min(Math.max(col - 1, 0), line.length);
  // Where the part shown starts: 0, or (for a column past the first 120 characters) 60 characters before the column.
  const from = caret < EXCERPT_WIDTH ? 0 : Math.min(caret - EXCERPT_WIDTH / 2, line.length - EXCERPT_WIDTH);
  const shown = (from > 0 ? '…' : '') + line.slice(from, from + EXCERPT_WIDTH) + (from + EXCERPT_WIDTH < line.length ? '…' : '');
  const gutter = ' '.repeat(String(lineNo).length + 2);
  return `  ${lineNo} | ${visible(shown)}\n${gutter} | ${' '.repeat(from > 0 ? caret - from + 1 : caret)}^`;
}

/**
 * A line with its control characters (other than tab) shown as one visible character each: the control pictures
 * (`␛` for ESC), `�` for DEL and C1 controls. A problem excerpt is printed to a terminal, and a rule file (or a
 * binary file given as one) must not send it escape sequences; one character for one keeps the caret in its column.
 */
function visible(line: string): string {
  return line.replace(/[\0-\b\n-\x1f\x7f-\x9f]/g, (c) => (c < ' ' ? String.fromCharCode(0x2400 + c.charCodeAt(0)) : '\ufffd'));
}
