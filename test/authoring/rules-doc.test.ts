// Runs the authoring tutorial of docs/rules.md: its `yaml file=NAME` blocks are written to a scratch directory, and each
// `$ dialplan ...` line of its `console` blocks is run there; the printed output and the `[exit N]` line must match.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

interface Step {
  readonly args: string[];
  readonly output: string;
  readonly exit: number;
}

const text = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
const blocks = [...text.matchAll(/^```(\S[^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ info: m[1] ?? '', body: m[2] ?? '' }));
const files = blocks.flatMap((b) => {
  const name = /^yaml file=(\S+)$/.exec(b.info)?.[1];
  return name ? [{ name, body: b.body }] : [];
});
const steps: Step[] = blocks
  .filter((b) => b.info === 'console')
  .flatMap((b) =>
    b.body
      .split(/^\$ /m)
      .filter((s) => s.trim() !== '')
      .map((s) => {
        const [command = '', ...rest] = s.split('\n');
        const exitLine = rest.findIndex((l) => /^\[exit \d+\]$/.test(l));
        return {
          args: command.trim().split(/\s+/).slice(1),
          output: rest.slice(0, exitLine).join('\n') + (exitLine > 0 ? '\n' : ''),
          exit: Number(/\d+/.exec(rest[exitLine] ?? '')?.[0] ?? NaN),
        };
      }),
  );

it('the tutorial has its files and commands', () => {
  expect(files.map((f) => f.name)).toEqual(['site.yaml', 'fixed.yaml']);
  expect(steps.map((s) => s.args[0])).toEqual(['lint', 'test', 'explain', 'lint', 'test']);
});

it('every command of the tutorial prints what the page shows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialplan-tutorial-'));
  for (const f of files) writeFileSync(join(dir, f.name), f.body);
  const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
  for (const s of steps) {
    const r = spawnSync(process.execPath, [cli, ...s.args], { encoding: 'utf8', cwd: dir });
    expect(r.stdout + r.stderr, s.args.join(' ')).toBe(s.output);
    expect(r.status, s.args.join(' ')).toBe(s.exit);
  }
});
