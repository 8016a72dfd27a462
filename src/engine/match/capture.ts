/**
 * Capture groups of a pattern that is known to match, in time linear in the text times the pattern: the groups the
 * backtracking reference regex would give (greedy `?` and `Z`, set alternatives longest first), without backtracking.
 *
 * A backtracking engine explores the choices of each token in priority order and keeps the first complete match. Knowing
 * for every (token, position) whether the rest of the pattern can still match the rest of the text (one table filled
 * from the end), the same first match is found by taking, token after token, the highest-priority choice whose rest is
 * feasible: that is the choice the backtracking engine commits to, since it would backtrack out of every earlier one.
 */
import type { CompiledPattern } from './match.js';
import { STAR_CHARS } from './match.js';
import type { PatternToken } from './pattern.js';

/** One position of a pattern: a character of a class set, a loop over a class set, or one value of a named set. */
type Step =
  | { readonly kind: 'one'; readonly classes: Uint8Array | null; readonly group: number }
  | { readonly kind: 'loop'; readonly classes: Uint8Array | null; readonly group: number }
  | { readonly kind: 'set'; readonly values: readonly (readonly number[])[]; readonly texts: readonly string[]; readonly group: number };

/** A pattern prepared for {@link captureLinear}: its steps, built once. */
export interface CaptureProgram {
  readonly steps: readonly Step[];
  readonly groupCount: number;
}

/**
 * Prepares a pattern for {@link captureLinear}.
 *
 * @param pattern - the compiled pattern
 * @param classOf - the character class of a code unit, in the alphabet of the matcher (case folded as the regex does)
 * @param classes - the number of classes
 * @returns the program, or null for a pattern that can never match (an unknown name, an empty set)
 * @example
 * ```ts
 * const program = captureProgram(pattern, classOf, k);
 * ```
 */
export function captureProgram(pattern: CompiledPattern, classOf: (c: number) => number, classes: number): CaptureProgram | null {
  const steps: Step[] = [];
  let group = 0;
  const maskOf = (chars: string): Uint8Array => {
    const m = new Uint8Array(classes);
    for (let i = 0; i < chars.length; i++) m[classOf(chars.charCodeAt(i))] = 1;
    return m;
  };
  const literal = (text: string): void => {
    // A literal character is one class (case folded), and captures nothing.
    for (let i = 0; i < text.length; i++) steps.push({ kind: 'one', classes: maskOf(text[i] as string), group: 0 });
  };
  for (const t of pattern.tokens as readonly PatternToken[]) {
    switch (t.kind) {
      case 'literal':
        literal(t.text);
        break;
      case 'class':
        if (t.chars === '') return null;
        steps.push({ kind: 'one', classes: maskOf(t.chars), group: ++group });
        break;
      case 'wildcard':
        if (t.wildcard === 'Z') steps.push({ kind: 'loop', classes: null, group: ++group });
        else if (t.wildcard === '?') steps.push({ kind: 'loop', classes: maskOf(STAR_CHARS), group: ++group });
        else steps.push({ kind: 'one', classes: maskOf(t.wildcard === 'X' ? '0123456789' : t.wildcard === 'Y' ? '123456789' : '23456789'), group: ++group });
        break;
      case 'ref': {
        const v = pattern.refs.get(t.name);
        if (v === undefined) return null;
        if (v.kind === 'var') {
          literal(v.value);
        } else {
          if (v.values.length === 0) return null;
          // The regex's alternation order: longest first, ties in the order written (sort is stable).
          const texts = [...v.values].sort((a, b) => b.length - a.length);
          const values = texts.map((s) => Array.from(s, (ch) => classOf(ch.charCodeAt(0))));
          steps.push({ kind: 'set', values, texts, group: ++group });
        }
        break;
      }
    }
  }
  return { steps, groupCount: group };
}

/**
 * The capture groups of a match of the whole `text`, as the pattern's regex gives them; null when it does not match.
 *
 * @param program - from {@link captureProgram}
 * @param text - the matched text
 * @param classOf - the same class function the program was built with
 * @returns the groups (index 0 the whole text), or null
 * @example
 * ```ts
 * captureLinear(captureProgram(p, classOf, k)!, '1234', classOf); // ['1234', '12', '34'] for `?3X` ... as the regex says
 * ```
 */
export function captureLinear(program: CaptureProgram, text: string, classOf: (c: number) => number): string[] | null {
  const { steps } = program;
  const m = steps.length;
  const n = text.length;
  const width = n + 1;
  const cls = new Int32Array(n);
  for (let j = 0; j < n; j++) cls[j] = classOf(text.charCodeAt(j));
  // ok[i * width + j]: steps i.. can match text j.. exactly.
  const ok = new Uint8Array((m + 1) * width);
  ok[m * width + n] = 1;
  const fits = (s: Step & { kind: 'one' | 'loop' }, j: number): boolean => s.classes === null || s.classes[cls[j] as number] === 1;
  const valueAt = (value: readonly number[], j: number): boolean => {
    if (j + value.length > n) return false;
    for (let x = 0; x < value.length; x++) if (cls[j + x] !== value[x]) return false;
    return true;
  };
  for (let i = m - 1; i >= 0; i--) {
    const s = steps[i] as Step;
    const row = i * width;
    const next = row + width;
    if (s.kind === 'one') {
      for (let j = 0; j < n; j++) if (ok[next + j + 1] === 1 && fits(s, j)) ok[row + j] = 1;
    } else if (s.kind === 'loop') {
      ok[row + n] = ok[next + n] as number;
      for (let j = n - 1; j >= 0; j--) if (ok[next + j] === 1 || (fits(s, j) && ok[row + j + 1] === 1)) ok[row + j] = 1;
    } else {
      for (let j = 0; j <= n; j++) {
        for (const v of s.values) {
          if (ok[next + j + v.length] === 1 && valueAt(v, j)) {
            ok[row + j] = 1;
            break;
          }
        }
      }
    }
  }
  if (ok[0] !== 1) return null;
  const groups = new Array<string>(program.groupCount + 1);
  groups[0] = text;
  let j = 0;
  for (let i = 0; i < m; i++) {
    const s = steps[i] as Step;
    const next = (i + 1) * width;
    if (s.kind === 'one') {
      if (s.group > 0) groups[s.group] = text[j] as string;
      j++;
    } else if (s.kind === 'loop') {
      // Greedy: the longest run the loop can take with the rest still matching.
      let end = j;
      while (end < n && fits(s, end)) end++;
      while (ok[next + end] !== 1) end--;
      groups[s.group] = text.slice(j, end);
      j = end;
    } else {
      for (let v = 0; v < s.values.length; v++) {
        const value = s.values[v] as readonly number[];
        if (ok[next + j + value.length] === 1 && valueAt(value, j)) {
          groups[s.group] = text.slice(j, j + value.length);
          j += value.length;
          break;
        }
      }
    }
  }
  return groups;
}
