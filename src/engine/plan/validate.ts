/**
 * Checks the shape of a rule file (keys, types, references between its parts) and fills in every default. Patterns and
 * templates are checked afterwards, when the plan is compiled.
 */
import type { ErrorCode, Severity } from '../errors.js';
import type {
  ClassificationRule,
  DialPlanEntryRule,
  DialPlanRules,
  DirectoryEntryRule,
  DirectoryKind,
  DirectoryRules,
  InputConversionRule,
  TestCaseRule,
  UnmatchedRule,
  WhenCondition,
} from '../types.js';
import { DETAIL_FIELDS } from '../types.js';

/** A path from the document root: keys and indexes. */
export type Path = readonly (string | number)[];

/**
 * A problem before positions are known: `on` says whether it is about a key or its value, and `offset` points at one
 * character inside a string value (a pattern or template).
 */
export interface RawProblem {
  readonly code: ErrorCode;
  readonly severity: Severity;
  readonly message: string;
  readonly path: Path;
  readonly on: 'key' | 'value';
  readonly offset?: number;
}

/** Collects problems. */
export class ProblemSink {
  readonly problems: RawProblem[] = [];
  /** Records a problem. */
  add(code: ErrorCode, message: string, path: Path, extra: { on?: 'key' | 'value'; offset?: number; severity?: Severity } = {}): void {
    this.problems.push({
      code,
      message,
      path,
      on: extra.on ?? 'value',
      severity: extra.severity ?? 'error',
      ...(extra.offset !== undefined ? { offset: extra.offset } : {}),
    });
  }
  /** Whether any error (not warning) was recorded. */
  get hasErrors(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }
}

// Invalid list items are dropped, so an item's index in the rules can differ from its index in the file: remember the latter.
const sourcePaths = new WeakMap<object, Path>();

/**
 * Where a validated list item (a table entry, directory entry, test case) stands in the source document.
 *
 * @param item - an object from the rules returned by {@link validateRules}
 * @param fallback - the path to use for objects that were not validated from a document
 * @returns the path of the item in its document
 * @example
 * ```ts
 * pathOf(rules.dialPlan[0], ['dialPlan', 0]); // ['dialPlan', 0]
 * ```
 */
export function pathOf(item: object, fallback: Path): Path {
  return sourcePaths.get(item) ?? fallback;
}

/** The directory kinds, in lookup order, with the queue each maps to. */
export const DIRECTORY_KINDS: readonly DirectoryKind[] = ['users', 'stations', 'workgroups', 'orbits', 'lines'];

/** The classification of numbers no entry matches, unless the plan says otherwise; it needs no declaration. */
export const DEFAULT_UNMATCHED_CLASSIFICATION = 'Unknown';

const NO_STRINGS: readonly string[] = Object.freeze([]);
const ENTRY_KEYS = ['name', 'match', 'classification', 'classifications', 'normalized', 'display', 'editBase', 'dialString', 'dialCapable', 'description', 'when'];
const ENTRY_REQUIRED = ['name', 'match', 'classification'];
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const EXTENSION = /^[0-9*#]+$/;
const RESERVED_NAMES = new Set(['Z', 'z', 'classification']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : isObj(v) ? 'a map' : `a ${typeof v}`);

/**
 * Validates a parsed rule file and fills in defaults.
 *
 * @param value - the parsed document (YAML or a plain object)
 * @param sink - receives every problem
 * @returns the rules, complete enough to compile even when problems were found
 * @example
 * ```ts
 * const sink = new ProblemSink();
 * const rules = validateRules(yaml.parse(text), sink);
 * ```
 */
export function validateRules(value: unknown, sink: ProblemSink): DialPlanRules {
  const rootMap = expectMap(value, [], sink);
  const root = rootMap ?? {};
  // A document that is not a map gets one NOT_A_MAP, not also a MISSING_KEY for every required key.
  checkKeys(
    rootMap === undefined ? { name: '', classifications: [], dialPlan: [] } : root,
    [],
    ['name', 'description', 'classifications', 'sets', 'extensionSeparator', 'locations', 'defaultLocation', 'inputConversions', 'dialPlan', 'unmatched', 'directory', 'tests'],
    ['name', 'classifications', 'dialPlan'],
    sink,
  );
  const name = str(root, 'name', [], sink) ?? '';
  const description = str(root, 'description', [], sink) ?? '';

  const classifications = list(root, 'classifications', [], sink, (v, p): ClassificationRule | undefined => {
    if (typeof v === 'string' || typeof v === 'number') return { name: String(v), internal: false };
    const m = expectMap(v, p, sink);
    if (!m) return undefined;
    checkKeys(m, p, ['name', 'internal', 'description'], ['name'], sink);
    const n = str(m, 'name', p, sink);
    return n === undefined ? undefined : { name: n, internal: bool(m, 'internal', p, sink) ?? false };
  });
  const declared = new Map<string, ClassificationRule>();
  classifications.forEach((c, i) => {
    if (declared.has(c.name)) {
      sink.add('DUPLICATE_NAME', `Classification "${c.name}" is declared twice.`, ['classifications', i]);
    }
    declared.set(c.name, c);
  });

  // Tables keyed by names from the file have no prototype: a set or location named `constructor` or `toString` must not
  // be found before it is declared.
  const sets: Record<string, readonly string[]> = Object.create(null) as Record<string, readonly string[]>;
  const setsMap = root['sets'] === undefined ? {} : (expectMap(root['sets'], ['sets'], sink) ?? {});
  for (const [setName, values] of Object.entries(setsMap)) {
    const p = ['sets', setName];
    if (!NAME.test(setName) || RESERVED_NAMES.has(setName)) {
      sink.add('BAD_PATTERN', `"${setName}" cannot name a set: use letters, digits, _ and -, starting with a letter, and not Z or classification.`, p, { on: 'key' });
    }
    const arr = expectList(values, p, sink) ?? [];
    const out: string[] = [];
    arr.forEach((v, i) => {
      const s = asString(v, [...p, i], sink);
      if (s === '') sink.add('EMPTY_VALUE', 'A set value cannot be empty.', [...p, i]);
      else if (s !== undefined) out.push(s);
    });
    if (arr.length === 0) sink.add('EMPTY_VALUE', `Set "${setName}" has no values and matches nothing.`, p);
    sets[setName] = out;
  }

  let extensionSeparator: '^' | '/' = '^';
  const sep = str(root, 'extensionSeparator', [], sink);
  if (sep !== undefined) {
    if (sep === '^' || sep === '/') extensionSeparator = sep;
    else sink.add('WRONG_TYPE', `extensionSeparator must be "^" (stored) or "/" (dialed automatically), not "${sep}".`, ['extensionSeparator']);
  }

  const locations: Record<string, Record<string, string>> = Object.create(null) as Record<string, Record<string, string>>;
  const locMap = root['locations'] === undefined ? {} : (expectMap(root['locations'], ['locations'], sink) ?? {});
  for (const [locName, vars] of Object.entries(locMap)) {
    const p = ['locations', locName];
    const m = expectMap(vars, p, sink) ?? {};
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(m)) {
      if (!NAME.test(k) || RESERVED_NAMES.has(k)) {
        sink.add('BAD_PATTERN', `"${k}" cannot name a location variable: use letters, digits, _ and -, starting with a letter.`, [...p, k], { on: 'key' });
      } else if (k in sets) {
        sink.add('DUPLICATE_NAME', `"${k}" names both a set and a location variable.`, [...p, k], { on: 'key' });
      }
      const s = asString(v, [...p, k], sink);
      if (s !== undefined) out[k] = s;
    }
    locations[locName] = out;
  }
  const defaultLocation = str(root, 'defaultLocation', [], sink);
  if (defaultLocation !== undefined && !(defaultLocation in locations)) {
    sink.add('UNKNOWN_REFERENCE', `defaultLocation "${defaultLocation}" is not one of the plan's locations.`, ['defaultLocation']);
  }

  const checkClassification = (c: string | undefined, p: Path | (() => Path)): void => {
    if (c !== undefined && !declared.has(c)) {
      sink.add('UNDECLARED_CLASSIFICATION', `Classification "${c}" is not declared under classifications.`, typeof p === 'function' ? p() : p);
    }
  };

  const inputConversions = list(root, 'inputConversions', [], sink, (v, p): InputConversionRule | undefined => {
    const m = expectMap(v, p, sink);
    if (!m) return undefined;
    checkKeys(m, p, ['name', 'match', 'output', 'description'], ['name', 'match', 'output'], sink);
    const n = str(m, 'name', p, sink);
    const match = patterns(m, p, sink);
    const output = str(m, 'output', p, sink);
    // A missing name or output is reported above; the rest is still checked (the plan fails all the same), so that the
    // loader lists every problem at once rather than one per fix.
    if (match === undefined) return undefined;
    return { name: n ?? '', match, output: output ?? '' };
  });

  // Runs for every entry (100 000 in a large plan): nothing is allocated here that a valid entry does not keep, so that
  // compiling a large plan leaves little for the garbage collector.
  const dialPlan = list(root, 'dialPlan', [], sink, (v, p): DialPlanEntryRule | undefined => {
    const m = expectMap(v, p, sink);
    if (!m) return undefined;
    checkKeys(m, p, ENTRY_KEYS, ENTRY_REQUIRED, sink);
    const n = str(m, 'name', p, sink);
    const match = patterns(m, p, sink);
    const classification = str(m, 'classification', p, sink);
    if (classification !== undefined && !declared.has(classification)) checkClassification(classification, [...p, 'classification']);
    const extra = m['classifications'] === undefined ? NO_STRINGS : strList(m, 'classifications', p, sink);
    extra.forEach((c, i) => declared.has(c) || checkClassification(c, [...p, 'classifications', i]));
    // As for conversions: an entry without a name or classification (reported above) is still checked.
    if (match === undefined) return undefined;
    const entry: { -readonly [K in keyof DialPlanEntryRule]: DialPlanEntryRule[K] } = {
      name: n ?? '',
      match,
      classification: classification ?? '',
      // Most entries have no further classifications: they share one empty list.
      classifications: extra.length === 0 ? NO_STRINGS : extra,
      dialCapable: bool(m, 'dialCapable', p, sink) ?? true,
    };
    const normalized = str(m, 'normalized', p, sink);
    if (normalized !== undefined) entry.normalized = normalized;
    const display = str(m, 'display', p, sink);
    if (display !== undefined) entry.display = display;
    const editBase = str(m, 'editBase', p, sink);
    if (editBase !== undefined) entry.editBase = editBase;
    const dialString = str(m, 'dialString', p, sink);
    if (dialString !== undefined) entry.dialString = dialString;
    const when = m['when'] === undefined ? undefined : validateWhen(m['when'], [...p, 'when'], sink);
    if (when !== undefined) entry.when = when;
    return entry;
  });
  for (const [table, entries] of [['inputConversions', inputConversions], ['dialPlan', dialPlan]] as const) {
    const seen = new Map<string, number>();
    entries.forEach((e, i) => {
      const first = seen.get(e.name);
      if (first !== undefined && e.name) {
        sink.add('DUPLICATE_NAME', `Another entry of ${table} (#${first + 1}) is already named "${e.name}".`, [table, i, 'name'], { severity: 'warning' });
      } else seen.set(e.name, i);
    });
  }

  let unmatched: UnmatchedRule = { classification: DEFAULT_UNMATCHED_CLASSIFICATION, classifications: [], dialCapable: true };
  if (root['unmatched'] !== undefined) {
    const m = expectMap(root['unmatched'], ['unmatched'], sink) ?? {};
    checkKeys(m, ['unmatched'], ['classification', 'classifications', 'dialCapable'], [], sink);
    const c = str(m, 'classification', ['unmatched'], sink);
    checkClassification(c, ['unmatched', 'classification']);
    const extra = strList(m, 'classifications', ['unmatched'], sink);
    extra.forEach((x, i) => checkClassification(x, ['unmatched', 'classifications', i]));
    unmatched = {
      classification: c ?? DEFAULT_UNMATCHED_CLASSIFICATION,
      classifications: extra,
      dialCapable: bool(m, 'dialCapable', ['unmatched'], sink) ?? true,
    };
  }

  const directory = validateDirectory(root['directory'], sink);
  const tests = list(root, 'tests', [], sink, (v, p): TestCaseRule | undefined => {
    const m = expectMap(v, p, sink);
    if (!m) return undefined;
    checkKeys(m, p, ['input', 'location', 'expect', 'description'], ['input', 'expect'], sink);
    const input = str(m, 'input', p, sink);
    const location = str(m, 'location', p, sink);
    if (location !== undefined && !(location in locations)) {
      sink.add('UNKNOWN_REFERENCE', `Location "${location}" is not one of the plan's locations.`, [...p, 'location']);
    }
    const expect = m['expect'] === undefined ? undefined : expectMap(m['expect'], [...p, 'expect'], sink);
    if (expect) checkKeys(expect, [...p, 'expect'], [...DETAIL_FIELDS, 'error'], [], sink);
    if (input === undefined || !expect) return undefined;
    return { input, expect, ...optional('location', location) };
  });

  return {
    name,
    description,
    classifications,
    sets,
    extensionSeparator,
    locations,
    defaultLocation,
    inputConversions,
    dialPlan,
    unmatched,
    directory,
    tests,
  };
}

function validateDirectory(value: unknown, sink: ProblemSink): DirectoryRules {
  const out: Record<DirectoryKind, DirectoryEntryRule[]> = { users: [], stations: [], workgroups: [], orbits: [], lines: [] };
  if (value === undefined) return out;
  const m = expectMap(value, ['directory'], sink) ?? {};
  checkKeys(m, ['directory'], DIRECTORY_KINDS, [], sink);
  const seen = new Map<string, string>();
  for (const kind of DIRECTORY_KINDS) {
    out[kind] = list(m, kind, ['directory'], sink, (v, p): DirectoryEntryRule | undefined => {
      const e = expectMap(v, p, sink);
      if (!e) return undefined;
      checkKeys(e, p, ['extension', 'id', 'voicemail', 'description'], ['extension', 'id'], sink);
      const extension = str(e, 'extension', p, sink);
      const id = str(e, 'id', p, sink);
      if (extension === undefined || id === undefined) return undefined;
      if (!EXTENSION.test(extension)) {
        sink.add('BAD_EXTENSION', `Extension "${extension}" must be digits (and * or #).`, [...p, 'extension']);
      }
      const first = seen.get(extension);
      if (first !== undefined) {
        sink.add('DUPLICATE_EXTENSION', `Extension ${extension} is already used by ${first}.`, [...p, 'extension']);
      } else seen.set(extension, `${kind} ${id}`);
      // Users have voice mail unless told otherwise; stations, workgroups, orbits and lines do not.
      return { extension, id, voicemail: bool(e, 'voicemail', p, sink) ?? kind === 'users' };
    });
  }
  return out;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * A map's own enumerable keys, copied into an object without prototype: keys are read as `m[key]` throughout, and an
 * object given in code may inherit values (or a file's `__proto__:` key may have become a prototype) that the plan does
 * not hold. `__proto__` stays an ordinary key, reported as unknown.
 */
function expectMap(v: unknown, path: Path, sink: ProblemSink): Obj | undefined {
  if (isObj(v)) {
    const own = Object.create(null) as Obj;
    for (const k of Object.keys(v)) own[k] = v[k];
    return own;
  }
  sink.add(path.length === 0 ? 'NOT_A_MAP' : 'WRONG_TYPE', `Expected a map here, found ${typeName(v)}.`, path);
  return undefined;
}

function expectList(v: unknown, path: Path, sink: ProblemSink): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  sink.add('WRONG_TYPE', `Expected a list here, found ${typeName(v)}.`, path);
  return undefined;
}

function checkKeys(m: Obj, path: Path, allowed: readonly string[], required: readonly string[], sink: ProblemSink): void {
  for (const k of Object.keys(m)) {
    if (!allowed.includes(k)) {
      const close = allowed.find((a) => a.toLowerCase() === k.toLowerCase()) ?? nearestKey(k, allowed);
      sink.add(
        'UNKNOWN_KEY',
        `Unknown key "${k}"${close ? ` (did you mean "${close}"?)` : `; expected one of ${allowed.join(', ')}`}.`,
        [...path, k],
        { on: 'key' },
      );
    }
  }
  for (const k of required) {
    if (m[k] === undefined) sink.add('MISSING_KEY', `Missing required key "${k}".`, path);
  }
}

/** The allowed key closest to a misspelt one (`normalised` for `normalized`): within two edits, and closer than any other. */
function nearestKey(key: string, allowed: readonly string[]): string | undefined {
  const scored = allowed.map((a) => ({ a, d: editDistance(key.toLowerCase(), a.toLowerCase()) })).sort((x, y) => x.d - y.d);
  const [best, next] = scored;
  return best && best.d <= 2 && (!next || next.d > best.d) ? best.a : undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The number types of libphonenumber-js's "max" metadata that `when: { numberType }` may name. */
export const NUMBER_TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'FIXED_LINE_OR_MOBILE',
  'TOLL_FREE',
  'PREMIUM_RATE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;

/** A `when:` condition of a dial-plan entry. */
function validateWhen(v: unknown, path: Path, sink: ProblemSink): WhenCondition | undefined {
  const m = expectMap(v, path, sink);
  if (!m) return undefined;
  checkKeys(m, path, ['valid', 'numberType', 'country'], [], sink);
  const check = (key: string, ok: (x: string) => boolean, expected: string): string[] | undefined => {
    if (m[key] === undefined) return undefined;
    const raw = m[key];
    const values = Array.isArray(raw) ? strList(m, key, path, sink) : [asString(raw, [...path, key], sink) ?? ''];
    values.forEach((x, i) => {
      if (!ok(x)) sink.add('WRONG_TYPE', `Expected ${expected} here, found "${x}".`, Array.isArray(raw) ? [...path, key, i] : [...path, key]);
    });
    return values;
  };
  return {
    ...optional('valid', bool(m, 'valid', path, sink)),
    ...optional('numberType', check('numberType', (x) => (NUMBER_TYPES as readonly string[]).includes(x), `a number type (${NUMBER_TYPES.join(', ')})`)),
    ...optional('country', check('country', (x) => /^(?:[A-Z]{2}|001)$/.test(x), 'an ISO 3166 region code such as GB (or 001)')),
  };
}

/** A string value; numbers are accepted as their text (YAML reads `911` and `00` as numbers). */
function asString(v: unknown, path: Path, sink: ProblemSink): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  sink.add('WRONG_TYPE', `Expected text here, found ${typeName(v)}.`, path);
  return undefined;
}

function str(m: Obj, key: string, path: Path, sink: ProblemSink): string | undefined {
  const v = m[key];
  // The path is made only for a problem: a plan of 100 000 entries reads half a million strings.
  if (v === undefined || typeof v === 'string') return v;
  return asString(v, [...path, key], sink);
}

function bool(m: Obj, key: string, path: Path, sink: ProblemSink): boolean | undefined {
  const v = m[key];
  if (v === undefined || typeof v === 'boolean') return v;
  sink.add('WRONG_TYPE', `Expected true or false here, found ${typeName(v)}.`, [...path, key]);
  return undefined;
}

function strList(m: Obj, key: string, path: Path, sink: ProblemSink): string[] {
  return list(m, key, path, sink, (v, p) => asString(v, p, sink));
}

function patterns(m: Obj, path: Path, sink: ProblemSink): string[] | undefined {
  const v = m['match'];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    const s = typeof v === 'string' ? v : asString(v, [...path, 'match'], sink);
    return s === undefined ? undefined : [s];
  }
  if (v.length === 0) {
    sink.add('EMPTY_VALUE', 'match needs at least one pattern.', [...path, 'match']);
    return undefined;
  }
  return strList(m, 'match', path, sink);
}

function list<T>(m: Obj, key: string, path: Path, sink: ProblemSink, item: (v: unknown, p: Path) => T | undefined): T[] {
  const v = m[key];
  if (v === undefined) return [];
  const arr = expectList(v, [...path, key], sink);
  if (!arr) return [];
  const out: T[] = [];
  arr.forEach((x, i) => {
    const p = [...path, key, i];
    const r = item(x, p);
    if (r !== undefined) {
      // Only an item that moved (an invalid one before it was dropped) needs its path remembered: pathOf's fallback, the
      // item's own index, is right for the others, and a plan of 100 000 entries then holds no 100 000 weak references.
      if (typeof r === 'object' && r !== null && i !== out.length) sourcePaths.set(r, p);
      out.push(r);
    }
  });
  return out;
}
