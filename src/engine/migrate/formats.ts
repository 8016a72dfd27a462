/**
 * The formats `dialplan import` reads, each with its reference evaluator for `--verify`, and `verifyImport`, the proof
 * that an imported plan does what the source did. No `node:` imports.
 */
import type { DialPlan } from '../plan/plan.js';
import { safeLoadDialPlan } from '../plan/load.js';
import { DialPlanError, formatProblem } from '../errors.js';
import type { ImportResult, MigrationIssue } from './imported-plan.js';
import type { AsteriskIncludeReader } from './asterisk.js';
import { asteriskReference, importAsterisk, readAsteriskExtensions } from './asterisk.js';
import { cucmReference, importCucm, readCucmPatterns } from './cucm.js';
import { genesysReference, importGenesys, readGenesysNumberPlans } from './genesys.js';
import { importTeams, readTeamsDialPlans, teamsClassifications, teamsReference } from './teams.js';
import type { Outcome, VerifyNumber, VerifyReport } from './verify.js';
import { compareOutcomes, planOutcome } from './verify.js';

/** A reference evaluator of a source system's matching, for `--verify`. */
export interface ReferenceEvaluator {
  /** What the source system does with a number (in a location of the imported plan). */
  evaluate(n: VerifyNumber): Outcome;
  /** Numbers drawn from the source's own patterns and near misses, seeded. */
  numbers(seed: number, perRule: number): VerifyNumber[];
  /** What the evaluator cannot evaluate, with positions. */
  readonly issues: readonly MigrationIssue[];
}

/** What one import produced: the plan and its issues, and the source's reference evaluator. */
export interface ImportRun {
  readonly result: ImportResult;
  readonly reference: ReferenceEvaluator;
}

/** Options of an import. */
export interface ImportOptions {
  /** Reads the files an Asterisk `#include` names (the engine reads no files; without it they are reported). */
  readonly readInclude?: AsteriskIncludeReader;
}

/** A format `dialplan import --from` reads. */
export interface ImportFormat {
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  /**
   * Reads and converts a file of the format.
   *
   * @param text - the file's text
   * @param file - its name, for positions
   * @param options - how to read the files the source includes (Asterisk's `#include`)
   * @returns the plan, its issues and the reference evaluator
   */
  run(text: string, file: string, options?: ImportOptions): ImportRun;
}

/**
 * Runs an import; a source too large to become a plan (more locations than `MAX_IMPORTED_LOCATIONS`) gives an
 * empty plan with one error instead of the exception.
 */
function bounded(file: string, run: () => ImportRun): ImportRun {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof DialPlanError) || e.code !== 'TOO_LARGE') throw e;
    return {
      result: {
        plan: { name: '', description: '', classifications: [], locations: [], entries: [], unmatched: { classification: '', dialCapable: true }, header: [] },
        yaml: '',
        issues: [{ severity: 'error', where: `${file}:1:1`, message: `too large: ${e.message}` }],
      },
      reference: { evaluate: (n) => ({ classification: '', normalized: n.number }), numbers: () => [], issues: [] },
    };
  }
}

/** The formats of `dialplan import --from`, by name. */
export const IMPORT_FORMATS: Readonly<Record<string, ImportFormat>> = {
  teams: {
    name: 'teams',
    summary: 'Microsoft Teams tenant dial plans (ConvertTo-Json -Depth 5, or Export-Csv of the rules)',
    run: (text, file) =>
      bounded(file, () => {
        const source = readTeamsDialPlans(text, file);
        return { result: importTeams(source), reference: teamsReference(source, teamsClassifications(source)) };
      }),
  },
  'genesys-cloud': {
    name: 'genesys-cloud',
    summary: 'Genesys Cloud number plans (GET .../sites/{siteId}/numberplans, or { "sites": [...] })',
    run: (text, file) =>
      bounded(file, () => {
        const source = readGenesysNumberPlans(text, file);
        return { result: importGenesys(source), reference: genesysReference(source) };
      }),
  },
  asterisk: {
    name: 'asterisk',
    summary: "Asterisk extensions.conf pattern extensions; one location per context, Asterisk's best-match order",
    run: (text, file, options) =>
      bounded(file, () => {
        const source = readAsteriskExtensions(text, file, options?.readInclude ? { readInclude: options.readInclude } : {});
        return { result: importAsterisk(source), reference: asteriskReference(source) };
      }),
  },
  cucm: {
    name: 'cucm',
    summary: 'Cisco Unified CM route and translation patterns from a Bulk Administration CSV export; closest-match order',
    run: (text, file) =>
      bounded(file, () => {
        const source = readCucmPatterns(text, file);
        return { result: importCucm(source), reference: cucmReference(source) };
      }),
  },
};

/**
 * Most rule tests `--verify` of an import makes: the reference evaluators read a number against the rules one by one, so
 * numbers times rules is the work (50 000 Unified CM patterns drew 2.5 million numbers: 10^11 regex tests, hours; a test costs about 1 to 3 µs).
 */
export const MAX_VERIFY_WORK = 10_000_000;

/** How `--verify` of a large source was cut down to {@link MAX_VERIFY_WORK}: fewer numbers a rule, then a sample. */
export interface VerifyLimit {
  /** The numbers drawn per rule (lower than asked). */
  readonly perRule: number;
  /** The numbers drawn. */
  readonly drawn: number;
  /** The numbers asked (evenly spread over those drawn). */
  readonly asked: number;
  /** The rules (entries) each number may be read against. */
  readonly rules: number;
}

/** The outcome of {@link verifyImport}. */
export type VerifyImportResult =
  | { readonly ok: true; readonly plan: DialPlan; readonly report: VerifyReport; readonly limited?: VerifyLimit }
  | { readonly ok: false; readonly problems: readonly string[]; readonly tooLarge: boolean };

/** The outcome of {@link loadImported}. */
export type LoadImportedResult =
  | { readonly ok: true; readonly plan: DialPlan }
  | { readonly ok: false; readonly problems: readonly string[]; readonly tooLarge: boolean };

/**
 * Loads the plan an import wrote, as `dialplan query` would: an import must never write a plan that does not load.
 *
 * @param run - what the import produced
 * @returns the plan, or why it does not load (`tooLarge` when past one of the loader's limits: file size, compile work)
 * @example
 * ```ts
 * const r = loadImported(IMPORT_FORMATS.cucm.run(csv, 'rp.csv'));
 * if (!r.ok && r.tooLarge) console.error('import the patterns in parts');
 * ```
 */
export function loadImported(run: ImportRun): LoadImportedResult {
  const loaded = safeLoadDialPlan(run.result.yaml, { file: 'imported plan' });
  if (loaded.ok) return { ok: true, plan: loaded.plan };
  return { ok: false, problems: loaded.problems.map(formatProblem), tooLarge: loaded.problems.some((p) => p.code === 'TOO_LARGE') };
}

/**
 * Loads the imported plan and compares it with the source's reference evaluator on numbers drawn from the source's
 * patterns. For a large source the numbers are cut down so that numbers times rules stays under
 * {@link MAX_VERIFY_WORK} (`limited` says how).
 *
 * @param run - what the import produced
 * @param options - the seed, the numbers drawn per rule, and the most rule tests (default {@link MAX_VERIFY_WORK})
 * @returns the report (and how it was cut down, if it was), or why the imported plan does not load
 * @example
 * ```ts
 * const r = verifyImport(IMPORT_FORMATS.teams.run(text, 'tenant.json'), { seed: 1, perRule: 25 });
 * if (r.ok) console.log(r.report.agreement); // 100
 * ```
 */
export function verifyImport(run: ImportRun, options: { readonly seed: number; readonly perRule: number; readonly maxWork?: number }): VerifyImportResult {
  const loaded = loadImported(run);
  if (!loaded.ok) return loaded;
  const plan = loaded.plan;
  const rules = Math.max(1, run.result.plan.entries.length);
  const budget = Math.max(100, Math.floor((options.maxWork ?? MAX_VERIFY_WORK) / rules));
  // A rule gives a number and about six near misses of it.
  const perRule = Math.max(1, Math.min(options.perRule, Math.floor(budget / (rules * 7))));
  const drawn = run.reference.numbers(options.seed, perRule);
  let numbers = drawn;
  if (drawn.length > budget) {
    // Evenly spread, so that every part of the source (the numbers come rule by rule) is still tried.
    const step = drawn.length / budget;
    numbers = Array.from({ length: budget }, (_, k) => drawn[Math.floor(k * step)] as VerifyNumber);
  }
  const report = compareOutcomes(numbers, run.reference.evaluate, (n) => planOutcome(plan, n));
  const limited = perRule < options.perRule || numbers.length < drawn.length;
  return { ok: true, plan, report, ...(limited ? { limited: { perRule, drawn: drawn.length, asked: numbers.length, rules } } : {}) };
}
