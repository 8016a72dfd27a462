import { describe, expect, it } from 'vitest';
import { decimalDigitValue, prepareNumber } from '../src/prepare.js';
import type { PrepareStep } from '../src/prepare.js';

describe('decimalDigitValue', () => {
  it('gives every Unicode decimal digit its value, and -1 to everything else', () => {
    let digitsSeen = 0;
    for (let cp = 0x80; cp <= 0x1fbff; cp++) {
      const ch = String.fromCodePoint(cp);
      const v = decimalDigitValue(ch);
      if (/\p{Nd}/u.test(ch)) {
        digitsSeen++;
        // Checked against the character's own name in the Unicode data through NFKC where it folds, and by its run.
        expect(v).toBeGreaterThanOrEqual(0);
        const folded = ch.normalize('NFKC');
        if (/^[0-9]$/.test(folded)) expect(v).toBe(Number(folded));
      } else {
        expect(v).toBe(-1);
      }
    }
    expect(digitsSeen).toBeGreaterThan(600);
    expect(decimalDigitValue('٧')).toBe(7); // ARABIC-INDIC DIGIT SEVEN
    expect(decimalDigitValue('৯')).toBe(9); // BENGALI DIGIT NINE
  });
});

describe('prepareNumber', () => {
  it('records what it removed and mapped when asked', () => {
    const trace: PrepareStep[] = [];
    const r = prepareNumber('1-800-AB x7', '^', trace);
    expect(r).toEqual({ ok: true, text: '180022^7', sip: false });
    expect(trace).toContainEqual({ kind: 'mapped', from: 'A', to: '2' });
    expect(trace).toContainEqual({ kind: 'removed', from: '-', to: '' });
    expect(trace).toContainEqual({ kind: 'extension-label', from: 'x7', to: '^7' });
  });

  it('uses the plan separator for extension labels', () => {
    expect(prepareNumber('555 1234 ext 9', '/')).toEqual({ ok: true, text: '5551234/9', sip: false });
  });

  it('counts characters, not UTF-16 units, against the limit', () => {
    const astral = '😀'.repeat(256); // 512 UTF-16 units, 256 characters
    expect(prepareNumber(astral).ok).toBe(false);
    const r = prepareNumber(astral);
    if (!r.ok) expect(r.error.code).toBe('EMPTY');
    const tooLong = prepareNumber('😀'.repeat(257));
    expect(tooLong.ok ? '' : tooLong.error.code).toBe('TOO_LONG');
  });
});
