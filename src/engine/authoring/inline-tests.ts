/**
 * The runner of a plan's own `tests:`: each case queries the plan and compares any subset of the details fields (or the
 * expected error code) with what came back.
 */
import type { DialPlan } from '../plan/plan.js';
import type { SourcePosition } from './explain.js';
import { pathOf } from '../plan/validate.js';
import { QueueType } from '../types.js';

/** One field of one test case that did not come out as expected. */
export interface InlineTestFailure {
  /** Index of the case in the plan's `tests:`. */
  readonly index: number;
  readonly input: string;
  readonly location?: string;
  /** The details field (or `error`) that differs. */
  readonly field: string;
  readonly expected: unknown;
  readonly actual: unknown;
  /** Where the test case is written. */
  readonly position: SourcePosition;
}

/** The outcome of a plan's inline tests. */
export interface InlineTestReport {
  /** How many test cases ran. */
  readonly total: number;
  /** How many passed every field. */
  readonly passed: number;
  readonly failures: readonly InlineTestFailure[];
}

/**
 * Runs the `tests:` of a plan. A case passes when every field under `expect` equals the field of the details (numbers and
 * booleans may be written as text, `queueType` by name or number, `classifications` as a list), or when `expect.error`
 * names the code of the error the query returned.
 *
 * @param plan - a loaded plan
 * @param options - `location`: the location of cases that name none (the plan's default otherwise)
 * @returns how many cases ran and passed, and one failure per differing field
 * @example
 * ```ts
 * const report = runInlineTests(loadDefaultDialPlan());
 * report.failures.length; // 0
 * ```
 */
export function runInlineTests(plan: DialPlan, options: { readonly location?: string } = {}): InlineTestReport {
  const failures: InlineTestFailure[] = [];
  let passed = 0;
  plan.rules.tests.forEach((t, i) => {
    const position = plan.positionOf(pathOf(t, ['tests', i]));
    const location = t.location ?? options.location;
    const r = plan.query(t.input, location !== undefined ? { location } : {});
    const base = { index: i, input: t.input, ...(location !== undefined ? { location } : {}), position };
    const mine: InlineTestFailure[] = [];
    const { error, ...fields } = t.expect as Readonly<Record<string, unknown>>;
    if (error !== undefined || !r.ok) {
      const actual = r.ok ? undefined : r.error.code;
      if (actual !== error) mine.push({ ...base, field: 'error', expected: error, actual: r.ok ? '(no error)' : actual });
    }
    if (r.ok) {
      const details = r.details as unknown as Readonly<Record<string, unknown>>;
      for (const [field, expected] of Object.entries(fields)) {
        const actual = details[field];
        if (!sameValue(field, expected, actual)) mine.push({ ...base, field, expected, actual });
      }
    }
    if (mine.length === 0) passed++;
    failures.push(...mine);
  });
  return { total: plan.rules.tests.length, passed, failures };
}

/** YAML gives `queueType: 2` to the loader as the text "2" (it keeps numbers as written), so compare by text. */
function sameValue(field: string, expected: unknown, actual: unknown): boolean {
  if (field === 'queueType' && typeof expected === 'string' && typeof actual === 'number') {
    return expected === String(actual) || QueueType[expected as keyof typeof QueueType] === actual;
  }
  if (Array.isArray(actual)) {
    const list = Array.isArray(expected) ? expected : [expected];
    return list.length === actual.length && list.every((v, i) => String(v) === String(actual[i]));
  }
  if (typeof actual === 'boolean') return expected === actual || expected === String(actual);
  return typeof expected !== 'object' && String(expected) === String(actual);
}

/**
 * Prints one failure the way compilers print problems: `file:line: input "..." field: expected ..., got ...`.
 *
 * @param f - the failure
 * @returns one line, without a newline
 * @example
 * ```ts
 * formatInlineTestFailure(report.failures[0]); // 'rules/default.yaml:150:5: "6929" queueName: expected "x", got "User Queue:jdoe"'
 * ```
 */
export function formatInlineTestFailure(f: InlineTestFailure): string {
  const where = `${f.position.file ?? '<plan>'}${f.position.line !== undefined ? `:${f.position.line}:${f.position.column ?? 1}` : ` tests[${f.index}]`}`;
  const loc = f.location !== undefined ? ` at ${f.location}` : '';
  return `${where}: ${JSON.stringify(f.input)}${loc} ${f.field}: expected ${shown(f.field, f.expected)}, got ${shown(f.field, f.actual)}`;
}

/**
 * A value as the failure line shows it: a queue type is a number in the details, but cases name it (`queueType: User`),
 * so the name is shown beside the number; an `error` that is absent on one side reads `no error`.
 */
function shown(field: string, value: unknown): string {
  if (field === 'error' && (value === undefined || value === '(no error)')) return 'no error';
  const name = field === 'queueType' && typeof value === 'number' ? QueueType[value] : undefined;
  return name !== undefined ? `${value} (${name})` : JSON.stringify(value);
}
