import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { automatonMatcher, compileAutomaton, restoreAutomaton, snapshotAutomaton } from '../../../src/engine/match/automaton.js';
import { packInts, unpackInts } from '../../../src/engine/match/pack.js';
import type { AutomatonOptions } from '../../../src/engine/match/automaton.js';
import { referenceMatcher } from '../../../src/engine/match/match.js';
import type { MatchableEntry, RefValue, TableMatch } from '../../../src/engine/match/match.js';
import { compilePattern, findFirstMatch, STAR_CHARS } from '../../../src/engine/match/match.js';
import type { PatternToken } from '../../../src/engine/match/pattern.js';
import { parsePattern } from '../../../src/engine/match/pattern.js';
import { DEFAULT_RULES_PATH, loadDefaultDialPlan, loadDialPlan } from '../../../src/index.js';

// What `{name}` stands for in the random plans: sets (one with values that prefix each other, one empty), location
// variables and a name that resolves to nothing.
const REFS: Record<string, RefValue> = {
  tf: { kind: 'set', values: ['800', '888', '8'] },
  cc: { kind: 'set', values: ['1', '44', '441', 'ab'] },
  sch: { kind: 'set', values: ['sip:', 'SIPS:', 'tel:'] },
  none: { kind: 'set', values: [] },
  area: { kind: 'var', value: '317' },
  word: { kind: 'var', value: 'Éx' },
};
const resolve = (name: string): RefValue | undefined => REFS[name];

const compileTable = (table: readonly (readonly string[])[]): MatchableEntry[] =>
  table.map((patterns) => ({
    patterns: patterns.map((src) => compilePattern(src, parsePattern(src).tokens, resolve)),
  }));

/** A plain view of a match, so that deep equality does not depend on how the groups array was made. */
const view = (m: TableMatch | undefined): unknown =>
  m === undefined ? undefined : { entry: m.entry, pattern: m.pattern, matched: m.matched, suffix: m.suffix, groups: [...m.groups] };

// ---- Random plans: patterns written as rule authors write them, using every part of the language.
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('0', '1', '2', '3', '5', '8', '9') },
  { weight: 5, arbitrary: fc.constantFrom('X', 'x', 'Y', 'N', 'n') },
  { weight: 3, arbitrary: fc.constant('?') },
  { weight: 2, arbitrary: fc.constant('Z') },
  { weight: 2, arbitrary: fc.constantFrom('[1-3]', '[2-9]', '[*#]', '[a-c]', '[0,]', '[É]') },
  { weight: 2, arbitrary: fc.constantFrom('{tf}', '{cc}', '{sch}', '{area}', '{word}', '{none}', '{unknown}') },
  { weight: 2, arbitrary: fc.constantFrom('"X"', '"ext"', '"#"', '"Zz"', '"é"') },
  { weight: 3, arbitrary: fc.constantFrom('+', '/', '^', '*', '#', ',', '@', 's', 'I', 'p:', 'a', 'É', 'ü', '.') },
);
const patternArb = fc.array(piece, { minLength: 1, maxLength: 6 }).map((ps) => ps.join(''));
const planArb = fc.array(fc.array(patternArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 });

const anyChar = fc.constantFrom(
  ...'0123456789012345678901234567890123456789'.split(''),
  ...'+/^*#,@.:'.split(''),
  ...'sSiIpPaAbBcCeExXzZtTlL'.split(''),
  'é', 'É', 'ü', 'Ü', 'ſ', '\u212a', 'K', 'k', '\u00a0', '\ud83d',
);
const randomText = fc.array(anyChar, { maxLength: 14 }).map((cs) => cs.join(''));

/** A text that one pattern of the plan matches, with random case: so that matches and near-misses are common. */
function sampleOf(tokens: readonly PatternToken[]): fc.Arbitrary<string> {
  const parts = tokens.map((t): fc.Arbitrary<string> => {
    switch (t.kind) {
      case 'literal':
        return fc.array(fc.boolean(), { minLength: t.text.length, maxLength: t.text.length }).map((up) =>
          [...t.text].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join(''),
        );
      case 'class':
        return t.chars === '' ? fc.constant('') : fc.constantFrom(...t.chars.split(''));
      case 'wildcard':
        if (t.wildcard === '?') return fc.array(fc.constantFrom(...STAR_CHARS.split('')), { maxLength: 3 }).map((a) => a.join(''));
        if (t.wildcard === 'Z') return fc.array(anyChar, { maxLength: 4 }).map((a) => a.join(''));
        return fc.constantFrom(...(t.wildcard === 'X' ? '0123456789' : t.wildcard === 'Y' ? '123456789' : '23456789').split(''));
      case 'ref': {
        const v = REFS[t.name];
        if (v === undefined) return fc.constant('');
        return v.kind === 'var' ? fc.constant(v.value) : v.values.length === 0 ? fc.constant('') : fc.constantFrom(...v.values);
      }
    }
  });
  return fc.tuple(...parts).map((ps) => ps.join(''));
}

const extensionArb = fc.oneof(
  fc.constant(''),
  fc.tuple(fc.constantFrom('/', '^'), fc.array(fc.constantFrom('1', '2', '/', '^', '#'), { maxLength: 4 })).map(([s, d]) => s + d.join('')),
);

const inputArb = (plan: readonly (readonly string[])[]): fc.Arbitrary<string> =>
  fc.oneof(
    randomText,
    fc
      .tuple(fc.constantFrom(...plan.flat()).chain((src) => sampleOf(parsePattern(src).tokens)), extensionArb)
      .map(([a, b]) => a + b),
    fc.tuple(randomText, extensionArb).map(([a, b]) => a + b),
  );

/** An accept predicate that rejects some entries, and optionally every base-only match. */
const acceptArb = fc.option(
  fc.record({ rejected: fc.uniqueArray(fc.nat(9), { maxLength: 4 }), noBase: fc.boolean() }).map(
    ({ rejected, noBase }) =>
      (m: TableMatch): boolean =>
        !rejected.includes(m.entry) && !(noBase && m.suffix !== ''),
  ),
  { nil: undefined },
);

describe('compileAutomaton', () => {
  it('agrees with the reference matcher on random plans, inputs and accept predicates, restored from its snapshot too', () => {
    fc.assert(
      fc.property(
        planArb.chain((plan) =>
          fc.tuple(fc.constant(plan), fc.array(fc.tuple(inputArb(plan), fc.boolean(), acceptArb), { minLength: 1, maxLength: 25 })),
        ),
        ([plan, queries]) => {
          const entries = compileTable(plan);
          const matcher = compileAutomaton(entries);
          // The same matcher restored from its snapshot, as JSON, the way a precompiled plan stores it.
          const restored = restoreAutomaton(JSON.parse(JSON.stringify(snapshotAutomaton(matcher))), entries);
          expect(restored).toBeDefined();
          expect(restored && snapshotAutomaton(restored)).toEqual(snapshotAutomaton(matcher));
          for (const [text, carry, accept] of queries) {
            const want = view(findFirstMatch(entries, text, carry, accept));
            expect(view(matcher.find(text, carry, accept)), `${JSON.stringify(plan)} ${JSON.stringify(text)} carry=${carry}`).toEqual(want);
            expect(view(restored?.find(text, carry, accept)), `restored: ${JSON.stringify(plan)} ${JSON.stringify(text)} carry=${carry}`).toEqual(want);
          }
          expect(matcher.stats().simulated).toBe(0);
        },
      ),
      { seed: 42, numRuns: 400 },
    );
  });

  it('gives the reference answer where entries are shadowed by earlier ones above or beside them in the trie', () => {
    // Entries shadowed by an earlier one below the trie node where it matches (an exchange's thousands blocks after the
    // exchange), by an earlier wildcard the DFA holds, and an earlier base match against a later whole one.
    const plans: string[][][] = [
      [['+1317555XXXX'], ['+13175551XXX'], ['+131755512XX'], ['+13175551234'], ['+1317XXXXXXX'], ['Z']],
      [['+1317?'], ['+13175551XXX'], ['+13175551234'], ['+1317555XXXX']],
      [['+13175551234'], ['+1317555XXXX', '+1317555'], ['+131755512XX'], ['+1317555XXXX/X']],
      [['+1317555'], ['+13175551234'], ['+1317555XXXX^XX'], ['Z']],
      // The same entry deeper: a lower pattern, and a whole match after a base one (both win over what was found above).
      [['+13175551234', '+1317555XXXX'], ['Z']],
      [['+13175551234', '+13175551234/X'], ['Z']],
    ];
    const inputs = ['+13175551234', '+13175551299', '+13175559999', '+13175551234/5', '+13175551234^12', '+1317555/12', '+1317555', '+131755512', ''];
    for (const plan of plans) {
      const entries = compileTable(plan);
      const matcher = compileAutomaton(entries);
      for (const text of inputs) {
        for (const carry of [true, false]) {
          expect(view(matcher.find(text, carry)), `${JSON.stringify(plan)} ${text} carry=${carry}`).toEqual(view(findFirstMatch(entries, text, carry)));
        }
      }
    }
  });

  it('is not restored from a snapshot that does not fit its table, whatever part of it is wrong', () => {
    const edited = (stored: readonly number[] | string, edit: (t: Int32Array) => void): number[] => {
      const t = typeof stored === 'string' ? unpackInts(stored, 0) : Int32Array.from(stored);
      if (t === undefined) throw new Error('not packed');
      edit(t);
      return Array.from(t);
    };
    const entries = compileTable([['+1317555XXXX', '+1317556XXXX'], ['911'], ['+Z'], ['Z']]);
    const good = snapshotAutomaton(compileAutomaton(entries));
    if (good === undefined) throw new Error('expected a snapshot');
    expect(restoreAutomaton(JSON.parse(JSON.stringify(good)), entries)).toBeDefined();
    const trie = good.trie;
    if (trie === null) throw new Error('expected a trie');
    // Snapshots written before the arrays were stored as JSON arrays kept them as packed text: still read, same matcher.
    const ints = (v: readonly number[] | string): readonly number[] => {
      if (typeof v === 'string') throw new Error('expected arrays');
      return v;
    };
    const packed = {
      ...good,
      patternBase: good.patternBase === null ? null : packInts(ints(good.patternBase)),
      dfaPairs: packInts(ints(good.dfaPairs), 2),
      trie: { ...trie, t: packInts(ints(trie.t), 0), tails: packInts(ints(trie.tails)) },
      spanAt: packInts(ints(good.spanAt)),
      spanData: packInts(ints(good.spanData)),
    };
    const fromPacked = restoreAutomaton(JSON.parse(JSON.stringify(packed)), entries);
    expect(fromPacked && snapshotAutomaton(fromPacked)).toEqual(good);
    /** Edits the first record of the trie (this table's nodes keep their edges as pairs, or are chains). */
    const firstRecord = (edit: (t: Int32Array, r: number) => void) => (t: Int32Array): void => {
      for (let o = 0; o < t.length; ) {
        const first = t[o] as number;
        if (first < -1) {
          // A chain: -1 - L, then L classes.
          o += 1 + (-1 - first);
          continue;
        }
        if (first === -1) throw new Error('a dense node: this test expects pairs');
        if ((t[o + 1] as number) > 0) return edit(t, o + 2 + 2 * first);
        o += 2 + 2 * first + 5 * (t[o + 1] as number);
      }
      throw new Error('no record');
    };
    /** Edits the first chain of the trie (`+1317555` is one: each of its characters has one child and no record). */
    const firstChain = (edit: (t: Int32Array, o: number) => void) => (t: Int32Array): void => {
      for (let o = 0; o < t.length; o += 2 + 2 * (t[o] as number) + 5 * (t[o + 1] as number)) {
        if ((t[o] as number) < -1) return edit(t, o);
        if ((t[o] as number) === -1) throw new Error('a dense node: this test expects pairs');
      }
      throw new Error('no chain');
    };
    const bad: unknown[] = [
      null,
      'x',
      { ...good, used: [70_000] },
      { ...good, setKeys: [1] },
      { ...good, patternBase: '!' },
      // One entry fewer than the table.
      { ...good, patternBase: packInts([0, 2, 3]) },
      { ...good, dfaPairs: packInts([9, 0], 2) },
      { ...good, dfaPairs: packInts([2, 5], 2) },
      // The DFA's pairs out of entry order (its first pair must name its first entry: the trie's matches before it skip it).
      { ...good, dfaPairs: packInts([3, 0, 2, 0], 2) },
      { ...good, spanAt: packInts([999, 0, 0, 0, 0]) },
      { ...good, trie: { ...trie, nodes: trie.nodes + 1 } },
      // An edge back to the root: a walk could go round.
      { ...good, trie: { ...trie, t: edited(trie.t, (t) => (t[3] = 0)) } },
      // An edge into the middle of a node rather than to its start.
      { ...good, trie: { ...trie, t: edited(trie.t, (t) => (t[3] = (t[3] as number) + 1)) } },
      // A record naming a pattern its entry does not have (one past its last: entry 0 has two, entry 1 one), or an entry
      // the table does not have.
      { ...good, trie: { ...trie, t: edited(trie.t, firstRecord((t, r) => (t[r + 1] = t[r] === 0 ? 2 : 1))) } },
      { ...good, trie: { ...trie, t: edited(trie.t, firstRecord((t, r) => (t[r] = 4))) } },
      // A record whose tail runs past the stored tails.
      { ...good, trie: { ...trie, t: edited(trie.t, firstRecord((t, r) => (t[r + 3] = 1000))) } },
      // A chain naming a class the table does not have, or running past the end of the nodes.
      { ...good, trie: { ...trie, t: edited(trie.t, firstChain((t, o) => (t[o + 1] = 999))) } },
      { ...good, trie: { ...trie, t: edited(trie.t, firstChain((t, o) => (t[o] = -1 - t.length))) } },
      // A capture layout below -1 (-1 means "worked out when matched").
      { ...good, spanAt: packInts([-2, 0, 0, 0, 0]) },
      // A node that says it has more records than the array holds.
      { ...good, trie: { ...trie, t: edited(trie.t, (t) => (t[1] = 1000)) } },
      { ...good, trie: { ...trie, t: packInts([0, 0], 0) } },
      // An array of what is not an integer: each value becomes one (Int32Array converts it), and the checks refuse the shape.
      { ...good, trie: { ...trie, t: ['x', 1.5, null, {}, 2 ** 40] } },
      { ...good, trie: { ...trie, tails: packInts([9999]) } },
    ];
    for (const b of bad) expect(restoreAutomaton(b, entries), JSON.stringify(b)).toBeUndefined();
  });

  it('agrees with the reference when its cache is tiny and keeps being flushed', () => {
    fc.assert(
      fc.property(
        planArb.chain((plan) => fc.tuple(fc.constant(plan), fc.array(fc.tuple(inputArb(plan), fc.boolean()), { minLength: 1, maxLength: 20 }))),
        ([plan, queries]) => {
          const entries = compileTable(plan);
          const matcher = compileAutomaton(entries, { maxStates: 4 });
          for (const [text, carry] of queries) {
            expect(view(matcher.find(text, carry))).toEqual(view(findFirstMatch(entries, text, carry)));
          }
          expect(matcher.stats().states).toBeLessThanOrEqual(4);
        },
      ),
      { seed: 7, numRuns: 150 },
    );
  });

  it('agrees with the reference with a 32-bit transition table too (a bound above 65 535 states)', () => {
    fc.assert(
      fc.property(
        planArb.chain((plan) => fc.tuple(fc.constant(plan), fc.array(fc.tuple(inputArb(plan), fc.boolean()), { minLength: 1, maxLength: 20 }))),
        ([plan, queries]) => {
          const entries = compileTable(plan);
          const matcher = compileAutomaton(entries, { maxStates: 70_000 });
          for (const [text, carry] of queries) {
            expect(view(matcher.find(text, carry))).toEqual(view(findFirstMatch(entries, text, carry)));
          }
        },
      ),
      { seed: 9, numRuns: 100 },
    );
  });

  it('lets an earlier entry matching only the base beat a later entry matching the whole text', () => {
    const entries = compileTable([['+1NXXNXXXXXX'], ['+Z'], ['Z']]);
    const m = compileAutomaton(entries);
    expect(view(m.find('+13175551234^12', true))).toEqual({
      entry: 0,
      pattern: 0,
      matched: '+13175551234',
      suffix: '^12',
      groups: ['+13175551234', '3', '1', '7', '5', '5', '5', '1', '2', '3', '4'],
    });
    // Without carrying the extension the base does not count, and the whole text goes to the later entry.
    expect(m.find('+13175551234^12', false)?.entry).toBe(1);
    // A predicate that refuses entry 0 gets the whole-text match of entry 1.
    expect(view(m.find('+13175551234^12', true, (x) => x.entry !== 0))).toEqual(view(findFirstMatch(entries, '+13175551234^12', true, (x) => x.entry !== 0)));
    expect(m.find('+13175551234^12', true, (x) => x.entry !== 0)?.suffix).toBe('');
  });

  it('prefers the whole text within one entry and reports the first pattern that matches', () => {
    const entries = compileTable([['XXXX^XX', 'XXXX', 'Z']]);
    const m = compileAutomaton(entries);
    expect(view(m.find('1234^56', true))).toEqual({ entry: 0, pattern: 0, matched: '1234^56', suffix: '', groups: ['1234^56', '1', '2', '3', '4', '5', '6'] });
    expect(m.find('1234^5', true)?.pattern).toBe(2);
  });

  it('treats a leading separator as part of the number, not as an extension', () => {
    const entries = compileTable([['XXXX'], ['/Z']]);
    const m = compileAutomaton(entries);
    expect(m.find('/6929', true)?.entry).toBe(1);
    expect(m.find('/6929', true)?.suffix).toBe('');
  });

  it('folds case as the reference regexes do, including outside ASCII', () => {
    const entries = compileTable([['sip:Z'], ['é"X"'], ['k']]);
    const m = compileAutomaton(entries);
    for (const text of ['SIP:a@b', 'Sip:', 'ÉX', 'éx', 'Éy', 'K', 'k', '\u212a', 'ſip:a']) {
      expect(view(m.find(text, true)), text).toEqual(view(findFirstMatch(entries, text, true)));
    }
    expect(m.find('ÉX', true)?.entry).toBe(1);
    expect(m.find('\u212a', true)).toBeUndefined();
  });

  it('never matches a pattern with an unknown name or an empty set', () => {
    const entries = compileTable([['1{unknown}'], ['1{none}'], ['1Z']]);
    expect(compileAutomaton(entries).find('1', true)?.entry).toBe(2);
  });

  it('reads an empty text as the reference does', () => {
    const entries = compileTable([['?'], ['Z']]);
    expect(view(compileAutomaton(entries).find('', true))).toEqual(view(findFirstMatch(entries, '', true)));
  });
});

describe('structures shared across entries', () => {
  // Plans over a few digits, mostly literal, so that prefixes collide: exact numbers, fixed tails after a literal prefix
  // (the trie's part), loops and sets (the DFA's part), and the same prefix in many entries.
  const overlapPiece = fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom('1', '2', '3') },
    { weight: 3, arbitrary: fc.constantFrom('X', 'N', '[12]', '[a-b]') },
    { weight: 2, arbitrary: fc.constantFrom('?', 'Z') },
    { weight: 1, arbitrary: fc.constantFrom('{cc}', '{area}', '"ab"') },
  );
  const overlapPlan = fc.array(fc.array(fc.array(overlapPiece, { minLength: 1, maxLength: 7 }).map((ps) => ps.join('')), { minLength: 1, maxLength: 3 }), {
    minLength: 1,
    maxLength: 30,
  });
  const variants: readonly [string, AutomatonOptions][] = [
    ['trie and DFA', {}],
    ['one pattern per trie node', { maxTriePatternsPerNode: 1 }],
    ['DFA alone', { trie: false }],
    ['a cache of 4 states', { maxStates: 4 }],
  ];
  for (const [name, options] of variants) {
    it(`agrees with the reference (${name})`, () => {
      fc.assert(
        fc.property(
          overlapPlan.chain((plan) =>
            fc.tuple(fc.constant(plan), fc.array(fc.tuple(inputArb(plan), fc.boolean(), acceptArb), { minLength: 1, maxLength: 30 })),
          ),
          ([plan, queries]) => {
            const entries = compileTable(plan);
            const matcher = compileAutomaton(entries, options);
            for (const [text, carry, accept] of queries) {
              expect(view(matcher.find(text, carry, accept)), `${JSON.stringify(plan)} ${JSON.stringify(text)} carry=${carry}`).toEqual(
                view(findFirstMatch(entries, text, carry, accept)),
              );
            }
          },
        ),
        { seed: 1201, numRuns: 300 },
      );
    });
  }

  it('agrees with the reference on DID-sized plans, whose tries are laid out in levels and groups, restored too', () => {
    // Enough numbers that the trie is larger than one group (a subtree over 1 KB): its upper levels are stored level by
    // level and each small subtree as a depth-first group, with chains only inside groups.
    const digit = fc.constantFrom(...'0123456789'.split(''));
    const number = fc.tuple(fc.constantFrom('317', '463', '765'), fc.constantFrom('2', '5', '9'), fc.array(digit, { minLength: 6, maxLength: 6 }), fc.nat(4));
    const didPlan = fc.array(
      number.map(([area, first, rest, tail]) => {
        const digits = first + rest.join('');
        // Mostly exact numbers; some end in a fixed tail of wildcards, some are prefixes of others.
        return [`+1${area}${digits.slice(0, 7 - tail)}${'X'.repeat(tail)}`];
      }),
      { minLength: 40, maxLength: 160 },
    );
    fc.assert(
      fc.property(
        didPlan.chain((plan) =>
          fc.tuple(
            fc.constant([...plan, ['+1NXXNXXXXXX'], ['Z']]),
            fc.array(fc.tuple(fc.constantFrom(...plan.flat()).chain((src) => sampleOf(parsePattern(src).tokens)), extensionArb, fc.boolean()), { minLength: 1, maxLength: 30 }),
          ),
        ),
        ([plan, queries]) => {
          const entries = compileTable(plan);
          const matcher = compileAutomaton(entries);
          const restored = restoreAutomaton(JSON.parse(JSON.stringify(snapshotAutomaton(matcher))), entries);
          expect(restored).toBeDefined();
          for (const [sample, extension, carry] of queries) {
            for (const text of [sample + extension, sample.slice(0, -1), `${sample}9`]) {
              const want = view(findFirstMatch(entries, text, carry));
              expect(view(matcher.find(text, carry)), `${text} carry=${carry}`).toEqual(want);
              expect(view(restored?.find(text, carry)), `restored: ${text} carry=${carry}`).toEqual(want);
            }
          }
        },
      ),
      { seed: 1202, numRuns: 40 },
    );
  });

  it('puts exact numbers and literal prefixes with fixed tails in the trie, the rest in the DFA', () => {
    const entries = compileTable([['+13175551234'], ['+1317555XXXX'], ['+1NXXNXXXXXX'], ['+Z'], ['NXXXXXX'], ['Z']]);
    const stats = compileAutomaton(entries).stats();
    expect(stats.triePatterns).toBe(3);
    expect(stats.dfaPatterns).toBe(3);
    expect(compileAutomaton(entries, { trie: false }).stats()).toMatchObject({ triePatterns: 0, dfaPatterns: 6 });
  });

  it('keeps at most the given number of patterns on one trie node and gives the others to the DFA', () => {
    const entries = compileTable([['+1XXXX'], ['+1NXXX'], ['+1XNXX'], ['+1XXNX']]);
    const m = compileAutomaton(entries, { maxTriePatternsPerNode: 2 });
    expect(m.stats()).toMatchObject({ triePatterns: 2, dfaPatterns: 2 });
    for (const text of ['+12222', '+10000', '+11211', '+11121', '+112']) {
      expect(view(m.find(text, true))).toEqual(view(findFirstMatch(entries, text, true)));
    }
  });
});

describe('plans whose states are too large to cache', () => {
  it('step the automaton uncached from where the query is, and still answer like the reference', () => {
    // 2 000 mixtures of `?`, X, N and digits with two `?` each (so that the backtracking reference stays quick on
    // short inputs): their live states hold more nodes than the cache takes.
    const rnd = fc.sample(fc.array(fc.constantFrom('X', 'X', 'N', '1', '2', '3', '5', '7', '9', '0'), { minLength: 6, maxLength: 10 }), { seed: 77, numRuns: 2000 });
    const table = rnd.map((atoms, i) => {
      const p: string[] = ['?', ...atoms];
      p.splice(1 + (i % atoms.length), 0, '?');
      return [p.join('')];
    });
    const entries = compileTable(table);
    const m = compileAutomaton(entries);
    const texts = fc.sample(fc.array(fc.constantFrom(...'0123456789*#'.split('')), { minLength: 4, maxLength: 16 }).map((a) => a.join('')), {
      seed: 78,
      numRuns: 300,
    });
    for (const t of texts) expect(view(m.find(t, true)), t).toEqual(view(findFirstMatch(entries, t, true)));
    expect(m.stats().simulated).toBeGreaterThan(0);
  });
});

describe('pathological plans', () => {
  // `?1XXXXXXXXXXXX`: the 13th character from the end is a 1. A DFA must remember the last 13 characters, 2^13 states
  // over the digits 0 and 1 alone; most inputs below build new states.
  const entries = compileTable([['?1XXXXXXXXXXXX'], ['?2XXXXXXXXXXXX', '??3???'], ['Z']]);
  const texts = fc.sample(fc.array(fc.constantFrom('0', '1', '2', '3'), { minLength: 10, maxLength: 30 }).map((a) => a.join('')), {
    seed: 3,
    numRuns: 400,
  });

  const run = (options: AutomatonOptions): ReturnType<ReturnType<typeof compileAutomaton>['stats']> => {
    const m = compileAutomaton(entries, options);
    for (const t of texts) expect(view(m.find(t, true))).toEqual(view(findFirstMatch(entries, t, true)));
    return m.stats();
  };

  it('stays within its state bound, flushes, and still answers like the reference', () => {
    const stats = run({ maxStates: 2000 });
    expect(stats.states).toBeLessThanOrEqual(2000);
    expect(stats.flushes).toBeGreaterThan(0);
  });

  it('simulates the automaton without its cache when the cache thrashes, and still answers like the reference', () => {
    const stats = run({ maxStates: 50 });
    expect(stats.simulating).toBe(true);
    expect(stats.simulated).toBeGreaterThan(0);
  });

  it('bounds the node ids held by its states too', () => {
    const stats = run({ maxStoredNodes: 5000 });
    expect(stats.flushes).toBeGreaterThan(0);
  });
});

describe('pathological plans with the default bounds', () => {
  it('keeps the cache within 65 535 states while a 2^18-state DFA is explored', () => {
    const entries = compileTable([['?1XXXXXXXXXXXXXXXXX'], ['Z']]);
    const m = compileAutomaton(entries);
    const texts = fc.sample(fc.array(fc.constantFrom('0', '1'), { minLength: 60, maxLength: 60 }).map((a) => a.join('')), {
      seed: 5,
      numRuns: 2500,
    });
    let maxStates = 0;
    for (const [i, t] of texts.entries()) {
      const got = m.find(t, true);
      // Checking every answer against the backtracking reference would dominate the run time; every 25th is enough.
      if (i % 25 === 0) expect(view(got)).toEqual(view(findFirstMatch(entries, t, true)));
      else expect(got?.entry).toBe(t[t.length - 18] === '1' ? 0 : 1);
      maxStates = Math.max(maxStates, m.stats().states);
    }
    const stats = m.stats();
    expect(maxStates).toBeLessThanOrEqual(65_535);
    expect(stats.flushes).toBeGreaterThan(0);
    expect(stats.cacheBytes).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('the engine default', () => {
  it('compiles every table of a plan into an automaton', () => {
    const plan = loadDefaultDialPlan();
    const tables = plan.compiled.defaultTables;
    expect('stats' in tables.entryMatcher && 'stats' in tables.conversionMatcher).toBe(true);
  });

  it('gives the same details as the reference matcher on the default plan', () => {
    const fast = loadDefaultDialPlan();
    const reference = loadDialPlan(readFileSync(DEFAULT_RULES_PATH, 'utf8'), { matcher: referenceMatcher });
    const inputs = fc.sample(
      fc.oneof(
        fc.array(fc.constantFrom(...'0123456789+-() /^*#xX'.split('')), { maxLength: 18 }).map((a) => a.join('')),
        fc.constantFrom('sip:agent@example.com', 'SIPS:Agent@Example.com', '1-800-FLOWERS x12', '+44 20 7946 0958', '911', '6929'),
      ),
      { seed: 11, numRuns: 2000 },
    );
    for (const text of inputs) expect(fast.query(text), text).toEqual(reference.query(text));
  });

  it('reports what its matchers hold through plan.stats()', () => {
    const plan = loadDefaultDialPlan();
    const before = plan.stats().dialPlan;
    expect(before?.triePatterns).toBeGreaterThan(0);
    expect((before?.triePatterns ?? 0) + (before?.dfaPatterns ?? 0)).toBeGreaterThan(10);
    plan.query('+44 20 7946 0958 x12');
    expect(plan.stats().dialPlan?.states).toBeGreaterThanOrEqual(before?.states ?? 0);
    const reference = loadDialPlan(readFileSync(DEFAULT_RULES_PATH, 'utf8'), { matcher: referenceMatcher });
    expect(reference.stats()).toEqual({ inputConversions: undefined, dialPlan: undefined });
  });

  it('is exported as a matcher factory', () => {
    const entries = compileTable([['NXX']]);
    expect(automatonMatcher(entries).find('317', true)?.entry).toBe(0);
  });
});
