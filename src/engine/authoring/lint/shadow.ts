/**
 * Which entries of a table can ever win, decided exactly on the pattern languages.
 *
 * The semantics are those of `findFirstMatch`: an entry matches a string when one of its patterns matches the whole
 * string or, when an extension may be carried, the base before its first `/` or `^` (at index 1 or later); the first
 * entry that matches wins. One breadth-first walk over the product of the entries' automata visits every class of strings
 * the table can tell apart: each product state knows, for each entry, whether it matches the strings that end there.
 * An entry that wins in no reachable state is unreachable; one that matches where an earlier entry wins is partly shadowed.
 * The walk is breadth first, so example strings are the shortest ones.
 */
import type { CompiledPattern } from '../../match/match.js';
import type { Alphabet, TableNfa } from './nfa.js';
import { buildAlphabet, tableToNfa } from './nfa.js';

/** What lint found out about one entry of a table. */
export interface EntryReach {
  /** Whether some string makes this entry the first to match. */
  readonly reachable: boolean;
  /** Whether the entry matches any string at all. */
  readonly matchesSomething: boolean;
  /** A shortest string the entry wins, if any. */
  readonly winExample?: string;
  /** A shortest string the entry matches but an earlier entry wins, if any. */
  readonly shadowExample?: string;
  /** The earlier entries that win some string this entry matches. */
  readonly coveredBy: readonly number[];
}

/** The outcome for a table; `complete` is false when the walk hit its bound and decided nothing. */
export interface TableReach {
  readonly complete: boolean;
  readonly entries: readonly EntryReach[];
}

/** The most product states visited before lint gives up on a table (it then reports nothing rather than guess). */
export const MAX_PRODUCT_STATES = 200_000;

/**
 * Sub-walks remembered between analyses (see {@link analyzeTable}): keyed by everything a sub-walk reads, so that a key
 * found gives exactly the sub-walk's outcome.
 */
export interface WalkCache {
  get(key: string): SubWalk | undefined;
  set(key: string, value: SubWalk): void;
  /**
   * The split walk: {@link splitWalk}, given by whoever keeps the cache (lint sessions), so that a bundle without
   * sessions (a browser page that only lints once) leaves that code out.
   */
  readonly split: SplitWalk;
}

/** The walk of one mode split at a depth, with sub-walks from a cache (see {@link splitWalk}). */
export type SplitWalk = (ctx: WalkContext, n: number, cache: WalkCache, depth: number) => ModeOutcome | undefined;

/**
 * What the walk below one product state found, for the entries it can reach, ranked in table order: examples as suffixes
 * (symbols encoded as characters, see {@link encode}), and the number of product states it visited.
 */
export interface SubWalk {
  /** Everything the sub-walk read, as numbers (its key is a hash of them). */
  readonly ints: Int32Array;
  readonly count: number;
  readonly wins: readonly (string | undefined)[];
  readonly shadows: readonly (string | undefined)[];
  readonly matches: readonly boolean[];
  readonly covered: readonly (readonly number[])[];
}

/**
 * With a {@link WalkCache}, the walk splits at this depth: below each product state it reaches after this many
 * characters (`+1317` in a North American plan), a sub-walk of its own, remembered, so that an edit to one entry walks
 * again only below the prefixes whose states it changed.
 */
export const SPLIT_DEPTH = 5;

/** The share of the bound that the split walk may use (see {@link analyzeTable}). */
const SPLIT_BUDGET = 0.5;

/**
 * Decides, for each entry of a table, whether it can win and whether earlier entries take some of its strings.
 *
 * With a cache (lint sessions, see `createLintSession`), the walk of each mode is split at {@link SPLIT_DEPTH}: the
 * states up to that depth are walked as one, and below each state at that depth a sub-walk of its own is walked, or
 * taken from the cache when the same sub-walk (the same automaton below it, the same entries in the same order) was
 * walked before. The outcome is the same as without a cache: each example is the shortest string, first in the
 * alphabet's order, and the sets are unions. The split walk visits states shared below two prefixes twice, so it may
 * visit more than the single walk: past half the bound it stops and the single walk decides (the split walk never
 * completes where the single walk would not, so the bound is met or missed alike).
 *
 * @param entries - the table's entries, each with its compiled patterns, in priority order
 * @param carryExtensions - the modes to consider: with extension carrying (telephone numbers) and without (SIP addresses)
 * @param maxStates - the bound of the walk
 * @param cache - sub-walks of earlier analyses to reuse, and where to put this one's
 * @param splitDepth - where the walk splits when there is a cache
 * @returns one verdict per entry
 * @example
 * ```ts
 * analyzeTable(tables.entries).entries[3].reachable; // false for an entry hidden behind earlier ones
 * ```
 */
export function analyzeTable(
  entries: readonly { readonly patterns: readonly CompiledPattern[] }[],
  carryExtensions: readonly boolean[] = [true, false],
  maxStates = MAX_PRODUCT_STATES,
  cache?: WalkCache,
  splitDepth = SPLIT_DEPTH,
): TableReach {
  const alphabet = buildAlphabet(entries.flatMap((e) => e.patterns));
  const nfa = tableToNfa(entries, alphabet);
  // An entry with a `when:` condition takes only the numbers libphonenumber-js says meet it, which the pattern languages
  // cannot tell: it may win any string it matches, and never hides a later entry.
  const conditional = entries.map((e) => (e as { readonly rule?: { readonly when?: unknown } }).rule?.when !== undefined);
  const modes: ModeOutcome[] = [];
  // The two modes mostly split at the same states: their sub-walks' keys are worked out once.
  const keys = new Map<string, ReturnType<typeof subWalkKey>>();
  for (const carry of carryExtensions) {
    const ctx: WalkContext = { g: nfa, alphabet, carry, maxStates, conditional, keys };
    // Symbols are encoded one character each: an alphabet past the BMP's size cannot be (no pattern has one).
    const outcome = (cache !== undefined && alphabet.size < 0xd000 ? cache.split(ctx, entries.length, cache, splitDepth) : undefined) ?? singleMode(ctx, entries.length);
    if (outcome === undefined) return { complete: false, entries: [] };
    modes.push(outcome);
  }
  const first = (pick: (m: ModeOutcome) => string | undefined): string | undefined => {
    for (const m of modes) {
      const v = pick(m);
      if (v !== undefined) return decode(v, alphabet);
    }
    return undefined;
  };
  return {
    complete: true,
    entries: entries.map((_, i) => {
      const win = first((m) => m.wins[i]);
      const shadow = first((m) => m.shadows[i]);
      const covered = new Set<number>();
      for (const m of modes) for (const w of m.covered[i] ?? []) covered.add(w);
      return {
        reachable: win !== undefined,
        matchesSomething: modes.some((m) => m.matches[i] === true),
        ...(win !== undefined ? { winExample: win } : {}),
        ...(shadow !== undefined ? { shadowExample: shadow } : {}),
        coveredBy: [...covered].sort((a, b) => a - b),
      };
    }),
  };
}

/** What one mode's walk found, per entry; examples encoded. */
/** What the walk of one mode found. */
export interface ModeOutcome {
  readonly wins: (string | undefined)[];
  readonly shadows: (string | undefined)[];
  readonly matches: boolean[];
  readonly covered: Set<number>[];
}

/** What a walk of one mode reads. */
export interface WalkContext {
  readonly g: TableNfa;
  readonly alphabet: Alphabet;
  readonly carry: boolean;
  readonly maxStates: number;
  readonly conditional: readonly boolean[];
  /** Per NFA state, whether it has epsilon moves (worked out by the first walk). */
  hasEpsilon?: readonly boolean[];
  /** The sub-walks' keys made so far, by the state they start from (shared by the modes of one table). */
  readonly keys: Map<string, ReturnType<typeof subWalkKey>>;
  /** Scratch for {@link subWalkKey}: per NFA state, its number in the key being made, or -1; per entry, its rank. */
  local?: Int32Array;
  rankOf?: Int32Array;
  buffer?: Int32Array;
}

const newOutcome = (n: number): ModeOutcome => ({
  wins: new Array<string | undefined>(n).fill(undefined),
  shadows: new Array<string | undefined>(n).fill(undefined),
  matches: new Array<boolean>(n).fill(false),
  covered: Array.from({ length: n }, () => new Set<number>()),
});

/** Records one product state's matching entries in a walk whose first visits are its shortest strings. */
function recordFirst(out: ModeOutcome, conditional: readonly boolean[], matching: readonly number[], example: () => string): void {
  let k = 0;
  for (; k < matching.length && conditional[matching[k] as number] === true; k++) {
    const e = matching[k] as number;
    out.matches[e] = true;
    if (out.wins[e] === undefined) out.wins[e] = example();
  }
  const winner = matching[k];
  if (winner === undefined) return;
  if (out.wins[winner] === undefined) out.wins[winner] = example();
  for (; k < matching.length; k++) {
    const e = matching[k] as number;
    out.matches[e] = true;
    if (e !== winner) {
      out.covered[e]?.add(winner);
      if (out.shadows[e] === undefined) out.shadows[e] = example();
    }
  }
}

/** Symbols as characters (symbol + 1), so that strings of them compare as the walk's order does. */
const encode = (symbol: number): string => String.fromCharCode(symbol + 1);
const decode = (encoded: string, alphabet: Alphabet): string => {
  let out = '';
  for (let i = 0; i < encoded.length; i++) out += alphabet.sample(encoded.charCodeAt(i) - 1);
  return out;
};

/** The whole walk of one mode at once; undefined past the bound. */
function singleMode(ctx: WalkContext, n: number): ModeOutcome | undefined {
  const out = newOutcome(n);
  const count = walk(ctx, undefined, Infinity, ctx.maxStates, (matching, example) => recordFirst(out, ctx.conditional, matching, example));
  return count < 0 ? undefined : out;
}

/** The walk of one mode split at `depth`, with sub-walks from the cache; undefined past the bound. */
export const splitWalk: SplitWalk = (ctx, n, cache, depth) => splitMode(ctx, n, cache, depth);

function splitMode(ctx: WalkContext, n: number, cache: WalkCache, depth: number): ModeOutcome | undefined {
  const out = newOutcome(n);
  const frontier: Node[] = [];
  // The split walk's own bound, below the single walk's: a plan whose prefixes share most of their states (mixtures of
  // `?` that overlap everywhere) would have them walked again below every prefix; past it, the single walk decides, having
  // lost at most this much work.
  const budget = Math.floor(ctx.maxStates * SPLIT_BUDGET);
  let total = walk(ctx, undefined, depth, budget, (matching, example) => recordFirst(out, ctx.conditional, matching, example), (f) => frontier.push(f));
  if (total < 0) return undefined;
  const alphabetKey = JSON.stringify([ctx.carry, ctx.alphabet.chars]);
  for (const f of frontier) {
    const signature = `${f.phase},${f.sip}|${f.frozen.join(',')}|${f.set.join(',')}`;
    let made = ctx.keys.get(signature);
    if (made === undefined) ctx.keys.set(signature, (made = subWalkKey(ctx, f)));
    const { key, ints, ranked } = made;
    const fullKey = `${alphabetKey}\n${key}`;
    let sub = cache.get(fullKey);
    // The numbers are compared too: two sub-walks whose numbers hash alike are not taken for each other.
    if (sub === undefined || !sameInts(sub.ints, ints)) {
      sub = subWalk(ctx, f, ranked, ints, budget - total);
      if (sub === undefined) return undefined;
    }
    cache.set(fullKey, sub);
    total += sub.count;
    if (total > budget) return undefined;
    // The strings below `f` start with its own, `depth` symbols long: longer than any string the first part visited, and
    // the states at that depth come in the walk's order, so a string from here comes first only when it is shorter than
    // what the first part and the states before `f` found (of the same length, theirs come first).
    let prefix: string | undefined;
    for (let r = 0; r < ranked.length; r++) {
      const e = ranked[r] as number;
      const win = sub.wins[r];
      const knownWin = out.wins[e];
      if (win !== undefined && (knownWin === undefined || depth + win.length < knownWin.length)) out.wins[e] = (prefix ??= pathTo(f)) + win;
      const shadow = sub.shadows[r];
      const knownShadow = out.shadows[e];
      if (shadow !== undefined && (knownShadow === undefined || depth + shadow.length < knownShadow.length)) out.shadows[e] = (prefix ??= pathTo(f)) + shadow;
      if (sub.matches[r] === true) out.matches[e] = true;
      for (const w of sub.covered[r] as readonly number[]) out.covered[e]?.add(ranked[w] as number);
    }
  }
  return out;
}

/**
 * Everything a sub-walk below `f` reads, as numbers: the phase, the SIP progress, the entries frozen, the automaton
 * reachable from its states (renumbered in the order they are reached), the entries it accepts ranked in table order
 * with their `when:` presence. The mode and the alphabet are added by the caller. The numbers are hashed into the cache's
 * key and kept with the sub-walk, so that a hash that two of them share is told apart.
 */
function subWalkKey(ctx: WalkContext, f: Node): { readonly key: string; readonly ints: Int32Array; readonly ranked: readonly number[] } {
  const { g } = ctx;
  // Scratch, reset before returning so that it serves every key: per NFA state its number in this key (-1: not
  // reached), per entry its rank (-1: not accepted here), and the numbers being written.
  const local = (ctx.local ??= new Int32Array(g.next.length).fill(-1));
  const rankOf = (ctx.rankOf ??= new Int32Array(ctx.conditional.length).fill(-1));
  const order: number[] = [];
  const ranked: number[] = [];
  const reach = (t: number): void => {
    if (local[t] === -1) {
      local[t] = order.length;
      order.push(t);
    }
  };
  const accept = (e: number): void => {
    if (rankOf[e] === -1) {
      rankOf[e] = 0;
      ranked.push(e);
    }
  };
  for (const s of f.set) reach(s);
  for (const e of f.frozen) accept(e);
  for (let i = 0; i < order.length; i++) {
    const s = order[i] as number;
    const row = g.next[s] as readonly (readonly number[] | undefined)[];
    const symbols = g.symbolsFrom[s] as readonly number[];
    for (let k = 0; k < symbols.length; k++) {
      const targets = row[symbols[k] as number] as readonly number[];
      for (let x = 0; x < targets.length; x++) reach(targets[x] as number);
    }
    const eps = g.epsilon[s] as readonly number[];
    for (let x = 0; x < eps.length; x++) reach(eps[x] as number);
    const acc = g.acceptOf[s] as readonly number[];
    for (let x = 0; x < acc.length; x++) accept(acc[x] as number);
  }
  ranked.sort((a, b) => a - b);
  ranked.forEach((e, r) => (rankOf[e] = r));
  let buf = (ctx.buffer ??= new Int32Array(1024));
  let n = 0;
  const put = (v: number): void => {
    if (n === buf.length) {
      const bigger = new Int32Array(buf.length * 2);
      bigger.set(buf);
      buf = ctx.buffer = bigger;
    }
    buf[n++] = v;
  };
  put(f.phase);
  put(f.sip);
  put(f.frozen.length);
  for (const e of f.frozen) put(rankOf[e] as number);
  put(f.set.length);
  for (const s of f.set) put(local[s] as number);
  put(ranked.length);
  for (const e of ranked) put(ctx.conditional[e] === true ? 1 : 0);
  for (const s of order) {
    const row = g.next[s] as readonly (readonly number[] | undefined)[];
    const symbols = g.symbolsFrom[s] as readonly number[];
    // Moves as runs of consecutive symbols with the same targets (an X is one run of ten digits).
    const at = n;
    put(0);
    let runs = 0;
    for (let k = 0; k < symbols.length; ) {
      const first = symbols[k] as number;
      const targets = row[first] as readonly number[];
      let last = first;
      let m = k + 1;
      for (; m < symbols.length; m++) {
        const sym = symbols[m] as number;
        const other = row[sym] as readonly number[];
        if (sym !== last + 1 || (other !== targets && (other.length !== targets.length || other.some((t, x) => t !== targets[x])))) break;
        last = sym;
      }
      put(first);
      put(last);
      put(targets.length);
      for (const t of targets) put(local[t] as number);
      runs++;
      k = m;
    }
    buf[at] = runs;
    const eps = g.epsilon[s] as readonly number[];
    put(eps.length);
    for (const t of eps) put(local[t] as number);
    const acc = g.acceptOf[s] as readonly number[];
    put(acc.length);
    for (const e of acc) put(rankOf[e] as number);
  }
  for (const s of order) local[s] = -1;
  for (const e of ranked) rankOf[e] = -1;
  const ints = buf.slice(0, n);
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < n; i++) {
    const v = ints[i] as number;
    h1 = Math.imul(h1 ^ v, 0x01000193);
    h2 = Math.imul(h2 ^ v, 0x5bd1e995) ^ (h2 >>> 13);
  }
  return { key: `${(h1 >>> 0).toString(36)}.${(h2 >>> 0).toString(36)}.${n}`, ints, ranked };
}

const sameInts = (a: Int32Array, b: Int32Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** The walk below `f`, as if `f` were the start (its strings the suffixes), with entries ranked as `ranked`. */
function subWalk(ctx: WalkContext, f: Node, ranked: readonly number[], ints: Int32Array, maxStates: number): SubWalk | undefined {
  const found = new Map<number, { win?: string; shadow?: string; matches: boolean; covered: Set<number> }>();
  const at = (e: number): { win?: string; shadow?: string; matches: boolean; covered: Set<number> } => {
    let r = found.get(e);
    if (r === undefined) found.set(e, (r = { matches: false, covered: new Set() }));
    return r;
  };
  const root: Node = { set: f.set, frozen: f.frozen, phase: f.phase, sip: f.sip, parent: undefined, symbol: -1, depth: 0 };
  const count = walk(ctx, root, Infinity, maxStates, (matching, example) => {
    let k = 0;
    for (; k < matching.length && ctx.conditional[matching[k] as number] === true; k++) {
      const r = at(matching[k] as number);
      r.matches = true;
      r.win ??= example();
    }
    const winner = matching[k];
    if (winner === undefined) return;
    const w = at(winner);
    w.win ??= example();
    for (; k < matching.length; k++) {
      const e = matching[k] as number;
      const r = at(e);
      r.matches = true;
      if (e !== winner) {
        r.covered.add(winner);
        r.shadow ??= example();
      }
    }
  });
  if (count < 0) return undefined;
  const rank = new Map(ranked.map((e, r) => [e, r]));
  const rows = ranked.map((e) => found.get(e));
  return {
    ints,
    count,
    wins: rows.map((r) => r?.win),
    shadows: rows.map((r) => r?.shadow),
    matches: rows.map((r) => r?.matches === true),
    covered: rows.map((r) => [...(r?.covered ?? [])].map((w) => rank.get(w) as number).sort((a, b) => a - b)),
  };
}

interface Node {
  /** The NFA states alive, sorted. */
  readonly set: readonly number[];
  /** The entries whose base matched when the first separator was read (carry mode), sorted. */
  readonly frozen: readonly number[];
  /** 0: nothing read yet, 1: reading the base, 2: past the first separator (carry mode only). */
  readonly phase: 0 | 1 | 2;
  /**
   * How far the string is from being SIP-shaped: prepare reads as a SIP address (matched without extension carrying)
   * only text that holds `@` or starts with `sip:`/`sips:`. Progress through that prefix (0 to 4), 5 once it is SIP, -1
   * when the prefix failed and no `@` was read yet.
   */
  readonly sip: number;
  readonly parent: Node | undefined;
  readonly symbol: number;
  /** How many characters were read from the walk's root. */
  readonly depth: number;
}

/** The symbols read from the walk's root to a node, encoded. */
function pathTo(n: Node): string {
  const out: string[] = [];
  for (let c: Node | undefined = n; c?.parent; c = c.parent) out.push(encode(c.symbol));
  return out.reverse().join('');
}

/**
 * The breadth-first walk from `root` (undefined: the start), visiting each product state at its shortest string, first
 * in the alphabet's order. Nodes at depth `limit` are handed to `frontier` (once each) rather than visited and walked on.
 *
 * @returns the product states visited, or -1 past the bound
 */
function walk(
  ctx: WalkContext,
  root: Node | undefined,
  limit: number,
  maxStates: number,
  visit: (matching: readonly number[], example: () => string) => void,
  frontier?: (n: Node) => void,
): number {
  const { g, alphabet, carry } = ctx;
  // States are bounded, and so is the work on them: the NFA states of the sets worked out (see below).
  let work = 0;
  const hasEpsilon = (ctx.hasEpsilon ??= g.epsilon.map((e) => e.length > 0));
  const symbolsFrom = g.symbolsFrom;
  const closure = (states: number[]): number[] => {
    // Most steps land in states without epsilon moves: then the closure is the states themselves, sorted, once each.
    if (!states.some((s) => hasEpsilon[s] === true)) {
      states.sort((a, b) => a - b);
      let w = 0;
      for (let r = 0; r < states.length; r++) if (r === 0 || states[r] !== states[w - 1]) states[w++] = states[r] as number;
      states.length = w;
      return states;
    }
    const seen = new Set<number>();
    const stack = [...states];
    while (stack.length > 0) {
      const s = stack.pop() as number;
      if (seen.has(s)) continue;
      seen.add(s);
      for (const t of g.epsilon[s] ?? []) stack.push(t);
    }
    return [...seen].sort((a, b) => a - b);
  };
  const accepting = (set: readonly number[]): number[] => {
    // Mostly no state of the set accepts, or one does: no Set needed for those.
    let only: readonly number[] | undefined;
    let several = false;
    for (const s of set) {
      const a = g.acceptOf[s] as readonly number[];
      if (a.length === 0) continue;
      if (only === undefined) only = a;
      else several = true;
    }
    if (only === undefined) return [];
    if (!several) return only.slice();
    const out = new Set<number>();
    for (const s of set) for (const e of g.acceptOf[s] ?? []) out.add(e);
    return [...out].sort((a, b) => a - b);
  };
  // Visited product states, by a number hashed from what tells them apart, then compared: no key string per state.
  const hashOf = (n: Pick<Node, 'set' | 'frozen' | 'phase' | 'sip'>): number => {
    let h = n.phase * 16 + n.sip + 1;
    for (const s of n.frozen) h = Math.imul(h ^ s, 0x9e3779b1);
    h = Math.imul(h ^ 0x5bd1e995, 0x85ebca6b);
    for (const s of n.set) h = Math.imul(h ^ s, 0x9e3779b1);
    return h;
  };
  const sameArray = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  const sameNode = (a: Node, b: Node): boolean => a.phase === b.phase && a.sip === b.sip && sameArray(a.set, b.set) && sameArray(a.frozen, b.frozen);
  const visited = new Map<number, Node[]>();
  let visitedCount = 0;
  /** Records a node unless an equal one was; false when it was. */
  const firstVisit = (n: Node): boolean => {
    const h = hashOf(n);
    const bucket = visited.get(h);
    if (bucket?.some((o) => sameNode(o, n))) return false;
    if (bucket) bucket.push(n);
    else visited.set(h, [n]);
    visitedCount++;
    return true;
  };
  const sepSymbols = new Set([alphabet.symbolOf('/'), alphabet.symbolOf('^')]);
  const at = alphabet.symbolOf('@');
  const [sS, sI, sP] = [...'sip'].map((c) => alphabet.symbolOf(c));
  const colon = alphabet.symbolOf(':');
  // The SIP-shape automaton: "sip:" or "sips:" as a prefix, or an "@" anywhere.
  const sipNext = (state: number, sym: number): number => {
    if (state === 5 || sym === at) return 5;
    if (state === -1) return -1;
    if (state === 0) return sym === sS ? 1 : -1;
    if (state === 1) return sym === sI ? 2 : -1;
    if (state === 2) return sym === sP ? 3 : -1;
    if (state === 3) return sym === colon ? 5 : sym === sS ? 4 : -1;
    return sym === colon ? 5 : -1;
  };

  const start: Node = root ?? { set: closure([g.start]), frozen: [], phase: 0, sip: 0, parent: undefined, symbol: -1, depth: 0 };
  // Which strings this walk answers for: prepare reads SIP-shaped text as a SIP address (matched whole, no extension
  // carried), so the walk with extension carrying counts only the strings that are not SIP-shaped, the other one only
  // those that are.
  const counts = (n: Node): boolean => (carry ? n.sip !== 5 : n.sip === 5);
  firstVisit(start);
  const queue: Node[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const n = queue[head] as Node;
    // The empty string never reaches a table (prepare rejects it), so the start state is not visited as an end.
    if (n.phase !== 0 && counts(n)) {
      const matching = n.frozen.length === 0 ? accepting(n.set) : [...new Set([...n.frozen, ...accepting(n.set)])].sort((a, b) => a - b);
      visit(matching, () => pathTo(n));
    }
    // Where each symbol leads from the node's states, gathered from the states' own transitions (a literal's state has
    // one symbol, an X's ten) rather than by asking every state about every symbol.
    const movedBy: (number[] | undefined)[] = new Array<number[] | undefined>(alphabet.size);
    for (const s of n.set) {
      const row = g.next[s] as readonly (readonly number[] | undefined)[];
      for (const sym of symbolsFrom[s] as readonly number[]) {
        const list = (movedBy[sym] ??= []);
        for (const t of row[sym] ?? []) list.push(t);
      }
    }
    // Symbols that lead to the same states (the ten digits under an X) make the same child: only the first is worked out.
    // Siblings are told apart by a number hashed from what makes the child, then compared (no string per symbol).
    const siblings = new Map<number, { readonly separates: boolean; readonly sip: number; readonly moved: readonly number[] }[]>();
    for (let sym = 0; sym < alphabet.size; sym++) {
      let phase: Node['phase'] = n.phase === 0 ? 1 : n.phase;
      let frozen = n.frozen;
      const separates = carry && n.phase === 1 && sepSymbols.has(sym);
      if (separates) {
        // The first separator after at least one character: the base ends here.
        frozen = accepting(n.set);
        phase = 2;
      }
      const moved = movedBy[sym] ?? [];
      const sip = sipNext(n.sip, sym);
      // A SIP-shaped string stays SIP-shaped however it goes on: nothing below it counts for the walk with carrying.
      if (carry && sip === 5) continue;
      let h = (separates ? 1 : 2) * 8 + sip + 1;
      for (const t of moved) h = Math.imul(h ^ t, 0x9e3779b1);
      const same = siblings.get(h);
      if (same?.some((o) => o.separates === separates && o.sip === sip && o.moved.length === moved.length && o.moved.every((t, i) => t === moved[i]))) continue;
      if (same) same.push({ separates, sip, moved: moved.slice() });
      else siblings.set(h, [{ separates, sip, moved: moved.slice() }]);
      const set = closure(moved);
      // A state's cost grows with its set, which hundreds of overlapping entries, or sets of a thousand values, make
      // large (599 such entries took 88 s and 2 GB for 200 000 states): on average 32 NFA states a state allowed.
      if ((work += set.length) > maxStates * 32) return -1;
      // Once every entry is dead and no base matched, no longer string can match anything new.
      if (set.length === 0 && frozen.length === 0) continue;
      const child: Node = { set, frozen, phase, sip, parent: n, symbol: sym, depth: n.depth + 1 };
      if (visitedCount >= maxStates) {
        // The bound: only a state never seen before would exceed it.
        const bucket = visited.get(hashOf(child));
        if (bucket?.some((o) => sameNode(o, child))) continue;
        return -1;
      }
      if (!firstVisit(child)) continue;
      if (child.depth >= limit && frontier !== undefined) frontier(child);
      else queue.push(child);
    }
  }
  return visitedCount;
}
