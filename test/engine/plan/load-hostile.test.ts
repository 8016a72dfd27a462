// Rule files nobody should trust (issue 13, items 1-5): alias bombs and recursive aliases, size and nesting limits,
// `__proto__` and other keys that name Object.prototype members, bytes that are not UTF-8, and a fast-check property that
// the safe* loaders return every failure as a positioned problem and never throw.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { excerpt, MAX_COMPILE_UNITS, MAX_YAML_PARTS } from '../../../src/engine/plan/load.js';
import type { LoadOptions, LoadResult, Problem } from '../../../src/index.js';
import { DEFAULT_MAX_FILE_BYTES, parsePattern, parseTemplate, safeCompileDialPlan, safeLoadDialPlan, safeLoadDialPlanFile } from '../../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'dialplan-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const writeTemp = (content: string | Uint8Array): string => {
  const path = join(dir, `plan-${fileNo++}.yaml`);
  writeFileSync(path, content);
  return path;
};

const HEAD = 'name: t\nclassifications: [A]\n';
const entry = (fields: string): string => `${HEAD}dialPlan:\n  - name: a\n    classification: A\n${fields}`;

/** The problems of a failed load, as "CODE line:column". */
/**
 * CPU time of this process in milliseconds. The bounds below guard against a blow-up (a quadratic or exponential case
 * takes minutes), not for speed: CPU time does not grow when a busy machine keeps the test waiting for a core.
 */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const codes = (r: LoadResult): string[] => (r.ok ? ['(loaded)'] : r.problems.map((p) => `${p.code} ${p.line}:${p.column}`));

/** Nine lists of nine aliases of the list before: 9^9 strings once expanded. */
function aliasBomb(): string {
  const names = 'abcdefghi';
  let text = `${HEAD}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
  for (let i = 1; i < 9; i++) text += `${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]\n`;
  return `${text}dialPlan: *i\n`;
}

describe('aliases', () => {
  it('an alias bomb is a TOO_LARGE problem at the alias being expanded, within a second', () => {
    const text = aliasBomb();
    expect(text.length).toBeLessThan(500);
    const start = cpuMs();
    const r = safeLoadDialPlan(text, { file: 'bomb.yaml' });
    expect(cpuMs() - start).toBeLessThan(1000);
    // Line 8 (f:) is where the expansions so far pass 100 000 nodes; column 8 is its first *e.
    expect(codes(r)).toEqual(['TOO_LARGE 8:8']);
    expect(r.ok ? '' : r.problems[0]?.file).toBe('bomb.yaml');
  });

  it('the same bomb read from disk, and through every loader of a file, is the same problem', () => {
    const path = writeTemp(aliasBomb());
    expect(codes(safeLoadDialPlanFile(path))).toEqual(['TOO_LARGE 8:8']);
  });

  it('a recursive alias is RECURSIVE_ALIAS at the alias, not a stack overflow', () => {
    expect(codes(safeLoadDialPlan(`${HEAD}dialPlan: &a [ 1, *a ]\n`))).toEqual(['RECURSIVE_ALIAS 3:19']);
    // Through a map, and through a second alias.
    expect(codes(safeLoadDialPlan(`${HEAD}dialPlan:\n  - &e { name: a, match: X, classification: A, when: *e }\n`))).toEqual([
      'RECURSIVE_ALIAS 4:54',
    ]);
    expect(codes(safeLoadDialPlan(`${HEAD}x: &x [1]\ndialPlan: &p [ *x, [ *p ] ]\n`))).toEqual(['RECURSIVE_ALIAS 4:22']);
  });

  it('an alias with no anchor before it is a YAML_SYNTAX problem, not a silent null', () => {
    expect(codes(safeLoadDialPlan(`${HEAD}dialPlan: *nothing\n`))).toEqual(['YAML_SYNTAX 3:11']);
    // The anchor must come first.
    expect(codes(safeLoadDialPlan(`${HEAD}dialPlan: *later\nx: &later []\n`))).toEqual(['YAML_SYNTAX 3:11']);
  });

  it('ordinary aliases still load, a redefined anchor applies to the aliases after it, and problems point at the anchor', () => {
    const text = `${HEAD}x: &p [NXX]\ndialPlan:\n  - { name: a, match: *p, classification: A }\n`;
    expect(codes(safeLoadDialPlan(text))).toEqual(['UNKNOWN_KEY 3:1']);
    const ok = safeLoadDialPlan(
      `name: t\nclassifications: [&c A]\ndialPlan:\n  - { name: a, match: &m "1XX", classification: *c }\n  - { name: b, match: *m, classification: *c }\n`,
    );
    expect(ok.ok).toBe(true);
    const redefined = safeLoadDialPlan(
      `name: &n first\nclassifications: [A]\ndescription: *n\ndialPlan:\n  - { name: &n b, match: "1", classification: A }\n  - { name: *n, match: "2", classification: A }\n`,
    );
    // The second entry is named b (the anchor redefined), which duplicates the first: a warning.
    expect(redefined.ok && redefined.warnings.map((w) => w.code)).toEqual(['DUPLICATE_NAME']);
    // A bad pattern reached through an alias is reported where it is written (at its list, as for any one-pattern list).
    const bad = safeLoadDialPlan(`${HEAD}sets: { p: &p ["1[2"] }\ndialPlan:\n  - { name: a, match: *p, classification: A }\n`);
    expect(codes(bad)).toEqual(['UNBALANCED_BRACKET 3:15']);
  });

  it('the alias budget never affects a plan without aliases, and grows with the file', () => {
    // 30 000 aliases of a one-node anchor: fewer nodes added than the file writes itself.
    const entries = Array.from({ length: 10_000 }, (_, i) => `  - { name: e${i}, match: "${100000 + i}", classification: *c }`);
    const r = safeLoadDialPlan(`name: t\nclassifications: [&c A]\ndialPlan:\n${entries.join('\n')}\n`);
    expect(r.ok).toBe(true);
  });
});

describe('size limits', () => {
  it(`a file over maxFileBytes (default ${DEFAULT_MAX_FILE_BYTES}) is TOO_LARGE at 1:1, from text and from disk`, () => {
    expect(DEFAULT_MAX_FILE_BYTES).toBe(16 * 1024 * 1024);
    const text = `${HEAD}dialPlan:\n  - { name: a, match: X, classification: A }\n`;
    const bytes = Buffer.byteLength(text);
    expect(safeLoadDialPlan(text, { maxFileBytes: bytes }).ok).toBe(true);
    const over = safeLoadDialPlan(text, { maxFileBytes: bytes - 1, file: 'big.yaml' });
    expect(codes(over)).toEqual(['TOO_LARGE 1:1']);
    expect(over.ok ? '' : over.problems[0]?.message).toContain(`limit is ${bytes - 1}`);
    const path = writeTemp(text);
    expect(safeLoadDialPlanFile(path, { maxFileBytes: bytes }).ok).toBe(true);
    expect(codes(safeLoadDialPlanFile(path, { maxFileBytes: bytes - 1 }))).toEqual(['TOO_LARGE 1:1']);
  });

  it('counts bytes of UTF-8, not characters', () => {
    const text = `${HEAD}description: "${'é'.repeat(100)}"\ndialPlan:\n  - { name: a, match: X, classification: A }\n`;
    expect(safeLoadDialPlan(text, { maxFileBytes: Buffer.byteLength(text) }).ok).toBe(true);
    expect(codes(safeLoadDialPlan(text, { maxFileBytes: text.length + 10 }))).toEqual(['TOO_LARGE 1:1']);
  });

  it('an endless device is not read past the limit', () => {
    const start = cpuMs();
    const r = safeLoadDialPlanFile('/dev/zero', { maxFileBytes: 1 << 20 });
    expect(codes(r)).toEqual(['TOO_LARGE 1:1']);
    expect(cpuMs() - start).toBeLessThan(2000);
  });

  it('a 100 000-character pattern is TOO_LARGE at the pattern, not a SyntaxError', () => {
    const r = safeLoadDialPlan(entry(`    match: ${'X'.repeat(100_000)}\n`), { file: 'p.yaml' });
    expect(codes(r)).toEqual(['TOO_LARGE 6:12']);
    expect(r.ok ? '' : r.problems[0]?.message).toMatch(/100000 characters.*at most 256/);
    // Quoted, and one pattern of a list.
    expect(codes(safeLoadDialPlan(entry(`    match: [X, "${'[0-9]'.repeat(1000)}"]\n`)))).toEqual(['TOO_LARGE 6:17']);
    expect(parsePattern('X'.repeat(256)).issues).toEqual([]);
    expect(parsePattern('X'.repeat(257)).issues.map((i) => i.code)).toEqual(['TOO_LARGE']);
  });

  it('a template over 1024 characters is TOO_LARGE at the template', () => {
    expect(codes(safeLoadDialPlan(entry(`    match: Z\n    display: "${'{Z}'.repeat(100_000)}"\n`)))).toEqual(['TOO_LARGE 7:15']);
    expect(parseTemplate('"'.padEnd(1023, 'a') + '"').issues).toEqual([]);
    expect(parseTemplate('a'.repeat(1025)).issues.map((i) => i.code)).toEqual(['TOO_LARGE']);
  });

  it('maps and lists nested more than 64 deep are TOO_LARGE where the limit is passed, quickly', () => {
    const start = cpuMs();
    const flow = safeLoadDialPlan(`${HEAD}dialPlan: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    const block = safeLoadDialPlan(`${HEAD}dialPlan:\n${'- '.repeat(100_000)}x\n`);
    const indented = safeLoadDialPlan(`${HEAD}dialPlan:\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}- `).join('\n')}\n`);
    expect(cpuMs() - start).toBeLessThan(3000);
    // Where the 65th level opens: on the line of the [s, of the -s, and the 65th indented line (line 4 is the first).
    expect([flow, block, indented].map((r) => (r.ok ? [] : r.problems.map((p) => [p.code, p.line])))).toEqual([
      [['TOO_LARGE', 3]],
      [['TOO_LARGE', 4]],
      [['TOO_LARGE', 68]],
    ]);
    // 64 levels are allowed (they fail for other reasons).
    const deep = safeLoadDialPlan(`${HEAD}dialPlan: ${'['.repeat(63)}${']'.repeat(63)}\n`);
    expect(deep.ok ? [] : deep.problems.map((p) => p.code)).not.toContain('TOO_LARGE');
    // Nesting built from aliases is checked too.
    let chain = `${HEAD}l0: &l0 [x]\n`;
    for (let i = 1; i <= 70; i++) chain += `l${i}: &l${i} [*l${i - 1}]\n`;
    expect(codes(safeLoadDialPlan(`${chain}dialPlan: *l70\n`)).map((c) => c.split(' ')[0])).toEqual(['TOO_LARGE']);
  });

  it('keys given twice are found without comparing every pair: each once, where written the second time', () => {
    const many = Array.from({ length: 30_000 }, (_, i) => `  k${i}: ["1"]`).join('\n');
    const start = cpuMs();
    const r = safeLoadDialPlan(`${HEAD}sets:\n${many}\n  k7: ["2"]\ndialPlan: []\nx: &m { a: 1, a: 2 }\ny: *m\n`);
    // yaml's own check compared each key with all before it: seconds for 30 000 keys.
    expect(cpuMs() - start).toBeLessThan(5000);
    expect(codes(r)).toEqual(['YAML_SYNTAX 30004:3', 'YAML_SYNTAX 30006:15']);
    expect(r.ok ? '' : r.problems[0]?.message).toBe('Map keys must be unique');
  });

  it('a second document ends the parse: 16 MiB of --- lines is one YAML_SYNTAX problem at once, not 2 GB', () => {
    const start = cpuMs();
    const r = safeLoadDialPlan(`${HEAD}dialPlan: []\n${'---\n'.repeat(4_000_000)}`);
    expect(cpuMs() - start).toBeLessThan(2000);
    expect(codes(r)).toEqual(['YAML_SYNTAX 4:1']);
    expect(r.ok ? '' : r.problems[0]?.message).toContain('multiple documents');
  });

  it('an excerpt of a long line shows the part around the column, with the caret under it', () => {
    const line = `k: ${'abcdefghij'.repeat(1000)}`;
    const at = (col: number): string[] => excerpt(line, 7, col).split('\n');
    // Within the first 120 characters: the start of the line, as before.
    expect(at(5)).toEqual([`  7 | ${line.slice(0, 120)}…`, `    |     ^`]);
    // Further on: 120 characters from 60 before the column, the caret under the column's character.
    const [shown = '', caret = ''] = at(5000);
    expect(shown).toBe(`  7 | …${line.slice(4939, 5059)}…`);
    expect(caret.indexOf('^') - '    | '.length).toBe(61);
    expect(shown[caret.indexOf('^')]).toBe(line[4999]);
    // At the end of the line, and past it (clamped): the last 120 characters, the caret just after them.
    for (const col of [line.length + 1, line.length + 10_000]) {
      const [endShown = '', endCaret = ''] = at(col);
      expect(endShown).toBe(`  7 | …${line.slice(-120)}`);
      expect(endCaret).toBe(`    | ${' '.repeat(121)}^`);
    }
  });

  it('a file of syntax junk reports its first 100 errors, quickly', () => {
    const start = cpuMs();
    const r = safeLoadDialPlan(entry(`    match: ${'[0-9]'.repeat(20_000)}\n`));
    expect(cpuMs() - start).toBeLessThan(3000);
    expect(r.ok ? 0 : r.problems.length).toBe(100);
    expect(r.ok ? [] : [...new Set(r.problems.map((p) => p.code))]).toEqual(['YAML_SYNTAX']);
  });

  it('a file under the size limit that writes millions of tiny YAML parts is TOO_LARGE, not a process out of memory', () => {
    // The parser and composer keep hundreds of bytes for every part: 16 MiB of `,` or `1,` (8 to 16 million parts) ran
    // the process out of heap (a fatal error, exit 134) after a minute. 3 million parts stop it at once.
    expect(MAX_YAML_PARTS).toBe(3_000_000);
    const commas = `${HEAD}dialPlan: []
description: [${','.repeat(MAX_YAML_PARTS + 1000)}]
`;
    expect(Buffer.byteLength(commas)).toBeLessThan(DEFAULT_MAX_FILE_BYTES);
    const start = cpuMs();
    const r = safeLoadDialPlan(commas, { file: 'parts.yaml' });
    expect(cpuMs() - start).toBeLessThan(15_000);
    // Line 4, at the comma that passes the limit: the file writes 16 parts up to the `[` at column 14 (line breaks
    // count), so that comma is the (limit - 15)th.
    expect(codes(r)).toEqual([`TOO_LARGE 4:${14 + MAX_YAML_PARTS - 15}`]);
    expect(r.ok ? '' : r.problems[0]?.message).toContain('more than 3000000 YAML parts');
    expect(r.ok ? '' : r.problems[0]?.file).toBe('parts.yaml');
    // The excerpt shows the 120 characters around the column, with the caret under that comma: it was the line's first
    // 120 characters, then a caret after 2.5 million spaces.
    const [shown = '', caretLine = ''] = (r.ok ? '' : (r.problems[0]?.excerpt ?? '')).split('\n');
    expect(shown).toBe(`  4 | …${','.repeat(120)}…`);
    expect(caretLine).toBe(`    | ${' '.repeat(61)}^`);
    // From disk too: safeLoadDialPlanFile, which every command uses, once passed no limit on to the parser.
    const path = writeTemp(commas);
    expect(codes(safeLoadDialPlanFile(path))).toEqual([`TOO_LARGE 4:${14 + MAX_YAML_PARTS - 15}`]);
    // maxYamlParts sets the limit. This plan writes 26 parts; the 25th is the A at 4:42.
    const small = `${HEAD}dialPlan:\n  - { name: a, match: X, classification: A }\n`;
    expect(safeLoadDialPlan(small, { maxYamlParts: 26 }).ok).toBe(true);
    expect(codes(safeLoadDialPlan(small, { maxYamlParts: 24 }))).toEqual(['TOO_LARGE 4:42']);
    // Line breaks and comments are parts too (16 MiB of empty lines took 40 s): 26 above, then 4 for two comment lines.
    const commented = `${small}# one\n# two\n`;
    expect(safeLoadDialPlan(commented, { maxYamlParts: 30 }).ok).toBe(true);
    expect(codes(safeLoadDialPlan(commented, { maxYamlParts: 29 }))).toEqual(['TOO_LARGE 6:6']);
  }, 60_000);
});

describe('compile work', () => {
  // Each location compiles both tables with matchers of its own, and a set named after other characters gets a trie of
  // its own in every entry: a file of 1 to 4 MB took minutes and ran the process out of memory (10 000 locations of
  // 10 000 entries, 200 000 locations of 10 entries, a 100 000-value set named by 1 000 entries).
  const values = (n: number): string => Array.from({ length: n }, (_, i) => String(1_000_000 + i)).join(', ');

  it('a set of 100 000 values named by many entries is TOO_LARGE at the entry where the budget runs out, quickly', () => {
    expect(MAX_COMPILE_UNITS).toBe(100_000_000);
    // Each entry: 32 + 4 characters of pattern, and 100 000 values of 7 characters at 24 per character and one: 19.2
    // million units. The sixth entry (line 11; the entries start on line 6) passes 100 million. The set comes first in each pattern, the cheap way to
    // compile it, so that the five entries kept cost little here.
    const entries = Array.from({ length: 1000 }, (_, i) => `  - { name: e${i}, match: "{s}${i % 10}", classification: A }`).join('\n');
    const text = `${HEAD}sets:\n  s: [${values(100_000)}]\ndialPlan:\n${entries}\n`;
    const start = cpuMs();
    const r = safeLoadDialPlan(text, { file: 'sets.yaml' });
    expect(cpuMs() - start).toBeLessThan(15_000);
    expect(codes(r)).toEqual(['TOO_LARGE 11:24']);
    expect(r.ok ? '' : r.problems[0]?.message).toBe('From this entry on, the plan is over the compile budget of 100000000 units (1 location(s)).');
  }, 60_000);

  it('more than 20 000 locations are TOO_LARGE at locations:, without compiling them all', () => {
    const locations = Array.from({ length: 20_001 }, (_, i) => `  l${i}: { a: "${i % 10}" }`).join('\n');
    const start = cpuMs();
    const r = safeLoadDialPlan(`${HEAD}locations:\n${locations}\ndialPlan:\n  - { name: a, match: "{a}XX", classification: A }\n`);
    expect(cpuMs() - start).toBeLessThan(10_000);
    expect(codes(r)).toEqual(['TOO_LARGE 3:1']);
    expect(r.ok ? '' : r.problems[0]?.message).toBe('20001 locations: at most 20000 fit in the compile budget.');
  }, 60_000);

  it('a plan given as an object is held to the same budget, before anything is compiled', () => {
    const locations = Object.fromEntries(Array.from({ length: 20_001 }, (_, i) => [`l${i}`, { a: String(i % 10) }]));
    const start = cpuMs();
    const r = safeCompileDialPlan({ name: 't', classifications: ['A'], locations, dialPlan: [{ name: 'a', match: '{a}XX', classification: 'A' }] });
    expect(cpuMs() - start).toBeLessThan(2000);
    expect(r.ok ? [] : r.problems.map((p) => [p.code, p.path])).toEqual([['TOO_LARGE', ['locations']]]);
    const set = Array.from({ length: 100_000 }, (_, i) => String(1_000_000 + i));
    const entries = Array.from({ length: 10 }, (_, i) => ({ name: `e${i}`, match: ['X', `{s}${i}`], classification: 'A' }));
    const s = safeCompileDialPlan({ name: 't', classifications: ['A'], sets: { s: set }, dialPlan: entries });
    // 19.2 million units an entry: the sixth passes 100 million, at its first pattern.
    expect(s.ok ? [] : s.problems.map((p) => [p.code, p.path])).toEqual([['TOO_LARGE', ['dialPlan', 5, 'match', 0]]]);
  });

  it('locations times patterns: cut at the entry where the budget runs out', () => {
    // 2 000 locations: 10 million units before any pattern; each entry then costs 2 000 × (32 + 13) = 90 000.
    const locations = Array.from({ length: 2000 }, (_, i) => `  l${i}: { a: "${i % 10}" }`).join('\n');
    const entries = Array.from({ length: 1100 }, (_, i) => `  - { name: e${i}, match: "+1{a}${String(i).padStart(8, '0')}", classification: A }`).join('\n');
    const r = safeLoadDialPlan(`${HEAD}locations:\n${locations}\ndialPlan:\n${entries}\n`);
    // (100 000 000 - 10 000 000) / 90 000 = 1000 entries reach it exactly; the 1 001st passes it, on line
    // 2 + 1 + 2000 + 1 + 1001, at its pattern (column 27 for the name e1000).
    expect(codes(r)).toEqual([`TOO_LARGE ${2 + 1 + 2000 + 1 + 1001}:27`]);
    expect(r.ok ? '' : r.problems[0]?.message).toContain('(2000 location(s))');
  }, 60_000);

  it('an ordinary plan is far from the budget: 100 locations, a small set named in 50 entries, 1 000 more entries', () => {
    // 100 × (5 000 + 50 × (32 + 19 + 8 × 24 × 4) + 1 000 × (32 + 13)) = 9.1 million units.
    const locations = Array.from({ length: 100 }, (_, i) => `  l${i}: { areaCode: "${200 + i}" }`).join('\n');
    const withSet = Array.from({ length: 50 }, (_, i) => `  - { name: s${i}, match: "+1{tollFree}${String(i).padStart(7, '0')}", classification: A }`);
    const plain = Array.from({ length: 1000 }, (_, i) => `  - { name: e${i}, match: "+1{areaCode}${String(i).padStart(7, '0')}", classification: A }`);
    const sets = 'sets:\n  tollFree: ["800", "833", "844", "855", "866", "877", "888", "880"]\n';
    const r = safeLoadDialPlan(`${HEAD}${sets}locations:\n${locations}\ndialPlan:\n${[...withSet, ...plain].join('\n')}\n`);
    expect(codes(r)).toEqual(['(loaded)']);
  }, 60_000);
});

describe('keys that name members of Object.prototype', () => {
  it('a plan hidden under __proto__ does not load', () => {
    const r = safeLoadDialPlan(`__proto__:\n  name: x\n  classifications: [A]\n  dialPlan:\n    - { name: a, match: Z, classification: A }\n`);
    expect(codes(r)).toEqual(['UNKNOWN_KEY 1:1', 'MISSING_KEY 1:1', 'MISSING_KEY 1:1', 'MISSING_KEY 1:1']);
    expect(r.ok ? '' : r.problems[0]?.message).toContain('"__proto__"');
  });

  it('__proto__ on an entry is UNKNOWN_KEY, and its values are not applied', () => {
    const text = entry('    match: Z\n    __proto__: { dialCapable: false }\n');
    expect(codes(safeLoadDialPlan(text))).toEqual(['UNKNOWN_KEY 7:5']);
    for (const where of ['classifications: [{ name: A, __proto__: { internal: true } }]', 'unmatched: { __proto__: { dialCapable: false } }']) {
      expect(codes(safeLoadDialPlan(`name: t\n${where.startsWith('class') ? where : `classifications: [A]\n${where}`}\ndialPlan: []\n`)).map((c) => c.split(' ')[0])).toContain(
        'UNKNOWN_KEY',
      );
    }
  });

  it('in a plain object too: JSON with __proto__, and values inherited from a prototype, are not the plan', () => {
    const json = JSON.parse('{"name":"t","classifications":["A"],"dialPlan":[{"name":"a","match":"Z","classification":"A","__proto__":{"dialCapable":false}}]}') as unknown;
    const r = safeCompileDialPlan(json);
    expect(r.ok ? [] : r.problems.map((p) => [p.code, p.path.join('.')])).toEqual([['UNKNOWN_KEY', 'dialPlan.0.__proto__']]);
    const inherited = Object.assign(Object.create({ dialCapable: false }) as object, { name: 'a', match: 'Z', classification: 'A' });
    const plan = safeCompileDialPlan({ name: 't', classifications: ['A'], dialPlan: [inherited] });
    expect(plan.ok && plan.plan.details('123').dialCapable).toBe(true);
  });

  it('constructor, toString and hasOwnProperty are names like any other', () => {
    expect(codes(safeLoadDialPlan(`${HEAD}defaultLocation: toString\ndialPlan: []\n`))).toEqual(['UNKNOWN_REFERENCE 3:18']);
    const tests = `${HEAD}dialPlan: [{ name: a, match: Z, classification: A }]\ntests: [{ input: "1", location: constructor, expect: { error: EMPTY } }]\n`;
    expect(codes(safeLoadDialPlan(tests))).toEqual(['UNKNOWN_REFERENCE 4:33']);
    const sets = `${HEAD}sets: { hasOwnProperty: ["1"] }\ndialPlan: [{ name: a, match: "{hasOwnProperty}X", classification: A }]\n`;
    const r = safeLoadDialPlan(sets);
    expect(r.ok && r.plan.details('15').defaultClassification).toBe('A');
    const locations = `${HEAD}locations: { constructor: { area: "317" } }\ndialPlan: [{ name: a, match: "{area}X", classification: A }]\n`;
    expect(safeLoadDialPlan(locations).ok).toBe(true);
  });

  it('keys that are not strings are unknown keys, named by their source', () => {
    const r = safeLoadDialPlan(`? [a, b]\n: 1\n~: 2\n123: 3\n${HEAD}dialPlan: []\n`);
    expect(r.ok ? [] : r.problems.filter((p) => p.code === 'UNKNOWN_KEY').map((p) => [p.path[0], p.line, p.column])).toEqual([
      ['[a, b]', 1, 3],
      ['null', 3, 1],
      ['123', 4, 1],
    ]);
  });
});

describe('rule files that are not UTF-8', () => {
  it('an invalid byte is INVALID_ENCODING at its line and column, not U+FFFD in a pattern', () => {
    const path = writeTemp(Buffer.from(`${HEAD}dialPlan:\n  - name: café\n    match: 12\xff3\n    classification: A\n`, 'latin1'));
    const r = safeLoadDialPlanFile(path, { file: 'latin1.yaml' });
    // café is written in Latin-1 too: its é (0xE9) on line 4 is the first byte that is not UTF-8.
    expect(codes(r)).toEqual(['INVALID_ENCODING 4:14']);
    const p = r.ok ? undefined : r.problems[0];
    expect(p).toMatchObject({ file: 'latin1.yaml', message: expect.stringContaining('0xE9') as unknown });
    expect(p?.excerpt).toBe('  4 |   - name: caf\uFFFD\n    |              ^');
  });

  it('columns count the text before the byte as the YAML parser does; truncated and overlong sequences are caught', () => {
    const cases: [Uint8Array, string][] = [
      [Buffer.concat([Buffer.from(`${HEAD}dialPlan:\n  - { name: "€é", match: "1`), Buffer.from([0xc3]), Buffer.from('", classification: A }\n')]), 'INVALID_ENCODING 4:28'],
      [Buffer.concat([Buffer.from(`${HEAD}x: "`), Buffer.from([0xc0, 0xaf]), Buffer.from('"\n')]), 'INVALID_ENCODING 3:5'],
      [Buffer.concat([Buffer.from(`${HEAD}x: "`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"\n')]), 'INVALID_ENCODING 3:5'],
      [Buffer.concat([Buffer.from(`${HEAD}x: `), Buffer.from([0xf0, 0x9f, 0x98])]), 'INVALID_ENCODING 3:4'],
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('x: "'), Buffer.from([0xff])]), 'INVALID_ENCODING 1:5'],
    ];
    for (const [bytes, expected] of cases) expect(codes(safeLoadDialPlanFile(writeTemp(bytes)))).toEqual([expected]);
  });

  it('says so when a file looks like UTF-16, and a UTF-8 file with a BOM loads', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEAD}dialPlan: []\n`, 'utf16le')]);
    const r = safeLoadDialPlanFile(writeTemp(utf16));
    expect(codes(r)).toEqual(['INVALID_ENCODING 1:1']);
    expect(r.ok ? '' : r.problems[0]?.message).toContain('UTF-16');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${HEAD}dialPlan: [{ name: a, match: Z, classification: A }]\n`)]);
    expect(safeLoadDialPlanFile(writeTemp(bom)).ok).toBe(true);
  });
});

// Hostile YAML built from the pieces that broke the loader: aliases (recursive, undefined, repeated), deep nesting, huge
// scalars, keys that name Object.prototype members, keys that are not strings, tags, directives. Keys are unique per map
// so that most documents get past the YAML parser to the loader's own checks.
const ODD_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', 'valueOf', '<<', '~', '123', '"__proto__"', '[a, b]', '{x: 1}', '*k ', '&k key', 'description', 'dialPlan', 'match', 'classification', 'sets', 'locations', 'tests', 'expect', 'when', 'directory', 'unmatched'];
const keys = (exclude: readonly string[], maxLength: number) =>
  fc.uniqueArray(fc.constantFrom(...ODD_KEYS.filter((k) => !exclude.includes(k))), { maxLength });
const anchorName = fc.constantFrom('a', 'b', 'k');
const hostileScalar = fc.oneof(
  { arbitrary: fc.constantFrom('X', 'NXX', 'Z', 'A', '"{constructor}"', '"{__proto__}"', '"{toString}X"', '"1[2"', '!!binary aGVsbG8=', '!foo bar', '~', '0123', '.inf', '"\\u0000"'), weight: 6 },
  { arbitrary: fc.oneof(fc.integer({ min: 200, max: 300 }), fc.constant(100_000)).map((n) => 'X'.repeat(n)), weight: 1 },
  { arbitrary: fc.integer({ min: 300, max: 400 }).map((n) => `"${'{Z}'.repeat(n)}"`), weight: 1 },
  { arbitrary: fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)), weight: 2 },
);
const { value: hostileValue } = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: hostileScalar, weight: 6 },
    { arbitrary: anchorName.map((a) => `*${a}`), weight: 2 },
    { arbitrary: fc.tuple(anchorName, tie('value')).map(([a, v]) => (v.startsWith('*') || v.startsWith('&') ? v : `&${a} ${v}`)), weight: 3 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }).map((vs) => `[${vs.join(', ')}]`), weight: 3 },
    {
      arbitrary: keys([], 4).chain((ks) => fc.tuple(...ks.map(() => tie('value'))).map((vs) => `{${ks.map((k, i) => `${k}: ${vs[i]}`).join(', ')}}`)),
      weight: 3,
    },
    { arbitrary: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.constant(3000)).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`), weight: 1 },
  ),
}));
const pairs = (exclude: readonly string[], maxLength: number) =>
  keys(exclude, maxLength).chain((ks) => fc.tuple(...ks.map(() => hostileValue)).map((vs) => ks.map((k, i) => `${k}: ${vs[i]}`)));
const hostileYaml = fc
  .tuple(
    fc.constantFrom('', '%YAML 1.1\n---\n', '%YAML 1.2\n---\n', '--- !!map\n'),
    pairs(['dialPlan'], 6),
    fc.array(pairs(['match', 'classification'], 5), { maxLength: 3 }),
  )
  .map(
    ([directive, top, entries]) =>
      `${directive}${HEAD}${top.join('\n')}\ndialPlan:\n${entries.map((e) => ['  - name: e', '    match: X', '    classification: A', ...e.map((p) => `    ${p}`)].join('\n')).join('\n')}\n`,
  );

/** Every problem has a code, a message and a position: line and column for text, a path for objects. */
const positioned = (r: LoadResult, withLine: boolean): boolean =>
  r.ok
    ? r.warnings.every((p) => p.line !== undefined || !withLine)
    : r.problems.length > 0 &&
      r.problems.every((p: Problem) => typeof p.code === 'string' && p.message.length > 0 && (!withLine || (p.line !== undefined && p.line >= 1 && p.column !== undefined && p.column >= 1)));

describe('the safe loaders never throw', () => {
  it('safeLoadDialPlan: every outcome of hostile YAML is a plan or positioned problems', () => {
    fc.assert(
      fc.property(hostileYaml, (text) => {
        const r = safeLoadDialPlan(text, { file: 'h.yaml' });
        expect(positioned(r, true)).toBe(true);
        // Nothing unforeseen: every failure is one the loader names.
        if (!r.ok) expect(r.problems.map((p) => p.code)).not.toContain('INVALID_PLAN');
      }),
      { seed: 1313, numRuns: 300 },
    );
  });

  it('safeLoadDialPlanFile: any bytes on disk', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.tuple(hostileYaml, fc.uint8Array({ maxLength: 4 }), fc.nat()).map(([text, junk, at]) => {
        const b = Buffer.from(text);
        const i = at % (b.length + 1);
        return Buffer.concat([b.subarray(0, i), junk, b.subarray(i)]);
      }),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        expect(positioned(safeLoadDialPlanFile(writeTemp(b)), true)).toBe(true);
      }),
      { seed: 1314, numRuns: 200 },
    );
  });

  it('safeCompileDialPlan: any value, prototypes and throwing getters included', () => {
    const value = fc.anything({ withNullPrototype: true, withObjectString: true, withMap: true, withSet: true, withBigInt: true, key: fc.constantFrom(...ODD_KEYS) });
    const plan = fc.record({
      name: value,
      classifications: fc.oneof(value, fc.constant(['A'])),
      dialPlan: fc.oneof(value, fc.array(fc.dictionary(fc.constantFrom(...ODD_KEYS), value, { maxKeys: 5 }), { maxLength: 3 })),
      sets: value,
      locations: value,
    });
    fc.assert(
      fc.property(fc.oneof(value, plan), (v) => {
        expect(positioned(safeCompileDialPlan(v), false)).toBe(true);
      }),
      { seed: 1315, numRuns: 300 },
    );
    const throwing = { name: 't', classifications: ['A'], get dialPlan(): never { throw new RangeError('boom'); } };
    const r = safeCompileDialPlan(throwing);
    expect(r.ok ? [] : r.problems.map((p) => [p.code, p.message])).toEqual([['INVALID_PLAN', 'The plan could not be loaded (RangeError: boom).']]);
    expect(codes(safeLoadDialPlan(undefined as unknown as string))).toEqual(['WRONG_TYPE 1:1']);
    // Options from untyped code: null, or a limit that is not a number of bytes (the default applies).
    const text = `${HEAD}dialPlan: [{ name: a, match: Z, classification: A }]\n`;
    const path = writeTemp(text);
    for (const options of [null, { maxFileBytes: Number.NaN }, { maxFileBytes: '1' }, { file: 42 }] as unknown as LoadOptions[]) {
      expect(safeLoadDialPlan(text, options).ok).toBe(true);
      expect(safeLoadDialPlanFile(path, options).ok).toBe(true);
      expect(safeCompileDialPlan({ name: 't', classifications: ['A'], dialPlan: [] }, options).ok).toBe(true);
    }
    expect(codes(safeLoadDialPlanFile(undefined as unknown as string)).map((c) => c.split(' ')[0])).toEqual(['FILE_NOT_FOUND']);
  });

  it('safeLoadDialPlan, safeLoadDialPlanFile and safeCompileDialPlan: options that throw when read (a getter, a Proxy) are a problem, not a throw', () => {
    const text = `${HEAD}dialPlan: [{ name: a, match: Z, classification: A }]\n`;
    const path = writeTemp(text);
    const getter = {
      get file(): never {
        throw new RangeError('file getter');
      },
    };
    const proxy = new Proxy({}, { get: () => { throw new TypeError('proxy get'); } });
    for (const options of [getter, proxy] as unknown as LoadOptions[]) {
      // They threw; now the plan loads without a file name, or fails as INVALID_PLAN where the options had to be read.
      for (const r of [safeLoadDialPlan(text, options), safeCompileDialPlan({ name: 't', classifications: ['A'], dialPlan: [] }, options)]) {
        if (!r.ok) expect(r.problems.map((p) => p.code)).toEqual(['INVALID_PLAN']);
      }
      const fromFile = safeLoadDialPlanFile(path, options);
      if (!fromFile.ok) expect(fromFile.problems).toHaveLength(1);
    }
    expect(safeLoadDialPlan(text, getter as unknown as LoadOptions).ok).toBe(true);
    expect(safeLoadDialPlanFile(path, getter as unknown as LoadOptions).ok).toBe(true);
    const r = safeLoadDialPlan(text, proxy as unknown as LoadOptions);
    expect(r.ok ? [] : r.problems.map((p) => [p.code, p.message])).toEqual([['INVALID_PLAN', 'The plan could not be loaded (TypeError: proxy get).']]);
  });
});

describe('names that are also Object.prototype keys', () => {
  it('are unknown sets in a plan without locations, not a crash', () => {
    const r = safeLoadDialPlan('name: x\nclassifications: [A]\ndialPlan:\n  - { name: a, match: "{constructor}X", classification: A }\n', { file: 'p.yaml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([['UNDECLARED_SET', 4]]);
  });
});
