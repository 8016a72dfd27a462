/**
 * The compiled matcher: every pattern of a table in one automaton with first-match priority, so that a query reads each
 * character of the number once whatever the number of entries. Captures are cut from the matched text by the winning
 * pattern's capture spans (only when something reads them), or taken with its regex when its split is not fixed.
 *
 * The automaton is a lazily built DFA over a nondeterministic automaton (Thompson style) of all the table's patterns. Each
 * DFA state is the set of NFA nodes alive after the characters read so far; it knows, in priority order, every entry
 * accepting there. States are built on demand and cached; their number and size are bounded, and a table whose DFA
 * outgrows the bound (many `?` and `Z` can make it exponential) flushes its cache like RE2 does, answering that query with
 * the reference matcher, and gives up on the DFA for good when flushes come too often.
 */
import type { MatcherFactory, TableMatcher } from './compile.js';
import type { CompiledPattern, MatchableEntry, TableMatch } from './match.js';
import { captureSpans, findFirstMatch, spanOffset, STAR_CHARS } from './match.js';
import type { PatternToken } from './pattern.js';

/** Limits of one table's DFA cache. */
export interface AutomatonOptions {
  /** The most DFA states cached before the cache is flushed (default 65 535). */
  readonly maxStates?: number;
  /** The most NFA node ids held by all cached states together (default 2 097 152, about 16 MB with their keys). */
  readonly maxStoredNodes?: number;
}

/** What a compiled matcher has built so far, for tests and benchmarks. */
export interface AutomatonStats {
  /** Nodes of the nondeterministic automaton. */
  readonly nfaNodes: number;
  /** Character classes: characters that no pattern tells apart share one. */
  readonly classes: number;
  /** DFA states cached now (the dead state included). */
  readonly states: number;
  /** Times the cache was full and was emptied. */
  readonly flushes: number;
  /** Queries answered by the reference matcher because the cache was full or the DFA was given up. */
  readonly fallbacks: number;
  /** Whether the DFA was given up because its cache kept filling up; every query then uses the reference matcher. */
  readonly disabled: boolean;
  /** About how many bytes the DFA cache holds: the transition table, and each state's node set and its key. */
  readonly cacheBytes: number;
}

/** A {@link TableMatcher} backed by a lazily built DFA. */
export interface AutomatonMatcher extends TableMatcher {
  /** What the automaton holds now. */
  stats(): AutomatonStats;
}

// 65 535 states: ids then fit in 16 bits, which halves the transition table (see `wide16`).
const DEFAULT_MAX_STATES = 65_535;
const DEFAULT_MAX_STORED_NODES = 1 << 21;
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
/** Consecutive thrashing flushes after which the DFA is given up. */
const MAX_THRASHES = 3;
/** Bound of the cache of classes of non-ASCII characters. */
const MAX_WIDE_CACHE = 4096;

/**
 * Compiles a table into a lazily built DFA matcher. `find` gives exactly what {@link findFirstMatch} gives, for any
 * `accept` predicate.
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
  return new LazyDfa(entries, options.maxStates ?? DEFAULT_MAX_STATES, options.maxStoredNodes ?? DEFAULT_MAX_STORED_NODES);
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

class LazyDfa implements AutomatonMatcher {
  private readonly entries: readonly MatchableEntry[];
  private readonly maxStates: number;
  private readonly maxStoredNodes: number;
  // The alphabet.
  private readonly ascii: Uint16Array;
  private readonly tests: readonly RegExp[];
  private readonly k: number;
  /** Width of a state's row in `trans`: one column per class, then the first accepting entry + 1 (0: none) and its pattern. */
  private readonly w: number;
  private readonly wide = new Map<number, number>();
  // The NFA, one slot per node.
  private readonly kind: number[] = [];
  /** CHAR: the one class it accepts, or -1 when `mask` says. */
  private readonly single: number[] = [];
  private readonly mask: (Uint8Array | null)[] = [];
  /** CHAR: the node after the character. */
  private readonly next: number[] = [];
  /** SPLIT: the nodes reached without reading. */
  private readonly eps: (number[] | null)[] = [];
  /** MATCH: entry and pattern. */
  private readonly matchEntry: number[] = [];
  private readonly matchPattern: number[] = [];
  private readonly starts: number[] = [];
  /**
   * How to cut each pattern's captures out of a match without its regex, all in one array so that a large table costs
   * one cache miss here rather than one per object: for the pattern `patternBase[entry] + pattern`, `spanAt` gives the
   * offset in `spanData` of [group count, then each group's two positions (see captureSpans)], or -1 where the regex
   * must decide.
   */
  private readonly patternBase: Int32Array;
  private readonly spanAt: Int32Array;
  private readonly spanData: Int32Array;
  // Scratch space for building states; never shrinks, so building allocates only the state it keeps.
  private stamp: Int32Array = new Int32Array(0);
  private generation = 0;
  private stack: Int32Array = new Int32Array(0);
  private found: Int32Array = new Int32Array(0);
  // The DFA cache.
  /**
   * Transitions, one row of `w` per state. 16-bit when state ids, entry indexes and pattern indexes all fit, as they do
   * with the default bound: half the memory, so more of a large plan's DFA stays in cache.
   */
  private trans: Int32Array | Uint16Array = new Int32Array(0);
  private readonly narrow: boolean;
  private sets: Int32Array[] = [];
  /** Per state: (entry, pattern) pairs by increasing entry, the first accepting pattern of each entry; null when none. */
  private acc: (Int32Array | null)[] = [];
  private ids = new Map<string, number>();
  private stateCount = 0;
  private storedNodes = 0;
  private charsSinceFlush = 0;
  private flushes = 0;
  private thrashes = 0;
  private fallbacks = 0;
  private disabled = false;

  constructor(entries: readonly MatchableEntry[], maxStates: number, maxStoredNodes: number) {
    this.entries = entries;
    this.maxStates = Math.max(maxStates, 3);
    this.maxStoredNodes = maxStoredNodes;
    const used = new Set<number>();
    for (const entry of entries) {
      for (const p of entry.patterns) {
        for (const t of p.tokens) {
          const s = tokenChars(t, p);
          for (let i = 0; i < s.length; i++) used.add(s.charCodeAt(i));
        }
      }
    }
    const { alphabet, classOf } = buildAlphabet(used);
    this.ascii = alphabet.ascii;
    this.tests = alphabet.tests;
    this.k = alphabet.size;
    this.w = alphabet.size + 2;
    const maskOf = (chars: string | null): { single: number; mask: Uint8Array | null } => {
      const m = new Uint8Array(this.k);
      if (chars === null) m.fill(1);
      else for (let i = 0; i < chars.length; i++) m[classOf(chars.charCodeAt(i))] = 1;
      let count = 0;
      let last = -1;
      for (let c = 0; c < this.k; c++) if (m[c]) (count++, (last = c));
      return count === 1 ? { single: last, mask: null } : { single: -1, mask: m };
    };
    const masks = new Map<string, { single: number; mask: Uint8Array | null }>();
    const sharedMask = (key: string, chars: string | null): { single: number; mask: Uint8Array | null } => {
      let m = masks.get(key);
      if (!m) masks.set(key, (m = maskOf(chars)));
      return m;
    };
    for (let e = 0; e < entries.length; e++) {
      const patterns = (entries[e] as MatchableEntry).patterns;
      for (let p = 0; p < patterns.length; p++) {
        const pattern = patterns[p] as CompiledPattern;
        if (!canMatch(pattern)) continue;
        this.starts.push(this.buildPattern(pattern, this.addMatch(e, p), sharedMask));
      }
    }
    this.patternBase = new Int32Array(entries.length);
    const at: number[] = [];
    const data: number[] = [];
    for (let e = 0; e < entries.length; e++) {
      this.patternBase[e] = at.length;
      for (const pattern of (entries[e] as MatchableEntry).patterns) {
        const spans = captureSpans(pattern);
        at.push(spans === null ? -1 : data.length);
        // The number of groups, then their spans.
        if (spans !== null) data.push(spans.length / 2 - 1, ...spans.subarray(2));
      }
    }
    this.spanAt = Int32Array.from(at);
    const mostPatterns = entries.reduce((most, e) => Math.max(most, e.patterns.length), 0);
    this.narrow = this.maxStates <= 0xffff && entries.length <= 0xffff && mostPatterns <= 0x10000;
    this.spanData = Int32Array.from(data);
    const n = this.kind.length;
    this.stamp = new Int32Array(n);
    this.stack = new Int32Array(n);
    this.found = new Int32Array(n);
    this.reset();
  }

  stats(): AutomatonStats {
    return {
      nfaNodes: this.kind.length,
      classes: this.k,
      states: Math.max(this.stateCount - 1, 0),
      flushes: this.flushes,
      fallbacks: this.fallbacks,
      disabled: this.disabled,
      cacheBytes: this.trans.byteLength + this.storedNodes * 8,
    };
  }

  find(text: string, carryExtension: boolean, accept?: (match: TableMatch) => boolean): TableMatch | undefined {
    if (this.disabled) return this.fallback(text, carryExtension, accept);
    const w = this.w;
    const ascii = this.ascii;
    let trans = this.trans;
    let s = START;
    // The extension starts at the first `/` or `^` after the first character (see extensionStart); the state reached
    // there decides which entries match the base, so one pass serves both.
    let sep = -1;
    let sepState = DEAD;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if ((c === 47 || c === 94) && sep < 0 && i > 0 && carryExtension) {
        sep = i;
        sepState = s;
      }
      const cls = c < 128 ? (ascii[c] as number) : this.wideClass(c);
      let t = trans[s * w + cls] as number;
      if (t === UNKNOWN) {
        t = this.step(s, cls);
        // The cache was full and has been emptied: the state ids held here mean nothing any more.
        if (t === UNKNOWN) return this.fallback(text, carryExtension, accept);
        trans = this.trans;
      }
      s = t;
      // Nothing can match past the dead state, neither the whole text nor a base longer than what was read.
      if (s === DEAD) break;
    }
    this.charsSinceFlush += n;
    if (!accept) {
      // The first accepting entry sits at the end of the state's row, next to its transitions.
      const k = this.k;
      const we = trans[s * w + k] as number;
      const be = sep > 0 ? (trans[sepState * w + k] as number) : 0;
      if (we === 0 && be === 0) return undefined;
      // Whole text preferred within an entry; otherwise the smaller entry index wins.
      const m =
        we !== 0 && (be === 0 || we <= be)
          ? this.capture(we - 1, trans[s * w + k + 1] as number, text, '')
          : this.capture(be - 1, trans[sepState * w + k + 1] as number, text.slice(0, sep), text.slice(sep));
      return m ?? this.fallback(text, carryExtension, accept);
    }
    const whole = this.acc[s] ?? null;
    const base = sep > 0 ? (this.acc[sepState] ?? null) : null;
    if (whole === null && base === null) return undefined;
    // With a predicate, each entry gets one candidate, its whole match if it has one, as the reference gives; candidates
    // come by increasing entry and the first accepted wins.
    let wi = 0;
    let bi = 0;
    const wn = whole === null ? 0 : whole.length;
    const bn = base === null ? 0 : base.length;
    while (wi < wn || bi < bn) {
      const we = wi < wn ? ((whole as Int32Array)[wi] as number) : Infinity;
      const be = bi < bn ? ((base as Int32Array)[bi] as number) : Infinity;
      let m: TableMatch | null;
      if (we <= be) {
        m = this.capture(we, (whole as Int32Array)[wi + 1] as number, text, '');
        wi += 2;
        if (be === we) bi += 2;
      } else {
        m = this.capture(be, (base as Int32Array)[bi + 1] as number, text.slice(0, sep), text.slice(sep));
        bi += 2;
      }
      if (m === null) return this.fallback(text, carryExtension, accept);
      if (accept(m)) return m;
    }
    return undefined;
  }

  /**
   * The match of the pattern the DFA chose, with its captures: cut at known offsets when the pattern has at most one
   * token of variable length (the split is then unique, so it is the regex's), else from that pattern's regex alone.
   * Null only if the automaton and the regex disagreed, which the differential test rules out; the caller then asks the
   * reference matcher.
   */
  private capture(entry: number, pattern: number, matched: string, suffix: string): TableMatch | null {
    const at = this.spanAt[(this.patternBase[entry] as number) + pattern] as number;
    if (at >= 0) return new LayoutMatch(entry, pattern, matched, suffix, this.spanData, at);
    const regex = ((this.entries[entry] as MatchableEntry).patterns[pattern] as CompiledPattern).regex;
    const groups = regex.exec(matched);
    return groups === null ? null : { entry, pattern, matched, suffix, groups };
  }

  private fallback(text: string, carry: boolean, accept?: (match: TableMatch) => boolean): TableMatch | undefined {
    this.fallbacks++;
    return findFirstMatch(this.entries, text, carry, accept);
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

  // ---- NFA construction: each token is built backwards, knowing the node it continues to.

  private addNode(kind: number, single: number, mask: Uint8Array | null, next: number, eps: number[] | null, entry: number, pattern: number): number {
    this.kind.push(kind);
    this.single.push(single);
    this.mask.push(mask);
    this.next.push(next);
    this.eps.push(eps);
    this.matchEntry.push(entry);
    this.matchPattern.push(pattern);
    return this.kind.length - 1;
  }

  private addMatch(entry: number, pattern: number): number {
    return this.addNode(MATCH, -1, null, -1, null, entry, pattern);
  }

  private addChar(m: { single: number; mask: Uint8Array | null }, next: number): number {
    return this.addNode(CHAR, m.single, m.mask, next, null, -1, -1);
  }

  private addLiteral(text: string, next: number, sharedMask: (key: string, chars: string | null) => { single: number; mask: Uint8Array | null }): number {
    let at = next;
    for (let i = text.length - 1; i >= 0; i--) {
      const ch = text[i] as string;
      at = this.addChar(sharedMask(`c${ch}`, ch), at);
    }
    return at;
  }

  private buildPattern(
    pattern: CompiledPattern,
    end: number,
    sharedMask: (key: string, chars: string | null) => { single: number; mask: Uint8Array | null },
  ): number {
    let at = end;
    for (let i = pattern.tokens.length - 1; i >= 0; i--) {
      const t = pattern.tokens[i] as PatternToken;
      switch (t.kind) {
        case 'literal':
          at = this.addLiteral(t.text, at, sharedMask);
          break;
        case 'class':
          at = this.addChar(sharedMask(`[${t.chars}`, t.chars), at);
          break;
        case 'wildcard':
          if (t.wildcard === '?' || t.wildcard === 'Z') {
            // A loop: the split either reads one more character and comes back, or goes on.
            const eps = [at];
            const loop = this.addNode(SPLIT, -1, null, -1, eps, -1, -1);
            eps.unshift(this.addChar(t.wildcard === 'Z' ? sharedMask('Z', null) : sharedMask('?', STAR_CHARS), loop));
            at = loop;
          } else {
            const chars = t.wildcard === 'X' ? '0123456789' : t.wildcard === 'Y' ? '123456789' : '23456789';
            at = this.addChar(sharedMask(t.wildcard, chars), at);
          }
          break;
        case 'ref': {
          // canMatch has ruled out unknown names and empty sets.
          const v = pattern.refs.get(t.name);
          if (v === undefined) break;
          if (v.kind === 'var') {
            at = this.addLiteral(v.value, at, sharedMask);
          } else {
            const branches = v.values.map((value) => this.addLiteral(value, at, sharedMask));
            at = this.addNode(SPLIT, -1, null, -1, branches, -1, -1);
          }
          break;
        }
      }
    }
    return at;
  }

  // ---- The DFA cache.

  private reset(): void {
    this.ids = new Map();
    this.sets = [new Int32Array(0)];
    this.acc = [null];
    this.trans = this.table(Math.min(this.maxStates + 1, 64) * this.w);
    this.stateCount = 1;
    this.storedNodes = 0;
    this.charsSinceFlush = 0;
    const dead = this.intern(new Int32Array(0));
    // The dead state leads to itself on every class.
    this.trans.fill(DEAD, dead * this.w, dead * this.w + this.k);
    this.intern(this.closure(this.starts, this.starts.length));
  }

  /** The sorted set of CHAR and MATCH nodes reachable without reading from `seeds[0..count)`. */
  private closure(seeds: ArrayLike<number>, count: number): Int32Array {
    const stamp = this.stamp;
    const stack = this.stack;
    const found = this.found;
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
      const eps = this.eps[node];
      if (eps) {
        for (const e of eps) {
          if (stamp[e] !== gen) {
            stamp[e] = gen;
            stack[sp++] = e;
          }
        }
      } else {
        found[nf++] = node;
      }
    }
    return found.slice(0, nf).sort();
  }

  /** Builds the transition of state `s` on class `cls`; UNKNOWN when the cache was full and has been flushed. */
  private step(s: number, cls: number): number {
    const set = this.sets[s] as Int32Array;
    // The seeds get their own array because closure() reuses the scratch buffers; this runs once per cached transition.
    const seeds = new Int32Array(set.length);
    let ns = 0;
    for (let i = 0; i < set.length; i++) {
      const node = set[i] as number;
      if (this.kind[node] !== CHAR) continue;
      const single = this.single[node] as number;
      if (single === cls || (single < 0 && (this.mask[node] as Uint8Array)[cls] === 1)) seeds[ns++] = this.next[node] as number;
    }
    const target = this.closure(seeds, ns);
    if (target.length === 0) {
      this.trans[s * this.w + cls] = DEAD;
      return DEAD;
    }
    const key = keyOf(target);
    let t = this.ids.get(key);
    if (t === undefined) {
      if (this.stateCount >= this.maxStates + 1 || this.storedNodes + target.length > this.maxStoredNodes) {
        this.flush();
        return UNKNOWN;
      }
      t = this.intern(target, key);
    }
    this.trans[s * this.w + cls] = t;
    return t;
  }

  private intern(set: Int32Array, key: string = keyOf(set)): number {
    const id = this.stateCount++;
    if ((id + 1) * this.w > this.trans.length) {
      const grown = this.table(Math.min(Math.max(this.trans.length * 2, (id + 1) * this.w), (this.maxStates + 1) * this.w));
      grown.set(this.trans);
      this.trans = grown;
    }
    this.ids.set(key, id);
    this.sets[id] = set;
    this.storedNodes += set.length;
    // Accepting entries, each with its first accepting pattern, by increasing entry.
    let pairs: number[] | null = null;
    for (let i = 0; i < set.length; i++) {
      const node = set[i] as number;
      if (this.kind[node] === MATCH) (pairs ??= []).push(this.matchEntry[node] as number, this.matchPattern[node] as number);
    }
    const acc = pairs === null ? null : sortPairs(pairs);
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
    // RE2's rule: a cache refilled after fewer than a few characters per state is thrashing, and the DFA costs more than
    // it saves; after a few such flushes in a row the reference matcher takes over for good.
    if (this.charsSinceFlush < THRASH_CHARS_PER_STATE * this.stateCount) this.thrashes++;
    else this.thrashes = 0;
    if (this.thrashes >= MAX_THRASHES) {
      this.disabled = true;
      this.ids = new Map();
      this.sets = [];
      this.acc = [];
      this.trans = new Int32Array(0);
      this.stateCount = 0;
      return;
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

/** A string key for a sorted node set: two UTF-16 units per id. */
function keyOf(set: Int32Array): string {
  let key = '';
  for (let i = 0; i < set.length; i++) {
    const id = set[i] as number;
    key += String.fromCharCode(id & 0xffff, id >>> 16);
  }
  return key;
}

/** (entry, pattern) pairs sorted by entry then pattern, keeping the first pattern of each entry. */
function sortPairs(pairs: number[]): Int32Array {
  const order: [number, number][] = [];
  for (let i = 0; i < pairs.length; i += 2) order.push([pairs[i] as number, pairs[i + 1] as number]);
  order.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: number[] = [];
  for (const [e, p] of order) if (out.length === 0 || out[out.length - 2] !== e) out.push(e, p);
  return Int32Array.from(out);
}
