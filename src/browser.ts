/**
 * The platform-neutral entry (`browser`, `worker`, `deno` and `default` export conditions): the engine of
 * src/engine.ts with `yaml` and libphonenumber-js ("min" metadata: no number types) statically imported, for bundlers
 * and runtimes without Node.js's module loader, and the default plan from its embedded snapshot. No `node:` import.
 *
 * The libraries are registered by the functions that may need them (loading, compiling, the international fields)
 * rather than by a statement at import time: the package is `"sideEffects": false`, so a bundler may drop a module's
 * top-level statements, but never the body of a function that is called.
 * @internal
 */
import { getCountries, getCountryCallingCode, getExampleNumber, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { Composer, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, stringify, visit, YAMLParseError } from 'yaml';
import * as init from './engine/authoring/init.js';
import * as compiled from './engine/plan/compiled-plan.js';
import * as defaults from './engine/plan/default-plan.js';
import * as cross from './engine/authoring/cross-check.js';
import * as international from './engine/international.js';
import * as load from './engine/plan/load.js';
import * as migrate from './engine/migrate/formats.js';
import type { PhoneLibrary } from './engine/international.js';
import { provideDefaults } from './engine/providers.js';
import * as when from './engine/match/when.js';

export * from './engine.js';

// Named imports, not namespaces: a bundler then drops the rest of each library (libphonenumber-js's as-you-type
// formatter and number finder, yaml's document model), a third of the bundle.
const YAML = { Composer, Lexer, LineCounter, Parser, YAMLParseError, isAlias, isMap, isPair, isScalar, isSeq, visit, stringify };
const phone = { parsePhoneNumberFromString, getCountries, getCountryCallingCode, getExampleNumber, isSupportedCountry };

/** Registers the statically imported libraries (unless the user registered others first), then calls `f`. */
function ready<A extends unknown[], R>(f: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    // libphonenumber-js types its arguments as region unions; the engine passes strings it checked (as with require).
    provideDefaults(() => YAML, () => phone as unknown as PhoneLibrary);
    return f(...args);
  };
}

export const safeLoadDialPlan = /* @__PURE__ */ ready(load.safeLoadDialPlan);
export const loadDialPlan = /* @__PURE__ */ ready(load.loadDialPlan);
export const safeCompileDialPlan = /* @__PURE__ */ ready(load.safeCompileDialPlan);
export const compileDialPlan = /* @__PURE__ */ ready(load.compileDialPlan);
export const compilePlanText = /* @__PURE__ */ ready(compiled.compilePlanText);
export const safeLoadCompiledPlan = /* @__PURE__ */ ready(compiled.safeLoadCompiledPlan);
export const safeLoadDefaultDialPlan = /* @__PURE__ */ ready(defaults.safeLoadDefaultDialPlan);
export const loadDefaultDialPlan = /* @__PURE__ */ ready(defaults.loadDefaultDialPlan);
export const describeInternational = /* @__PURE__ */ ready(international.describeInternational);
export const meetsCondition = /* @__PURE__ */ ready(when.meetsCondition);
export const generateStarterPlan = /* @__PURE__ */ ready(init.generateStarterPlan);
export const buildStarterRules = /* @__PURE__ */ ready(init.buildStarterRules);
export const describeDialling = /* @__PURE__ */ ready(init.describeDialling);
export const listCountries = /* @__PURE__ */ ready(init.listCountries);
export const crossCheckDialPlan = /* @__PURE__ */ ready(cross.crossCheckDialPlan);
export const crossCheckAgreement = /* @__PURE__ */ ready(cross.crossCheckAgreement);
export const verifyImport = /* @__PURE__ */ ready(migrate.verifyImport);
