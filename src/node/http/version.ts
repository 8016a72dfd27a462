/**
 * The session-less ICWS resources `GET /icws/connection/version` and `GET /icws/connection/features`, as
 * `dialplan serve` answers them. The version comes from the package's own `package.json`.
 */
import { builtin } from '../builtins.js';

/**
 * The ICWS `versionInfo` representation. Every field is a string, as the Interaction Center sends it and as the ICWS
 * SDK's data contract (`urn:inin.com:connection:versionInfo`) requires: the JavaScript SDK throws a `TypeError` on a
 * number, and a Go or .NET client with string fields fails to decode one. `build` and `codebaseId` are required there.
 */
export interface IcwsServerVersion {
  /** The package's major version, as a string (`"0"`). */
  readonly majorVersion: string;
  /** The package's minor version, as a string. */
  readonly minorVersion: string;
  /** The service update: the package's patch number, as a string. */
  readonly su: string;
  /** The build: the SemVer build metadata after `+`, else `"0"`. */
  readonly build: string;
  readonly productId: string;
  /** The codebase identifier: the package name, as `productId`. */
  readonly codebaseId: string;
  readonly productReleaseDisplayString: string;
  /** The display string with the patch: the whole version. */
  readonly productPatchDisplayString: string;
}

/** One entry of the ICWS `featureInfoList`. */
export interface IcwsFeatureInfo {
  readonly featureId: string;
  readonly version: number;
}

/**
 * The features `dialplan serve` offers: the connection resource, and phone-numbers at the feature version of the ICWS
 * reference page ("Feature Version phone-numbers 2").
 */
export const ICWS_FEATURES: { readonly featureInfoList: readonly IcwsFeatureInfo[] } = {
  featureInfoList: [
    { featureId: 'connection', version: 1 },
    { featureId: 'phone-numbers', version: 2 },
  ],
};

/**
 * The ICWS version of a package version: `1.4.2-beta.1+77` is major `"1"`, minor `"4"`, su `"2"`, build `"77"`.
 *
 * @param name - the package name, reported as `productId` and `codebaseId`
 * @param version - the package version (SemVer)
 * @returns the `versionInfo` representation, every field a string
 * @example
 * ```ts
 * serverVersionOf('dialplan', '0.1.0'); // { majorVersion: '0', minorVersion: '1', su: '0', build: '0', productId: 'dialplan', ... }
 * ```
 */
export function serverVersionOf(name: string, version: string): IcwsServerVersion {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  const build = /\+([0-9A-Za-z.-]+)$/.exec(version)?.[1];
  return {
    majorVersion: String(Number(m?.[1] ?? 0)),
    minorVersion: String(Number(m?.[2] ?? 0)),
    su: String(Number(m?.[3] ?? 0)),
    build: build ?? '0',
    productId: name,
    codebaseId: name,
    productReleaseDisplayString: `${name} ${version}`,
    productPatchDisplayString: `${name} ${version}`,
  };
}

let packageVersion: IcwsServerVersion | undefined;

/**
 * The version of this package, read once from its `package.json`. This module is `src/node/http/version.ts` in the sources
 * and `dist/node/http/version.js` when built or installed: both are two folders below the package root.
 *
 * @returns the `versionInfo` representation
 * @example
 * ```ts
 * icwsServerVersion().productReleaseDisplayString; // 'dialplan 0.1.0'
 * ```
 */
export function icwsServerVersion(): IcwsServerVersion {
  if (packageVersion === undefined) {
    let pkg: { name?: unknown; version?: unknown } = {};
    try {
      pkg = JSON.parse(builtin('node:fs').readFileSync(packageJsonUrl(), 'utf8')) as typeof pkg;
    } catch {
      // A copy without its package.json still answers, with an unknown version.
    }
    packageVersion = serverVersionOf(
      typeof pkg.name === 'string' ? pkg.name : 'dialplan',
      typeof pkg.version === 'string' ? pkg.version : '0.0.0',
    );
  }
  return packageVersion;
}

/**
 * This package's `package.json`: the nearest one above this module named `dialplan`. The module is `src/node/http/` in the
 * sources, `dist/node/http/` when built, or `dist/` itself inside the bundled entry point, so its depth varies.
 */
function packageJsonUrl(): URL {
  let dir = new URL('./', import.meta.url);
  for (let up = 0; up < 4; up++) {
    const candidate = new URL('package.json', dir);
    try {
      const name = (JSON.parse(builtin('node:fs').readFileSync(candidate, 'utf8')) as { name?: unknown }).name;
      if (name === 'dialplan') return candidate;
    } catch {
      // No package.json at this level: look one higher.
    }
    dir = new URL('../', dir);
  }
  return new URL('../../../package.json', import.meta.url);
}
