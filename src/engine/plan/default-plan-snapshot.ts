/**
 * The bundled default plan's rules, parsed ahead of time, for the platform-neutral entry (no file system there). This
 * source is a stub: `npm run build` replaces `dist/engine/plan/default-plan-snapshot.js` with the rules of `rules/default.yaml`.
 * Only the rules: their source text and positions would add a third to the engine's gzipped size (25 KB budget), so in
 * the neutral build the default plan's explanations name the file without line numbers.
 * @internal
 */

/**
 * The rules of `rules/default.yaml` and its name; undefined when running from source (not built).
 * @internal
 */
export const DEFAULT_PLAN_SNAPSHOT: { readonly file: string; readonly value: unknown } | undefined = undefined;
