/**
 * What an import produces before it is written: entries with where each came from, the problems found, and the YAML text
 * of the plan (each entry commented with its source). No `node:` imports.
 */
import type { WhenCondition } from '../types.js';
import { DialPlanError } from '../errors.js';

/**
 * Most locations an imported plan may have. Each location names a guard variable for every location (so that an entry
 * matches in its own location only), so the plan grows with their square: 500 locations write about 7 MB of YAML, 3 000
 * wrote 266 MB that no loader takes, and 5 000 more text than a JavaScript string holds.
 */
export const MAX_IMPORTED_LOCATIONS = 500;

/**
 * Most entries times locations an imported plan with several locations may have: every location compiles every entry
 * (the guard keeps it from matching, not from being built), about 6 µs a pair, so 2 000 000 load in about 12 s; 300
 * chained Asterisk contexts made 9 million (54 s and 2.5 GB).
 */
export const MAX_IMPORTED_ENTRY_LOCATIONS = 2_000_000;

/** How serious a migration finding is: `error` (something was not converted), `warning` (converted, with a limit), `note`. */
export type MigrationSeverity = 'error' | 'warning' | 'note';

/**
 * A finding of an import or an export, with where it is in the source: `file:line:column` for text sources, plus the
 * JSON path or CSV record and the index in the pattern when there is one.
 */
export interface MigrationIssue {
  readonly severity: MigrationSeverity;
  readonly where: string;
  readonly message: string;
}

/** One dial-plan entry made by an import. */
export interface ImportedEntry {
  readonly name: string;
  readonly classification: string;
  readonly match: readonly string[];
  readonly normalized?: string;
  readonly dialCapable?: boolean;
  /** Where it came from, written as a comment above the entry. */
  readonly source: string;
  /** The only location it applies in (the plan's other locations never match it). */
  readonly location?: string;
  /** Why the source rule was not converted: the entry is written as a comment only, where the rule was. */
  readonly notConverted?: string;
  /** A `when:` condition (read back from a condition dialplan export wrote). */
  readonly when?: WhenCondition;
}

/** One input conversion made by an import (a dialplan export read back: its prefix rewrites). */
export interface ImportedConversion {
  readonly name: string;
  readonly match: readonly string[];
  readonly output: string;
  /** Where it came from, written as a comment above it. */
  readonly source: string;
  /** The only location it applies in. */
  readonly location?: string;
}

/** A plan made by an import, ready to be written as YAML. */
export interface ImportedPlan {
  readonly name: string;
  readonly description: string;
  readonly classifications: readonly { readonly name: string; readonly internal: boolean; readonly description?: string }[];
  /** Location names, in order (empty: the plan has none; one: written with no variable, every entry is in it). */
  readonly locations: readonly string[];
  readonly entries: readonly ImportedEntry[];
  /** Input conversions, tried before the entries (most imports have none). */
  readonly inputConversions?: readonly ImportedConversion[];
  readonly unmatched: { readonly classification: string; readonly dialCapable: boolean };
  /** Comment lines written at the top of the file. */
  readonly header: readonly string[];
}

/** The result of an import: the plan, its YAML text and what could not be converted. */
export interface ImportResult {
  readonly plan: ImportedPlan;
  readonly yaml: string;
  readonly issues: readonly MigrationIssue[];
}

const q = (s: string): string => JSON.stringify(s);
const comment = (s: string): string => s.replace(/[\r\n]+/g, ' ');

/** The name of the location variable that is empty in location number `k` and a space (never in a number) elsewhere. */
function guardName(k: number): string {
  return `only-location-${k + 1}`;
}

/**
 * Writes an imported plan as YAML text: every entry commented with where it came from. Entries that apply in one location
 * start with a location variable that is empty there and a space (which no prepared number holds) in the others.
 *
 * @param plan - the plan
 * @returns the YAML text
 * @throws DialPlanError `TOO_LARGE` when the plan has more than 500 locations (`MAX_IMPORTED_LOCATIONS`), or its
 *   locations times its entries are more than 2 000 000 (`MAX_IMPORTED_ENTRY_LOCATIONS`)
 * @example
 * ```ts
 * writeImportedPlan({ name: 'x', description: '', classifications: [{ name: 'A', internal: false }], locations: [],
 *   entries: [{ name: 'a', classification: 'A', match: ['XXXX'], source: 'rule 1' }],
 *   unmatched: { classification: 'A', dialCapable: true }, header: [] });
 * ```
 */
export function writeImportedPlan(plan: ImportedPlan): string {
  if (plan.locations.length > MAX_IMPORTED_LOCATIONS) {
    throw new DialPlanError(
      'TOO_LARGE',
      `the source has ${plan.locations.length} dial plans, sites or contexts: an imported plan holds at most ${MAX_IMPORTED_LOCATIONS} locations (each names a variable for every other one, so the plan grows with their square); import them in parts`,
    );
  }
  const converted = plan.entries.filter((e) => e.notConverted === undefined).length + (plan.inputConversions?.length ?? 0);
  if (plan.locations.length > 1 && plan.locations.length * converted > MAX_IMPORTED_ENTRY_LOCATIONS) {
    throw new DialPlanError(
      'TOO_LARGE',
      `the source's ${plan.locations.length} dial plans, sites or contexts hold ${converted} entries in all: every location of a plan compiles every entry, and ${plan.locations.length} × ${converted} is more than ${MAX_IMPORTED_ENTRY_LOCATIONS} (it would load for minutes); import them in parts`,
    );
  }
  const lines: string[] = [];
  for (const h of plan.header) lines.push(`# ${comment(h)}`);
  lines.push(`name: ${q(plan.name)}`);
  if (plan.description !== '') lines.push(`description: ${q(plan.description)}`);
  lines.push('classifications:');
  for (const c of plan.classifications) {
    lines.push(`  - { name: ${q(c.name)}${c.internal ? ', internal: true' : ''}${c.description ? `, description: ${q(c.description)}` : ''} }`);
  }
  if (plan.locations.length === 1) {
    // One source dial plan / site / context is still a location of its name, so that a query naming it works; it needs
    // no variable, since every entry is in it.
    lines.push('# One location, named after the source dial plan / site / context.');
    lines.push('locations:');
    lines.push(`  ${q(plan.locations[0] as string)}: {}`);
    lines.push(`defaultLocation: ${q(plan.locations[0] as string)}`);
  } else if (plan.locations.length > 1) {
    lines.push('# One location per source dial plan / site / context. An entry of one of them starts with {only-location-N}: empty');
    lines.push('# in that location, " N " in the others (no number holds a space), so it matches only there.');
    lines.push('locations:');
    plan.locations.forEach((name, k) => {
      // Elsewhere the guard is " N ", not just " ": the entries of different locations then never take each other's
      // strings, so lint finds in each location only what the source itself shadows.
      const vars = plan.locations.map((_, j) => `${guardName(j)}: ${q(j === k ? '' : ` ${j + 1} `)}`).join(', ');
      lines.push(`  ${q(name)}: { ${vars} }`);
    });
    lines.push(`defaultLocation: ${q(plan.locations[0] as string)}`);
  }
  if (plan.inputConversions !== undefined && plan.inputConversions.length > 0) {
    lines.push('inputConversions:');
    for (const c of plan.inputConversions) {
      for (const l of c.source.split('\n')) lines.push(`  # ${comment(l)}`);
      const k = c.location === undefined || plan.locations.length < 2 ? -1 : plan.locations.indexOf(c.location);
      const prefix = k >= 0 ? `{${guardName(k)}}` : '';
      const match = c.match.map((m) => q(prefix + m));
      lines.push(`  - name: ${q(c.name)}`);
      lines.push(`    match: ${match.length === 1 ? match[0] : `[${match.join(', ')}]`}`);
      lines.push(`    output: ${q(c.output)}`);
    }
  }
  lines.push('dialPlan:');
  if (plan.entries.every((e) => e.notConverted !== undefined)) lines[lines.length - 1] = 'dialPlan: []';
  for (const e of plan.entries) {
    if (e.notConverted !== undefined) {
      for (const l of e.source.split('\n')) lines.push(`  # NOT CONVERTED: ${comment(l)}`);
      lines.push(`  #   ${comment(e.notConverted)}`);
      continue;
    }
    for (const l of e.source.split('\n')) lines.push(`  # ${comment(l)}`);
    const k = e.location === undefined || plan.locations.length < 2 ? -1 : plan.locations.indexOf(e.location);
    const prefix = k >= 0 ? `{${guardName(k)}}` : '';
    const match = e.match.map((m) => q(prefix + m));
    lines.push(`  - name: ${q(e.name)}`);
    lines.push(`    match: ${match.length === 1 ? match[0] : `[${match.join(', ')}]`}`);
    lines.push(`    classification: ${q(e.classification)}`);
    if (e.normalized !== undefined) lines.push(`    normalized: ${q(e.normalized)}`);
    if (e.when !== undefined) lines.push(`    when: ${JSON.stringify(e.when)}`);
    if (e.dialCapable === false) lines.push('    dialCapable: false');
  }
  lines.push(`unmatched: { classification: ${q(plan.unmatched.classification)}, dialCapable: ${plan.unmatched.dialCapable} }`);
  return lines.join('\n') + '\n';
}

/**
 * A name not yet taken (and takes it): the name itself, else the name with ` (2)`, ` (3)`...
 *
 * @param name - a candidate name
 * @param taken - names already used
 * @returns the name, with ` (2)`, ` (3)`... when taken
 * @example
 * ```ts
 * uniqueName('a', new Set(['a'])); // 'a (2)'
 * ```
 */
export function uniqueName(name: string, taken: Set<string>): string {
  let n = name;
  for (let k = 2; taken.has(n); k++) n = `${name} (${k})`;
  taken.add(n);
  return n;
}
