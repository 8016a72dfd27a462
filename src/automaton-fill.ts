/**
 * Templates compiled against one pattern, for the hot path: what {@link fillTemplate} works out on every query (which
 * capture group a wildcard repeats, what a `{name}` stands for, the classification and location variables) is worked out
 * once, and adjacent literal text is joined.
 */
import type { CompiledPattern } from './match.js';
import type { FillContext, ParsedTemplate } from './template.js';

/**
 * A template compiled for one pattern: a flat list of (kind, operand) steps, run by {@link runFiller}. Plain data rather
 * than a closure, so that in a table of thousands of entries filling a template touches one array, not a closure, its
 * context and the arrays it holds.
 */
export type Filler = readonly (number | string)[];

const TEXT = 0;
const GROUP = 1;
const SLICE = 2;

/**
 * Compiles a template for one pattern and context. Run by {@link runFiller}, it gives exactly what {@link fillTemplate}
 * gives for the same pattern, match and context.
 *
 * @param template - the parsed template
 * @param pattern - the pattern whose matches it fills from
 * @param context - the classification and location variables
 * @returns the filler
 * @example
 * ```ts
 * const filler = compileFiller(parseTemplate('+1317NXXXXXX'), p, { classification: '', vars: {} });
 * runFiller(filler, '5551234', p.regex.exec('5551234')!); // '+13175551234'
 * ```
 */
export function compileFiller(template: ParsedTemplate, pattern: CompiledPattern, context: FillContext): Filler {
  const kinds: number[] = [];
  const texts: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const text = (s: string): void => {
    if (s === '') return;
    const last = kinds.length - 1;
    if (last >= 0 && kinds[last] === TEXT) texts[last] += s;
    else push(TEXT, s, 0, 0);
  };
  const push = (kind: number, s: string, a: number, b: number): void => {
    kinds.push(kind);
    texts.push(s);
    from.push(a);
    to.push(b);
  };
  for (const t of template.tokens) {
    switch (t.kind) {
      case 'literal':
        text(t.text);
        break;
      case 'wildcard': {
        const g = pattern.positionalGroups[t.rank];
        if (g !== undefined) push(GROUP, '', g, 0);
        break;
      }
      case 'ordinal':
        // `to` -1 stands for "to the end", as slice(from - 1, undefined) does.
        push(SLICE, '', t.from - 1, t.to ?? -1);
        break;
      case 'ref': {
        // The order of fillRef: {Z}, {classification}, a named set of the pattern, a location variable.
        const name = t.name;
        if (name === 'Z' || name === 'z') {
          if (pattern.zGroup > 0) push(GROUP, '', pattern.zGroup, 0);
        } else if (name === 'classification') {
          text(context.classification);
        } else {
          const g = pattern.setGroups.get(name);
          if (g !== undefined) push(GROUP, '', g, 0);
          else text(context.vars[name] ?? '');
        }
        break;
      }
    }
  }
  const ops: (number | string)[] = [];
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i] as number;
    ops.push(kind, kind === TEXT ? (texts[i] as string) : (from[i] as number));
    if (kind === SLICE) ops.push(to[i] as number);
  }
  return ops;
}

/**
 * Fills a compiled template from a match of its pattern.
 *
 * @param filler - from {@link compileFiller}
 * @param matched - the string the pattern matched
 * @param groups - the capture groups of that match
 * @returns the filled text
 * @example
 * ```ts
 * runFiller(compileFiller(parseTemplate('/{1-}'), p, ctx), '6929', ['6929']); // '/6929'
 * ```
 */
export function runFiller(filler: Filler, matched: string, groups: readonly (string | undefined)[]): string {
  let out = '';
  for (let i = 0; i < filler.length; i += 2) {
    const kind = filler[i];
    if (kind === TEXT) {
      out += filler[i + 1] as string;
    } else if (kind === GROUP) {
      out += groups[filler[i + 1] as number] ?? '';
    } else {
      const end = filler[i + 2] as number;
      out += end < 0 ? matched.slice(filler[i + 1] as number) : matched.slice(filler[i + 1] as number, end);
      i++;
    }
  }
  return out;
}
