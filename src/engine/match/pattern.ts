/**
 * The pattern language of dial-plan tables (CIC's, plus character sets and named sets), parsed into tokens.
 *
 * `X` a digit 0-9, `Y` 1-9, `N` 2-9, `?` zero or more of `0-9 * # ,`, `Z` anything (last, at most once), `[1237-9]` one
 * character of a set, `{name}` one value of a named set (or a location variable), `"..."` literal text; every other character
 * matches itself, letters without regard to case.
 */
import type { ErrorCode } from '../errors.js';

/** A positional wildcard: the ones a wildcard-style template repeats in order. `[` stands for a character set. */
export type WildcardKind = 'X' | 'Y' | 'N' | '?' | 'Z' | '[';

/** One token of a parsed pattern. */
export type PatternToken =
  | { readonly kind: 'literal'; readonly text: string; readonly offset: number }
  | { readonly kind: 'wildcard'; readonly wildcard: Exclude<WildcardKind, '['>; readonly offset: number }
  | { readonly kind: 'class'; readonly chars: string; readonly source: string; readonly offset: number }
  | { readonly kind: 'ref'; readonly name: string; readonly offset: number };

/** A problem inside one pattern or template string; `offset` is the index of the offending character. */
export interface SyntaxIssue {
  readonly code: ErrorCode;
  readonly message: string;
  readonly offset: number;
}

/** A pattern parsed into tokens, with the problems found. */
export interface ParsedPattern {
  readonly source: string;
  readonly tokens: readonly PatternToken[];
  readonly issues: readonly SyntaxIssue[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * The longest pattern a rule file may hold, in characters. Numbers are at most 256 characters (`TOO_LONG`), and a longer
 * pattern would only cost memory and time when the plan is compiled.
 *
 * @example
 * ```ts
 * parsePattern('X'.repeat(MAX_PATTERN_LENGTH + 1)).issues[0]?.code; // 'TOO_LARGE'
 * ```
 */
export const MAX_PATTERN_LENGTH = 256;

// Characters that prepare never leaves in a number and that SIP addresses cannot hold either: a pattern with one never matches.
const NEVER_MATCHED = /[\s\p{Cc}]/u;

/**
 * Parses a pattern into tokens. Never throws: problems come back in `issues`, each with the offset of the offending character.
 *
 * @param source - the pattern as written in the rule file
 * @returns the tokens and the problems
 * @example
 * ```ts
 * parsePattern('1NXX[2-9]XX"#"').tokens.map((t) => t.kind);
 * // ['literal', 'wildcard', 'wildcard', 'wildcard', 'class', 'wildcard', 'wildcard', 'literal']
 * ```
 */
export function parsePattern(source: string): ParsedPattern {
  const tokens: PatternToken[] = [];
  const issues: SyntaxIssue[] = [];
  let literal = '';
  let literalStart = 0;
  const flush = (): void => {
    if (literal !== '') tokens.push({ kind: 'literal', text: literal, offset: literalStart });
    literal = '';
  };
  const addLiteral = (text: string, offset: number): void => {
    if (literal === '') literalStart = offset;
    literal += text;
  };
  if (source === '') issues.push({ code: 'BAD_PATTERN', message: 'A pattern cannot be empty.', offset: 0 });
  // Not parsed at all: its tokens would be compiled (and a 100 000-character pattern made a regular expression too large
  // to build), and the one problem to report is its length.
  if (source.length > MAX_PATTERN_LENGTH) {
    issues.push({
      code: 'TOO_LARGE',
      message: `This pattern has ${source.length} characters; a pattern may have at most ${MAX_PATTERN_LENGTH}.`,
      offset: 0,
    });
    return { source, tokens, issues };
  }

  let zAt = -1;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    switch (ch) {
      case 'X':
      case 'x':
      case 'Y':
      case 'y':
      case 'N':
      case 'n':
      case '?':
        flush();
        tokens.push(wildcardToken(ch === '?' ? '?' : (ch.toUpperCase() as 'X' | 'Y' | 'N'), i));
        break;
      case 'Z':
      case 'z':
        flush();
        if (zAt >= 0) {
          issues.push({ code: 'Z_NOT_LAST', message: '`Z` may appear only once, as the last character.', offset: zAt });
        }
        zAt = i;
        tokens.push(wildcardToken('Z', i));
        break;
      case '"': {
        const end = source.indexOf('"', i + 1);
        if (end < 0) {
          issues.push({ code: 'UNBALANCED_QUOTE', message: 'This quote is never closed.', offset: i });
          i = source.length;
          break;
        }
        addLiteral(source.slice(i + 1, end), i);
        i = end;
        break;
      }
      case '[': {
        const end = source.indexOf(']', i + 1);
        if (end < 0) {
          issues.push({ code: 'UNBALANCED_BRACKET', message: 'This `[` is never closed by `]`.', offset: i });
          i = source.length;
          break;
        }
        flush();
        const body = source.slice(i + 1, end);
        const chars = expandClass(body, i + 1, issues);
        tokens.push({ kind: 'class', chars, source: source.slice(i, end + 1), offset: i });
        i = end;
        break;
      }
      case '{': {
        const end = source.indexOf('}', i + 1);
        if (end < 0) {
          issues.push({ code: 'UNBALANCED_BRACKET', message: 'This `{` is never closed by `}`.', offset: i });
          i = source.length;
          break;
        }
        flush();
        const name = source.slice(i + 1, end);
        if (!NAME.test(name)) {
          issues.push({
            code: 'BAD_PATTERN',
            message: `\`{${name}}\` is not a set name (letters, digits, _ and -, starting with a letter).`,
            offset: i,
          });
        } else {
          tokens.push({ kind: 'ref', name, offset: i });
        }
        i = end;
        break;
      }
      case ']':
      case '}':
        issues.push({ code: 'UNBALANCED_BRACKET', message: `This \`${ch}\` closes nothing.`, offset: i });
        break;
      default:
        if (NEVER_MATCHED.test(ch)) {
          issues.push({
            code: 'BAD_PATTERN',
            message: `A pattern cannot contain ${describeChar(ch)}: prepared numbers never hold it.`,
            offset: i,
          });
        } else {
          addLiteral(ch, i);
        }
    }
  }
  flush();
  if (zAt >= 0 && zAt !== source.length - 1) {
    issues.push({ code: 'Z_NOT_LAST', message: '`Z` must be the last character of a pattern.', offset: zAt });
  }
  return { source, tokens, issues };
}

/**
 * Expands the body of `[...]` into the characters it stands for: `1237-9` is `123789`. A `-` first or last is itself.
 */
export function expandClass(body: string, offset: number, issues: SyntaxIssue[]): string {
  if (body === '') {
    issues.push({ code: 'BAD_PATTERN', message: '`[]` is an empty set and matches nothing.', offset: offset - 1 });
    return '';
  }
  let chars = '';
  for (let i = 0; i < body.length; i++) {
    const from = body[i] as string;
    const to = body[i + 2];
    if (body[i + 1] === '-' && to !== undefined) {
      if (to < from) {
        issues.push({ code: 'BAD_PATTERN', message: `The range \`${from}-${to}\` runs backwards.`, offset: offset + i });
      }
      for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) chars += String.fromCharCode(c);
      i += 2;
    } else if (NEVER_MATCHED.test(from)) {
      issues.push({ code: 'BAD_PATTERN', message: `A set cannot contain ${describeChar(from)}.`, offset: offset + i });
    } else {
      chars += from;
    }
  }
  return chars;
}

function describeChar(ch: string): string {
  return /\s/.test(ch) ? 'white space' : `the control character U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Wildcard tokens, one frozen object per kind and offset: the `XXXX` of 100 000 patterns of one shape are four objects,
 * not 400 000 (every token is read only).
 */
const wildcardTokens = new Map<string, PatternToken>();

function wildcardToken(wildcard: Exclude<WildcardKind, '['>, offset: number): PatternToken {
  const key = `${wildcard}${offset}`;
  let token = wildcardTokens.get(key);
  if (token === undefined) {
    token = Object.freeze({ kind: 'wildcard', wildcard, offset });
    // Offsets are bounded by the longest pattern a table holds; the bound only guards a hostile file of huge patterns.
    if (wildcardTokens.size < 65_536) wildcardTokens.set(key, token);
  }
  return token;
}
