/**
 * Templates compiled against one pattern, for the hot path: what {@link fillTemplate} works out on every query (which
 * capture group a wildcard repeats, what a `{name}` stands for, the classification and location variables) is worked out
 * once, and adjacent literal text is joined.
 */
import type { CompiledPattern, TableMatch } from './match.js';
import { captureSpans } from './match.js';
import type { FillContext, ParsedTemplate } from './template.js';
import { INTERNATIONAL_FIELDS, internationalField, isInternationalField } from '../international.js';

/** What a filler reads of a match: the matched text, and the capture groups when a step needs one. */
export type Captures = Pick<TableMatch, 'matched' | 'groups'>;

/**
 * A template compiled for one pattern: a flat list of (kind, operand) steps, run by {@link runFiller}. Plain data rather
 * than a closure, so that in a table of thousands of entries filling a template touches one array, not a closure, its
 * context and the arrays it holds.
 */
export type Filler = readonly (number | string)[];

const TEXT = 0;
const GROUP = 1;
const SLICE = 2;
/** Ends a template's steps inside a {@link TemplateTable}. */
const END = 3;
/** A libphonenumber-js field of the matched string; operand: its index in INTERNATIONAL_FIELDS. */
const INTL = 4;

/**
 * Compiles a template for one pattern and context. Run by {@link runFiller}, it gives exactly what {@link fillTemplate}
 * gives for the same pattern, match and context.
 *
 * @param template - the parsed template
 * @param pattern - the pattern whose matches it fills from
 * @param context - the classification and location variables
 * @returns the filler
 * @example
 * ```ts
 * const filler = compileFiller(parseTemplate('+1317NXXXXXX'), p, { classification: '', vars: {} });
 * runFiller(filler, { matched: '5551234', groups: p.regex.exec('5551234')! }); // '+13175551234'
 * ```
 */
export function compileFiller(template: ParsedTemplate, pattern: CompiledPattern, context: FillContext): Filler {
  const kinds: number[] = [];
  const texts: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const text = (s: string): void => {
    if (s === '') return;
    const last = kinds.length - 1;
    if (last >= 0 && kinds[last] === TEXT) texts[last] += s;
    else push(TEXT, s, 0, 0);
  };
  const push = (kind: number, s: string, a: number, b: number): void => {
    kinds.push(kind);
    texts.push(s);
    from.push(a);
    to.push(b);
  };
  for (const t of template.tokens) {
    switch (t.kind) {
      case 'literal':
        text(t.text);
        break;
      case 'wildcard': {
        const g = pattern.positionalGroups[t.rank];
        if (g !== undefined) push(GROUP, '', g, 0);
        break;
      }
      case 'ordinal':
        // `to` -1 stands for "to the end", as slice(from - 1, undefined) does.
        push(SLICE, '', t.from - 1, t.to ?? -1);
        break;
      case 'ref': {
        // The order of fillRef: {Z}, {classification}, a named set of the pattern, a location variable.
        const name = t.name;
        if (name === 'Z' || name === 'z') {
          if (pattern.zGroup > 0) push(GROUP, '', pattern.zGroup, 0);
        } else if (name === 'classification') {
          text(context.classification);
        } else {
          const g = pattern.setGroups.get(name);
          if (g !== undefined) push(GROUP, '', g, 0);
          else if (context.vars[name] === undefined && isInternationalField(name)) push(INTL, '', INTERNATIONAL_FIELDS.indexOf(name), 0);
          else text(context.vars[name] ?? '');
        }
        break;
      }
    }
  }
  // A capture of a pattern with a layout is a fixed span of the matched text: it becomes a slice, and slices that meet
  // are joined, so that `1 (NXX) NXX-XXXX` copies three runs of the number instead of ten single characters.
  const spans = captureSpans(pattern);
  // Digits the template writes as text that the pattern fixes at known places of every match (the `317` of a display
  // `(317) 555-XXXX` of the pattern `+1317555XXXX`, every digit of an exact number's display) are copied from the match
  // instead: the same text, and the same steps for every entry of a plan of one entry per exchange or per number, which a
  // table then stores once (see compileEntry) and a query finds in cache.
  const digits = spans === null ? null : literalDigits(pattern);
  if (digits !== null) {
    const n = kinds.length;
    let cursor = 0;
    for (let i = 0; i < n; i++) {
      const kind = kinds[i] as number;
      if (kind !== TEXT) {
        // Runs are looked for first after what the steps before them copied.
        const end = kind === GROUP ? (spans?.[2 * (from[i] as number) + 1] ?? -1) : -1;
        if (end >= 0) cursor = end;
        push(kind, texts[i] as string, from[i] as number, to[i] as number);
        continue;
      }
      const parts = splitDigits(texts[i] as string, digits, cursor);
      if (parts === null) {
        push(TEXT, texts[i] as string, 0, 0);
        continue;
      }
      for (const part of parts) {
        if (typeof part === 'string') push(TEXT, part, 0, 0);
        else (push(SLICE, '', part[0], part[1]), (cursor = part[1]));
      }
    }
    // The steps made above, in place of the first ones.
    for (const list of [kinds, texts, from, to]) list.splice(0, n);
  }
  const ops: (number | string)[] = [];
  // Where the last step starts when it is a slice, else -1. Steps are 2 or 3 items long, so `ops.length - 3` may land on
  // the operand of a 2-item step: a group numbered 2 (= SLICE) followed by a group step would be taken for a slice.
  let lastSlice = -1;
  for (let i = 0; i < kinds.length; i++) {
    let kind = kinds[i] as number;
    let a = from[i] as number;
    let b = to[i] as number;
    if (kind === GROUP && spans !== null && spans[2 * a] !== undefined) {
      kind = SLICE;
      b = spans[2 * a + 1] as number;
      a = spans[2 * a] as number;
    }
    if (kind === SLICE && lastSlice >= 0 && ops[lastSlice + 2] === a) {
      ops[lastSlice + 2] = b;
      continue;
    }
    lastSlice = kind === SLICE ? ops.length : -1;
    ops.push(kind, kind === TEXT ? (texts[i] as string) : a);
    if (kind === SLICE) ops.push(b);
  }
  return ops;
}

/**
 * The digits a fixed-length pattern fixes, by position in every text it matches (NUL where it fixes none), or null for a
 * pattern of variable length or one that can match nothing. Only digits: a literal letter matches either case, so a
 * matched text need not repeat it as the template writes it.
 */
function literalDigits(pattern: CompiledPattern): string | null {
  if (pattern.fixedLength === undefined) return null;
  let out = '';
  const put = (text: string): void => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      out += c >= 48 && c <= 57 ? text[i] : '\u0000';
    }
  };
  for (const t of pattern.tokens) {
    if (t.kind === 'literal') put(t.text);
    else if (t.kind === 'wildcard' || t.kind === 'class') out += '\u0000';
    else {
      const v = pattern.refs.get(t.name);
      if (v === undefined) return null;
      if (v.kind === 'var') put(v.value);
      else out += '\u0000'.repeat(v.values[0]?.length ?? 0);
    }
  }
  return out.length === pattern.fixedLength ? out : null;
}

/**
 * A template's literal text cut into text and slices of the match: each run of digits found among the pattern's fixed
 * digits becomes [from, to) of the match, found first where the previous run ended (a display that repeats the number in
 * order), then anywhere. Null when no run is found (the text stays as it is).
 */
function splitDigits(text: string, digits: string, start: number): (string | readonly [number, number])[] | null {
  const out: (string | readonly [number, number])[] = [];
  let cursor = start;
  let last = 0;
  let found = false;
  for (const m of text.matchAll(/[0-9]+/g)) {
    const run = m[0];
    let at = digits.indexOf(run, cursor);
    if (at < 0) at = digits.indexOf(run);
    if (at < 0) continue;
    found = true;
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push([at, at + run.length]);
    cursor = at + run.length;
    last = m.index + run.length;
  }
  if (!found) return null;
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/**
 * Fills a compiled template from a match of its pattern.
 *
 * @param filler - from {@link compileFiller}
 * @param match - the string the pattern matched and its capture groups
 * @returns the filled text
 * @example
 * ```ts
 * runFiller(compileFiller(parseTemplate('/{1-}'), p, ctx), { matched: '6929', groups: ['6929'] }); // '/6929'
 * ```
 */
export function runFiller(filler: Filler, match: Captures): string {
  return runSteps(filler, 0, match);
}

/** Runs steps from `start` up to an end step or the end of the array. */
function runSteps(steps: readonly (number | string)[], start: number, match: Captures): string {
  const matched = match.matched;
  let out = '';
  for (let i = start; i < steps.length; i += 2) {
    const kind = steps[i];
    if (kind === TEXT) {
      out += steps[i + 1] as string;
    } else if (kind === GROUP) {
      // Read here only: a match of a pattern with a layout cuts its groups when first asked, and its steps never ask.
      out += match.groups[steps[i + 1] as number] ?? '';
    } else if (kind === SLICE) {
      // Bounds at or past zero count from the start, negative ones from the end (-1 is the end), as captureSpans gives them.
      const a = steps[i + 1] as number;
      const b = steps[i + 2] as number;
      const n = matched.length;
      out += matched.slice(a >= 0 ? a : n + a + 1, b >= 0 ? b : n + b + 1);
      i++;
    } else if (kind === INTL) {
      out += internationalField(matched, INTERNATIONAL_FIELDS[steps[i + 1] as number] as (typeof INTERNATIONAL_FIELDS)[number]);
    } else {
      break;
    }
  }
  return out;
}

/**
 * Receives a text piece by piece instead of as one string: characters `from` to `to` of `s`. A writer that copies texts
 * straight into its output (`dialplan batch`) builds no string per template; it answers `false` for a piece it will not
 * copy as it is (a character its format must escape), and the caller then builds the whole text as a string instead.
 */
export interface TextSink {
  /**
   * Takes characters `from` (inclusive) to `to` (exclusive) of `s`.
   *
   * @param s - the string the piece is part of
   * @param from - the piece's first index
   * @param to - the index after its last character
   * @returns false to stop: the piece was not taken
   */
  piece(s: string, from: number, to: number): boolean;
  /**
   * Takes a template's fixed text, whole: the same string each time the template is filled, so a sink may keep what it
   * made of it. Without this method, {@link TextSink.piece} takes it.
   *
   * @param s - the text
   * @returns false to stop, as {@link TextSink.piece}
   */
  literal?(s: string): boolean;
}

/** Where `String.prototype.slice` starts or ends for the argument `v` on a text of length `n`. */
function sliceBound(v: number, n: number): number {
  return v < 0 ? Math.max(n + v, 0) : Math.min(v, n);
}

/** Runs steps from `start` into a sink, as {@link runSteps} builds the same text; false when the sink stopped. */
function emitSteps(steps: readonly (number | string)[], start: number, match: Captures, sink: TextSink): boolean {
  const matched = match.matched;
  for (let i = start; i < steps.length; i += 2) {
    const kind = steps[i];
    let s: string;
    let a = 0;
    let b = -1;
    if (kind === TEXT) {
      s = steps[i + 1] as string;
      if (sink.literal !== undefined) {
        if (!sink.literal(s)) return false;
        continue;
      }
    } else if (kind === GROUP) {
      s = match.groups[steps[i + 1] as number] ?? '';
    } else if (kind === SLICE) {
      // A slice is a piece of the matched text, handed on as bounds: no substring is made.
      const x = steps[i + 1] as number;
      const y = steps[i + 2] as number;
      const n = matched.length;
      s = matched;
      // The bounds String.prototype.slice takes from the same arguments runSteps gives it (a negative one counts from
      // the end again, then both are clamped to the text).
      a = sliceBound(x >= 0 ? x : n + x + 1, n);
      b = Math.max(a, sliceBound(y >= 0 ? y : n + y + 1, n));
      i++;
    } else if (kind === INTL) {
      s = internationalField(matched, INTERNATIONAL_FIELDS[steps[i + 1] as number] as (typeof INTERNATIONAL_FIELDS)[number]);
    } else {
      break;
    }
    if (b < 0) b = s.length;
    if (a < b && !sink.piece(s, a, b)) return false;
  }
  return true;
}

/** What {@link compileTemplateTable} needs of one entry. */
export interface TemplatedEntry {
  readonly patterns: readonly CompiledPattern[];
  /** The entry's templates in section order (for a dial-plan entry: normalized, display, editBase, dialString). */
  readonly templates: readonly (ParsedTemplate | undefined)[];
  readonly context: FillContext;
  /**
   * A number kept with the entry's compiled templates and read back by {@link entryTag} (the dial plan's index of the
   * entry's profile): a query then finds it where it finds the templates, in the block that entries alike share.
   */
  readonly tag?: number;
}

/**
 * Every entry's templates compiled for each of its patterns, for a whole table, in ONE array. A query of a plan with
 * thousands of entries rarely finds its entry's data in cache; keeping all templates in one array (and, since V8 moves
 * what an array holds next to it as it ages, their strings near each other) saves it several trips to memory.
 *
 * An entry's templates are compiled the first time one of them is filled: a plan of 100 000 entries loads without
 * compiling 400 000 templates, most of which a given server never fills. The table grows as entries are reached; what an
 * entry fills never changes.
 */
export interface TemplateTable {
  /** Per entry, the index in `at` of its first pattern, or -1 while its templates are not compiled yet. */
  readonly first: Int32Array;
  /** Per pattern of every compiled entry, where its section offsets start in `steps`. */
  readonly at: number[];
  /** Section offsets (-1: no such template) and the steps of each section, each ending with an end step. */
  readonly steps: (number | string)[];
  /** What an entry's templates are compiled from. */
  readonly entry: (index: number) => TemplatedEntry;
  /** Compiled blocks by their content, so that entries with the same steps share one (see compileEntry). */
  readonly shared: Map<string, number>;
}

/**
 * Makes the {@link TemplateTable} of a table's entries; each entry's templates are compiled when first filled.
 *
 * @param entries - each entry's patterns, templates in section order, and fill context; or their count and a function
 *   that gives the one at an index (so that a large table keeps no object per entry for this)
 * @param entryAt - with a count, the entry at an index
 * @returns the table, read by {@link fillSection}
 * @example
 * ```ts
 * const table = compileTemplateTable([{ patterns: [p], templates: [undefined, parseTemplate('({classification}) NXX')], context }]);
 * fillSection(table, 0, 0, 1, { matched: '317', groups: ['317', '3', '1', '7'] }); // '(Local) 317'
 * ```
 */
export function compileTemplateTable(entries: readonly TemplatedEntry[] | number, entryAt?: (index: number) => TemplatedEntry): TemplateTable {
  const count = typeof entries === 'number' ? entries : entries.length;
  const entry = typeof entries === 'number' ? (entryAt as (index: number) => TemplatedEntry) : (e: number) => entries[e] as TemplatedEntry;
  return { first: new Int32Array(count).fill(-1), at: [], steps: [], entry, shared: new Map() };
}

/** How many distinct compiled entries a table remembers in order to share them (the steps themselves are not bounded). */
const MAX_SHARED = 4096;

/**
 * Compiles the templates of entry `e` into the table; returns the index in `at` of its first pattern. Entries whose
 * steps come out the same (one entry per exchange or per number, once their digits are copied from the match) share
 * one copy: a query of a 100 000-entry plan then reads steps that are in cache rather than its entry's own.
 */
function compileEntry(table: TemplateTable, e: number): number {
  const entry = table.entry(e);
  // The entry's block with offsets from its start: its tag, then per pattern a header of section offsets and the steps.
  const block: (number | string)[] = [entry.tag ?? 0];
  const heads: number[] = [];
  for (const pattern of entry.patterns) {
    const header = block.length;
    heads.push(header);
    for (let s = 0; s < entry.templates.length; s++) block.push(-1);
    entry.templates.forEach((template, section) => {
      if (template === undefined) return;
      block[header + section] = block.length;
      for (const step of compileFiller(template, pattern, entry.context)) block.push(step);
      block.push(END);
    });
  }
  // Strings and numbers told apart in the key: JSON keeps "1" and 1 apart.
  const key = JSON.stringify([heads, block]);
  const known = table.shared.get(key);
  if (known !== undefined) {
    table.first[e] = known;
    return known;
  }
  const { at, steps } = table;
  const first = at.length;
  const base = steps.length;
  for (const h of heads) at.push(base + h);
  for (let i = 0; i < block.length; i++) {
    const step = block[i] as number | string;
    // Section offsets (the first items of each header) are relative to the block: made absolute.
    steps.push(isHeaderSlot(heads, entry.templates.length, i) && typeof step === 'number' && step >= 0 ? base + step : step);
  }
  table.first[e] = first;
  if (table.shared.size < MAX_SHARED) table.shared.set(key, first);
  return first;
}

/** Whether item `i` of a block is one of its headers' section offsets. */
function isHeaderSlot(heads: readonly number[], sections: number, i: number): boolean {
  for (const h of heads) if (i >= h && i < h + sections) return true;
  return false;
}

/**
 * The tag of entry `e` (see {@link TemplatedEntry.tag}), compiling its templates first if they are not yet; -1 for an
 * index the table does not have.
 *
 * @param table - from {@link compileTemplateTable}
 * @param e - the entry's index
 * @returns its tag
 * @example
 * ```ts
 * const profile = profiles.list[entryTag(tables.entryTemplates, match.entry)];
 * ```
 */
export function entryTag(table: TemplateTable, e: number): number {
  let first = table.first[e];
  if (first === undefined) return -1;
  if (first < 0) first = compileEntry(table, e);
  // A block starts with its tag, just before its first header.
  return table.steps[(table.at[first] as number) - 1] as number;
}

/**
 * Fills one template of one entry from a {@link TemplateTable}.
 *
 * @param table - from {@link compileTemplateTable}
 * @param entry - the entry's index
 * @param pattern - the index of the pattern that matched, within the entry
 * @param section - the template's place in the entry's list
 * @param match - the string the pattern matched and its capture groups
 * @returns the filled text, or undefined when the entry has no such template
 * @example
 * ```ts
 * fillSection(table, match.entry, match.pattern, 3, match) ?? normalizedText;
 * ```
 */
export function fillSection(
  table: TemplateTable,
  entry: number,
  pattern: number,
  section: number,
  match: Captures,
): string | undefined {
  let first = table.first[entry] as number;
  if (first < 0) first = compileEntry(table, entry);
  const steps = table.steps;
  const start = steps[(table.at[first + pattern] as number) + section] as number;
  return start < 0 ? undefined : runSteps(steps, start, match);
}

/**
 * Hands one template of one entry to a sink, piece by piece: what {@link fillSection} gives, without building it.
 *
 * @param table - from {@link compileTemplateTable}
 * @param entry - the entry's index
 * @param pattern - the index of the pattern that matched, within the entry
 * @param section - the template's place in the entry's list
 * @param match - the string the pattern matched and its capture groups
 * @param sink - takes the pieces
 * @returns undefined when the entry has no such template; else true, or false when the sink stopped (the text is then
 *   to be built with {@link fillSection})
 * @example
 * ```ts
 * if (emitSection(table, match.entry, match.pattern, 1, match, writer) === false) writer.text(fillSection(...)!);
 * ```
 */
export function emitSection(
  table: TemplateTable,
  entry: number,
  pattern: number,
  section: number,
  match: Captures,
  sink: TextSink,
): boolean | undefined {
  // fillSection's lookup, written again rather than shared: fillSection is in every browser bundle, under a size budget.
  let first = table.first[entry] as number;
  if (first < 0) first = compileEntry(table, entry);
  const steps = table.steps;
  const start = steps[(table.at[first + pattern] as number) + section] as number;
  return start < 0 ? undefined : emitSteps(steps, start, match, sink);
}

