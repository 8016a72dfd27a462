// docs/icws.md documents every error id the endpoint can send, with its status, and the exact 401 challenge.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ICWS_ERROR_IDS, WWW_AUTHENTICATE } from '../../../src/node/http/respond.js';

const doc = readFileSync(new URL('../../../docs/icws.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\| (\d{3}) \| `([^`]+)` \|/gm)].map((m) => [m[2], Number(m[1])] as const);

it('has one table row per error id, and no row for an id that does not exist', () => {
  expect(new Set(rows.map(([id]) => id))).toEqual(new Set(Object.values(ICWS_ERROR_IDS)));
});

it('shows the exact WWW-Authenticate challenge', () => {
  expect(doc).toContain(`WWW-Authenticate: ${WWW_AUTHENTICATE}`);
});
