// Keeps rules/dialplan.schema.json in sync with the loader: the keys of every object the schema describes are exactly
// the keys the validator accepts (read from its UNKNOWN_KEY message), bundled plans pass the schema, and every
// malformed fixture whose problem is one of shape is rejected by a small checker of the schema subset the file uses.
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { safeLoadDialPlan } from '../../../src/index.js';

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  required?: string[];
  items?: Schema;
  minItems?: number;
  enum?: unknown[];
  anyOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  definitions?: Record<string, Schema>;
};

const root = new URL('../../../', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('rules/dialplan.schema.json', root), 'utf8')) as Schema;

const deref = (s: Schema): Schema => (s.$ref ? deref(schema.definitions?.[s.$ref.replace('#/definitions/', '')] ?? {}) : s);

/** Errors of `value` against `s`, as JSON paths. Covers the keywords the schema uses, and no others. */
function check(value: unknown, s0: Schema, path = '$'): string[] {
  const s = deref(s0);
  if (s.anyOf) return s.anyOf.some((alt) => check(value, alt, path).length === 0) ? [] : [`${path}: matches no alternative`];
  if (s.enum && !s.enum.includes(value)) return [`${path}: not one of ${s.enum.join(', ')}`];
  if (s.type) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const t = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    const ok = types.some((x) => x === t || (x === 'integer' && typeof value === 'number' && Number.isInteger(value)));
    if (!ok) return [`${path}: expected ${types.join('|')}, found ${t}`];
  }
  const errors: string[] = [];
  if (typeof value === 'string') {
    if (s.minLength !== undefined && value.length < s.minLength) errors.push(`${path}: shorter than ${s.minLength}`);
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(value)) errors.push(`${path}: does not match ${s.pattern}`);
  }
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) errors.push(`${path}: below minimum`);
    if (s.maximum !== undefined && value > s.maximum) errors.push(`${path}: above maximum`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) errors.push(`${path}: fewer than ${s.minItems} items`);
    if (s.items) value.forEach((v, i) => errors.push(...check(v, s.items as Schema, `${path}[${i}]`)));
  } else if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    for (const k of s.required ?? []) if (!Object.hasOwn(obj, k)) errors.push(`${path}: missing ${k}`);
    for (const [k, v] of Object.entries(obj)) {
      // Own keys only: `properties.__proto__` would otherwise be Object.prototype, a schema that accepts anything.
      const ps = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
      if (ps) errors.push(...check(v, ps, `${path}.${k}`));
      else if (s.additionalProperties === false) errors.push(`${path}: unknown key ${k}`);
      else if (typeof s.additionalProperties === 'object') errors.push(...check(v, s.additionalProperties, `${path}.${k}`));
    }
  }
  return errors;
}

const base = { name: 'x', classifications: ['A'], dialPlan: [{ name: 'a', match: 'X', classification: 'A' }] };
const sub = (s: Schema, key: string): Schema => deref(deref(s).properties?.[key] ?? {});
const itemOf = (s: Schema): Schema => deref(deref(s).items ?? {});
const objectAlt = (s: Schema): Schema => deref(deref(s).anyOf?.find((a) => deref(a).type === 'object') ?? {});

// Each object kind of a rule file: its schema and a plan that puts a given map at that place.
const kinds: [string, Schema, (m: Record<string, unknown>) => unknown][] = [
  ['root', schema, (m) => ({ ...base, ...m })],
  ['classification', objectAlt(itemOf(sub(schema, 'classifications'))), (m) => ({ ...base, classifications: [{ name: 'A', ...m }] })],
  ['input conversion', itemOf(sub(schema, 'inputConversions')), (m) => ({ ...base, inputConversions: [{ name: 'c', match: 'X', output: 'X', ...m }] })],
  ['dial-plan entry', itemOf(sub(schema, 'dialPlan')), (m) => ({ ...base, dialPlan: [{ name: 'a', match: 'X', classification: 'A', ...m }] })],
  ['unmatched', sub(schema, 'unmatched'), (m) => ({ ...base, unmatched: m })],
  ['directory', sub(schema, 'directory'), (m) => ({ ...base, directory: m })],
  ['directory entry', itemOf(sub(sub(schema, 'directory'), 'users')), (m) => ({ ...base, directory: { users: [{ extension: '1', id: 'u', ...m }] } })],
  ['test case', itemOf(sub(schema, 'tests')), (m) => ({ ...base, tests: [{ input: '1', expect: {}, ...m }] })],
  ['test expectation', sub(itemOf(sub(schema, 'tests')), 'expect'), (m) => ({ ...base, tests: [{ input: '1', expect: m }] })],
];

/** The keys the validator accepts at a place, read from the UNKNOWN_KEY message it gives for a key it does not know. */
function acceptedKeys(place: (m: Record<string, unknown>) => unknown): string[] {
  const r = safeLoadDialPlan(JSON.stringify(place({ qqqUnknown: true })));
  const p = r.ok ? undefined : r.problems.find((x) => x.code === 'UNKNOWN_KEY');
  const list = /expected one of (.*)\.$/.exec(p?.message ?? '')?.[1];
  if (!list) throw new Error('no UNKNOWN_KEY message for an unknown key');
  return list.split(', ').sort();
}

describe.each(kinds)('the %s keys', (_kind, s, place) => {
  it('are the same in the schema and in the validator', () => {
    expect(Object.keys(s.properties ?? {}).sort()).toEqual(acceptedKeys(place));
    expect(s.additionalProperties).toBe(false);
  });
  it('required ones agree', () => {
    for (const k of s.required ?? []) {
      const r = safeLoadDialPlan(JSON.stringify(place({ [k]: undefined }), (key, v) => (key === k ? undefined : v)));
      expect(r.ok ? [] : r.problems.map((p) => p.code), k).toContain('MISSING_KEY');
    }
  });
});

it('every bundled plan passes the schema and names it on its first line', () => {
  for (const f of readdirSync(new URL('rules/', root)).filter((x) => x.endsWith('.yaml'))) {
    const text = readFileSync(new URL(`rules/${f}`, root), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./dialplan.schema.json');
    expect(check(parse(text), schema), f).toEqual([]);
  }
});

const SHAPE_CODES = new Set(['NOT_A_MAP', 'UNKNOWN_KEY', 'MISSING_KEY', 'WRONG_TYPE']);
const malformed = new URL('test/fixtures/malformed/', root);
const expected = parse(readFileSync(new URL('expected.yaml', malformed), 'utf8')) as Record<string, string[]>;
const shapeFiles = Object.entries(expected)
  .filter(([, problems]) => problems.some((p) => SHAPE_CODES.has(p.split(' ')[0] ?? '')))
  .map(([f]) => f);

it.each(shapeFiles)('the schema rejects %s, whose problem is one of shape', (f) => {
  const doc = parse(readFileSync(new URL(f, malformed), 'utf8'), { uniqueKeys: false }) as unknown;
  // The extension separator's allowed values and an empty file are shape problems the schema sees too.
  expect(check(doc, schema).length).toBeGreaterThan(0);
});

it('the shape-malformed fixtures are not few', () => {
  expect(shapeFiles.length).toBeGreaterThanOrEqual(10);
});

// The schema and the loader agree on values too, not only on keys: a form the loader accepts must not be flagged in an
// editor, and one it refuses for its shape must be. Each case is a dial-plan entry's `when:` or a plan's `sets:`.
const entryWith = (when: string): string => `name: x\nclassifications: [A]\ndialPlan:\n  - { name: a, match: +Z, classification: A, when: ${when} }\n`;
const setsWith = (sets: string): string => `name: x\nclassifications: [A]\nsets: ${sets}\ndialPlan:\n  - { name: a, match: "{s}X", classification: A }\n`;
it.each([
  [entryWith('{ country: GB }'), true],
  [entryWith('{ country: [GB, FR] }'), true],
  [entryWith('{ country: "001" }'), true],
  [entryWith('{ country: [001] }'), true],
  [entryWith('{ numberType: MOBILE }'), true],
  [entryWith('{ numberType: [MOBILE, TOLL_FREE], valid: true }'), true],
  [entryWith('{ country: gb }'), false],
  [entryWith('{ numberType: [mobile] }'), false],
  [setsWith('{ s: ["1", 2] }'), true],
  [setsWith('{ s: [""] }'), false],
  [setsWith('{ s: [] }'), false],
])('the schema and the loader agree on %j', (text, loads) => {
  const r = safeLoadDialPlan(text);
  expect(r.ok ? 'loads' : r.problems.map((p) => p.code).join(' '), 'loader').toEqual(loads ? 'loads' : expect.stringMatching(/^(WRONG_TYPE|EMPTY_VALUE)$/));
  expect(check(parse(text), schema), 'schema').toEqual(loads ? [] : [expect.any(String)]);
});
