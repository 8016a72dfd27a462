/**
 * What a query copies from the dial-plan entry that matched into its details (classifications, internal, dial capable),
 * kept per table as one small list of the distinct combinations and an index per entry. A plan of 100 000 entries has a
 * handful of combinations, which stay in cache, where reading the entry object itself would be a trip to memory a query.
 */
import type { CompiledDialPlanEntry } from './compile.js';

/** The fields of the details that come from the matched entry. */
export interface EntryProfile {
  /** Default first, without duplicates. */
  readonly classifications: readonly string[];
  readonly defaultClassification: string;
  readonly internal: boolean;
  readonly dialCapable: boolean;
}

/** The distinct profiles of a table's entries. */
export interface EntryProfiles {
  readonly list: EntryProfile[];
  /** Profiles by classification list (shared by the entries that have the same one), then by the two flags. */
  readonly byList: Map<readonly string[], number[]>;
}

/**
 * Makes the (empty) list of a table's profiles.
 *
 * @returns the profiles, filled as entries are matched
 * @example
 * ```ts
 * const profiles = createEntryProfiles();
 * profiles.list[profileIndex(profiles, tables.entries[0])]?.defaultClassification; // 'Toll Free'
 * ```
 */
export function createEntryProfiles(): EntryProfiles {
  return { list: [], byList: new Map() };
}

/**
 * The index in `profiles.list` of an entry's profile, added when no entry had it before. The template table keeps it
 * with the entry's compiled templates (its tag), so that a query finds both in one place.
 *
 * @param profiles - the table's profiles
 * @param entry - a dial-plan entry of the table
 * @returns its profile's index
 * @example
 * ```ts
 * profileIndex(tables.entryProfiles, tables.entries[3]); // 0
 * ```
 */
export function profileIndex(profiles: EntryProfiles, entry: CompiledDialPlanEntry): number {
  const list = entry.classifications;
  let slots = profiles.byList.get(list);
  if (slots === undefined) profiles.byList.set(list, (slots = [-1, -1, -1, -1]));
  const slot = (entry.internal ? 2 : 0) + (entry.dialCapable ? 1 : 0);
  let k = slots[slot] as number;
  if (k < 0 || profiles.list[k]?.defaultClassification !== entry.defaultClassification) {
    k = profiles.list.length;
    profiles.list.push({ classifications: list, defaultClassification: entry.defaultClassification, internal: entry.internal, dialCapable: entry.dialCapable });
    slots[slot] = k;
  }
  return k;
}
