/**
 * Splits decoded text into lines, chunk by chunk: one number per line. A hand-written splitter on `\n` (with `\r\n`
 * tolerated) rather than `readline`, which costs several times more per line on inputs of millions of short lines.
 */
import { MAX_INPUT_LENGTH } from '../../engine/pipeline/prepare.js';

/**
 * The longest line (or CSV record) kept whole, in characters (UTF-16 code units), its line end not counted. A longer line
 * is cut to its first 514 characters: it would be rejected as TOO_LONG anyway, and keeping it whole would let one
 * newline-free input (a binary file given by mistake) take all the memory. A longer CSV record is one MALFORMED_CSV row.
 *
 * @example
 * ```ts
 * MAX_RECORD_CHARS; // 1048576
 * ```
 */
export const MAX_RECORD_CHARS = 1 << 20;

/**
 * What is kept of a cut line: enough for the query to see it is too long, however many surrogate pairs it holds.
 *
 * @example
 * ```ts
 * KEPT_CHARS; // 514
 * ```
 */
export const KEPT_CHARS = 2 * MAX_INPUT_LENGTH + 2;

/** A streaming line splitter: feed it text, get back the complete lines. */
export interface LineSplitter {
  /**
   * Adds text and returns the lines it completed, without their line ends.
   *
   * @param text - the next piece of the input
   */
  push(text: string): string[];
  /** Returns the last line when the input did not end with a newline (an empty last line is no line). */
  end(): string[];
}

/**
 * Creates a streaming line splitter. Lines end at `\n`; a `\r` before it is dropped. The text after the last newline is
 * carried to the next `push`. A line over {@link MAX_RECORD_CHARS} characters (its line end not counted) is cut to its
 * first {@link KEPT_CHARS} characters (so the query rejects it as TOO_LONG), however the text is cut into chunks, and
 * memory stays bounded.
 *
 * @returns the splitter
 * @example
 * ```ts
 * const s = createLineSplitter();
 * s.push('317 555 1234\r\n69'); // ['317 555 1234']
 * s.push('29\n');                // ['6929']
 * s.end();                       // []
 * ```
 */
export function createLineSplitter(): LineSplitter {
  let carry = '';
  let cut = false;
  return {
    push(text) {
      const parts = (carry + text).split('\n');
      carry = parts.pop() ?? '';
      if (cut && parts.length > 0) {
        // The cut line ends here: its kept prefix replaces what the split saw of it.
        parts[0] = (parts[0] ?? '').slice(0, KEPT_CHARS);
        cut = false;
      }
      // One more character than the limit may be the `\r` of a `\r\n` still to come.
      if (carry.length > MAX_RECORD_CHARS + 1) {
        carry = carry.slice(0, KEPT_CHARS);
        cut = true;
      } else if (cut) carry = carry.slice(0, KEPT_CHARS);
      for (let i = 0; i < parts.length; i++) {
        let line = parts[i] as string;
        if (line.charCodeAt(line.length - 1) === 13) parts[i] = line = line.slice(0, -1);
        // The same cut whether the line came whole in one piece or across many.
        if (line.length > MAX_RECORD_CHARS) parts[i] = line.slice(0, KEPT_CHARS);
      }
      return parts;
    },
    end() {
      let last = carry;
      const wasCut = cut;
      carry = '';
      cut = false;
      if (last === '') return [];
      if (last.charCodeAt(last.length - 1) === 13) last = last.slice(0, -1);
      return [wasCut || last.length > MAX_RECORD_CHARS ? last.slice(0, KEPT_CHARS) : last];
    },
  };
}
