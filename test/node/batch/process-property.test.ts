// processBatch writes the default selection from resolveRow's parts (texts copied from their templates into the output),
// any other selection from `query`; the reference here is always `query`. For random plans (templates with separators, quotes, commas,
// non-ASCII text, ordinal slices; directories; locations) and random inputs, a batch's bytes are exactly the rows the
// reference formatter writes for each query's answer, in NDJSON and CSV, with and without carried columns.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { compilePlanText, DEFAULT_RULES_PATH, loadDefaultDialPlan, safeLoadCompiledPlan, safeLoadDialPlan } from '../../../src/index.js';
import { engineCompiledPlan } from '../../../src/engine/plan/plan.js';
import type { DialPlan } from '../../../src/index.js';
import { DETAIL_FIELDS } from '../../../src/engine/types.js';
import type { BatchLayout, RowFormatter } from '../../../src/node/batch/format.js';
import { createRowFormatter, formatRow } from '../../../src/node/batch/format.js';
import { processBatch } from '../../../src/node/batch/process.js';
import { inputArb, matchingInputs, planArb } from '../../engine/random-plan.js';

const SEED = 20261202;

const LAYOUTS: readonly BatchLayout[] = [
  { format: 'ndjson', fields: DETAIL_FIELDS, carried: [] },
  { format: 'ndjson', fields: DETAIL_FIELDS, carried: ['id', 'note'] },
  { format: 'csv', fields: DETAIL_FIELDS, carried: [] },
  { format: 'csv', fields: DETAIL_FIELDS, carried: ['id'] },
  // Not the default selection: written from `query`'s answers.
  { format: 'ndjson', fields: ['displayText', 'dialString', 'queueName'], carried: [] },
  { format: 'csv', fields: ['rawText', 'editBase', 'classifications'], carried: ['id'] },
];

/** The batch's bytes against the reference: one `query` per row, formatted by the formatter without its parts path. */
function expectSameRows(plan: DialPlan, layout: BatchLayout, inputs: readonly string[], location: string | undefined, what: string): void {
  const format = createRowFormatter(layout);
  expect(format.parts !== undefined, 'only the default selection is written from parts').toBe(layout.fields === DETAIL_FIELDS);
  // The same function without the `parts` property: processBatch would take the query path with it.
  const reference: RowFormatter = (out, row, raw, columns, r) => format(out, row, raw, columns, r);
  const columns = layout.carried.length === 0 ? undefined : inputs.map((raw, i) => layout.carried.map((c) => `${c}${i}"${raw}`));
  const options = location === undefined ? {} : { location };
  const batch = { firstRow: 7, numbers: [...inputs], columns, problems: undefined };
  const got = Buffer.from(processBatch(plan, batch, format, options).bytes).toString('utf8');
  const want = inputs.map((raw, i) => formatRow(reference, 7 + i, raw, columns?.[i], plan.query(raw, options))).join('');
  expect(got, what).toBe(want);
  // The counts agree with the answers too.
  const counts = processBatch(plan, batch, format, options).counts;
  const answers = inputs.map((raw) => plan.query(raw, options));
  expect(counts.ok, what).toBe(answers.filter((r) => r.ok).length);
  expect(counts.notDialCapable, what).toBe(answers.filter((r) => r.ok && !r.details.dialCapable).length);
}

describe('processBatch writes the default selection from parts', () => {
  it('gives the bytes of the query path for random plans and inputs', () => {
    fc.assert(
      fc.property(planArb, fc.array(inputArb, { maxLength: 8 }), ({ object, yaml }, random) => {
        const loaded = safeLoadDialPlan(yaml);
        fc.pre(loaded.ok);
        if (!loaded.ok) return;
        const plan = loaded.plan;
        const inputs = [...random, ...matchingInputs(object), '6929', '6929 x12', '/6929^1', '1', ''];
        for (const location of [undefined, ...plan.locations]) {
          for (const layout of LAYOUTS) expectSameRows(plan, layout, inputs, location, `${yaml}\n${layout.format} at ${location}`);
        }
      }),
      { seed: SEED, numRuns: 120 },
    );
  });

  it('gives the bytes of the query path for the default plan on escapes, extensions and errors', () => {
    const plan = loadDefaultDialPlan();
    const inputs = [
      '1-800-456-2354',
      '(317) 555-1234 x12',
      '317.555.1234 ext. 9',
      '6929',
      'x6929',
      '6929 x12',
      '+44 20 7946 0958',
      '011 33 1 23 45 67 89',
      'sip:agent@example.com',
      'sip:"quoted"@example.com',
      'sip:back\\slash@example.com',
      'sip:comma,user@example.com',
      'sip:José@example.com',
      'sip:\u0001ctl@example.com',
      'sip:\ud83d@example.com',
      '555,1234',
      '911',
      '',
      '   ',
      '9'.repeat(300),
    ];
    for (const layout of LAYOUTS) expectSameRows(plan, layout, inputs, undefined, layout.format);
  });

  it('asks a plan object the engine did not make (a wrapper with its own query) through its query, row by row', () => {
    const plan = loadDefaultDialPlan();
    expect(engineCompiledPlan(plan)).toBe(plan.compiled);
    const text = compilePlanText(readFileSync(DEFAULT_RULES_PATH, 'utf8'), 'default.yaml');
    const compiled = text.ok ? safeLoadCompiledPlan(text.json) : undefined;
    expect(compiled?.ok === true && engineCompiledPlan(compiled.plan) !== undefined, 'a precompiled plan is the engine\'s too').toBe(true);
    const asked: string[] = [];
    const wrapper: DialPlan = {
      ...plan,
      query: (text, options) => {
        asked.push(text);
        const r = plan.query(text, options);
        return r.ok ? { ...r, details: { ...r.details, displayText: `wrapped ${r.details.displayText}` } } : r;
      },
    };
    expect(engineCompiledPlan(wrapper)).toBeUndefined();
    const format = createRowFormatter(LAYOUTS[0] as BatchLayout);
    const inputs = ['1-800-456-2354', '6929', ''];
    const out = Buffer.from(processBatch(wrapper, { firstRow: 1, numbers: inputs, columns: undefined, problems: undefined }, format, {}).bytes).toString('utf8');
    expect(asked).toEqual(inputs);
    expect(out.split('\n').filter((l) => l.includes('"wrapped ')).length).toBe(2);
  });
});
