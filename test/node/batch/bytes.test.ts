// The byte writer of batch output: each method writes exactly the UTF-8 bytes of the string it stands for, whatever the
// input (escapes, non-ASCII, lone surrogates) and however small the buffer it starts with.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldKey } from '../../../src/node/batch/bytes.js';
import { ByteWriter, fieldKey, utf8 } from '../../../src/node/batch/bytes.js';
import { quoteCsvCell } from '../../../src/node/batch/csv.js';

const text = (w: ByteWriter): string => Buffer.from(w.finish()).toString('utf8');
const SEED = 20261128;

describe('ByteWriter', () => {
  it('writes JSON string literals byte for byte as JSON.stringify and UTF-8 do', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { maxLength: 8 }), (values) => {
        const w = new ByteWriter(1);
        for (const v of values) w.json(v);
        expect(Buffer.from(w.finish()).equals(Buffer.from(values.map((v) => JSON.stringify(v)).join(''), 'utf8'))).toBe(true);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('writes CSV cells as quoteCsvCell gives them', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', '1', ',', '"', '\r', '\n', '\t', 'é', '€', '😀'), maxLength: 12 }), { maxLength: 6 }), (values) => {
        const w = new ByteWriter(1);
        values.forEach((v, i) => {
          if (i > 0) w.ascii(',');
          w.csv(v);
        });
        expect(text(w)).toBe(values.map(quoteCsvCell).join(','));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('writes key-and-text fields (jsonField, csvField) as the key or separator then the JSON string inside or the CSV cell', () => {
    // Keys of every length modulo 4 (copied four bytes at a time, then the rest), and none.
    const keys = [fieldKey(',"a":"'), fieldKey('","normalizedText":"'), fieldKey(''), fieldKey('{"b":"'), fieldKey('","c":"')];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(4), fc.string({ unit: 'binary', maxLength: 30 })), { maxLength: 8 }), (fields) => {
        const w = new ByteWriter(1);
        const c = new ByteWriter(1);
        let json = '';
        for (const [k, v] of fields) {
          w.jsonField(keys[k] as FieldKey, v);
          if (k === 4) w.key(keys[1] as FieldKey);
          c.csvField(k === 2 ? 59 : 44, v);
          json += Buffer.from((keys[k] as FieldKey).bytes).toString('utf8') + JSON.stringify(v).slice(1, -1);
          if (k === 4) json += '","normalizedText":"';
        }
        expect(Buffer.from(w.finish()).equals(Buffer.from(json, 'utf8'))).toBe(true);
        expect(text(c)).toBe(fields.map(([k, v]) => (k === 2 ? ';' : ',') + quoteCsvCell(v)).join(''));
      }),
      { seed: SEED, numRuns: 400 },
    );
    // An escape after printable text: what the fast loop copied before it is written over, not kept twice.
    const w = new ByteWriter(8);
    w.jsonField(fieldKey('{"k":"'), 'abc"d\\e\u00e9\ud800');
    w.bytes(utf8('"}'));
    expect(text(w)).toBe(JSON.stringify({ k: 'abc"d\\e\u00e9\ud800' }));
  });

  it('copies fixed template text as it is, or writes nothing and answers false for text JSON or CSV would escape', () => {
    const w = new ByteWriter(1);
    for (const t of ['(Long Distance) 1 (', 'short', '(Long Distance) 1 (', '']) expect(w.literal(t), t).toBe(true);
    expect(text(w)).toBe('(Long Distance) 1 (short(Long Distance) 1 (');
    for (const t of ['Toll "Free" numbers', 'a,b pause here', 'back\\slash here', 'Café au lait', 'tab\there too', 'x,y']) {
      const before = w.length;
      expect(w.literal(t), t).toBe(false);
      expect(w.length, t).toBe(before);
    }
    // Past the table's room (4 096 texts), texts are still copied, a character at a time.
    for (let i = 0; i < 5000; i++) expect(w.literal(`entry number ${i} `)).toBe(true);
    expect(text(w).endsWith('entry number 4999 ')).toBe(true);
  });

  it('writes integers as String does, also past 32 bits, negative or fractional', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.integer(), fc.double({ noNaN: true }), fc.constantFrom(0, 9, 10, 2147483647, 2147483648, 1e21)), (n) => {
        const w = new ByteWriter(1);
        w.int(n);
        expect(text(w)).toBe(String(n));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('copies encoded bytes, short and long, and grows past its first size', () => {
    const w = new ByteWriter(4);
    const long = 'x'.repeat(100) + '€';
    w.bytes(utf8('{"a":'));
    w.text('é');
    w.bytes(utf8(long));
    expect(text(w)).toBe('{"a":é' + long);
    expect(w.length).toBe(Buffer.byteLength('{"a":é' + long));
  });
});
