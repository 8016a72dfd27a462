// Invariants of the whole pipeline, checked with fast-check on the bundled default plan. Seeds are fixed so that CI runs
// the same cases every time; a failure prints the counterexample and its seed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDefaultDialPlan } from '../../src/index.js';

const plan = loadDefaultDialPlan();
const SEED = 20261128;
const ERROR_CODES = ['TOO_LONG', 'EMPTY'];

// An independent statement of the keypad, to check the engine against.
const KEYPAD: Record<string, string> = {};
for (const [digit, letters] of Object.entries({ 2: 'abc', 3: 'def', 4: 'ghi', 5: 'jkl', 6: 'mno', 7: 'pqrs', 8: 'tuv', 9: 'wxyz' })) {
  for (const l of letters) KEYPAD[l] = digit;
}

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
/** Numbers people type: bare digits, +E.164, 011, short codes, extensions, with or without an extension label. */
const phoneLike = fc.oneof(
  digits(1, 16),
  digits(7, 15).map((d) => `+${d}`),
  digits(5, 12).map((d) => `011${d}`),
  fc.tuple(digits(10, 10), digits(1, 5)).map(([d, e]) => `${d} x${e}`),
  fc.tuple(digits(7, 11), fc.constantFrom('^', '/'), digits(0, 4)).map(([d, s, e]) => d + s + e),
  digits(1, 6).map((d) => `/${d}`),
  fc.constantFrom('sip:agent@example.com', '6929@pbx', '*67', '#', ',', '+', '/', '^'),
);
const TRUNK = /^(\+\s*\d{1,3}[\s.\-\u2013]*)\(\s*0\s*\)/;
const formatting = fc.constantFrom(' ', '-', '.', '(', ')', '[', ']', '\u00A0', '\u2013');

describe('query', () => {
  it('never throws and always answers with details or a known error, on any Unicode string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const r = plan.query(s);
        if (r.ok) {
          expect(r.details.rawText).toBe(s);
          expect(r.details.classifications[0]).toBe(r.details.defaultClassification);
          expect(new Set(r.details.classifications).size).toBe(r.details.classifications.length);
        } else {
          expect(ERROR_CODES).toContain(r.error.code);
        }
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('never throws on values that are not strings', () => {
    for (const v of [undefined, null, 42, {}, [], Symbol('x'), () => 1]) {
      const r = plan.query(v as unknown as string);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('NOT_A_STRING');
    }
  });

  it('ignores spaces, dashes, dots and parentheses between the characters of a number', () => {
    fc.assert(
      fc.property(phoneLike.filter((s) => !s.includes('@') && !s.includes('x')), fc.array(fc.array(formatting, { maxLength: 2 }), { maxLength: 40 }), (number, gaps) => {
        const chars = [...number];
        const formatted = chars.map((c, i) => c + (gaps[i] ?? []).join('')).join('');
        // A `(0)` right after a leading `+` and country code is a trunk prefix, and the one thing formatting may remove.
        const trunk = TRUNK.exec(formatted);
        const plain = plan.query(trunk ? formatted.slice(0, trunk.index + (trunk[1] ?? '').length) + formatted.slice(trunk.index + trunk[0].length) : number);
        const noisy = plan.query(formatted);
        expect(noisy.ok).toBe(plain.ok);
        if (plain.ok && noisy.ok) expect(noisy.details.normalizedText).toBe(plain.details.normalizedText);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('maps letters as the keypad does, in either case', () => {
    const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz');
    fc.assert(
      fc.property(digits(0, 4), fc.array(letter, { minLength: 1, maxLength: 10 }), (lead, letters) => {
        // Ending on a letter keeps an extension label (`x12`) out of the way.
        const word = letters.join('');
        const expected = plan.query(lead + [...word].map((l) => KEYPAD[l]).join(''));
        for (const text of [lead + word, lead + word.toUpperCase()]) {
          const r = plan.query(text);
          expect(r.ok && expected.ok).toBe(true);
          if (r.ok && expected.ok) expect(r.details.normalizedText).toBe(expected.details.normalizedText);
        }
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('dials as International only a number of 7 to 15 digits, and shows no text that ends with a space', () => {
    const spaced = fc.tuple(phoneLike, fc.array(fc.constantFrom(' ', '(', ')', '(0)', ' (0) ', 'x', 'ext. '), { maxLength: 3 })).map(([n, extra]) => extra.join('') + n);
    fc.assert(
      fc.property(fc.oneof(phoneLike, spaced, fc.string({ maxLength: 40 })), (s) => {
        const r = plan.query(s);
        if (!r.ok) return;
        const d = r.details;
        expect(d.displayText).not.toMatch(/\s$/u);
        if (d.defaultClassification === 'International') {
          const digits = (/^\+(\d*)/.exec(d.normalizedText)?.[1] ?? '').length;
          expect(digits, d.normalizedText).toBeGreaterThanOrEqual(7);
          expect(digits, d.normalizedText).toBeLessThanOrEqual(15);
          expect(d.dialCapable).toBe(true);
        }
        if (!d.dialCapable) expect(d.classifications).toEqual(['Unknown']);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('is idempotent: querying a normalized text gives it back', () => {
    fc.assert(
      fc.property(fc.oneof(phoneLike, fc.string({ maxLength: 40 })), (s) => {
        const first = plan.query(s);
        if (!first.ok) return;
        const again = plan.query(first.details.normalizedText);
        expect(again.ok).toBe(true);
        if (again.ok) expect(again.details.normalizedText).toBe(first.details.normalizedText);
      }),
      { seed: SEED, numRuns: 4000 },
    );
  });
});
