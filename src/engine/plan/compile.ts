/**
 * Compiles validated rules into the tables the pipeline runs: patterns parsed and turned into matchers for each location,
 * templates parsed and checked against every pattern of their entry, the directory indexed by extension.
 */
import { automatonMatcher } from '../match/automaton.js';
import type { Filler, TemplatedEntry, TemplateTable } from '../match/automaton-fill.js';
import { compileFiller, compileTemplateTable } from '../match/automaton-fill.js';
import type { Problem } from '../errors.js';
import type { CompiledPattern, RefValue, TableMatch } from '../match/match.js';
import type { MatcherFactory, TableMatcher } from '../match/match.js';
import { compilePattern } from '../match/match.js';
import type { ParsedPattern } from '../match/pattern.js';
import { parsePattern } from '../match/pattern.js';
import type { ParsedTemplate } from '../match/template.js';
import { parseTemplate } from '../match/template.js';
import { isInternationalField } from '../international.js';
import { phoneLibraryAvailable } from '../providers.js';
import { acceptWhen } from '../match/when.js';
import type { EntryProfiles } from './profiles.js';
import { createEntryProfiles, profileIndex } from './profiles.js';
import type { DialPlanEntryRule, DialPlanRules, DirectoryKind, InputConversionRule } from '../types.js';
import { QueueType } from '../types.js';
import type { Path, RawProblem } from './validate.js';
import { DIRECTORY_KINDS, pathOf, ProblemSink, validateRules } from './validate.js';

/** An input-conversion entry, compiled for one location. */
export interface CompiledConversion {
  readonly rule: InputConversionRule;
  readonly path: Path;
  readonly patterns: readonly CompiledPattern[];
  readonly output: ParsedTemplate;
  /** `output` compiled for each pattern, in pattern order: the hot path's way to fill it. */
  readonly outputFillers: readonly Filler[];
}

/** A dial-plan entry, compiled for one location. */
export interface CompiledDialPlanEntry {
  readonly rule: DialPlanEntryRule;
  readonly path: Path;
  readonly patterns: readonly CompiledPattern[];
  readonly normalized: ParsedTemplate | undefined;
  readonly display: ParsedTemplate | undefined;
  readonly editBase: ParsedTemplate | undefined;
  readonly dialString: ParsedTemplate | undefined;
  /** Default first, without duplicates. */
  readonly classifications: readonly string[];
  readonly internal: boolean;
  /**
   * `classifications[0]` and `rule.dialCapable`, kept on the entry itself: in a plan of thousands of entries each
   * object a query reaches through is a likely cache miss.
   */
  readonly defaultClassification: string;
  readonly dialCapable: boolean;
}

/** The two tables of one location, each with its matcher. */
export interface LocationTables {
  /** The location's name, or undefined for a plan without locations. */
  readonly location: string | undefined;
  readonly vars: Readonly<Record<string, string>>;
  readonly conversions: readonly CompiledConversion[];
  readonly conversionMatcher: TableMatcher;
  readonly entries: readonly CompiledDialPlanEntry[];
  readonly entryMatcher: TableMatcher;
  /** Every entry's normalized, display, editBase and dialString templates compiled for each pattern (sections 0 to 3). */
  readonly entryTemplates: TemplateTable;
  /** What queries copy from the entries into the details; an entry's index in it is its template tag (see {@link EntryProfiles}). */
  readonly entryProfiles: EntryProfiles;
  /** The `accept` callback that applies the entries' `when:` conditions; undefined when no entry has one. */
  readonly entryAccept: ((match: TableMatch) => boolean) | undefined;
}

/** A directory hit. */
export interface DirectoryHit {
  readonly kind: DirectoryKind;
  readonly queueType: QueueType;
  readonly queueName: string;
  readonly voicemail: boolean;
}

/** Everything the pipeline needs, built once per plan. */
export interface CompiledPlan {
  readonly rules: DialPlanRules;
  /** Tables by location name; a plan without locations has one under the key `""`. */
  readonly tables: ReadonlyMap<string, LocationTables>;
  readonly defaultTables: LocationTables;
  readonly directory: ReadonlyMap<string, DirectoryHit>;
  readonly unmatched: { readonly classifications: readonly string[]; readonly internal: boolean; readonly dialCapable: boolean };
}



const QUEUES: Readonly<Record<DirectoryKind, { type: QueueType; label: string }>> = {
  users: { type: QueueType.User, label: 'User Queue:' },
  stations: { type: QueueType.Station, label: 'Station Queue:' },
  workgroups: { type: QueueType.Workgroup, label: 'Workgroup Queue:' },
  orbits: { type: QueueType.Orbit, label: 'Orbit Queue:' },
  lines: { type: QueueType.Line, label: 'Line Queue:' },
};

/** The outcome of compiling: the plan, or every problem. Warnings come with either. */
export type CompileOutcome =
  | { readonly ok: true; readonly plan: CompiledPlan; readonly problems: readonly RawProblem[] }
  | { readonly ok: false; readonly problems: readonly RawProblem[] };

/**
 * Validates and compiles a parsed rule file, collecting every problem rather than stopping at the first.
 *
 * @param value - the parsed document
 * @param matcherFactory - builds each table's matcher
 * @returns the compiled plan or the problems
 */
export function compileRules(value: unknown, matcherFactory: MatcherFactory = automatonMatcher): CompileOutcome {
  const sink = new ProblemSink();
  const rules = validateRules(value, sink);
  const varNames = new Set(Object.values(rules.locations).flatMap((vars) => Object.keys(vars)));
  const known = (name: string): boolean => name in rules.sets || varNames.has(name);

  // Parse every pattern and template once; they do not depend on the location. Parsed templates are immutable, so entries
  // that repeat one (the same display template in every entry of a plan) share it.
  const parsedPatterns = (match: readonly string[], path: Path): ParsedPattern[] =>
    match.map((src, i) => {
      const parsed = parsePattern(src);
      const p = (): Path => (match.length === 1 ? [...path, 'match'] : [...path, 'match', i]);
      for (const issue of parsed.issues) sink.add(issue.code, issue.message, p(), { offset: issue.offset });
      for (const t of parsed.tokens) {
        if (t.kind === 'ref' && !known(t.name)) {
          sink.add('UNDECLARED_SET', `\`{${t.name}}\` is neither a set under sets: nor a location variable.`, p(), { offset: t.offset });
        }
      }
      return parsed;
    });
  // Paths are built only for a problem: a plan of 100 000 entries would otherwise make half a million arrays to drop.
  const template = (src: string | undefined, path: Path, field: string): ParsedTemplate | undefined => {
    if (src === undefined) return undefined;
    const parsed = parseTemplate(src);
    for (const issue of parsed.issues) sink.add(issue.code, issue.message, [...path, field], { offset: issue.offset });
    return parsed;
  };

  const conversions = rules.inputConversions.map((rule, i) => {
    const path = pathOf(rule, ['inputConversions', i]);
    return { rule, path, parsed: parsedPatterns(rule.match, path), templates: { output: template(rule.output, path, 'output') } };
  });
  const entries = rules.dialPlan.map((rule, i) => {
    const path = pathOf(rule, ['dialPlan', i]);
    return {
      rule,
      index: i,
      path,
      parsed: parsedPatterns(rule.match, path),
      templates: {
        normalized: template(rule.normalized, path, 'normalized'),
        display: template(rule.display, path, 'display'),
        editBase: template(rule.editBase, path, 'editBase'),
        dialString: template(rule.dialString, path, 'dialString'),
      },
    };
  });

  const internalOf = new Map(rules.classifications.map((c) => [c.name, c.internal]));
  const locationNames = Object.keys(rules.locations);
  const tables = new Map<string, LocationTables>();
  const reported = new Set<string>();
  const report = (p: RawProblem): void => {
    const key = `${p.code}|${p.path.join('.')}|${p.offset ?? ''}|${p.message}`;
    if (!reported.has(key)) {
      reported.add(key);
      sink.problems.push(p);
    }
  };

  // The first thing that needs libphonenumber-js (a `when:`, an international template field), for the check below.
  let needsPhone: { readonly what: string; readonly path: Path } | undefined;
  rules.dialPlan.some((rule, i) => rule.when !== undefined && (needsPhone = { what: 'when:', path: [...pathOf(rule, ['dialPlan', i]), 'when'] }));

  for (const location of locationNames.length > 0 ? locationNames : ['']) {
    // Without prototype: `{constructor}` in a plan without locations must be an unknown name, not Object.prototype.constructor.
    const vars: Readonly<Record<string, string>> = rules.locations[location] ?? Object.create(null);
    const resolve = (name: string): RefValue | undefined => {
      const set = rules.sets[name];
      if (set !== undefined) return { kind: 'set', values: set };
      const v = vars[name];
      return v === undefined ? undefined : { kind: 'var', value: v };
    };
    const compileAll = (parsed: readonly ParsedPattern[], path: Path, templates: Record<string, ParsedTemplate | undefined>): CompiledPattern[] =>
      parsed.map((pp, i) => {
        const compiled = compilePattern(pp.source, pp.tokens, resolve);
        // A broken pattern was reported already; checking templates against its remains would only add noise.
        if (pp.issues.length === 0) {
          for (const field in templates) {
            const tpl = templates[field];
            if (tpl) checkTemplate(tpl, compiled, i, parsed.length, path, field, rules, vars, location, report, (name) => (needsPhone ??= { what: `{${name}}`, path: [...path, field] }));
          }
        }
        for (const t of pp.tokens) {
          if (t.kind === 'ref' && varNames.has(t.name) && !(t.name in rules.sets) && vars[t.name] === undefined) {
            report({
              code: 'UNKNOWN_REFERENCE',
              message: `\`{${t.name}}\` has no value in location "${location}".`,
              path: parsed.length === 1 ? [...path, 'match'] : [...path, 'match', i],
              on: 'value',
              severity: 'error',
              offset: t.offset,
            });
          }
        }
        return compiled;
      });
    const convs: CompiledConversion[] = conversions.map((c) => {
      const patterns = compileAll(c.parsed, c.path, c.templates);
      const output = c.templates.output ?? parseTemplate('');
      const context = { classification: '', vars };
      return { rule: c.rule, path: c.path, patterns, output, outputFillers: patterns.map((p) => compileFiller(output, p, context)) };
    });
    const classificationsOf = sharedClassifications();
    const ents: DialPlanEntry[] = entries.map(
      (e) =>
        new DialPlanEntry(e.rule, e.index, compileAll(e.parsed, e.path, e.templates), classificationsOf(e.rule), internalOf.get(e.rule.classification) ?? false, resolve),
    );
    // Compiled entry by entry when first filled; the entries themselves say what to compile, so nothing per entry is kept.
    const entryProfiles = createEntryProfiles();
    const entryTemplates = compileTemplateTable(ents.length, templatesOf(ents, vars, entryProfiles));
    tables.set(location, {
      location: location === '' ? undefined : location,
      vars,
      conversions: convs,
      conversionMatcher: matcherFactory(convs),
      entries: ents,
      entryMatcher: matcherFactory(ents),
      entryTemplates,
      entryProfiles,
      entryAccept: acceptWhen(ents),
    });
    // The engine's matcher is built and holds what it needs; another (the reference matcher) reads the patterns on
    // every query, so they stay.
    if (matcherFactory === automatonMatcher) for (const e of ents) e.release();
  }

  // Where the runtime cannot load the library (a browser page that did not register one), say so now: otherwise the
  // fields stay empty and every `when:` fails, with no word of why.
  if (needsPhone !== undefined && !phoneLibraryAvailable()) {
    sink.add(
      'INVALID_PLAN',
      `This plan uses ${needsPhone.what}, which needs libphonenumber-js, and this platform cannot load it by itself: register it before loading the plan (import * as phone from 'libphonenumber-js/max'; setPhoneLibraryProvider(() => phone)).`,
      needsPhone.path,
    );
  }

  const directory = new Map<string, DirectoryHit>();
  for (const kind of DIRECTORY_KINDS) {
    for (const e of rules.directory[kind]) {
      if (!directory.has(e.extension)) {
        directory.set(e.extension, { kind, queueType: QUEUES[kind].type, queueName: QUEUES[kind].label + e.id, voicemail: e.voicemail });
      }
    }
  }

  if (sink.hasErrors) return { ok: false, problems: sink.problems };
  const defaultKey = rules.defaultLocation ?? locationNames[0] ?? '';
  return {
    ok: true,
    problems: sink.problems,
    plan: {
      rules,
      tables,
      defaultTables: tables.get(defaultKey) as LocationTables,
      directory,
      unmatched: {
        classifications: [...new Set([rules.unmatched.classification, ...rules.unmatched.classifications])],
        internal: internalOf.get(rules.unmatched.classification) ?? false,
        dialCapable: rules.unmatched.dialCapable,
      },
    },
  };
}

/**
 * What the template table compiles an entry from. A function of its own, so that the closure the plan keeps holds the
 * entries and variables only, not the scope of compileRules (whose parsed templates and caches must be let go).
 * @internal
 *
 * @param ents - the table's entries
 * @param vars - the location's variables
 * @param profiles - the table's profiles: an entry's tag is the index of its profile
 * @returns the entry at an index, as the template table reads it
 */
export function templatesOf(
  ents: readonly CompiledDialPlanEntry[],
  vars: Readonly<Record<string, string>>,
  profiles: EntryProfiles,
): (index: number) => TemplatedEntry {
  return (i) => {
    const e = ents[i] as CompiledDialPlanEntry;
    return {
      patterns: e.patterns,
      templates: [e.normalized, e.display, e.editBase, e.dialString],
      context: { classification: e.rule.classification, vars },
      tag: profileIndex(profiles, e),
    };
  };
}

/**
 * A dial-plan entry as the pipeline and the tools see it. Its templates were parsed and checked while compiling; the
 * parsed forms are not kept but parsed again whenever asked for (to compile the entry's fillers, or by explain and
 * lint), so that a plan of 100 000 entries does not hold 400 000 parsed templates most of which nothing reads.
 * @internal
 */
export class DialPlanEntry implements CompiledDialPlanEntry {
  readonly defaultClassification: string;
  readonly dialCapable: boolean;
  private kept: readonly CompiledPattern[] | undefined;

  /**
   * @param rule - the validated entry
   * @param index - its index in the table (its path is worked out from it when asked for: a plan of 100 000 entries
   *   would otherwise hold 100 000 arrays that only explain and lint read)
   * @param patterns - its patterns, compiled for the location; undefined to compile them when asked (with `resolve`)
   * @param classifications - default first, without duplicates
   * @param internal - whether its classification is internal
   * @param resolve - what `{name}` stands for in the location, when the patterns may be let go and compiled again when
   *   asked for (see {@link DialPlanEntry.release})
   */
  constructor(
    readonly rule: DialPlanEntryRule,
    private readonly index: number,
    patterns: readonly CompiledPattern[] | undefined,
    readonly classifications: readonly string[],
    readonly internal: boolean,
    private readonly resolve?: (name: string) => RefValue | undefined,
  ) {
    this.defaultClassification = rule.classification;
    this.dialCapable = rule.dialCapable;
    this.kept = patterns;
  }

  get patterns(): readonly CompiledPattern[] {
    return this.kept ?? compileRulePatterns(this.rule, this.resolve as (name: string) => RefValue | undefined);
  }

  /**
   * Lets the compiled patterns go, when the entry knows how to compile them again. The engine's matcher, once built,
   * never reads them while answering (the templates read them once, when the entry is first filled; explain and lint
   * when they run): a plan of 100 000 entries then holds half the objects, and every young-generation collection while
   * queries run has that much less to deal with.
   */
  release(): void {
    if (this.resolve !== undefined) this.kept = undefined;
  }

  get path(): Path {
    return pathOf(this.rule, ['dialPlan', this.index]);
  }

  get normalized(): ParsedTemplate | undefined {
    return this.template(this.rule.normalized);
  }

  get display(): ParsedTemplate | undefined {
    return this.template(this.rule.display);
  }

  get editBase(): ParsedTemplate | undefined {
    return this.template(this.rule.editBase);
  }

  get dialString(): ParsedTemplate | undefined {
    return this.template(this.rule.dialString);
  }

  /**
   * Parsed on every call and not kept: the template table reads each once, when the entry is first filled, and keeps
   * what it compiled from them; explain and lint read them rarely. Kept, they were 60 MB of a 100 000-entry plan once
   * queries had reached every entry (3.5 times what the compiled plan holds).
   */
  private template(source: string | undefined): ParsedTemplate | undefined {
    return source === undefined ? undefined : parseTemplate(source);
  }
}

const describe = (kinds: readonly string[]): string => (kinds.length === 0 ? 'none' : kinds.join(' '));

/** Checks one template against one pattern of its entry. */
function checkTemplate(
  tpl: ParsedTemplate,
  pattern: CompiledPattern,
  patternIndex: number,
  patternCount: number,
  entryPath: Path,
  field: string,
  rules: DialPlanRules,
  vars: Readonly<Record<string, string>>,
  location: string,
  report: (p: RawProblem) => void,
  onInternational: (name: string) => void,
): void {
  // Runs for every template of every entry (40 000 times in a 10 000-entry plan): nothing is built unless it reports.
  const which = (): string => (patternCount === 1 ? `pattern "${pattern.source}"` : `pattern #${patternIndex + 1} "${pattern.source}"`);
  const problem = (code: RawProblem['code'], message: string, offset?: number): void =>
    report({ code, message, path: [...entryPath, field], on: 'value', severity: 'error', ...(offset !== undefined ? { offset } : {}) });
  const upper = (s: string): string => (s.length === 1 ? s.toUpperCase() : s);

  if (tpl.wildcardStyle) {
    const sources = pattern.positionalSources;
    let count = 0;
    let differs = false;
    for (const t of tpl.tokens) {
      if (t.kind !== 'wildcard') continue;
      const theirs = sources[count++];
      if (theirs === undefined || upper(theirs) !== t.source) differs = true;
    }
    if (differs || count !== sources.length) {
      const mine = tpl.tokens.flatMap((t) => (t.kind === 'wildcard' ? [t.source] : []));
      const theirs = sources.map(upper);
      const first = tpl.tokens.find((t) => t.kind === 'wildcard' && mine[t.rank] !== theirs[t.rank]);
      problem(
        'TEMPLATE_MISMATCH',
        `The template's wildcards (${describe(mine)}) must repeat those of ${which()} (${describe(theirs)}) in the same number and order; quote literal letters ("ext") or use {1}-style positions.`,
        first?.kind === 'wildcard' ? first.offset : tpl.source.length,
      );
    }
  }
  for (const t of tpl.tokens) {
    if (t.kind === 'ordinal') {
      const len = pattern.fixedLength;
      const last = t.to ?? t.from;
      if (len !== undefined && (t.from > len || last > len)) {
        problem('ORDINAL_OUT_OF_RANGE', `Position ${last > len ? last : t.from} is past the end of ${which()}, which always matches ${len} characters.`, t.offset);
      }
    } else if (t.kind === 'ref') {
      if (t.name === 'Z' || t.name === 'z') {
        if (pattern.zGroup === 0) problem('TEMPLATE_MISMATCH', `{Z} is used but ${which()} has no Z.`, t.offset);
      } else if (t.name === 'classification') {
        // Always available.
      } else if (t.name in rules.sets) {
        if (!pattern.setGroups.has(t.name)) problem('TEMPLATE_MISMATCH', `{${t.name}} is used but ${which()} does not match that set.`, t.offset);
      } else if (vars[t.name] === undefined && isInternationalField(t.name)) {
        // A libphonenumber-js field: it applies to any match (empty for a match that is not an E.164 number).
        onInternational(t.name);
      } else if (vars[t.name] === undefined) {
        const isVar = Object.values(rules.locations).some((v) => t.name in v);
        problem(
          isVar ? 'UNKNOWN_REFERENCE' : 'UNDECLARED_SET',
          isVar
            ? `{${t.name}} has no value in location "${location}".`
            : `{${t.name}} is not a set, a location variable, {Z}, {classification}, an international field ({e164}, {national}, ...) or a position.`,
          t.offset,
        );
      }
    }
  }
}

/**
 * An entry's classification list (default first, without duplicates), one array per distinct list: entries with the
 * same list share it, and the profiles of a table are found by it (see profiles.ts).
 * @internal
 *
 * @returns the list of a rule, shared with every rule of the same list given to it before
 */
export function sharedClassifications(): (rule: DialPlanEntryRule) => readonly string[] {
  const lists = new Map<string, readonly string[]>();
  return (rule) => {
    const list = [...new Set([rule.classification, ...rule.classifications])];
    const key = list.join('\u0000');
    const known = lists.get(key);
    if (known !== undefined) return known;
    lists.set(key, list);
    return list;
  };
}

/**
 * An entry's patterns compiled for a location, from its rule.
 * @internal
 *
 * @param rule - the validated entry
 * @param resolve - what `{name}` stands for in the location
 * @returns the compiled patterns, in the rule's order
 */
export function compileRulePatterns(rule: DialPlanEntryRule, resolve: (name: string) => RefValue | undefined): CompiledPattern[] {
  return rule.match.map((source) => compilePattern(source, parsePattern(source).tokens, resolve));
}

/** Positions of problems, resolved by the loader that knows the source text. */
export type Locate = (p: RawProblem) => Pick<Problem, 'file' | 'line' | 'column' | 'excerpt'>;

/** Turns raw problems into public ones. */
export function toProblems(raw: readonly RawProblem[], locate?: Locate): Problem[] {
  return raw.map((p) => ({
    code: p.code,
    severity: p.severity,
    message: p.message,
    path: p.path,
    ...(locate ? locate(p) : {}),
  }));
}
