// The malformed-rule-file corpus: every file must fail to load with exactly the problems (code, line, column) listed for it
// in test/fixtures/malformed/expected.yaml, and the CLI must report them without a stack trace.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatProblem, safeLoadDialPlan, safeLoadDialPlanFile } from '../../../src/index.js';

const dir = new URL('../../fixtures/malformed/', import.meta.url);
const expected = parse(readFileSync(new URL('expected.yaml', dir), 'utf8')) as Record<string, string[]>;
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'expected.yaml').sort();

it('has at least 40 malformed files, each with its expectations', () => {
  expect(files.length).toBeGreaterThanOrEqual(40);
  expect(Object.keys(expected).sort()).toEqual(files);
});

describe.each(files)('%s', (file) => {
  it('is rejected with exactly the expected problems', () => {
    // Read from disk as the CLI does: a file that is not UTF-8 must be reported, not decoded with U+FFFD.
    const r = safeLoadDialPlanFile(fileURLToPath(new URL(file, dir)), { file });
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems.map((p) => `${p.code} ${p.line}:${p.column}`)).toEqual(expected[file]);
    for (const p of problems) {
      // Each problem names its file and shows the source line with a caret under the column.
      expect(p.file).toBe(file);
      const caretLine = p.excerpt?.split('\n')[1] ?? '';
      expect(caretLine.indexOf('^') - caretLine.indexOf('|') - 2, formatProblem(p)).toBe((p.column ?? 1) - 1);
    }
  });
});

it('the CLI reports every malformed file without a stack trace', () => {
  const cli = fileURLToPath(new URL('../../../dist/node/cli/main.js', import.meta.url));
  const paths = files.map((f) => fileURLToPath(new URL(f, dir)));
  // One process for all files (dialplan test takes many) keeps this fast.
  const r = spawnSync(process.execPath, [cli, 'test', ...paths], { encoding: 'utf8' });
  expect(r.status).toBe(2); // a file that does not load is input that cannot be read (docs/cli.md, exit codes)
  const out = r.stdout + r.stderr;
  expect(out).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)|unexpected failure/);
  for (const f of files) expect(out).toContain(`${f}: does not load`);
  // lint takes many files too.
  const lint = spawnSync(process.execPath, [cli, 'lint', ...paths], { encoding: 'utf8' });
  expect(lint.status).toBe(2);
  expect(lint.stdout + lint.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)|unexpected failure/);
  // And the --rules option of query: one file is enough to see the exit code and the absence of a stack.
  const q = spawnSync(process.execPath, [cli, 'query', '--rules', paths[0] as string, '6929'], { encoding: 'utf8' });
  expect(q.status).toBe(2);
  expect(q.stderr).toContain('cannot load');
  expect(q.stderr).not.toMatch(/\n\s+at /);
});

it('suggests the key a misspelt one was meant to be', () => {
  const r = safeLoadDialPlan(readFileSync(new URL('unknown-key-typo.yaml', dir), 'utf8'));
  expect(r.ok ? '' : r.problems[0]?.message).toBe('Unknown key "normalised" (did you mean "normalized"?).');
});
