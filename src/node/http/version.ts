/**
 * The session-less ICWS resources `GET /icws/connection/version` and `GET /icws/connection/features`, as
 * `dialplan serve` answers them. The version comes from the package's own `package.json`.
 */
import { builtin } from '../builtins.js';

/** The ICWS `serverVersion` representation. */
export interface IcwsServerVersion {
  readonly majorVersion: number;
  readonly minorVersion: number;
  /** The service update: the package's patch number. */
  readonly su: number;
  readonly productId: string;
  readonly productReleaseDisplayString: string;
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
 * The ICWS version of a package version: `1.4.2-beta.1` is major 1, minor 4, su 2.
 *
 * @param name - the package name, reported as `productId`
 * @param version - the package version (SemVer)
 * @returns the `serverVersion` representation
 * @example
 * ```ts
 * serverVersionOf('dialplan', '0.1.0'); // { majorVersion: 0, minorVersion: 1, su: 0, productId: 'dialplan', ... }
 * ```
 */
export function serverVersionOf(name: string, version: string): IcwsServerVersion {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return {
    majorVersion: Number(m?.[1] ?? 0),
    minorVersion: Number(m?.[2] ?? 0),
    su: Number(m?.[3] ?? 0),
    productId: name,
    productReleaseDisplayString: `${name} ${version}`,
  };
}

let packageVersion: IcwsServerVersion | undefined;

/**
 * The version of this package, read once from its `package.json`. This module is `src/node/http/version.ts` in the sources
 * and `dist/node/http/version.js` when built or installed: both are two folders below the package root.
 *
 * @returns the `serverVersion` representation
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
