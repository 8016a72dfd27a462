import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalDigitValue, prepareNumber } from '../../../src/engine/pipeline/prepare.js';
import type { PrepareStep } from '../../../src/engine/pipeline/prepare.js';

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

describe('trunk prefix (0)', () => {
  it.each([
    ['+44 (0)20 7946 0958', '+442079460958'],
    ['+49 (0)30 1234567', '+49301234567'],
    ['+33 (0) 1 42 68 53 00', '+33142685300'],
    ['+44(0)2079460958', '+442079460958'],
    [' + 44 ( 0 ) 20', '+4420'],
    ['+353-(0)1-234-5678', '+35312345678'],
    ['+44 (０)20', '+4420'],
    ['+44 (٠)20', '+4420'],
  ])('drops the (0) after a leading + and country code: %j', (input, text) => {
    expect(prepareNumber(input)).toEqual({ ok: true, text, sip: false });
  });

  it.each([
    ['44 (0)20 7946 0958', '4402079460958'],
    ['(0)20 7946 0958', '02079460958'],
    ['+44 20 (0)7946', '+442007946'],
    ['+4420 (0)7946', '+442007946'],
    ['+44 (1)20', '+44120'],
    ['+44 (00)20', '+440020'],
    ['0 (0) 20', '0020'],
    ['+ (0) 20', '+020'],
  ])('keeps the digit of a (0) anywhere else: %j', (input, text) => {
    expect(prepareNumber(input)).toEqual({ ok: true, text, sip: false });
  });

  it('records the removed (0) for explain', () => {
    const trace: PrepareStep[] = [];
    expect(prepareNumber('+44 (0)20', '^', trace)).toEqual({ ok: true, text: '+4420', sip: false });
    expect(trace).toContainEqual({ kind: 'removed', from: '(0)', to: '' });
    expect(trace.some((s) => s.from === '(' || s.from === ')')).toBe(false);
  });

  it('works with an extension label and a tel: URI', () => {
    expect(prepareNumber('+44 (0)20 7946 0958 x12')).toEqual({ ok: true, text: '+442079460958^12', sip: false });
    expect(prepareNumber('tel:+44(0)20-7946-0958;ext=3', '/')).toEqual({ ok: true, text: '+442079460958/3', sip: false });
    expect(prepareNumber('tel:+44%280%2920-7946-0958')).toEqual({ ok: true, text: '+442079460958', sip: false });
  });
});

describe('an extension label alone', () => {
  it.each(['x6929', 'ext. 6929', 'ext 6929', 'extension 6929', 'EXT:6929', ' x 6929 ', 'extn 6929', ';ext=6929'])(
    '%j is the extension number itself, whatever the separator',
    (input) => {
      expect(prepareNumber(input, '^')).toEqual({ ok: true, text: '6929', sip: false });
      expect(prepareNumber(input, '/')).toEqual({ ok: true, text: '6929', sip: false });
    },
  );

  it('keeps the separator when a number comes first, and records the label', () => {
    const trace: PrepareStep[] = [];
    expect(prepareNumber('317 x12', '^', trace)).toEqual({ ok: true, text: '317^12', sip: false });
    expect(trace).toContainEqual({ kind: 'extension-label', from: 'x12', to: '^12' });
    expect(prepareNumber('- x12')).toEqual({ ok: true, text: '12', sip: false });
    const bare: PrepareStep[] = [];
    expect(prepareNumber('ext. 6929', '^', bare)).toEqual({ ok: true, text: '6929', sip: false });
    expect(bare).toContainEqual({ kind: 'extension-label', from: 'ext. 6929', to: '6929' });
  });
});

describe('prepare as a whole', () => {
  const unit = fc.constantFrom(...'0123456789+/^*#,()- .xXeEtT', ' (0) ', 'ext. ', '\u00A0', '０');
  it('is idempotent: preparing a prepared number changes nothing', () => {
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 30 }).map((u) => u.join('')), fc.constantFrom<'^' | '/'>('^', '/'), (s, sep) => {
        const once = prepareNumber(s, sep);
        if (!once.ok) return;
        expect(prepareNumber(once.text, sep)).toEqual(once);
      }),
      { seed: 20261201, numRuns: 3000 },
    );
  });
});
