/**
 * The `when:` condition of a dial-plan entry: the entry matches only numbers that libphonenumber-js says meet it. It is
 * applied through the `accept` callback of `TableMatcher.find`, so every matcher (reference or automaton) honours it
 * the same way: a rejected match lets the search go on to the next entry.
 */
import { describeInternational } from '../international.js';
import type { TableMatch } from './match.js';
import type { WhenCondition } from '../types.js';

/**
 * Whether a matched string meets a condition. A string that is not an E.164 number meets none.
 *
 * @param when - the condition
 * @param matched - the string the entry's pattern matched
 * @returns true when every key of the condition holds
 * @example
 * ```ts
 * meetsCondition({ numberType: ['MOBILE'] }, '+447400123456'); // true
 * meetsCondition({ valid: false }, '+4412');                  // true
 * ```
 */
export function meetsCondition(when: WhenCondition, matched: string): boolean {
  const info = describeInternational(matched);
  if (info === undefined) return false;
  if (when.valid !== undefined && info.valid !== when.valid) return false;
  if (when.numberType !== undefined && !when.numberType.includes(info.numberType)) return false;
  if (when.country !== undefined && !when.country.includes(info.country)) return false;
  return true;
}

/**
 * The `accept` callback for a table's matcher, or undefined when no entry has a condition (the common case costs nothing).
 *
 * @param entries - the table's entries, indexed as the matcher reports them
 * @returns the callback, or undefined
 * @example
 * ```ts
 * const accept = acceptWhen(tables.entries);
 * tables.entryMatcher.find(text, true, accept);
 * ```
 */
export function acceptWhen(
  entries: readonly { readonly rule: { readonly when?: WhenCondition } }[],
): ((match: TableMatch) => boolean) | undefined {
  const conditions = entries.map((e) => e.rule.when);
  if (conditions.every((c) => c === undefined)) return undefined;
  return (match) => {
    const c = conditions[match.entry];
    return c === undefined || meetsCondition(c, match.matched);
  };
}
