// when: conditions as regexes: for every calling code (each region sharing one, the non-geographic ones, those whose
// national prefix libphonenumber-js rewrites) and random conditions, the regex accepts exactly the numbers the engine's
// meetsCondition accepts: valid numbers of every type from the metadata, with a national prefix, carrier digits, cut
// short and made longer, and random digits (fast-check, fixed seeds). Read through a literal prefix, it still agrees.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meetsCondition } from '../../../src/engine/match/when.js';
import { sampleNumbers, seededRandom } from '../../../src/engine/authoring/metadata-numbers.js';
import { dotnetToJs, parseDotnetRegex } from '../../../src/engine/migrate/dotnet-regex.js';
import { callingCodes, conditionRegex, deriveText, emitRx, WhenRegexError } from '../../../src/engine/migrate/when-regex.js';
import type { WhenCondition } from '../../../src/engine/types.js';

const TYPES = ['FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE', 'TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];
// One of each kind: several regions (1, 7, 44), a plain national prefix (49, 33), prefixes the library rewrites (54, 55,
// 81, 241, 261, 378, 672), carrier codes (57, 82, 86), none (39, 45) and non-geographic codes (800, 882).
const CODES = ['1', '7', '33', '39', '44', '45', '49', '54', '55', '57', '81', '82', '86', '241', '261', '378', '672', '800', '882'];

const compile = (when: WhenCondition, starts: string, dialect: 'dotnet' | 'java'): RegExp => new RegExp(`^(?:${emitRx(conditionRegex(when, starts).rx, { next: 1 }, dialect)})$`, 'u');

/** Numbers close to the valid ones of a calling code: national prefixes, carrier digits, shorter, longer. */
function numbersOf(code: string, seed: number): string[] {
  const cc = callingCodes().find((c) => c.code === code);
  const random = seededRandom(seed);
  const out: string[] = [];
  for (const r of cc?.geographic ? cc.regions : []) {
    for (const n of sampleNumbers(r.id, 2, random)) {
      const nsn = n.nationalNumber;
      out.push(n.e164, `+${code}0${nsn}`, `+${code}8${nsn}`, `+${code}${nsn.slice(1)}`, `+${code}${nsn}7`, `+${code}${nsn.slice(0, 5)}`);
      out.push(`+${code}0${nsn.slice(0, 2)}15${nsn.slice(2)}`, `+${code}${nsn.slice(0, 3)}15${nsn.slice(3)}`, `+${code}90${nsn}`, `+${code}${nsn.slice(-7)}`);
    }
  }
  for (let i = 0; i < 150; i++) out.push(`+${code}${Array.from({ length: 1 + Math.floor(random() * 14) }, () => Math.floor(random() * 10)).join('')}`);
  return out;
}

const conditions = fc.record(
  {
    valid: fc.boolean(),
    numberType: fc.subarray(TYPES, { minLength: 1, maxLength: 3 }),
    country: fc.subarray(['GB', 'JE', 'US', 'CA', 'RU', 'KZ', 'DE', 'AR', '001', 'JP'], { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: [] },
);

describe('when: conditions as regexes', () => {
  it.each(CODES)('+%s: the regex accepts exactly the numbers the engine does (fast-check, fixed seed)', (code) => {
    const numbers = numbersOf(code, Number(code));
    fc.assert(
      fc.property(conditions, fc.boolean(), (when, narrow) => {
        const re = compile(when, narrow ? code : '', 'dotnet');
        for (const n of numbers) expect(re.test(n), `${JSON.stringify(when)} ${n}`).toBe(meetsCondition(when, n));
      }),
      { seed: 19, numRuns: 6 },
    );
  }, 120_000);

  it('numbers that are no E.164 number, or of no calling code, meet only conditions that ask for invalid numbers', () => {
    const valid = compile({ valid: true }, '', 'dotnet');
    const invalid = compile({ valid: false }, '', 'dotnet');
    for (const n of ['+', '+0', '+01234567', '+2', '+28123456', '+999123456', '+1', '+44', '+123456789012345678901', '12125550123']) {
      expect(valid.test(n), n).toBe(meetsCondition({ valid: true }, n));
      expect(invalid.test(n), n).toBe(meetsCondition({ valid: false }, n));
    }
    expect(invalid.test('+28123456')).toBe(true);
    expect(invalid.test('12125550123')).toBe(false); // not E.164: no condition holds
  }, 60_000);

  it('read through the rewritten prefix of an input conversion, it asks the same of the rest', () => {
    const c = conditionRegex({ valid: true, numberType: ['MOBILE'] }, '44');
    const rest = new RegExp(`^(?:${emitRx(deriveText(c.rx, '+44'), { next: 1 })})$`, 'u');
    for (const n of numbersOf('44', 3)) if (n.startsWith('+44')) expect(rest.test(n.slice(3)), n).toBe(meetsCondition({ valid: true, numberType: ['MOBILE'] }, n));
    // A national prefix that could start inside the fixed part cannot be decided: reported, not guessed.
    expect(() => deriveText(conditionRegex({ valid: true }, '44').rx, '+440')).toThrow(WhenRegexError);
  });

  it('Genesys Cloud’s dialect (Java, \\d) and Teams’ (.NET, [0-9]) read as the reference evaluators read them agree', () => {
    const when = { valid: true, numberType: ['MOBILE', 'PAGER'] };
    const java = emitRx(conditionRegex(when, '44').rx, { next: 1 }, 'java');
    const dotnet = emitRx(conditionRegex(when, '44').rx, { next: 1 }, 'dotnet');
    expect(java).toContain('\\d');
    expect(dotnet).not.toContain('\\d');
    const viaJava = new RegExp(dotnetToJs(parseDotnetRegex(`^(?:${java})$`, 'java')).source, 'u');
    const viaDotnet = new RegExp(dotnetToJs(parseDotnetRegex(`^(?:${dotnet})$`, 'dotnet')).source, 'u');
    for (const n of numbersOf('44', 4)) {
      expect(viaJava.test(n), n).toBe(meetsCondition(when, n));
      expect(viaDotnet.test(n), n).toBe(meetsCondition(when, n));
    }
  });
});
