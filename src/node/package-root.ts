/**
 * Where this package's own files are (Node.js only): the bundled rule files and the build-time snapshot.
 */

/**
 * The package's root folder, as a `file:` URL ending in `/`. This module is `src/node/` in the sources and
 * `dist/node/` when built, two folders below the root; inside the bundled entry point `dist/index.js` it is one folder
 * below. Worked out from the module's own URL alone, so that importing it reads nothing.
 *
 * @example
 * ```ts
 * new URL('rules/default.yaml', PACKAGE_ROOT);
 * ```
 * @internal
 */
export const PACKAGE_ROOT: URL = new URL(/\/node\/[^/]*$/.test(import.meta.url) ? '../../' : '../', import.meta.url);
