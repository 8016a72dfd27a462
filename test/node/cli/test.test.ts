// `dialplan test FILE...` reports every FILE, whatever happens to one of them: one that does not load, or one that does
// not declare the --location asked for, is exit 2 and the files after it still run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { CliRun } from './in-process.js';
import { runCliCaptured } from './in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'dialplan-test-cmd-'));
const HEAD = 'name: t\nclassifications: [Local]\n';
writeFileSync(join(dir, 'sites.yaml'), `${HEAD}locations:\n  north: { area: "1" }\n  south: { area: "2" }\ndialPlan:\n  - { name: a, match: X, classification: Local, normalized: "{area}X" }\ntests:\n  - { input: "5", expect: { normalizedText: "25" } }\n`);
writeFileSync(join(dir, 'plain.yaml'), `${HEAD}dialPlan:\n  - { name: a, match: X, classification: Local }\ntests:\n  - { input: "5", expect: { normalizedText: "5" } }\n`);

const cli = (...argv: string[]): Promise<CliRun> => runCliCaptured(argv, dir);

it('a FILE without the --location is reported and the FILEs after it still run (exit 2)', async () => {
  const r = await cli('test', '--location', 'south', 'sites.yaml', 'plain.yaml', 'sites.yaml');
  expect(r.code).toBe(2);
  expect(r.out).toBe('sites.yaml: 1 of 1 test passed\nsites.yaml: 1 of 1 test passed\n');
  expect(r.err).toBe('dialplan test: Unknown location "south" in plain.yaml; it declares no locations.\n');
});

it('with --json, that FILE is an object with its problem, between the others', async () => {
  const r = await cli('test', '--json', '--location', 'south', 'plain.yaml', 'sites.yaml');
  expect(r.code).toBe(2);
  const lines = r.out.trimEnd().split('\n').map((l) => JSON.parse(l) as { file: string; ok: boolean; problems?: { code: string }[] });
  expect(lines.map((l) => [l.file, l.ok, l.problems?.map((p) => p.code)])).toEqual([
    ['plain.yaml', false, ['UNKNOWN_LOCATION']],
    ['sites.yaml', true, undefined],
  ]);
  expect(r.err).toBe('');
});
