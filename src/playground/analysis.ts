/**
 * What the page computes from the editor's text, without the DOM: the plan and its load problems, the numbers'
 * answers, the inline tests, and where each table entry sits in the text (for "which numbers did this entry match?").
 */
import type { DialPlan, InlineTestReport, Problem, QueryResult } from '../browser.js';
import { runInlineTests, safeCompileDialPlan, safeLoadDialPlan } from '../browser.js';
import type { Path } from '../engine/plan/validate.js';
import { pathOf } from '../engine/plan/validate.js';

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
 * @param onLoad - called as soon as the text is loaded, with the plan (undefined when it does not load), before the
 *   numbers and the tests: the page starts lint then, so that the worker runs while the page answers them
 * @returns the analysis
 */
export function analyze(text: string, file: string, numbers: readonly string[], location: string, onLoad?: (plan: DialPlan | undefined) => void): Analysis {
  const t0 = performance.now();
  const r = safeLoadDialPlan(text, { file });
  const loadMs = performance.now() - t0;
  onLoad?.(r.ok ? r.plan : undefined);
  if (!r.ok) return { plan: undefined, problems: r.problems, answers: [], tests: undefined, entries: [], loadMs };
  const plan = r.plan;
  const options = location !== '' && plan.locations.includes(location) ? { location } : {};
  const answers = numbers.slice(0, MAX_NUMBERS).map((n) => ({ text: n, result: plan.query(n, options) }));
  return { plan, problems: r.warnings, answers, tests: runInlineTests(plan), entries: entryRanges(plan, text), loadMs };
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

/** What the page sends the lint worker for one version of the text. */
export interface LintRequest {
  /** The rules the page loaded, as {@link lintRequest} makes them. */
  readonly rules: unknown;
  /** The text, loaded again only when the rules do not compile on their own (see {@link lintRequest}). */
  readonly text: string;
  readonly file: string;
}

/**
 * What the page sends the lint worker: the rules it has validated already, which compile in a fraction of the time the
 * YAML takes to load again, and the text, for the rare rules that do not compile on their own.
 *
 * Validated rules have every default filled in, and one default does not validate again: the unmatched classification
 * `Unknown`, which needs no declaration when it is left out but does when it is written. It is left out again here. The
 * inline tests are left out too (lint does not read them).
 *
 * @param plan - the page's plan, loaded from the text
 * @param text - the text
 * @param file - its name
 * @returns the request
 */
export function lintRequest(plan: DialPlan, text: string, file: string): LintRequest {
  const rules = plan.rules;
  const { classification, ...unmatched } = rules.unmatched;
  const implicit = classification === 'Unknown' && !rules.classifications.some((c) => c.name === classification);
  return { rules: { ...rules, tests: [], unmatched: implicit ? unmatched : rules.unmatched }, text, file };
}

/**
 * The lint worker's job: compile the rules the page loaded and lint them (the exact shadowing analysis can take
 * seconds on a large plan, so it runs off the page's thread). The findings come back without positions, and
 * {@link placeFindings} puts them in the page's text; when the rules do not compile on their own, the text is loaded
 * again and the findings come back placed.
 *
 * @param request - from {@link lintRequest} (as the worker receives it: a structured clone)
 * @param lint - the engine's lint (a lint session in the worker, so that an edit that changes no pattern reuses the
 *   last analysis)
 * @returns the findings, whether they are placed already (none when nothing loads: the page shows its load problems),
 *   and the milliseconds spent compiling (or loading) before lint
 */
export function lintRules(
  request: LintRequest,
  lint: (plan: DialPlan) => readonly Problem[],
): { readonly problems: readonly Problem[]; readonly placed: boolean; readonly compileMs: number } {
  const t0 = performance.now();
  const r = safeCompileDialPlan(request.rules);
  if (r.ok) {
    const compileMs = performance.now() - t0;
    return { problems: lint(r.plan), placed: false, compileMs };
  }
  const loaded = safeLoadDialPlan(request.text, { file: request.file });
  const compileMs = performance.now() - t0;
  return { problems: loaded.ok ? lint(loaded.plan) : [], placed: true, compileMs };
}

/**
 * Findings of {@link lintRules} placed in the page's text: each path mapped from the rules' own indexes to the file's
 * (the loader drops invalid list items, so the two can differ), with its line, column and excerpt, in lint's order
 * (errors first, then by line). The same findings as `lintDialPlan` on the page's plan.
 *
 * @param findings - from the worker, for `plan.rules`
 * @param plan - the page's plan, loaded from the text
 * @returns the findings as `lintDialPlan(plan)` gives them
 */
export function placeFindings(findings: readonly Problem[], plan: DialPlan): readonly Problem[] {
  return findings
    .map((p) => {
      const path = sourcePath(plan.rules, p.path);
      const { excerpt, ...pos } = plan.positionOf(path);
      return { code: p.code, severity: p.severity, message: p.message, path, ...pos, ...(excerpt !== undefined ? { excerpt } : {}) };
    })
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || (a.line ?? 0) - (b.line ?? 0));
}

/** The path in the file of the item a path of the rules points at (the path itself when the loader kept no other). */
function sourcePath(rules: unknown, path: Path): Path {
  let v: unknown = rules;
  for (const key of path) v = typeof v === 'object' && v !== null ? (v as Record<string | number, unknown>)[key] : undefined;
  return typeof v === 'object' && v !== null ? pathOf(v, path) : path;
}
