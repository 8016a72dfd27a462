/**
 * Where the engine gets its two heavy libraries, `yaml` (to parse rule files) and libphonenumber-js (for the `{e164}`,
 * `{international}`, ... fields, `when:`, `init` and the cross-check), without importing either at module load.
 *
 * The engine asks for a library only when it needs it (a plan loaded from its snapshot never parses YAML; a plan without
 * international fields never loads libphonenumber-js), and the answer must be synchronous, because the public API is.
 * So each library comes from a provider: a function that returns it. An entry point registers the providers it wants:
 * the browser / edge entry (`dist/browser.js`) registers statically imported `yaml` and libphonenumber-js "min". When no
 * provider is registered, the engine falls back to the runtime's own module loader where there is one (Node.js, Bun and
 * Deno expose `process.getBuiltinModule`), which loads the package on first use exactly as before: the Node.js package
 * keeps its cold start and its "max" metadata. No `node:` import and nothing runs at import time, so any bundler can
 * take this module for any platform.
 */
import { DialPlanError } from './errors.js';
import type { PhoneLibrary } from './international.js';

/**
 * The parts of the `yaml` package that the engine uses (the module itself is one). `stringify` (only `dialplan init`
 * writes YAML) may be left out: it is then taken from the runtime's `yaml`, or from the entry point that brings it.
 */
export type YamlLibrary = Pick<
  typeof import('yaml'),
  'Composer' | 'Lexer' | 'LineCounter' | 'Parser' | 'YAMLParseError' | 'isAlias' | 'isMap' | 'isPair' | 'isScalar' | 'isSeq' | 'visit'
> &
  Partial<Pick<typeof import('yaml'), 'stringify'>>;

/**
 * libphonenumber-js's metadata, for `dialplan init` and the cross-check (which make numbers of every type): the
 * `Metadata` class of `libphonenumber-js/core`, the "max" metadata JSON and the example numbers.
 */
export interface PhoneMetadataSource {
  /**
   * `Metadata` of `libphonenumber-js/core`. Its parameter is typed `never` so that the class itself is accepted (its own
   * parameter type, `MetadataJson`, is narrower than `unknown`); the engine gives it `json`.
   */
  readonly Metadata: new (json: never) => unknown;
  /** `libphonenumber-js/metadata.max.json`. */
  readonly json: unknown;
  /** `libphonenumber-js/examples.mobile.json`. */
  readonly examples: Record<string, string>;
}

let yamlProvider: (() => YamlLibrary) | undefined;
let stringifyProvider: (() => NonNullable<YamlLibrary['stringify']>) | undefined;
let phoneProvider: (() => PhoneLibrary) | undefined;
let metadataProvider: (() => PhoneMetadataSource) | undefined;

/**
 * Registers where the engine gets `yaml` when it first parses a rule file. Entry points for platforms without a module
 * loader (browsers, edge runtimes) call it with a static import; in Node.js it is optional.
 *
 * @param provider - returns the `yaml` module; called at most once, on first use
 * @returns nothing
 * @example
 * ```ts
 * import * as YAML from 'yaml';
 * setYamlProvider(() => YAML);
 * ```
 */
export function setYamlProvider(provider: () => YamlLibrary): void {
  yamlProvider = provider;
}

/**
 * Registers where the engine gets libphonenumber-js when a plan first needs it (international fields, `when:`). The
 * "max" metadata also tells number types (`{numberType}`, `when: { numberType }`); "min" leaves them `""`.
 *
 * @param provider - returns the library (`libphonenumber-js/max`, `/min` or `/mobile`); called at most once, on first use
 * @returns nothing
 * @example
 * ```ts
 * import * as phone from 'libphonenumber-js/min';
 * setPhoneLibraryProvider(() => phone);
 * ```
 */
export function setPhoneLibraryProvider(provider: () => PhoneLibrary): void {
  phoneProvider = provider;
}

/**
 * Registers where `dialplan init` (`generateStarterPlan`, `buildStarterRules`, `describeDialling`) and the cross-check
 * get libphonenumber-js's "max" metadata and example numbers. Node.js loads them by itself; a browser or edge runtime
 * must register them (with libphonenumber-js "max" for `setPhoneLibraryProvider`, for the command line's answers).
 *
 * @param provider - returns the metadata; called at most once, on first use
 * @returns nothing
 * @example
 * ```ts
 * // No import attribute: the package maps these JSON names to ES modules.
 * import { Metadata } from 'libphonenumber-js/core';
 * import json from 'libphonenumber-js/metadata.max.json';
 * import examples from 'libphonenumber-js/examples.mobile.json';
 * setPhoneMetadataProvider(() => ({ Metadata, json, examples }));
 * ```
 */
export function setPhoneMetadataProvider(provider: () => PhoneMetadataSource): void {
  metadataProvider = provider;
}

/** The runtime's synchronous module loader, where there is one (Node.js 20.16+, Bun, Deno), resolving from this package. */
function runtimeRequire(what: string): (id: string) => unknown {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('module') as { createRequire?: (from: string) => (id: string) => unknown } | undefined;
  if (typeof mod?.createRequire !== 'function') {
    // INVALID_PLAN: what cannot be reached is what the plan needs (its YAML, its international fields).
    throw new DialPlanError(
      'INVALID_PLAN',
      `${what} is not available on this platform: import dialplan through its browser entry, or register it: setYamlProvider, setPhoneLibraryProvider, setPhoneMetadataProvider.`,
    );
  }
  return mod.createRequire(import.meta.url);
}

/**
 * The `yaml` module: the registered provider's, or the runtime's (loaded on first use).
 * @internal
 */
export function yamlLibrary(): YamlLibrary {
  yamlProvider ??= () => runtimeRequire('The YAML parser')('yaml') as YamlLibrary;
  return yamlProvider();
}

/**
 * `yaml`'s `stringify`: the registered `yaml` module's, else the one an entry point brought ({@link provideStringify}),
 * else the runtime's (loaded on first use).
 * @internal
 */
export function yamlStringify(): NonNullable<YamlLibrary['stringify']> {
  const own = yamlLibrary().stringify;
  if (own !== undefined) return own;
  stringifyProvider ??= () => (runtimeRequire('The YAML writer')('yaml') as typeof import('yaml')).stringify;
  return stringifyProvider();
}

/**
 * Registers the `stringify` an entry point brings, unless one is registered: the browser entry brings it with the
 * functions that write YAML only, so that a bundle that only reads rule files leaves yaml's writer out.
 * @internal
 *
 * @param provider - returns `yaml`'s `stringify`
 */
export function provideStringify(provider: () => NonNullable<YamlLibrary['stringify']>): void {
  stringifyProvider ??= provider;
}

/**
 * libphonenumber-js: the registered provider's, or the runtime's with the "max" metadata (loaded on first use).
 * @internal
 */
export function phoneLibrary(): PhoneLibrary {
  phoneProvider ??= () => runtimeRequire('libphonenumber-js')('libphonenumber-js/max') as PhoneLibrary;
  return phoneProvider();
}

/**
 * libphonenumber-js's "max" metadata and examples: the registered provider's, or the runtime's (loaded on first use).
 * @internal
 */
export function phoneMetadata(): PhoneMetadataSource {
  metadataProvider ??= () => {
    const require = runtimeRequire('The libphonenumber-js metadata');
    return {
      Metadata: (require('libphonenumber-js/core') as { Metadata: new (json: unknown) => unknown }).Metadata,
      json: require('libphonenumber-js/metadata.max.json'),
      examples: require('libphonenumber-js/examples.mobile.json') as Record<string, string>,
    };
  };
  return metadataProvider();
}

/**
 * For an entry point without a module loader to fall back on (the browser entry, whose `init` and cross-check do not
 * bring the "max" metadata): unless one is registered, the metadata provider says what to register (the runtime
 * loader's message would send the user to the browser entry, the entry in use).
 * @internal
 */
export function provideMissingMetadata(): void {
  metadataProvider ??= () => {
    throw new DialPlanError(
      'INVALID_PLAN',
      "init, describeDialling and the cross-check need libphonenumber-js's \"max\" metadata, which the browser entry does not bring: register it with setPhoneMetadataProvider, and libphonenumber-js/max with setPhoneLibraryProvider (docs/rules.md).",
    );
  };
}

/**
 * Registers the providers an entry point brings (undefined: none for that library), for each library that has none yet
 * (a user's own registration wins).
 * @internal
 *
 * @param yaml - the `yaml` provider
 * @param phone - the libphonenumber-js provider
 */
export function provideDefaults(yaml: (() => YamlLibrary) | undefined, phone: (() => PhoneLibrary) | undefined): void {
  if (yaml !== undefined) yamlProvider ??= yaml;
  if (phone !== undefined) phoneProvider ??= phone;
}

/**
 * Whether libphonenumber-js can be had when a plan first needs it: a provider is registered, or the runtime has a module
 * loader to load it with. Checked when a plan that needs it is compiled, so that a browser page that did not register the
 * library learns it from a problem at load time rather than from international fields that stay empty.
 * @internal
 *
 * @returns whether {@link phoneLibrary} can answer
 */
export function phoneLibraryAvailable(): boolean {
  if (phoneProvider !== undefined) return true;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('module') as { createRequire?: unknown } | undefined;
  return typeof mod?.createRequire === 'function';
}
