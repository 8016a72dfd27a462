/**
 * The compiled matcher: every pattern of a table in one structure with first-match priority, so that a query reads each
 * character of the number a bounded number of times whatever the number of entries, and never backtracks.
 *
 * Two structures share the work, and their answers are merged by entry priority:
 * - a {@link LiteralTrie} holds the fixed-length patterns that start with literal characters (DID lists, one entry per
 *   exchange): one walk along the number, checking only the tails that end exactly where the number (or its base) ends;
 * - a lazily built DFA holds the rest. Its nondeterministic automaton (Thompson style) is itself a trie of pattern tokens,
 *   so that entries with common prefixes share states and the DFA's state sets stay small. DFA states are built on
 *   demand and cached in a cache bounded in states and bytes; when it is full it is flushed and the query goes on from
 *   where it was, as RE2 does. When flushes come too often (a plan whose DFA is exponential), queries for a while simulate
 *   the automaton without caching: one step per character over the live nodes, linear in the text.
 * Captures come from the winning pattern's fixed spans when it has at most one variable-length token, and otherwise from
 * {@link captureLinear}: never from a backtracking regular expression.
 */
import type { CaptureProgram } from './capture.js';
import { captureLinear, captureProgram } from './capture.js';
import type { TrieArrays, TrieHits, TriePattern } from './literal-trie.js';
import { LiteralTrie, readTrieArrays, relativeTrieArrays } from './literal-trie.js';
import { unpackInts } from './pack.js';
import type { packInts } from './pack.js';
import type { CompiledPattern, MatchableEntry, MatcherFactory, TableMatch, TableMatcher } from './match.js';
import { captureSpans, spanOffset, STAR_CHARS } from './match.js';
import type { PatternToken } from './pattern.js';

/** Limits and layout of one table's matcher. */
export interface AutomatonOptions {
  /**
   * The most DFA states cached before the cache is flushed (default 65 535, or half the NFA's nodes for a larger
   * automaton, at most 2^20).
   */
  readonly maxStates?: number;
  /** The most NFA node ids held by all cached states together (default 2 097 152, or 32 per state when that is more). */
  readonly maxStoredNodes?: number;
  /** Whether fixed-length patterns with a literal prefix go to the trie (default true); false puts every pattern in the DFA. */
  readonly trie?: boolean;
  /** The most patterns one trie node holds (default 16); the others go to the DFA. */
  readonly maxTriePatternsPerNode?: number;
}

/** What a compiled matcher has built so far, for tests, benchmarks and `dialplan explain`. */
export interface AutomatonStats {
  /** Nodes of the nondeterministic automaton. */
  readonly nfaNodes: number;
  /** Character classes: characters that no pattern tells apart share one. */
  readonly classes: number;
  /** DFA states cached now (the dead state included). */
  readonly states: number;
  /** Times the cache was full and was emptied. */
  readonly flushes: number;
  /**
   * Queries answered (wholly or from some character on) by simulating the automaton without its cache: because the cache
   * kept filling up, or a state was too large to be worth caching.
   */
  readonly simulated: number;
  /** Whether queries are simulated now (the cache thrashed); caching is tried again after a while. */
  readonly simulating: boolean;
  /** About how many bytes the DFA cache holds: the transition table, and each state's node set and its key. */
  readonly cacheBytes: number;
  /** Patterns held by the trie of literal prefixes. */
  readonly triePatterns: number;
  /** Nodes of that trie. */
  readonly trieNodes: number;
  /** Patterns held by the DFA. */
  readonly dfaPatterns: number;
}

/** A {@link TableMatcher} backed by a trie of literal prefixes and a lazily built DFA. */
export interface AutomatonMatcher extends TableMatcher {
  /** What the matcher holds now. */
  stats(): AutomatonStats;
}

// 65 535 states: ids then fit in 16 bits, which halves the transition table (see `narrow`).
const DEFAULT_MAX_STATES = 65_535;
const DEFAULT_MAX_STORED_NODES = 1 << 21;
const DEFAULT_MAX_TRIE_PER_NODE = 16;
/** The most states the cache of a large automaton may grow to (see LazyDfa's constructor). */
const MAX_SCALED_STATES = 1 << 20;
/** Node kinds, in `kind[]`. */
const CHAR = 0;
const SPLIT = 1;
const MATCH = 2;
/** State ids: 0 means "transition not built yet", 1 is the dead state, 2 the start state. */
const UNKNOWN = 0;
const DEAD = 1;
const START = 2;
/** A flush that comes before this many characters per state were read since the previous one counts as thrashing. */
const THRASH_CHARS_PER_STATE = 10;
/** Consecutive thrashing flushes after which queries are simulated without the cache for a while. */
const MAX_THRASHES = 3;
/** Queries simulated after the cache first thrashes; doubled each time it thrashes again, up to the maximum. */
const SIMULATE_QUERIES = 1024;
const MAX_SIMULATE_QUERIES = 1 << 20;
/**
 * The largest state the cache stores, in NFA nodes. Building a state costs its size (closure, sort, key), and a plan whose
 * states are this large (hundreds of overlapping `?` patterns) gets a new state on almost every character: such steps are
 * simulated instead, which costs the same size without the keying and storing.
 */
const MAX_CACHED_SET = 512;
/** The most NFA nodes one query may put into new cached states; past it the query goes on uncached. */
const MAX_BUILT_PER_QUERY = 8192;
/** What {@link LazyDfa} `step` answers for a state larger than {@link MAX_CACHED_SET}. */
const TOO_LARGE = -1;
/** Bound of the cache of classes of non-ASCII characters. */
const MAX_WIDE_CACHE = 4096;

/**
 * Compiles a table into a matcher. `find` gives exactly what {@link findFirstMatch} gives, for any `accept` predicate, in
 * time linear in the text.
 *
 * @param entries - the table: each entry's compiled patterns, in priority order
 * @param options - the bounds of the DFA cache
 * @returns the matcher
 * @example
 * ```ts
 * const m = compileAutomaton([{ patterns: [compilePattern('NXX', parsePattern('NXX').tokens, () => undefined)] }]);
 * m.find('317', true)?.entry; // 0
 * ```
 */
export function compileAutomaton(entries: readonly MatchableEntry[], options: AutomatonOptions = {}): AutomatonMatcher {
  return new HybridMatcher(entries, options);
}

/**
 * The engine's default {@link MatcherFactory}: one {@link compileAutomaton} per table.
 *
 * @param entries - the table
 * @returns the matcher
 * @example
 * ```ts
 * compileDialPlan(rules, { matcher: automatonMatcher }); // the default anyway
 * ```
 */
export const automatonMatcher: MatcherFactory = (entries) => compileAutomaton(entries);

/**
 * What a precompiled plan stores of one table's matcher ({@link snapshotAutomaton}): the alphabet's code units,
 * the class sets, where each entry's patterns start, the patterns the DFA holds, the trie's arrays and the capture
 * layouts, as plain JSON values.
 */
export interface AutomatonSnapshot {
  readonly used: readonly number[];
  readonly setKeys: readonly (string | null)[];
  /**
   * The integer arrays as plain JSON arrays: `JSON.parse` reads them natively, where decoding text in JavaScript would
   * run before the JIT has warmed up (a plan loads first thing in a process). Snapshots written before this stored each
   * as text packed by {@link packInts} (the stride noted below), and are still read. patternBase is null when every entry
   * has one pattern.
   */
  readonly patternBase: readonly number[] | string | null;
  /** (entry, pattern) pairs; packed with stride 2. */
  readonly dfaPairs: readonly number[] | string;
  readonly trie: {
    readonly nodes: number;
    readonly patterns: number;
    /** The nodes, each edge's child given by its distance from its node's start; packed with stride 0. */
    readonly t: readonly number[] | string;
    readonly tails: readonly number[] | string;
  } | null;
  readonly spanAt: readonly number[] | string;
  readonly spanData: readonly number[] | string;
}

/** A snapshot in typed arrays, checked. */
interface StoredAutomaton {
  readonly used: readonly number[];
  readonly setKeys: readonly (string | null)[];
  readonly patternBase: Int32Array;
  readonly patternTotal: number;
  /** The most patterns one entry has. */
  readonly most: number;
  readonly dfaPairs: Int32Array;
  readonly trie: TrieArrays | null;
  readonly spanAt: Int32Array;
  readonly spanData: Int32Array;
}

/**
 * Makes a table's matcher again from what {@link snapshotAutomaton} stored, without looking at the patterns
 * the trie holds: a precompiled plan of 10 000 exact numbers loads its matcher from arrays, and compiles an entry only
 * when a query first reaches it. Undefined when the snapshot is not well formed for this table (a damaged or crafted
 * file): the caller then compiles the table as usual.
 *
 * @param snapshot - the stored form, as parsed from JSON
 * @param entries - the table; only the entries the DFA holds are read now
 * @param options - the DFA cache's bounds
 * @returns the matcher, or undefined
 * @example
 * ```ts
 * const m = restoreAutomaton(JSON.parse(JSON.stringify(snapshotAutomaton(compileAutomaton(entries)))), entries);
 * ```
 */
export function restoreAutomaton(snapshot: unknown, entries: readonly MatchableEntry[], options: AutomatonOptions = {}): AutomatonMatcher | undefined {
  const stored = checkSnapshot(snapshot, entries.length);
  return stored === undefined ? undefined : new HybridMatcher(entries, options, stored);
}

const isIntArray = (v: unknown, min: number, max: number): v is number[] =>
  Array.isArray(v) && v.every((x) => Number.isInteger(x) && (x as number) >= min && (x as number) <= max);

/** Where each entry's patterns start when every entry has one: entry e's at e. */
function onePerEntry(n: number): Int32Array {
  const base = new Int32Array(n);
  for (let e = 0; e < n; e++) base[e] = e;
  return base;
}

/**
 * A stored integer array: a JSON array (as snapshots are written now) or text packed by {@link packInts} (as they were).
 * An array is copied natively, and what is not an integer becomes one on the way (`Int32Array` converts it): a crafted
 * value can only make a wrong integer, which the checks that follow judge like any other.
 */
function storedInts(v: unknown, stride: number): Int32Array | undefined {
  return Array.isArray(v) ? Int32Array.from(v) : unpackInts(v, stride);
}

/** A snapshot turned into typed arrays, or undefined when any part of it is out of shape or out of bounds. */
function checkSnapshot(v: unknown, entryCount: number): StoredAutomaton | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const { used, setKeys, trie } = o;
  if (!isIntArray(used, 0, 0xffff) || new Set(used).size !== used.length) return undefined;
  if (!Array.isArray(setKeys) || !setKeys.every((k) => k === null || typeof k === 'string') || new Set(setKeys).size !== setKeys.length) return undefined;
  const onePer = o['patternBase'] === null;
  const patternBase = onePer ? onePerEntry(entryCount) : storedInts(o['patternBase'], 1);
  const spanAt = storedInts(o['spanAt'], 1);
  const spanData = storedInts(o['spanData'], 1);
  const dfaPairs = storedInts(o['dfaPairs'], 2);
  if (patternBase === undefined || spanAt === undefined || spanData === undefined || dfaPairs === undefined) return undefined;
  const total = spanAt.length;
  if (patternBase.length !== entryCount || (entryCount > 0 && (patternBase[entryCount - 1] as number) > total)) return undefined;
  // One entry, one pattern (the last one takes any left over): in order by construction. Otherwise each entry's patterns
  // start from 0, never decreasing.
  let most = entryCount === 0 ? 0 : Math.max(1, total - entryCount + 1);
  if (!onePer) {
    most = 0;
    for (let e = 0; e < patternBase.length; e++) {
      const next = e + 1 < patternBase.length ? (patternBase[e + 1] as number) : total;
      if ((e === 0 && patternBase[0] !== 0) || (patternBase[e] as number) < 0 || (patternBase[e] as number) > next) return undefined;
      if (next - (patternBase[e] as number) > most) most = next - (patternBase[e] as number);
    }
  }
  const countOf = (e: number): number => (Number.isInteger(e) && e >= 0 && e < entryCount ? (e + 1 < entryCount ? (patternBase[e + 1] as number) : total) - (patternBase[e] as number) : -1);
  for (let i = 0; i < total; i++) {
    const at = spanAt[i] as number;
    if (at < 0) {
      if (at === -1) continue;
      return undefined;
    }
    const groups = spanData[at] as number;
    if (!(groups >= 0) || at + 2 * groups >= spanData.length) return undefined;
  }
  if (dfaPairs.length % 2 !== 0) return undefined;
  // In entry order, as the matcher made them (its first pair names the first entry the DFA holds: see LazyDfa.first).
  for (let i = 0; i < dfaPairs.length; i += 2) {
    if ((dfaPairs[i + 1] as number) < 0 || (dfaPairs[i + 1] as number) >= countOf(dfaPairs[i] as number) || (dfaPairs[i] as number) < (dfaPairs[i - 2] ?? 0)) return undefined;
  }
  let trieArrays: TrieArrays | null = null;
  if (trie !== null) {
    if (typeof trie !== 'object' || trie === undefined) return undefined;
    const t = trie as Record<string, unknown>;
    const packed = storedInts(t['t'], 0);
    const tails = storedInts(t['tails'], 1);
    if (packed === undefined || tails === undefined || !Number.isInteger(t['nodes']) || !Number.isInteger(t['patterns'])) return undefined;
    const classes = buildAlphabet(new Set(used)).alphabet.size;
    const read = readTrieArrays({ classes, nodes: t['nodes'] as number, patterns: t['patterns'] as number, t: packed, tails }, patternBase, spanAt, setKeys.length);
    if (read === undefined) return undefined;
    trieArrays = read;
  }
  return { used, setKeys, patternBase, patternTotal: total, most, dfaPairs, trie: trieArrays, spanAt, spanData };
}

/**
 * What a precompiled plan stores of a table's matcher: everything built from the patterns except the DFA, whose few
 * entries are read again on loading, as plain JSON values. A function rather than a method, so that a bundle that never
 * writes a precompiled plan (a browser page) leaves it and the packing out.
 *
 * @param matcher - a matcher made by {@link compileAutomaton} or {@link restoreAutomaton}
 * @returns the stored form, for {@link restoreAutomaton}; undefined for a matcher of another kind
 * @example
 * ```ts
 * const stored = snapshotAutomaton(compileAutomaton(entries));
 * ```
 */
export function snapshotAutomaton(matcher: TableMatcher): AutomatonSnapshot | undefined {
  if (!(matcher instanceof HybridMatcher)) return undefined;
  // The matcher's own fields, read here rather than by a method of its class, which every bundle would keep.
  const m = matcher;
  const t = m['trie']?.arrays();
  const base = m['patternBase'];
  const spanAt = m['spanAt'];
  return {
    used: m['used'].slice(),
    setKeys: m['setKeys'].slice(),
    patternBase: base.every((b, e) => b === e) && spanAt.length === base.length ? null : Array.from(base),
    dfaPairs: Array.from(m['dfaPairs']),
    trie: t === undefined ? null : { nodes: t.nodes, patterns: t.patterns, t: Array.from(relativeTrieArrays(t)), tails: Array.from(t.tails) },
    spanAt: Array.from(spanAt),
    spanData: Array.from(m['spanData']),
  };
}

/** The characters of a table split into classes that no pattern tells apart. */
interface Alphabet {
  /** Class of each ASCII code unit. */
  readonly ascii: Uint16Array;
  /** One case-insensitive regex per non-ASCII class (class id = index + 1), recognising the code units of that class. */
  readonly tests: readonly RegExp[];
  /** Number of classes; class 0 holds every character no pattern names (only `Z` matches it). */
  readonly size: number;
}

const codeUnitRegex = (c: number): RegExp => new RegExp(`^\\u${c.toString(16).padStart(4, '0')}$`, 'is');

/**
 * Groups the code units the patterns name by case-insensitive equality, as the reference regexes (flag `i`, no `u`) see
 * it: two code units share a class exactly when the same regex atoms accept them. For ASCII that equality is plain
 * upper-casing, and no ASCII unit is ever equal to a non-ASCII one (ECMAScript's Canonicalize refuses to map a unit
 * above 127 below 128); beyond ASCII the regex engine itself decides, so the classes cannot disagree with the reference.
 */
function buildAlphabet(used: ReadonlySet<number>): { alphabet: Alphabet; classOf: (c: number) => number } {
  const tests: RegExp[] = [];
  const asciiGroups = new Map<number, number>();
  let size = 1;
  const upper = (c: number): number => (c >= 97 && c <= 122 ? c - 32 : c);
  const wideOf = (c: number): number => {
    const ch = String.fromCharCode(c);
    for (let g = 0; g < tests.length; g++) if ((tests[g] as RegExp).test(ch)) return g + 1;
    return 0;
  };
  // Non-ASCII classes come first so that a test's index is its class id minus one.
  for (const c of [...used].sort((a, b) => b - a)) {
    if (c >= 128 && wideOf(c) === 0) tests.push(codeUnitRegex(c));
  }
  size += tests.length;
  for (const c of used) {
    if (c < 128 && !asciiGroups.has(upper(c))) asciiGroups.set(upper(c), size++);
  }
  const classOf = (c: number): number => (c < 128 ? (asciiGroups.get(upper(c)) ?? 0) : wideOf(c));
  const ascii = new Uint16Array(128);
  for (let c = 0; c < 128; c++) ascii[c] = classOf(c);
  return { alphabet: { ascii, tests, size }, classOf };
}

/** The literal characters a token can match, for the alphabet. */
function tokenChars(t: PatternToken, pattern: CompiledPattern): string {
  switch (t.kind) {
    case 'literal':
      return t.text;
    case 'class':
      return t.chars;
    case 'wildcard':
      return t.wildcard === 'Z' ? '' : t.wildcard === '?' ? STAR_CHARS : '0123456789';
    case 'ref': {
      const v = pattern.refs.get(t.name);
      return v === undefined ? '' : v.kind === 'var' ? v.value : v.values.join('');
    }
  }
}

/** Whether a pattern can match anything at all: an unknown `{name}` or an empty set makes it match nothing. */
function canMatch(pattern: CompiledPattern): boolean {
  for (const t of pattern.tokens) {
    if (t.kind === 'ref') {
      const v = pattern.refs.get(t.name);
      if (v === undefined || (v.kind === 'set' && v.values.length === 0)) return false;
    } else if (t.kind === 'class' && t.chars === '') {
      return false;
    }
  }
  return true;
}

const DIGITS: Readonly<Record<'X' | 'Y' | 'N', string>> = { X: '0123456789', Y: '123456789', N: '23456789' };

/**
 * Class sets (the characters one pattern position accepts) numbered once per table: a set is `classes` bytes, 1 for each
 * class it holds, all in one array shared by the trie and the DFA's nodes.
 */
class ClassSets {
  private readonly ids = new Map<string, number>();
  /** The set of each single code unit, once asked for (-1: not yet). */
  private readonly byCode = new Int32Array(65_536).fill(-1);
  private bytes: number[] = [];
  /** Per set, its only class, or -1 when it holds several. */
  readonly single: number[] = [];

  constructor(
    private readonly classes: number,
    private readonly classOf: (c: number) => number,
  ) {}

  /** The id of the set of the given characters (null: every character). */
  of(chars: string | null): number {
    // One character, the common case (every character of an exact number): found by its code, not by a string key.
    const one = chars !== null && chars.length === 1 ? chars.charCodeAt(0) : -1;
    if (one >= 0 && (this.byCode[one] as number) >= 0) return this.byCode[one] as number;
    const key = chars ?? ANY_KEY;
    let id = this.ids.get(key);
    if (id !== undefined) {
      if (one >= 0) this.byCode[one] = id;
      return id;
    }
    const m = new Uint8Array(this.classes);
    if (chars === null) m.fill(1);
    else for (let i = 0; i < chars.length; i++) m[this.classOf(chars.charCodeAt(i))] = 1;
    let count = 0;
    let last = -1;
    for (let c = 0; c < this.classes; c++) if (m[c] === 1) (count++, (last = c));
    id = this.single.length;
    this.single.push(count === 1 ? last : -1);
    for (const b of m) this.bytes.push(b);
    this.ids.set(key, id);
    if (one >= 0) this.byCode[one] = id;
    return id;
  }

  table(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  /** Each set's key (its characters; null for every character), in id order: calling `of` with them rebuilds the ids. */
  keys(): (string | null)[] {
    const out = new Array<string | null>(this.ids.size);
    for (const [key, id] of this.ids) out[id] = key === ANY_KEY ? null : key;
    return out;
  }
}

const ANY_KEY = '\u0000any';

/** Every code unit the patterns name, in the order first named: the alphabet's class ids follow that order. */
function usedCodeUnits(entries: readonly MatchableEntry[]): number[] {
  // Marked in a bitmap first: a plan of 100 000 numbers names a dozen characters a million times.
  const seen = new Uint8Array(65_536);
  const used: number[] = [];
  for (const entry of entries) {
    for (const p of entry.patterns) {
      for (const t of p.tokens) {
        const s = tokenChars(t, p);
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i);
          if (seen[c] === 0) (seen[c] = 1), used.push(c);
        }
      }
    }
  }
  return used;
}

/** The most patterns of one entry, from where each entry's patterns start. */
function mostOf(base: Int32Array, total: number): number {
  let most = 0;
  for (let e = 0; e < base.length; e++) most = Math.max(most, (e + 1 < base.length ? (base[e + 1] as number) : total) - (base[e] as number));
  return most;
}

/**
 * A pattern as a trie may take it: a literal prefix of single classes, then a fixed-length tail of class sets. Null for a
 * pattern with a token of variable length (`?`, `Z`, a set of values of several lengths) or no literal first character.
 */
function trieShape(pattern: CompiledPattern, sets: ClassSets, e: number, p: number): TriePattern | null {
  const positions: number[] = [];
  const chars = (s: string): void => {
    for (let i = 0; i < s.length; i++) positions.push(sets.of(s[i] as string));
  };
  for (const t of pattern.tokens) {
    switch (t.kind) {
      case 'literal':
        chars(t.text);
        break;
      case 'class':
        positions.push(sets.of(t.chars));
        break;
      case 'wildcard':
        if (t.wildcard === '?' || t.wildcard === 'Z') return null;
        positions.push(sets.of(DIGITS[t.wildcard]));
        break;
      case 'ref': {
        const v = pattern.refs.get(t.name);
        if (v === undefined) return null;
        if (v.kind === 'var') chars(v.value);
        else if (v.values.length > 0 && v.values.every((x) => x.length === 1)) positions.push(sets.of(v.values.join('')));
        else return null;
        break;
      }
    }
  }
  let literal = 0;
  while (literal < positions.length && (sets.single[positions[literal] as number] as number) >= 0) literal++;
  if (literal === 0) return null;
  // The positions array becomes the prefix in place (a set id turned into its one class); an exact number, the common
  // case in a large plan, shares one empty tail.
  const tail = literal === positions.length ? NO_TAIL : positions.slice(literal);
  positions.length = literal;
  for (let i = 0; i < literal; i++) positions[i] = sets.single[positions[i] as number] as number;
  return { entry: e, pattern: p, prefix: positions, tail };
}

const NO_TAIL: readonly number[] = Object.freeze([]);

class HybridMatcher implements AutomatonMatcher {
  private readonly entries: readonly MatchableEntry[];
  private readonly ascii: Uint16Array;
  private readonly tests: readonly RegExp[];
  private readonly classOf: (c: number) => number;
  private readonly k: number;
  private readonly wide = new Map<number, number>();
  private readonly trie: LiteralTrie | null;
  private readonly dfa: LazyDfa;
  /**
   * How to cut each pattern's captures out of a match without running anything: for the pattern `patternBase[entry] +
   * pattern`, `spanAt` gives the offset in `spanData` of [group count, then each group's two positions (see
   * captureSpans)], or -1 where {@link captureLinear} must decide.
   */
  private readonly patternBase: Int32Array;
  private readonly spanAt: Int32Array;
  private readonly spanData: Int32Array;
  private readonly programs = new Map<number, CaptureProgram | null>();
  /** The code units the patterns name, in the order the alphabet was built from them. */
  private readonly used: readonly number[];
  /** The keys of the class sets, in id order. */
  private readonly setKeys: readonly (string | null)[];
  /** The (entry, pattern) pairs the DFA holds. */
  private readonly dfaPairs: Int32Array;
  private cls = new Uint16Array(64);
  private readonly hits: TrieHits = { list: [] };

  /**
   * @param entries - the table
   * @param options - the DFA cache's bounds
   * @param stored - what {@link snapshotAutomaton} saved of this table's matcher, already checked by
   *   {@link restoreAutomaton}: the matcher is then made of it, and only the entries the DFA holds are read
   */
  constructor(entries: readonly MatchableEntry[], options: AutomatonOptions, stored?: StoredAutomaton) {
    this.entries = entries;
    const used = stored?.used ?? usedCodeUnits(entries);
    this.used = used;
    const { alphabet, classOf } = buildAlphabet(new Set(used));
    this.ascii = alphabet.ascii;
    this.tests = alphabet.tests;
    this.classOf = classOf;
    this.k = alphabet.size;
    const sets = new ClassSets(this.k, classOf);

    if (stored !== undefined) {
      // The same sets in the same order get the same ids: the trie's tails refer to them by id.
      for (const key of stored.setKeys) sets.of(key);
      this.patternBase = stored.patternBase;
      this.dfaPairs = stored.dfaPairs;
      this.dfa = new LazyDfa(entries, stored.dfaPairs, sets, this.k, options, stored.patternBase.length, stored.most);
      this.trie = stored.trie === null ? null : new LiteralTrie(stored.trie).useSets(sets.table());
      this.spanAt = stored.spanAt;
      this.spanData = stored.spanData;
      this.setKeys = stored.setKeys;
      // The records' layouts were filled in from the checked spans as the trie was read (readTrieArrays).
      return;
    }

    // Where each entry's patterns start in the flat per-pattern arrays.
    this.patternBase = new Int32Array(entries.length);
    let total = 0;
    for (let e = 0; e < entries.length; e++) {
      this.patternBase[e] = total;
      total += (entries[e] as MatchableEntry).patterns.length;
    }
    // Which patterns the trie takes; the DFA takes the others.
    const inDfa = new Uint8Array(total).fill(1);
    const shapes: TriePattern[] = [];
    if (options.trie !== false) {
      entries.forEach((entry, e) =>
        entry.patterns.forEach((pattern, p) => {
          const shape = canMatch(pattern) ? trieShape(pattern, sets, e, p) : null;
          if (shape !== null) shapes.push(shape);
        }),
      );
    }
    const base = this.patternBase;
    const trie =
      shapes.length === 0
        ? null
        : LiteralTrie.build(shapes, this.k, (s) => (inDfa[(base[s.entry] as number) + s.pattern] = 0), options.maxTriePatternsPerNode ?? DEFAULT_MAX_TRIE_PER_NODE);
    const pairs: number[] = [];
    entries.forEach((entry, e) => {
      for (let p = 0; p < entry.patterns.length; p++) if (inDfa[(base[e] as number) + p] === 1) pairs.push(e, p);
    });
    this.dfaPairs = Int32Array.from(pairs);
    this.dfa = new LazyDfa(entries, this.dfaPairs, sets, this.k, options, entries.length, mostOf(base, total));
    // The trie reads class sets from the table as it is once every pattern has been seen.
    this.trie = trie === null ? null : trie.useSets(sets.table());
    this.setKeys = sets.keys();

    this.spanAt = new Int32Array(total);
    const data: number[] = [];
    // Patterns of the same shape share one layout: a plan of 100 000 numbers has a handful, which stay in cache.
    const layoutAt = new Map<string, number>();
    let i = 0;
    for (const entry of entries) {
      for (const pattern of entry.patterns) {
        const spans = captureSpans(pattern);
        if (spans === null) {
          this.spanAt[i++] = -1;
          continue;
        }
        const key = spans.join(',');
        let at = layoutAt.get(key);
        if (at === undefined) {
          at = data.length;
          layoutAt.set(key, at);
          // The number of groups, then their spans.
          data.push(spans.length / 2 - 1);
          for (let j = 2; j < spans.length; j++) data.push(spans[j] as number);
        }
        this.spanAt[i++] = at;
      }
    }
    this.spanData = Int32Array.from(data);
    this.trie?.setLayouts((e, p) => this.spanAt[(base[e] as number) + p] as number);
  }

  stats(): AutomatonStats {
    return {
      ...this.dfa.stats(),
      triePatterns: this.trie?.patterns ?? 0,
      trieNodes: this.trie?.nodes ?? 0,
    };
  }

  find(text: string, carryExtension: boolean, accept?: (match: TableMatch) => boolean): TableMatch | undefined {
    const n = text.length;
    if (this.cls.length < n) this.cls = new Uint16Array(Math.max(n, this.cls.length * 2));
    const cls = this.cls;
    const ascii = this.ascii;
    // The extension starts at the first `/` or `^` after the first character (see extensionStart); both structures note
    // what matches the text before it on their way, so one pass serves both.
    let sep = -1;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if ((c === 47 || c === 94) && sep < 0 && i > 0 && carryExtension) sep = i;
      cls[i] = c < 128 ? (ascii[c] as number) : this.wideClass(c);
    }
    const dfa = this.dfa;
    const trie = this.trie;
    if (accept) {
      dfa.run(cls, n, sep, true);
      return this.findAccepted(text, n, sep, accept);
    }
    let we = 0;
    let wp = 0;
    let wl = -2;
    let be = 0;
    let bp = 0;
    let bl = -2;
    // The trie first: in a plan of a DID list or one entry per exchange, its entries come before the wildcard rules the
    // DFA holds (long distance, international, a catch-all), and a trie match of an entry before the DFA's first cannot
    // be beaten (the lowest entry wins, whole or base): the DFA is then not run at all. A 100 000-entry plan's query
    // otherwise paid for both walks where a 10-entry plan's pays for one.
    if (trie !== null) {
      trie.run(cls, n, sep, null);
      (we = trie.wholeEntry), (wp = trie.wholePattern), (wl = trie.wholeLayout);
      (be = trie.baseEntry), (bp = trie.basePattern), (bl = trie.baseLayout);
    }
    // Entries count from 1 here: the trie's best (0: none) is before the DFA's first entry when best - 1 < dfa.first.
    if (Math.min(we || be, be || we) - 1 >= dfa.first || we + be === 0) {
      dfa.run(cls, n, sep, false);
      // The lowest entry wins; within an entry, the lowest pattern. A trie winner keeps its capture layout.
      const de = dfa.wholeEntry;
      if (de !== 0 && (we === 0 || de < we || (de === we && dfa.wholePattern < wp))) (we = de), (wp = dfa.wholePattern), (wl = -2);
      const db = dfa.baseEntry;
      if (db !== 0 && (be === 0 || db < be || (db === be && dfa.basePattern < bp))) (be = db), (bp = dfa.basePattern), (bl = -2);
    }
    if (we + be === 0) return undefined;
    // Whole text preferred within an entry; otherwise the smaller entry index wins.
    return we !== 0 && (be === 0 || we <= be)
      ? this.capture(we - 1, wp, text, '', wl)
      : this.capture(be - 1, bp, text.slice(0, sep), text.slice(sep), bl);
  }

  /**
   * With a predicate, each entry gets one candidate, its whole match if it has one, as the reference gives; candidates
   * come by increasing entry and the first accepted wins.
   */
  private findAccepted(text: string, n: number, sep: number, accept: (match: TableMatch) => boolean): TableMatch | undefined {
    // entry -> [whole pattern or -1, base pattern or -1]
    const best = new Map<number, [number, number]>();
    const note = (e: number, p: number, whole: boolean): void => {
      let b = best.get(e);
      if (b === undefined) best.set(e, (b = [-1, -1]));
      const i = whole ? 0 : 1;
      if (b[i] < 0 || p < b[i]) b[i] = p;
    };
    const { wholeAccepting, baseAccepting } = this.dfa;
    if (wholeAccepting !== null) for (let i = 0; i < wholeAccepting.length; i += 2) note(wholeAccepting[i] as number, wholeAccepting[i + 1] as number, true);
    if (baseAccepting !== null) for (let i = 0; i < baseAccepting.length; i += 2) note(baseAccepting[i] as number, baseAccepting[i + 1] as number, false);
    if (this.trie !== null) {
      const list = this.hits.list;
      list.length = 0;
      this.trie.run(this.cls, n, sep, this.hits);
      for (let i = 0; i < list.length; i += 3) note(list[i] as number, list[i + 1] as number, list[i + 2] === 1);
    }
    for (const e of [...best.keys()].sort((a, b) => a - b)) {
      const [wp, bp] = best.get(e) as [number, number];
      const m = wp >= 0 ? this.capture(e, wp, text, '') : this.capture(e, bp, text.slice(0, sep), text.slice(sep));
      if (m !== undefined && accept(m)) return m;
    }
    return undefined;
  }

  /**
   * The match of the pattern chosen, with its captures: cut at known offsets when the pattern has at most one token of
   * variable length (the split is then unique, so it is the regex's), else worked out by {@link captureLinear}.
   */
  private capture(entry: number, pattern: number, matched: string, suffix: string, layout = -2): TableMatch | undefined {
    // -2: not known yet (a DFA winner); a trie winner knows it from its record, sparing two reads of large arrays.
    const at = layout === -2 ? (this.spanAt[(this.patternBase[entry] as number) + pattern] as number) : layout;
    if (at >= 0) return new LayoutMatch(entry, pattern, matched, suffix, this.spanData, at);
    const index = (this.patternBase[entry] as number) + pattern;
    let program = this.programs.get(index);
    if (program === undefined) {
      program = captureProgram((this.entries[entry] as MatchableEntry).patterns[pattern] as CompiledPattern, this.classOf, this.k);
      this.programs.set(index, program);
    }
    const groups = program === null ? null : captureLinear(program, matched, this.classOf);
    // Null only if the automaton and the pattern disagreed, which the differential tests rule out.
    return groups === null ? undefined : { entry, pattern, matched, suffix, groups };
  }

  /** The class of a non-ASCII code unit: cached, found with the classes' regexes the first time. */
  private wideClass(c: number): number {
    const cached = this.wide.get(c);
    if (cached !== undefined) return cached;
    const ch = String.fromCharCode(c);
    let cls = 0;
    for (let g = 0; g < this.tests.length; g++) {
      if ((this.tests[g] as RegExp).test(ch)) {
        cls = g + 1;
        break;
      }
    }
    if (this.wide.size < MAX_WIDE_CACHE) this.wide.set(c, cls);
    return cls;
  }
}

/**
 * The DFA part: a trie-shaped NFA of the patterns it holds, and a bounded cache of the DFA states built from it. After
 * {@link LazyDfa.run}, `wholeEntry`/`wholePattern` hold the first accepting (entry + 1, pattern) for the whole text (0:
 * none) and `wholeAccepting` every accepting (entry, pattern) pair; `base...` the same for the text before its extension.
 */
class LazyDfa {
  wholeEntry = 0;
  wholePattern = 0;
  baseEntry = 0;
  basePattern = 0;
  wholeAccepting: Int32Array | null = null;
  baseAccepting: Int32Array | null = null;
  /**
   * The first entry the DFA holds a pattern of (the entry count when it holds none): a trie match of an entry before it
   * cannot be beaten by the DFA, which then need not run (see HybridMatcher.find).
   */
  readonly first: number;
  private readonly maxStates: number;
  private readonly maxStoredNodes: number;
  private readonly k: number;
  /** Width of a state's row in `trans`: one column per class, then the first accepting entry + 1 (0: none) and its pattern. */
  private readonly w: number;
  // The NFA, one slot per node.
  private readonly kind: Uint8Array;
  /** CHAR: the class set it accepts; `single` its only class, or -1 when it has several. */
  private readonly set: Int32Array;
  private readonly single: Int32Array;
  private readonly sets: Uint8Array;
  /** CHAR: the node after the character. */
  private readonly next: Int32Array;
  /** SPLIT: the nodes reached without reading, `epsList[epsStart[node] .. epsStart[node + 1])`. */
  private readonly epsStart: Int32Array;
  private readonly epsList: Int32Array;
  /** MATCH: entry and pattern. */
  private readonly matchEntry: Int32Array;
  private readonly matchPattern: Int32Array;
  /** The root as a seed list, typed like every other seed list so that closureInto sees one array type. */
  private readonly rootSeed: Int32Array;
  readonly patterns: number;
  // Scratch space for building states; never shrinks, so building allocates only the state it keeps.
  private readonly stamp: Int32Array;
  private generation = 0;
  private readonly stack: Int32Array;
  private readonly found: Int32Array;
  private readonly seeds: Int32Array;
  private readonly current: Int32Array;
  // The DFA cache.
  /**
   * Transitions, one row of `w` per state. 16-bit when state ids, entry indexes and pattern indexes all fit, as they do
   * with the default bound: half the memory, so more of a large plan's DFA stays in cache.
   */
  private trans: Int32Array | Uint16Array = new Int32Array(0);
  private readonly narrow: boolean;
  /**
   * The node sets of all cached states, end to end in one pool (state `s` holds `pool[setStart[s] .. setStart[s] +
   * setLength[s])`), found again by hash: a state costs no object of its own and no string key, so a cache that fills
   * and flushes leaves almost nothing for the garbage collector.
   */
  private pool = new Int32Array(0);
  private setStart: number[] = [];
  private setLength: number[] = [];
  /** First state of each hash, and the next state with the same hash. */
  private byHash = new Map<number, number>();
  private sameHash: number[] = [];
  /** Per state: (entry, pattern) pairs by increasing entry, the first accepting pattern of each entry; null when none. */
  private acc: (Int32Array | null)[] = [];
  private stateCount = 0;
  private storedNodes = 0;
  private charsSinceFlush = 0;
  private flushes = 0;
  private thrashes = 0;
  private simulated = 0;
  /** NFA nodes put into new states by the current query. */
  private built = 0;
  private simulateLeft = 0;
  private simulatePeriod = SIMULATE_QUERIES;

  /**
   * @param entries - the table
   * @param dfaPairs - the (entry, pattern) pairs the DFA holds, in table order; only their entries are read
   * @param classSets - the table's class sets
   * @param k - the number of classes
   * @param options - the cache's bounds
   * @param entryCount - the table's entries
   * @param mostPatterns - the most patterns of one entry
   */
  constructor(
    entries: readonly MatchableEntry[],
    dfaPairs: Int32Array,
    classSets: ClassSets,
    k: number,
    options: AutomatonOptions,
    entryCount: number,
    mostPatterns: number,
  ) {
    this.k = k;
    this.w = k + 2;
    // The pairs are in entry order (built so, and checked so when restored).
    this.first = dfaPairs[0] ?? entryCount;
    const kind: number[] = [];
    const set: number[] = [];
    const next: number[] = [];
    const eps: (number[] | null)[] = [];
    const matchEntry: number[] = [];
    const matchPattern: number[] = [];
    const add = (kd: number, s: number, nx: number, ep: number[] | null, e: number, p: number): number => {
      kind.push(kd);
      set.push(s);
      next.push(nx);
      eps.push(ep);
      matchEntry.push(e);
      matchPattern.push(p);
      return kind.length - 1;
    };
    const junction = (): number => add(SPLIT, -1, -1, [], -1, -1);
    const root = junction();
    // Patterns share their common prefixes: a step (a character set, a loop, a set of values) taken from a junction
    // leads to the same next junction for every pattern that takes it there.
    const stepIds = new Map<string, number>();
    const shared = new Map<number, number>();
    let stepCount = 0;
    const stepId = (key: string): number => {
      let id = stepIds.get(key);
      if (id === undefined) stepIds.set(key, (id = stepCount++));
      return id;
    };
    const follow = (from: number, key: string, build: (from: number, to: number) => void): number => {
      const id = stepId(key);
      // Junction ids below 2^32 times step ids below 2^21 stay below 2^53.
      const slot = from * 2_097_152 + id;
      let to = shared.get(slot);
      if (to === undefined) {
        to = junction();
        build(from, to);
        shared.set(slot, to);
      }
      return to;
    };
    const charStep = (from: number, chars: string | null): number => {
      const s = classSets.of(chars);
      return follow(from, `c${s}`, (f, t) => (eps[f] as number[]).push(add(CHAR, s, t, null, -1, -1)));
    };
    const literal = (from: number, text: string): number => {
      let at = from;
      for (let i = 0; i < text.length; i++) at = charStep(at, text[i] as string);
      return at;
    };
    let patterns = 0;
    for (let i = 0; i < dfaPairs.length; i += 2) {
      const e = dfaPairs[i] as number;
      const p = dfaPairs[i + 1] as number;
      const pattern = (entries[e] as MatchableEntry).patterns[p] as CompiledPattern;
      {
        if (!canMatch(pattern)) continue;
        patterns++;
        let at = root;
        for (const t of pattern.tokens) {
          switch (t.kind) {
            case 'literal':
              at = literal(at, t.text);
              break;
            case 'class':
              at = charStep(at, t.chars);
              break;
            case 'wildcard':
              if (t.wildcard === '?' || t.wildcard === 'Z') {
                const chars = t.wildcard === 'Z' ? null : STAR_CHARS;
                // A loop: a split that either reads one more character and comes back, or goes on.
                at = follow(at, `l${t.wildcard}`, (f, to) => {
                  const loop = add(SPLIT, -1, -1, [], -1, -1);
                  (eps[loop] as number[]).push(add(CHAR, classSets.of(chars), loop, null, -1, -1), to);
                  (eps[f] as number[]).push(loop);
                });
              } else {
                at = charStep(at, DIGITS[t.wildcard]);
              }
              break;
            case 'ref': {
              // canMatch has ruled out unknown names and empty sets.
              const v = pattern.refs.get(t.name);
              if (v === undefined) break;
              if (v.kind === 'var') {
                at = literal(at, v.value);
              } else {
                at = follow(at, `s${JSON.stringify(v.values)}`, (f, to) => {
                  for (const value of v.values) {
                    // Each value a chain of characters from the junction to the shared end.
                    let last = to;
                    for (let i = value.length - 1; i >= 0; i--) last = add(CHAR, classSets.of(value[i] as string), last, null, -1, -1);
                    (eps[f] as number[]).push(last);
                  }
                });
              }
              break;
            }
          }
        }
        (eps[at] as number[]).push(add(MATCH, -1, -1, null, e, p));
      }
    }
    this.patterns = patterns;
    this.rootSeed = Int32Array.of(root);
    const n = kind.length;
    this.kind = Uint8Array.from(kind);
    this.set = Int32Array.from(set);
    this.next = Int32Array.from(next);
    this.matchEntry = Int32Array.from(matchEntry);
    this.matchPattern = Int32Array.from(matchPattern);
    this.epsStart = new Int32Array(n + 1);
    let total = 0;
    for (let i = 0; i < n; i++) {
      this.epsStart[i] = total;
      total += eps[i]?.length ?? 0;
    }
    this.epsStart[n] = total;
    this.epsList = new Int32Array(total);
    for (let i = 0; i < n; i++) {
      const list = eps[i];
      if (list) this.epsList.set(list, this.epsStart[i] as number);
    }
    // A junction with one way on is only a hop: characters lead past it, so that stepping visits fewer nodes.
    for (let i = 0; i < n; i++) {
      if (this.kind[i] !== CHAR) continue;
      let to = this.next[i] as number;
      while (this.kind[to] === SPLIT && (this.epsStart[to + 1] as number) - (this.epsStart[to] as number) === 1) {
        const only = this.epsList[this.epsStart[to] as number] as number;
        // A loop's split has two ways on, so this never follows a cycle.
        if (only === to) break;
        to = only;
      }
      this.next[i] = to;
    }
    this.sets = classSets.table();
    this.single = Int32Array.from(set, (s) => (s < 0 ? -1 : (classSets.single[s] as number)));
    // The cache grows with the automaton: a table of 100 000 overlapping entries needs a few hundred thousand states over
    // a day's numbers, which a cache sized for the default plan would flush over and over. Still bounded: at most 2^20
    // states and 32 stored nodes a state (the 100 000-entry overlap plan of bench/plans.js needs 47 MB). Room for the dead
    // and start states and, after a flush, the state a query was in and the one it goes to.
    this.maxStates = Math.max(options.maxStates ?? Math.max(DEFAULT_MAX_STATES, Math.min(MAX_SCALED_STATES, n >> 1)), 4);
    this.maxStoredNodes = options.maxStoredNodes ?? Math.max(DEFAULT_MAX_STORED_NODES, 32 * this.maxStates);
    this.narrow = this.maxStates <= 0xffff && entryCount <= 0xffff && mostPatterns <= 0x10000;
    this.stamp = new Int32Array(n);
    this.stack = new Int32Array(n);
    this.found = new Int32Array(n);
    this.seeds = new Int32Array(n);
    this.current = new Int32Array(n);
    this.reset();
  }

  stats(): Omit<AutomatonStats, 'triePatterns' | 'trieNodes'> {
    return {
      nfaNodes: this.kind.length,
      classes: this.k,
      states: Math.max(this.stateCount - 1, 0),
      flushes: this.flushes,
      simulated: this.simulated,
      simulating: this.simulateLeft > 0,
      cacheBytes: this.trans.byteLength + this.storedNodes * 4,
      dfaPatterns: this.patterns,
    };
  }

  /**
   * Runs the text (as classes) through the DFA; see the class comment for what it leaves. `lists`: whether the caller
   * needs every accepting pair (a predicate will judge them), or only the first.
   */
  run(cls: Uint16Array, n: number, sep: number, lists: boolean): void {
    this.wholeEntry = 0;
    this.baseEntry = 0;
    this.wholeAccepting = null;
    this.baseAccepting = null;
    if (this.patterns === 0) return;
    if (this.simulateLeft > 0) {
      this.simulateLeft--;
      this.simulated++;
      this.simulate(cls, n, sep, lists);
      return;
    }
    const w = this.w;
    const k = this.k;
    let trans = this.trans;
    let s = START;
    this.built = 0;
    for (let i = 0; i < n; i++) {
      if (i === sep) this.noteBase(s);
      const c = cls[i] as number;
      let t = trans[s * w + c] as number;
      if (t === UNKNOWN) {
        t = this.step(s, c);
        if (t === TOO_LARGE) {
          // A state this large would cost more to store and key than to step through: this query goes on uncached.
          const length = this.setLength[s] as number;
          const start = this.setStart[s] as number;
          this.current.set(this.pool.subarray(start, start + length));
          this.charsSinceFlush += n;
          this.simulated++;
          this.simulateFrom(cls, i, n, sep, length, lists);
          return;
        }
        trans = this.trans;
      }
      s = t;
      // Nothing can match past the dead state, neither the whole text nor a base longer than what was read.
      if (s === DEAD) break;
    }
    this.charsSinceFlush += n;
    const we = trans[s * w + k] as number;
    if (we !== 0) {
      this.wholeEntry = we;
      this.wholePattern = trans[s * w + k + 1] as number;
      this.wholeAccepting = this.acc[s] ?? null;
    }
  }

  /** Notes what accepts in state `s`, the state reached at the extension separator. */
  private noteBase(s: number): void {
    const acc = this.acc[s] ?? null;
    if (acc === null) return;
    this.baseAccepting = acc;
    this.baseEntry = (acc[0] as number) + 1;
    this.basePattern = acc[1] as number;
  }

  /**
   * The automaton simulated without the cache: the set of live nodes stepped character by character. Each step costs
   * the number of live nodes, which only entries still able to match contribute to.
   */
  private simulate(cls: Uint16Array, n: number, sep: number, lists: boolean): void {
    this.simulateFrom(cls, 0, n, sep, this.closureInto(this.current, this.rootSeed, 1), lists);
  }

  /** Goes on from character `from` with the live nodes `current[0..count)`. */
  private simulateFrom(cls: Uint16Array, from: number, n: number, sep: number, live: number, lists: boolean): void {
    const current = this.current;
    const seeds = this.seeds;
    const kind = this.kind;
    const single = this.single;
    const set = this.set;
    const sets = this.sets;
    const next = this.next;
    const k = this.k;
    let count = live;
    for (let i = from; i < n && count > 0; i++) {
      if (i === sep) this.noteAccepting(current, count, false, lists);
      let ns = 0;
      const c = cls[i] as number;
      for (let j = 0; j < count; j++) {
        const node = current[j] as number;
        if (kind[node] !== CHAR) continue;
        const one = single[node] as number;
        if (one === c || (one < 0 && sets[(set[node] as number) * k + c] === 1)) seeds[ns++] = next[node] as number;
      }
      count = this.closureInto(current, seeds, ns);
    }
    if (count > 0) this.noteAccepting(current, count, true, lists);
  }

  /** Notes what the live nodes accept, for the whole text or its base: every pair when `lists`, else the first. */
  private noteAccepting(nodes: Int32Array, count: number, whole: boolean, lists: boolean): void {
    let entry = 0;
    let pattern = 0;
    let acc: Int32Array | null = null;
    if (lists) {
      acc = this.accepting(nodes, count);
      if (acc === null) return;
      entry = (acc[0] as number) + 1;
      pattern = acc[1] as number;
    } else {
      for (let i = 0; i < count; i++) {
        const node = nodes[i] as number;
        if (this.kind[node] !== MATCH) continue;
        const e = (this.matchEntry[node] as number) + 1;
        const p = this.matchPattern[node] as number;
        if (entry === 0 || e < entry || (e === entry && p < pattern)) (entry = e), (pattern = p);
      }
      if (entry === 0) return;
    }
    if (whole) (this.wholeEntry = entry), (this.wholePattern = pattern), (this.wholeAccepting = acc);
    else (this.baseEntry = entry), (this.basePattern = pattern), (this.baseAccepting = acc);
  }

  private accepts(node: number, c: number): boolean {
    const single = this.single[node] as number;
    return single === c || (single < 0 && this.sets[(this.set[node] as number) * this.k + c] === 1);
  }

  /** Accepting (entry, pattern) pairs of a node set, by increasing entry; null when none. */
  private accepting(nodes: Int32Array, count: number): Int32Array | null {
    let pairs: number[] | null = null;
    for (let i = 0; i < count; i++) {
      const node = nodes[i] as number;
      if (this.kind[node] === MATCH) (pairs ??= []).push(this.matchEntry[node] as number, this.matchPattern[node] as number);
    }
    return pairs === null ? null : sortPairs(pairs);
  }

  // ---- The DFA cache.

  private reset(): void {
    this.byHash = new Map();
    this.sameHash = [];
    this.setStart = [0];
    this.setLength = [0];
    this.acc = [null];
    this.trans = this.table(Math.min(this.maxStates + 1, 64) * this.w);
    this.stateCount = 1;
    this.storedNodes = 0;
    this.charsSinceFlush = 0;
    const dead = this.intern(this.found, 0);
    // The dead state leads to itself on every class.
    this.trans.fill(DEAD, dead * this.w, dead * this.w + this.k);
    this.intern(this.found, this.closure(this.rootSeed, 1));
  }

  /** Writes into `out` the CHAR and MATCH nodes reachable without reading from `seeds[0..count)`; returns their number. */
  private closureInto(out: Int32Array, seeds: Int32Array, count: number): number {
    const stamp = this.stamp;
    const stack = this.stack;
    const epsStart = this.epsStart;
    const epsList = this.epsList;
    const gen = ++this.generation;
    let sp = 0;
    let nf = 0;
    for (let i = 0; i < count; i++) {
      const s = seeds[i] as number;
      if (stamp[s] !== gen) {
        stamp[s] = gen;
        stack[sp++] = s;
      }
    }
    while (sp > 0) {
      const node = stack[--sp] as number;
      if (this.kind[node] === SPLIT) {
        const end = epsStart[node + 1] as number;
        for (let j = epsStart[node] as number; j < end; j++) {
          const e = epsList[j] as number;
          if (stamp[e] !== gen) {
            stamp[e] = gen;
            stack[sp++] = e;
          }
        }
      } else {
        out[nf++] = node;
      }
    }
    return nf;
  }

  /** The closure of `seeds[0..count)` sorted into `found[0..n)`; returns n. */
  private closure(seeds: Int32Array, count: number): number {
    const nf = this.closureInto(this.found, seeds, count);
    this.found.subarray(0, nf).sort();
    return nf;
  }

  /**
   * Builds the transition of state `s` on class `cls`; when the cache is full it is flushed and `s` built anew first.
   * {@link TOO_LARGE} when the state it leads to is too large to be worth caching, or this query has built enough.
   */
  private step(s: number, cls: number): number {
    const pool = this.pool;
    const from = this.setStart[s] as number;
    const to = from + (this.setLength[s] as number);
    const seeds = this.seeds;
    let ns = 0;
    for (let i = from; i < to; i++) {
      const node = pool[i] as number;
      if (this.kind[node] === CHAR && this.accepts(node, cls)) seeds[ns++] = this.next[node] as number;
    }
    if (ns > MAX_CACHED_SET || this.built > MAX_BUILT_PER_QUERY) return TOO_LARGE;
    const nf = this.closure(seeds, ns);
    if (nf > MAX_CACHED_SET) return TOO_LARGE;
    this.built += nf;
    if (nf === 0) {
      this.trans[s * this.w + cls] = DEAD;
      return DEAD;
    }
    const found = this.found;
    const hash = hashOf(found, nf);
    let t = this.lookup(found, nf, hash);
    if (t < 0) {
      if (this.stateCount >= this.maxStates + 1 || this.storedNodes + nf + (to - from) > this.maxStoredNodes) {
        // Flush, then carry on from where the query is: the current state comes back under a new id.
        // reset() reuses `found`: the target waits in `seeds`, which are spent by now.
        const current = this.current;
        current.set(pool.subarray(from, to));
        this.seeds.set(found.subarray(0, nf));
        this.flush();
        s = this.intern(current, to - from);
        t = this.intern(this.seeds, nf, hash);
      } else {
        t = this.intern(found, nf, hash);
      }
    }
    this.trans[s * this.w + cls] = t;
    return t;
  }

  /** The cached state holding exactly `set[0..n)`, or -1. */
  private lookup(set: Int32Array, n: number, hash: number): number {
    const pool = this.pool;
    for (let id = this.byHash.get(hash) ?? -1; id >= 0; id = this.sameHash[id] as number) {
      if (this.setLength[id] !== n) continue;
      const start = this.setStart[id] as number;
      let same = true;
      for (let i = 0; i < n; i++) {
        if (pool[start + i] !== set[i]) {
          same = false;
          break;
        }
      }
      if (same) return id;
    }
    return -1;
  }

  /** The id of the state holding `set[0..n)` (sorted), cached now if it was not. */
  private intern(set: Int32Array, n: number, hash: number = hashOf(set, n)): number {
    const existing = this.lookup(set, n, hash);
    if (existing >= 0) return existing;
    const id = this.stateCount++;
    if ((id + 1) * this.w > this.trans.length) {
      const grown = this.table(Math.min(Math.max(this.trans.length * 2, (id + 1) * this.w), (this.maxStates + 1) * this.w));
      grown.set(this.trans);
      this.trans = grown;
    }
    if (this.storedNodes + n > this.pool.length) {
      const grown = new Int32Array(Math.min(Math.max(this.pool.length * 2, this.storedNodes + n, 1024), Math.max(this.maxStoredNodes, this.storedNodes + n)));
      grown.set(this.pool.subarray(0, this.storedNodes));
      this.pool = grown;
    }
    this.pool.set(set.subarray(0, n), this.storedNodes);
    this.setStart[id] = this.storedNodes;
    this.setLength[id] = n;
    this.storedNodes += n;
    this.sameHash[id] = this.byHash.get(hash) ?? -1;
    this.byHash.set(hash, id);
    const acc = this.accepting(set, n);
    this.acc[id] = acc;
    if (acc !== null) {
      this.trans[id * this.w + this.k] = (acc[0] as number) + 1;
      this.trans[id * this.w + this.k + 1] = acc[1] as number;
    }
    return id;
  }

  private table(length: number): Int32Array | Uint16Array {
    return this.narrow ? new Uint16Array(length) : new Int32Array(length);
  }

  private flush(): void {
    this.flushes++;
    // RE2's rule: a cache refilled after fewer than a few characters per state is thrashing, and building states costs
    // more than it saves; after a few such flushes in a row, queries are simulated without the cache for a while (longer
    // each time it happens again), then the cache gets another chance.
    if (this.charsSinceFlush < THRASH_CHARS_PER_STATE * this.stateCount) this.thrashes++;
    else this.thrashes = 0;
    if (this.thrashes >= MAX_THRASHES) {
      this.thrashes = 0;
      this.simulateLeft = this.simulatePeriod;
      this.simulatePeriod = Math.min(this.simulatePeriod * 2, MAX_SIMULATE_QUERIES);
    }
    this.reset();
  }
}

/**
 * A match of a pattern with a layout. Its capture groups are cut from the matched text when first read: the compiled
 * templates of such a pattern read slices of the text instead (see compileFiller), so on the query path nothing reads
 * them, and a query makes no groups array at all.
 */
class LayoutMatch implements TableMatch {
  private cut: readonly string[] | undefined;

  constructor(
    readonly entry: number,
    readonly pattern: number,
    readonly matched: string,
    readonly suffix: string,
    private readonly data: Int32Array,
    private readonly at: number,
  ) {}

  get groups(): readonly string[] {
    return (this.cut ??= cutGroups(this.data, this.at, this.matched));
  }
}

/** The capture groups of a match, cut from the matched text by the pattern's capture spans at `data[at]`. */
function cutGroups(data: Int32Array, at: number, matched: string): string[] {
  const count = data[at] as number;
  const groups = new Array<string>(count + 1);
  groups[0] = matched;
  const n = matched.length;
  for (let g = 1; g <= count; g++) {
    groups[g] = matched.slice(spanOffset(data[at + 2 * g - 1] as number, n), spanOffset(data[at + 2 * g] as number, n));
  }
  return groups;
}

/** A 32-bit hash of a sorted node set (FNV-1a over the ids). */
function hashOf(set: Int32Array, n: number): number {
  let h = 0x811c9dc5 ^ n;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ (set[i] as number), 0x01000193);
  return h | 0;
}

/** (entry, pattern) pairs sorted by entry then pattern, keeping the first pattern of each entry. */
function sortPairs(pairs: number[]): Int32Array {
  // Insertion sort of the pairs in place: a state accepts few entries, and this runs for every new state.
  const n = pairs.length;
  for (let i = 2; i < n; i += 2) {
    const e = pairs[i] as number;
    const p = pairs[i + 1] as number;
    let j = i - 2;
    while (j >= 0 && ((pairs[j] as number) > e || ((pairs[j] as number) === e && (pairs[j + 1] as number) > p))) {
      pairs[j + 2] = pairs[j] as number;
      pairs[j + 3] = pairs[j + 1] as number;
      j -= 2;
    }
    pairs[j + 2] = e;
    pairs[j + 3] = p;
  }
  const out: number[] = [];
  for (let i = 0; i < n; i += 2) if (out.length === 0 || out[out.length - 2] !== pairs[i]) out.push(pairs[i] as number, pairs[i + 1] as number);
  return Int32Array.from(out);
}
