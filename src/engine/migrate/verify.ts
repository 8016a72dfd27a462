/**
 * The proof of a migration: numbers generated from the source's patterns themselves (seeded), each classified and
 * translated by a reference evaluator of the source system and by the converted plan (or the other way round for an
 * export), and the agreement counted. No `node:` imports.
 */
import type { DialPlan } from '../plan/plan.js';
import { prepareNumber } from '../pipeline/prepare.js';
import type { RegexNode } from './dotnet-regex.js';
import { charSetHas } from './dotnet-regex.js';
import { parsePattern } from '../match/pattern.js';
import { parseTemplate } from '../match/template.js';
import { sampleNumbers } from '../authoring/metadata-numbers.js';
import { callingCodes } from './when-regex.js';

/** What a system does with one number: the rule (classification) that took it and the number it becomes. */
export interface Outcome {
  readonly classification: string;
  readonly normalized: string;
}

/** A number both sides were asked about, and in which location. */
export interface VerifyNumber {
  readonly number: string;
  readonly location?: string;
}

/** One number on which the two sides differ. */
export interface Disagreement extends VerifyNumber {
  readonly expected: Outcome;
  readonly actual: Outcome;
}

/** The agreement of two sides on generated numbers. */
export interface VerifyReport {
  readonly tried: number;
  readonly agreed: number;
  /** Percentage of the numbers tried on which both sides agree (100 when none was tried). */
  readonly agreement: number;
  /** The first disagreements (at most `maxDisagreements`). */
  readonly disagreements: readonly Disagreement[];
}

/** A seeded pseudo-random generator (mulberry32): the same seed draws the same numbers. */
export interface Rng {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

/**
 * A seeded pseudo-random generator.
 *
 * @param seed - the seed
 * @returns the generator
 * @example
 * ```ts
 * createRng(1).int(10) === createRng(1).int(10); // true
 * ```
 */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

const pick = (rng: Rng, s: string): string => s[rng.int(s.length)] ?? '';

/**
 * A random string a .NET regex matches, over the characters of `domain` (loops take 0 to 12 more repetitions; a branch
 * that cannot be drawn yields undefined).
 *
 * @param node - the regex tree
 * @param rng - the generator
 * @param domain - the characters numbers hold
 * @returns a matching string, or undefined
 * @example
 * ```ts
 * sampleRegex(parseDotnetRegex('^(\\d{4})$').root, createRng(1), '0123456789+')?.length; // 4
 * ```
 */
export function sampleRegex(node: RegexNode, rng: Rng, domain: string): string | undefined {
  switch (node.t) {
    case 'set': {
      const chars = [...domain].filter((c) => charSetHas(node.set, c)).join('');
      return chars === '' ? undefined : pick(rng, chars);
    }
    case 'seq': {
      let out = '';
      for (const item of node.items) {
        const s = sampleRegex(item, rng, domain);
        if (s === undefined) return undefined;
        out += s;
        if (out.length > 256) return undefined;
      }
      return out;
    }
    case 'alt':
      return sampleRegex(node.options[rng.int(node.options.length)] as RegexNode, rng, domain);
    case 'group':
      return sampleRegex(node.body, rng, domain);
    case 'repeat': {
      // Numbers are at most 256 characters: so are the repetitions drawn.
      const min = Math.min(node.min, 256);
      const max = Math.min(node.max === Infinity ? min + 12 : node.max, 256);
      const count = min + rng.int(Math.max(0, max - min) + 1);
      let out = '';
      for (let k = 0; k < count; k++) {
        const s = sampleRegex(node.body, rng, domain);
        if (s === undefined) return node.min === 0 ? '' : undefined;
        out += s;
        if (out.length > 256) return undefined;
      }
      return out;
    }
    case 'anchor':
    case 'look':
      return '';
    default:
      return undefined;
  }
}

/**
 * A random string a dial-plan pattern matches, over the characters of `domain` (`?` and `Z` take 0 to 12 characters).
 *
 * @param pattern - the pattern
 * @param rng - the generator
 * @param domain - the characters numbers hold
 * @param values - the values of named sets and location variables
 * @returns a matching string, or undefined when a token has no character in the domain
 * @example
 * ```ts
 * samplePattern('+1NXXNXXXXXX', createRng(1), '0123456789+', {})?.length; // 12
 * ```
 */
export function samplePattern(pattern: string, rng: Rng, domain: string, values: Readonly<Record<string, readonly string[]>>): string | undefined {
  let out = '';
  for (const t of parsePattern(pattern).tokens) {
    if (t.kind === 'literal') out += t.text;
    else if (t.kind === 'ref') {
      const v = values[t.name];
      if (!v || v.length === 0) return undefined;
      out += v[rng.int(v.length)];
    } else {
      const chars =
        t.kind === 'class'
          ? t.chars
          : t.wildcard === 'X'
            ? '0123456789'
            : t.wildcard === 'Y'
              ? '123456789'
              : t.wildcard === 'N'
                ? '23456789'
                : t.wildcard === '?'
                  ? '0123456789*#,'
                  : domain;
      const inDomain = [...chars].filter((c) => domain.includes(c)).join('');
      if (inDomain === '') return undefined;
      const count = t.kind === 'wildcard' && (t.wildcard === '?' || t.wildcard === 'Z') ? rng.int(13) : 1;
      for (let k = 0; k < count; k++) out += pick(rng, inDomain);
    }
  }
  return out;
}

/**
 * Near misses of a number: one character changed, removed or added, and the number cut short or made longer, so that the
 * edges of every pattern are tried too.
 *
 * @param s - the number
 * @param rng - the generator
 * @param domain - the characters numbers hold
 * @returns a few numbers close to `s`
 * @example
 * ```ts
 * mutate('1234', createRng(1), '0123456789').length; // 5
 * ```
 */
export function mutate(s: string, rng: Rng, domain: string): string[] {
  const at = rng.int(s.length + 1);
  const c = pick(rng, domain);
  return [
    s.slice(0, at) + c + s.slice(at + 1),
    s.slice(0, at) + s.slice(at + 1),
    s.slice(0, at) + c + s.slice(at),
    s.slice(0, Math.max(1, rng.int(s.length))),
    s + pick(rng, domain) + pick(rng, domain),
  ];
}

/**
 * Whether a number is one both sides see as written: in the domain, not empty, and left as it is by prepare (the converted
 * plan prepares what it is given; the source system does not).
 *
 * @param s - the number
 * @param domain - the characters numbers hold
 * @returns whether to try it
 * @example
 * ```ts
 * inDomain('+14255551234', '0123456789+'); // true
 * ```
 */
export function inDomain(s: string, domain: string): boolean {
  if (s === '' || ![...s].every((c) => domain.includes(c))) return false;
  const p = prepareNumber(s);
  return p.ok && p.text === s && !/.[/^]/.test(s);
}

/**
 * Asks both sides about every number and counts the agreement.
 *
 * @param numbers - the numbers, with their locations
 * @param expected - the side taken as the reference
 * @param actual - the other side
 * @param maxDisagreements - how many disagreements to keep
 * @returns the report
 * @example
 * ```ts
 * compareOutcomes([{ number: '1' }], () => ({ classification: 'A', normalized: '1' }), () => ({ classification: 'A', normalized: '1' })).agreement; // 100
 * ```
 */
export function compareOutcomes(
  numbers: readonly VerifyNumber[],
  expected: (n: VerifyNumber) => Outcome,
  actual: (n: VerifyNumber) => Outcome,
  maxDisagreements = 10,
): VerifyReport {
  let agreed = 0;
  const disagreements: Disagreement[] = [];
  const seen = new Set<string>();
  let tried = 0;
  for (const n of numbers) {
    const key = `${n.location ?? ''}\u0000${n.number}`;
    if (seen.has(key)) continue;
    seen.add(key);
    tried++;
    const e = expected(n);
    const a = actual(n);
    if (e.classification === a.classification && e.normalized === a.normalized) agreed++;
    else if (disagreements.length < maxDisagreements) disagreements.push({ ...n, expected: e, actual: a });
  }
  return { tried, agreed, agreement: tried === 0 ? 100 : (100 * agreed) / tried, disagreements };
}

/**
 * What a dial plan does with a number, as an {@link Outcome}: its default classification and normalized text.
 *
 * @param plan - the plan
 * @param n - the number and location
 * @returns the outcome (classification `!` + the error code for a rejected number)
 * @example
 * ```ts
 * planOutcome(loadDefaultDialPlan(), { number: '6929' }); // { classification: 'Intercom', normalized: '/6929' }
 * ```
 */
export function planOutcome(plan: DialPlan, n: VerifyNumber): Outcome {
  const r = plan.query(n.number, n.location !== undefined ? { location: n.location } : {});
  if (!r.ok) return { classification: `!${r.error.code}`, normalized: '' };
  return { classification: r.details.defaultClassification, normalized: r.details.normalizedText };
}

/**
 * The report as text: the agreement, then the first disagreements.
 *
 * @param report - the report
 * @param labels - what to call each side (`Teams`, `plan`)
 * @returns lines of text, ending with a newline
 * @example
 * ```ts
 * formatVerifyReport({ tried: 2, agreed: 2, agreement: 100, disagreements: [] }, ['Teams', 'plan']);
 * // 'verify: 2 of 2 numbers agree (100.00%)\n'
 * ```
 */
export function formatVerifyReport(report: VerifyReport, labels: readonly [string, string]): string {
  let out = `verify: ${report.agreed} of ${report.tried} numbers agree (${(Math.floor(report.agreement * 100) / 100).toFixed(2)}%)\n`;
  for (const d of report.disagreements) {
    const loc = d.location !== undefined ? ` [${d.location}]` : '';
    out += `  ${d.number}${loc}: ${labels[0]} ${d.expected.classification} → ${d.expected.normalized}; ${labels[1]} ${d.actual.classification} → ${d.actual.normalized}\n`;
  }
  return out;
}

/** Most ways a regex may have to split one number among its repetitions and alternatives before it is not run. */
const MAX_REGEX_WAYS = 100_000;

/** The count an unbounded repetition stands for when ways are counted: more characters than any number dialed. */
const LONGEST_NUMBER = 32;

/**
 * The first characters a node can match, as a bitmap of ASCII (128 bits in 4 words) and whether it may start with
 * another character; undefined when the node can match the empty string (then what follows it starts the match).
 */
function firstChars(n: RegexNode): { ascii: number[]; other: boolean } | undefined {
  switch (n.t) {
    case 'set': {
      const ascii = [0, 0, 0, 0];
      let other = n.set.dot === true;
      for (const it of n.set.items) {
        if ('lo' in it) {
          for (let c = it.lo; c <= Math.min(it.hi, 127); c++) ascii[c >> 5] = (ascii[c >> 5] as number) | (1 << (c & 31));
          if (it.hi > 127) other = true;
        } else {
          // .NET's \d is every Unicode decimal digit; the other shorthands reach past ASCII too.
          if (it.shorthand === 'd') for (let c = 48; c <= 57; c++) ascii[1] = (ascii[1] as number) | (1 << (c & 31));
          else ascii.fill(-1);
          other = true;
        }
      }
      if (n.set.dot === true || n.set.negate) return { ascii: [-1, -1, -1, -1], other: true };
      return { ascii, other };
    }
    case 'seq': {
      for (const item of n.items) {
        if (item.t === 'anchor' || item.t === 'look') continue;
        return firstChars(item);
      }
      return undefined;
    }
    case 'group':
      return firstChars(n.body);
    case 'repeat':
      return n.min === 0 ? undefined : firstChars(n.body);
    case 'alt': {
      const all = { ascii: [0, 0, 0, 0], other: false };
      for (const o of n.options) {
        const f = firstChars(o);
        if (f === undefined) return undefined;
        f.ascii.forEach((w, i) => (all.ascii[i] = (all.ascii[i] as number) | w));
        all.other ||= f.other;
      }
      return all;
    }
    default:
      return undefined;
  }
}

/** Whether every string a node matches has the same length. */
function fixedWidth(n: RegexNode): boolean {
  switch (n.t) {
    case 'set':
    case 'anchor':
    case 'look':
      return true;
    case 'seq':
      return n.items.every(fixedWidth);
    case 'group':
      return fixedWidth(n.body);
    case 'repeat':
      return n.min === n.max && fixedWidth(n.body);
    default:
      return false;
  }
}

/**
 * Whether a regex can be run by the reference evaluator without risk of exponential (or high polynomial) backtracking.
 * It is not when an unbounded repetition sits inside another repetition, when it has more than three unbounded
 * repetitions, or when the ways it may split one number among its repetitions and alternatives (each repetition's
 * counts, each iteration's own ways, alternatives that can start with the same character; an unbounded repetition
 * counted as up to 32; a look-around, which backtracking never re-enters, on its own) are more than 100 000: bounded nesting such as `(\d{1,30}){1,30}` or `(\d?){25}\d{25}` makes
 * JavaScript's backtracking take minutes on a number that almost matches. A rule that fails this is reported, not run
 * (a hostile rule file cannot hang `--verify`).
 *
 * @param node - the regex tree
 * @returns undefined when safe, else the index of the construct that is not
 * @example
 * ```ts
 * unsafeToRun(parseDotnetRegex('^(\\d+)+$').root); // 1
 * unsafeToRun(parseDotnetRegex('^(\\d{1,30}){1,30}#$').root); // 1
 * ```
 */
export function unsafeToRun(node: RegexNode): number | undefined {
  let bad: number | undefined;
  // The most unbounded repetitions one way through the regex can meet (alternatives are separate ways).
  const chain = (n: RegexNode, insideRepeat: boolean): number => {
    switch (n.t) {
      case 'seq':
        return n.items.reduce((sum, c) => sum + chain(c, insideRepeat), 0);
      case 'alt':
        if (insideRepeat) bad ??= n.pos;
        return Math.max(0, ...n.options.map((c) => chain(c, insideRepeat)));
      case 'group':
      case 'look':
        return chain(n.body, insideRepeat);
      case 'repeat': {
        const big = n.max === Infinity || n.max > 16;
        if (insideRepeat && n.max === Infinity) bad ??= n.pos;
        return (n.max === Infinity ? 1 : 0) + chain(n.body, insideRepeat || big);
      }
      default:
        return 0;
    }
  };
  if (chain(node, false) > 3) bad ??= 0;
  // The ways one number can be split: the backtracking a number that almost matches may cost. Past the limit, the
  // innermost construct that passed it is named.
  const over = (n: RegexNode, w: number): number => {
    if (w > MAX_REGEX_WAYS) bad ??= n.pos;
    return Math.min(w, MAX_REGEX_WAYS + 1);
  };
  const ways = (n: RegexNode): number => {
    switch (n.t) {
      case 'seq':
        return over(n, n.items.reduce((p, c) => p * ways(c), 1));
      case 'alt': {
        const each = n.options.map(ways);
        // Alternatives that cannot start with the same character never both go on: only one is tried further.
        const firsts = n.options.map(firstChars);
        const disjoint = firsts.every((f, i) => f !== undefined && !f.other && firsts.slice(0, i).every((g) => g !== undefined && f.ascii.every((x, k) => (x & (g.ascii[k] as number)) === 0)));
        return over(n, disjoint ? Math.max(1, ...each) : each.reduce((a, b) => a + b, 0));
      }
      case 'group':
        return ways(n.body);
      case 'look':
        // A look-around is atomic: once it holds, backtracking does not go back into it, so its ways add to the
        // cost of trying it but do not multiply with what follows.
        ways(n.body);
        return 1;
      case 'repeat': {
        const b = ways(n.body);
        const hi = Math.min(n.max, LONGEST_NUMBER);
        const lo = Math.min(n.min, hi);
        // A fixed-width body with one way: the count is the only choice.
        if (b === 1 && fixedWidth(n.body)) return over(n, hi - lo + 1);
        let total = 0;
        for (let k = lo; k <= hi && total <= MAX_REGEX_WAYS; k++) total += b ** k;
        return over(n, total);
      }
      default:
        return 1;
    }
  };
  ways(node);
  return bad;
}

/**
 * Numbers for the entries with a `when:` condition, which numbers drawn from patterns alone seldom meet (a random
 * `+44Z` is rarely valid): valid numbers of every type the metadata describes, of calling codes the entry's pattern
 * allows (at most `perRule` codes an entry, drawn at random), each also with a national prefix after the calling code,
 * with near misses, and as dialed through each input conversion that rewrites a prefix (`00`, `0`, a local number).
 *
 * @param plan - the plan
 * @param rng - the generator
 * @param perRule - how many calling codes to draw from for each pattern
 * @param domain - the characters numbers hold
 * @returns the numbers (not yet filtered with {@link inDomain})
 * @example
 * ```ts
 * conditionNumbers(loadDialPlanFile('rules/gb.yaml'), createRng(1), 5, '0123456789+').some((n) => n.startsWith('07')); // true
 * ```
 */
export function conditionNumbers(plan: DialPlan, rng: Rng, perRule: number, domain: string): string[] {
  const rules = plan.rules;
  if (!rules.dialPlan.some((e) => e.when !== undefined)) return [];
  const leading = (tokens: readonly { kind: string; text?: string }[]): string => {
    let out = '';
    for (const t of tokens) {
      if (t.kind !== 'literal') break;
      out += t.text ?? '';
    }
    return out;
  };
  // Each conversion that rewrites a dialed prefix P into L: P + the rest of the number.
  const conversions = rules.inputConversions.flatMap((c) => c.match.map((m) => ({ P: leading(parsePattern(m).tokens), L: leading(parseTemplate(c.output).tokens) })));
  const codes = callingCodes().filter((c) => c.geographic);
  const out: string[] = [];
  for (const e of rules.dialPlan) {
    if (e.when === undefined) continue;
    for (const m of e.match) {
      const start = leading(parsePattern(m).tokens);
      const fixed = start.startsWith('+') ? start.slice(1) : '';
      const fits = codes.filter((c) => c.code.startsWith(fixed) || fixed.startsWith(c.code));
      for (let k = 0; k < Math.min(perRule, fits.length); k++) {
        const cc = fits.length <= perRule ? fits[k] : fits[rng.int(fits.length)];
        const region = cc?.regions[rng.int(cc.regions.length)];
        if (!cc || !region) continue;
        for (const n of sampleNumbers(region.id, 1, () => rng.next())) {
          if (!n.e164.startsWith(start.startsWith('+') ? start : '+')) continue;
          const withPrefix = `+${cc.code}0${n.e164.slice(1 + cc.code.length)}`;
          for (const x of [n.e164, withPrefix, ...mutate(n.e164, rng, domain)]) {
            out.push(x);
            for (const c of conversions) if (c.L !== '' && x.startsWith(c.L)) out.push(c.P + x.slice(c.L.length));
          }
        }
      }
    }
  }
  return out;
}
