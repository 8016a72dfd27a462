// readCookie, rewritten to scan the header in place (issue 20), answers as the split-and-trim reading it replaced, for
// any header and name: spaces and other white space around names, `=` in values, empty parts, repeated names.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCookie } from '../../../src/node/http/sessions.js';

function reference(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

describe('readCookie', () => {
  it('reads the first cookie of that name, trimmed', () => {
    expect(readCookie('a=1; icws_x=abc==; icws_x=2', 'icws_x')).toBe('abc==');
    expect(readCookie(' \u00a0icws_x\t= v ;', 'icws_x')).toBe('v');
    expect(readCookie('icws_xy=1; xicws_x=2', 'icws_x')).toBeUndefined();
    expect(readCookie('', 'a')).toBeUndefined();
    expect(readCookie('a=', 'a')).toBe('');
  });

  it('agrees with splitting at ; and trimming, for any header and name', () => {
    const piece = fc.constantFrom(';', '=', ' ', '\t', '\u00a0', '\u3000', '\ufeff', 'icws_a', 'icws_', 'a', 'b=c', '\u2028', '');
    const text = fc.array(fc.oneof(piece, fc.string({ maxLength: 3 })), { maxLength: 10 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, fc.oneof(fc.constantFrom('icws_a', 'a', 'b', ' a', 'a ', 'a=b', 'a;b', ''), fc.string({ maxLength: 3 })), (header, name) => {
        expect(readCookie(header, name)).toBe(reference(header, name));
      }),
      { seed: 11, numRuns: 5000 },
    );
  });
});
