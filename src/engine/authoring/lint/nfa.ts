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

/** An NFA: per state, its transitions (symbol to states) and epsilon moves; `accept` marks final states. */
export interface Nfa {
  readonly next: (readonly (readonly number[])[])[];
  readonly epsilon: number[][];
  readonly accept: boolean[];
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
 * Builds one NFA for several patterns (the language is their union) over an alphabet.
 *
 * @param patterns - the patterns of one entry
 * @param alphabet - from {@link buildAlphabet}, covering these patterns
 * @returns the NFA; state 0 is the start
 * @example
 * ```ts
 * const nfa = patternsToNfa(entry.patterns, alphabet);
 * ```
 */
export function patternsToNfa(patterns: readonly CompiledPattern[], alphabet: Alphabet): Nfa {
  const next: number[][][] = [];
  const epsilon: number[][] = [];
  const accept: boolean[] = [];
  const state = (): number => {
    next.push(Array.from({ length: alphabet.size }, () => []));
    epsilon.push([]);
    accept.push(false);
    return next.length - 1;
  };
  const edge = (from: number, symbols: Iterable<number>, to: number): void => {
    for (const s of new Set(symbols)) next[from]?.[s]?.push(to);
  };
  const symbolsOf = (chars: string): number[] => [...chars].map((c) => alphabet.symbolOf(c));
  const all = Array.from({ length: alphabet.size }, (_, i) => i);
  const start = state();
  for (const p of patterns) {
    let cur = state();
    epsilon[start]?.push(cur);
    const literal = (text: string): void => {
      for (const c of text) {
        const n = state();
        edge(cur, [alphabet.symbolOf(c)], n);
        cur = n;
      }
    };
    let dead = false;
    for (const t of p.tokens) {
      if (t.kind === 'literal') literal(t.text);
      else if (t.kind === 'class') {
        const n = state();
        edge(cur, symbolsOf(t.chars), n);
        cur = n;
      } else if (t.kind === 'wildcard') {
        if (t.wildcard === 'Z' || t.wildcard === '?') {
          // A star: a fresh state that loops, so that it does not share the loop with anything before it.
          const n = state();
          epsilon[cur]?.push(n);
          edge(n, t.wildcard === 'Z' ? all : symbolsOf(STAR_CHARS), n);
          cur = n;
        } else {
          const n = state();
          edge(cur, symbolsOf(t.wildcard === 'X' ? '0123456789' : t.wildcard === 'Y' ? '123456789' : '23456789'), n);
          cur = n;
        }
      } else {
        const v = p.refs.get(t.name);
        if (v === undefined) dead = true;
        else if (v.kind === 'var') literal(v.value);
        else {
          const end = state();
          const from = cur;
          for (const value of v.values) {
            cur = from;
            literal(value);
            epsilon[cur]?.push(end);
          }
          cur = end;
        }
      }
    }
    if (!dead) accept[cur] = true;
  }
  return { next, epsilon, accept };
}
