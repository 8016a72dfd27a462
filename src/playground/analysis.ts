/**
 * What the page computes from the editor's text, without the DOM: the plan and its load problems, the numbers'
 * answers, the inline tests, and where each table entry sits in the text (for "which numbers did this entry match?").
 */
import type { DialPlan, InlineTestReport, Problem, QueryResult } from '../browser.js';
import { runInlineTests, safeLoadDialPlan } from '../browser.js';

/** The two tables whose entries explain names, in pipeline order. */
export type TableName = 'inputConversions' | 'dialPlan';

/** Where one table entry sits in the text: from its first line to the line before the next entry (1-based, inclusive). */
export interface EntryRange {
  readonly table: TableName;
  readonly index: number;
  readonly name: string;
  readonly fromLine: number;
  readonly toLine: number;
}

/** One number of the list and its answer. */
export interface NumberAnswer {
  readonly text: string;
  readonly result: QueryResult;
}

/** Everything the page shows for one version of the text. */
export interface Analysis {
  /** The plan, when it loads. */
  readonly plan: DialPlan | undefined;
  /** Load problems (errors when it does not load, warnings when it does). */
  readonly problems: readonly Problem[];
  readonly answers: readonly NumberAnswer[];
  readonly tests: InlineTestReport | undefined;
  readonly entries: readonly EntryRange[];
  /** Milliseconds spent loading the plan (the load diagnostics' cost). */
  readonly loadMs: number;
}

/** The most numbers the page answers at once (the rest are listed as skipped). */
export const MAX_NUMBERS = 200;

/**
 * Loads the text and answers the numbers.
 *
 * @param text - the rule file's text
 * @param file - its name, for problems
 * @param numbers - the numbers, one per line (blank lines skipped)
 * @param location - the location to query at, or empty for the plan's default
 * @returns the analysis
 */
export function analyze(text: string, file: string, numbers: readonly string[], location: string): Analysis {
  const t0 = performance.now();
  const r = safeLoadDialPlan(text, { file });
  const loadMs = performance.now() - t0;
  if (!r.ok) return { plan: undefined, problems: r.problems, answers: [], tests: undefined, entries: [], loadMs };
  const plan = r.plan;
  const options = location !== '' && plan.locations.includes(location) ? { location } : {};
  const answers = numbers.slice(0, MAX_NUMBERS).map((n) => ({ text: n, result: plan.query(n, options) }));
  return { plan, problems: r.warnings, answers, tests: runInlineTests(plan), entries: entryRanges(plan, text), loadMs };
}

/**
 * The analysis of the same text for other numbers or another location: the plan, its problems, tests and entries are
 * kept, only the numbers are answered again. Typing in the numbers reloaded the whole plan at every pause (40 to 200 ms
 * on the page's thread for a 1 000-entry plan).
 *
 * @param previous - an analysis whose plan loaded
 * @param numbers - the numbers, one per line (blank lines skipped)
 * @param location - the location to query at, or empty for the plan's default
 * @returns the analysis with the new answers (`previous` itself when its plan did not load)
 */
export function reanswer(previous: Analysis, numbers: readonly string[], location: string): Analysis {
  const plan = previous.plan;
  if (plan === undefined) return previous;
  const options = location !== '' && plan.locations.includes(location) ? { location } : {};
  return { ...previous, answers: numbers.slice(0, MAX_NUMBERS).map((n) => ({ text: n, result: plan.query(n, options) })) };
}

/**
 * The numbers of the list: one per line, trimmed, blank lines left out.
 *
 * @param text - the list as typed
 * @returns the numbers
 */
export function numberLines(text: string): readonly string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/**
 * Where each entry of the two tables sits, from the positions the loader kept.
 *
 * @param plan - a plan loaded from `text`
 * @param text - its text
 * @returns the entries with a line, in text order
 */
export function entryRanges(plan: DialPlan, text: string): readonly EntryRange[] {
  const starts: { table: TableName; index: number; name: string; line: number }[] = [];
  const tables: readonly [TableName, readonly { readonly name: string }[]][] = [
    ['inputConversions', plan.rules.inputConversions],
    ['dialPlan', plan.rules.dialPlan],
  ];
  for (const [table, rules] of tables) {
    rules.forEach((rule, index) => {
      const line = plan.positionOf([table, index]).line;
      if (line !== undefined) starts.push({ table, index, name: rule.name, line });
    });
  }
  starts.sort((a, b) => a.line - b.line);
  const lines = text.split('\n');
  return starts.map((s, i) => {
    const next = starts[i + 1];
    // The last line of an entry: before the next entry of the same table, or before the next top-level key.
    let end = next !== undefined && next.table === s.table ? next.line - 1 : lines.length;
    for (let l = s.line + 1; l <= end; l++) {
      if (/^[^\s#-]/.test(lines[l - 1] ?? '')) {
        end = l - 1;
        break;
      }
    }
    while (end > s.line && /^\s*(#.*)?$/.test(lines[end - 1] ?? '')) end--;
    return { table: s.table, index: s.index, name: s.name, fromLine: s.line, toLine: end };
  });
}

/**
 * The entry a line of the text belongs to.
 *
 * @param entries - from {@link entryRanges}
 * @param line - 1-based
 * @returns the entry, or undefined outside every entry
 */
export function entryAt(entries: readonly EntryRange[], line: number): EntryRange | undefined {
  return entries.find((e) => e.fromLine <= line && line <= e.toLine);
}

/**
 * Which entry of a table answered a number, as explain reports it.
 *
 * @param plan - the plan
 * @param text - the number
 * @param location - the location, or empty
 * @returns per table, the index of the entry that matched
 */
export function matchedEntries(plan: DialPlan, text: string, location: string): { readonly table: TableName; readonly index: number }[] {
  const e = plan.explain(text, location !== '' && plan.locations.includes(location) ? { location } : {});
  const out: { table: TableName; index: number }[] = [];
  for (const t of [e.conversion, e.dialPlan]) {
    const m = t?.considered.find((c) => c.matched);
    if (t !== undefined && m !== undefined) out.push({ table: t.table, index: m.index });
  }
  return out;
}

/**
 * Which numbers each entry matched, for the entry hover: one explain per number, worked out once for an analysis (the
 * answers do not change until the text, the numbers or the location do) rather than at every hover. An explain walks
 * the entries tried up to the one that matched, so on a 1 000-entry plan with 200 numbers one pass takes hundreds of
 * milliseconds on the page's thread: repeated at every line the mouse rests on, the page stalled as the mouse moved.
 *
 * @param plan - the plan
 * @param numbers - the numbers, in the list's order
 * @param location - the location, or empty
 * @returns per entry (`dialPlan[3]`, `inputConversions[0]`), the numbers it matched, in the list's order
 */
export function numbersByEntry(plan: DialPlan, numbers: readonly string[], location: string): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, string[]>();
  for (const text of numbers) {
    for (const m of matchedEntries(plan, text, location)) {
      const key = `${m.table}[${m.index}]`;
      const list = out.get(key);
      if (list === undefined) out.set(key, [text]);
      else list.push(text);
    }
  }
  return out;
}

/** What the page sends the lint worker: one version of the text. */
export interface LintRequest {
  readonly text: string;
  /** Its name, for the findings' positions. */
  readonly file: string;
}

/** What the lint worker answers. */
export interface LintAnswer {
  /** The findings, placed in the text (none when the text does not load: the page shows its load problems). */
  readonly problems: readonly Problem[];
  /** Whether the text loads. */
  readonly loads: boolean;
  /** The load problems: errors when the text does not load, warnings when it does (the page's own load finds the same). */
  readonly loadProblems: readonly Problem[];
  /** Milliseconds spent loading the text, before lint. */
  readonly loadMs: number;
}

/**
 * The lint worker's job: load the text and lint the plan (the exact shadowing analysis can take seconds on a large plan,
 * so it runs off the page's thread). The worker loads the text itself, rather than waiting for the plan the page loads:
 * the page sends it the text as soon as typing pauses, so that both loads run at once (and the worker's usually before
 * the page's, see `LINT_EARLY_MS` in app.ts), and the findings come back placed, exactly as `lintDialPlan` places them
 * on the page's plan (the same text, the same name, the same loader), with the load problems, which the page underlines
 * with them at the end of the typing pause when they are there by then.
 *
 * @param request - the text and its name (as the worker receives them: a structured clone)
 * @param lint - the engine's lint (a lint session in the worker, so that an edit that changes no pattern reuses the
 *   last analysis)
 * @returns the findings, whether the text loads, and the milliseconds spent loading it
 * @example
 * ```ts
 * const session = createLintSession();
 * const { problems } = lintText({ text: yaml, file: 'site.yaml' }, (plan) => session.lint(plan));
 * ```
 */
export function lintText(request: LintRequest, lint: (plan: DialPlan) => readonly Problem[]): LintAnswer {
  const t0 = performance.now();
  const loaded = safeLoadDialPlan(request.text, { file: request.file });
  const loadMs = performance.now() - t0;
  return { problems: loaded.ok ? lint(loaded.plan) : [], loads: loaded.ok, loadProblems: loaded.ok ? loaded.warnings : loaded.problems, loadMs };
}
