/**
 * Templates build a table entry's outputs (`output`, `normalized`, `display`, `editBase`, `dialString`) from what its
 * pattern matched.
 *
 * Wildcard style: `X Y N ? Z` and `[...]` stand for what the wildcard of the same rank in the pattern matched.
 * Ordinal style: `{3}` the 3rd character of the matched string, `{3-5}` a range, `{9-}` to the end.
 * References: `{Z}` what `Z` matched, `{name}` what a named set matched (or a location variable), `{classification}`,
 * and libphonenumber-js fields of an E.164 match (`{e164}`, `{international}`, `{national}`, ...; see international.ts).
 * `"..."` is literal text, for words that hold wildcard letters.
 */
import type { SyntaxIssue, WildcardKind } from './pattern.js';
import { expandClass } from './pattern.js';
import type { CompiledPattern } from './match.js';
import { internationalField, isInternationalField } from '../international.js';

/** One token of a parsed template. */
export type TemplateToken =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'wildcard'; readonly wildcard: WildcardKind; readonly source: string; readonly rank: number; readonly offset: number }
  | { readonly kind: 'ordinal'; readonly from: number; readonly to: number | undefined; readonly open: boolean; readonly offset: number }
  | { readonly kind: 'ref'; readonly name: string; readonly offset: number };

/** A template parsed into tokens. */
export interface ParsedTemplate {
  readonly source: string;
  readonly tokens: readonly TemplateToken[];
  /** Whether it holds bare wildcards, and so must repeat the pattern's wildcards in order. */
  readonly wildcardStyle: boolean;
  readonly issues: readonly SyntaxIssue[];
}

const ORDINAL = /^(\d+)(?:(-)(\d+)?)?$/;

/**
 * ASCII characters that are plain literal text in a template: not a wildcard letter (X Y N Z, either case), `?`, a
 * quote, a bracket or a brace. Others (beyond ASCII too) take the character-by-character path.
 */
const PLAIN = (() => {
  const plain = new Uint8Array(128);
  for (let c = 32; c < 127; c++) plain[c] = 1;
  for (const ch of 'XYNZxynz?"[]{}') plain[ch.charCodeAt(0)] = 0;
  return plain;
})();

/**
 * The longest template a rule file may hold, in characters: room for any ICWS string built from a number of at most 256
 * characters, while a template of a million `{Z}` cannot make each query build megabytes.
 *
 * @example
 * ```ts
 * parseTemplate('{Z}'.repeat(1000)).issues[0]?.code; // 'TOO_LARGE'
 * ```
 */
export const MAX_TEMPLATE_LENGTH = 1024;
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Parses a template. Never throws: problems come back in `issues`.
 *
 * @param source - the template as written
 * @returns the tokens and problems
 * @example
 * ```ts
 * parseTemplate('({classification}) 1 (NXX) NXX-XXXX').wildcardStyle; // true
 * parseTemplate('/{1-}').wildcardStyle;                                // false
 * ```
 */
export function parseTemplate(source: string): ParsedTemplate {
  const tokens: TemplateToken[] = [];
  const issues: SyntaxIssue[] = [];
  let literal = '';
  let rank = 0;
  const flush = (): void => {
    if (literal !== '') tokens.push({ kind: 'literal', text: literal });
    literal = '';
  };
  // Not parsed: the one problem to report is its length.
  if (source.length > MAX_TEMPLATE_LENGTH) {
    issues.push({
      code: 'TOO_LARGE',
      message: `This template has ${source.length} characters; a template may have at most ${MAX_TEMPLATE_LENGTH}.`,
      offset: 0,
    });
    return { source, tokens, wildcardStyle: false, issues };
  }
  for (let i = 0; i < source.length; i++) {
    // A run of plain characters is copied in one slice: a plan of 100 000 entries parses 100 000 display texts.
    let run = i;
    while (run < source.length && PLAIN[source.charCodeAt(run) & 0x7f] === 1 && source.charCodeAt(run) < 128) run++;
    if (run > i) {
      literal += source.slice(i, run);
      i = run - 1;
      continue;
    }
    const ch = source[i] as string;
    const upper = ch.toUpperCase();
    if (upper === 'X' || upper === 'Y' || upper === 'N' || upper === 'Z' || ch === '?') {
      flush();
      tokens.push({ kind: 'wildcard', wildcard: upper as WildcardKind, source: upper, rank: rank++, offset: i });
    } else if (ch === '"') {
      const end = source.indexOf('"', i + 1);
      if (end < 0) {
        issues.push({ code: 'UNBALANCED_QUOTE', message: 'This quote is never closed.', offset: i });
        break;
      }
      literal += source.slice(i + 1, end);
      i = end;
    } else if (ch === '[') {
      const end = source.indexOf(']', i + 1);
      if (end < 0) {
        issues.push({ code: 'UNBALANCED_BRACKET', message: 'This `[` is never closed by `]`.', offset: i });
        break;
      }
      flush();
      expandClass(source.slice(i + 1, end), i + 1, issues);
      tokens.push({ kind: 'wildcard', wildcard: '[', source: source.slice(i, end + 1), rank: rank++, offset: i });
      i = end;
    } else if (ch === '{') {
      const end = source.indexOf('}', i + 1);
      if (end < 0) {
        issues.push({ code: 'UNBALANCED_BRACKET', message: 'This `{` is never closed by `}`.', offset: i });
        break;
      }
      flush();
      const body = source.slice(i + 1, end);
      const ord = ORDINAL.exec(body);
      if (ord) {
        const from = Number(ord[1]);
        const open = ord[2] === '-' && ord[3] === undefined;
        const to = ord[3] !== undefined ? Number(ord[3]) : open ? undefined : from;
        if (from < 1 || (to !== undefined && to < from)) {
          issues.push({
            code: 'BAD_TEMPLATE',
            message: `\`{${body}}\` is not a valid ordinal: positions start at 1 and a range must not run backwards.`,
            offset: i,
          });
        }
        tokens.push({ kind: 'ordinal', from, to, open, offset: i });
      } else if (NAME.test(body)) {
        tokens.push({ kind: 'ref', name: body, offset: i });
      } else {
        issues.push({
          code: 'BAD_TEMPLATE',
          message: `\`{${body}}\` is neither a position (\`{3}\`, \`{3-5}\`, \`{9-}\`) nor a name.`,
          offset: i,
        });
      }
      i = end;
    } else if (ch === ']' || ch === '}') {
      issues.push({ code: 'UNBALANCED_BRACKET', message: `This \`${ch}\` closes nothing.`, offset: i });
    } else {
      literal += ch;
    }
  }
  flush();
  return { source, tokens, wildcardStyle: rank > 0, issues };
}

/** What a template needs besides the pattern's captures. */
export interface FillContext {
  readonly classification: string;
  /** The location's variables. */
  readonly vars: Readonly<Record<string, string>>;
}

/**
 * Fills a template from a match. Wildcards and references the match did not set are empty.
 *
 * @param template - the parsed template
 * @param pattern - the pattern that matched
 * @param matched - the string the pattern matched
 * @param groups - the capture groups of that match
 * @param context - the classification and location variables
 * @returns the filled text
 * @example
 * ```ts
 * fillTemplate(parseTemplate('+1317NXXXXXX'), p, '5551234', p.regex.exec('5551234')!, ctx); // '+13175551234'
 * ```
 */
export function fillTemplate(
  template: ParsedTemplate,
  pattern: CompiledPattern,
  matched: string,
  groups: readonly (string | undefined)[],
  context: FillContext,
): string {
  let out = '';
  for (const t of template.tokens) {
    switch (t.kind) {
      case 'literal':
        out += t.text;
        break;
      case 'wildcard': {
        const g = pattern.positionalGroups[t.rank];
        out += g === undefined ? '' : (groups[g] ?? '');
        break;
      }
      case 'ordinal':
        out += matched.slice(t.from - 1, t.to);
        break;
      case 'ref':
        out += fillRef(t.name, pattern, matched, groups, context);
        break;
    }
  }
  return out;
}

function fillRef(
  name: string,
  pattern: CompiledPattern,
  matched: string,
  groups: readonly (string | undefined)[],
  context: FillContext,
): string {
  if (name === 'Z' || name === 'z') return pattern.zGroup > 0 ? (groups[pattern.zGroup] ?? '') : '';
  if (name === 'classification') return context.classification;
  const g = pattern.setGroups.get(name);
  if (g !== undefined) return groups[g] ?? '';
  const v = context.vars[name];
  // A plan's own set or variable wins over a libphonenumber-js field of the same name, so adding fields breaks no plan.
  if (v === undefined && isInternationalField(name)) return internationalField(matched, name);
  return v ?? '';
}
