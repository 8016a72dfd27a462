// `npm pack --json` (and `npm publish --json`) run the prepack build, whose steps inherit npm's standard output: a
// build step that prints there breaks the JSON a release script reads. The playground step printed its size there.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

it('the playground build step writes nothing to standard output (its size line goes to standard error)', () => {
  const out = mkdtempSync(join(tmpdir(), 'dialplan-pack-json-'));
  const stdout = execFileSync(process.execPath, [join(ROOT, 'scripts/build-playground.mjs'), '--out', out], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  expect(stdout).toBe('');
}, 130_000);
