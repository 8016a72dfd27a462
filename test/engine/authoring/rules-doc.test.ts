// The authoring tutorial of docs/rules.md: its files and commands are run by test/docs.test.ts (output and exit code);
// this spec pins that the tutorial keeps its shape (lint finds the problem, test fails, explain, then both pass).
import { expect, it } from 'vitest';
import { consoleSteps, readBlocks } from '../../doc-blocks.js';

const blocks = readBlocks('docs/rules.md');

it('the tutorial has its files and commands, in order, with the exit codes of the story', () => {
  const files = blocks.flatMap((b) => /^yaml file=(\S+)$/.exec(b.info)?.[1] ?? []);
  expect(files).toEqual(['site.yaml', 'fixed.yaml']);
  const steps = blocks.filter((b) => b.info === 'console').flatMap(consoleSteps);
  expect(steps.map((s) => [s.args[0], s.exit ?? 0])).toEqual([
    ['lint', 1],
    ['test', 1],
    ['test', 1],
    ['explain', 0],
    ['lint', 0],
    ['test', 0],
  ]);
});
