import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packInts, unpackInts } from '../../../src/engine/match/pack.js';

describe('packInts and unpackInts', () => {
  it('give back every list of 32-bit integers, whatever the stride', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (values, stride) => {
        const text = packInts(values, stride);
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(Array.from(unpackInts(text, stride) ?? [NaN])).toEqual(values);
      }),
      { seed: 20261202, numRuns: 2000 },
    );
  });

  it('write a small difference as one character', () => {
    expect(packInts([0, 1, 2, 3])).toBe('ACCC');
    expect(packInts([5, 9, 6, 10], 2)).toBe('KSCC');
    expect(packInts([2 ** 31 - 1, -(2 ** 31)]).length).toBeLessThanOrEqual(14);
  });

  it('refuse text that is not packed integers', () => {
    for (const bad of ['A!', 'é', '_', 'g', '_________', 42, null, undefined]) expect(unpackInts(bad), String(bad)).toBeUndefined();
    expect(Array.from(unpackInts('') ?? [1])).toEqual([]);
  });
});
