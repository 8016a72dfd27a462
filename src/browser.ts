/**
 * The platform-neutral entry (`browser`, `worker`, `deno` and `default` export conditions): the engine of
 * src/engine.ts, with `yaml` and libphonenumber-js ("min" metadata: no number types) statically imported for the
 * functions that need them, for bundlers and runtimes without Node.js's module loader, and the default plan from its
 * embedded snapshot. No `node:` import.
 *
 * The libraries are registered by the functions that need them rather than by a statement at import time: the package
 * is `"sideEffects": false`, so a bundler may drop a module's top-level statements, but never the body of a function
 * that is called; and a bundle then holds a library only when it imports a function that needs it.
 * @internal
 */
import { getCountries, getCountryCallingCode, getExampleNumber, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { Composer, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, stringify, visit, YAMLParseError } from 'yaml';
import * as init from './engine/authoring/init.js';
import * as compiled from './engine/plan/compiled-plan.js';
import * as cross from './engine/authoring/cross-check.js';
import * as international from './engine/international.js';
import * as load from './engine/plan/load.js';
import * as migrate from './engine/migrate/formats.js';
import type { PhoneLibrary } from './engine/international.js';
import type { YamlLibrary } from './engine/providers.js';
import { provideDefaults, provideMissingMetadata, provideStringify } from './engine/providers.js';
import * as when from './engine/match/when.js';

export * from './engine.js';

// Named imports, not namespaces: a bundler then drops the rest of each library (libphonenumber-js's as-you-type
// formatter and number finder, yaml's document model), a third of the bundle.
// Without `stringify`: only generateStarterPlan writes YAML, and brings it itself (a bundle that only reads rule files
// then leaves yaml's writer out).
const yaml = (): YamlLibrary => ({ Composer, Lexer, LineCounter, Parser, YAMLParseError, isAlias, isMap, isPair, isScalar, isSeq, visit });
// libphonenumber-js types its arguments as region unions; the engine passes strings it checked (as with require).
// The region functions, which only `init` and the cross-check use, are added to the same object by their wrappers
// (withAuthoring): the engine keeps the object it was given, and a bundle of the international fields and `when:` alone
// leaves them out (the 90 KB budget).
const phoneLibrary = { parsePhoneNumberFromString } as unknown as PhoneLibrary;
const phone = (): PhoneLibrary => phoneLibrary;

/**
 * Registers libphonenumber-js with its region functions (init, the cross-check), then calls `f`. Their "max" metadata
 * (about 40 KB gzipped) is not brought: unless the page registered it, asking for it says how (the runtime's loader,
 * which the engine would fall back on, does not exist here; its message would send the user to this very entry).
 */
function withAuthoring<A extends unknown[], R>(f: (...args: A) => R): (...args: A) => R {
  return withBoth((...args: A) => {
    Object.assign(phoneLibrary, { getCountries, getCountryCallingCode, getExampleNumber, isSupportedCountry });
    provideMissingMetadata();
    return f(...args);
  });
}

/*
 * Each function registers only the library it needs, so that a bundle holds only what the functions it imports use
 * (the size budgets of docs/architecture.md): the default plan needs neither library (it comes from its snapshot), a
 * plan loaded from YAML needs `yaml`, and the international fields, `when:`, `init` and the cross-check need
 * libphonenumber-js. A YAML plan that uses international fields or `when:` asks for libphonenumber-js with a problem at
 * load time unless it is registered (setPhoneLibraryProvider) or a function that registers it ran first.
 */

/** Registers `yaml` (unless the user registered a provider first), then calls `f`. */
function withYaml<A extends unknown[], R>(f: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    provideDefaults(yaml, undefined);
    return f(...args);
  };
}

/** Registers libphonenumber-js "min" (unless the user registered a provider first), then calls `f`. */
function withPhone<A extends unknown[], R>(f: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    provideDefaults(undefined, phone);
    return f(...args);
  };
}

/** Registers both libraries (unless the user registered providers first), then calls `f`. */
function withBoth<A extends unknown[], R>(f: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    provideDefaults(yaml, phone);
    return f(...args);
  };
}

export const safeLoadDialPlan = /* @__PURE__ */ withYaml(load.safeLoadDialPlan);
export const loadDialPlan = /* @__PURE__ */ withYaml(load.loadDialPlan);
export const compilePlanText = /* @__PURE__ */ withYaml(compiled.compilePlanText);
export const describeInternational = /* @__PURE__ */ withPhone(international.describeInternational);
export const meetsCondition = /* @__PURE__ */ withPhone(when.meetsCondition);
export const generateStarterPlan = /* @__PURE__ */ withAuthoring((...args: Parameters<typeof init.generateStarterPlan>) => {
  provideStringify(() => stringify);
  return init.generateStarterPlan(...args);
});
export const buildStarterRules = /* @__PURE__ */ withAuthoring(init.buildStarterRules);
export const describeDialling = /* @__PURE__ */ withAuthoring(init.describeDialling);
export const listCountries = /* @__PURE__ */ withAuthoring(init.listCountries);
export const crossCheckDialPlan = /* @__PURE__ */ withAuthoring(cross.crossCheckDialPlan);
export const crossCheckAgreement = /* @__PURE__ */ withAuthoring(cross.crossCheckAgreement);
export const verifyImport = /* @__PURE__ */ withAuthoring(migrate.verifyImport);
