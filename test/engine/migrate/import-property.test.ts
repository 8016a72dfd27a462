// Property: random extensions.conf contexts and random Unified CM pattern sets import, and the converted plan agrees
// with the reference evaluator (Asterisk's best match, Unified CM's closest match and transformations) on every number.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IMPORT_FORMATS, verifyImport } from '../../../src/engine/migrate/formats.js';

const asteriskPattern = fc
  .tuple(fc.array(fc.constantFrom('1', '9', '0', 'X', 'N', 'Z', '[1-3]', '[27]', '*'), { minLength: 1, maxLength: 5 }), fc.constantFrom('', '', '.', '!'), fc.boolean())
  .map(([body, end, pattern]) => (pattern || end !== '' || body.some((t) => t.length > 1 || /[XNZ]/.test(t)) ? `_${body.join('')}${end}` : body.join('')));

const cucmPattern = fc.record({
  body: fc.array(fc.constantFrom('1', '9', '0', 'X', '[2-9]', '[^5]', '*'), { minLength: 1, maxLength: 4 }),
  dot: fc.boolean(),
  tail: fc.constantFrom('', '', '!', 'X?', '#'),
  mask: fc.constantFrom('', 'XXX', '1X', '+1317XXXXXXX'),
  prefix: fc.constantFrom('', '+', '8'),
  discard: fc.constantFrom('', 'PreDot', 'Trailing-#', 'PreDot Trailing-#'),
});

describe('import property', () => {
  it('Asterisk: random contexts with includes agree with the best-match evaluator (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.array(asteriskPattern, { minLength: 1, maxLength: 6 }), fc.array(asteriskPattern, { minLength: 1, maxLength: 4 }), (a, b) => {
        const text = `[a]\ninclude => b\n${[...new Set(a)].map((p) => `exten => ${p},1,NoOp()`).join('\n')}\n[b]\n${[...new Set(b)].map((p) => `exten => ${p},1,NoOp()`).join('\n')}\n`;
        const run = IMPORT_FORMATS['asterisk']!.run(text, 'x.conf');
        expect(run.result.issues.filter((i) => i.severity === 'error')).toEqual([]);
        const v = verifyImport(run, { seed: 2, perRule: 10 });
        if (!v.ok) throw new Error(v.problems.join('\n'));
        expect(v.report.disagreements).toEqual([]);
      }),
      { seed: 31, numRuns: 120 },
    );
  });

  it('Unified CM: random pattern sets agree with the closest-match evaluator and its transformations (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.array(cucmPattern, { minLength: 1, maxLength: 5 }), (patterns) => {
        const rows = patterns.map((p, i) => {
          const body = p.dot ? `${p.body[0]}.${p.body.slice(1).join('')}` : p.body.join('');
          return `${body}${p.tail},PT_${i},${p.discard},${p.mask},${p.prefix}`;
        });
        const csv = `ROUTE PATTERN,ROUTE PARTITION,DISCARD DIGITS,CALLED PARTY TRANSFORMATION MASK,CALLED PARTY PREFIX DIGITS (OUTGOING CALLS)\n${rows.join('\n')}\n`;
        const run = IMPORT_FORMATS['cucm']!.run(csv, 'rp.csv');
        fc.pre(!run.result.issues.some((i) => i.severity === 'error'));
        const v = verifyImport(run, { seed: 2, perRule: 10 });
        if (!v.ok) throw new Error(v.problems.join('\n'));
        expect(v.report.disagreements).toEqual([]);
      }),
      { seed: 32, numRuns: 120 },
    );
  });
});
