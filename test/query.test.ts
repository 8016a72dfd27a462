// The table-driven spec of the whole pipeline: every file in test/fixtures/query holds one or more YAML documents, each a
// plan (inline, or `rules: default`) and cases of input → expected fields (or expected error code).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileDialPlan, loadDefaultDialPlan } from '../src/index.js';
import type { DialPlan } from '../src/index.js';

interface Case {
  readonly name?: string;
  readonly input: string;
  readonly location?: string;
  readonly expect?: Record<string, unknown>;
  readonly error?: string;
}
interface Fixture {
  readonly rules?: 'default';
  readonly plan?: unknown;
  readonly cases: readonly Case[];
}

const dir = new URL('./fixtures/query/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe.each(files)('%s', (file) => {
  const docs = parseAllDocuments(readFileSync(new URL(file, dir), 'utf8')).map((d) => d.toJS() as Fixture);
  describe.each(docs.map((d, i) => [i, d] as const))('document %i', (_i, fixture) => {
    const plan: DialPlan = fixture.rules === 'default' ? loadDefaultDialPlan() : compileDialPlan(fixture.plan);
    it.each(fixture.cases.map((c) => [c.name ?? JSON.stringify(c.input), c] as const))('%s', (_name, c) => {
      const r = plan.query(c.input, c.location !== undefined ? { location: c.location } : {});
      if (c.error !== undefined) {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.code).toBe(c.error);
        return;
      }
      if (!r.ok) throw new Error(`Expected details, got ${r.error.code}: ${r.error.message}`);
      expect(Object.keys(c.expect ?? {}).length).toBeGreaterThan(0);
      for (const [field, value] of Object.entries(c.expect ?? {})) {
        expect({ field, value: (r.details as unknown as Record<string, unknown>)[field] }).toEqual({ field, value });
      }
      expect(r.details.rawText).toBe(c.input);
    });
  });
});

it('finds the fixture files', () => {
  expect(files.length).toBeGreaterThanOrEqual(6);
});
