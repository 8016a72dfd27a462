/**
 * A dial-plan entry's `when:` condition (libphonenumber-js deciding validity, number type and region) as a regular
 * expression over the number, for the exports to Genesys Cloud (Java regex) and Microsoft Teams (.NET regex). No `node:`
 * imports.
 *
 * libphonenumber-js's metadata describes every number type of a region as a regular expression over the national
 * significant number, and what the library does with an E.164 number is a fixed sequence of regex tests, which this
 * module writes out as one regex with look-aheads (both dialects have them, and JavaScript's `RegExp` runs the same text
 * for `--verify`):
 *
 * 1. the calling code: the first 1 to 3 digits after `+` that are a calling code the metadata knows (none: not a number);
 * 2. the national prefix (`national_prefix_for_parsing` of the calling code's main region, GB's `0|180020`) is taken off
 *    the rest when it is there, unless the rest matches the region's general pattern and what is left does not, or what
 *    is left has a length the region does not allow (`TOO_LONG` is allowed): its first match, held with a look-ahead
 *    capture and a back-reference so no backtracking picks another;
 * 3. a national number of fewer than 2 or more than 17 digits is not a number;
 * 4. the region, when several share the calling code: the first, in the metadata's order, whose leading digits start the
 *    national number or (without leading digits) for which the number has a type;
 * 5. the type: none unless the general pattern matches; `FIXED_LINE` (`FIXED_LINE_OR_MOBILE` when the mobile pattern
 *    matches too, or the region has none), else the first of `MOBILE`, `PREMIUM_RATE`, `TOLL_FREE`, `SHARED_COST`, `VOIP`,
 *    `PERSONAL_NUMBER`, `PAGER`, `UAN`, `VOICEMAIL` whose pattern (and possible lengths) match; valid means a type.
 *
 * A national prefix rule that rewrites the number (a transform rule, such as Argentina's `9$1`) has no regex counterpart:
 * a condition that needs such a calling code is reported with {@link WhenRegexError}.
 */
import type { WhenCondition } from '../types.js';
import { loadMetadata } from '../authoring/metadata-numbers.js';
import type { RegexDialect, RegexNode } from './dotnet-regex.js';

/** A condition that cannot be written as a regex: why, and which calling code needs what. */
export class WhenRegexError extends Error {}

/** A small regular-expression tree over digits (and `+`), with look-aheads and a held capture. */
export type Rx =
  | { readonly k: 'none' }
  | { readonly k: 'empty' }
  | { readonly k: 'eos' }
  | { readonly k: 'set'; readonly chars: string }
  | { readonly k: 'seq'; readonly items: readonly Rx[] }
  | { readonly k: 'alt'; readonly options: readonly Rx[] }
  | { readonly k: 'rep'; readonly body: Rx; readonly min: number; readonly max: number }
  /** `(?=body$)` (end) or `(?=body)` (a prefix), `(?!...)` when negated. */
  | { readonly k: 'look'; readonly neg: boolean; readonly end: boolean; readonly body: Rx }
  /**
   * The national prefix step: `prefix` (its first match) is taken off when the library would, then `rest` is matched:
   * `(?=(?<c>(?=(?<a>prefix))(?!(?=general$)\k<a>(?!general$))\k<a>(?=lengths$)|))\k<c>rest`.
   */
  | { readonly k: 'strip'; readonly prefix: Rx; readonly general: Rx; readonly lengths: Rx; readonly rest: Rx };

const NONE: Rx = { k: 'none' };
const EMPTY: Rx = { k: 'empty' };
const DIGITS = '0123456789';
const ANY: Rx = { k: 'rep', body: { k: 'set', chars: DIGITS }, min: 0, max: Infinity };

function seq(...items: Rx[]): Rx {
  const out: Rx[] = [];
  for (const x of items) {
    if (x.k === 'none') return NONE;
    if (x.k === 'empty') continue;
    if (x.k === 'seq') out.push(...x.items);
    else out.push(x);
  }
  return out.length === 0 ? EMPTY : out.length === 1 ? (out[0] as Rx) : { k: 'seq', items: out };
}

function alt(...options: Rx[]): Rx {
  const out: Rx[] = [];
  const seen = new Set<string>();
  for (const x of options) {
    if (x.k === 'none') continue;
    for (const y of x.k === 'alt' ? x.options : [x]) {
      const key = JSON.stringify(y);
      if (!seen.has(key)) (seen.add(key), out.push(y));
    }
  }
  return out.length === 0 ? NONE : out.length === 1 ? (out[0] as Rx) : { k: 'alt', options: out };
}

/** `(?=x$)`, simplified when it always or never holds. */
function lookEnd(body: Rx, neg = false): Rx {
  if (body.k === 'none') return neg ? EMPTY : NONE;
  if (isAny(body)) return neg ? NONE : EMPTY;
  return { k: 'look', neg, end: true, body };
}

function isAny(x: Rx): boolean {
  return x.k === 'rep' && x.min === 0 && x.max === Infinity && x.body.k === 'set' && x.body.chars === DIGITS;
}

/**
 * Parses a metadata pattern (digits, `\d`, `[...]`, `(...)`, `(?:...)`, `|`, `?`, `{n}`, `{n,m}`, `$`).
 *
 * @param pattern - the pattern, as the metadata writes it
 * @param lookGroup - the number of a capturing group to read as a look-ahead (the group a transform rule keeps)
 * @returns the tree
 * @throws WhenRegexError for syntax outside that subset
 * @example
 * ```ts
 * emitRx(parseMetadataPattern('7[1-57-9]\\d{8}'), { next: 1 }); // '7[1-57-9][0-9]{8}'
 * ```
 */
export function parseMetadataPattern(pattern: string, lookGroup?: number): Rx {
  let i = 0;
  let group = 0;
  const alternation = (): Rx => {
    const options = [sequence()];
    while (pattern[i] === '|') {
      i++;
      options.push(sequence());
    }
    return options.length === 1 ? (options[0] as Rx) : { k: 'alt', options };
  };
  const sequence = (): Rx => {
    const items: Rx[] = [];
    while (i < pattern.length && pattern[i] !== '|' && pattern[i] !== ')') items.push(quantified());
    return seq(...items);
  };
  const quantified = (): Rx => {
    const node = atom();
    if (pattern[i] === '?') {
      i++;
      return { k: 'rep', body: node, min: 0, max: 1 };
    }
    if (pattern[i] === '{') {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(pattern.slice(i));
      if (!m) throw new WhenRegexError(`a quantifier of the metadata pattern ${pattern} is not understood`);
      i += m[0].length;
      const min = Number(m[1]);
      return { k: 'rep', body: node, min, max: m[2] === undefined ? min : m[2] === '' ? Infinity : Number(m[2]) };
    }
    return node;
  };
  const atom = (): Rx => {
    const c = pattern[i++];
    if (c !== undefined && c >= '0' && c <= '9') return { k: 'set', chars: c };
    if (c === '\\' && pattern[i] === 'd') {
      i++;
      return { k: 'set', chars: DIGITS };
    }
    if (c === '$') return { k: 'eos' };
    if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) throw new WhenRegexError(`the metadata pattern ${pattern} has an unclosed class`);
      const body = pattern.slice(i, end).replace(/\\d/g, '0-9');
      i = end + 1;
      let chars = '';
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === '-' && k + 2 < body.length) {
          for (let d = body.charCodeAt(k); d <= body.charCodeAt(k + 2); d++) chars += String.fromCharCode(d);
          k += 2;
        } else chars += body[k];
      }
      if (!/^\d+$/.test(chars)) throw new WhenRegexError(`the metadata pattern ${pattern} has a class of other characters than digits`);
      return { k: 'set', chars: [...new Set(chars)].sort().join('') };
    }
    if (c === '(') {
      let capture = false;
      if (pattern.startsWith('?:', i)) i += 2;
      else if (pattern[i] === '?') throw new WhenRegexError(`the metadata pattern ${pattern} has a group construct that is not understood`);
      else capture = true;
      const n = capture ? ++group : 0;
      const inner = alternation();
      if (pattern[i++] !== ')') throw new WhenRegexError(`the metadata pattern ${pattern} has unbalanced parentheses`);
      // The group a transform rule keeps ($2): matched, not taken off.
      if (lookGroup !== undefined && n === lookGroup) return { k: 'look', neg: false, end: false, body: inner };
      return inner;
    }
    throw new WhenRegexError(`the metadata pattern ${pattern} has ${c === undefined ? 'an unexpected end' : `"${c}"`}, which is not understood`);
  };
  const tree = alternation();
  if (i !== pattern.length) throw new WhenRegexError(`the metadata pattern ${pattern} has unbalanced parentheses`);
  return tree;
}

/** Whether `x` matches the empty string (a look-ahead is asked about the empty rest). */
function nullable(x: Rx): boolean {
  switch (x.k) {
    case 'none':
    case 'set':
      return false;
    case 'empty':
    case 'eos':
      return true;
    case 'seq':
      return x.items.every(nullable);
    case 'alt':
      return x.options.some(nullable);
    case 'rep':
      return x.min === 0 || nullable(x.body);
    case 'look':
      return nullable(x.body) !== x.neg;
    case 'strip':
      // The prefix cannot be taken off the empty string; what is left is the empty rest.
      return nullable(x.rest);
  }
}

/** Whether `x` matches only the empty string (conditions on what follows, no characters). */
function zeroWidth(x: Rx): boolean {
  switch (x.k) {
    case 'empty':
    case 'look':
      return true;
    case 'seq':
      return x.items.every(zeroWidth);
    case 'alt':
      return x.options.every(zeroWidth);
    default:
      return false;
  }
}

/** A zero-width condition at a string that starts with `c`, as a condition on the string after `c`. */
function deriveCondition(z: Rx, c: string): Rx {
  switch (z.k) {
    case 'seq':
      return seq(...z.items.map((i) => deriveCondition(i, c)));
    case 'alt':
      return alt(...z.options.map((o) => deriveCondition(o, c)));
    case 'look': {
      if (z.end) return lookEnd(derive(z.body, c), z.neg);
      if (zeroWidth(z.body)) {
        const d = deriveCondition(z.body, c);
        if (d.k === 'empty') return z.neg ? NONE : EMPTY;
        if (d.k === 'none') return z.neg ? EMPTY : NONE;
        return { k: 'look', neg: z.neg, end: false, body: d };
      }
      // A prefix of c and the rest: the empty prefix, or c then a prefix of the rest.
      if (nullable(z.body)) return z.neg ? NONE : EMPTY;
      const d = derive(z.body, c);
      if (d.k === 'none') return z.neg ? EMPTY : NONE;
      return { k: 'look', neg: z.neg, end: false, body: d };
    }
    default:
      return z;
  }
}

/**
 * The derivative of `x` by the character `c`: what `x` matches of the rest of a string that starts with `c`.
 *
 * @throws WhenRegexError when `c` falls inside a national prefix that could be taken off
 */
function derive(x: Rx, c: string): Rx {
  if (zeroWidth(x)) return NONE;
  switch (x.k) {
    case 'none':
    case 'empty':
    case 'eos':
    case 'look':
      return NONE;
    case 'set':
      return x.chars.includes(c) ? EMPTY : NONE;
    case 'alt':
      return alt(...x.options.map((o) => derive(o, c)));
    case 'rep':
      if (x.max === 0) return NONE;
      return seq(derive(x.body, c), { k: 'rep', body: x.body, min: Math.max(0, x.min - 1), max: x.max - 1 });
    case 'strip': {
      // Only when no prefix can start with c (and the prefix is never empty) is the step decided: nothing is taken off.
      if (nullable(x.prefix) || derive(x.prefix, c).k !== 'none') {
        throw new WhenRegexError('the national prefix may start inside the fixed part of the number');
      }
      return derive(x.rest, c);
    }
    case 'seq': {
      const [head, ...tail] = x.items as [Rx, ...Rx[]];
      const rest = seq(...tail);
      // Zero width: the condition and the rest both start at c.
      if (zeroWidth(head)) return seq(deriveCondition(head, c), derive(rest, c));
      if (head.k === 'strip') return seq(derive({ ...head, rest: seq(head.rest, rest) }, c));
      return alt(seq(derive(head, c), rest), nullable(head) ? derive(rest, c) : NONE);
    }
  }
}

/**
 * `x` read after the literal text `text`: what `x` requires of the rest.
 *
 * @param x - the regex
 * @param text - the literal text
 * @returns the derivative
 * @throws WhenRegexError when the text ends where a national prefix could be taken off
 * @example
 * ```ts
 * deriveText(conditionRegex({ valid: true }, '44').rx, '+44'); // what a valid +44 number requires after +44
 * ```
 */
export function deriveText(x: Rx, text: string): Rx {
  let out = x;
  for (const c of text) {
    out = derive(out, c);
    if (out.k === 'none') break;
  }
  return out;
}

function setText(chars: string, dialect: RegexDialect): string {
  if (chars === '+') return '\\+';
  if (chars.length === 1) return chars;
  if (chars === DIGITS) return dialect === 'java' ? '\\d' : '[0-9]';
  // Runs of consecutive digits as ranges.
  let out = '';
  const ds = [...chars].map(Number).sort((a, b) => a - b);
  for (let i = 0; i < ds.length; ) {
    let j = i;
    while (j + 1 < ds.length && (ds[j + 1] as number) === (ds[j] as number) + 1) j++;
    out += j - i >= 2 ? `${ds[i]}-${ds[j]}` : ds.slice(i, j + 1).join('');
    i = j + 1;
  }
  return `[${out}]`;
}

/**
 * The regex text of `x`, in the common subset of .NET, Java and JavaScript: digits as `[0-9]` for .NET (where `\d` is
 * every Unicode digit), `\d` for Java (ASCII). Capture names are `npN`, numbered from `names.next`.
 *
 * @param x - the regex
 * @param names - the counter of capture names (shared by every condition of one rule: Java names must be unique)
 * @param dialect - the target's regex dialect
 * @returns the text
 * @example
 * ```ts
 * emitRx(conditionRegex({ numberType: ['MOBILE'] }, '447').rx, { next: 1 }, 'java').startsWith('\\+447'); // true
 * ```
 */
export function emitRx(x: Rx, names: { next: number }, dialect: RegexDialect = 'dotnet'): string {
  const emit = (y: Rx): string => emitRx(y, names, dialect);
  const group = (y: Rx): string => {
    const s = emit(y);
    return y.k === 'alt' || (y.k === 'seq' && y.items.some((i) => i.k === 'alt')) ? `(?:${s})` : s;
  };
  switch (x.k) {
    case 'none':
      return '(?!)';
    case 'empty':
      return '';
    case 'eos':
      return '$';
    case 'set':
      return setText(x.chars, dialect);
    case 'seq':
      return x.items.map((i) => (i.k === 'alt' ? `(?:${emit(i)})` : emit(i))).join('');
    case 'alt':
      return x.options.map((o) => emit(o)).join('|');
    case 'rep': {
      const body = x.body.k === 'set' ? emit(x.body) : `(?:${emit(x.body)})`;
      const q = x.min === 0 && x.max === 1 ? '?' : x.min === 0 && x.max === Infinity ? '*' : x.min === 1 && x.max === Infinity ? '+' : x.max === Infinity ? `{${x.min},}` : x.min === x.max ? `{${x.min}}` : `{${x.min},${x.max}}`;
      if (x.min === 1 && x.max === 1) return group(x.body);
      return body + q;
    }
    case 'look': {
      const body = emit(x.body);
      return `(?${x.neg ? '!' : '='}${x.end && x.body.k === 'alt' ? `(?:${body})` : body}${x.end ? '$' : ''})`;
    }
    case 'strip': {
      // The choice is held in a look-ahead capture (atomic in all three engines) that is the prefix or nothing, so no
      // backtracking can take the other branch: `(?=(?<c>TAKE|))\k<c>`.
      const a = `np${names.next++}`;
      const c = `np${names.next++}`;
      const g = emit(x.general);
      const take = `(?=(?<${a}>${emit(x.prefix)}))(?!(?=(?:${g})$)\\k<${a}>(?!(?:${g})$))\\k<${a}>(?=(?:${emit(x.lengths)})$)`;
      return `(?=(?<${c}>${take}|))\\k<${c}>${group(x.rest)}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The metadata, as regexes.

interface TypeDesc {
  pattern(): string;
  possibleLengths(): number[] | undefined;
}
interface Plan {
  nationalNumberPattern(): string;
  possibleLengths(): number[] | undefined;
  nationalPrefixForParsing(): string | undefined;
  nationalPrefixTransformRule(): string | undefined;
  leadingDigits(): string | undefined;
  type(t: string): TypeDesc | undefined;
}
interface Meta {
  selectNumberingPlan(countryOrCode: string): void;
  readonly numberingPlan: Plan;
}

const NON_FIXED = ['MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'] as const;

/** What the metadata says of one region (or non-geographic calling code), as regexes over the national number. */
export interface Region {
  readonly id: string;
  readonly general: Rx;
  readonly lengths: readonly number[];
  readonly leading: Rx | undefined;
  /** Each type's test (pattern and possible lengths), in the library's order; FIXED_LINE first. */
  readonly types: ReadonlyMap<string, Rx>;
  /** Whether the region has a MOBILE type with a pattern. */
  readonly mobile: boolean;
}

const lengthsRx = (lengths: readonly number[]): Rx => alt(...lengths.map((n) => ({ k: 'rep', body: { k: 'set', chars: DIGITS }, min: n, max: n }) as Rx));

function readRegion(m: Meta, id: string): Region {
  m.selectNumberingPlan(id);
  const p = m.numberingPlan;
  const types = new Map<string, Rx>();
  for (const t of ['FIXED_LINE', ...NON_FIXED]) {
    const d = p.type(t);
    if (!d || !d.pattern()) continue;
    const lengths = d.possibleLengths();
    types.set(t, seq(lengths ? lookEnd(lengthsRx(lengths)) : EMPTY, lookEnd(parseMetadataPattern(d.pattern()))));
  }
  const ld = p.leadingDigits();
  return {
    id,
    general: parseMetadataPattern(p.nationalNumberPattern()),
    lengths: p.possibleLengths() ?? [],
    leading: ld ? parseMetadataPattern(ld) : undefined,
    types,
    mobile: types.has('MOBILE'),
  };
}

/** The calling codes of the metadata, each with its regions (the main one first; `001` for a non-geographic code). */
/** A calling code of the metadata and its regions. */
export interface CallingCode {
  readonly code: string;
  readonly regions: readonly Region[];
  /** Regions are reported as the country; a non-geographic code's as `001` when valid. */
  readonly geographic: boolean;
  readonly prefix: string | undefined;
  readonly transform: string | undefined;
}

let codesCache: readonly CallingCode[] | undefined;

/**
 * Every calling code of the "max" metadata (the metadata the Node.js engine's `when:` uses), with its regions; worked
 * out once per process.
 *
 * @returns the calling codes
 * @example
 * ```ts
 * callingCodes().find((c) => c.code === '44')?.regions.map((r) => r.id); // ['GB', 'GG', 'IM', 'JE']
 * ```
 */
export function callingCodes(): readonly CallingCode[] {
  if (codesCache) return codesCache;
  const { metadata, json } = loadMetadata();
  const m = metadata as unknown as Meta;
  const out: CallingCode[] = [];
  // Non-geographic codes (+800, +882, ...) have their own numbering plans, outside country_calling_codes.
  const nonGeographic = Object.keys((json as { nonGeographic?: Record<string, unknown> }).nonGeographic ?? {});
  const byCode: Record<string, readonly string[]> = { ...json.country_calling_codes, ...Object.fromEntries(nonGeographic.map((c) => [c, ['001']])) };
  for (const code of Object.keys(byCode).sort()) {
    const ids = byCode[code] ?? [];
    const geographic = !(ids.length === 1 && ids[0] === '001');
    const regions = geographic ? ids.map((id) => readRegion(m, id)) : [readRegion(m, code)];
    m.selectNumberingPlan(geographic ? (ids[0] as string) : code);
    const prefix = m.numberingPlan.nationalPrefixForParsing() || undefined;
    const transform = m.numberingPlan.nationalPrefixTransformRule() || undefined;
    out.push({ code, regions, geographic, prefix, transform });
  }
  codesCache = out;
  return out;
}

/** An outcome of the library for one number: parsed (with a region or none, and a type or none), or not a number. */
type Outcome = { readonly parsed: false } | { readonly parsed: true; readonly region: string | undefined; readonly type: string | undefined };

/** What the engine's `meetsCondition` answers for an outcome (see src/engine/match/when.ts). */
function meets(when: WhenCondition, o: Outcome, geographic: boolean): boolean {
  const valid = o.parsed && o.type !== undefined;
  const numberType = o.parsed ? (o.type ?? '') : '';
  const country = !o.parsed ? '' : geographic && o.region !== undefined ? o.region : valid ? '001' : '';
  if (when.valid !== undefined && valid !== when.valid) return false;
  if (when.numberType !== undefined && !when.numberType.includes(numberType)) return false;
  if (when.country !== undefined && !when.country.includes(country)) return false;
  return true;
}

/** The numbers of region r that have some type. */
function validIn(r: Region): Rx {
  const anyType = alt(...[...r.types.values()]);
  return seq(lookEnd(r.general), anyType.k === 'none' ? NONE : { k: 'look', neg: false, end: false, body: anyType });
}

const ALL_TYPES: readonly (string | undefined)[] = ['FIXED_LINE_OR_MOBILE', 'FIXED_LINE', ...NON_FIXED, undefined];

/** The national numbers (at their start) whose region is r (by the library's choice among the code's regions) and outcome meets `when`. */
function nationalCondition(cc: CallingCode, when: WhenCondition): Rx {
  const DEFINED = ALL_TYPES.filter((t) => t !== undefined);
  const branch = (r: Region, region: string | undefined): Rx => {
    const ok = ALL_TYPES.filter((t) => meets(when, { parsed: true, region, type: t }, cc.geographic));
    if (ok.length === ALL_TYPES.length) return EMPTY;
    if (ok.length === 0) return NONE;
    // Valid (any type) and invalid are one test each, whatever the type order.
    const anyType = DEFINED.every((t) => ok.includes(t)) ? validIn(r) : undefined;
    if (anyType && ok.length === DEFINED.length) return anyType;
    if (ok.length === 1 && ok[0] === undefined) return { k: 'look', neg: true, end: false, body: validIn(r) };
    return typesIn(r, ok);
  };
  let chosen: Rx;
  const main = cc.regions[0] as Region;
  if (cc.regions.length === 1) chosen = branch(main, cc.geographic ? main.id : undefined);
  else {
    // The first region whose leading digits start the number, or (without leading digits) in which it has a type.
    chosen = branch(main, undefined);
    for (const r of [...cc.regions].reverse()) {
      const sel: Rx = r.leading ? { k: 'look', neg: false, end: false, body: r.leading } : validIn(r);
      // Chosen for having a type: every valid outcome is already known to hold.
      const allValid = ALL_TYPES.filter((t) => t !== undefined).every((t) => meets(when, { parsed: true, region: r.id, type: t }, cc.geographic));
      const b = !r.leading && allValid ? EMPTY : branch(r, r.id);
      // When every number of the region meets the condition, a number that fails `sel` is the only one left to look on.
      if (b.k === 'empty') chosen = alt(sel, chosen);
      else chosen = alt(seq(sel, b), seq({ k: 'look', neg: true, end: false, body: sel }, chosen));
    }
  }
  // 2 to 17 digits, else not a number.
  const sized: Rx = { k: 'rep', body: { k: 'set', chars: DIGITS }, min: 2, max: 17 };
  const failOk = meets(when, { parsed: false }, cc.geographic);
  return alt(seq(lookEnd(sized), chosen), failOk ? lookEnd(sized, true) : NONE);
}

/**
 * The numbers of region r whose type is one of `ok` (undefined: no type), the types tried in the library's order, each
 * pattern written at most twice (as the test that picks it and as the test that lets the next be tried).
 */
function typesIn(r: Region, ok: readonly (string | undefined)[]): Rx {
  const has = (x: string): Rx => r.types.get(x) ?? NONE;
  const isNot = (x: Rx): Rx => (x.k === 'none' ? EMPTY : { k: 'look', neg: true, end: false, body: x });
  const fixed = has('FIXED_LINE');
  const mobile = has('MOBILE');
  // The decision list from the last type back: what the numbers that reach type k must meet.
  let tail: Rx = ok.includes(undefined) ? EMPTY : NONE; // no type matched: invalid
  for (const t of [...NON_FIXED].reverse()) {
    const test = has(t);
    if (test.k === 'none') continue;
    tail = ok.includes(t) ? alt(test, seq(isNot(test), tail)) : seq(isNot(test), tail);
  }
  let onFixed: Rx;
  if (!r.mobile) onFixed = ok.includes('FIXED_LINE_OR_MOBILE') ? EMPTY : NONE;
  else {
    const flom = ok.includes('FIXED_LINE_OR_MOBILE');
    const fl = ok.includes('FIXED_LINE');
    onFixed = flom && fl ? EMPTY : flom ? mobile : fl ? isNot(mobile) : NONE;
  }
  const typed = fixed.k === 'none' ? tail : alt(seq(fixed, onFixed), seq(isNot(fixed), tail));
  const general = lookEnd(r.general);
  return alt(seq(general, typed), ok.includes(undefined) ? lookEnd(r.general, true) : NONE);
}

/** The lengths a national number may have for the national prefix to be taken off (not too short, not invalid). */
function stripLengths(cc: CallingCode): Rx {
  const ok = (r: Region): Rx => {
    const ls = [...r.lengths].sort((a, b) => a - b);
    if (ls.length === 0) return ANY;
    const max = ls[ls.length - 1] as number;
    return alt(lengthsRx(ls), { k: 'rep', body: { k: 'set', chars: DIGITS }, min: max + 1, max: Infinity });
  };
  const main = cc.regions[0] as Region;
  const same = cc.regions.every((r) => JSON.stringify([...r.lengths].sort()) === JSON.stringify([...main.lengths].sort()));
  if (cc.regions.length === 1 || same) return ok(main);
  let chosen = ok(main);
  for (const r of [...cc.regions].reverse()) {
    const sel = r.leading ? ({ k: 'look', neg: false, end: false, body: r.leading } as Rx) : validIn(r);
    chosen = alt(seq(sel, ok(r)), seq({ k: 'look', neg: true, end: false, body: sel }, chosen));
  }
  return chosen;
}

/** The digits after the calling code, for one code: the national prefix step, then the condition on the national number. */
function codeCondition(cc: CallingCode, when: WhenCondition): Rx {
  const national = seq(nationalCondition(cc, when), ANY);
  if (cc.prefix === undefined) return national;
  const main = cc.regions[0] as Region;
  const strip = (prefix: Rx): Rx => ({ k: 'strip', prefix, general: main.general, lengths: stripLengths(cc), rest: national });
  if (cc.transform === undefined || !hasGroup(cc.prefix)) {
    if (/\$/.test(cc.prefix)) throw new WhenRegexError(`the national prefix of +${cc.code} (${cc.prefix}) looks at the end of the number`);
    return strip(parseMetadataPattern(cc.prefix));
  }
  const groups = (cc.prefix.match(/\((?!\?)/g) ?? []).length;
  // "$k" of the last group: the number becomes that group and what follows the prefix, i.e. the prefix up to the group
  // is taken off (Brazil's carrier codes, Gabon, Japan): the group becomes a look-ahead.
  if (cc.transform === `$${groups}`) return strip(parseMetadataPattern(cc.prefix, groups));
  // "ins$1" of a group that is the whole number, `(X)$` first: the number becomes ins and itself (Madagascar's 20,
  // Norfolk Island's 3, San Marino's 0549); other branches of the prefix are taken off as usual.
  const whole = /^\(([^()]*)\)\$(?:\|(.*))?$/.exec(cc.prefix);
  const ins = /^(\d*)\$1$/.exec(cc.transform);
  if (whole && ins) {
    const x = parseMetadataPattern(whole[1] as string);
    const added = ins[1] as string;
    const grown = lookEnd(deriveText(main.general, added)); // the general pattern, of the grown number
    const ok = seq(alt(lookEnd(main.general, true), grown), lookEnd(deriveText(stripLengths(cc), added)));
    const notOk: Rx = { k: 'look', neg: true, end: false, body: ok };
    const rest = whole[2] !== undefined && whole[2] !== '' ? strip(parseMetadataPattern(whole[2])) : national;
    return alt(seq(lookEnd(x), ok, deriveText(national, added)), seq(lookEnd(x), notOk, national), seq(lookEnd(x, true), rest));
  }
  // "ins$1" of an area code before fixed carrier digits, `0?(?:(AREA)15)?` (Argentina's mobile numbers dialled
  // 0 11 15 xxxx xxxx become 9 11 xxxx xxxx): written out per area code, areas whose rest is the same sharing a branch.
  const carrier = /^(\d)\?\(\?:\((.*)\)(\??)(\d+)\)\?$/.exec(cc.prefix);
  if (carrier && ins) {
    const np = carrier[1] as string;
    const digits = carrier[4] as string;
    const areaOptional = carrier[3] === '?';
    const areas = enumerate(parseMetadataPattern(carrier[2] as string), 5000);
    const added = ins[1] as string;
    const keyed = areas?.map((a) => `${a}${digits}`) ?? [];
    const prefixFree = keyed.every((k, i) => keyed.every((o, j) => i === j || !o.startsWith(k)));
    if (areas && areas.length > 0 && prefixFree && areas.every((a) => !a.startsWith(np))) {
      const lit = (t: string): Rx => seq(...[...t].map((d) => ({ k: 'set', chars: d }) as Rx));
      const taken = (as: readonly string[]): Rx => seq({ k: 'rep', body: lit(np), min: 0, max: 1 }, alt(...as.map(lit)), lit(digits));
      const lengths = stripLengths(cc);
      const groups = new Map<string, { areas: string[]; rest: Rx; general: Rx; lengths: Rx }>();
      for (const a of areas) {
        const v = { rest: deriveText(national, added + a), general: deriveText(main.general, added + a), lengths: deriveText(lengths, added + a) };
        const key = JSON.stringify(v);
        const g = groups.get(key);
        if (g) g.areas.push(a);
        else groups.set(key, { areas: [a], ...v });
      }
      const okTaken = (g: { areas: string[]; general: Rx; lengths: Rx }): Rx =>
        seq(alt(seq(lookEnd(main.general, true), taken(g.areas)), seq(taken(g.areas), lookEnd(g.general))), lookEnd(g.lengths));
      const rewritten = alt(...[...groups.values()].map((g) => seq(okTaken(g), g.rest)));
      const all: Rx = { k: 'look', neg: false, end: false, body: taken(areas) };
      const notOk: Rx = { k: 'look', neg: true, end: false, body: alt(...[...groups.values()].map(okTaken)) };
      const plain = strip(parseMetadataPattern(areaOptional ? `${np}?(?:${digits})?` : `${np}?`));
      return alt(rewritten, seq(all, notOk, national), seq({ k: 'look', neg: true, end: false, body: taken(areas) }, plain));
    }
  }
  throw new WhenRegexError(
    `libphonenumber-js rewrites some +${cc.code} numbers (national prefix ${cc.prefix} becomes ${cc.transform}), which a regular expression cannot do`,
  );
}

/** Every string `x` matches, in the order a backtracking engine tries them, or undefined when more than `limit`. */
function enumerate(x: Rx, limit: number): string[] | undefined {
  switch (x.k) {
    case 'empty':
      return [''];
    case 'set':
      return [...x.chars];
    case 'alt': {
      const out: string[] = [];
      for (const o of x.options) {
        const e = enumerate(o, limit);
        if (!e || out.length + e.length > limit) return undefined;
        out.push(...e);
      }
      return out;
    }
    case 'seq': {
      let out = [''];
      for (const item of x.items) {
        const e = enumerate(item, limit);
        if (!e || out.length * e.length > limit) return undefined;
        out = out.flatMap((a) => e.map((b) => a + b));
      }
      return out;
    }
    case 'rep': {
      if (x.max === Infinity) return undefined;
      const one = enumerate(x.body, limit);
      if (!one) return undefined;
      // Greedy: more repetitions first.
      const out: string[] = [];
      for (let n = x.max; n >= x.min; n--) {
        let acc = [''];
        for (let k = 0; k < n; k++) {
          if (acc.length * one.length > limit) return undefined;
          acc = acc.flatMap((a) => one.map((b) => a + b));
        }
        out.push(...acc);
        if (out.length > limit) return undefined;
      }
      return out;
    }
    default:
      return undefined;
  }
}

function hasGroup(p: string): boolean {
  return /\((?!\?)/.test(p);
}

/** The condition over a whole number (`+` and digits, at most 20 as the engine reads E.164), as a tree. */
export interface ConditionRegex {
  readonly rx: Rx;
  /** The calling codes it tells apart. */
  readonly codes: readonly string[];
}

/**
 * The numbers (`+` and 1 to 20 digits) whose `when:` condition holds, as a regex tree, limited to the calling codes the
 * pattern `starts` (the entry's fixed start, as literal text after `+`) leaves possible.
 *
 * @param when - the condition
 * @param starts - the digits every number of the entry starts with after `+` (`44` for `+447Z`; `''` for `+Z`)
 * @returns the tree and the calling codes it names
 * @throws WhenRegexError when a calling code it needs cannot be written as a regex
 * @example
 * ```ts
 * emitRx(conditionRegex({ valid: true }, '44').rx, { next: 1 }).startsWith('\\+'); // true
 * ```
 */
export function conditionRegex(when: WhenCondition, starts: string): ConditionRegex {
  const all = callingCodes();
  const options: Rx[] = [];
  const codes: string[] = [];
  const problems: string[] = [];
  for (const cc of all) {
    if (!(cc.code.startsWith(starts) || starts.startsWith(cc.code))) continue;
    if (when.country !== undefined && !cc.regions.some((r) => when.country?.includes(r.id)) && !(when.country.includes('001') && !cc.geographic)) {
      // No region of this code can be named; only a failed parse (country "") could meet the condition, and "" is no code.
      if (!when.country.includes('')) continue;
    }
    try {
      const c = codeCondition(cc, when);
      if (c.k === 'none') continue;
      options.push(seq(...[...cc.code].map((d) => ({ k: 'set', chars: d }) as Rx), c));
      codes.push(cc.code);
    } catch (e) {
      if (!(e instanceof WhenRegexError)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length > 0) throw new WhenRegexError(problems.join('; '));
  // No calling code at all (or a 0 after +): not a number, which meets only a condition that asks for invalid numbers.
  if (meets(when, { parsed: false }, true)) {
    const known = alt(...all.map((cc) => seq(...[...cc.code].map((d) => ({ k: 'set', chars: d }) as Rx))));
    options.push(seq({ k: 'look', neg: true, end: false, body: known }, ANY));
  }
  const plus: Rx = { k: 'set', chars: '+' };
  const digits: Rx = { k: 'rep', body: { k: 'set', chars: DIGITS }, min: 1, max: 20 };
  const rx = seq(plus, lookEnd(digits), alt(...options));
  if (/^\d+$/.test(starts)) {
    // Read through the entry's fixed start: what is left of the metadata is what can follow it (much shorter).
    try {
      const lit = `+${starts}`;
      return { rx: seq(...[...lit].map((d) => ({ k: 'set', chars: d }) as Rx), deriveText(rx, lit)), codes };
    } catch (e) {
      if (!(e instanceof WhenRegexError)) throw e;
    }
  }
  return { rx, codes };
}

/** The prefix of the name of the empty group that says which condition a look-ahead is (for the import to read back). */
const MARKER = 'dpwhen';

/**
 * The name of the empty group that marks a condition's look-ahead: `dpwhen` and the hexadecimal UTF-8 of
 * `[when, L]` (L: the rewritten prefix it was read through), letters and digits only, as Java's group names must be.
 *
 * @param when - the condition
 * @param rewritten - the literal prefix of the conversion it was read through (`''` for none)
 * @returns the group name
 * @example
 * ```ts
 * conditionMarker({ valid: true }, '').startsWith('dpwhen'); // true
 * ```
 */
export function conditionMarker(when: WhenCondition, rewritten: string): string {
  const bytes = new TextEncoder().encode(JSON.stringify([when, rewritten]));
  return MARKER + [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Reads a marker group name back.
 *
 * @param name - a group name
 * @returns the condition and the rewritten prefix, or undefined when the name is no marker
 * @example
 * ```ts
 * readConditionMarker(conditionMarker({ valid: true }, '')); // { when: { valid: true }, rewritten: '' }
 * ```
 */
export function readConditionMarker(name: string): { readonly when: WhenCondition; readonly rewritten: string } | undefined {
  if (!name.startsWith(MARKER)) return undefined;
  const hex = name.slice(MARKER.length);
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) return undefined;
  try {
    const bytes = new Uint8Array(hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
    const v: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    if (!Array.isArray(v) || v.length !== 2 || typeof v[1] !== 'string' || typeof v[0] !== 'object' || v[0] === null) return undefined;
    const w = v[0] as Record<string, unknown>;
    const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((y) => typeof y === 'string');
    if (Object.keys(w).some((k) => !['valid', 'numberType', 'country'].includes(k))) return undefined;
    if (w['valid'] !== undefined && typeof w['valid'] !== 'boolean') return undefined;
    if ((w['numberType'] !== undefined && !strings(w['numberType'])) || (w['country'] !== undefined && !strings(w['country']))) return undefined;
    return { when: w as WhenCondition, rewritten: v[1] };
  } catch {
    return undefined;
  }
}

/**
 * Takes the `when:` look-aheads dialplan's export wrote (a look-ahead whose first item is an empty group named by
 * {@link conditionMarker}) out of a parsed regex tree, for an import to read the conditions back.
 *
 * @param node - the tree
 * @param found - where the conditions read go
 * @returns the tree without them
 * @example
 * ```ts
 * const found = [];
 * takeConditions(parseDotnetRegex(genesysPlan.match, 'java').root, found); // found[0].when
 * ```
 */
export function takeConditions(node: RegexNode, found: { when: WhenCondition; rewritten: string }[]): RegexNode {
  switch (node.t) {
    case 'look': {
      const first = node.body.t === 'seq' ? node.body.items[0] : node.body;
      const marker = node.ahead && !node.negate && first?.t === 'group' && first.name !== undefined ? readConditionMarker(first.name) : undefined;
      if (marker) {
        found.push({ when: marker.when, rewritten: marker.rewritten });
        return { t: 'seq', items: [], pos: node.pos };
      }
      return node;
    }
    case 'seq':
      return { ...node, items: node.items.map((i) => takeConditions(i, found)) };
    case 'alt':
      return { ...node, options: node.options.map((o) => takeConditions(o, found)) };
    case 'group':
    case 'repeat':
      return { ...node, body: takeConditions(node.body, found) };
    default:
      return node;
  }
}

