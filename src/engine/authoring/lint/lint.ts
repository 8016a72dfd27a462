/**
 * `lint`: static checks of a loaded plan, beyond what stops it from loading.
 *
 * - an entry no string can reach (error), decided exactly on the pattern languages (see {@link analyzeTable});
 * - an entry partly shadowed by earlier ones (warning, with a shortest example), except a catch-all `Z` whose purpose is to
 *   take what the entries before it leave;
 * - an input conversion whose output can fall through every dial-plan entry (warning, with an example);
 * - a set or classification nothing uses, a directory extension that dialing it does not reach (warnings).
 */
import type { LocationTables } from '../../plan/compile.js';
import { convertNumber } from '../../pipeline/convert.js';
import type { ErrorCode, Problem, Severity } from '../../errors.js';
import type { CompiledPattern } from '../../match/match.js';
import type { DialPlan } from '../../plan/plan.js';
import { DIRECTORY_KINDS, pathOf } from '../../plan/validate.js';
import type { Path } from '../../plan/validate.js';
import type { SubWalk, TableReach, WalkCache } from './shadow.js';
import { MAX_PRODUCT_STATES, analyzeTable, splitWalk } from './shadow.js';

/**
 * Lints a loaded plan: every table of every location, the sets, classifications and directory.
 *
 * @param plan - a plan loaded from YAML (for positions) or compiled from an object
 * @returns the findings, errors first, each with the position of the node it is about
 * @example
 * ```ts
 * const findings = lintDialPlan(loadDialPlanFile('site.yaml'));
 * const failed = findings.some((p) => p.severity === 'error');
 * ```
 */
export function lintDialPlan(plan: DialPlan): readonly Problem[] {
  return lintWith(plan, analyzeTable);
}

/**
 * A lint that remembers its shadowing analyses, for linting one plan again and again as its author edits it (the
 * playground's worker): a table whose patterns, `when:` presence and order are what they were in one of the last two
 * runs gets that run's analysis back instead of walking again. The cache is keyed on exactly what the analysis reads
 * (each entry's pattern tokens and what their `{name}`s resolve to, whether it has a `when:`, the modes, the bound), so it
 * cannot go stale: an edit to a name, a template or a classification reuses it. A table whose patterns changed is walked
 * again only in part: the walk is split at a small depth, and the walk below each state there is remembered too, under
 * everything it reads (see `analyzeTable`), so that an edit to one pattern walks again only below the prefixes it
 * touched.
 */
export interface LintSession {
  /**
   * Lints a plan, as {@link lintDialPlan} does, with the same findings.
   *
   * @param plan - a loaded or compiled plan
   * @returns the findings
   */
  lint(plan: DialPlan): readonly Problem[];
  /**
   * Over the session's life: tables analysed and tables whose analysis was reused whole; sub-walks (below one prefix,
   * see `analyzeTable`) walked and reused.
   */
  readonly stats: { readonly analysed: number; readonly reused: number; readonly subWalks: number; readonly subWalksReused: number };
}

/**
 * Starts a {@link LintSession}.
 *
 * @returns a session with an empty cache
 * @example
 * ```ts
 * const session = createLintSession();
 * session.lint(planBeforeTheEdit);
 * session.lint(planAfterTheEdit); // instant when only names or templates changed
 * ```
 */
export function createLintSession(): LintSession {
  // Two generations: the analyses the last run used and those of the run before it, so that a text that goes back to an
  // earlier version (a mistake typed and taken out again) finds its analysis too. Older ones are dropped.
  let older = new Map<string, Remembered>();
  let last = new Map<string, Remembered>();
  // The same for the sub-walks of a table that did change: below each prefix the edit did not touch, the walk is the
  // one of the run before. Each table remembers the sub-walks it used, which stay while the table is reused whole.
  let olderWalks = new Map<string, SubWalk>();
  let lastWalks = new Map<string, SubWalk>();
  const stats = { analysed: 0, reused: 0, subWalks: 0, subWalksReused: 0 };
  return {
    stats,
    lint(plan) {
      const now = new Map<string, Remembered>();
      const nowWalks = new Map<string, SubWalk>();
      const cached: Analyze = (entries, carry = [true, false], maxStates = MAX_PRODUCT_STATES) => {
        const key = analysisKey(entries, carry, maxStates);
        let table = now.get(key) ?? last.get(key) ?? older.get(key);
        if (table !== undefined) stats.reused++;
        else {
          stats.analysed++;
          const used: [string, SubWalk][] = [];
          const walks: WalkCache = {
            get(k) {
              const hit = nowWalks.get(k) ?? lastWalks.get(k) ?? olderWalks.get(k);
              if (hit !== undefined) stats.subWalksReused++;
              else stats.subWalks++;
              return hit;
            },
            set(k, value) {
              nowWalks.set(k, value);
              used.push([k, value]);
            },
            split: splitWalk,
          };
          table = { reach: analyzeTable(entries, carry, maxStates, walks), walks: used };
        }
        now.set(key, table);
        for (const [k, w] of table.walks) nowWalks.set(k, w);
        return table.reach;
      };
      const out = lintWith(plan, cached);
      older = last;
      last = now;
      olderWalks = lastWalks;
      lastWalks = nowWalks;
      return out;
    },
  };
}

/** A table's analysis, and the sub-walks it was made of. */
interface Remembered {
  readonly reach: TableReach;
  readonly walks: readonly (readonly [string, SubWalk])[];
}

type Analyze = typeof analyzeTable;

/**
 * Everything {@link analyzeTable} reads, as one string: per entry, whether it has a `when:` and, per pattern, its tokens
 * (not their offsets) and every `{name}` it resolves. Two tables with the same key get the same analysis.
 */
function analysisKey(entries: Parameters<Analyze>[0], carry: readonly boolean[], maxStates: number): string {
  const parts: unknown[] = [carry, maxStates];
  for (const e of entries) {
    const when = (e as { readonly rule?: { readonly when?: unknown } }).rule?.when !== undefined;
    parts.push(
      when,
      e.patterns.map((p) => [
        p.tokens.map((t) => (t.kind === 'literal' ? ['l', t.text] : t.kind === 'class' ? ['c', t.chars] : t.kind === 'wildcard' ? ['w', t.wildcard] : ['r', t.name])),
        [...p.refs].map(([name, v]) => [name, v === undefined ? null : v.kind === 'var' ? ['v', v.value] : ['s', v.values]]),
      ]),
    );
  }
  return JSON.stringify(parts);
}

function lintWith(plan: DialPlan, analyze: Analyze): readonly Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  const add = (code: ErrorCode, severity: Severity, message: string, path: Path): void => {
    const k = `${code}|${JSON.stringify(path)}`;
    if (seen.has(k)) return;
    seen.add(k);
    const { excerpt, ...pos } = plan.positionOf(path);
    out.push({ code, severity, message, path, ...pos, ...(excerpt !== undefined ? { excerpt } : {}) });
  };
  for (const tables of plan.compiled.tables.values()) {
    const where = tables.location !== undefined ? ` in location "${tables.location}"` : '';
    lintTable('inputConversions', tables.conversions, where, add, analyze);
    lintTable('dialPlan', tables.entries, where, add, analyze);
    lintFallThrough(tables, where, add, analyze);
  }
  lintUnused(plan, add);
  return out.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || (a.line ?? 0) - (b.line ?? 0));
}

type Add = (code: ErrorCode, severity: Severity, message: string, path: Path) => void;

function lintTable(
  table: 'inputConversions' | 'dialPlan',
  entries: readonly { readonly rule: { readonly name: string; readonly match: readonly string[] }; readonly path: Path; readonly patterns: readonly CompiledPattern[] }[],
  where: string,
  add: Add,
  analyze: Analyze,
): void {
  const reach = analyze(entries);
  const name = (i: number): string => `#${i + 1} "${entries[i]?.rule.name ?? ''}"`;
  if (!reach.complete) {
    add('LINT_INCOMPLETE', 'warning', `The ${table} table${where} is too large for the reachability check; it was skipped.`, [table]);
    return;
  }
  reach.entries.forEach((r, i) => {
    const e = entries[i];
    if (!e) return;
    if (!r.matchesSomething) {
      add('UNREACHABLE_ENTRY', 'error', `Entry ${name(i)} matches no string${where}: it can never be used.`, e.path);
    } else if (!r.reachable) {
      add('UNREACHABLE_ENTRY', 'error', `Entry ${name(i)} is unreachable${where}: every string it matches is taken by ${r.coveredBy.map(name).join(', ')}.`, e.path);
    } else if (r.shadowExample !== undefined && !e.rule.match.some((m) => m === 'Z' || m === 'z')) {
      add(
        'SHADOWED_ENTRY',
        'warning',
        `Entry ${name(i)} is partly shadowed${where}: some of its strings, such as "${r.shadowExample}", are taken by ${r.coveredBy.map(name).join(', ')}.`,
        e.path,
      );
    }
  });
}

/**
 * Samples what each input conversion produces and checks that some dial-plan entry takes it. The output of a template is
 * not a pattern language, so this is a sample, not a proof: for each wildcard a few values (its bounds and a middle one),
 * every value of a named set, several lengths for `?` and `Z`.
 */
function lintFallThrough(tables: LocationTables, where: string, add: Add, analyze: Analyze): void {
  // A shortest string each conversion wins, in case every sample below is taken by an earlier conversion.
  const reach = analyze(tables.conversions, [true]);
  tables.conversions.forEach((conv, i) => {
    const win = reach.entries[i]?.winExample;
    for (const pattern of conv.patterns) {
      for (const sample of [...(win !== undefined ? [win] : []), ...samplesOf(pattern, 400)]) {
        const converted = convertNumber(tables, sample, false);
        if (converted.entry !== i) continue;
        if (tables.entryMatcher.find(converted.text, true, tables.entryAccept) === undefined) {
          add(
            'CONVERSION_FALLS_THROUGH',
            'warning',
            `Input conversion #${i + 1} "${conv.rule.name}"${where} turns "${sample}" into "${converted.text}", which no dial-plan entry matches: it is classified as unmatched.`,
            conv.path,
          );
          return;
        }
      }
    }
  });
}

/** Up to `max` strings a pattern matches, chosen to vary every wildcard. */
export function samplesOf(pattern: CompiledPattern, max: number): string[] {
  let out: string[] = [''];
  const extend = (choices: readonly string[]): void => {
    const next: string[] = [];
    for (const s of out) for (const c of choices) if (next.length < max) next.push(s + c);
    out = next;
  };
  for (const t of pattern.tokens) {
    if (t.kind === 'literal') extend([t.text]);
    else if (t.kind === 'class') extend([...new Set([t.chars[0] ?? '', t.chars[t.chars.length - 1] ?? ''])]);
    else if (t.kind === 'wildcard') {
      const choices = { X: ['0', '5', '9'], Y: ['1', '9'], N: ['2', '9'], '?': ['', '1', '*#'], Z: ['', '1', '44123456789', '#'] }[t.wildcard];
      extend(choices);
    } else {
      const v = pattern.refs.get(t.name);
      if (v === undefined) return [];
      extend(v.kind === 'var' ? [v.value] : v.values);
    }
  }
  return out.filter((s) => s !== '');
}

function lintUnused(plan: DialPlan, add: Add): void {
  const rules = plan.rules;
  const refs = new Set<string>();
  for (const tables of plan.compiled.tables.values()) {
    for (const e of [...tables.conversions, ...tables.entries]) {
      for (const p of e.patterns) for (const t of p.tokens) if (t.kind === 'ref') refs.add(t.name);
    }
    for (const c of tables.conversions) for (const t of c.output.tokens) if (t.kind === 'ref') refs.add(t.name);
    for (const e of tables.entries) {
      for (const tpl of [e.normalized, e.display, e.editBase, e.dialString]) for (const t of tpl?.tokens ?? []) if (t.kind === 'ref') refs.add(t.name);
    }
  }
  for (const name of Object.keys(rules.sets)) {
    if (!refs.has(name)) add('UNUSED_SET', 'warning', `Set "${name}" is used by no pattern or template.`, ['sets', name]);
  }
  const used = new Set([rules.unmatched.classification, ...rules.unmatched.classifications]);
  for (const e of rules.dialPlan) for (const c of [e.classification, ...e.classifications]) used.add(c);
  rules.classifications.forEach((c, i) => {
    if (!used.has(c.name)) add('UNUSED_CLASSIFICATION', 'warning', `Classification "${c.name}" is used by no dial-plan entry.`, pathOf(c, ['classifications', i]));
  });
  const locations = plan.locations.length > 0 ? plan.locations : [undefined];
  for (const kind of DIRECTORY_KINDS) {
    rules.directory[kind].forEach((d, i) => {
      const target = `/${d.extension}`;
      const routed = locations.some((location) =>
        [d.extension, target].some((input) => {
          // Through a dial-plan entry: an unmatched "/1000" keeps its text too, but no entry routed it.
          const e = plan.explain(input, location !== undefined ? { location } : {});
          return e.details?.normalizedText === target && e.dialPlan?.fellThrough === false;
        }),
      );
      if (!routed) {
        add(
          'UNROUTED_EXTENSION',
          'warning',
          `Directory ${kind} extension ${d.extension} (${d.id}) is not reached: no dial-plan entry normalizes "${d.extension}" or "${target}" to "${target}".`,
          pathOf(d, ['directory', kind, i]),
        );
      }
    });
  }
}
