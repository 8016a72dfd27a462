/**
 * The whole pipeline for one number: prepare, convert, classify, then the extension and queue fields.
 */
import { classifyNumber } from './classify.js';
import { DialPlanError } from '../errors.js';
import type { CompiledPlan, LocationTables } from '../plan/compile.js';
import { convertNumber } from './convert.js';
import { resolveExtension } from './extension.js';
import { prepareNumber } from './prepare.js';
import type { PhoneNumberDetails, QueryError, QueryOptions, QueryResult } from '../types.js';

/**
 * Picks the tables of the requested location, or the plan's default.
 *
 * @param plan - the compiled plan
 * @param location - a location name, or undefined for the default
 * @returns the tables, or an `UNKNOWN_LOCATION` error value
 */
export function selectTables(plan: CompiledPlan, location: string | undefined): LocationTables | QueryError {
  if (location === undefined) return plan.defaultTables;
  const tables = plan.tables.get(location);
  if (tables && location !== '') return tables;
  // String(): a location that is no string (a symbol from an untyped caller) is named, not thrown on.
  return { code: 'UNKNOWN_LOCATION', message: describeUnknownLocation(String(location), [...plan.tables.keys()].filter((n) => n !== '')) };
}

/**
 * The message for a location a plan does not have, naming the ones it has.
 *
 * @param location - the location asked for
 * @param names - the plan's locations
 * @returns the message
 * @example
 * ```ts
 * describeUnknownLocation('paris', ['indianapolis']); // 'Unknown location "paris"; the plan has indianapolis.'
 * ```
 */
export function describeUnknownLocation(location: string, names: readonly string[]): string {
  return names.length > 0 ? `Unknown location "${location}"; the plan has ${names.join(', ')}.` : `Unknown location "${location}"; the plan declares no locations.`;
}

/**
 * Resolves one number into its ICWS details. Never throws: bad input comes back as `{ ok: false, error }`.
 *
 * @param plan - the compiled plan
 * @param rawText - the number as typed; any value is accepted
 * @param options - the location to use
 * @returns the details and dial string, or the error
 * @example
 * ```ts
 * const r = queryNumber(compiled, '6929');
 * if (r.ok) r.details.queueName; // 'User Queue:jdoe'
 * ```
 */
export function queryNumber(plan: CompiledPlan, rawText: unknown, options?: QueryOptions): QueryResult {
  try {
    return resolveNumber(plan, rawText, options);
  } catch (e) {
    // A precompiled plan compiles an entry when a query first reaches it; one that fails its check is this query's
    // failure, not an exception (see restoreCompiledPlan).
    if (e instanceof DialPlanError && e.code === 'COMPILED_PLAN_INVALID') return { ok: false, error: { code: e.code, message: e.message } };
    throw e;
  }
}

function resolveNumber(plan: CompiledPlan, rawText: unknown, options?: QueryOptions): QueryResult {
  const tables = selectTables(plan, options?.location);
  if (!('entries' in tables)) return { ok: false, error: tables };
  const prepared = prepareNumber(rawText, plan.rules.extensionSeparator);
  if (!prepared.ok) return prepared;
  const converted = convertNumber(tables, prepared.text, prepared.sip);
  const c = classifyNumber(plan, tables, converted.text, prepared.sip);
  const ext = resolveExtension(plan, c.normalizedText, prepared.sip);
  const details: PhoneNumberDetails = {
    rawText: rawText as string,
    normalizedText: c.normalizedText,
    displayText: c.displayText,
    editBase: c.editBase,
    extension: ext.extension,
    defaultClassification: c.defaultClassification,
    classifications: c.classifications,
    internal: c.internal,
    queueType: ext.queueType,
    queueName: ext.queueName,
    voicemailCapable: ext.voicemailCapable,
    dialCapable: c.dialCapable,
    autoDialExtension: ext.autoDialExtension,
  };
  return { ok: true, details, dialString: c.dialString };
}
