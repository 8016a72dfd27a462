// Runs the examples of README.md and docs/*.md, so that documentation cannot drift from the engine.
// A block fenced as ```yaml plan is a complete rule file: it must load, and each of its `tests:` must pass.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { safeLoadDialPlan } from '../src/index.js';
import { formatProblem } from '../src/index.js';

const root = new URL('../', import.meta.url);
const files = ['README.md', ...readdirSync(new URL('docs/', root)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

interface Block {
  readonly file: string;
  readonly line: number;
  readonly info: string;
  readonly body: string;
}

function blocks(file: string): Block[] {
  const lines = readFileSync(new URL(file, root), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && lines[i] !== '```') body.push(lines[i] ?? '');
    out.push({ file, line: start + 1, info: (open[1] ?? '').trim(), body: body.join('\n') + '\n' });
  }
  return out;
}

const plans = files.flatMap(blocks).filter((b) => b.info === 'yaml plan');

describe.each(plans.map((b) => [`${b.file}:${b.line}`, b] as const))('%s', (where, block) => {
  it('loads and passes its inline tests', () => {
    const r = safeLoadDialPlan(block.body, { file: where });
    if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
    expect(r.plan.rules.tests.length).toBeGreaterThan(0);
    for (const t of r.plan.rules.tests) {
      const q = r.plan.query(t.input, t.location !== undefined ? { location: t.location } : {});
      const { error, ...fields } = t.expect as Record<string, unknown>;
      if (error !== undefined) {
        expect(q.ok ? undefined : q.error.code, t.input).toBe(error);
        continue;
      }
      if (!q.ok) throw new Error(`${t.input}: ${q.error.code}`);
      const actual = Object.fromEntries(Object.keys(fields).map((k) => [k, (q.details as unknown as Record<string, unknown>)[k]]));
      expect(actual, `${where}: ${t.input}`).toEqual(fields);
    }
  });
});

it('finds runnable examples', () => {
  expect(plans.length).toBeGreaterThanOrEqual(4);
});
