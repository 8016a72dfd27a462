// Random whole rule files and random typed numbers, shared by the property tests that compare two ways of doing the
// same thing (loaders, details/explain, lint). The plans use every key of a rule file: classifications (one internal),
// sets, locations, input conversions, dial-plan entries with templates, unmatched settings, a directory. Most of them
// load; the ones that do not are as useful (every loader must then give the same problems).
import fc from 'fast-check';
import { stringify } from 'yaml';

/** The classifications every random plan declares. */
export const CLASSIFICATIONS = ['A', 'B', 'I', 'Unknown'] as const;

const SETS = { tf: ['800', '888'], cc: ['1', '44', '441'], sch: ['sip:', 'SIPS:', 'tel:'] };

/** One piece of a pattern; `{area}` only in a plan with locations (elsewhere it names nothing, an error). */
const piece = (withLocations: boolean): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('0', '1', '2', '3', '5', '8', '9') },
    { weight: 5, arbitrary: fc.constantFrom('X', 'N', 'Y', 'x') },
    { weight: 1, arbitrary: fc.constant('?') },
    { weight: 1, arbitrary: fc.constantFrom('[1-3]', '[2-9]', '[*#]', '[a-c]') },
    { weight: 2, arbitrary: fc.constantFrom('{tf}', '{cc}', '{sch}', ...(withLocations ? ['{area}'] : [])) },
    { weight: 1, arbitrary: fc.constantFrom('"X"', '"ext"', '"#"') },
    { weight: 2, arbitrary: fc.constantFrom('+', '/', '^', '*', '#', '@', 's', 'p:', ',', '.', 'a', 'I', 'É', 'ü', '"Zz"', '[0,]', '[É]') },
  );

/** A pattern as its pieces; `Z` only last, where it must be. */
const pattern = (withLocations: boolean): fc.Arbitrary<string[]> =>
  fc.tuple(fc.array(piece(withLocations), { minLength: 1, maxLength: 6 }), fc.constantFrom([], [], [], ['Z'])).map(([a, b]) => [...a, ...b]);

const WILDCARD = /^(?:[XNYxZ?]|\[.*\])$/;

/**
 * A template built from the pieces of a pattern, with decorations between them: usually every wildcard in order and
 * some of the literals and sets (valid), sometimes any subset of the pieces (often a TEMPLATE_MISMATCH).
 */
function template(pieces: readonly string[]): fc.Arbitrary<string> {
  const deco = fc.constantFrom('', '', '', ' ', '-', '(', ') ', '+1', '/', '{classification} ');
  const kept = fc.oneof(
    { weight: 9, arbitrary: fc.array(fc.boolean(), { minLength: pieces.length, maxLength: pieces.length }).map((keep) => pieces.filter((p, i) => WILDCARD.test(p) || keep[i])) },
    { weight: 1, arbitrary: fc.subarray([...pieces]) },
  );
  const wildcardStyle = fc.tuple(kept, fc.array(deco, { minLength: 8, maxLength: 8 })).map(([ps, ds]) => ps.map((p, i) => (ds[i] ?? '') + p).join('') + (ds[7] ?? ''));
  // Ordinal style: characters of the matched text by position (`{3}`, `{3-5}`, `{9-}`), between literal text.
  const ordinal = fc.oneof(
    fc.integer({ min: 1, max: 3 }).map((n) => `{${n}}`),
    fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 1 })).map(([a, d]) => `{${a}-${a + d}}`),
    fc.integer({ min: 1, max: 3 }).map((n) => `{${n}-}`),
    fc.constantFrom('+1', '/', '-', ' ', '"X"', '0', '{classification}'),
  );
  return fc.oneof({ weight: 4, arbitrary: wildcardStyle }, { weight: 1, arbitrary: fc.array(ordinal, { minLength: 1, maxLength: 4 }).map((ps) => ps.join('')) });
}

const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 2 });

/** Drops the keys whose value is undefined, so that the YAML and the object say the same thing. */
const defined = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const dialEntry = (withLocations: boolean, i: number): fc.Arbitrary<Record<string, unknown>> =>
  fc.tuple(pattern(withLocations), fc.constantFrom(undefined, undefined, '1', '+', '9', '*'), fc.constantFrom(`entry ${i}`, `entry ${i}`, `entry ${i}`, 'same name')).chain(([first, prefix, name]) => {
    // A second pattern, when there is one, has the same wildcards as the first (templates are filled from either).
    const patterns = prefix === undefined ? [first] : [first, [prefix, ...first]];
    return fc
      .record({
        classification: fc.constantFrom(...CLASSIFICATIONS),
        classifications: maybe(fc.subarray([...CLASSIFICATIONS], { maxLength: 2 })),
        normalized: maybe(template(first)),
        display: maybe(template(first)),
        editBase: maybe(template(first)),
        dialString: maybe(template(first)),
        dialCapable: maybe(fc.boolean()),
      })
      // Now and then two entries share a name: a DUPLICATE_NAME warning.
      .map((r) => defined({ name, match: patterns.length === 1 ? first.join('') : patterns.map((p) => p.join('')), ...r }));
  });

const conversion = (withLocations: boolean, i: number): fc.Arbitrary<Record<string, unknown>> =>
  pattern(withLocations).chain((p) => template(p).map((output) => ({ name: `conversion ${i}`, match: p.join(''), output: output === '' ? '+' : output })));

const extension = fc.string({ unit: fc.constantFrom('1', '2', '6', '7', '9'), minLength: 1, maxLength: 4 });

/** A random rule file as a plain object (what YAML parses it into). */
export const planObjectArb: fc.Arbitrary<Record<string, unknown>> = fc.boolean().chain((withLocations) =>
  fc
    .record({
      entryCount: fc.integer({ min: 1, max: 6 }),
      conversionCount: fc.integer({ min: 0, max: 3 }),
      extensionSeparator: maybe(fc.constantFrom('^', '/')),
      defaultLocation: maybe(fc.constantFrom('here', 'there')),
      unmatched: maybe(fc.record({ classification: fc.constantFrom(...CLASSIFICATIONS), dialCapable: fc.boolean() })),
      users: fc.array(fc.record({ extension, id: fc.constantFrom('jdoe', 'asmith', 'x y') }), { maxLength: 2 }),
      workgroups: fc.array(fc.record({ extension, id: fc.constantFrom('Support', 'Sales'), voicemail: fc.boolean() }), { maxLength: 1 }),
    })
    .chain((r) =>
      fc
        .tuple(
          fc.tuple(...Array.from({ length: r.entryCount }, (_, i) => dialEntry(withLocations, i))),
          r.conversionCount === 0 ? fc.constant([]) : fc.tuple(...Array.from({ length: r.conversionCount }, (_, i) => conversion(withLocations, i))),
        )
        .map(([dialPlan, inputConversions]) =>
          defined({
            name: 'random',
            classifications: ['A', 'B', { name: 'I', internal: true }, 'Unknown'],
            sets: SETS,
            extensionSeparator: r.extensionSeparator,
            locations: withLocations ? { here: { area: '317' }, there: { area: '312' } } : undefined,
            defaultLocation: withLocations ? r.defaultLocation : undefined,
            inputConversions: inputConversions.length > 0 ? inputConversions : undefined,
            dialPlan,
            unmatched: r.unmatched,
            directory: r.users.length + r.workgroups.length > 0 ? defined({ users: r.users.length > 0 ? r.users : undefined, workgroups: r.workgroups.length > 0 ? r.workgroups : undefined }) : undefined,
          }),
        ),
    ),
);

/** A random rule file: its object and its YAML text. */
export const planArb: fc.Arbitrary<{ readonly object: Record<string, unknown>; readonly yaml: string }> = planObjectArb.map((object) => ({ object, yaml: stringify(object) }));

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** Numbers as people type them: digits, +, letters, separators, extensions, SIP addresses, and junk. */
export const inputArb: fc.Arbitrary<string> = fc.oneof(
  digits(1, 12),
  digits(3, 12).map((d) => `+${d}`),
  fc.tuple(digits(4, 10), fc.constantFrom(' x', ' ext. ', '^', '/', ','), digits(0, 4)).map(([d, s, e]) => d + s + e),
  digits(1, 5).map((d) => `/${d}`),
  fc.tuple(digits(3, 3), digits(3, 3), digits(4, 4), fc.constantFrom(' ', '-', '.', ')')).map(([a, b, c, s]) => `(${a}${s}${b}-${c}`),
  fc.constantFrom('1-800-FLOWERS', 'sip:agent@example.com', 'SIPS:a@b', '6929@pbx', '*67', '#', '+', '/', '^', 'tel:+13175551234', '6929', '  ', ''),
  fc.string({ unit: fc.constantFrom(...'0123456789+/^*#,@.:-() xsipabc'), maxLength: 14 }),
  fc.string({ maxLength: 10 }),
  // Any UTF-16: astral characters, lone surrogates, controls.
  fc.string({ unit: 'binary', maxLength: 8 }),
);

/**
 * Texts that the patterns of a random plan match (one per pattern, each wildcard filled with one digit, `Z` with a few),
 * with an extension after some of them: so that the properties see matches and filled templates, not only fall-throughs.
 */
export function matchingInputs(object: Record<string, unknown>): string[] {
  const patterns: string[] = [];
  for (const key of ['inputConversions', 'dialPlan']) {
    for (const e of (object[key] as { match: string | string[] }[] | undefined) ?? []) patterns.push(...(Array.isArray(e.match) ? e.match : [e.match]));
  }
  return patterns.flatMap((p, i) => {
    const text = p
      .replace(/\{tf\}/g, '888')
      .replace(/\{cc\}/g, '44')
      .replace(/\{area\}/g, '317')
      .replace(/"([^"]*)"/g, '$1')
      .replace(/\[([^\]])[^\]]*\]/g, '$1')
      .replace(/[XNYx]/g, String(2 + (i % 8)))
      .replace(/\?/g, '')
      .replace(/Z$/, '4567');
    return [text, text.toUpperCase(), `${text} x12`, `${text}/7`];
  });
}
