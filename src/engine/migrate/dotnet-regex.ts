/**
 * .NET regular expressions (the dialect of Microsoft Teams normalization rules) parsed into a tree with the index of every
 * construct, re-emitted as JavaScript `RegExp` source with .NET's meaning, and .NET replacement strings (`$1`, `${name}`)
 * evaluated. No `node:` imports: this runs anywhere the engine does.
 *
 * Dialect differences handled when re-emitting for JavaScript: `\d` is every Unicode decimal digit and `\w` every letter,
 * mark, digit and connector in .NET (ASCII in JavaScript); `$` and `\Z` also match before a final `\n`; `\A` and `\z` are
 * `^` and `$`; unnamed groups are numbered before named ones; a name may be used by several groups; `.` is everything but
 * `\n`; `\e` is ESC; a `{` that starts no quantifier is a literal. Constructs JavaScript has no counterpart for (atomic
 * groups, conditionals, balancing groups, class subtraction, inline options, `\G`) are `unsupported` nodes.
 */

/** One range or shorthand of a character class. */
export type ClassItem = { readonly lo: number; readonly hi: number } | { readonly shorthand: 'd' | 'D' | 'w' | 'W' | 's' | 'S' };

/** A set of characters: `[...]`, `\d`, `.` or one literal character. */
export interface CharSet {
  readonly negate: boolean;
  readonly items: readonly ClassItem[];
  /** `.`: every character but `\n`. */
  readonly dot?: boolean;
}

/** A node of a parsed .NET regular expression; `pos` is the index of its first character in the pattern. */
export type RegexNode =
  | { readonly t: 'set'; readonly set: CharSet; readonly pos: number }
  | { readonly t: 'seq'; readonly items: readonly RegexNode[]; readonly pos: number }
  | { readonly t: 'alt'; readonly options: readonly RegexNode[]; readonly pos: number }
  | { readonly t: 'group'; readonly capture: boolean; readonly name?: string; readonly body: RegexNode; readonly pos: number; readonly order: number }
  | { readonly t: 'repeat'; readonly min: number; readonly max: number; readonly lazy: boolean; readonly body: RegexNode; readonly pos: number }
  | { readonly t: 'anchor'; readonly kind: '^' | '$' | 'A' | 'z' | 'Z' | 'b' | 'B'; readonly pos: number }
  | { readonly t: 'backref'; readonly ref: number | string; readonly pos: number }
  | { readonly t: 'look'; readonly ahead: boolean; readonly negate: boolean; readonly body: RegexNode; readonly pos: number }
  | { readonly t: 'unsupported'; readonly what: string; readonly pos: number };

/** A parsed regular expression: its tree, the .NET numbers of its groups, and syntax errors. */
export interface ParsedRegex {
  readonly source: string;
  readonly root: RegexNode;
  /** The .NET group number of each capturing group, by its `order` (0-based order of its opening parenthesis). */
  readonly groupNumbers: readonly number[];
  /** The .NET group numbers by name (unnamed groups are named by their number). */
  readonly groupsByName: ReadonlyMap<string, number>;
  /** Syntax errors: the regex does not parse. */
  readonly errors: readonly { readonly message: string; readonly pos: number }[];
}

const cp = (s: string): number => s.codePointAt(0) ?? 0;

/** Most groups a regex may nest (the readers of its tree are recursive; the exports' when: regexes nest about 20). */
const MAX_GROUP_DEPTH = 100;

/** Which engine's meaning a regex has: .NET (Teams) or Java (Genesys Cloud number plans). */
export type RegexDialect = 'dotnet' | 'java';

const ranges = (...r: [number, number][]): ClassItem[] => r.map(([lo, hi]) => ({ lo, hi }));
// Java's shorthands are ASCII (without UNICODE_CHARACTER_CLASS); written as ranges, so nothing downstream needs the dialect.
const JAVA_SHORTHANDS: Readonly<Record<'d' | 'D' | 'w' | 'W' | 's' | 'S', ClassItem[]>> = {
  d: ranges([48, 57]),
  D: ranges([0, 47], [58, 0x10ffff]),
  w: ranges([48, 57], [65, 90], [95, 95], [97, 122]),
  W: ranges([0, 47], [58, 64], [91, 94], [96, 96], [123, 0x10ffff]),
  s: ranges([9, 13], [32, 32]),
  S: ranges([0, 8], [14, 31], [33, 0x10ffff]),
};

/**
 * Parses a .NET regular expression (default options). Never throws.
 *
 * @param source - the pattern text
 * @returns the tree, group numbering and syntax errors
 * @example
 * ```ts
 * parseDotnetRegex('^(\\d{4})$').root.t; // 'seq'
 * ```
 */
export function parseDotnetRegex(source: string, dialect: RegexDialect = 'dotnet'): ParsedRegex {
  let i = 0;
  let order = 0;
  let depth = 0;
  const errors: { message: string; pos: number }[] = [];
  const groups: { order: number; name?: string }[] = [];

  /**
   * Steps past the `close` that ends the `open` the reader is inside (escaped characters skipped, nested pairs counted),
   * for a construct reported rather than parsed; returns how many are still open when the source ends first (0: none).
   */
  const skipBalanced = (open: string, close: string): number => {
    let left = 1;
    while (i < source.length && left > 0) {
      if (source[i] === '\\') i++;
      else if (source[i] === open) left++;
      else if (source[i] === close) left--;
      i++;
    }
    return left;
  };

  const parseAlt = (): RegexNode => {
    const start = i;
    const options: RegexNode[] = [parseSeq()];
    while (source[i] === '|') {
      i++;
      options.push(parseSeq());
    }
    return options.length === 1 ? (options[0] as RegexNode) : { t: 'alt', options, pos: start };
  };

  const parseSeq = (): RegexNode => {
    const start = i;
    const items: RegexNode[] = [];
    while (i < source.length && source[i] !== '|' && source[i] !== ')') {
      if (dialect === 'java' && source.startsWith('\\Q', i)) {
        // Java's quoting: every character up to \E (or the end) is itself; a quantifier after \E repeats the last one.
        const end = source.indexOf('\\E', i + 2);
        const stop = end < 0 ? source.length : end;
        for (let k = i + 2; k < stop; ) {
          const ch = String.fromCodePoint(cp(source.slice(k)));
          items.push(literal(cp(ch), k));
          k += ch.length;
        }
        i = end < 0 ? source.length : end + 2;
        const last = items.pop();
        if (last) items.push(parseQuantifier(last));
        continue;
      }
      const atom = parseAtom();
      if (atom) items.push(parseQuantifier(atom));
    }
    return { t: 'seq', items, pos: start };
  };

  const parseQuantifier = (atom: RegexNode): RegexNode => {
    for (;;) {
      const start = i;
      let min: number;
      let max: number;
      const c = source[i];
      if (c === '*') [min, max] = [0, Infinity];
      else if (c === '+') [min, max] = [1, Infinity];
      else if (c === '?') [min, max] = [0, 1];
      else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
        if (!m) return atom; // a literal `{`, read by the next parseAtom
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        if (max < min) errors.push({ message: `The quantifier ${m[0]} has its bounds reversed.`, pos: i });
        i += m[0].length - 1;
      } else return atom;
      i++;
      let lazy = false;
      if (source[i] === '?') {
        lazy = true;
        i++;
      } else if (dialect === 'java' && source[i] === '+') {
        // Java's possessive quantifiers (`\d++`, `X*+`, `{3}+`) never give back what they took; .NET has none (there
        // `++` is a nested quantifier error), and patterns cannot say it either.
        i++;
        return { t: 'unsupported', what: "a possessive quantifier (Java's ++, *+, ?+, {n,m}+)", pos: start };
      }
      if (atom.t === 'anchor' || atom.t === 'look') {
        // .NET accepts a quantified anchor; it means the anchor or nothing. Keep it simple and exact: unsupported.
        return { t: 'unsupported', what: 'a quantified anchor or look-around', pos: start };
      }
      atom = { t: 'repeat', min, max, lazy, body: atom, pos: atom.pos };
      if (source[i] === '*' || source[i] === '+' || source[i] === '?') {
        errors.push({ message: `Nested quantifier ${source[i]}.`, pos: i });
      }
    }
  };

  const parseAtom = (): RegexNode | undefined => {
    const start = i;
    const c = source[i] as string;
    switch (c) {
      case '(':
        return parseGroup();
      case '[':
        return parseClass();
      case '.':
        i++;
        // Java's `.` leaves out every line terminator; .NET's only \n.
        if (dialect === 'java') return { t: 'set', set: { negate: true, items: [10, 13, 0x85, 0x2028, 0x2029].map((c) => ({ lo: c, hi: c })) }, pos: start };
        return { t: 'set', set: { negate: false, items: [], dot: true }, pos: start };
      case '^':
        i++;
        return { t: 'anchor', kind: '^', pos: start };
      case '$':
        i++;
        return { t: 'anchor', kind: '$', pos: start };
      case '\\':
        return parseEscape(false);
      case '*':
      case '+':
      case '?':
        errors.push({ message: `Quantifier ${c} follows nothing.`, pos: i });
        i++;
        return undefined;
      default: {
        const ch = String.fromCodePoint(cp(source.slice(i)));
        i += ch.length;
        return literal(cp(ch), start);
      }
    }
  };

  const literal = (code: number, pos: number): RegexNode => ({ t: 'set', set: { negate: false, items: [{ lo: code, hi: code }] }, pos });

  const parseGroup = (): RegexNode => {
    const start = i;
    if (depth >= MAX_GROUP_DEPTH) {
      // Every reader of the tree walks it recursively: a hostile rule of 20 000 nested groups overflowed the stack.
      errors.push({ message: `Groups nested deeper than ${MAX_GROUP_DEPTH} levels.`, pos: start });
      let open = 0;
      while (i < source.length) {
        if (source[i] === '\\') i++;
        else if (source[i] === '(') open++;
        else if (source[i] === ')' && --open === 0) {
          i++;
          break;
        }
        i++;
      }
      return { t: 'seq', items: [], pos: start };
    }
    depth++;
    try {
      return parseGroupBody(start);
    } finally {
      depth--;
    }
  };

  const parseGroupBody = (start: number): RegexNode => {
    i++; // (
    let node: RegexNode;
    if (source[i] !== '?') {
      const o = order++;
      groups.push({ order: o });
      node = { t: 'group', capture: true, body: parseAlt(), pos: start, order: o };
    } else {
      const rest = source.slice(i + 1);
      if (rest.startsWith(':')) {
        i += 2;
        node = { t: 'group', capture: false, body: parseAlt(), pos: start, order: -1 };
      } else if (rest.startsWith('=') || rest.startsWith('!')) {
        i += 2;
        node = { t: 'look', ahead: true, negate: rest[0] === '!', body: parseAlt(), pos: start };
      } else if (rest.startsWith('<=') || rest.startsWith('<!')) {
        i += 3;
        node = { t: 'look', ahead: false, negate: rest[1] === '!', body: parseAlt(), pos: start };
      } else if (/^[<'][A-Za-z_]\w*[>']/.test(rest)) {
        const m = /^[<']([A-Za-z_]\w*)[>']/.exec(rest) as RegExpExecArray;
        i += 1 + m[0].length;
        const o = order++;
        groups.push({ order: o, name: m[1] as string });
        node = { t: 'group', capture: true, name: m[1] as string, body: parseAlt(), pos: start, order: o };
      } else if (rest.startsWith('#')) {
        const end = source.indexOf(')', i);
        i = end < 0 ? source.length : end + 1;
        if (end < 0) errors.push({ message: 'This comment is never closed.', pos: start });
        return { t: 'seq', items: [], pos: start };
      } else {
        const what = rest.startsWith('>')
          ? 'an atomic group (?>...)'
          : rest.startsWith('(')
            ? 'a conditional (?(...)...)'
            : /^[<'][\w]*-/.test(rest)
              ? 'a balancing group'
              : /^[imnsx-]+[:)]/.test(rest)
                ? 'inline options (?imnsx)'
                : 'this group construct';
        // Skip to the matching parenthesis so that the rest still parses.
        i++;
        if (skipBalanced('(', ')') > 0) errors.push({ message: 'This group is never closed.', pos: start });
        return { t: 'unsupported', what, pos: start };
      }
    }
    if (source[i] !== ')') errors.push({ message: 'This group is never closed.', pos: start });
    else i++;
    return node;
  };

  const parseClass = (): RegexNode => {
    const start = i;
    i++; // [
    let negate = false;
    if (source[i] === '^') {
      negate = true;
      i++;
    }
    const items: ClassItem[] = [];
    let first = true;
    while (i < source.length && (source[i] !== ']' || first)) {
      first = false;
      if (dialect === 'java' && (source[i] === '[' || (source[i] === '&' && source[i + 1] === '&'))) {
        // Java's union of nested classes ([0-4[6-9]]) and intersection ([0-9&&[^5]]): in .NET a `[` in a class is
        // itself and `&&` two ampersands, so reading them as .NET would change the class without a word. Said instead.
        if (skipBalanced('[', ']') > 0) errors.push({ message: 'This `[` is never closed.', pos: start });
        return { t: 'unsupported', what: "a Java class union or intersection ([0-4[6-9]], [0-9&&[^5]])", pos: start };
      }
      if (source[i] === '-' && source[i + 1] === '[') {
        const end = source.indexOf(']', i + 2);
        i = end < 0 ? source.length : end + 1;
        return { t: 'unsupported', what: 'character class subtraction [a-z-[aeiou]]', pos: start };
      }
      const lo = classChar();
      if (lo === undefined) continue;
      if (typeof lo !== 'number') {
        items.push(...lo);
        continue;
      }
      if (source[i] === '-' && source[i + 1] !== ']' && source[i + 1] !== undefined && source[i + 1] !== '[') {
        i++;
        const hi = classChar();
        if (typeof hi !== 'number') {
          items.push({ lo, hi: lo }, { lo: 45, hi: 45 });
          if (hi !== undefined) items.push(...hi);
          continue;
        }
        if (hi < lo) errors.push({ message: 'This range runs backwards.', pos: i - 1 });
        items.push({ lo, hi });
      } else items.push({ lo, hi: lo });
    }
    if (source[i] !== ']') errors.push({ message: 'This `[` is never closed.', pos: start });
    else i++;
    return { t: 'set', set: { negate, items }, pos: start };
  };

  // One character of a class: a code point, a shorthand (Java's as its ranges: all of them, `\\D` is two), or undefined
  // when nothing was read that counts.
  const classChar = (): number | readonly ClassItem[] | undefined => {
    if (source[i] === '\\') {
      const node = parseEscape(true);
      if (node.t === 'set') {
        const item = node.set.items[0];
        if (node.set.items.length === 1 && item && 'lo' in item && item.lo === item.hi && !node.set.negate) return item.lo;
        return node.set.items;
      }
      errors.push({ message: 'This escape cannot be used in a character class.', pos: node.pos });
      return undefined;
    }
    const ch = String.fromCodePoint(cp(source.slice(i)));
    i += ch.length;
    return cp(ch);
  };

  const parseEscape = (inClass: boolean): RegexNode => {
    const start = i;
    i++; // backslash
    const c = source[i];
    if (c === undefined) {
      errors.push({ message: 'A pattern cannot end with a backslash.', pos: start });
      return { t: 'seq', items: [], pos: start };
    }
    i++;
    const shorthand = (s: 'd' | 'D' | 'w' | 'W' | 's' | 'S'): RegexNode => ({
      t: 'set',
      set: { negate: false, items: dialect === 'java' ? JAVA_SHORTHANDS[s] : [{ shorthand: s }] },
      pos: start,
    });
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S':
        return shorthand(c);
      case 'b':
        return inClass ? literal(8, start) : { t: 'anchor', kind: 'b', pos: start };
      case 'B':
      case 'A':
      case 'z':
      case 'Z':
        return { t: 'anchor', kind: c, pos: start };
      case 'G':
        return { t: 'unsupported', what: '\\G', pos: start };
      case 'n':
        return literal(10, start);
      case 'r':
        return literal(13, start);
      case 't':
        return literal(9, start);
      case 'f':
        return literal(12, start);
      case 'v':
        return literal(11, start);
      case 'a':
        return literal(7, start);
      case 'e':
        return literal(27, start);
      case 'x': {
        const m = /^[0-9A-Fa-f]{2}/.exec(source.slice(i));
        if (!m) {
          errors.push({ message: '\\x needs two hexadecimal digits.', pos: start });
          return { t: 'seq', items: [], pos: start };
        }
        i += 2;
        return literal(parseInt(m[0], 16), start);
      }
      case 'u': {
        const m = /^[0-9A-Fa-f]{4}/.exec(source.slice(i));
        if (!m) {
          errors.push({ message: '\\u needs four hexadecimal digits.', pos: start });
          return { t: 'seq', items: [], pos: start };
        }
        i += 4;
        return literal(parseInt(m[0], 16), start);
      }
      case 'c': {
        const l = source[i];
        if (l === undefined || !/[A-Za-z]/.test(l)) {
          errors.push({ message: '\\c needs a letter.', pos: start });
          return { t: 'seq', items: [], pos: start };
        }
        i++;
        return literal(cp(l.toUpperCase()) - 64, start);
      }
      case 'p':
      case 'P': {
        const m = /^\{[^}]*\}/.exec(source.slice(i));
        if (m) i += m[0].length;
        return { t: 'unsupported', what: `the Unicode category \\${c}${m?.[0] ?? ''}`, pos: start };
      }
      case 'k': {
        const m = /^[<']([A-Za-z_]\w*|\d+)[>']/.exec(source.slice(i));
        if (!m) {
          errors.push({ message: '\\k needs a group name: \\k<name>.', pos: start });
          return { t: 'seq', items: [], pos: start };
        }
        i += m[0].length;
        return { t: 'backref', ref: /^\d+$/.test(m[1] as string) ? Number(m[1]) : (m[1] as string), pos: start };
      }
      default:
        if (/[0-9]/.test(c)) {
          if (c === '0' || inClass) {
            // Octal: \0, \012 (and in a class, \1 too).
            const m = /^[0-7]{0,2}/.exec(source.slice(i)) as RegExpExecArray;
            i += m[0].length;
            return literal(parseInt(c + m[0], 8), start);
          }
          const m = /^\d*/.exec(source.slice(i)) as RegExpExecArray;
          i += m[0].length;
          return { t: 'backref', ref: Number(c + m[0]), pos: start };
        }
        if (/[A-Za-z]/.test(c)) {
          errors.push({ message: `Unrecognized escape \\${c}.`, pos: start });
          return { t: 'seq', items: [], pos: start };
        }
        i = start + 1;
        {
          const ch = String.fromCodePoint(cp(source.slice(i)));
          i += ch.length;
          return literal(cp(ch), start);
        }
    }
  };

  const root = parseAlt();
  while (i < source.length) {
    // A `)` that closes nothing.
    errors.push({ message: 'This `)` closes no group.', pos: i });
    i++;
    parseAlt();
  }
  // .NET numbering: unnamed groups 1..k in order, then named groups in order of first appearance. Java: all in order.
  const groupNumbers: number[] = [];
  const groupsByName = new Map<string, number>();
  let n = 0;
  for (const g of groups) if (g.name === undefined || dialect === 'java') groupNumbers[g.order] = ++n;
  if (dialect === 'java') for (const g of groups) if (g.name !== undefined && !groupsByName.has(g.name)) groupsByName.set(g.name, groupNumbers[g.order] as number);
  for (const g of groups) {
    if (g.name === undefined || dialect === 'java') continue;
    let num = groupsByName.get(g.name);
    if (num === undefined) groupsByName.set(g.name, (num = ++n));
    groupNumbers[g.order] = num;
  }
  for (const g of groups) if (g.name === undefined) groupsByName.set(String(groupNumbers[g.order]), groupNumbers[g.order] as number);
  return { source, root, groupNumbers, groupsByName, errors };
}

const W_CLASS = '\\p{L}\\p{Mn}\\p{Nd}\\p{Pc}';

function itemsToJs(items: readonly ClassItem[]): string[] {
  const out: string[] = [];
  let ranges = '';
  for (const it of items) {
    if ('lo' in it) ranges += it.lo === it.hi ? `\\u{${it.lo.toString(16)}}` : `\\u{${it.lo.toString(16)}}-\\u{${it.hi.toString(16)}}`;
    else if (it.shorthand === 'd') ranges += '\\p{Nd}';
    else if (it.shorthand === 'D') out.push('\\P{Nd}');
    else if (it.shorthand === 'w') ranges += W_CLASS;
    else if (it.shorthand === 'W') out.push(`[^${W_CLASS}]`);
    else if (it.shorthand === 's') ranges += '\\s';
    else out.push('\\S');
  }
  if (ranges !== '') out.unshift(`[${ranges}]`);
  return out;
}

/**
 * A character set as JavaScript regex source (for the `u` flag), with .NET's meaning of `\d`, `\w` and `.`.
 *
 * @param set - the set
 * @returns JavaScript source matching one character of the set
 * @example
 * ```ts
 * charSetToJs({ negate: false, items: [{ shorthand: 'd' }] }); // '(?:[\\p{Nd}])'
 * ```
 */
export function charSetToJs(set: CharSet): string {
  if (set.dot) return '[^\\n]';
  const pieces = itemsToJs(set.items);
  const any = pieces.length === 0 ? '[]' : `(?:${pieces.join('|')})`;
  return set.negate ? `(?:(?!${any})[^])` : any;
}

/**
 * Whether a character (one code point) is in a set, with .NET's meaning of the shorthands.
 *
 * @param set - the set
 * @param ch - one character
 * @returns whether it is in the set
 * @example
 * ```ts
 * charSetHas({ negate: false, items: [{ lo: 48, hi: 57 }] }, '7'); // true
 * ```
 */
export function charSetHas(set: CharSet, ch: string): boolean {
  return new RegExp(`^${charSetToJs(set)}$`, 'u').test(ch);
}

/** JavaScript source of a parsed .NET regex, and how to read .NET groups from a JavaScript match. */
export interface JsRegex {
  readonly source: string;
  /** For each .NET group number, the JavaScript capture indices that stand for it (the last one that took part wins). */
  readonly groups: ReadonlyMap<number, readonly number[]>;
}

/**
 * Re-emits a parsed .NET regex as JavaScript source with the same meaning (for the `u` flag). Throws an `Error` naming the
 * construct when the tree holds one JavaScript cannot express (see {@link RegexNode} `unsupported`).
 *
 * @param parsed - the parsed regex
 * @returns the JavaScript source and the group mapping
 * @example
 * ```ts
 * new RegExp(dotnetToJs(parseDotnetRegex('^(\\d{4})$')).source, 'u').test('1234'); // true
 * ```
 */
export function dotnetToJs(parsed: ParsedRegex): JsRegex {
  let jsIndex = 0;
  const groups = new Map<number, number[]>();
  const emit = (n: RegexNode): string => {
    switch (n.t) {
      case 'set':
        return charSetToJs(n.set);
      case 'seq':
        return n.items.map(emit).join('');
      case 'alt':
        return n.options.map(emit).join('|');
      case 'group': {
        if (!n.capture) return `(?:${emit(n.body)})`;
        const num = parsed.groupNumbers[n.order] as number;
        const idx = ++jsIndex;
        groups.set(num, [...(groups.get(num) ?? []), idx]);
        return `(${emit(n.body)})`;
      }
      case 'repeat': {
        const q = n.min === 0 && n.max === Infinity ? '*' : n.min === 1 && n.max === Infinity ? '+' : n.max === Infinity ? `{${n.min},}` : n.min === n.max ? `{${n.min}}` : `{${n.min},${n.max}}`;
        return `(?:${emit(n.body)})${q}${n.lazy ? '?' : ''}`;
      }
      case 'anchor':
        switch (n.kind) {
          case '^':
          case 'A':
            return '^';
          case 'z':
            return '$';
          case '$':
          case 'Z':
            return '(?=\\n?$)';
          case 'b':
          case 'B': {
            const w = `[${W_CLASS}]`;
            const boundary = `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`;
            return n.kind === 'b' ? boundary : `(?!${boundary})`;
          }
        }
        return '';
      case 'backref': {
        const num = typeof n.ref === 'number' ? n.ref : parsed.groupsByName.get(n.ref);
        const idx = num === undefined ? undefined : groups.get(num);
        if (!idx || idx.length !== 1) throw new Error(`the back-reference at index ${n.pos} names no earlier group (or one with several definitions)`);
        return `\\${idx[0]}`;
      }
      case 'look':
        return `(?${n.ahead ? '' : '<'}${n.negate ? '!' : '='}${emit(n.body)})`;
      case 'unsupported':
        throw new Error(`${n.what} (index ${n.pos}) has no JavaScript counterpart`);
    }
  };
  const source = emit(parsed.root);
  return { source, groups };
}

/** One piece of a parsed .NET replacement string. */
export type ReplacementPiece =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'group'; readonly group: number; readonly pos: number }
  | { readonly t: 'match' | 'input' | 'before' | 'after' | 'last'; readonly pos: number };

/**
 * Parses a .NET replacement string (`+1425555$1`): `$n` and `${n}` (n a group number that exists: `$10` with one group is
 * the text `$10`, unlike JavaScript), `${name}`, `$$`, `$&` / `$0`, `` $` ``, `$'`, `$+`, `$_`.
 *
 * @param text - the replacement
 * @param parsed - the regex it goes with (for the group numbers and names)
 * @returns the pieces
 * @example
 * ```ts
 * parseReplacement('+1$1', parseDotnetRegex('^(\\d+)$')); // [{ t: 'text', text: '+1' }, { t: 'group', group: 1, pos: 2 }]
 * ```
 */
export function parseReplacement(text: string, parsed: ParsedRegex): ReplacementPiece[] {
  const out: ReplacementPiece[] = [];
  const valid = new Set(parsed.groupNumbers);
  valid.add(0);
  const pushText = (s: string): void => {
    const last = out[out.length - 1];
    if (last?.t === 'text') out[out.length - 1] = { t: 'text', text: last.text + s };
    else out.push({ t: 'text', text: s });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== '$') {
      pushText(c);
      continue;
    }
    const rest = text.slice(i + 1);
    const pos = i;
    let m: RegExpExecArray | null;
    if ((m = /^\d+/.exec(rest))) {
      const num = Number(m[0]);
      if (valid.has(num)) {
        out.push(num === 0 ? { t: 'match', pos } : { t: 'group', group: num, pos });
        i += m[0].length;
      } else pushText('$');
    } else if ((m = /^\{([^}]*)\}/.exec(rest))) {
      const name = m[1] as string;
      const num = /^\d+$/.test(name) ? Number(name) : parsed.groupsByName.get(name);
      if (num !== undefined && valid.has(num)) {
        out.push(num === 0 ? { t: 'match', pos } : { t: 'group', group: num, pos });
        i += m[0].length;
      } else pushText('$');
    } else if (rest[0] === '$') {
      pushText('$');
      i++;
    } else if (rest[0] === '&') {
      out.push({ t: 'match', pos });
      i++;
    } else if (rest[0] === '`') {
      out.push({ t: 'before', pos });
      i++;
    } else if (rest[0] === "'") {
      out.push({ t: 'after', pos });
      i++;
    } else if (rest[0] === '+') {
      out.push({ t: 'last', pos });
      i++;
    } else if (rest[0] === '_') {
      out.push({ t: 'input', pos });
      i++;
    } else pushText('$');
  }
  return out;
}

/**
 * .NET `Regex.Replace(input, pattern, replacement)` evaluated with JavaScript: every non-overlapping match, left to right,
 * replaced by the pieces. Returns undefined when the regex does not match at all.
 *
 * @param input - the text
 * @param regex - the JavaScript regex (flags `gu`) made by {@link dotnetToJs}
 * @param js - the group mapping of {@link dotnetToJs}
 * @param pieces - the replacement, parsed by {@link parseReplacement}
 * @returns the replaced text, or undefined without a match
 * @example
 * ```ts
 * const p = parseDotnetRegex('^(\\d{4})$'); const js = dotnetToJs(p);
 * dotnetReplace('1234', new RegExp(js.source, 'gu'), js, parseReplacement('+1425555$1', p)); // '+14255551234'
 * ```
 */
export function dotnetReplace(input: string, regex: RegExp, js: JsRegex, pieces: readonly ReplacementPiece[]): string | undefined {
  regex.lastIndex = 0;
  let out = '';
  let last = 0;
  let matched = false;
  let m: RegExpExecArray | null;
  const maxGroup = Math.max(0, ...js.groups.keys());
  while ((m = regex.exec(input)) !== null) {
    matched = true;
    const groupText = (num: number): string => {
      if (num === 0) return m?.[0] ?? '';
      const idx = js.groups.get(num) ?? [];
      // With a name used by several groups, .NET keeps the last capture; in an alternation only one takes part.
      for (let k = idx.length - 1; k >= 0; k--) {
        const v = m?.[idx[k] as number];
        if (v !== undefined) return v;
      }
      return '';
    };
    out += input.slice(last, m.index);
    for (const p of pieces) {
      if (p.t === 'text') out += p.text;
      else if (p.t === 'group') out += groupText(p.group);
      else if (p.t === 'match') out += m[0];
      else if (p.t === 'input') out += input;
      else if (p.t === 'before') out += input.slice(0, m.index);
      else if (p.t === 'after') out += input.slice(m.index + m[0].length);
      else out += groupText(maxGroup);
    }
    last = m.index + m[0].length;
    if (m[0] === '') regex.lastIndex++;
  }
  if (!matched) return undefined;
  return out + input.slice(last);
}

/**
 * Parses a Java replacement string (`Matcher.appendReplacement`, as Genesys Cloud applies `normalizedFormat`): `$n` takes
 * as many digits as still name a group, `${name}`, and `\\x` is the character x.
 *
 * @param text - the replacement
 * @param parsed - the regex (parsed with the `java` dialect)
 * @returns the pieces
 * @example
 * ```ts
 * parseJavaReplacement('+1$1', parseDotnetRegex('(\\d+)', 'java')); // [{ t: 'text', text: '+1' }, { t: 'group', group: 1, pos: 2 }]
 * ```
 */
export function parseJavaReplacement(text: string, parsed: ParsedRegex): ReplacementPiece[] {
  const out: ReplacementPiece[] = [];
  const count = Math.max(0, ...parsed.groupNumbers);
  const pushText = (s: string): void => {
    const last = out[out.length - 1];
    if (last?.t === 'text') out[out.length - 1] = { t: 'text', text: last.text + s };
    else out.push({ t: 'text', text: s });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      pushText(text[++i] as string);
    } else if (c === '$' && /\d/.test(text[i + 1] ?? '')) {
      const pos = i;
      let num = Number(text[++i]);
      while (/\d/.test(text[i + 1] ?? '') && num * 10 + Number(text[i + 1]) <= count) num = num * 10 + Number(text[++i]);
      out.push(num === 0 ? { t: 'match', pos } : { t: 'group', group: num, pos });
    } else if (c === '$' && text[i + 1] === '{') {
      const end = text.indexOf('}', i);
      const num = end < 0 ? undefined : parsed.groupsByName.get(text.slice(i + 2, end));
      if (num === undefined) pushText('$');
      else {
        out.push({ t: 'group', group: num, pos: i });
        i = end;
      }
    } else pushText(c);
  }
  return out;
}
