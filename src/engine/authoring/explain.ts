/**
 * Explain: the trace of one number through the pipeline, for authors asking "why did this number come out like that?".
 * It replays the stages with the plan's own matchers (proved equal to `findFirstMatch`, which defines what a table means,
 * and linear in the number whatever the plan) and takes the final details from the real query, so the trace can never
 * report details the engine would not return.
 */
import { DialPlanError } from '../errors.js';
import type { CompiledPlan } from '../plan/compile.js';
import type { TableMatcher } from '../match/match.js';
import type { CompiledPattern, MatchableEntry, TableMatch } from '../match/match.js';
import type { PrepareStep } from '../pipeline/prepare.js';
import { prepareNumber } from '../pipeline/prepare.js';
import { queryNumber, selectTables } from '../pipeline/query.js';
import type { ParsedTemplate } from '../match/template.js';
import { fillTemplate } from '../match/template.js';
import type { PhoneNumberDetails, QueryError, QueryOptions, QueueType } from '../types.js';
import { describeInternational } from '../international.js';
import type { Path } from '../plan/validate.js';

/** Where a node of a rule file sits; empty for plans compiled from plain objects. */
export interface SourcePosition {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** The source line with a caret under the column, as in problems. */
  readonly excerpt?: string;
}

/** What one wildcard, character set or named set of a pattern captured. */
export interface Capture {
  /** The wildcard as written (`X`, `N`, `Z`, `[2-9]`) or the set reference (`{tollFree}`). */
  readonly token: string;
  readonly text: string;
}

/** One table entry that explain looked at. */
export interface ExplainedEntry {
  /** Index of the entry in its table. */
  readonly index: number;
  readonly name: string;
  /** Keys and indexes of the entry in the rule file. */
  readonly path: readonly (string | number)[];
  readonly position: SourcePosition;
  /** Whether this is the entry that matched (only the last one considered can be). */
  readonly matched: boolean;
  /** The entry's patterns, as written. */
  readonly patterns: readonly string[];
  /**
   * Which pattern matched, the string it matched, the extension carried and the captures: for the matched entry, and for
   * an entry whose pattern matched but whose `when:` condition the number did not meet, so that the search went on (a
   * `match` with `matched` false; `formatExplanation` adds what libphonenumber-js said of the number).
   */
  readonly match?: {
    readonly pattern: string;
    readonly matchedText: string;
    readonly carriedExtension: string;
    readonly captures: readonly Capture[];
  };
}

/** How one template of the matched entry was filled. */
export interface ExplainedTemplate {
  readonly field: 'output' | 'normalized' | 'display' | 'editBase' | 'dialString';
  /** The template, or undefined when the entry has none and the field took its default. */
  readonly template: string | undefined;
  /** The filled text, including the carried extension. */
  readonly value: string;
}

/** One table's part of the trace. */
export interface ExplainedTable {
  readonly table: 'inputConversions' | 'dialPlan';
  /** The number the table was given. */
  readonly input: string;
  /** Every entry tried, in order, up to and including the one that matched. */
  readonly considered: readonly ExplainedEntry[];
  /** Whether no entry matched (the number went through unchanged, or took the plan's `unmatched` settings). */
  readonly fellThrough: boolean;
  readonly templates: readonly ExplainedTemplate[];
  /** What the table produced. */
  readonly output: string;
}

/** The directory lookup of an internal extension. */
export interface ExplainedDirectory {
  /** The extension looked up, or undefined when the normalized number is not an internal extension (`/6929`). */
  readonly extension: string | undefined;
  readonly found: boolean;
  readonly kind?: string;
  readonly queueType?: QueueType;
  readonly queueName?: string;
}

/** The structured trace returned by `plan.explain`. */
export interface Explanation {
  readonly rawText: string;
  /** The location whose tables were used, or undefined for a plan without locations. */
  readonly location: string | undefined;
  /** What prepare removed and mapped, and what it left; undefined when the input was rejected before. */
  readonly prepare?: { readonly steps: readonly PrepareStep[]; readonly text: string; readonly sip: boolean };
  readonly conversion?: ExplainedTable;
  readonly dialPlan?: ExplainedTable;
  readonly directory?: ExplainedDirectory;
  /** Which table fell through to the default, if any: `dialPlan` means the plan's `unmatched` settings applied. */
  readonly unmatched: 'dialPlan' | undefined;
  /** The final result, exactly what `query` returns. */
  readonly details?: PhoneNumberDetails;
  readonly dialString?: string;
  readonly error?: QueryError;
}

/**
 * Explains how a plan resolves one number.
 *
 * @param plan - the compiled plan
 * @param rawText - the number as typed
 * @param options - the location to use
 * @param positionOf - where a path of the rule file sits in its source
 * @returns the trace; never throws
 * @example
 * ```ts
 * const e = explainNumber(compiled, '5551234', {}, () => ({}));
 * e.conversion?.considered.at(-1)?.name; // 'Seven-digit local number'
 * ```
 */
export function explainNumber(
  plan: CompiledPlan,
  rawText: string,
  options: QueryOptions | undefined,
  positionOf: (path: Path) => SourcePosition,
): Explanation {
  try {
    return explainResolved(plan, rawText, options, positionOf);
  } catch (e) {
    // A precompiled plan reads an entry when first asked for; one that fails its check makes the trace fail as a query
    // would, rather than throw (see restoreCompiledPlan).
    if (e instanceof DialPlanError && e.code === 'COMPILED_PLAN_INVALID') {
      return { rawText, unmatched: undefined, location: options?.location, error: { code: e.code, message: e.message } };
    }
    throw e;
  }
}

function explainResolved(
  plan: CompiledPlan,
  rawText: string,
  options: QueryOptions | undefined,
  positionOf: (path: Path) => SourcePosition,
): Explanation {
  const result = queryNumber(plan, rawText, options);
  const tables = selectTables(plan, options?.location);
  const base = { rawText, unmatched: undefined };
  if (!('entries' in tables)) return { ...base, location: options?.location, error: tables };
  const location = tables.location;
  const steps: PrepareStep[] = [];
  const prepared = prepareNumber(rawText, plan.rules.extensionSeparator, steps);
  if (!prepared.ok) return { ...base, location, error: prepared.error };
  const prepare = { steps, text: prepared.text, sip: prepared.sip };

  const conversion = explainTable('inputConversions', tables.conversions, tables.conversionMatcher, prepared.text, !prepared.sip, positionOf, (m, pattern) => {
    const conv = tables.conversions[m.entry];
    if (!conv) return [];
    const value = fillTemplate(conv.output, pattern, m.matched, m.groups, { classification: '', vars: tables.vars }) + m.suffix;
    return [{ field: 'output', template: conv.rule.output, value }];
  });
  const converted = conversion.output;
  const dialPlan = explainTable('dialPlan', tables.entries, tables.entryMatcher, converted, !prepared.sip, positionOf, (m, pattern) => {
    const entry = tables.entries[m.entry];
    if (!entry) return [];
    const ctx = { classification: entry.rule.classification, vars: tables.vars };
    const fill = (t: ParsedTemplate | undefined): string | undefined =>
      t === undefined ? undefined : fillTemplate(t, pattern, m.matched, m.groups, ctx) + m.suffix;
    const normalized = fill(entry.normalized) ?? converted;
    const display = fill(entry.display) ?? (normalized.startsWith('/') || normalized.startsWith('^') ? normalized.slice(1) : normalized);
    return [
      { field: 'normalized', template: entry.rule.normalized, value: normalized },
      { field: 'display', template: entry.rule.display, value: display },
      { field: 'editBase', template: entry.rule.editBase, value: fill(entry.editBase) ?? '' },
      { field: 'dialString', template: entry.rule.dialString, value: fill(entry.dialString) ?? normalized },
    ];
  }, tables.entryAccept);
  const details = result.ok ? result.details : undefined;
  const normalized = details?.normalizedText ?? dialPlan.output;
  const extension = !prepared.sip && normalized.startsWith('/') ? normalized.slice(1) : undefined;
  const hit = extension === undefined ? undefined : plan.directory.get(extension);
  const directory: ExplainedDirectory = hit
    ? { extension, found: true, kind: hit.kind, queueType: hit.queueType, queueName: hit.queueName }
    : { extension, found: false };
  return {
    ...base,
    location,
    prepare,
    conversion,
    dialPlan,
    directory,
    unmatched: dialPlan.fellThrough ? 'dialPlan' : undefined,
    ...(result.ok ? { details: result.details, dialString: result.dialString } : { error: result.error }),
  };
}

function explainTable(
  table: 'inputConversions' | 'dialPlan',
  entries: readonly (MatchableEntry & { readonly rule: { readonly name: string; readonly match: readonly string[] }; readonly path: Path })[],
  matcher: TableMatcher,
  text: string,
  carryExtension: boolean,
  positionOf: (path: Path) => SourcePosition,
  templates: (m: TableMatch, pattern: CompiledPattern) => ExplainedTemplate[],
  accept?: (m: TableMatch) => boolean,
): ExplainedTable {
  // The table's own matcher (proved equal to findFirstMatch) finds the entry, in time linear in the number whatever the
  // plan: every entry before it did not match (or its `when:` rejected the match, which is the same to classifyNumber).
  // The first match `accept` turned down for each entry (its `when:` not met) is kept, so that the trace can say why an
  // entry whose pattern matched did not take the number. (Kept short: this code is in every browser bundle.)
  const rejected: TableMatch[] = [];
  const m = matcher.find(text, carryExtension, accept && ((x) => accept(x) || ((rejected[x.entry] ??= x), false)));
  const considered: ExplainedEntry[] = [];
  let pattern: CompiledPattern | undefined;
  for (let i = 0; i <= (m?.entry ?? entries.length - 1); i++) {
    const e = entries[i];
    const won = i === m?.entry;
    const r = won ? m : rejected[i];
    const p = r && e?.patterns[r.pattern];
    if (won) pattern = p;
    if (e) {
      considered.push({
        index: i,
        name: e.rule.name,
        path: e.path,
        position: positionOf(e.path),
        patterns: e.rule.match,
        matched: won,
        ...(r && p && { match: { pattern: p.source, matchedText: r.matched, carriedExtension: r.suffix, captures: capturesOf(p, r) } }),
      });
    }
  }
  const filled = m && pattern && templates(m, pattern);
  // The first template is what the table produces: the conversion's output, or the entry's normalized text.
  return { table, input: text, considered, fellThrough: !filled, templates: filled || [], output: filled?.[0]?.value ?? text };
}

function capturesOf(pattern: CompiledPattern, m: TableMatch): Capture[] {
  const out: { group: number; capture: Capture }[] = [];
  pattern.positionalGroups.forEach((g, i) => {
    out.push({ group: g, capture: { token: pattern.positionalSources[i] ?? '?', text: m.groups[g] ?? '' } });
  });
  for (const [name, g] of pattern.setGroups) out.push({ group: g, capture: { token: `{${name}}`, text: m.groups[g] ?? '' } });
  return out.sort((a, b) => a.group - b.group).map((c) => c.capture);
}

/**
 * Prints an explanation for people, one stage after the other.
 *
 * @param e - the explanation
 * @returns the text, ending with a newline
 * @example
 * ```ts
 * process.stdout.write(formatExplanation(plan.explain('5551234')));
 * ```
 */
export function formatExplanation(e: Explanation): string {
  const out: string[] = [`raw text       ${JSON.stringify(e.rawText)}`];
  if (e.location !== undefined) out.push(`location       ${e.location}`);
  if (e.prepare) {
    const p = e.prepare;
    const steps = p.steps.map((s) => (s.kind === 'removed' ? `removed ${JSON.stringify(s.from)}` : `${s.kind} ${JSON.stringify(s.from)} -> ${JSON.stringify(s.to)}`));
    out.push(`prepare        ${JSON.stringify(p.text)}${p.sip ? ' (SIP address)' : ''}${steps.length > 0 ? `: ${steps.join('; ')}` : ''}`);
  }
  for (const t of [e.conversion, e.dialPlan]) {
    if (!t) continue;
    out.push('', `${t.table} (given ${JSON.stringify(t.input)})`);
    for (const c of t.considered) {
      const where = c.position.line !== undefined ? `${c.position.file ?? '<input>'}:${c.position.line}` : formatWhere(c.path);
      out.push(`  ${c.matched ? 'MATCH' : 'no   '} #${c.index + 1} ${JSON.stringify(c.name)} at ${where}  [${c.patterns.join(', ')}]`);
      if (c.match) {
        // A match that did not win was turned down by the entry's when: condition.
        const n = c.matched ? undefined : describeInternational(c.match.matchedText);
        const unmet = c.matched ? '' : `, but not the entry's when: ${n ? `libphonenumber-js says ${formatWhen(n)}` : 'it is not an E.164 number'}`;
        out.push(`        pattern ${c.match.pattern} matched ${JSON.stringify(c.match.matchedText)}${c.match.carriedExtension ? `, extension ${JSON.stringify(c.match.carriedExtension)} carried` : ''}${unmet}`);
        if (c.match.captures.length > 0) out.push(`        captures ${c.match.captures.map((x) => `${x.token}=${JSON.stringify(x.text)}`).join(' ')}`);
      }
    }
    for (const tpl of t.templates) {
      out.push(`  ${tpl.field.padEnd(10)} ${tpl.template === undefined ? '(default)' : JSON.stringify(tpl.template)} -> ${JSON.stringify(tpl.value)}`);
    }
    if (t.fellThrough) {
      out.push(t.table === 'inputConversions' ? '  no entry matched: the number goes on unchanged' : '  no entry matched: the plan\'s unmatched settings apply');
    }
    out.push(`  result     ${JSON.stringify(t.output)}`);
  }
  if (e.directory) {
    const d = e.directory;
    out.push('', d.extension === undefined ? 'directory      not an internal extension' : d.found ? `directory      ${d.extension}: ${d.kind} -> ${d.queueName}` : `directory      ${d.extension}: not in the directory`);
  }
  if (e.error) out.push('', `error          ${e.error.code}: ${e.error.message}`);
  if (e.details) {
    out.push('', 'details');
    for (const [k, v] of Object.entries(e.details)) out.push(`  ${k.padEnd(22)} ${Array.isArray(v) ? v.join(', ') : v === '' ? '""' : String(v)}`);
    if (e.dialString !== undefined) out.push(`  ${'(dialString)'.padEnd(22)} ${e.dialString}`);
  }
  return out.join('\n') + '\n';
}

/** `valid: false, numberType: (unknown), country: GB`: what libphonenumber-js says of a number, in the words of `when:`. */
function formatWhen(n: { readonly valid: boolean; readonly numberType: string; readonly country: string }): string {
  return `valid: ${n.valid}, numberType: ${n.numberType || '(unknown)'}, country: ${n.country || '(unknown)'}`;
}

function formatWhere(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
