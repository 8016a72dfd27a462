// The bytes of exported files: UTF-8 with or without a byte order mark, and the UTF-16 that Windows PowerShell 5.1
// writes for `Get-CsTenantDialPlan | ConvertTo-Json -Depth 5 > plans.json`.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IMPORT_FORMATS } from '../../../src/engine/migrate/formats.js';
import { decodeSourceBytes, lineColumn, parsePositionedCsv } from '../../../src/engine/migrate/source-text.js';

const FIXTURE = readFileSync(new URL('../../fixtures/migration/teams-small.json', import.meta.url), 'utf8');
const utf16le = (text: string): Uint8Array => new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
const utf16be = (text: string): Uint8Array => {
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let k = 0; k < le.length; k += 2) {
    be[k] = le[k + 1] as number;
    be[k + 1] = le[k] as number;
  }
  return new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
};

describe('decodeSourceBytes', () => {
  it('reads UTF-8, with or without a byte order mark', () => {
    expect(decodeSourceBytes(new TextEncoder().encode('{"a": "é"}'))).toBe('{"a": "é"}');
    expect(decodeSourceBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toBe('{}');
  });

  it('reads UTF-16 little- and big-endian when a byte order mark says so', () => {
    const text = FIXTURE.replace(/\n/g, '\r\n');
    expect(decodeSourceBytes(utf16le(text))).toBe(text);
    expect(decodeSourceBytes(utf16be(text))).toBe(text);
  });

  it('refuses bytes that are neither', () => {
    expect(decodeSourceBytes(new Uint8Array([0x7b, 0xff, 0x7d]))).toBeUndefined();
    expect(decodeSourceBytes(new Uint8Array([0xfe, 0xff, 0x00]))).toBeUndefined();
  });

  it('a Teams export saved as UTF-16 by Windows PowerShell imports as its UTF-8 twin does', () => {
    const text = decodeSourceBytes(utf16le(FIXTURE.replace(/\n/g, '\r\n')));
    expect(text).toBeDefined();
    const fromUtf16 = IMPORT_FORMATS['teams']!.run(text as string, 'teams-small.json').result;
    const fromUtf8 = IMPORT_FORMATS['teams']!.run(FIXTURE, 'teams-small.json').result;
    expect(fromUtf16.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(fromUtf16.plan.entries.map((e) => [e.name, e.match, e.normalized])).toEqual(fromUtf8.plan.entries.map((e) => [e.name, e.match, e.normalized]));
  });
});

describe('parsePositionedCsv', () => {
  it('keeps a last record whose last field is empty when no line break follows it', () => {
    const { header, records } = parsePositionedCsv('a,b,c\n1,2,3\n4,5,');
    expect(header.map((c) => c.value)).toEqual(['a', 'b', 'c']);
    expect(records.map((r) => r.map((c) => c.value))).toEqual([
      ['1', '2', '3'],
      ['4', '5', ''],
    ]);
  });

  it('a CUCM export whose last pattern has no prefix digits and no final line break keeps that pattern', () => {
    const csv = 'ROUTE PATTERN,ROUTE PARTITION,CALLED PARTY TRANSFORMATION MASK,CALLED PARTY PREFIX DIGITS (OUTGOING CALLS)\n9.[2-9]XXXXXX,PT,,+1317\n6XXX,PT,+1317555XXXX,';
    const run = IMPORT_FORMATS['cucm']!.run(csv, 'rp.csv');
    expect(run.result.plan.entries.map((e) => e.classification)).toEqual(['6XXX (PT)', '9.[2-9]XXXXXX (PT)']);
  });
});

describe('lineColumn', () => {
  const naive = (text: string, offset: number): { line: number; column: number } => {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < offset && k < text.length; k++) {
      if (text[k] === '\n') {
        line++;
        lineStart = k + 1;
      }
    }
    return { line, column: offset - lineStart + 1 };
  };

  it('gives what a scan from the start gives, for any text and offset (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\n', '\r', 'x') }), fc.nat(80), fc.string({ unit: fc.constantFrom('b', '\n') }), (text, offset, other) => {
        expect(lineColumn(text, offset)).toEqual(naive(text, offset));
        // Asking about another text in between does not mix their lines up.
        expect(lineColumn(other, offset)).toEqual(naive(other, offset));
        expect(lineColumn(text, offset)).toEqual(naive(text, offset));
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('an import of 20 000 Teams rules reports its positions in linear time', () => {
    const text = JSON.stringify(
      { SimpleName: 'T', NormalizationRules: Array.from({ length: 20_000 }, (_, i) => ({ Name: `R${i}`, Pattern: `^(${1_000_000 + i})$`, Translation: '+1$1', IsInternalExtension: false })) },
      null,
      2,
    );
    const started = Date.now();
    const run = IMPORT_FORMATS['teams']!.run(text, 'many.json');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.result.plan.entries).toHaveLength(20_000);
    expect(run.result.yaml).toContain(`many.json:${text.split('\n').findIndex((l) => l.includes('"^(1019999)$"')) + 1}:`);
  });
});
