/**
 * Restores a compiled plan from a precompiled file's parts without compiling its entries: the plan's head (everything
 * but the dial-plan entries) is compiled as usual, each table's matcher is made from its stored arrays, and each entry is
 * read, checked and compiled when something first asks for it (a query that reaches it, `explain`, lint, the rules).
 * A 10 000-entry plan then loads in the time it takes to read the file, and a query pays for the entries it reaches.
 */
import { restoreAutomaton } from '../match/automaton.js';
import type { snapshotAutomaton } from '../match/automaton.js';
import type { AutomatonMatcher } from '../match/automaton.js';
import { automatonMatcher } from '../match/automaton.js';
import { compileTemplateTable } from '../match/automaton-fill.js';
import type { CompiledPattern, RefValue } from '../match/match.js';
import { parsePattern } from '../match/pattern.js';
import type { ParsedTemplate } from '../match/template.js';
import { acceptWhen } from '../match/when.js';
import { DialPlanError } from '../errors.js';
import { phoneLibraryAvailable } from '../providers.js';
import type { DialPlanEntryRule, DialPlanRules } from '../types.js';
import type { CompiledDialPlanEntry, CompiledPlan, LocationTables } from './compile.js';
import { compileRules, DialPlanEntry, sharedClassifications, templatesOf } from './compile.js';
import { createEntryProfiles } from './profiles.js';
import type { Path } from './validate.js';
import type { Problem } from '../errors.js';
import type { LoadResult } from './load.js';
import { loadedPlan, locatorOf } from './load.js';
import type { Section } from './compiled-plan.js';
import { checksumOf, positionsFromList, SECTIONS, V3_INDEX } from './compiled-plan.js';
import { unpackInts } from '../match/pack.js';
import { ProblemSink, validateRules } from './validate.js';

/** The parts of a precompiled plan that {@link restoreCompiledPlan} reads. */
export interface StoredPlanParts {
  /** The rule file's value without `dialPlan`, as JSON gives it back. */
  readonly head: unknown;
  /** How many dial-plan entries the plan has. */
  readonly entryCount: number;
  /** The JSON text of the dial-plan entry at an index, as the rule file wrote it. */
  readonly entryText: (index: number) => string;
  /** Each location's entry matcher ({@link snapshotAutomaton}), by location name (`""` for a plan without). */
  readonly matchers: unknown;
  /** Whether any entry has a `when:` condition. */
  readonly hasWhen: boolean;
}

/**
 * Restores a compiled plan from stored parts, or gives undefined when the parts do not fit together (the caller then
 * loads the plan the ordinary way, which reports whatever is wrong). The parts are trusted to be what `dialplan compile`
 * wrote (the caller has checked the file's checksum); every entry is still checked when first read, and one that does not
 * pass makes the query that reaches it fail with `COMPILED_PLAN_INVALID` rather than answer from a broken entry.
 *
 * @param parts - the stored parts
 * @returns the compiled plan, or undefined
 * @example
 * ```ts
 * const compiled = restoreCompiledPlan({ head, entryCount: 2, entryText: (i) => texts[i], matchers, hasWhen: false });
 * ```
 */
export function restoreCompiledPlan(parts: StoredPlanParts): CompiledPlan | undefined {
  // A platform without libphonenumber-js must be told about a plan that needs it: the ordinary load says so.
  if (!phoneLibraryAvailable()) return undefined;
  const head = parts.head;
  if (typeof head !== 'object' || head === null || Array.isArray(head) || 'dialPlan' in head) return undefined;
  const n = parts.entryCount;
  if (!Number.isInteger(n) || n < 0) return undefined;
  // The head compiles as a plan without entries: its conversions, directory and locations, checked as usual.
  const outcome = compileRules({ ...head, dialPlan: [] });
  if (!outcome.ok) return undefined;
  const base = outcome.plan;
  const rules = base.rules;
  const matchers = parts.matchers;
  if (typeof matchers !== 'object' || matchers === null) return undefined;

  const ruleCache = new Array<DialPlanEntryRule | undefined>(n);
  const ruleAt = (i: number): DialPlanEntryRule => (ruleCache[i] ??= readEntry(parts.entryText(i), i, rules));
  let dialPlan: readonly DialPlanEntryRule[] | undefined;
  const restoredRules: DialPlanRules = Object.defineProperty({ ...rules }, 'dialPlan', {
    enumerable: true,
    get: () => (dialPlan ??= Array.from({ length: n }, (_, i) => ruleAt(i))),
  });

  const internalOf = new Map(rules.classifications.map((c) => [c.name, c.internal]));
  const classificationsOf = sharedClassifications();

  const tables = new Map<string, LocationTables>();
  for (const [name, table] of base.tables) {
    const vars = table.vars;
    const resolve = (ref: string): RefValue | undefined => {
      const set = rules.sets[ref];
      if (set !== undefined) return { kind: 'set', values: set };
      const v = vars[ref];
      return v === undefined ? undefined : { kind: 'var', value: v };
    };
    const compileEntry = (i: number): DialPlanEntry => {
      const rule = ruleAt(i);
      for (const source of rule.match) if (parsePattern(source).issues.length > 0) throw invalidEntry(i, `pattern "${source}" does not parse`);
      // Checked; the patterns are compiled when read (see DialPlanEntry.release): the table's matcher is always the engine's.
      const entry = new DialPlanEntry(rule, i, undefined, classificationsOf(rule), internalOf.get(rule.classification) ?? false, resolve);
      // From now on the table holds the compiled entry itself: queries that reach it again skip the stand-in.
      entries[i] = entry;
      return entry;
    };
    // A plain loop: this runs once per entry before anything is optimised.
    const entries = new Array<CompiledDialPlanEntry>(n);
    for (let i = 0; i < n; i++) entries[i] = new StoredEntry(i, compileEntry);
    const profiles = createEntryProfiles();
    const stored = (matchers as Record<string, unknown>)[name];
    const matcher: AutomatonMatcher | undefined = Object.hasOwn(matchers, name) ? restoreAutomaton(stored, entries) : undefined;
    tables.set(name, {
      ...table,
      entries,
      // A snapshot that does not fit: the table is compiled from its entries (all of them, now), as an ordinary load would.
      entryMatcher: matcher ?? automatonMatcher(entries),
      entryTemplates: compileTemplateTable(n, templatesOf(entries, vars, profiles)),
      entryProfiles: profiles,
      entryAccept: parts.hasWhen ? acceptWhen(entries) : undefined,
    });
  }
  const defaultKey = rules.defaultLocation ?? Object.keys(rules.locations)[0] ?? '';
  const defaultTables = tables.get(defaultKey);
  if (defaultTables === undefined) return undefined;
  return { rules: restoredRules, tables, defaultTables, directory: base.directory, unmatched: base.unmatched };
}

/** The error of an entry that does not pass its check when first read. */
function invalidEntry(index: number, why: string): DialPlanError {
  return new DialPlanError('COMPILED_PLAN_INVALID', `Entry #${index + 1} of this precompiled plan's dialPlan is not valid (${why}); compile the rule file again.`);
}

/**
 * One stored entry, read and checked as the ordinary loader checks it: validated against the plan's classifications,
 * with its defaults filled in, so that a stored entry and a loaded one are equal.
 */
function readEntry(text: string, index: number, rules: DialPlanRules): DialPlanEntryRule {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalidEntry(index, 'not JSON');
  }
  const sink = new ProblemSink();
  // An entry's validation reads the plan's classifications only (its `{name}`s are checked when its patterns compile):
  // the sets and locations, which may be large, are not validated again for every entry read.
  const checked = validateRules({ name: rules.name, classifications: rules.classifications, dialPlan: [raw] }, sink);
  const entry = checked.dialPlan[0];
  const error = sink.problems.find((p) => p.severity === 'error');
  if (entry === undefined || error !== undefined) throw invalidEntry(index, error?.message ?? 'not an entry');
  return entry;
}

/**
 * A dial-plan entry of a restored plan: compiled when first read. Every field the pipeline and the tools read goes
 * through the compiled entry, so a restored entry answers exactly as a loaded one.
 */
class StoredEntry implements CompiledDialPlanEntry {
  private compiled: DialPlanEntry | undefined;

  constructor(
    private readonly index: number,
    private readonly compile: (index: number) => DialPlanEntry,
  ) {}

  private get entry(): DialPlanEntry {
    return (this.compiled ??= this.compile(this.index));
  }

  get rule(): DialPlanEntryRule {
    return this.entry.rule;
  }
  get path(): Path {
    return this.entry.path;
  }
  get patterns(): readonly CompiledPattern[] {
    return this.entry.patterns;
  }
  get normalized(): ParsedTemplate | undefined {
    return this.entry.normalized;
  }
  get display(): ParsedTemplate | undefined {
    return this.entry.display;
  }
  get editBase(): ParsedTemplate | undefined {
    return this.entry.editBase;
  }
  get dialString(): ParsedTemplate | undefined {
    return this.entry.dialString;
  }
  get classifications(): readonly string[] {
    return this.entry.classifications;
  }
  get internal(): boolean {
    return this.entry.internal;
  }
  get defaultClassification(): string {
    return this.entry.defaultClassification;
  }
  get dialCapable(): boolean {
    return this.entry.dialCapable;
  }
}

/**
 * Loads a version 3 precompiled plan without compiling its entries (see {@link restoreCompiledPlan}), when its index is
 * well formed and its checksum proves it unchanged since `dialplan compile` wrote it. Undefined otherwise: the caller
 * then loads it whole, which reports whatever is wrong with it. The Node.js entry plugs it into every loader
 * (`useStoredPlanLoader`).
 *
 * @param text - the file's text
 * @returns the plan, or undefined
 * @example
 * ```ts
 * useStoredPlanLoader(loadStoredPlanText);
 * ```
 */
export function loadStoredPlanText(text: string): LoadResult | undefined {
  const m = V3_INDEX.exec(text.slice(0, 512));
  if (m === null) return undefined;
  const numbers = (m[1] as string).split(',').map(Number);
  if (numbers.length !== 1 + 2 * SECTIONS.length) return undefined;
  const body = m[0].length;
  const sum = numbers[0] as number;
  const range = new Map<Section, readonly [number, number]>();
  let last = 0;
  for (let k = 0; k < SECTIONS.length; k++) {
    const start = body + (numbers[1 + 2 * k] as number);
    const end = body + (numbers[2 + 2 * k] as number);
    const name = SECTIONS[k] as Section;
    // Each range starts right after its own key: a file whose text moved or whose keys were renamed is not read by it.
    if (start < last || end < start || end > text.length || !text.startsWith(`"${name}":`, start - name.length - 3)) return undefined;
    range.set(name, [start, end]);
    last = end;
  }
  const [dpStart, dpEnd] = range.get('dialPlan') as readonly [number, number];
  if (checksumOf(text, body, dpEnd) !== sum) return undefined;
  const section = (name: Section): string => {
    const [a, b] = range.get(name) as readonly [number, number];
    return text.slice(a, b);
  };
  try {
    const file: unknown = JSON.parse(section('file'));
    const warnings: unknown = JSON.parse(section('warnings'));
    const entryAt: unknown = JSON.parse(section('entryAt'));
    if (typeof file !== 'string' || !Array.isArray(warnings) || !Array.isArray(entryAt) || entryAt.length === 0) return undefined;
    for (let i = 0; i < entryAt.length; i++) {
      const at = entryAt[i] as unknown;
      if (!Number.isInteger(at) || (at as number) < 1 || (i > 0 && (at as number) <= (entryAt[i - 1] as number)) || (at as number) > dpEnd - dpStart) return undefined;
    }
    const compiled = restoreCompiledPlan({
      head: JSON.parse(section('head')),
      entryCount: entryAt.length - 1,
      entryText: (i) => text.slice(dpStart + (entryAt[i] as number), dpStart + (entryAt[i + 1] as number) - 1),
      matchers: JSON.parse(section('matchers')),
      hasWhen: JSON.parse(section('hasWhen')) === true,
    });
    if (compiled === undefined) return undefined;
    // Positions and the YAML text are parsed when a position is first asked for; damaged ones give no lines, never wrong
    // ones. Positions are stored in the order of a walk of the rules, which are parsed whole for it.
    const positions = (): Readonly<Record<string, readonly [number, number]>> => {
      try {
        const packed = unpackInts(JSON.parse(section('positions')), 2);
        const value: unknown = { ...(JSON.parse(section('head')) as object), dialPlan: JSON.parse(section('dialPlan')) as unknown };
        return packed === undefined ? {} : positionsFromList(value, packed);
      } catch {
        return {};
      }
    };
    const source = (): string => {
      try {
        const parsed: unknown = JSON.parse(section('source'));
        return typeof parsed === 'string' ? parsed : '';
      } catch {
        return '';
      }
    };
    return loadedPlan(compiled, warnings as Problem[], locatorOf(file, positions, source));
  } catch {
    return undefined;
  }
}

