/**
 * Cisco Unified CM route and translation patterns from a Bulk Administration (BAT) CSV export: converted to a dial plan in
 * closest-match order and evaluated as Unified CM selects and transforms for `--verify`. No `node:` imports.
 *
 * The evaluator's model of Unified CM: of the patterns that match the whole dialed number, the one that matches the
 * fewest strings of that number's length wins (closest match); equal counts go to the pattern written first. The number
 * is then transformed as the pattern says: discard digits (`PreDot`: what the pattern matched before its `.`;
 * `Trailing-#`: a final `#`), the called party transformation mask (applied from the right: `X` keeps the digit, any
 * other character replaces it, digits left of the mask are dropped), then the prefix digits. Patterns: `X` a digit,
 * `[1-5]` / `[^5]` a set of digits, `!` one or more digits, `?` zero or more and `+` one or more of what precedes, `.` the
 * end of the access code (matches nothing), `\+` a plus; `@` (the national numbering plan) cannot be converted.
 */
import type { ReferenceEvaluator } from './formats.js';
import type { ImportedEntry, ImportResult, MigrationIssue } from './imported-plan.js';
import { uniqueName, writeImportedPlan } from './imported-plan.js';
import type { CsvCell } from './source-text.js';
import { lineColumn, parsePositionedCsv, SourceSyntaxError } from './source-text.js';
import type { Outcome, VerifyNumber } from './verify.js';
import { createRng, inDomain, mutate } from './verify.js';

/** One route or translation pattern, as read. */
export interface CucmPattern {
  readonly kind: 'route' | 'translation';
  readonly pattern: string;
  readonly partition: string;
  readonly description: string;
  readonly mask: string;
  readonly prefix: string;
  readonly discard: string;
  /** `file:line:column` of the pattern cell. */
  readonly where: string;
  /** The name it is classified with: the pattern and its partition. */
  readonly label: string;
  /** `Block this pattern` (the route option): Unified CM refuses the call; the entry is not dial capable. */
  readonly blocked?: boolean;
}

/** What {@link readCucmPatterns} read. */
export interface CucmSource {
  readonly file: string;
  readonly patterns: readonly CucmPattern[];
  readonly issues: readonly MigrationIssue[];
}

/** How far a variable-length pattern is written out, in characters. */
export const CUCM_MAX_LENGTH = 24;

const DIGITS = '0123456789';

/** One position of a pattern: a set of characters, possibly repeated, or the `.` delimiter. */
type Elem = { readonly k: 'set'; readonly chars: string; readonly min: number; readonly max: number } | { readonly k: 'dot' };

// A column name with case, spaces and punctuation left out: BAT writes `CALLED PARTY TRANSFORMATION MASK`, an AXL SQL
// query or a spreadsheet `calledPartyTransformationMask` or `Called Party Transformation Mask`.
const squeeze = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]/g, '');

// A cell that sets nothing: empty, or the administration pages' `< None >` and `Default` / `Off` of a setting.
const unset = (value: string): boolean => /^\s*(<\s*none\s*>|default|off|false)?\s*$/i.test(value);

// `< None >` (how the administration pages and some exports write an empty choice) is no value.
const none = (value: string): string => (/^<\s*none\s*>$/i.test(value.trim()) ? '' : value.trim());

function header(cells: readonly CsvCell[], names: readonly string[]): number {
  const wanted = names.map(squeeze);
  // The first name listed wins (BAT's own before the shorter ones), whatever the column order.
  for (const w of wanted) {
    const k = cells.findIndex((c) => squeeze(c.value) === w);
    if (k >= 0) return k;
  }
  return -1;
}

/**
 * Reads a BAT CSV export of route patterns (`ROUTE PATTERN`, `ROUTE PARTITION`, `DISCARD DIGITS`, `CALLED PARTY
 * TRANSFORMATION MASK`, `CALLED PARTY PREFIX DIGITS (OUTGOING CALLS)`...) or of translation patterns (`TRANSLATION
 * PATTERN`, `PARTITION`, `CALLED PARTY TRANSFORMATION MASK`, `PREFIX DIGITS`, `DISCARD DIGITS`), or one file with a
 * `PATTERN TYPE` column and both. Never throws.
 *
 * @param text - the CSV text
 * @param file - its name, for positions
 * @returns the patterns and the problems
 * @example
 * ```ts
 * readCucmPatterns('ROUTE PATTERN,ROUTE PARTITION\n9.1[2-9]XX[2-9]XXXXXX,PT_PSTN\n', 'rp.csv').patterns[0]?.partition; // 'PT_PSTN'
 * ```
 */
export function readCucmPatterns(text: string, file: string): CucmSource {
  const issues: MigrationIssue[] = [];
  let parsed: ReturnType<typeof parsePositionedCsv>;
  try {
    parsed = parsePositionedCsv(text);
  } catch (e) {
    if (!(e instanceof SourceSyntaxError)) throw e;
    const { line, column } = lineColumn(text, e.offset);
    issues.push({ severity: 'error', where: `${file}:${line}:${column}`, message: `not readable: ${e.message}` });
    return { file, patterns: [], issues };
  }
  const h = parsed.header;
  const cRoute = header(h, ['ROUTE PATTERN']);
  const cTrans = header(h, ['TRANSLATION PATTERN']);
  const cPattern = header(h, ['PATTERN', 'DNORPATTERN']);
  const cType = header(h, ['PATTERN TYPE', 'TYPE']);
  const cPartition = header(h, ['ROUTE PARTITION', 'PARTITION', 'ROUTE PARTITION NAME', 'PARTITION NAME']);
  const cDesc = header(h, ['DESCRIPTION']);
  const cMask = header(h, ['CALLED PARTY TRANSFORMATION MASK', 'CALLED PARTY TRANSFORM MASK']);
  const cPrefix = header(h, [
    'CALLED PARTY PREFIX DIGITS (OUTGOING CALLS)',
    'CALLED PARTY PREFIX DIGITS',
    'PREFIX DIGITS (OUTGOING CALLS)',
    'PREFIX DIGITS',
    'PREFIX DIGITS OUT',
  ]);
  // The route option: `Route this pattern` or `Block this pattern` (BAT), or AXL's blockEnable true/false.
  const cRouteOption = header(h, ['ROUTE OPTION', 'BLOCK THIS PATTERN', 'BLOCK ENABLE']);
  const cDiscard = header(h, [
    'DISCARD DIGITS',
    'DISCARD DIGITS INSTRUCTION',
    'CALLED PARTY DISCARD DIGITS',
    'DIGIT DISCARD INSTRUCTION',
    'DIGIT DISCARD INSTRUCTION NAME',
    'DIGIT DISCARD INSTRUCTIONS',
    'DISCARD DIGIT INSTRUCTIONS',
  ]);
  // A column about the called number that is none of those would change the called number unseen: say it is not read.
  const read = new Set([cRoute, cTrans, cPattern, cType, cPartition, cDesc, cMask, cPrefix, cDiscard, cRouteOption]);
  const calling: number[] = [];
  h.forEach((c, k) => {
    const name = squeeze(c.value);
    if (read.has(k) || !/DISCARD|TRANSFORM|MASK|PREFIX/.test(name)) return;
    if (name.includes('CALLING')) {
      calling.push(k);
      return;
    }
    const { line, column } = lineColumn(text, c.at);
    issues.push({ severity: 'warning', where: `${file}:${line}:${column}`, message: `the column ${c.value.trim()} is not read: what it does to the called number is not carried over` });
  });
  // The calling party's transformations (mask, prefix digits, the external phone number mask) change the caller's
  // number, which a dial plan never sees: each column that some pattern sets is said, with the lines that set it.
  for (const k of calling) {
    const lines: number[] = [];
    let first: CsvCell | undefined;
    for (const r of parsed.records) {
      const cell = r[k];
      if (!cell || unset(cell.value)) continue;
      first ??= cell;
      lines.push(lineColumn(text, cell.at).line);
    }
    if (!first) continue;
    const { line, column } = lineColumn(text, first.at);
    const listed = lines.slice(0, 20).join(', ') + (lines.length > 20 ? ` and ${lines.length - 20} more` : '');
    issues.push({
      severity: 'note',
      where: `${file}:${line}:${column}`,
      message: `not carried over: ${(h[k] as CsvCell).value.trim()} (line${lines.length > 1 ? 's' : ''} ${listed}) transforms the calling number, which a dial plan does not see`,
    });
  }
  const col = cRoute >= 0 ? cRoute : cTrans >= 0 ? cTrans : cPattern;
  if (col < 0) {
    issues.push({ severity: 'error', where: `${file}:1:1`, message: 'not readable: no ROUTE PATTERN, TRANSLATION PATTERN or PATTERN column (a Bulk Administration export)' });
    return { file, patterns: [], issues };
  }
  const taken = new Set<string>();
  const patterns: CucmPattern[] = [];
  for (const r of parsed.records) {
    const cell = (c: number): string => (c < 0 ? '' : none(r[c]?.value ?? ''));
    const p = r[col];
    if (!p || p.value.trim() === '') {
      // A blank pattern matches only the empty dial string (off-hook, PLAR): no number a plan sees. Said, not dropped.
      const first = r.find((c) => c.value.trim() !== '');
      if (first) {
        const { line } = lineColumn(text, first.at);
        issues.push({ severity: 'note', where: `${file}:${line}:1`, message: 'a blank pattern matches only the empty dial string (off-hook, PLAR); it is not converted' });
      }
      continue;
    }
    const { line, column } = lineColumn(text, p.map[0] ?? p.at);
    const type = cell(cType).toLowerCase();
    const kind: CucmPattern['kind'] = type.startsWith('trans') || (type === '' && col === cTrans) ? 'translation' : 'route';
    const partition = cell(cPartition);
    const option = cell(cRouteOption);
    const blocked = /block/i.test(option) || /^(true|t|yes|1)$/i.test(option);
    patterns.push({
      kind,
      pattern: p.value.trim(),
      partition,
      description: cell(cDesc),
      mask: cell(cMask),
      prefix: cell(cPrefix),
      discard: cell(cDiscard),
      where: `${file}:${line}:${column}`,
      label: uniqueName(`${p.value.trim()}${partition ? ` (${partition})` : ''}`, taken),
      ...(blocked ? { blocked } : {}),
    });
  }
  return { file, patterns, issues };
}

/** A pattern as elements, or why it cannot be read. */
function elements(pattern: string): Elem[] | { error: string; pos: number } {
  const out: Elem[] = [];
  let dots = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    const last = out[out.length - 1];
    if (c === 'X' || c === 'x') out.push({ k: 'set', chars: DIGITS, min: 1, max: 1 });
    else if (/[0-9*#]/.test(c)) out.push({ k: 'set', chars: c, min: 1, max: 1 });
    else if (c === '\\' && pattern[i + 1] === '+') {
      out.push({ k: 'set', chars: '+', min: 1, max: 1 });
      i++;
    } else if (c === '+' && i === 0) out.push({ k: 'set', chars: '+', min: 1, max: 1 });
    else if (c === '!') out.push({ k: 'set', chars: DIGITS, min: 1, max: Infinity });
    else if (c === '.') {
      if (++dots > 1) return { error: 'more than one . (only the first one is the end of the access code)', pos: i };
      out.push({ k: 'dot' });
    } else if (c === '?' || c === '+') {
      if (!last || last.k !== 'set' || last.max !== 1) return { error: `${c} follows nothing it can repeat`, pos: i };
      out[out.length - 1] = { ...last, min: c === '?' ? 0 : 1, max: Infinity };
    } else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) return { error: 'this [ is never closed', pos: i };
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      let chars = '';
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === '-' && body[k + 2] !== undefined) {
          for (let x = body.charCodeAt(k); x <= body.charCodeAt(k + 2); x++) chars += String.fromCharCode(x);
          k += 2;
        } else chars += body[k];
      }
      if (negate) chars = [...DIGITS].filter((d) => !chars.includes(d)).join('');
      chars = [...new Set(chars)].filter((ch) => /[0-9*#+]/.test(ch)).sort().join('');
      if (chars === '') return { error: 'this set holds no digit', pos: i };
      out.push({ k: 'set', chars, min: 1, max: 1 });
      i = end;
    } else if (c === '@') return { error: '@ (the national numbering plan and its route filters) has no counterpart in patterns', pos: i };
    else return { error: `${c} is not a pattern character`, pos: i };
  }
  return out;
}

/** How many strings of length `len` the elements match (the closest-match measure). */
function countOfLength(elems: readonly Elem[], len: number): number {
  // ways[l] = strings of length l matched by the elements so far.
  let ways = new Array<number>(len + 1).fill(0);
  ways[0] = 1;
  for (const e of elems) {
    if (e.k === 'dot') continue;
    const next = new Array<number>(len + 1).fill(0);
    for (let l = 0; l <= len; l++) {
      const w = ways[l] as number;
      if (w === 0) continue;
      for (let r = e.min; r <= Math.min(e.max, len - l); r++) next[l + r] = (next[l + r] as number) + w * e.chars.length ** r;
    }
    ways = next;
  }
  return ways[len] as number;
}

/**
 * How many strings the elements match at every length up to {@link CUCM_MAX_LENGTH}: the tie-break of two patterns that
 * match as many strings of the dialed length. Unified CM counts what a pattern can match, and `1!` (any length) matches
 * more than `1XXX`, so `1234` takes `1XXX` whichever comes first in the file.
 */
function totalCount(elems: readonly Elem[]): number {
  let total = 0;
  for (let len = 1; len <= CUCM_MAX_LENGTH; len++) total += countOfLength(elems, len);
  return total;
}

/** The fixed-length expansions of a pattern up to a length, most repetitions first (as greedy matching prefers). */
function expansions(elems: readonly Elem[], maxLen: number): { seq: (Elem & { k: 'set' })[]; dotAt: number }[] | undefined {
  let acc: { seq: (Elem & { k: 'set' })[]; dotAt: number }[] = [{ seq: [], dotAt: -1 }];
  for (const e of elems) {
    if (e.k === 'dot') {
      acc = acc.map((a) => ({ ...a, dotAt: a.seq.length }));
      continue;
    }
    const next: typeof acc = [];
    for (const a of acc) {
      const room = maxLen - a.seq.length;
      for (let r = Math.min(e.max, room); r >= e.min; r--) next.push({ seq: [...a.seq, ...Array.from({ length: r }, () => ({ k: 'set' as const, chars: e.chars, min: 1, max: 1 }))], dotAt: a.dotAt });
    }
    acc = next;
    if (acc.length > 4096) return undefined;
  }
  return acc;
}

/** The transformation of one pattern, as a function of what each position matched. */
function transform(p: CucmPattern, chars: readonly string[], dotAt: number, isHash: (i: number) => boolean): string | undefined {
  let kept = [...chars];
  const discard = p.discard.toLowerCase().replace(/\s+/g, ' ');
  if (discard.includes('trailing-#') && kept.length > 0 && isHash(kept.length - 1)) kept = kept.slice(0, -1);
  if (discard.includes('predot')) kept = dotAt >= 0 ? kept.slice(dotAt) : kept;
  let out = kept;
  if (p.mask !== '') {
    const m = [...p.mask];
    out = m.map((ch, i) => {
      const d = kept[kept.length - m.length + i];
      return ch === 'X' || ch === 'x' ? (d ?? '') : ch;
    });
  }
  return p.prefix + out.join('');
}

function discardSupported(d: string): boolean {
  return /^(|nodigits|predot|predot trailing-#|trailing-#)$/.test(d.toLowerCase().replace(/\s+/g, ' ').trim());
}

/**
 * Converts route and translation patterns to a dial plan in closest-match order: each pattern is written out for every
 * length it can have (up to {@link CUCM_MAX_LENGTH} characters), and the entries are sorted by how many numbers of their
 * length the pattern matches (fewest first; equal counts: fewest strings at any length, then file order). Each is classified with the pattern and its
 * partition, and normalized with its discard digits, transformation mask and prefix digits.
 *
 * @param source - what {@link readCucmPatterns} read
 * @returns the plan, its YAML and the issues
 * @example
 * ```ts
 * importCucm(readCucmPatterns(csv, 'route-patterns.csv')).yaml;
 * ```
 */
export function importCucm(source: CucmSource): ImportResult {
  const issues: MigrationIssue[] = [...source.issues];
  const drafts: { count: number; total: number; order: number; len: number; entry: ImportedEntry }[] = [];
  const names = new Set<string>();
  const entries: ImportedEntry[] = [];
  source.patterns.forEach((p, order) => {
    const label = `${p.where} ${p.kind} pattern ${p.pattern}${p.partition ? ` in ${p.partition}` : ''}${p.discard ? `, discard ${p.discard}` : ''}${p.mask ? `, mask ${p.mask}` : ''}${p.prefix ? `, prefix ${p.prefix}` : ''}${p.blocked === true ? ', blocked' : ''}`;
    const skip = (why: string, where = p.where): void => {
      issues.push({ severity: 'error', where, message: `${p.pattern} is not converted: ${why}` });
      entries.push({ name: p.label, classification: '', match: [], source: label, notConverted: why });
    };
    const elems = elements(p.pattern);
    if ('error' in elems) {
      const at = /^(.*):(\d+):(\d+)$/.exec(p.where);
      skip(elems.error, at ? `${at[1]}:${at[2]}:${Number(at[3]) + elems.pos} (index ${elems.pos})` : p.where);
      return;
    }
    if (!discardSupported(p.discard)) {
      skip(`the discard digits instruction "${p.discard}" (one for the national numbering plan) has no counterpart`);
      return;
    }
    if (elems.some((e) => e.k === 'set' && e.max === Infinity)) {
      issues.push({ severity: 'warning', where: p.where, message: `${p.pattern} matches numbers of any length: it is written out up to ${CUCM_MAX_LENGTH} characters` });
    }
    const all = expansions(elems, CUCM_MAX_LENGTH);
    if (all === undefined) {
      skip(`it has more than 4096 ways to be written out up to ${CUCM_MAX_LENGTH} characters`);
      return;
    }
    const byLength = new Map<number, { seq: (Elem & { k: 'set' })[]; dotAt: number }[]>();
    for (const x of all) {
      if (x.seq.length === 0) continue;
      byLength.set(x.seq.length, [...(byLength.get(x.seq.length) ?? []), x]);
    }
    for (const [len, list] of [...byLength].sort((a, b) => a[0] - b[0])) {
      const match: string[] = [];
      const templates = new Set<string>();
      for (const x of list) {
        match.push(x.seq.map((e) => (e.chars === DIGITS ? 'X' : e.chars.length === 1 ? e.chars : `[${e.chars}]`)).join(''));
        const t = transform(p, x.seq.map((_, i) => `\u0000${i + 1}\u0000`), x.dotAt, (i) => x.seq[i]?.chars === '#');
        templates.add(t ?? '');
      }
      // The template: ordinals for the positions that pass through, runs joined ({3-7}).
      const template = [...templates][0] ?? '';
      if (templates.size > 1) {
        issues.push({ severity: 'error', where: p.where, message: `${p.pattern}: the . falls at different places for numbers of ${len} characters; not converted at that length` });
        continue;
      }
      const ordinal = template
        .split('\u0000')
        .map((part, i) => (i % 2 === 1 ? Number(part) : part))
        .reduce<(string | [number, number])[]>((acc, piece) => {
          const last = acc[acc.length - 1];
          if (typeof piece === 'number') {
            if (Array.isArray(last) && last[1] + 1 === piece) last[1] = piece;
            else acc.push([piece, piece]);
          } else if (piece !== '') acc.push(/[XxYyNnZz?[\]{}"]/.test(piece) ? `"${piece}"` : piece);
          return acc;
        }, [])
        .map((x) => (typeof x === 'string' ? x : x[0] === x[1] ? `{${x[0]}}` : `{${x[0]}-${x[1]}}`))
        .join('');
      drafts.push({
        count: countOfLength(elems, len),
        total: totalCount(elems),
        order,
        len,
        entry: {
          name: uniqueName(`${p.label} ${len}`, names),
          classification: p.label,
          match,
          normalized: ordinal,
          // Unified CM takes the number and refuses the call: classified as the pattern, not dial capable.
          ...(p.blocked === true ? { dialCapable: false } : {}),
          source: `${label} (${len} characters)`,
        },
      });
    }
    if (p.kind === 'translation') issues.push({ severity: 'note', where: p.where, message: `${p.pattern}: Unified CM routes the translated number again (with the pattern's calling search space); the plan stops at the translated number` });
  });
  drafts.sort((a, b) => a.count - b.count || a.total - b.total || a.order - b.order);
  const plan = {
    name: `Cisco Unified CM patterns (${source.file.split('/').pop() ?? source.file})`,
    description: '',
    classifications: [...source.patterns.map((p) => ({ name: p.label, internal: false, ...(p.description ? { description: p.description } : {}) })), { name: 'No pattern', internal: false }],
    locations: [],
    entries: [...drafts.map((d) => d.entry), ...entries],
    unmatched: { classification: 'No pattern', dialCapable: true },
    header: [
      `Imported from Cisco Unified CM (${source.file}) by dialplan import --from cucm.`,
      'Closest match: each pattern written out per length, entries sorted by how many numbers of that length they match.',
      'Normalized = discard digits, then the called party transformation mask, then the prefix digits.',
    ],
  };
  return { plan, yaml: writeImportedPlan(plan), issues };
}

/**
 * The reference evaluator of Unified CM's closest match and called-party transformations (see the module comment).
 *
 * @param source - the patterns
 * @returns the evaluator
 * @example
 * ```ts
 * cucmReference(source).evaluate({ number: '915551234567' }).normalized; // '+15551234567'
 * ```
 */
export function cucmReference(source: CucmSource): ReferenceEvaluator {
  const usable = source.patterns.flatMap((p, order) => {
    const elems = elements(p.pattern);
    if ('error' in elems || !discardSupported(p.discard)) return [];
    // A regex with a group per position (repeated positions as one group of that set), to read what each matched.
    const src = elems.map((e) => (e.k === 'dot' ? '()' : `([${[...e.chars].map((c) => (/[0-9]/.test(c) ? c : `\\${c}`)).join('')}]${e.max === Infinity ? (e.min === 0 ? '*' : '+') : ''})`)).join('');
    return [{ p, order, elems, total: totalCount(elems), re: new RegExp(`^${src}$`) }];
  });
  const labels = new Set(source.patterns.map((p) => p.label));
  const unmatched = uniqueName('No pattern', labels);
  const evaluate = (n: VerifyNumber): Outcome => {
    let best: { p: CucmPattern; count: number; total: number; order: number; m: RegExpExecArray; elems: Elem[] } | undefined;
    for (const u of usable) {
      const m = u.re.exec(n.number);
      if (!m) continue;
      const count = countOfLength(u.elems, n.number.length);
      const better = !best || count < best.count || (count === best.count && (u.total < best.total || (u.total === best.total && u.order < best.order)));
      if (better) best = { p: u.p, count, total: u.total, order: u.order, m, elems: u.elems };
    }
    if (!best) return { classification: unmatched, normalized: n.number };
    // Characters and where the dot is, from the groups.
    const chars: string[] = [];
    let dotAt = -1;
    best.elems.forEach((e, i) => {
      const g = best?.m[i + 1] ?? '';
      if (e.k === 'dot') dotAt = chars.length;
      else chars.push(...g);
    });
    return { classification: best.p.label, normalized: transform(best.p, chars, dotAt, (i) => chars[i] === '#') ?? n.number };
  };
  const numbers = (seed: number, perRule: number): VerifyNumber[] => {
    const rng = createRng(seed);
    const domain = '0123456789' + [...new Set(source.patterns.flatMap((p) => [...p.pattern].filter((c) => '*#+'.includes(c))))].join('');
    const out: VerifyNumber[] = [];
    for (const u of usable) {
      for (let i = 0; i < perRule; i++) {
        let s = '';
        for (const e of u.elems) {
          if (e.k === 'dot') continue;
          const count = e.max === Infinity ? e.min + rng.int(10) : 1;
          for (let k = 0; k < count; k++) s += e.chars[rng.int(e.chars.length)];
        }
        if (s === '') continue;
        for (const y of [s, ...mutate(s, rng, domain)]) if (inDomain(y, domain) && y.length <= CUCM_MAX_LENGTH) out.push({ number: y });
      }
    }
    return out;
  };
  return { evaluate, numbers, issues: [] };
}
