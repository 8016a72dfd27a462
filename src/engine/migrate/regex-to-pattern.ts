/**
 * A .NET regular expression with its replacement, as dial-plan patterns and ordinal templates: the regexes that the
 * pattern language can express (anchored sequences of characters and classes, counts, splittable alternation, groups used
 * by the replacement, digit loops) become one or more (pattern, template) pairs in the regex's own order of preference;
 * everything else is an {@link Inexpressible} with the index of the construct in the regex.
 */
import type { ParsedRegex, RegexNode, ReplacementPiece } from './dotnet-regex.js';
import { charSetHas, parseReplacement } from './dotnet-regex.js';
import { MAX_PATTERN_LENGTH } from '../match/pattern.js';
import { MAX_TEMPLATE_LENGTH } from '../match/template.js';

/** Why a regex (or part of it) has no dial-plan counterpart; `pos` indexes the regex (or the replacement with `inTranslation`). */
export interface Inexpressible {
  readonly message: string;
  readonly pos: number;
  readonly inTranslation?: boolean;
}

/** A converted regex: the patterns with their templates, in order, and warnings (with positions) about the conversion. */
export interface ConvertedRegex {
  readonly variants: readonly { readonly pattern: string; readonly template: string }[];
  readonly warnings: readonly Inexpressible[];
}

/** The characters `?` matches. */
const QUESTION = '0123456789*#,';
/** How many patterns one regex may become. */
export const MAX_VARIANTS = 512;
/** How far a digit loop is written out when `?` would not be exact. */
export const LOOP_ENUMERATION_LIMIT = 20;

type Atom =
  | { readonly k: 'char'; readonly chars: string; readonly pos: number }
  | { readonly k: 'loop'; readonly chars: string; readonly pos: number; readonly dot: boolean }
  | { readonly k: 'open' | 'close'; readonly group: number }
  | { readonly k: 'start' | 'end'; readonly pos: number };

class Unsupported extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

/**
 * Converts a parsed .NET regex and its replacement into dial-plan patterns and templates over the characters of `domain`
 * (the characters numbers can hold: `0123456789+` and, when the source plan dials them, `*` and `#`). Matching agrees with
 * .NET on every string of the domain (`?` is used for a digit loop only when it is exact there; otherwise the loop is
 * written out up to {@link LOOP_ENUMERATION_LIMIT} characters and a warning says so).
 *
 * @param parsed - the regex, from parseDotnetRegex
 * @param translation - the .NET replacement string
 * @param domain - the characters of the numbers
 * @param replacement - the translation already parsed (default: as .NET parses it)
 * @returns the variants, or the reason there are none
 * @example
 * ```ts
 * convertRegex(parseDotnetRegex('^(\\d{4})$'), '+1425555$1', '0123456789+');
 * // { ok: true, value: { variants: [{ pattern: 'XXXX', template: '+1425555{1-4}' }], warnings: [] } }
 * ```
 */
export function convertRegex(
  parsed: ParsedRegex,
  translation: string,
  domain: string,
  replacement: readonly ReplacementPiece[] = parseReplacement(translation, parsed),
): { readonly ok: true; readonly value: ConvertedRegex } | { readonly ok: false; readonly problems: readonly Inexpressible[] } {
  const problems: Inexpressible[] = [];
  collectUnsupported(parsed.root, problems);
  if (problems.length > 0) return { ok: false, problems };
  const pieces = replacement;
  if (translation.includes('"')) return { ok: false, problems: [{ message: 'a `"` in the translation cannot be written in a template', pos: translation.indexOf('"'), inTranslation: true }] };
  let paths: Atom[][];
  try {
    paths = expand(parsed.root, parsed, domain);
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, problems: [{ message: e.message, pos: e.pos }] };
    throw e;
  }
  const warnings: Inexpressible[] = [];
  const variants: { pattern: string; template: string }[] = [];
  try {
    for (const raw of paths) {
      const path = anchor(raw, parsed.source.length);
      if (path === undefined) continue; // an anchor in the middle: this alternative never matches
      for (const p of emitPath(path, pieces, parsed, domain, warnings)) variants.push(p);
      if (variants.length > MAX_VARIANTS) throw new Unsupported(`it becomes more than ${MAX_VARIANTS} patterns`, 0);
    }
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, problems: [{ message: e.message, pos: e.pos }] };
    throw e;
  }
  const tooLong = variants.find((v) => v.pattern.length > MAX_PATTERN_LENGTH || v.template.length > MAX_TEMPLATE_LENGTH);
  if (tooLong) return { ok: false, problems: [{ message: `it becomes a pattern or template longer than a rule file allows (${MAX_PATTERN_LENGTH} and ${MAX_TEMPLATE_LENGTH} characters)`, pos: 0 }] };
  return { ok: true, value: { variants, warnings: dedupe(warnings) } };
}

function dedupe(list: readonly Inexpressible[]): Inexpressible[] {
  const seen = new Set<string>();
  return list.filter((w) => !seen.has(`${w.pos}:${w.message}`) && (seen.add(`${w.pos}:${w.message}`), true));
}

function collectUnsupported(n: RegexNode, out: Inexpressible[]): void {
  switch (n.t) {
    case 'seq':
      n.items.forEach((c) => collectUnsupported(c, out));
      return;
    case 'alt':
      n.options.forEach((c) => collectUnsupported(c, out));
      return;
    case 'group':
      collectUnsupported(n.body, out);
      return;
    case 'repeat':
      if (n.lazy && n.min !== n.max) out.push({ message: 'a lazy quantifier has no counterpart in patterns', pos: n.pos });
      collectUnsupported(n.body, out);
      return;
    case 'anchor':
      if (n.kind === 'b' || n.kind === 'B') out.push({ message: `a word boundary \\${n.kind} has no counterpart in patterns`, pos: n.pos });
      return;
    case 'backref':
      out.push({ message: 'a back-reference has no counterpart in patterns', pos: n.pos });
      return;
    case 'look':
      out.push({ message: `a look-${n.ahead ? 'ahead' : 'behind'} has no counterpart in patterns`, pos: n.pos });
      return;
    case 'unsupported':
      out.push({ message: `${n.what} has no counterpart in patterns`, pos: n.pos });
      return;
    case 'set':
      return;
  }
}

function charsOf(n: Extract<RegexNode, { t: 'set' }>, domain: string): string {
  let out = '';
  for (const ch of domain) if (charSetHas(n.set, ch)) out += ch;
  return out;
}

/** The longest number a query takes: longer alternatives of a regex can never match one. */
const LONGEST = 256;
const consumed = (path: readonly Atom[]): number => path.reduce((n, a) => n + (a.k === 'char' ? 1 : 0), 0);

function cross(a: Atom[][], b: Atom[][], pos: number): Atom[][] {
  if (a.length * b.length > MAX_VARIANTS) throw new Unsupported(`it becomes more than ${MAX_VARIANTS} patterns`, pos);
  const out: Atom[][] = [];
  for (const x of a) for (const y of b) if (consumed(x) + consumed(y) <= LONGEST) out.push([...x, ...y]);
  return out;
}

// Every way the node can match, as atom sequences, in the order .NET's backtracking prefers them.
function expand(n: RegexNode, parsed: ParsedRegex, domain: string): Atom[][] {
  switch (n.t) {
    case 'set': {
      const chars = charsOf(n, domain);
      return chars === '' ? [] : [[{ k: 'char', chars, pos: n.pos }]];
    }
    case 'seq': {
      let acc: Atom[][] = [[]];
      for (const item of n.items) acc = cross(acc, expand(item, parsed, domain), item.pos);
      return acc;
    }
    case 'alt': {
      const out = n.options.flatMap((o) => expand(o, parsed, domain));
      if (out.length > MAX_VARIANTS) throw new Unsupported(`it becomes more than ${MAX_VARIANTS} patterns`, n.pos);
      return out;
    }
    case 'group': {
      const body = expand(n.body, parsed, domain);
      if (!n.capture) return body;
      const group = parsed.groupNumbers[n.order] as number;
      return body.map((p) => [{ k: 'open', group }, ...p, { k: 'close', group }]);
    }
    case 'repeat': {
      // No number is longer than LONGEST characters: more repetitions than that can never match.
      if (n.min > LONGEST) return [];
      const body = expand(n.body, parsed, domain);
      if (n.max === Infinity) {
        const only = body.length === 1 && body[0]?.length === 1 ? body[0][0] : undefined;
        if (only === undefined || only.k !== 'char') {
          if (body.length === 0) return n.min === 0 ? [[]] : [];
          throw new Unsupported('an unbounded repeat of anything but one character class has no counterpart in patterns', n.pos);
        }
        const dot = n.body.t === 'set' && n.body.set.dot === true;
        return [[...Array.from({ length: n.min }, () => only), { k: 'loop', chars: only.chars, pos: n.pos, dot }]];
      }
      const out: Atom[][] = [];
      // Greedy: the most repetitions first, as .NET tries them.
      for (let count = Math.min(n.max, LONGEST); count >= n.min; count--) {
        let acc: Atom[][] = [[]];
        for (let c = 0; c < count; c++) acc = cross(acc, body, n.pos);
        out.push(...acc);
        if (out.length > MAX_VARIANTS) throw new Unsupported(`it becomes more than ${MAX_VARIANTS} patterns`, n.pos);
      }
      return out;
    }
    case 'anchor':
      return [[{ k: n.kind === '^' || n.kind === 'A' ? 'start' : 'end', pos: n.pos }]];
    default:
      throw new Unsupported('this construct has no counterpart in patterns', n.pos);
  }
}

interface AnchoredPath {
  readonly atoms: readonly Atom[];
  /** Whether the regex must end at the end of the number ($); otherwise the rest is kept, as Replace keeps it. */
  readonly anchoredEnd: boolean;
}

// Checks the anchors of one path: `^` first, `$` last (anything else never matches or is unsupported).
function anchor(path: readonly Atom[], sourceLength: number): AnchoredPath | undefined {
  const body: Atom[] = [];
  let sawStart = false;
  let sawEnd = false;
  let consumed = false;
  for (const a of path) {
    if (a.k === 'start') {
      if (consumed) return undefined;
      sawStart = true;
    } else if (a.k === 'end') {
      sawEnd = true;
    } else if (a.k === 'char' || a.k === 'loop') {
      if (sawEnd) {
        if (a.k === 'char') return undefined;
        continue; // a loop after $ can only match nothing
      }
      consumed = true;
      body.push(a);
    } else body.push(a);
  }
  if (!sawStart) throw new Unsupported('a pattern not anchored at the start (^) matches anywhere in the number; patterns match whole numbers', 0);
  void sourceLength;
  return { atoms: body, anchoredEnd: sawEnd };
}

function tokenFor(chars: string): string {
  if (chars === '0123456789') return 'X';
  if (chars === '123456789') return 'Y';
  if (chars === '23456789') return 'N';
  if (chars.length === 1) return /[0-9+*#,/^@.:;=-]/.test(chars) ? chars : `"${chars}"`;
  // Runs of three or more consecutive characters as ranges (`[0-9+]`), so that long classes keep patterns short.
  const sorted = [...new Set(chars.replace('-', ''))].sort();
  let body = '';
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as string).charCodeAt(0) === (sorted[j] as string).charCodeAt(0) + 1) j++;
    body += j - i >= 2 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join('');
    i = j + 1;
  }
  return `[${body}${chars.includes('-') ? '-' : ''}]`;
}

function sameChars(a: string, b: string): boolean {
  return [...a].sort().join('') === [...b].sort().join('');
}

// One anchored path as (pattern, template) pairs: loops become `?` / `Z` where exact and where the template can still be
// written with ordinals, and are written out (up to the limit, with a warning) where not.
function emitPath(path: AnchoredPath, pieces: readonly ReplacementPiece[], parsed: ParsedRegex, domain: string, warnings: Inexpressible[]): { pattern: string; template: string }[] {
  const atoms: Atom[] = [...path.atoms];
  // Replace keeps what follows the match: a `Z` holds it.
  let tail: 'Z' | undefined;
  const consuming = (list: readonly Atom[]): Atom[] => list.filter((a) => a.k === 'char' || a.k === 'loop');
  const last = consuming(atoms).pop();
  const zLike = (a: Atom | undefined): boolean => a?.k === 'loop' && (a.dot || sameChars(a.chars, domain));
  if (!path.anchoredEnd && !zLike(last)) {
    atoms.push({ k: 'loop', chars: domain, pos: 0, dot: true });
    tail = 'Z';
  }
  // The last loop, when it takes every character of the domain, is `Z`.
  const lastIdx = atoms.lastIndexOf(consuming(atoms).pop() as Atom);
  if (zLike(atoms[lastIdx])) atoms[lastIdx] = { ...(atoms[lastIdx] as Extract<Atom, { k: 'loop' }>), dot: true };
  const qInDomain = [...domain].filter((c) => QUESTION.includes(c)).join('');
  const loopIdx = atoms.map((a, i) => (a.k === 'loop' && !(i === lastIdx && (a as { dot: boolean }).dot) ? i : -1)).filter((i) => i >= 0);
  const toEnumerate = loopIdx.filter((i) => !sameChars((atoms[i] as Extract<Atom, { k: 'loop' }>).chars, qInDomain));
  const enumerate = (list: readonly Atom[], which: readonly number[]): Atom[][] => {
    // Writes out the loops at the given indices: counts from the limit down to 0 (greedy order).
    let acc: Atom[][] = [[]];
    list.forEach((a, i) => {
      if (a.k === 'loop' && which.includes(i)) {
        const options: Atom[][] = [];
        for (let c = LOOP_ENUMERATION_LIMIT; c >= 0; c--) options.push(Array.from({ length: c }, () => ({ k: 'char', chars: a.chars, pos: a.pos }) as Atom));
        acc = cross(acc, options, a.pos);
      } else acc = acc.map((p) => [...p, a]);
    });
    return acc;
  };
  for (const i of toEnumerate) {
    const a = atoms[i] as Extract<Atom, { k: 'loop' }>;
    const extra = [...qInDomain].filter((c) => !a.chars.includes(c)).join(' ');
    warnings.push({ message: `this loop is written out up to ${LOOP_ENUMERATION_LIMIT} characters (\`?\` would also take ${extra || 'characters it cannot'})`, pos: a.pos });
  }
  const firstTry = toEnumerate.length > 0 ? enumerate(atoms, toEnumerate) : [atoms];
  const results: { pattern: string; template: string }[] = [];
  for (const candidate of firstTry) {
    // Only the empty number, which no query has.
    if (consuming(candidate).length === 0) continue;
    const direct = build(candidate, pieces, parsed, tail);
    if (direct) {
      results.push(direct);
      continue;
    }
    // The template needs positions after a loop: write the remaining loops out (not the Z that keeps the rest).
    const loops = candidate.map((a, i) => (a.k === 'loop' && !(tail && i === candidate.length - 1) ? i : -1)).filter((i) => i >= 0);
    if (loops.length === 0) throw new Unsupported('the translation cannot be written as a template of this pattern', 0);
    for (const i of loops) warnings.push({ message: `the translation uses text after this loop: it is written out up to ${LOOP_ENUMERATION_LIMIT} characters`, pos: (candidate[i] as { pos: number }).pos });
    for (const p of enumerate(candidate, loops)) {
      const r = build(p, pieces, parsed, tail);
      if (!r) throw new Unsupported('the translation cannot be written as a template of this pattern', 0);
      results.push(r);
    }
    if (results.length > MAX_VARIANTS) throw new Unsupported(`it becomes more than ${MAX_VARIANTS} patterns`, 0);
  }
  return results;
}

const TEMPLATE_SPECIAL = /[XxYyNnZz?[\]{}]/;

function quoteText(text: string): string {
  if (text === '') return '';
  return TEMPLATE_SPECIAL.test(text) ? `"${text}"` : text;
}

// The pattern and the template of one path, or undefined when a piece of the translation needs a position after a loop.
function build(atoms: readonly Atom[], pieces: readonly ReplacementPiece[], parsed: ParsedRegex, tail: 'Z' | undefined): { pattern: string; template: string } | undefined {
  let pattern = '';
  // Character positions (1-based) where each atom starts, while they are fixed.
  let at = 1;
  let fixed = true;
  const spans = new Map<number, { from: number | undefined; to: number | undefined; toEnd: boolean }>();
  const open = new Map<number, { from: number | undefined }>();
  const nonMarker = atoms.filter((a) => a.k === 'char' || a.k === 'loop');
  let consumedAll = 0;
  let beforeTail: number | undefined;
  for (const a of atoms) {
    if (a.k === 'char') {
      pattern += tokenFor(a.chars);
      if (fixed) at++;
      consumedAll++;
    } else if (a.k === 'loop') {
      const isLast = consumedAll === nonMarker.length - 1;
      pattern += isLast && a.dot ? 'Z' : '?';
      if (isLast && tail) beforeTail = fixed ? at - 1 : undefined;
      fixed = false;
      consumedAll++;
    } else if (a.k === 'open') {
      open.set(a.group, { from: fixed ? at : undefined });
    } else if (a.k === 'close') {
      const o = open.get(a.group);
      const toEnd = consumedAll === nonMarker.length;
      spans.set(a.group, { from: o?.from, to: fixed ? at - 1 : undefined, toEnd });
    }
  }
  const ordinal = (from: number | undefined, to: number | undefined, toEnd: boolean): string | undefined => {
    if (from === undefined) return undefined;
    if (to !== undefined && to < from) return '';
    // To the end of the number: an open range, so that patterns of several lengths share one template.
    if (toEnd && !tail) return `{${from}-}`;
    if (to !== undefined) return from === to ? `{${from}}` : `{${from}-${to}}`;
    return toEnd && !tail ? `{${from}-}` : undefined;
  };
  let template = '';
  for (const p of pieces) {
    if (p.t === 'text') template += quoteText(p.text);
    else if (p.t === 'before') continue;
    else if (p.t === 'input') template += '{1-}';
    else if (p.t === 'after') template += tail ? '{Z}' : '';
    else if (p.t === 'match') {
      const o = tail ? (beforeTail === undefined ? undefined : ordinal(1, beforeTail, false)) : '{1-}';
      if (o === undefined) return undefined;
      template += o;
    } else {
      const group = p.t === 'group' ? p.group : Math.max(0, ...parsed.groupNumbers);
      const s = spans.get(group);
      if (!s) continue; // a group that did not take part is empty
      const o = ordinal(s.from, s.to, s.toEnd);
      if (o === undefined) return undefined;
      template += o;
    }
  }
  if (tail) template += '{Z}';
  if (pattern === '') return undefined;
  return { pattern, template };
}
