// The request log's path redaction, written by hand for speed (issue 20), gives exactly what the regular expression it
// replaced gave: the session id replaced by {sessionId}, every other path as it is.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactPath } from '../../../src/node/http/server.js';

function reference(path: string): string {
  const m = /^(\/icws\/)([^/]+)(\/.*)?$/i.exec(path);
  if (!m || m[3] === undefined || m[2]?.toLowerCase() === 'connection') return path;
  return `${m[1]}{sessionId}${m[3]}`;
}

describe('redactPath', () => {
  it('redacts the session id of session routes, in any case of /icws/', () => {
    expect(redactPath('/icws/3f2a/phone-numbers/query-details')).toBe('/icws/{sessionId}/phone-numbers/query-details');
    expect(redactPath('/IcWs/3f2a/connection')).toBe('/IcWs/{sessionId}/connection');
    expect(redactPath('/icws/a/')).toBe('/icws/{sessionId}/');
    for (const kept of ['/icws/connection/version', '/ICWS/CONNECTION/features', '/icws/abc', '/icws//x', '/icw/a/b', '/', '', '/icws/ab/c\n', '/icws/a\nb/c'])
      expect(redactPath(kept)).toBe(reference(kept));
  });

  it('agrees with the regular expression on any path', () => {
    const piece = fc.constantFrom('/', 'icws', 'ICWS', 'iCwS', 'connection', 'CONNECTION', 'conn', 'x', 'a1', '\n', '\u2028', '\r', 'ı', 'ſ', '\u0130', '%2F', '');
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 3 })), { maxLength: 8 }), (parts) => {
        const path = parts.join('');
        expect(redactPath(path)).toBe(reference(path));
        expect(redactPath(`/icws/${path}`)).toBe(reference(`/icws/${path}`));
      }),
      { seed: 7, numRuns: 3000 },
    );
  });
});
