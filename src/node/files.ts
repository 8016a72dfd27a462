/**
 * Reading rule files from disk (Node.js only; the rest of the engine is pure).
 */
import { isAscii } from 'node:buffer';
import { fileURLToPath } from 'node:url';
import { builtin } from './builtins.js';
import type { Problem } from '../engine/errors.js';
import { DialPlanError, invalidPlanError } from '../engine/errors.js';
import type { LoadOptions, LoadResult, RuleFileSnapshot } from '../engine/plan/load.js';
import { excerpt, fileTooLarge, loadRuleFileSnapshot, maxFileBytes, safeLoadDialPlan, snapshotRuleFile, useCompileBudget } from '../engine/plan/load.js';
import type { DialPlan } from '../engine/plan/plan.js';
import { isCompiledPlanText, useStoredPlanLoader } from '../engine/plan/compiled-plan.js';
import { loadStoredPlanText } from '../engine/plan/restore.js';
import { PACKAGE_ROOT } from './package-root.js';

// Node.js loads a version 3 precompiled plan from its stored matchers, entries compiled when first reached; the browser
// entry leaves that loader out (bundle budgets) and compiles such a file in full.
useStoredPlanLoader(loadStoredPlanText);
// Plans loaded in Node.js are held to the compile budget (load.ts); browser bundles leave its code out.
useCompileBudget();

/**
 * The path of the bundled default plan, `rules/default.yaml` (a NANP site in area code 317).
 *
 * @example
 * ```ts
 * readFileSync(DEFAULT_RULES_PATH, 'utf8');
 * ```
 */
export const DEFAULT_RULES_PATH: string = fileURLToPath(new URL('rules/default.yaml', PACKAGE_ROOT));

/**
 * Loads a rule file from disk without throwing: an unreadable file is a `FILE_NOT_FOUND` problem, a file over
 * `options.maxFileBytes` (16 MiB by default) a `TOO_LARGE` one (it is not read past the limit), and bytes that are not
 * UTF-8 an `INVALID_ENCODING` one at the line and column of the first such byte.
 *
 * @param path - the rule file
 * @param options - loader options; `file` defaults to `path`
 * @returns the plan, or every problem
 * @example
 * ```ts
 * const r = safeLoadDialPlanFile('rules/default.yaml');
 * ```
 */
export function safeLoadDialPlanFile(path: string, options: LoadOptions = {}): LoadResult {
  if (typeof path !== 'string') {
    // A caller in plain JavaScript: no file can be read, and the problem names the path's type, not its value (a bigint
    // cannot go into JSON).
    const message = `Cannot read the rule file: its path must be a string, not ${path === null ? 'null' : typeof path}.`;
    return { ok: false, problems: [{ code: 'FILE_NOT_FOUND', severity: 'error', message, path: [] }] };
  }
  let file = path;
  try {
    if (typeof options?.file === 'string') file = options.file;
  } catch {
    // Options that throw when read (a getter, a Proxy): the path names the file; a safe loader never throws.
  }
  let text: string;
  try {
    const read = readRuleFile(path, maxFileBytes(options), file);
    if (typeof read !== 'string') return { ok: false, problems: [read] };
    text = read;
  } catch (e) {
    // In words for the author, not the system call's (`EISDIR: illegal operation on a directory, read`).
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? `it is a folder; name the rule files in it (${file.replace(/[\\/]+$/, '')}/*.yaml)`
          : String((e as Error).message);
    return {
      ok: false,
      problems: [{ code: 'FILE_NOT_FOUND', severity: 'error', message: `Cannot read the rule file: ${reason}.`, path: [], file }],
    };
  }
  // The file's bytes were counted against the limit as they were read: the text need not be counted again (a scan of
  // every character of a 7 MB precompiled plan).
  let counted: LoadOptions;
  try {
    counted = { file: path, ...(options ?? {}), maxFileBytes: Number.MAX_SAFE_INTEGER };
  } catch {
    counted = { file, maxFileBytes: Number.MAX_SAFE_INTEGER };
  }
  return safeLoadDialPlan(text, counted);
}

const CHUNK = 1 << 16;

/** How many times `maxFileBytes` a precompiled plan may be (it keeps the YAML text, its positions and its tables). */
const COMPILED_SIZE_FACTOR = 4;

/** Whether the file open at `fd` starts as a precompiled plan does (its first bytes, read without moving the position). */
function startsCompiled(fd: number): boolean {
  const head = Buffer.alloc(200);
  const n = builtin('node:fs').readSync(fd, head, 0, head.length, 0);
  return isCompiledPlanText(head.toString('latin1', 0, n));
}

/**
 * Reads a rule file as UTF-8 text, or the problem that stops it: more than `max` bytes (read no further than that, so
 * that a huge file or an endless device costs nothing), or bytes that are not UTF-8. Throws what the file system throws.
 */
function readRuleFile(path: string, max: number, file: string): string | Problem {
  const fs = builtin('node:fs');
  const fd = fs.openSync(path, 'r');
  let bytes: Buffer;
  try {
    const size = fs.fstatSync(fd).size;
    // A precompiled plan (dialplan compile) holds its YAML text and more, about 2.6 times the YAML's size: it may be
    // four times the limit, so that a plan that loads also loads precompiled (a 6.9 MB YAML of 100 000 entries compiles
    // to 18 MB, which no command could load).
    if (size > max && size <= COMPILED_SIZE_FACTOR * max && startsCompiled(fd)) max *= COMPILED_SIZE_FACTOR;
    if (size > max) return fileTooLarge(size, max, { file });
    // The size is a hint only: pipes and devices report 0, and a file may grow while it is read. A regular file is read
    // into one buffer of its size (no copy of a 7 MB precompiled plan from chunks); whatever follows, in chunks.
    const chunks: Buffer[] = [];
    let total = 0;
    if (size > 0) {
      const whole = Buffer.allocUnsafe(size);
      let n = 0;
      while (n < size) {
        const got = fs.readSync(fd, whole, n, size - n, null);
        if (got === 0) break;
        n += got;
      }
      chunks.push(n === size ? whole : whole.subarray(0, n));
      total = n;
    }
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, max + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > max) return fileTooLarge(total, max, { file });
    }
    bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
  return decodeRuleFile(bytes, file);
}

/**
 * A rule file's bytes as text, or the `INVALID_ENCODING` problem at the line and column of the first byte that is not
 * UTF-8 (for the CLI's `-`, a plan read from standard input, as for a file).
 *
 * @param bytes - the whole file
 * @param file - the name problems give it
 * @returns the text, or the problem
 * @example
 * ```ts
 * decodeRuleFile(Buffer.from('name: x\xff', 'latin1'), '<stdin>'); // { code: 'INVALID_ENCODING', line: 1, column: 8, ... }
 * ```
 */
export function decodeRuleFile(data: Uint8Array, file: string): string | Problem {
  // (A Uint8Array in the signature: the declarations need no Node.js types for it.)
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // ASCII (every precompiled plan, most rule files) is UTF-8 as it is: a vectorised check and a one-byte string copy,
  // several times faster than decoding a 7 MB file.
  if (isAscii(bytes)) return bytes.toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return notUtf8(bytes, file);
  }
}

/** The problem of a file that is not UTF-8: where its first invalid byte is, counting columns as the YAML parser does. */
function notUtf8(bytes: Buffer, file: string): Problem {
  const bad = firstInvalidUtf8(bytes);
  // (lastIndexOf counts a negative start from the end.)
  const lineStart = bad === 0 ? 0 : bytes.lastIndexOf(0x0a, bad - 1) + 1;
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < lineStart; i = bytes.indexOf(0x0a, i + 1)) line++;
  let lineEnd = bytes.indexOf(0x0a, bad);
  if (lineEnd < 0) lineEnd = bytes.length;
  // Columns count UTF-16 units of the text before the byte, as for every other problem; a BOM is not text.
  const bom = lineStart === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart + bom, bad));
  const column = before.length + 1;
  const shown = new TextDecoder('utf-8').decode(bytes.subarray(lineStart + bom, lineEnd)).replace(/\r$/, '');
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  return {
    code: 'INVALID_ENCODING',
    severity: 'error',
    message: `Byte 0x${(bytes[bad] ?? 0).toString(16).toUpperCase().padStart(2, '0')} is not UTF-8${utf16 ? ' (the file looks like UTF-16)' : ''}: save the rule file as UTF-8.`,
    path: [],
    file,
    line,
    column,
    // The excerpt of every other problem: control characters shown as pictures (a binary file given as a rule file must
    // not send escape sequences to the terminal, nor UTF-16's NULs), long lines cut around the column.
    excerpt: excerpt(shown, line, column),
  };
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const x = b[i + k];
      // The lead byte is what is wrong when the sequence is cut short.
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return b.length;
}

/**
 * Loads a rule file from disk. Throws one {@link DialPlanError} listing every problem.
 *
 * @param path - the rule file
 * @param options - loader options; `file` defaults to `path`
 * @returns the compiled plan
 * @example
 * ```ts
 * const plan = loadDialPlanFile('rules/default.yaml');
 * plan.query('8004562354');
 * ```
 */
export function loadDialPlanFile(path: string, options: LoadOptions = {}): DialPlan {
  const r = safeLoadDialPlanFile(path, options);
  if (r.ok) return r.plan;
  const first = r.problems[0];
  if (first?.code === 'FILE_NOT_FOUND') throw new DialPlanError('FILE_NOT_FOUND', `${first.file ?? path}: ${first.message}`, r.problems);
  throw invalidPlanError(r.problems);
}

let defaultPlan: DialPlan | undefined;

// Written by `npm run build` into dist/: the default plan parsed ahead of time, so that loading it needs no YAML parser
// (most of the cold start otherwise). Found from the package root, since this module is bundled into dist/index.js too.
const SNAPSHOT_URL = new URL('dist/default-plan.json', PACKAGE_ROOT);
const DEFAULT_FILE = 'rules/default.yaml';

/**
 * Writes the build-time snapshot of the default plan (`dist/node/default-plan.json`). Run by `npm run build`.
 * @internal
 */
export function writeDefaultSnapshot(): void {
  const snapshot = snapshotRuleFile(builtin('node:fs').readFileSync(DEFAULT_RULES_PATH, 'utf8'), DEFAULT_FILE);
  if (!snapshot) throw new DialPlanError('INVALID_PLAN', `${DEFAULT_FILE} is not valid YAML.`);
  builtin('node:fs').writeFileSync(SNAPSHOT_URL, JSON.stringify(snapshot));
}

/**
 * Loads the bundled default plan without throwing and without sharing it: from the build-time snapshot when it is of the
 * current `rules/default.yaml`, by parsing the YAML otherwise. Each call loads afresh (a server reloading its rules sees
 * an edited file); {@link loadDefaultDialPlan} is the shared, throwing variant.
 *
 * @returns the plan, or every problem of the file
 * @example
 * ```ts
 * const r = safeLoadDefaultDialPlan();
 * if (r.ok) r.plan.query('6929');
 * ```
 */
export function safeLoadDefaultDialPlan(): LoadResult {
  let source: string;
  try {
    source = builtin('node:fs').readFileSync(DEFAULT_RULES_PATH, 'utf8');
  } catch {
    return safeLoadDialPlanFile(DEFAULT_RULES_PATH, { file: DEFAULT_FILE });
  }
  let snapshot: RuleFileSnapshot | undefined;
  try {
    snapshot = JSON.parse(builtin('node:fs').readFileSync(SNAPSHOT_URL, 'utf8')) as RuleFileSnapshot;
  } catch {
    // No snapshot (running from source, or not built): parse the YAML.
  }
  // A snapshot of another text is stale (the rule file was edited after the build): the file wins.
  return snapshot?.source === source ? loadRuleFileSnapshot(snapshot) : safeLoadDialPlan(source, { file: DEFAULT_FILE });
}

/**
 * The bundled default plan, loaded once and shared.
 *
 * @returns the plan of `rules/default.yaml`
 * @example
 * ```ts
 * loadDefaultDialPlan().details('6929').queueName; // 'User Queue:jdoe'
 * ```
 */
export function loadDefaultDialPlan(): DialPlan {
  if (defaultPlan === undefined) {
    const r = safeLoadDefaultDialPlan();
    if (!r.ok) throw invalidPlanError(r.problems);
    defaultPlan = r.plan;
  }
  return defaultPlan;
}
