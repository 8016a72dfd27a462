/**
 * Patterns as nondeterministic automata over a finite alphabet, for lint's exact questions about pattern languages
 * ("is every string this entry matches taken by earlier entries?"). The engine's matcher answers "which entry matches this
 * string"; lint needs to reason over all strings at once, so it builds its own small automata.
 *
 * The alphabet: every character any pattern of the table mentions (letters folded to lower case, since patterns match
 * without regard to case), the digits, `* # , + / ^`, and one symbol OTHER for every character no pattern mentions — such
 * characters are interchangeable for every pattern, so one representative decides for all of them.
 */
import type { CompiledPattern } from '../../match/match.js';
import { STAR_CHARS } from '../../match/match.js';

/** A finite alphabet: symbol i stands for `chars[i]`; the last symbol is OTHER. */
export interface Alphabet {
  readonly chars: readonly string[];
  /** The symbol of a character. */
  symbolOf(ch: string): number;
  /** A character that stands for a symbol in example strings. */
  sample(symbol: number): string;
  readonly size: number;
}

const fold = (ch: string): string => ch.toLowerCase();

/**
 * Builds the alphabet of a set of patterns.
 *
 * @param patterns - every pattern lint will reason about together
 * @returns the alphabet
 * @example
 * ```ts
 * buildAlphabet(patterns).symbolOf('7');
 * ```
 */
export function buildAlphabet(patterns: readonly CompiledPattern[]): Alphabet {
  // The characters of `sip:` and `@` too: lint tells SIP addresses (matched without extension carrying) apart.
  const set = new Set<string>([...'0123456789', ...STAR_CHARS, '+', '/', '^', ...'sip:@']);
  for (const p of patterns) {
    for (const t of p.tokens) {
      if (t.kind === 'literal') for (const c of t.text) set.add(fold(c));
      else if (t.kind === 'class') for (const c of t.chars) set.add(fold(c));
    }
    for (const v of p.refs.values()) {
      if (v?.kind === 'var') for (const c of v.value) set.add(fold(c));
      else if (v?.kind === 'set') for (const s of v.values) for (const c of s) set.add(fold(c));
    }
  }
  const chars = [...set].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  const other = chars.length;
  // A character no pattern mentions, to print for OTHER.
  const otherSample = [...'qwjkvlmpfghbdtcsaeiou~!'].find((c) => !set.has(c)) ?? '\u00a7';
  return {
    chars,
    size: chars.length + 1,
    symbolOf: (ch) => index.get(fold(ch)) ?? other,
    sample: (s) => chars[s] ?? otherSample,
  };
}

/**
 * A whole table's patterns as one NFA: per state, its transitions (symbol to states) and epsilon moves, and the entries
 * whose pattern ends there.
 */
export interface TableNfa {
  /** Per state, per symbol, the states it moves to (undefined: none). */
  readonly next: readonly (readonly (readonly number[] | undefined)[])[];
  /** Per state, the symbols it has a move on, in order. */
  readonly symbolsFrom: readonly (readonly number[])[];
  readonly epsilon: readonly (readonly number[])[];
  /** The entries (by index) that a string ending in this state matches. */
  readonly acceptOf: readonly (readonly number[])[];
  /** The start state. */
  readonly start: number;
}

/**
 * Builds one NFA for a whole table, as a trie where patterns share states while they read the same characters: every
 * step that reads one character from a set (a literal character, a class, `X`, `N`, `Y`, a location variable) is shared
 * with any other pattern that took the same steps so far, and a pattern goes on in states of its own from its first
 * `?`, `Z` or set reference. In a table of a thousand exchanges (`+1317555XXXX`, ...), the strings `+1317` then reach one
 * state rather than a thousand, which keeps the sets of states lint's walk builds small.
 *
 * @param entries - the table's entries, each with its patterns, in priority order
 * @param alphabet - from {@link buildAlphabet}, covering every pattern of the table
 * @returns the NFA
 * @example
 * ```ts
 * const nfa = tableToNfa(tables.entries, buildAlphabet(tables.entries.flatMap((e) => e.patterns)));
 * ```
 */
export function tableToNfa(entries: readonly { readonly patterns: readonly CompiledPattern[] }[], alphabet: Alphabet): TableNfa {
  // Rows are sparse: a state moves on one symbol (a literal) or ten (an X), rarely on all of them.
  const next: (number[] | undefined)[][] = [];
  const epsilon: number[][] = [];
  const acceptOf: number[][] = [];
  // Most states have no epsilon move and accept nothing: they share one empty list until they get one of their own.
  const none: number[] = [];
  const state = (): number => {
    next.push(new Array<number[] | undefined>(alphabet.size));
    epsilon.push(none);
    acceptOf.push(none);
    return next.length - 1;
  };
  const addEpsilon = (from: number, to: number): void => {
    const list = epsilon[from] as number[];
    if (list === none) epsilon[from] = [to];
    else list.push(to);
  };
  // A step over several symbols (an X: ten digits) to one new state gives them one list of targets, shared, and copied
  // before a later move adds to it for one symbol only.
  const sharedLists = new Set<number[]>();
  const move = (from: number, symbol: number, to: number): void => {
    const row = next[from] as (number[] | undefined)[];
    let list = row[symbol];
    if (list === undefined) row[symbol] = [to];
    else {
      if (sharedLists.has(list)) row[symbol] = list = list.slice();
      list.push(to);
    }
  };
  const moveAll = (from: number, symbols: readonly number[], to: number): void => {
    if (symbols.length === 1) return move(from, symbols[0] as number, to);
    const row = next[from] as (number[] | undefined)[];
    const list = [to];
    sharedLists.add(list);
    for (const s of symbols) {
      if (row[s] === undefined) row[s] = list;
      else move(from, s, to);
    }
  };
  // The shared states: a state reached from a shared state by one step over a given set of symbols (numbered, below),
  // by a number made of both (no string per step: a table of a thousand entries takes ten thousand steps).
  const child = new Map<number, number>();
  const symbolSets = new Map<string, number>();
  // The arrays below are made once per character or class, so they are mostly known by identity.
  const setOfArray = new Map<readonly number[], number>();
  const setNumber = (symbols: readonly number[]): number => {
    let id = setOfArray.get(symbols);
    if (id !== undefined) return id;
    const k = symbols.join(',');
    id = symbolSets.get(k);
    if (id === undefined) symbolSets.set(k, (id = symbolSets.size));
    setOfArray.set(symbols, id);
    return id;
  };
  const single: number[][] = Array.from({ length: alphabet.size }, (_, i) => [i]);
  const symbolsOfChars = new Map<string, number[]>();
  const symbolsOf = (chars: string): number[] => {
    let out = symbolsOfChars.get(chars);
    if (out === undefined) symbolsOfChars.set(chars, (out = [...new Set([...chars].map((c) => alphabet.symbolOf(c)))].sort((a, b) => a - b)));
    return out;
  };
  const all = Array.from({ length: alphabet.size }, (_, i) => i);
  const start = state();
  entries.forEach((entry, e) => {
    for (const p of entry.patterns) {
      let cur = start;
      let shared = true;
      const step = (symbols: readonly number[]): void => {
        if (shared) {
          // Below 2^53: fewer than 2^20 sets of symbols (one per class a table spells), fewer than 2^33 states.
          const key = cur * 0x100000 + setNumber(symbols);
          const known = child.get(key);
          if (known !== undefined) {
            cur = known;
            return;
          }
          const n = state();
          moveAll(cur, symbols, n);
          child.set(key, n);
          cur = n;
          return;
        }
        const n = state();
        moveAll(cur, symbols, n);
        cur = n;
      };
      const literal = (text: string): void => {
        for (const c of text) step(single[alphabet.symbolOf(c)] as number[]);
      };
      let dead = false;
      for (const t of p.tokens) {
        if (t.kind === 'literal') literal(t.text);
        else if (t.kind === 'class') step(symbolsOf(t.chars));
        else if (t.kind === 'wildcard') {
          if (t.wildcard === 'Z' || t.wildcard === '?') {
            // A star: a fresh state that loops, so that it does not share the loop with anything before it; from here on
            // the pattern's states are its own.
            shared = false;
            const n = state();
            addEpsilon(cur, n);
            moveAll(n, t.wildcard === 'Z' ? all : symbolsOf(STAR_CHARS), n);
            cur = n;
          } else {
            step(symbolsOf(t.wildcard === 'X' ? '0123456789' : t.wildcard === 'Y' ? '123456789' : '23456789'));
          }
        } else {
          const v = p.refs.get(t.name);
          if (v === undefined) {
            dead = true;
            break;
          }
          if (v.kind === 'var') literal(v.value);
          else {
            // Alternatives of their own, joined again by an epsilon move.
            shared = false;
            const end = state();
            const from = cur;
            for (const value of v.values) {
              cur = from;
              literal(value);
              addEpsilon(cur, end);
            }
            cur = end;
          }
        }
      }
      const accepts = acceptOf[cur] as number[];
      if (!dead && accepts[accepts.length - 1] !== e) {
        if (accepts === none) acceptOf[cur] = [e];
        else accepts.push(e);
      }
    }
  });
  const symbolsFrom = next.map((row) => {
    const out: number[] = [];
    for (let sym = 0; sym < row.length; sym++) if (row[sym] !== undefined) out.push(sym);
    return out;
  });
  return { next, symbolsFrom, epsilon, acceptOf, start };
}
