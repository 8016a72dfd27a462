// docs/errors.md documents every code of the ErrorCode union, and nothing else; every rule-file code except the ones
// no file can produce (FILE_NOT_FOUND, INVALID_PLAN) has a malformed fixture, and every lint code but LINT_INCOMPLETE a lint fixture.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { expect, it } from 'vitest';

const source = readFileSync(new URL('../../../src/engine/errors.ts', import.meta.url), 'utf8');
const union = /export type ErrorCode =([\s\S]*?);/.exec(source)?.[1] ?? '';
const codes = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1] as string);
const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const documented = [...doc.matchAll(/^### ([A-Z_]+)$/gm)].map((m) => m[1] as string);

it('documents every error code exactly once', () => {
  expect(codes.length).toBeGreaterThan(20);
  expect([...documented].sort()).toEqual([...codes].sort());
});

it('every rule-file and lint code has a fixture', () => {
  const fixtureCodes = (dir: string): Set<string> => {
    const expected = parse(readFileSync(new URL(`../../fixtures/${dir}/expected.yaml`, import.meta.url), 'utf8')) as Record<string, string[]>;
    return new Set(Object.values(expected).flatMap((ps) => ps.map((p) => p.split(' ')[0] as string)));
  };
  const malformed = fixtureCodes('malformed');
  const lint = fixtureCodes('lint');
  const queryTime = ['TOO_LONG', 'EMPTY', 'NOT_A_STRING', 'UNKNOWN_LOCATION'];
  const noFixture = ['FILE_NOT_FOUND', 'INVALID_PLAN', 'LINT_INCOMPLETE'];
  // Input problems of dialplan batch, not of rule files: test/batch covers them.
  const batchInput = ['MALFORMED_CSV', 'UNKNOWN_COLUMN'];
  // dialplan init's unknown country and lint --cross-check findings need no rule-file fixture: test/international covers them.
  const international = ['UNKNOWN_COUNTRY', 'CROSS_CHECK_MISMATCH'];
  const missing = codes.filter(
    (c) => !queryTime.includes(c) && !noFixture.includes(c) && !batchInput.includes(c) && !international.includes(c) && !malformed.has(c) && !lint.has(c),
  );
  expect(missing).toEqual([]);
});
