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
  /**
   * {@link push}, with the completed lines handed back as one text (joined with `\n`, as they stood in the input) and
   * their count, when that is all there is to it: no `\r` in the text, no line cut. Otherwise the lines, as `push` gives
   * them. For worker threads, which take line input as one string: splitting it here only to join it again cost the
   * main thread as much as a tenth of a worker's queries.
   *
   * @param text - the next piece of the input
   */
  pushJoined(text: string): { readonly text: string; readonly count: number } | string[];
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
  const push = (text: string): string[] => {
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
  };
  return {
    push,
    pushJoined(text) {
      // A cut line, or a carry that might grow into one, takes the general path, as does any `\r` (a CRLF line end).
      if (cut || carry.length + text.length > MAX_RECORD_CHARS || text.indexOf('\r') >= 0 || carry.indexOf('\r') >= 0) return push(text);
      const last = text.lastIndexOf('\n');
      if (last < 0) {
        carry += text;
        return [];
      }
      // Every line here is shorter than the limit (carry and text together are), so none is cut.
      const joined = carry + text.slice(0, last);
      carry = text.slice(last + 1);
      let count = 1;
      for (let at = joined.indexOf('\n'); at >= 0; at = joined.indexOf('\n', at + 1)) count++;
      return { text: joined, count };
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
