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

/** The profiles of a table's entries, worked out when an entry is first matched. */
export interface EntryProfiles {
  /** Per entry, the index of its profile in `list`, or -1 until it is first asked for. */
  readonly of: Int32Array;
  readonly list: EntryProfile[];
  readonly entries: readonly CompiledDialPlanEntry[];
  /** Profiles by classification list (shared by the entries that have the same one), then by the two flags. */
  readonly byList: Map<readonly string[], number[]>;
}

/**
 * Makes the (empty) profile table of a table's entries.
 *
 * @param entries - the table's entries
 * @returns the profiles, filled as entries are matched
 * @example
 * ```ts
 * const profiles = createEntryProfiles(tables.entries);
 * entryProfile(profiles, 0)?.defaultClassification; // 'Toll Free'
 * ```
 */
export function createEntryProfiles(entries: readonly CompiledDialPlanEntry[]): EntryProfiles {
  return { of: new Int32Array(entries.length).fill(-1), list: [], entries, byList: new Map() };
}

/**
 * The profile of entry `e`, or undefined when the table has no such entry.
 *
 * @param profiles - the table's profiles
 * @param e - the entry's index
 * @returns its profile
 * @example
 * ```ts
 * entryProfile(tables.entryProfiles, match.entry)?.classifications;
 * ```
 */
export function entryProfile(profiles: EntryProfiles, e: number): EntryProfile | undefined {
  const k = profiles.of[e];
  if (k === undefined) return undefined;
  return k >= 0 ? profiles.list[k] : assign(profiles, e);
}

/** Reads entry `e` once and gives it its profile, shared with every entry that has the same one. */
function assign(profiles: EntryProfiles, e: number): EntryProfile | undefined {
  const entry = profiles.entries[e];
  if (entry === undefined) return undefined;
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
  profiles.of[e] = k;
  return profiles.list[k];
}
