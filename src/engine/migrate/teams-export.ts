/**
 * A dial plan as Microsoft Teams normalization rules: per location, one Teams dial plan whose ordered .NET regexes give
 * every number the normalized text the plan gives it (and `IsInternalExtension` where its classification is internal).
 * Input conversions are composed into the rules: a conversion that rewrites a prefix (`NXXXXXX` → `+1317NXXXXXX`,
 * `011Z` → `+Z`) becomes, for each dial-plan entry its output can reach, a rule whose look-ahead checks the conversion's
 * pattern and whose body checks the entry's pattern on the rewritten number. No `node:` imports.
 */
import type { DialPlan } from '../plan/plan.js';
import { parsePattern } from '../match/pattern.js';
import { parseTemplate } from '../match/template.js';
import type { MigrationIssue } from './imported-plan.js';
import { uniqueName } from './imported-plan.js';
import { readTeamsDialPlans, TEAMS_MAX_RULES, teamsReference } from './teams.js';
import type { ConditionRegex, Rx } from './when-regex.js';
import type { RegexDialect } from './dotnet-regex.js';
import { conditionMarker, conditionRegex, deriveText, emitRx, WhenRegexError } from './when-regex.js';
import type { DialPlanEntryRule, WhenCondition } from '../types.js';
import type { VerifyNumber, VerifyReport } from './verify.js';
import { compareOutcomes, conditionNumbers, createRng, inDomain, mutate, samplePattern } from './verify.js';

/** One exported normalization rule, with the fields `New-CsVoiceNormalizationRule` takes. */
export interface TeamsRuleOut {
  readonly Name: string;
  readonly Description: string;
  readonly Pattern: string;
  readonly Translation: string;
  readonly IsInternalExtension: boolean;
}

/** One exported tenant dial plan (one per location of the plan). */
export interface TeamsDialPlanOut {
  readonly Identity: string;
  readonly SimpleName: string;
  readonly Description: string;
  readonly NormalizationRules: readonly TeamsRuleOut[];
}

/** The result of {@link exportTeams}: the dial plans, the JSON and PowerShell texts, and what did not carry over. */
export interface TeamsExport {
  readonly plans: readonly TeamsDialPlanOut[];
  /** `ConvertTo-Json`-shaped JSON of the dial plans (what `dialplan import --from teams` reads back). */
  readonly json: string;
  /** A PowerShell script of `New-CsVoiceNormalizationRule` and `New-CsTenantDialPlan` lines. */
  readonly powershell: string;
  /** Errors (a plan over the limit, an entry that cannot be written) and what does not carry over. */
  readonly issues: readonly MigrationIssue[];
}

/** The longest `Description` of a normalization rule (New-CsVoiceNormalizationRule: "Maximum string length: 512 characters"). */
export const TEAMS_MAX_DESCRIPTION = 512;

/** The characters `?` matches. */
const QUESTION = '0123456789*#,';

/** One element of a pattern: one character of a class, a loop (`?`, `Z`), or one value of a set. */
type Elem =
  | { readonly k: 'char'; readonly chars: string; readonly owner: number; readonly literal?: boolean }
  | { readonly k: 'loop'; readonly chars: string | undefined; readonly owner: number }
  | { readonly k: 'set'; readonly values: readonly string[]; readonly owner: number };

/** A pattern as elements, with what each wildcard rank and reference names. */
interface ElemPattern {
  readonly elems: readonly Elem[];
  /** Element index of each positional wildcard, by rank. */
  readonly ranks: readonly number[];
  /** Element index of `Z`. */
  readonly z: number | undefined;
  /** Element index of each named set. */
  readonly sets: ReadonlyMap<string, number>;
}

class ExportProblem extends Error {}

function toElems(pattern: string, sets: Readonly<Record<string, readonly string[]>>, vars: Readonly<Record<string, string>>): ElemPattern {
  const elems: Elem[] = [];
  const ranks: number[] = [];
  const setIdx = new Map<string, number>();
  let z: number | undefined;
  const parsed = parsePattern(pattern);
  for (const t of parsed.tokens) {
    if (t.kind === 'literal') {
      for (const ch of t.text) {
        const lower = ch.toLowerCase();
        const upper = ch.toUpperCase();
        elems.push({ k: 'char', chars: lower === upper ? ch : lower + upper, owner: elems.length, literal: true });
      }
    } else if (t.kind === 'ref') {
      const v = vars[t.name];
      if (v !== undefined) {
        for (const ch of v) elems.push({ k: 'char', chars: ch.toLowerCase() === ch.toUpperCase() ? ch : ch.toLowerCase() + ch.toUpperCase(), owner: elems.length, literal: true });
      } else {
        setIdx.set(t.name, elems.length);
        elems.push({ k: 'set', values: [...(sets[t.name] ?? [])].sort((a, b) => b.length - a.length), owner: elems.length });
      }
    } else if (t.kind === 'class') {
      ranks.push(elems.length);
      elems.push({ k: 'char', chars: t.chars, owner: elems.length });
    } else {
      ranks.push(elems.length);
      if (t.wildcard === 'Z') z = elems.length;
      const chars = t.wildcard === 'X' ? '0123456789' : t.wildcard === 'Y' ? '123456789' : t.wildcard === 'N' ? '23456789' : undefined;
      if (chars !== undefined) elems.push({ k: 'char', chars, owner: elems.length });
      else elems.push({ k: 'loop', chars: t.wildcard === '?' ? QUESTION : undefined, owner: elems.length });
    }
  }
  return { elems, ranks, z, sets: setIdx };
}

const ESCAPE = /[\\^$.|?*+()[\]{}#\s-]/;
function regexChar(ch: string): string {
  return ESCAPE.test(ch) ? `\\${ch}` : ch;
}
function regexClass(chars: string): string {
  if (chars.length === 1) return regexChar(chars);
  if (chars === '0123456789') return '[0-9]';
  if (chars === '123456789') return '[1-9]';
  if (chars === '23456789') return '[2-9]';
  return `[${[...chars].map((c) => (/[\\\]^-]/.test(c) ? `\\${c}` : c)).join('')}]`;
}
function regexText(text: string): string {
  return [...text].map((ch) => (ch.toLowerCase() === ch.toUpperCase() ? regexChar(ch) : `[${ch.toLowerCase()}${ch.toUpperCase()}]`)).join('');
}
function regexElem(e: Elem): string {
  if (e.k === 'char') return regexClass(e.chars);
  if (e.k === 'loop') return e.chars === undefined ? '.*' : `${regexClass(e.chars)}*`;
  // Longest values first: .NET takes the first branch that lets the rest match, as the engine tries longest first.
  return `(?:${e.values.map(regexText).join('|')})`;
}

/** One way of reading the literal `L` through a pattern's elements: what is left of the pattern, and what each element took of L. */
interface Residual {
  /** The remaining elements (a set entered by L is left as its remaining characters, owned by the set). */
  readonly elems: readonly (Elem & { readonly constOwner?: boolean })[];
  /** What each element took of L. */
  readonly consts: ReadonlyMap<number, string>;
}

function residuals(elems: readonly Elem[], L: string): Residual[] {
  const out: Residual[] = [];
  const walk = (i: number, j: number, consts: Map<number, string>): void => {
    if (out.length > 64) throw new ExportProblem('too many ways to read the conversion output through this pattern');
    if (j === L.length) {
      out.push({ elems: elems.slice(i), consts });
      return;
    }
    const e = elems[i];
    if (e === undefined) return;
    const ch = L[j] as string;
    const add = (s: string): Map<number, string> => new Map([...consts, [i, (consts.get(i) ?? '') + s]]);
    if (e.k === 'char') {
      if (e.chars.includes(ch)) walk(i + 1, j + 1, add(ch));
    } else if (e.k === 'loop') {
      // Greedy as the engine: take more of L first, then stop.
      if (e.chars === undefined || e.chars.includes(ch)) {
        const next = add(ch);
        if (j + 1 === L.length) out.push({ elems: elems.slice(i), consts: next });
        else walk(i, j + 1, next);
      }
      walk(i + 1, j, consts);
    } else {
      for (const v of e.values) {
        const rest = L.slice(j);
        if (rest.startsWith(v)) walk(i + 1, j + v.length, add(v));
        else if (v.startsWith(rest)) {
          const left = v.slice(rest.length);
          const tail: (Elem & { constOwner?: boolean })[] = [...left].map((c) => ({ k: 'char', chars: c, owner: i, constOwner: true }));
          out.push({ elems: [...tail, ...elems.slice(i + 1)], consts: new Map([...consts, [i, v]]) });
        }
      }
    }
  };
  walk(0, 0, new Map());
  return out;
}

/** Whether two element sequences (over characters) can match a common string: a product of their automata. */
function intersects(a: readonly Elem[], b: readonly Elem[], alphabet: string): boolean {
  // Sets are expanded into their values' characters as small automata: element positions become (elem, offset).
  type Pos = readonly [number, number];
  const step = (seq: readonly Elem[], [i, o]: Pos, ch: string): Pos[] => {
    const e = seq[i];
    if (!e) return [];
    if (e.k === 'char') return e.chars.includes(ch) ? [[i + 1, 0]] : [];
    if (e.k === 'loop') return e.chars === undefined || e.chars.includes(ch) ? [[i, 0]] : [];
    const next: Pos[] = [];
    for (const v of e.values) if (v.length > o && v[o] === ch) next.push(o + 1 === v.length ? [i + 1, 0] : [i, o + 1]);
    void next;
    // Offsets within a set: keep the value identity by prefix (values sharing a prefix share the state).
    const set = new Set<string>();
    const res: Pos[] = [];
    for (const p of next) {
      const key = `${p[0]}:${p[1]}`;
      if (!set.has(key)) (set.add(key), res.push(p));
    }
    return res;
  };
  const close = (seq: readonly Elem[], ps: readonly Pos[]): Pos[] => {
    const out = new Map<string, Pos>();
    const stack = [...ps];
    while (stack.length) {
      const p = stack.pop() as Pos;
      const key = `${p[0]}:${p[1]}`;
      if (out.has(key)) continue;
      out.set(key, p);
      const e = seq[p[0]];
      if (e?.k === 'loop' && p[1] === 0) stack.push([p[0] + 1, 0]);
    }
    return [...out.values()];
  };
  const accept = (seq: readonly Elem[], ps: readonly Pos[]): boolean => ps.some(([i, o]) => i === seq.length && o === 0);
  let frontier: [Pos[], Pos[]][] = [[close(a, [[0, 0]]), close(b, [[0, 0]])]];
  const seen = new Set<string>();
  // Sets of values: a step into a set may need the value's characters beyond one prefix; approximate prefix sharing is
  // exact here because a position (set, offset) accepts the next character of every value with that prefix.
  for (let guard = 0; frontier.length > 0 && guard < 10_000; guard++) {
    const next: [Pos[], Pos[]][] = [];
    for (const [pa, pb] of frontier) {
      if (accept(a, pa) && accept(b, pb)) return true;
      for (const ch of alphabet) {
        const na = close(a, pa.flatMap((p) => step(a, p, ch)));
        const nb = close(b, pb.flatMap((p) => step(b, p, ch)));
        if (na.length === 0 || nb.length === 0) continue;
        const key = `${na.map((p) => p.join(':')).sort().join(',')}|${nb.map((p) => p.join(':')).sort().join(',')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        next.push([na, nb]);
      }
    }
    frontier = next;
  }
  return frontier.length > 0;
}

/**
 * The strings both sequences match, as one sequence owned like `b` (so templates still find their captures), when that is
 * simple to write: position by position, with a loop only as the last element of either side. Undefined: nothing in
 * common; 'complex': use a look-ahead instead.
 */
function intersectSeq(a: readonly Elem[], b: readonly (Elem & { constOwner?: boolean })[]): (Elem & { constOwner?: boolean })[] | undefined | 'complex' {
  const out: (Elem & { constOwner?: boolean })[] = [];
  let i = 0;
  let j = 0;
  const inter = (x: string | undefined, y: string | undefined): string | undefined => (x === undefined ? y : y === undefined ? x : [...x].filter((c) => y.includes(c)).join(''));
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === undefined) {
      // Only loops of b may be left, matching nothing.
      if (y?.k === 'loop') {
        j++;
        continue;
      }
      return undefined;
    }
    if (y === undefined) {
      if (x.k === 'loop') {
        i++;
        continue;
      }
      return undefined;
    }
    if (x.k === 'set') return 'complex';
    if (x.k === 'loop' && i !== a.length - 1) return 'complex';
    if (y.k === 'loop' && j !== b.length - 1) return 'complex';
    if (x.k === 'char' && y.k === 'char') {
      const c = inter(x.chars, y.chars) ?? '';
      if (c === '') return undefined;
      out.push({ ...y, chars: c });
      i++;
      j++;
    } else if (x.k === 'char' && y.k === 'loop') {
      // b's last loop takes the rest of a.
      const c = inter(x.chars, y.chars) ?? '';
      if (c === '') return undefined;
      out.push({ k: 'char', chars: c, owner: y.owner });
      i++;
    } else if (x.k === 'loop' && y.k === 'char') {
      const c = inter(x.chars, y.chars) ?? '';
      if (c === '') return undefined;
      out.push({ ...y, chars: c });
      j++;
    } else if (x.k === 'loop' && y.k === 'loop') {
      out.push({ ...y, chars: inter(x.chars, y.chars) });
      i++;
      j++;
    } else if (y.k === 'set') {
      if (x.k === 'loop') {
        const values = y.values.filter((v) => [...v].every((c) => x.chars === undefined || x.chars.includes(c)));
        if (values.length === 0) return undefined;
        out.push({ ...y, values });
        j++;
        continue;
      }
      const len = y.values[0]?.length ?? 0;
      if (y.values.some((v) => v.length !== len)) return 'complex';
      const window = a.slice(i, i + len);
      if (window.length < len || window.some((w) => w.k !== 'char')) return 'complex';
      const values = y.values.filter((v) => [...v].every((c, t) => (window[t] as { chars: string }).chars.includes(c)));
      if (values.length === 0) return undefined;
      out.push({ ...y, values });
      i += len;
      j++;
    } else return 'complex';
  }
  return out;
}

/** The pieces of an output: literal text and references to element captures. */
type Piece = { readonly t: 'text'; readonly text: string } | { readonly t: 'elems'; readonly from: number; readonly to: number };

// A template over a pattern's elements as pieces, adjacent references joined into one (one group, not one per digit).
function templatePieces(template: string | undefined, p: ElemPattern, classification: string, vars: Readonly<Record<string, string>>): Piece[] {
  const out: Piece[] = [];
  for (const piece of templatePiecesRaw(template, p, classification, vars)) {
    const last = out[out.length - 1];
    if (piece.t === 'elems' && last?.t === 'elems' && last.to + 1 === piece.from) out[out.length - 1] = { t: 'elems', from: last.from, to: piece.to };
    else out.push(piece);
  }
  return out;
}

// A template over a pattern's elements as pieces; undefined template: the matched string itself.
function templatePiecesRaw(template: string | undefined, p: ElemPattern, classification: string, vars: Readonly<Record<string, string>>): Piece[] {
  if (template === undefined) return [{ t: 'elems', from: 0, to: p.elems.length - 1 }];
  const parsed = parseTemplate(template);
  const out: Piece[] = [];
  for (const tok of parsed.tokens) {
    if (tok.kind === 'literal') out.push({ t: 'text', text: tok.text });
    else if (tok.kind === 'wildcard') {
      const i = p.ranks[tok.rank];
      if (i !== undefined) out.push({ t: 'elems', from: i, to: i });
    } else if (tok.kind === 'ref') {
      if (tok.name === 'Z' || tok.name === 'z') {
        if (p.z !== undefined) out.push({ t: 'elems', from: p.z, to: p.z });
      } else if (tok.name === 'classification') out.push({ t: 'text', text: classification });
      else if (p.sets.has(tok.name)) out.push({ t: 'elems', from: p.sets.get(tok.name) as number, to: p.sets.get(tok.name) as number });
      else if (vars[tok.name] !== undefined) out.push({ t: 'text', text: vars[tok.name] as string });
      else throw new ExportProblem(`{${tok.name}} (a libphonenumber-js field) has no counterpart in a Teams translation`);
    } else {
      // Ordinal: character positions of the matched string, mapped to elements (each of a fixed width before them).
      let at = 1;
      let from: number | undefined;
      let to: number | undefined;
      const last = tok.open || tok.to === undefined ? Infinity : tok.to;
      for (let i = 0; i < p.elems.length; i++) {
        const e = p.elems[i] as Elem;
        const width = e.k === 'char' ? 1 : e.k === 'set' && new Set(e.values.map((v) => v.length)).size === 1 ? (e.values[0]?.length ?? 0) : undefined;
        if (from === undefined && at === tok.from) from = i;
        if (width === undefined) {
          if (from === undefined || last !== Infinity) throw new ExportProblem(`the ordinal {${tok.from}${tok.open ? '-' : tok.to !== undefined && tok.to !== tok.from ? `-${tok.to}` : ''}} needs positions after a part of variable length`);
          to = p.elems.length - 1;
          break;
        }
        if (from === undefined && at < tok.from && at + width > tok.from) throw new ExportProblem(`the ordinal {${tok.from}-} starts inside a set value`);
        at += width;
        if (from !== undefined && at - 1 >= last) {
          if (at - 1 > last) throw new ExportProblem(`the ordinal ending at ${last} ends inside a set value`);
          to = i;
          break;
        }
        if (i === p.elems.length - 1) to = i;
      }
      if (from !== undefined && to !== undefined) out.push({ t: 'elems', from, to });
    }
  }
  return out;
}

/** A Teams rule before naming: its regex, translation and where it came from. */
export interface Draft {
  readonly prefix: string;
  readonly body: string;
  readonly translation: string;
  readonly internal: boolean;
  readonly classification: string;
  readonly entry: string;
  readonly group: string;
  /** Whether it gives the same answer as the group's fallback (so a trailing one can be dropped). */
  readonly likeFallback: boolean;
}

function escapeTranslation(s: string): string {
  return s.replaceAll('$', '$$$$');
}

/** How the rules of one location are composed: for Teams (numbers left as they are need no rule) or for a classifying system. */
interface ComposeOptions {
  /** Every entry gets its rule (its classification matters), numbers no entry takes get the unmatched classification. */
  readonly classify: boolean;
  /** Consecutive rules of one entry with one translation become one alternation (which repeats group names). */
  readonly merge: boolean;
  /** The target's regex dialect (how the conditions of `when:` write digits). */
  readonly dialect?: RegexDialect;
}

/**
 * The ordered rules (regex, translation, classification) that do for one location what the plan does: each input
 * conversion's pattern as a group of rules, then the numbers no conversion takes.
 *
 * @param plan - the plan
 * @param location - the location (undefined: a plan without locations)
 * @param options - for Teams or for a classifying system
 * @param issues - where problems go
 * @returns the rules, in order
 */
export function composeLocation(plan: DialPlan, location: string | undefined, options: ComposeOptions, issues: MigrationIssue[]): readonly Draft[] {
  const rules = plan.rules;
  const internal = new Map(rules.classifications.map((c) => [c.name, c.internal]));
    const vars = location === undefined ? {} : (rules.locations[location] ?? {});
  const alphabet = alphabetOf(plan, vars);
  const drafts: Draft[] = [];
  const entryPatterns = rules.dialPlan
    .map((e, index) => ({ e, index, patterns: e.match.map((m) => ({ m, p: toElems(m, rules.sets, vars) })) }))
    // An entry whose condition implies the next entry's, on the same patterns with the same outcome, changes nothing.
    .filter(({ e }, i, all) => !subsumedByNext(e, all[i + 1]?.e, options.classify, internal));
  // Capture names of the conditions: unique in a location, as Java wants (and .NET's back-references need).
  const names = { next: 1 };
  const conditions = new Map<string, ConditionRegex | WhenRegexError>();
  const conditionOf = (e: DialPlanEntryRule, p: ElemPattern): ConditionRegex | WhenRegexError => {
    const when = e.when as WhenCondition;
    const starts = literalStart(p);
    const key = `${JSON.stringify(when)}|${starts}`;
    let c = conditions.get(key);
    if (c === undefined) {
      try {
        c = conditionRegex(when, starts.startsWith('+') ? starts.slice(1) : '');
      } catch (err) {
        if (!(err instanceof WhenRegexError)) throw err;
        c = err;
      }
      conditions.set(key, c);
    }
    return c;
  };
  // Where a part of the rule file is: file:line:column and its path, so that an error names the entry's line.
  const at = (path: readonly (string | number)[]): string => {
    const pos = plan.positionOf(path);
    const label = `${path[0] as string}[${path[1] as number}].${path[2] as string}`;
    return pos.file !== undefined && pos.line !== undefined ? `${pos.file}:${pos.line}:${pos.column ?? 1} (${label})` : `${plan.name}${location !== undefined ? ` [${location}]` : ''} (${label})`;
  };
  const whenAt = (index: number): string => at(['dialPlan', index, 'when']);
  const failed = new Set<string>();
  const fail = (what: string, e: Error, path: readonly (string | number)[]): void => {
    if (failed.has(what)) return;
    failed.add(what);
    issues.push({ severity: 'error', where: `${at(path)}${location !== undefined ? ` [${location}]` : ''}`, message: `${what} is not exported: ${e.message}` });
  };
  // The groups: each pattern of each input conversion, then the numbers no conversion takes.
  const groups: { name: string; pp: ElemPattern | undefined; L: string; k: number }[] = [];
  for (const [ci, c] of rules.inputConversions.entries()) {
    for (const m of c.match) {
      const pp = toElems(m, rules.sets, vars);
      try {
        const pieces = templatePieces(c.output, pp, '', vars);
        // A prefix rewrite: literal text, then the pattern's elements from some index to the end, in order.
        let L = '';
        let k = pp.elems.length;
        let i = 0;
        while (i < pieces.length && pieces[i]?.t === 'text') L += (pieces[i++] as { text: string }).text;
        const refs = pieces.slice(i);
        if (refs.length > 0) {
          if (refs.some((r) => r.t !== 'elems')) throw new ExportProblem('its output puts text after the number');
          const spans = refs as { from: number; to: number }[];
          k = spans[0]?.from as number;
          for (let s = 0; s < spans.length; s++) {
            const cur = spans[s] as { from: number; to: number };
            if (s > 0 && cur.from !== (spans[s - 1] as { to: number }).to + 1) throw new ExportProblem('its output reorders or leaves out parts of the number');
          }
          if ((spans[spans.length - 1] as { to: number }).to !== pp.elems.length - 1) throw new ExportProblem('its output leaves out the end of the number');
        }
        groups.push({ name: `${c.name} (${m})`, pp, L, k });
      } catch (e) {
        if (!(e instanceof ExportProblem)) throw e;
        fail(`Input conversion "${c.name}" (${m})`, e, ['inputConversions', ci, 'output']);
      }
    }
  }
  groups.push({ name: 'no conversion', pp: undefined, L: '', k: 0 });
  for (const g of groups) {
    const start = drafts.length;
    const prefixElems = g.pp?.elems.slice(0, g.k) ?? [];
    const rest = g.pp?.elems.slice(g.k) ?? undefined;
    const prefix = g.pp === undefined ? '^' : `^(?=${g.pp.elems.map(regexElem).join('')}$)${prefixElems.map(regexElem).join('')}`;
    for (const { e, index, patterns } of entryPatterns) {
      const isInternal = internal.get(e.classification) === true;
      for (const { m, p } of patterns) {
        let pieces: Piece[];
        try {
          pieces = templatePieces(e.normalized, p, e.classification, vars);
        } catch (err) {
          if (!(err instanceof ExportProblem)) throw err;
          fail(`Entry "${e.name}" (${m})`, err, ['dialPlan', index, e.normalized !== undefined ? 'normalized' : 'match']);
          continue;
        }
        let rs: Residual[];
        try {
          rs = residuals(p.elems, g.L);
        } catch (err) {
          if (!(err instanceof ExportProblem)) throw err;
          fail(`Entry "${e.name}" (${m}) after ${g.name}`, err, ['dialPlan', index, 'match']);
          continue;
        }
        for (const r0 of rs) {
          if (rest !== undefined && !intersects(rest, r0.elems, alphabet)) continue;
          if (rest === undefined && r0.elems.length === 0) continue; // the empty number
          // Without a look-ahead when the conversion's pattern and the entry's can be written as one sequence.
          const both = rest === undefined ? 'complex' : intersectSeq(rest, r0.elems);
          if (both === undefined) continue;
          // The entry's when: condition, as a look-ahead over what follows the prefix (the converted number without L).
          let condition = '';
          if (e.when !== undefined) {
            const c = conditionOf(e, p);
            if (c instanceof WhenRegexError) {
              const what = `Entry "${e.name}" (${m})`;
              if (!failed.has(what)) {
                failed.add(what);
                issues.push({ severity: 'error', where: whenAt(index), message: `${what}: its when: condition cannot be written as a regular expression, so the entry is not exported: ${c.message}` });
              }
              continue;
            }
            let derived: Rx;
            try {
              derived = deriveText(c.rx, g.L);
            } catch (err) {
              if (!(err instanceof WhenRegexError)) throw err;
              const what = `Entry "${e.name}" (${m}) after ${g.name}`;
              if (!failed.has(what)) {
                failed.add(what);
                issues.push({ severity: 'error', where: whenAt(index), message: `${what} is not exported: ${err.message}` });
              }
              continue;
            }
            if (derived.k === 'none') continue; // no number of this group meets the condition
            // The empty marker group names the condition, so that an import of the export can read it back.
            condition = `(?=(?<${conditionMarker(e.when, g.L)}>)(?:${emitRx(derived, names, options.dialect)})$)`;
          }
          const r: Residual = both === 'complex' ? r0 : { elems: both, consts: r0.consts };
          const rulePrefix = both === 'complex' ? prefix : `^${prefixElems.map(regexElem).join('')}`;
          try {
            const built = buildRule(r, p, pieces, g.L, e.normalized === undefined);
            drafts.push({
              prefix: rulePrefix,
              body: condition + built.body,
              translation: built.translation,
              internal: isInternal,
              classification: e.classification,
              entry: `${e.name} (${m})`,
              group: g.name,
              likeFallback: !options.classify && e.normalized === undefined && !isInternal,
            });
          } catch (err) {
            if (!(err instanceof ExportProblem)) throw err;
            fail(`Entry "${e.name}" (${m})${g.pp ? ` after ${g.name}` : ''}`, err, ['dialPlan', index, e.normalized !== undefined ? 'normalized' : 'match']);
          }
        }
      }
    }
    // What the group's numbers become when no entry takes them: the converted number (or, without a conversion, the
    // number as it is, which is what Teams does when no rule matches).
    while (drafts.length > start && (drafts[drafts.length - 1] as Draft).likeFallback) drafts.pop();
    if (g.pp !== undefined) {
      drafts.push({ prefix: `^${prefixElems.map(regexElem).join('')}`, body: `(?<x>${(rest ?? []).map(regexElem).join('')})`, translation: `${escapeTranslation(g.L)}\${x}`, internal: false, classification: rules.unmatched.classification, entry: 'converted number', group: g.name, likeFallback: false });
    } else if (options.classify) {
      drafts.push({ prefix: '^', body: '(?<x>.*)', translation: '${x}', internal: false, classification: rules.unmatched.classification, entry: 'unmatched', group: g.name, likeFallback: false });
    }
  }
  // Consecutive drafts of one entry and group with the same translation share one rule (an alternation). A draft whose
  // regex an earlier one already has can never be used.
  const merged: Draft[] = [];
  const seen = new Set<string>();
  for (const d of drafts) {
    if (seen.has(d.prefix + d.body)) continue;
    seen.add(d.prefix + d.body);
    const last = merged[merged.length - 1];
    if (options.merge && last && last.prefix === d.prefix && last.translation === d.translation && last.internal === d.internal && last.entry.split(' (')[0] === d.entry.split(' (')[0] && last.group === d.group) {
      merged[merged.length - 1] = { ...last, body: `${last.body}|${d.body}`, entry: `${last.entry}, ${d.entry.slice(d.entry.indexOf('(') )}` };
    } else merged.push(d);
  }
  return merged;
}

/**
 * Exports a dial plan as Teams tenant dial plans, one per location (or one for a plan without locations).
 *
 * @param plan - the plan
 * @param options - `location`: export only that location
 * @returns the dial plans, their JSON and PowerShell, and the issues (errors: a plan needing more than 50 rules, an entry
 *   that cannot be written)
 * @example
 * ```ts
 * exportTeams(loadDefaultDialPlan()).plans[0]?.NormalizationRules.length; // 23
 * ```
 */
export function exportTeams(plan: DialPlan, options: { readonly location?: string } = {}): TeamsExport {
  const issues: MigrationIssue[] = [];
  const locations = options.location !== undefined ? [options.location] : plan.locations.length > 0 ? [...plan.locations] : [undefined];
  const plans: TeamsDialPlanOut[] = [];
  const rules = plan.rules;
  const notCarried = new Set<string>();
  for (const e of rules.dialPlan) {
    if (e.display !== undefined) notCarried.add('display texts');
    if (e.editBase !== undefined) notCarried.add('edit bases');
    if (e.dialString !== undefined) notCarried.add('dial strings');
    if (!e.dialCapable) notCarried.add('dialCapable: false');
  }
  notCarried.add('classifications (only whether one is internal, as IsInternalExtension)');
  notCarried.add('extension handling (an extension after / or ^ is kept by the plan; Teams has no such field) and the directory (queue fields)');
  notCarried.add('what prepare does before the rules (keypad letters, formatting characters, tel: URIs)');
  for (const location of locations) {
    const merged = composeLocation(plan, location, { classify: false, merge: true }, issues);
    const names = new Set<string>();
    const normalizationRules: TeamsRuleOut[] = merged.map((d) => ({
      Name: uniqueName(teamsName(d.group === 'no conversion' ? (d.entry.split(' (')[0] ?? 'rule') : d.entry === 'converted number' ? (d.group.split(' (')[0] ?? 'rule') : `${d.group.split(' (')[0]} then ${d.entry.split(' (')[0]}`), names),
      Description: `dialplan: ${d.group === 'no conversion' ? '' : `${d.group} then `}${d.entry}`.slice(0, TEAMS_MAX_DESCRIPTION),
      Pattern: `${d.prefix}(?:${d.body})$`,
      Translation: d.translation,
      IsInternalExtension: d.internal,
    }));
    const simple = teamsName(location ?? plan.name);
    if (normalizationRules.length > TEAMS_MAX_RULES) {
      issues.push({
        severity: 'error',
        where: `${plan.name}${location !== undefined ? ` [${location}]` : ''}`,
        message: `needs ${normalizationRules.length} normalization rules; Teams accepts at most ${TEAMS_MAX_RULES} in one dial plan (split the plan into locations, or merge entries)`,
      });
    }
    plans.push({ Identity: `Tag:${simple}`, SimpleName: simple, Description: `${plan.name}${location !== undefined ? `, location ${location}` : ''} (exported by dialplan)`.slice(0, 1040), NormalizationRules: normalizationRules });
  }
  for (const n of notCarried) issues.push({ severity: 'note', where: plan.name, message: `not carried over: ${n}` });
  const note = longestRegexNote(plans.flatMap((p) => p.NormalizationRules.map((r) => ({ name: r.Name, regex: r.Pattern }))), 'Microsoft documents no maximum length of a Pattern');
  if (note) issues.push({ severity: 'note', where: plan.name, message: note });
  return { plans, json: JSON.stringify(plans, null, 2) + '\n', powershell: powershell(plans), issues };
}

/**
 * A note on the longest regex when it is long (a when: condition makes regexes of thousands of characters), since
 * neither platform documents a limit: the user should know what is being sent.
 *
 * @param rules - the rules' names and regexes
 * @param platform - what the platform documents
 * @returns the note, or undefined when every regex is short
 * @example
 * ```ts
 * longestRegexNote([{ name: 'a', regex: '^1$' }], 'no documented maximum'); // undefined
 * ```
 */
export function longestRegexNote(rules: readonly { readonly name: string; readonly regex: string }[], platform: string): string | undefined {
  const longest = rules.reduce<{ name: string; regex: string } | undefined>((a, r) => (a === undefined || r.regex.length > a.regex.length ? r : a), undefined);
  if (!longest || longest.regex.length <= LONG_REGEX) return undefined;
  return `the longest regex, of "${longest.name}", is ${longest.regex.length} characters (when: conditions are written out from libphonenumber-js's metadata); ${platform}`;
}

/** Above this length a regex is reported (a note). */
const LONG_REGEX = 1000;

/** The literal text every string of a pattern starts with (`+447` for `+447Z`). */
function literalStart(p: ElemPattern): string {
  let out = '';
  for (const e of p.elems) {
    if (e.k !== 'char' || e.chars.length !== 1) break;
    out += e.chars;
  }
  return out;
}

/**
 * Whether entry `a` can be left out because `b`, right after it, matches the same patterns, gives the same outcome
 * (classification and normalized text; for Teams the normalized text and the internal flag) and has a condition that
 * every number meeting a's meets: a number a takes, b would take the same way; one a turns away goes to b anyway.
 */
function subsumedByNext(a: DialPlanEntryRule, b: DialPlanEntryRule | undefined, classify: boolean, internal: ReadonlyMap<string, boolean>): boolean {
  if (b === undefined || a.when === undefined) return false;
  if (a.match.length !== b.match.length || a.match.some((m, i) => m !== b.match[i])) return false;
  if (a.normalized !== b.normalized) return false;
  if (classify ? a.classification !== b.classification : internal.get(a.classification) !== internal.get(b.classification)) return false;
  const wa = a.when;
  const wb = b.when;
  if (wb === undefined) return true;
  if (wb.valid !== undefined && wa.valid !== wb.valid) return false;
  if (wb.numberType !== undefined && !(wa.numberType ?? []).every((t) => wb.numberType?.includes(t)) ) return false;
  if (wb.numberType !== undefined && wa.numberType === undefined) return false;
  if (wb.country !== undefined && (wa.country === undefined || !wa.country.every((c) => wb.country?.includes(c)))) return false;
  return true;
}

function teamsName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'rule';
}

function alphabetOf(plan: DialPlan, vars: Readonly<Record<string, string>>): string {
  let a = '0123456789+*#,';
  const all = [...plan.rules.inputConversions.flatMap((c) => c.match), ...plan.rules.dialPlan.flatMap((e) => e.match), ...Object.values(plan.rules.sets).flat(), ...Object.values(vars)];
  for (const s of all) for (const ch of s.toLowerCase() + s.toUpperCase()) if (!a.includes(ch)) a += ch;
  return a + '\u0001'; // one character no pattern names, for Z
}

// The body of a rule: the residual elements with named groups for what the translation takes, and the translation.
function buildRule(r: Residual, p: ElemPattern, pieces: readonly Piece[], L: string, plain: boolean): { body: string; translation: string } {
  // Where each original element's characters are in the residual.
  const owned = new Map<number, number[]>();
  r.elems.forEach((e, idx) => {
    if ('constOwner' in e && e.constOwner) return;
    owned.set(e.owner, [...(owned.get(e.owner) ?? []), idx]);
  });
  const groups: { from: number; to: number; name: string }[] = [];
  const groupFor = (from: number, to: number): string => {
    const isLast = to === r.elems.length - 1;
    const name = `g${from}${isLast ? 'end' : `to${to}`}`;
    if (!groups.some((g) => g.name === name)) groups.push({ from, to, name });
    return name;
  };
  let translation = '';
  if (plain) {
    translation = escapeTranslation(L) + (r.elems.length > 0 ? `\${${groupFor(0, r.elems.length - 1)}}` : '');
  } else {
    for (const piece of pieces) {
      if (piece.t === 'text') {
        translation += escapeTranslation(piece.text);
        continue;
      }
      let text = '';
      const idx: number[] = [];
      for (let i = piece.from; i <= piece.to; i++) {
        text += r.consts.get(i) ?? '';
        // A set entered by L: its value is known.
        if (r.elems.some((e) => e.owner === i && 'constOwner' in e && e.constOwner)) continue;
        idx.push(...(owned.get(i) ?? []));
      }
      // Constants come from L, which precedes the rest: they must all come before the captured part.
      if (idx.length > 0) {
        const firstWithVar = [...Array(piece.to - piece.from + 1).keys()].map((d) => piece.from + d).find((i) => (owned.get(i) ?? []).length > 0);
        const afterConst = [...Array(piece.to - piece.from + 1).keys()].map((d) => piece.from + d).some((i) => firstWithVar !== undefined && i > firstWithVar && (r.consts.get(i) ?? '') !== '');
        if (afterConst) throw new ExportProblem('its template mixes the rewritten prefix into the middle of a reference');
        const lo = Math.min(...idx);
        const hi = Math.max(...idx);
        translation += escapeTranslation(text) + `\${${groupFor(lo, hi)}}`;
      } else translation += escapeTranslation(text);
    }
  }
  // Groups must nest: sort by start, longer first, and check.
  groups.sort((a, b) => a.from - b.from || b.to - a.to);
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      const a = groups[i] as { from: number; to: number };
      const b = groups[j] as { from: number; to: number };
      if (b.from <= a.to && b.to > a.to) throw new ExportProblem('its template takes overlapping parts of the number');
    }
  }
  let body = '';
  r.elems.forEach((e, i) => {
    for (const g of groups) if (g.from === i) body += `(?<${g.name}>`;
    body += regexElem(e);
    for (const g of [...groups].reverse()) if (g.to === i) body += ')';
  });
  void p;
  return { body, translation };
}

function psQuote(s: string): string {
  // PowerShell takes the typographic single quotes (U+2018 to U+201B) for ' too: each is doubled like ', or a name such
  // as "Bob’s line" would end the string early.
  return `'${s.replace(/['\u2018\u2019\u201a\u201b]/g, '$&$&')}'`;
}

function powershell(plans: readonly TeamsDialPlanOut[]): string {
  const lines = ['# Teams tenant dial plans exported by dialplan. Run in a session connected with Connect-MicrosoftTeams.'];
  for (const p of plans) {
    lines.push('', `# ${p.SimpleName}: ${p.NormalizationRules.length} normalization rules, first match wins`, '$rules = @()');
    for (const r of p.NormalizationRules) {
      lines.push(
        `$rules += New-CsVoiceNormalizationRule -Parent Global -Name ${psQuote(r.Name)} -Description ${psQuote(r.Description)} -Pattern ${psQuote(r.Pattern)} -Translation ${psQuote(r.Translation)} -IsInternalExtension $${r.IsInternalExtension} -InMemory`,
      );
    }
    lines.push(`New-CsTenantDialPlan -Identity ${psQuote(p.SimpleName)} -Description ${psQuote(p.Description)} -NormalizationRules @{Add=$rules}`);
  }
  const script = lines.join('\n') + '\n';
  // Windows PowerShell 5.1 reads a script without a byte order mark in the system's ANSI code page: one that holds
  // anything but ASCII (a name such as "Zürich") starts with a UTF-8 byte order mark, which every PowerShell honours.
  return /[^\x00-\x7f]/.test(script) ? `\uFEFF${script}` : script;
}

/**
 * Proves an export: numbers drawn from the plan's own patterns (input conversions and entries, in every location, with
 * near misses), each evaluated by the Teams reference evaluator on the exported rules (read back from the JSON, as
 * `dialplan import` reads it) and by the plan. Both must give the same normalized text and the same internal flag.
 *
 * @param plan - the plan
 * @param exported - what {@link exportTeams} made of it
 * @param options - the seed and numbers drawn per pattern
 * @returns the report (classification `internal` or `external`)
 * @example
 * ```ts
 * verifyTeamsExport(plan, exportTeams(plan), { seed: 1, perRule: 25 }).agreement; // 100
 * ```
 */
export function verifyTeamsExport(plan: DialPlan, exported: TeamsExport, options: { readonly seed: number; readonly perRule: number }): VerifyReport {
  const source = readTeamsDialPlans(exported.json, 'export.json');
  const reference = teamsReference(source);
  const internalByName = new Map<string, boolean>();
  for (const p of exported.plans) for (const r of p.NormalizationRules) internalByName.set(r.Name, r.IsInternalExtension);
  const locations = exported.plans.length > 1 || plan.locations.length > 0 ? exported.plans.map((_, k) => (plan.locations.length > 0 ? plan.locations[k] : undefined)) : [undefined];
  const rng = createRng(options.seed);
  const numbers: VerifyNumber[] = [];
  // The Teams reference names its dial plans (uniquely) when there are several; the plan's location k is dial plan k.
  const teamsNames = new Map<string | undefined, string | undefined>();
  const rules = plan.rules;
  locations.forEach((location, k) => {
    teamsNames.set(location, exported.plans.length > 1 ? source.plans[k]?.name : undefined);
    const vars = location === undefined ? {} : (rules.locations[location] ?? {});
    const values: Record<string, readonly string[]> = { ...rules.sets, ...Object.fromEntries(Object.entries(vars).map(([n, v]) => [n, [v]])) };
    let domain = '0123456789+*#';
    for (const m of [...rules.inputConversions.flatMap((c) => c.match), ...rules.dialPlan.flatMap((e) => e.match)]) {
      for (const t of parsePattern(m).tokens) if (t.kind === 'literal') for (const ch of t.text.toLowerCase()) if (!domain.includes(ch)) domain += ch;
    }
    for (const m of [...rules.inputConversions.flatMap((c) => c.match), ...rules.dialPlan.flatMap((e) => e.match)]) {
      for (let s = 0; s < options.perRule; s++) {
        const x = samplePattern(m, rng, domain, values);
        if (x === undefined) break;
        for (const y of [x, ...mutate(x, rng, domain)]) {
          if (inDomain(y, domain)) numbers.push({ number: y, ...(location !== undefined ? { location } : {}) });
        }
      }
    }
  });
  // Numbers that meet (and nearly meet) the entries' when: conditions.
  for (const location of locations) {
    for (const y of conditionNumbers(plan, rng, options.perRule, '0123456789+')) if (inDomain(y, '0123456789+')) numbers.push({ number: y, ...(location !== undefined ? { location } : {}) });
  }
  return compareOutcomes(
    numbers,
    (n) => {
      const dialPlan = teamsNames.get(n.location);
      const o = reference.evaluate({ number: n.number, ...(dialPlan !== undefined ? { location: dialPlan } : {}) });
      return { classification: internalByName.get(o.classification) === true ? 'internal' : 'external', normalized: o.normalized };
    },
    (n) => {
      const r = plan.query(n.number, n.location !== undefined ? { location: n.location } : {});
      if (!r.ok) return { classification: `!${r.error.code}`, normalized: '' };
      return { classification: r.details.internal ? 'internal' : 'external', normalized: r.details.normalizedText };
    },
  );
}
