// The 200 answer's body: the hand-written serializer of the query-details contract (issue 20) is exactly
// JSON.stringify(details), for the benchmark corpus, for the directory's entries (queue names, not cached) and for any
// input string (escapes, non-ASCII, lone surrogates), also when the same entry's cached fields are used again.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDetailsSerializer } from '../../../src/engine/icws/contract.js';
import { loadDefaultDialPlan } from '../../../src/node/files.js';

const plan = loadDefaultDialPlan();
// The benchmark's seeded corpus (plain JavaScript, outside the type-checked sources).
const { generateCorpus } = (await import('../../../bench/corpus.js' as string)) as { generateCorpus(size: number): string[] };

describe('createDetailsSerializer', () => {
  it('writes JSON.stringify(details) for the benchmark corpus, twice over (the second time from its cache)', () => {
    const json = createDetailsSerializer();
    const corpus = generateCorpus(3000);
    for (const pass of [1, 2]) {
      for (const raw of [...corpus, '6929', '6930', '1-800-FLOWERS', 'sip:"jo\\e"@example.com', '+44 20 7946 0958 ext. 12']) {
        const r = plan.query(raw);
        if (r.ok) expect(json(r.details), `${raw} (pass ${pass})`).toBe(JSON.stringify(r.details));
      }
    }
  });

  it('agrees with JSON.stringify for any input string', () => {
    const json = createDetailsSerializer();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (raw) => {
        const r = plan.query(raw);
        if (r.ok) expect(json(r.details)).toBe(JSON.stringify(r.details));
      }),
      { seed: 20, numRuns: 1000 },
    );
  });

  it('does not mix up entries that share a classifications array but differ in their flags or default classification', () => {
    const json = createDetailsSerializer();
    const base = plan.query('317 555 1234');
    if (!base.ok) throw new Error('the default plan answers 317 555 1234');
    const variants = [
      base.details,
      { ...base.details, internal: !base.details.internal },
      { ...base.details, defaultClassification: 'Other "kind"' },
      { ...base.details, queueType: 2 as const, queueName: 'User Queue:jo\u00e9' },
      { ...base.details, dialCapable: !base.details.dialCapable, displayText: 'tab\there' },
    ];
    for (const pass of [1, 2]) for (const d of variants) expect(json(d), `pass ${pass}`).toBe(JSON.stringify(d));
  });
});
