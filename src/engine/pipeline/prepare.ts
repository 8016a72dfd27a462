/**
 * Stage 1 of the pipeline: turn whatever a person typed into the string the tables match against.
 */
import type { QueryError } from '../types.js';

/** The longest input accepted, in characters (code points). Longer input is a `TOO_LONG` error value. */
export const MAX_INPUT_LENGTH = 256;

/** A number ready for input conversion. */
export interface PreparedNumber {
  readonly ok: true;
  /** Digits and `+ / ^ * # ,` for a telephone number; the address without white space for SIP. */
  readonly text: string;
  /** Whether the input was read as a SIP address (only white space removed). */
  readonly sip: boolean;
}

/** The outcome of {@link prepareNumber}. */
export type PrepareResult = PreparedNumber | { readonly ok: false; readonly error: QueryError };

/** One thing prepare did to the input, recorded for `explain`. */
export interface PrepareStep {
  readonly kind: 'sip' | 'tel' | 'extension-label' | 'removed' | 'mapped';
  /** The text that was read. */
  readonly from: string;
  /** What it became (`""` when removed). */
  readonly to: string;
}

// All Unicode white space, plus the zero-width and joiner characters that `\s` does not cover but that copy-and-paste brings.
const WHITE_SPACE = /[\s\u200B-\u200D\u2060\u180E]+/gu;
const SIP_SCHEME = /^sips?:/i;
const TEL_SCHEME = /^tel:/i;
/** White space and commas at the end (commas before an extension label are punctuation, not pauses). */
const TRAILING_COMMAS = /[,\s\u200B-\u200D\u2060\u180E]*$/u;
// An extension label and its digits at the very end. The label must not follow a letter, so that the vanity number
// `1-800-FLOWERSX12` keeps its letters while `1-800-FLOWERS x12` and `317-555-1234x12` get an extension.
const EXTENSION_LABEL = /(?:;\s*ext\s*=|(?<![\p{L}])(?:extension|extn|ext|x))[\s.:=#]*(\p{Nd}+)[\s\u200B-\u200D\u2060\u180E]*$/iu;

// A trunk prefix in parentheses right after a leading `+` and a country code of one to three digits: `+44 (0)20`,
// `+33 (0) 1`. Group 1 is what stays (up to the country code and the white space or dashes after it), group 2 the digit
// inside, which must be a zero (any script's, checked by the caller). A `(0)` anywhere else is left alone, and keeps its 0.
// Invisible format characters (\p{Cf}: the zero-width ones, and the left-to-right and embedding marks that text copied
// from a web page brings before a `+`) count as white space here: prepare removes them all the same.
const TRUNK_PREFIX = /^([\s\p{Cf}]*\+[\s\p{Cf}]*\p{Nd}{1,3}[\s\p{Cf}.\-\u2010-\u2015]*)\(\s*(\p{Nd})\s*\)/u;

// Keypad letters: index by (char code | 0x20) - 97.
const KEYPAD = '22233344455566677778889999';

/**
 * Prepares a number: removes white space and formatting characters, maps letters to keypad digits and any Unicode decimal
 * digit to its ASCII digit, turns an extension label (`x12`, `ext. 12`, `;ext=12`) into the extension separator, drops a
 * trunk prefix `(0)` written right after a leading `+` and country code (`+44 (0)20` is `+4420`), reads a `tel:` URI, and
 * leaves SIP addresses alone except for white space. A label with nothing before it (`x6929`, `ext. 6929`) gives the bare
 * extension digits, so that the plan reads them as an internal extension. Never throws.
 *
 * @param raw - the input as typed
 * @param extensionSeparator - what an extension label becomes, `^` (stored) or `/` (dialed automatically)
 * @param trace - when given, receives what was removed and mapped, for `explain`
 * @returns the prepared number, or an `EMPTY`, `TOO_LONG` or `NOT_A_STRING` error value
 * @example
 * ```ts
 * prepareNumber('1-800-FLOWERS x12'); // { ok: true, text: '18003569377^12', sip: false }
 * prepareNumber(' sip:agent@example.com'); // { ok: true, text: 'sip:agent@example.com', sip: true }
 * prepareNumber('+44 (0)20 7946 0958'); // { ok: true, text: '+442079460958', sip: false }
 * prepareNumber('ext. 6929'); // { ok: true, text: '6929', sip: false }
 * ```
 */
export function prepareNumber(raw: unknown, extensionSeparator: '^' | '/' = '^', trace?: PrepareStep[]): PrepareResult {
  if (typeof raw !== 'string') {
    return failure('NOT_A_STRING', `Expected a string, got ${raw === null ? 'null' : typeof raw}.`);
  }
  // `.length` counts UTF-16 units, never fewer than code points, so counting code points is only needed past the limit.
  if (raw.length > MAX_INPUT_LENGTH && countCodePoints(raw) > MAX_INPUT_LENGTH) {
    return failure('TOO_LONG', `Input is longer than ${MAX_INPUT_LENGTH} characters.`);
  }
  // One pass over the input tells which of the slower steps below it needs at all: most numbers have no `@` or `:` (no
  // SIP address, no `tel:` URI), no `x` (no extension label) and are ASCII (no NFKC).
  let seen = scan(raw);
  // A SIP address holds `@` or starts with `sip:`/`sips:`: only such input gets the white-space pass, which is all SIP needs.
  const compact = seen & (AT | COLON) ? raw.replace(WHITE_SPACE, '') : '';
  if (seen & (AT | COLON) && (SIP_SCHEME.test(compact) || compact.includes('@'))) {
    if (trace) {
      trace.push({ kind: 'sip', from: raw, to: compact });
      if (compact !== raw) trace.push({ kind: 'removed', from: raw, to: compact });
    }
    return compact === '' ? failure('EMPTY', 'Nothing dialable is left after preparing the input.') : ok(compact, true);
  }

  // NFKC folds fullwidth digits, letters and signs (１２３, ＋, ：, ｘ) into ASCII; the folded text is scanned again.
  let text = raw;
  if (seen & NON_ASCII) {
    text = raw.normalize('NFKC');
    seen = scan(text);
  }
  let suffix = '';
  let labelDigits = '';
  // Only text with a colon can be a `tel:` URI.
  const trimmed = seen & COLON ? text.trim() : '';
  if (trimmed !== '' && TEL_SCHEME.test(trimmed)) {
    const tel = readTelUri(trimmed, extensionSeparator);
    trace?.push({ kind: 'tel', from: trimmed, to: tel.number + tel.suffix });
    text = tel.number;
    suffix = tel.suffix;
    // A percent-encoded `(` in the URI was not seen by the scan.
    if (text.includes('(')) seen |= PAREN;
  } else if (seen & X) {
    // Every extension label (`x`, `ext`, `extn`, `extension`, `;ext=`) holds an x, and no other character case-folds to
    // one, so text without an x needs no trip through the label regex.
    const label = EXTENSION_LABEL.exec(text);
    if (label) {
      const digits = mapDigits(label[1] ?? '');
      labelDigits = digits;
      suffix = extensionSeparator + digits;
      trace?.push({ kind: 'extension-label', from: label[0], to: suffix });
      text = text.slice(0, label.index);
      // A comma just before the label (`(317) 555-1234, ext. 55`) is punctuation, not a dialing pause: kept, it left the
      // number unmatched (`3175551234,^55`).
      // Anchored at the end, the expression retries at each position of a run of spaces and commas, which is bounded:
      // the input is at most MAX_INPUT_LENGTH characters here.
      const tail = TRAILING_COMMAS.exec(text);
      if (tail !== null && tail[0].includes(',')) {
        trace?.push({ kind: 'removed', from: tail[0], to: '' });
        text = text.slice(0, tail.index);
      }
    }
  }

  // `+44 (0)20 7946 0958`: the national trunk prefix, written in parentheses after the country code, is not dialed from
  // abroad. Only text with a `(` can hold one, so the common case skips the regular expression.
  if (seen & PAREN && mayStartWithPlus(text)) {
    const trunk = TRUNK_PREFIX.exec(text);
    if (trunk && decimalDigitValue(trunk[2] as string) === 0) {
      const at = trunk.index + (trunk[1] as string).length;
      trace?.push({ kind: 'removed', from: text.slice(at, trunk.index + trunk[0].length), to: '' });
      text = text.slice(0, at) + text.slice(trunk.index + trunk[0].length);
    }
  }

  let out = '';
  // Characters kept as typed (digits and `+ / ^ , * #`) are copied a run at a time rather than one by one; the others are
  // read by code unit, stepping over surrogate pairs whole as `for...of` would.
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 43 || c === 47 || c === 94 || c === 44 || c === 42 || c === 35) continue;
    if (run < i) out += text.slice(run, i);
    let ch = text[i] as string;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) ch = text.slice(i, ++i + 1);
    }
    run = i + 1;
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      const digit = KEYPAD[(c | 0x20) - 97] as string;
      trace?.push({ kind: 'mapped', from: ch, to: digit });
      out += digit;
    } else {
      const d = c > 127 ? decimalDigitValue(ch) : -1;
      if (d >= 0) {
        trace?.push({ kind: 'mapped', from: ch, to: String(d) });
        out += String(d);
      } else {
        trace?.push({ kind: 'removed', from: ch, to: '' });
      }
    }
  }
  if (run === 0) out = text;
  else if (run < text.length) out += text.slice(run);
  // A label with nothing before it (`x6929`, `ext. 6929`) names an internal extension: the number is the extension itself,
  // as if the digits had been typed alone, rather than an empty number carrying an extension.
  if (out === '' && labelDigits !== '') {
    if (trace) {
      const at = trace.findIndex((step) => step.kind === 'extension-label');
      const step = trace[at];
      if (step) trace[at] = { kind: 'extension-label', from: step.from, to: labelDigits };
    }
    return ok(labelDigits, false);
  }
  // Only a number with nothing left at all is an error: `+` or `/` alone is kept as typed, so that querying any
  // normalized text again gives the same normalized text.
  out += suffix;
  return out === '' ? failure('EMPTY', 'Nothing dialable is left after preparing the input.') : ok(out, false);
}

// What {@link scan} reports.
const AT = 1;
const COLON = 2;
const X = 4;
const NON_ASCII = 8;
const PAREN = 16;

/** Which of `@`, `:`, `x` or `X`, `(`, and non-ASCII characters the text holds, as bits. */
function scan(text: string): number {
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) seen |= NON_ASCII;
    else if (c === 64) seen |= AT;
    else if (c === 58) seen |= COLON;
    else if ((c | 0x20) === 120) seen |= X;
    else if (c === 40) seen |= PAREN;
  }
  return seen;
}

/**
 * Whether the text can start with `+` after white space: false at the first other printable ASCII character, so that
 * `(317) 555-1234` skips the trunk-prefix expression. Other characters are stepped over; the expression decides.
 */
function mayStartWithPlus(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 43) return true;
    if (c > 32 && c < 127) return false;
  }
  return false;
}

function ok(text: string, sip: boolean): PreparedNumber {
  return { ok: true, text, sip };
}

function failure(code: QueryError['code'], message: string): PrepareResult {
  return { ok: false, error: { code, message } };
}

function countCodePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Reads an RFC 3966 `tel:` URI: the number before the first `;`, an `ext=` parameter as the extension, and a global
 * `phone-context` (one starting with `+`) as the prefix of a local number. Other parameters are ignored.
 */
function readTelUri(uri: string, extensionSeparator: string): { number: string; suffix: string } {
  const [number = '', ...params] = uri.slice(4).split(';');
  let suffix = '';
  let context = '';
  for (const param of params) {
    const eq = param.indexOf('=');
    const key = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : safeDecode(param.slice(eq + 1).trim());
    if (key === 'ext' && value !== '') suffix = extensionSeparator + mapDigits(value.replace(/[^\p{Nd}]/gu, ''));
    else if (key === 'phone-context' && value.startsWith('+')) context = value;
  }
  const decoded = safeDecode(number);
  return { number: context !== '' && !decoded.trim().startsWith('+') ? context + decoded : decoded, suffix };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Turns every Unicode decimal digit of `s` into its ASCII digit. */
function mapDigits(s: string): string {
  let out = '';
  for (const ch of s) {
    const d = decimalDigitValue(ch);
    out += d >= 0 ? String(d) : ch;
  }
  return out;
}

const DECIMAL_DIGIT = /^\p{Nd}$/u;
const digitCache = new Map<number, number>();

/**
 * The value of a Unicode decimal digit (General Category Nd), or -1. Unicode guarantees that decimal digits are encoded in
 * contiguous runs of ten, 0 to 9, so the value is the distance from the start of the run modulo ten.
 */
export function decimalDigitValue(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp >= 48 && cp <= 57) return cp - 48;
  const cached = digitCache.get(cp);
  if (cached !== undefined) return cached;
  let value = -1;
  if (DECIMAL_DIGIT.test(ch)) {
    let start = cp;
    while (start > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
    value = (cp - start) % 10;
  }
  // The cache is bounded by the number of code points seen, at most a few hundred Nd characters plus what users type.
  if (digitCache.size < 4096) digitCache.set(cp, value);
  return value;
}
