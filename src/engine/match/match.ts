/**
 * The reference matcher: patterns compiled to anchored regular expressions and tried entry by entry, first match wins.
 * It defines what a table means; faster matchers must agree with it.
 */
import type { PatternToken, WildcardKind } from './pattern.js';

/** What a `{name}` in a pattern stands for in one location: a named set (captured) or a location variable (literal). */
export type RefValue =
  | { readonly kind: 'set'; readonly values: readonly string[] }
  | { readonly kind: 'var'; readonly value: string };

/** A pattern ready to match, with what its capture groups hold. */
export interface CompiledPattern {
  readonly source: string;
  readonly tokens: readonly PatternToken[];
  /** Anchored at both ends, case-insensitive. */
  readonly regex: RegExp;
  /** The positional wildcards in order: what a wildcard-style template must repeat. */
  readonly positional: readonly WildcardKind[];
  /** For each positional wildcard, its source text (`X`, `[2-9]`, ...). */
  readonly positionalSources: readonly string[];
  /** For each positional wildcard, the index of its capture group. */
  readonly positionalGroups: readonly number[];
  /** The capture group of the first use of each named set. */
  readonly setGroups: ReadonlyMap<string, number>;
  /** The capture group of `Z`, or 0 when the pattern has none. */
  readonly zGroup: number;
  /** The length of every string the pattern matches, when that is fixed. */
  readonly fixedLength: number | undefined;
  /** What each `{name}` of the pattern resolved to in this location (undefined: unknown, matches nothing), for compiled matchers. */
  readonly refs: ReadonlyMap<string, RefValue | undefined>;
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;
const escapeRegex = (s: string): string => s.replace(REGEX_SPECIAL, '\\$&');
const escapeClass = (s: string): string => s.replace(/[\\\]\[^-]/g, '\\$&');

/** The characters `?` matches. */
export const STAR_CHARS = '0123456789*#,';

/**
 * Compiles parsed pattern tokens to an anchored regular expression. Named-set alternatives are tried longest first, so
 * the captures of an ambiguous match are the greedy ones.
 *
 * @param source - the pattern text, kept for messages
 * @param tokens - the tokens from {@link parsePattern}, free of issues
 * @param resolve - what each `{name}` stands for; unknown names match nothing
 * @returns the compiled pattern
 * @example
 * ```ts
 * const p = compilePattern('NXX', parsePattern('NXX').tokens, () => undefined);
 * p.regex.test('317'); // true
 * ```
 */
export function compilePattern(
  source: string,
  tokens: readonly PatternToken[],
  resolve: (name: string) => RefValue | undefined,
): CompiledPattern {
  let group = 0;
  let fixed: number | undefined = 0;
  const positional: WildcardKind[] = [];
  const positionalSources: string[] = [];
  const positionalGroups: number[] = [];
  let setGroups: Map<string, number> | undefined;
  let zGroup = 0;
  let refs: Map<string, RefValue | undefined> | undefined;
  const add = (n: number | undefined): void => {
    fixed = fixed === undefined || n === undefined ? undefined : fixed + n;
  };
  for (const t of tokens) {
    switch (t.kind) {
      case 'literal':
        add(t.text.length);
        break;
      case 'wildcard':
        group++;
        positional.push(t.wildcard);
        positionalSources.push(t.wildcard);
        positionalGroups.push(group);
        if (t.wildcard === 'Z') zGroup = group;
        add(t.wildcard === 'Z' || t.wildcard === '?' ? undefined : 1);
        break;
      case 'class':
        group++;
        positional.push('[');
        positionalSources.push(t.source);
        positionalGroups.push(group);
        add(1);
        break;
      case 'ref': {
        const value = resolve(t.name);
        (refs ??= new Map()).set(t.name, value);
        if (value === undefined) {
          // Matches nothing.
        } else if (value.kind === 'var') {
          add(value.value.length);
        } else {
          group++;
          if (!(setGroups ??= new Map()).has(t.name)) setGroups.set(t.name, group);
          const lengths = new Set(value.values.map((v) => v.length));
          add(lengths.size === 1 ? value.values[0]?.length : undefined);
        }
        break;
      }
    }
  }
  // A plan of 100 000 exact numbers holds 100 000 patterns: the arrays of one with no wildcard are shared, and the others
  // are copied to their length (an array grown by push keeps room for more).
  // Patterns of one shape (one entry per exchange: `+1317555XXXX`, `+1212208XXXX`, ...) share these arrays too.
  return new Pattern(
    source,
    tokens.slice(),
    positional.length === 0 ? NO_WILDCARDS : shared(positional),
    positional.length === 0 ? NO_SOURCES : shared(positionalSources),
    positional.length === 0 ? NO_NUMBERS : shared(positionalGroups),
    setGroups ?? NO_GROUPS,
    zGroup,
    fixed,
    refs ?? NO_REFS,
  );
}

/**
 * Arrays that patterns hold, one frozen copy per content: a plan of 100 000 entries of a few shapes holds a few
 * arrays rather than 300 000, which is less for the garbage collector to walk on every collection while queries run.
 * The table of copies is bounded; past it, arrays are kept as they are.
 */
const sharedArrays = new Map<string, readonly (string | number)[]>();
const MAX_SHARED_ARRAYS = 4096;

function shared<T extends string | number>(values: T[]): readonly T[] {
  // Strings and numbers told apart, and no separator needed: JSON.
  const key = JSON.stringify(values);
  const known = sharedArrays.get(key);
  if (known !== undefined) return known as readonly T[];
  const frozen = Object.freeze(values);
  if (sharedArrays.size < MAX_SHARED_ARRAYS) sharedArrays.set(key, frozen);
  return frozen;
}

/** Capture spans, one copy per content (see {@link shared}). */
const sharedSpans = new Map<string, Int32Array>();

const NO_GROUPS: ReadonlyMap<string, number> = new Map();
const NO_WILDCARDS: readonly WildcardKind[] = Object.freeze([]);
const NO_SOURCES: readonly string[] = Object.freeze([]);
const NO_NUMBERS: readonly number[] = Object.freeze([]);
const NO_SPANS = new Int32Array(2);
const NO_REFS: ReadonlyMap<string, RefValue | undefined> = new Map();

/**
 * A compiled pattern. Its regular expression is built when first read: the engine's matchers never read it (only the
 * reference matcher and tools do), and a plan of 100 000 entries would otherwise hold 100 000 of them.
 */
class Pattern implements CompiledPattern {
  private re: RegExp | undefined;
  /** The capture spans, once {@link captureSpans} has worked them out (null: the pattern has no layout). */
  spans: Int32Array | null | undefined;

  constructor(
    readonly source: string,
    readonly tokens: readonly PatternToken[],
    readonly positional: readonly WildcardKind[],
    readonly positionalSources: readonly string[],
    readonly positionalGroups: readonly number[],
    readonly setGroups: ReadonlyMap<string, number>,
    readonly zGroup: number,
    readonly fixedLength: number | undefined,
    readonly refs: ReadonlyMap<string, RefValue | undefined>,
  ) {}

  get regex(): RegExp {
    return (this.re ??= new RegExp(`^(?:${regexSource(this.tokens, this.refs)})$`, 'is'));
  }
}

/** The body of a pattern's anchored regular expression; named-set alternatives longest first. */
function regexSource(tokens: readonly PatternToken[], refs: ReadonlyMap<string, RefValue | undefined>): string {
  let re = '';
  for (const t of tokens) {
    switch (t.kind) {
      case 'literal':
        re += escapeRegex(t.text);
        break;
      case 'wildcard':
        re += t.wildcard === 'Z' ? '([^]*)' : t.wildcard === '?' ? '([0-9*#,]*)' : t.wildcard === 'X' ? '([0-9])' : t.wildcard === 'Y' ? '([1-9])' : '([2-9])';
        break;
      case 'class':
        re += t.chars === '' ? '([])' : `([${escapeClass(t.chars)}])`;
        break;
      case 'ref': {
        const value = refs.get(t.name);
        if (value === undefined) {
          re += '(?!)';
        } else if (value.kind === 'var') {
          re += escapeRegex(value.value);
        } else {
          const values = [...value.values].sort((a, b) => b.length - a.length);
          re += values.length === 0 ? '(?!)' : `(${values.map(escapeRegex).join('|')})`;
        }
        break;
      }
    }
  }
  return re;
}

/** An entry of a compiled table: its patterns, in the order written. */
export interface MatchableEntry {
  readonly patterns: readonly CompiledPattern[];
}

/** Which entry of a table matched, and how. */
export interface TableMatch {
  /** Index of the entry in its table. */
  readonly entry: number;
  /** Index of the pattern within the entry's `match` list. */
  readonly pattern: number;
  /** The string the pattern matched: the whole number, or the number before its extension. */
  readonly matched: string;
  /** The extension suffix (`^12`, `/12`) carried past the pattern, or `""`. */
  readonly suffix: string;
  /** The capture groups, index 0 being the whole match. */
  readonly groups: readonly (string | undefined)[];
}

/**
 * Where the extension of a number starts: the first `/` or `^` after at least one character, or -1. A number that starts
 * with `/` or `^` is all extension and has no base to match.
 *
 * @param text - a prepared or converted number
 * @returns the index of the separator, or -1
 * @example
 * ```ts
 * extensionStart('+13175551234^12'); // 12
 * extensionStart('/6929');           // -1
 * ```
 */
export function extensionStart(text: string): number {
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 47 || c === 94) return i;
  }
  return -1;
}

/**
 * Finds the first entry of a table that matches `text`, the reference way: entry by entry, pattern by pattern.
 *
 * An entry matches when one of its patterns matches the whole text, or, for a number with an extension (`+13175551234^12`),
 * the number before the extension; the extension is then carried to the entry's outputs. A whole match is preferred within
 * an entry, but an earlier entry that matches only the base still wins over a later one that matches the whole text.
 *
 * @param entries - the table
 * @param text - the number to match
 * @param carryExtension - whether an extension may be carried (false for SIP addresses)
 * @param accept - when given, an entry whose match it rejects is skipped (conditions such as `when:`)
 * @returns the match, or undefined when no entry matches
 * @example
 * ```ts
 * findFirstMatch(table, '+13175551234^12', true); // { entry: 6, matched: '+13175551234', suffix: '^12', ... }
 * ```
 */
export function findFirstMatch(
  entries: readonly MatchableEntry[],
  text: string,
  carryExtension: boolean,
  accept?: (match: TableMatch) => boolean,
): TableMatch | undefined {
  const sep = carryExtension ? extensionStart(text) : -1;
  const base = sep > 0 ? text.slice(0, sep) : '';
  const suffix = sep > 0 ? text.slice(sep) : '';
  for (let e = 0; e < entries.length; e++) {
    const m = matchEntry(entries[e] as MatchableEntry, e, text, base, suffix);
    if (m && (!accept || accept(m))) return m;
  }
  return undefined;
}

/**
 * Matches one entry against a number (and its base, when it has an extension). Exported for matchers that know which
 * entry wins and only need its captures.
 */
export function matchEntry(
  entry: MatchableEntry,
  index: number,
  text: string,
  base: string,
  suffix: string,
): TableMatch | undefined {
  const { patterns } = entry;
  for (let p = 0; p < patterns.length; p++) {
    const groups = (patterns[p] as CompiledPattern).regex.exec(text);
    if (groups) return { entry: index, pattern: p, matched: text, suffix: '', groups };
  }
  if (base !== '') {
    for (let p = 0; p < patterns.length; p++) {
      const groups = (patterns[p] as CompiledPattern).regex.exec(base);
      if (groups) return { entry: index, pattern: p, matched: base, suffix, groups };
    }
  }
  return undefined;
}

/** Where a pattern's captures sit in what it matched, for a pattern with at most one token of variable length. */
interface PatternLayout {
  /** Per token, the length it matches, or -1 for the one token of variable length. */
  readonly lengths: Int32Array;
  /** Per token, 1 when it is a capture group of the regex (wildcards, sets, named sets). */
  readonly captured: Uint8Array;
  /** The sum of the fixed lengths. */
  readonly fixed: number;
  readonly groupCount: number;
}

/**
 * The layout of a pattern: the length of each token, so that the captures of a match can be cut from the matched text
 * without running the regex. Only a pattern with at most one token of variable length has one; with two, the regex
 * decides the split.
 */
function layoutOf(pattern: CompiledPattern): PatternLayout | null {
  const n = pattern.tokens.length;
  const lengths = new Int32Array(n);
  const captured = new Uint8Array(n);
  let variable = 0;
  let fixed = 0;
  let groupCount = 0;
  for (let i = 0; i < n; i++) {
    const t = pattern.tokens[i] as PatternToken;
    let len: number;
    switch (t.kind) {
      case 'literal':
        len = t.text.length;
        break;
      case 'class':
        len = 1;
        captured[i] = 1;
        break;
      case 'wildcard':
        len = t.wildcard === '?' || t.wildcard === 'Z' ? -1 : 1;
        captured[i] = 1;
        break;
      case 'ref': {
        const v = pattern.refs.get(t.name);
        // A pattern with an unknown name or an empty set never matches: no layout needed.
        if (v === undefined || (v.kind === 'set' && v.values.length === 0)) return null;
        if (v.kind === 'var') {
          len = v.value.length;
        } else {
          const first = (v.values[0] as string).length;
          len = v.values.every((x) => x.length === first) ? first : -1;
          captured[i] = 1;
        }
        break;
      }
    }
    if (captured[i] === 1) groupCount++;
    if (len < 0) variable++;
    else fixed += len;
    lengths[i] = len;
  }
  return variable > 1 ? null : { lengths, captured, fixed, groupCount };
}

/**
 * Where each capture group of a pattern sits in what it matches, from the pattern's layout: two positions per group
 * (indexed by group number; index 0 and 1 are unused), each either an offset from the start (`p >= 0`) or from the end
 * (`p < 0`: `-1` is the end, `-2` one before it), so that one pair serves every match whatever the length of its
 * variable token. Compiled templates slice the matched text with them, and the automaton cuts capture groups with them.
 * Null for a pattern without a layout.
 *
 * @param pattern - the compiled pattern
 * @returns the spans, or null
 * @example
 * ```ts
 * captureSpans(compilePattern('1NXX', parsePattern('1NXX').tokens, () => undefined)); // Int32Array [0, 0, 1, 2, 2, 3, 3, 4]
 * ```
 */
export function captureSpans(pattern: CompiledPattern): Int32Array | null {
  // Worked out once per compiled pattern: the matcher and every template of the entry ask for it.
  if (pattern instanceof Pattern) return pattern.spans === undefined ? (pattern.spans = spansOf(pattern)) : pattern.spans;
  return spansOf(pattern);
}

function spansOf(pattern: CompiledPattern): Int32Array | null {
  const layout = layoutOf(pattern);
  if (layout === null) return null;
  const { lengths, captured, groupCount } = layout;
  // A pattern without groups (an exact number) has nothing to cut: all of them share one empty layout.
  if (groupCount === 0) return NO_SPANS;
  const spans = new Int32Array(2 * (groupCount + 1));
  // Before the token of variable length, positions count from the start; from it on, ends count from the end. `after`
  // is the fixed length still to come after the current token.
  let after = layout.fixed;
  let start = 0;
  let variableSeen = false;
  let group = 1;
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i] as number;
    const fixedLen = Math.max(0, len);
    after -= fixedLen;
    const from = variableSeen ? -(after + fixedLen) - 1 : start;
    const to = variableSeen || len < 0 ? -after - 1 : start + len;
    if (captured[i] === 1) {
      spans[2 * group] = from;
      spans[2 * group + 1] = to;
      group++;
    }
    if (len < 0) variableSeen = true;
    else start += len;
  }
  const key = spans.join(',');
  const known = sharedSpans.get(key);
  if (known !== undefined) return known;
  if (sharedSpans.size < MAX_SHARED_ARRAYS) sharedSpans.set(key, spans);
  return spans;
}

/**
 * Reads a position of {@link captureSpans} in a matched text of the given length.
 *
 * @param position - the position as captureSpans gives it
 * @param length - the length of the matched text
 * @returns the offset from the start
 * @example
 * ```ts
 * spanOffset(-1, 12); // 12
 * spanOffset(-5, 12); // 8
 * ```
 */
export function spanOffset(position: number, length: number): number {
  return position >= 0 ? position : length + position + 1;
}

/**
 * Finds the first entry of a table that matches a number; see {@link findFirstMatch} for the semantics, which every
 * implementation must reproduce exactly. `accept` lets the caller skip entries whose match fails a condition.
 */
export interface TableMatcher {
  find(text: string, carryExtension: boolean, accept?: (match: TableMatch) => boolean): TableMatch | undefined;
}

/** Builds a matcher for a table; `compileRules` uses the compiled automaton (`automatonMatcher`) unless another is plugged in. */
export type MatcherFactory = (entries: readonly { readonly patterns: readonly CompiledPattern[] }[]) => TableMatcher;

/** The reference matcher factory: tries entries in order. The compiled automaton must agree with it. */
export const referenceMatcher: MatcherFactory = (entries) => ({
  find: (text, carry, accept) => findFirstMatch(entries, text, carry, accept),
});
