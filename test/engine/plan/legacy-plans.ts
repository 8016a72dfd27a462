/**
 * Precompiled plans of the formats this library no longer writes but still reads (versions 1 and 2: the rule file's
 * value, compiled in full when loaded), made from a rule file for the tests that load every version; and a version 3
 * file whose checksum no longer matches, which loads the way a file edited after `dialplan compile` does.
 */
import { COMPILED_PLAN_FORMAT } from '../../../src/engine/plan/compiled-plan.js';
import { snapshotRuleFile } from '../../../src/engine/plan/load.js';

/**
 * The rule file as precompiled plans of versions 1 and 2.
 *
 * @param yamlText - the rule file
 * @param file - its name
 * @returns both texts, or undefined when the rule file is not valid YAML
 */
export function legacyPlanTexts(yamlText: string, file: string): { readonly v1: string; readonly v2: string } | undefined {
  const s = snapshotRuleFile(yamlText, file);
  if (s === undefined) return undefined;
  const positions = typeof s.positions === 'function' ? s.positions() : s.positions;
  const head = { format: COMPILED_PLAN_FORMAT };
  return {
    v1: JSON.stringify({ ...head, version: 1, file: s.file, source: s.source, value: s.value, positions }),
    v2: JSON.stringify({ ...head, version: 2, file: s.file, source: s.source, value: s.value, positions: JSON.stringify(positions) }),
  };
}

/**
 * A version 3 text with its checksum changed: loaded whole and checked, never restored from its stored parts.
 *
 * @param json - what compilePlanText wrote
 * @returns the same file with another checksum
 */
export function withWrongChecksum(json: string): string {
  const out = json.replace(/^(\{"format":"dialplan-compiled-plan","version":3,"index":\[)(\d+)/, (_, h: string, d: string) => `${h}${(Number(d) + 1) % 2 ** 32}`);
  if (out === json) throw new Error('not a version 3 file');
  return out;
}
