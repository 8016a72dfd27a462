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

/** What {@link compileTemplateTable} needs of one entry. */
export interface TemplatedEntry {
  readonly patterns: readonly CompiledPattern[];
  /** The entry's templates in section order (for a dial-plan entry: normalized, display, editBase, dialString). */
  readonly templates: readonly (ParsedTemplate | undefined)[];
  readonly context: FillContext;
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
  return { first: new Int32Array(count).fill(-1), at: [], steps: [], entry };
}

/** Compiles the templates of entry `e` into the table; returns the index in `at` of its first pattern. */
function compileEntry(table: TemplateTable, e: number): number {
  const entry = table.entry(e);
  const { at, steps } = table;
  const first = at.length;
  table.first[e] = first;
  for (const pattern of entry.patterns) {
    const header = steps.length;
    at.push(header);
    for (let s = 0; s < entry.templates.length; s++) steps.push(-1);
    entry.templates.forEach((template, section) => {
      if (template === undefined) return;
      steps[header + section] = steps.length;
      for (const step of compileFiller(template, pattern, entry.context)) steps.push(step);
      steps.push(END);
    });
  }
  return first;
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
