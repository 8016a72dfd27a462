/**
 * The public face of a compiled plan: `query`, its throwing twin `details`, and what the plan was built from.
 */
import type { AutomatonMatcher, AutomatonStats } from '../match/automaton.js';
import type { CompiledPlan } from './compile.js';
import type { TableMatcher } from '../match/match.js';
import type { Problem } from '../errors.js';
import { DialPlanError } from '../errors.js';
import type { Explanation, SourcePosition } from '../authoring/explain.js';
import { explainNumber } from '../authoring/explain.js';
import { queryNumber } from '../pipeline/query.js';
import type { DialPlanRules, PhoneNumberDetails, QueryOptions, QueryResult } from '../types.js';
import type { Path } from './validate.js';

/**
 * A compiled dial plan. Immutable and safe to share: every method is a pure function of its arguments.
 *
 * @example
 * ```ts
 * const plan = loadDialPlan(yamlText);
 * const r = plan.query('1-800-456-2354');
 * if (r.ok) console.log(r.details.normalizedText); // +18004562354
 * ```
 */
export interface DialPlan {
  /** The plan's `name`. */
  readonly name: string;
  /** The validated rules, with defaults filled in. */
  readonly rules: DialPlanRules;
  /** The names of the plan's locations (empty for a plan without locations). */
  readonly locations: readonly string[];
  /** Warnings found while loading (errors stop the load). */
  readonly warnings: readonly Problem[];
  /**
   * Resolves a number. Never throws, whatever the input: bad input is `{ ok: false, error }`.
   *
   * @param text - the number as typed
   * @param options - the location to use
   */
  query(text: string, options?: QueryOptions): QueryResult;
  /**
   * Resolves a number and returns its details, throwing a {@link DialPlanError} (code `EMPTY`, `TOO_LONG`, ...) for bad input.
   *
   * @param text - the number as typed
   * @param options - the location to use
   */
  details(text: string, options?: QueryOptions): PhoneNumberDetails;
  /**
   * Resolves a number like {@link DialPlan.query} and tells how: what prepare did, each table entry tried up to the one that
   * matched (with its file:line and captures), how each template was filled, the directory lookup and the final details.
   * Never throws.
   *
   * @param text - the number as typed
   * @param options - the location to use
   */
  explain(text: string, options?: QueryOptions): Explanation;
  /**
   * What the plan's matchers hold and have built so far, per table of a location: patterns in the trie and in the DFA,
   * DFA states cached, cache flushes and queries answered uncached. For watching a large plan in production; the
   * figures change as queries build the DFA. Undefined for a table whose matcher is not the engine's (`referenceMatcher`).
   *
   * @param options - the location (default: the plan's default location)
   */
  stats(options?: QueryOptions): PlanStats;
  /**
   * Where a node of the rule file sits (file, line, column), when the plan was loaded from YAML text. For tools such as
   * explain and the inline test runner. Not a stable API.
   * @internal
   */
  positionOf(path: Path): SourcePosition;
  /**
   * The compiled tables, for tools built on the engine (explain, lint, faster matchers). Not a stable API.
   * @internal
   */
  readonly compiled: CompiledPlan;
}

/**
 * What {@link DialPlan.stats} reports: each table's matcher statistics.
 *
 * @example
 * ```ts
 * const { dialPlan } = plan.stats();
 * console.log(dialPlan?.triePatterns, dialPlan?.states, dialPlan?.flushes);
 * ```
 */
export interface PlanStats {
  readonly inputConversions: AutomatonStats | undefined;
  readonly dialPlan: AutomatonStats | undefined;
}

/**
 * Wraps a compiled plan in the public {@link DialPlan} interface.
 *
 * @param compiled - the compiled plan
 * @param warnings - warnings found while loading
 * @param positionOf - where a path of the rule file sits in its source (the loader knows; plain objects have no positions)
 * @returns the plan
 */
export function createDialPlan(
  compiled: CompiledPlan,
  warnings: readonly Problem[],
  positionOf: (path: Path) => SourcePosition = () => ({}),
): DialPlan {
  const locations = [...compiled.tables.keys()].filter((n) => n !== '');
  const plan: DialPlan = Object.freeze({
    name: compiled.rules.name,
    rules: compiled.rules,
    locations,
    warnings,
    compiled,
    query: (text: string, options?: QueryOptions): QueryResult => queryNumber(compiled, text, options),
    details: (text: string, options?: QueryOptions): PhoneNumberDetails => {
      const r = queryNumber(compiled, text, options);
      if (r.ok) return r.details;
      throw new DialPlanError(r.error.code, r.error.message);
    },
    explain: (text: string, options?: QueryOptions): Explanation => explainNumber(compiled, text, options, positionOf),
    stats: (options?: QueryOptions): PlanStats => {
      const tables = (options?.location === undefined ? compiled.defaultTables : compiled.tables.get(options.location)) ?? compiled.defaultTables;
      const of = (m: TableMatcher): AutomatonStats | undefined => ('stats' in m ? (m as AutomatonMatcher).stats() : undefined);
      return { inputConversions: of(tables.conversionMatcher), dialPlan: of(tables.entryMatcher) };
    },
    positionOf,
  });
  ENGINE_PLANS.add(plan);
  return plan;
}

/** The plans {@link createDialPlan} made: frozen, so their `query` is the engine's own. */
const ENGINE_PLANS = new WeakSet<DialPlan>();

/**
 * The compiled tables of a plan the engine made, or undefined for any other object that implements {@link DialPlan} (a
 * wrapper with a `query` of its own, a test double): code that runs the pipeline's stages itself (the batch's row
 * writer) may do so only where that gives what the plan's `query` gives.
 *
 * @param plan - a plan
 * @returns its compiled tables, when its `query` is the engine's
 * @example
 * ```ts
 * const compiled = engineCompiledPlan(plan); // undefined for { ...plan, query: myQuery }
 * ```
 */
export function engineCompiledPlan(plan: DialPlan): CompiledPlan | undefined {
  return ENGINE_PLANS.has(plan) ? plan.compiled : undefined;
}
