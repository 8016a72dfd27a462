// The table-driven spec of the whole pipeline: every file in test/fixtures/query holds one or more YAML documents, each a
// plan (inline, or `rules: default`) and cases of input → expected fields (or expected error code).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileDialPlan, loadDefaultDialPlan } from '../../../src/index.js';
import type { DialPlan } from '../../../src/index.js';
import { parsePattern } from '../../../src/engine/match/pattern.js';

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

const dir = new URL('../../fixtures/query/', import.meta.url);
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

describe('the default plan', () => {
  const plan = loadDefaultDialPlan();
  const details = (text: string): Record<string, unknown> => {
    const r = plan.query(text);
    if (!r.ok) throw new Error(`${text}: ${r.error.code}`);
    return { ...r.details };
  };

  it.each(['x6929', 'ext. 6929', 'ext 6929', 'extension 6929', 'X6929', 'Ext.6929', ' ext: 6929 '])(
    'gives %j exactly the details of 6929 but for rawText',
    (text) => {
      const { rawText, ...rest } = details(text);
      const { rawText: plainRaw, ...plain } = details('6929');
      expect(rawText).toBe(text);
      expect(plainRaw).toBe('6929');
      expect(rest).toEqual(plain);
      expect(rest['queueName']).toBe('User Queue:jdoe');
    },
  );

  it.each(['+', '+1', '+44', '011', '0114', '+123456', '+1234567890123456', '01144123456789012345'])(
    'gives %j, which cannot be dialed, the plan\'s unmatched settings',
    (text) => {
      const d = details(text);
      const u = plan.rules.unmatched;
      expect(u).toEqual({ classification: 'Unknown', classifications: [], dialCapable: false });
      expect(d['defaultClassification']).toBe(u.classification);
      expect(d['classifications']).toEqual([u.classification, ...u.classifications]);
      expect(d['dialCapable']).toBe(u.dialCapable);
      expect(d['internal']).toBe(false);
      // The unmatched defaults for the texts: the converted number, shown as it is, no edit base.
      expect(d['displayText']).toBe(d['normalizedText']);
      expect(d['editBase']).toBe('');
    },
  );

  // The shortest text a pattern matches: every wildcard its smallest allowed digit, a set its first value, Z and ? nothing.
  const shortest = (pattern: string): string =>
    parsePattern(pattern)
      .tokens.map((t) => {
        if (t.kind === 'literal') return t.text;
        if (t.kind === 'class') return t.chars[0] ?? '';
        if (t.kind === 'ref') return plan.rules.sets[t.name]?.[0] ?? '';
        return t.wildcard === 'X' ? '0' : t.wildcard === 'Y' ? '1' : t.wildcard === 'N' ? '2' : '';
      })
      .join('');

  it('answers International for no pattern whose Z or ? tail is empty, and shows no text ending in a space', () => {
    const tables = [...plan.rules.inputConversions, ...plan.rules.dialPlan];
    const tried: string[] = [];
    for (const entry of tables) {
      for (const pattern of entry.match) {
        const text = shortest(pattern);
        const r = plan.query(text);
        if (!r.ok) continue;
        if (/[Zz?]$/.test(pattern)) {
          tried.push(text);
          expect({ pattern, classification: r.details.defaultClassification }).not.toEqual({ pattern, classification: 'International' });
        }
        expect(r.details.displayText, pattern).not.toMatch(/\s$/);
      }
    }
    expect(tried).toContain('+');
    expect(tried).toContain('011');
  });
});

describe('query with options an untyped caller got wrong', () => {
  it('answers UNKNOWN_LOCATION for a location that is no string (a symbol, a number), never a TypeError', () => {
    const plan = loadDefaultDialPlan();
    for (const location of [Symbol('north'), 42, {}] as unknown as string[]) {
      const r = plan.query('911', { location });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('UNKNOWN_LOCATION');
    }
  });
});
