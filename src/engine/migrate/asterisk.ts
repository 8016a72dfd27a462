/**
 * Asterisk `extensions.conf`: the extensions of each context (and of the contexts it includes) in Asterisk's own
 * best-match order, converted to a dial plan with one location per context, and evaluated as Asterisk does for
 * `--verify`. No `node:` imports.
 *
 * Asterisk's order (pbx.c `ext_cmp`): extensions that are not patterns first; then patterns compared position by position
 * by the character set each position allows, the smaller set first (a literal character, then `N`, `Z`, `X`, larger `[...]`
 * sets; equal sizes: the lower first character, then the set), `.` after every set, `!` after `.`, and the end of a
 * pattern last. The first extension in that order that matches the whole number wins; a context's own extensions come
 * before those of the contexts it includes, in the order of the `include` lines.
 */
import type { ReferenceEvaluator } from './formats.js';
import type { ImportedEntry, ImportResult, MigrationIssue } from './imported-plan.js';
import { uniqueName, writeImportedPlan } from './imported-plan.js';
import type { Outcome, VerifyNumber } from './verify.js';
import { createRng, inDomain, mutate } from './verify.js';

/** One extension of a context, as read (its first line). */
export interface AsteriskExtension {
  /** As written, `_NXXNXXXXXX` or `6001` (dashes kept). */
  readonly name: string;
  readonly context: string;
  /** `file:line:column` of the extension. */
  readonly where: string;
  /** The application of its first line (`Dial`, `Goto`...). */
  readonly app: string;
}

/** One context of `extensions.conf`. */
export interface AsteriskContext {
  readonly name: string;
  readonly extensions: readonly AsteriskExtension[];
  readonly includes: readonly string[];
  /** `file:line:column` of each `include =>` line, by the index of {@link AsteriskContext.includes}. */
  readonly includedAt?: readonly string[];
  /** `file:line:column` of the context's first `[name]` line. */
  readonly where?: string;
}

/** What {@link readAsteriskExtensions} read. */
export interface AsteriskSource {
  readonly file: string;
  readonly contexts: readonly AsteriskContext[];
  /** Every application an `exten =>` or `same =>` line runs (`Dial`, `Goto`...), with its `file:line:column`. */
  readonly actions: readonly { readonly app: string; readonly where: string }[];
  readonly issues: readonly MigrationIssue[];
}

/** A file an `#include` names, as the caller read it: its name (for positions) and its text. */
export interface AsteriskIncludedFile {
  readonly file: string;
  readonly text: string;
}

/**
 * Reads the files an `#include "name"` (or `#tryinclude`) line names, relative to the file that holds the line (a name
 * with `*` or `?` may name several, as Asterisk's glob does); a string says why it cannot (not found, too large).
 */
export type AsteriskIncludeReader = (name: string, from: string) => readonly AsteriskIncludedFile[] | string;

/** Options of {@link readAsteriskExtensions}. */
export interface AsteriskReadOptions {
  /** Follows `#include` lines (the engine reads no files: the Node.js CLI gives one); without it they are reported. */
  readonly readInclude?: AsteriskIncludeReader;
}

/** Most files `#include` lines may nest (a file that includes one that includes...). */
const MAX_INCLUDE_DEPTH = 32;

/** Most files `#include` lines may read in all. */
const MAX_INCLUDED_FILES = 1_000;

/** Contexts of `extensions.conf` that hold settings, not extensions. */
const SETTINGS = new Set(['general', 'globals']);

/** Most extensions templates may copy into sections in one file (each copy is an extension to convert). */
const MAX_INHERITED = 200_000;

/** Most line numbers a dial-time action note lists. */
const MAX_LISTED_LINES = 20;

/**
 * The lines of a config file with comments blanked out, as Asterisk's config.c reads them: `;` starts a comment to the
 * end of the line (`\\;` is a literal semicolon), and `;--` ... `--;` is a block comment, which may span lines and nest.
 * Commented characters become spaces, so every column stays where it was.
 */
function uncommentedLines(text: string): string[] {
  let depth = 0;
  return text.split(/\r?\n/).map((raw) => {
    const out = raw.split('');
    let i = 0;
    const blank = (from: number, to: number): void => {
      for (let k = from; k < to; k++) out[k] = ' ';
    };
    let commentFrom = depth > 0 ? 0 : -1;
    for (; i < raw.length; i++) {
      if (raw[i] !== ';' || (i > 0 && raw[i - 1] === '\\')) continue;
      if (raw[i + 1] === '-' && raw[i + 2] === '-' && raw[i + 3] !== '-') {
        // `;--` opens a block comment (nested ones count).
        if (depth === 0) commentFrom = i;
        depth++;
        i += 2;
      } else if (depth > 0 && i >= 2 && raw[i - 1] === '-' && raw[i - 2] === '-') {
        depth--;
        if (depth === 0) {
          blank(commentFrom, i + 1);
          commentFrom = -1;
        }
      } else if (depth === 0) {
        blank(i, raw.length);
        return out.join('');
      }
    }
    if (depth > 0) blank(commentFrom, raw.length);
    return out.join('');
  });
}

/**
 * Reads `extensions.conf`: contexts, `exten =>` lines (the first line of each extension; `same =>` and later priorities
 * add nothing to which numbers it takes), `include =>` lines. Templates (`[t](!)`, `[ctx](t)`) are followed, and
 * `#include` / `#tryinclude` files when `options.readInclude` reads them (their lines are read where the line is, as
 * Asterisk's config.c reads them: a context open before it goes on in the included file, and after it); a file that includes itself or one
 * that includes it, more than 32 nested or 1 000 files in all are reported and not read. `#exec` and `switch =>` are
 * reported. Never throws.
 *
 * @param text - the file's text
 * @param file - its name, for positions
 * @param options - how to read `#include` files
 * @returns the contexts and the problems
 * @example
 * ```ts
 * readAsteriskExtensions('[internal]\nexten => _6XXX,1,Dial(PJSIP/${EXTEN})\n', 'extensions.conf').contexts[0]?.extensions[0]?.name; // '_6XXX'
 * ```
 */
export function readAsteriskExtensions(text: string, file: string, options: AsteriskReadOptions = {}): AsteriskSource {
  const issues: MigrationIssue[] = [];
  const contexts: { name: string; extensions: AsteriskExtension[]; includes: string[]; includedAt: string[]; where: string }[] = [];
  // The extension names each context (or template) holds already: a later priority adds nothing.
  const held = new Map<object, Set<string>>();
  // Extensions copied from templates so far: a chain of templates, each inheriting the one before, copies quadratically.
  let inherited = 0;
  let overInherited = false;
  const holds = (c: object): Set<string> => {
    let set = held.get(c);
    if (!set) held.set(c, (set = new Set()));
    return set;
  };
  const actions: { app: string; where: string }[] = [];
  // Sections marked `(!)`: templates, whose lines other sections inherit; Asterisk makes no context of them.
  const templates: (typeof contexts)[number][] = [];
  const contextByName = new Map<string, (typeof contexts)[number]>();
  const templateByName = new Map<string, (typeof contexts)[number]>();
  let current: (typeof contexts)[number] | undefined;
  let inSection = false;
  let includedFiles = 0;
  // One file's lines, and those of the files it #includes where it includes them; `chain` is the files reading.
  const readFile = (text: string, file: string, chain: readonly string[]): void => {
    const lines = uncommentedLines(text.replace(/^\uFEFF/, ''));
    lines.forEach((line, k) => {
      const lineNo = k + 1;
      const trimmed = line.trim();
      if (trimmed === '') return;
      const where = (col: number): string => `${file}:${lineNo}:${col}`;
      if (trimmed.startsWith('#')) {
        const at = where(line.indexOf('#') + 1);
        const inc = /^#(include|tryinclude)\s+(?:"([^"]*)"|<([^>]*)>|(\S+))/i.exec(trimmed);
        if (!inc || !options.readInclude) {
          issues.push({ severity: 'warning', where: at, message: `${trimmed.split(/\s/)[0]} is not followed: the extensions of that file are not converted` });
          return;
        }
        const name = (inc[2] ?? inc[3] ?? inc[4] ?? '').trim();
        const tryOnly = (inc[1] as string).toLowerCase() === 'tryinclude';
        if (chain.length > MAX_INCLUDE_DEPTH) {
          issues.push({ severity: 'error', where: at, message: `#include ${name} is not followed: #include files nest more than ${MAX_INCLUDE_DEPTH} deep here` });
          return;
        }
        const got = options.readInclude(name, file);
        if (typeof got === 'string') {
          // #tryinclude of a file that is not there is what it is for; anything else is said.
          if (!tryOnly || !/not found|ENOENT/i.test(got)) issues.push({ severity: tryOnly ? 'note' : 'error', where: at, message: `#${inc[1] as string} ${name} is not followed: ${got}` });
          return;
        }
        for (const f of got) {
          if (chain.includes(f.file)) {
            issues.push({ severity: 'error', where: at, message: `#include ${name}: ${f.file} includes itself (through ${[...chain.slice(chain.indexOf(f.file)), f.file].join(' → ')}); it is read once` });
            continue;
          }
          if (++includedFiles > MAX_INCLUDED_FILES) {
            if (includedFiles === MAX_INCLUDED_FILES + 1) issues.push({ severity: 'error', where: at, message: `#include ${name}: more than ${MAX_INCLUDED_FILES} files are included in all; no more is read` });
            return;
          }
          // The included file goes on in the context open here; after it, this file goes on in that same context
          // (config.c keeps each file's current section), whatever sections the included file opened.
          const [outer, outerInSection] = [current, inSection];
          readFile(f.text, f.file, [...chain, f.file]);
          [current, inSection] = [outer, outerInSection];
        }
        return;
      }
      const header = /^\[([^\]]+)\](\(([^)]*)\))?/.exec(trimmed);
      if (header) {
        inSection = true;
        const name = header[1] as string;
        // Options, as config.c reads them: `!` makes the section a template (not a context), `+` adds to a section of
        // that name, any other word names a template whose lines come first.
        const options = (header[3] ?? '').split(',').map((o) => o.trim()).filter((o) => o !== '');
        const isTemplate = options.includes('!');
        if (SETTINGS.has(name.toLowerCase())) {
          current = undefined;
          return;
        }
        // A context may be opened again further down (or by another #include'd file): Asterisk adds the new lines to
        // the context it already has (pbx_config's ast_context_find_or_create), so the two sections are one context.
        const pool = isTemplate ? templates : contexts;
        const index = isTemplate ? templateByName : contextByName;
        const again = index.get(name);
        current = again ?? { name, extensions: [], includes: [], includedAt: [], where: where(line.indexOf('[') + 1) };
        if (!again) {
          pool.push(current);
          index.set(name, current);
        }
        for (const t of options.filter((o) => o !== '!' && o !== '+')) {
          const template = templateByName.get(t);
          if (!template) {
            issues.push({ severity: 'warning', where: where(line.indexOf(t, line.indexOf('(')) + 1), message: `[${name}] inherits from ${t}, which is not a template defined above it ([${t}](!)): its lines are not read` });
            continue;
          }
          const names = holds(current);
          if (inherited + template.extensions.length + template.includes.length > MAX_INHERITED) {
            // Said once, at the first section past the limit; every later inheritance is refused the same way.
            if (!overInherited) {
              overInherited = true;
              issues.push({ severity: 'error', where: where(line.indexOf(t, line.indexOf('(')) + 1), message: `[${name}] inherits from ${t}: templates have copied more than ${MAX_INHERITED} extensions and includes in this file; no template is followed from here on` });
            }
            continue;
          }
          inherited += template.extensions.length + template.includes.length;
          for (const e of template.extensions) {
            if (names.has(e.name)) continue;
            names.add(e.name);
            current.extensions.push({ ...e, context: current.name });
          }
          template.includes.forEach((inc, i) => {
            current?.includes.push(inc);
            current?.includedAt.push(template.includedAt[i] as string);
          });
        }
        return;
      }
      if (!current) {
        // Before any [section], an exten or include line belongs to no context: Asterisk cannot use it either. Said.
        if (!inSection && /^(exten|include|same)\s*=/i.test(trimmed)) {
          issues.push({ severity: 'warning', where: where(line.search(/\S/) + 1), message: 'this line comes before any [context]: it belongs to no context and is not converted' });
        }
        return;
      }
      const kv = /^(\w+)\s*=>?\s*(.*)$/.exec(trimmed);
      if (!kv) {
        issues.push({ severity: 'warning', where: where(line.search(/\S/) + 1), message: 'this line is not read (not key => value)' });
        return;
      }
      const key = (kv[1] as string).toLowerCase();
      const value = kv[2] as string;
      const valueCol = line.indexOf(value) + 1;
      if (key === 'exten') {
        const parts = /^([^,]+),\s*([^,]+),\s*(.*)$/.exec(value);
        if (!parts) {
          issues.push({ severity: 'error', where: where(valueCol), message: 'this exten line has no extension, priority and application' });
          return;
        }
        const name = (parts[1] as string).trim();
        const app = /^(\w+)/.exec((parts[3] as string).trim())?.[1] ?? '';
        const priority = (parts[2] as string).trim();
        if (priority.toLowerCase() === 'hint') return;
        if (app !== '') actions.push({ app, where: where(line.indexOf(parts[3] as string, valueCol - 1) + 1) });
        const names = holds(current);
        if (names.has(name)) return; // a later priority of the same extension
        names.add(name);
        current.extensions.push({ name, context: current.name, where: where(valueCol), app });
      } else if (key === 'include') {
        // `include => daytime,09:00-17:00,mon-fri,*,*` (or with |): included only at those times, which a plan cannot ask.
        const [target = value, ...timing] = value.split(/[,|]/);
        current.includes.push(target.trim());
        current.includedAt.push(where(valueCol));
        if (timing.some((t) => t.trim() !== '')) {
          issues.push({ severity: 'warning', where: where(valueCol), message: `include => ${target.trim()} holds only at the times ${timing.join(',').trim()}: the time condition is not carried over (the include is read as always on)` });
        }
      } else if (key === 'same') {
        const parts = /^([^,]+),\s*(.*)$/.exec(value);
        const app = parts ? (/^(\w+)/.exec((parts[2] as string).trim())?.[1] ?? '') : '';
        if (parts && app !== '') actions.push({ app, where: where(line.indexOf(parts[2] as string, valueCol - 1) + 1) });
      } else {
        issues.push({ severity: 'note', where: where(line.search(/\S/) + 1), message: `${key} => is not converted (it does not classify numbers)` });
      }
    });
  };
  readFile(text, file, [file]);
  if (!contexts.some((c) => c.extensions.length > 0 || c.includes.length > 0)) {
    issues.push({ severity: 'error', where: `${file}:1:1`, message: 'not readable: no context with exten => or include => lines (an extensions.conf)' });
  }
  return { file, contexts, actions, issues };
}

/** One position of an Asterisk pattern, with the sort key of `ext_cmp_pattern_pos`. */
interface Pos {
  readonly kind: 'set' | 'dot' | 'bang';
  readonly chars: string;
  readonly key: number;
}

/** A pattern's positions (dashes ignored), or why it cannot be read. */
function patternPositions(name: string): Pos[] | string {
  const body = name.slice(1);
  const out: Pos[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '-' || c === ' ') continue;
    const set = (chars: string): Pos => ({ kind: 'set', chars, key: (chars.length << 8) | (chars.charCodeAt(0) || 0) });
    switch (c.toUpperCase()) {
      case 'X':
        out.push(set('0123456789'));
        break;
      case 'Z':
        out.push(set('123456789'));
        break;
      case 'N':
        out.push(set('23456789'));
        break;
      case '.':
        out.push({ kind: 'dot', chars: '', key: 0x18000 });
        break;
      case '!':
        out.push({ kind: 'bang', chars: '', key: 0x28000 });
        break;
      case '[': {
        const end = body.indexOf(']', i);
        if (end < 0) return `the [ at index ${i + 1} is never closed`;
        let chars = '';
        const inner = body.slice(i + 1, end);
        for (let k = 0; k < inner.length; k++) {
          if (inner[k + 1] === '-' && inner[k + 2] !== undefined) {
            for (let x = inner.charCodeAt(k); x <= inner.charCodeAt(k + 2); x++) if (!chars.includes(String.fromCharCode(x))) chars += String.fromCharCode(x);
            k += 2;
          } else if (!chars.includes(inner[k] as string)) chars += inner[k];
        }
        if (chars === '') return `the set at index ${i + 1} is empty`;
        out.push(set([...chars].sort().join('')));
        i = end;
        break;
      }
      default:
        out.push(set(c));
    }
  }
  return out;
}

/**
 * Asterisk's comparison of two extensions (`ext_cmp`): negative when `a` is tried first.
 *
 * @param a - an extension as written
 * @param b - another
 * @returns the order
 * @example
 * ```ts
 * ['_X.', '_NXXXXXX', '911'].sort(compareAsteriskExtensions); // ['911', '_NXXXXXX', '_X.']
 * ```
 */
export function compareAsteriskExtensions(a: string, b: string): number {
  const pa = a.startsWith('_');
  const pb = b.startsWith('_');
  if (!pa || !pb) return pa === pb ? (a.replaceAll('-', '') < b.replaceAll('-', '') ? -1 : a.replaceAll('-', '') > b.replaceAll('-', '') ? 1 : 0) : pa ? 1 : -1;
  const x = patternPositions(a);
  const y = patternPositions(b);
  if (typeof x === 'string' || typeof y === 'string') return 0;
  for (let i = 0; ; i++) {
    const u = x[i];
    const v = y[i];
    const ku = u?.key ?? 0x30000;
    const kv = v?.key ?? 0x30000;
    if (ku !== kv) return ku - kv;
    if (u && v && u.chars !== v.chars) return u.chars < v.chars ? -1 : 1;
    if (!u || !v) return 0;
  }
}

// An extension as a JavaScript regex with Asterisk's meaning (for the reference evaluator).
function extensionRegex(name: string): RegExp | undefined {
  if (!name.startsWith('_')) return new RegExp(`^${name.replaceAll('-', '').replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')}$`);
  const pos = patternPositions(name);
  if (typeof pos === 'string') return undefined;
  const src = pos.map((p) => (p.kind === 'dot' ? '[^]+' : p.kind === 'bang' ? '[^]*' : `[${[...p.chars].map((c) => `\\u{${c.charCodeAt(0).toString(16)}}`).join('')}]`)).join('');
  return new RegExp(`^${src}$`, 'u');
}

/** Most numbers `--verify` asks both sides about (contexts times extensions times samples grows fast). */
const MAX_VERIFY_NUMBERS = 2_000_000;

/** Most entries the contexts may make in all (each context holds again the extensions of the contexts it includes). */
const MAX_ENTRIES = 200_000;

/**
 * Most contexts one search walks through includes (pbx.c's `AST_PBX_MAX_STACK`): each context searched is pushed on the
 * search's include stack, which is never popped, and once it holds this many Asterisk logs "Maximum PBX stack exceeded"
 * and searches no further context.
 */
export const ASTERISK_MAX_INCLUDE_STACK = 128;

/**
 * The order in which each context (of those with extensions or includes) tries its extensions: its own by best match,
 * then each include's, depth first, a context reached twice only the first time. Walked with a stack of its own, so a
 * long chain of includes cannot overflow the call stack; past {@link MAX_ENTRIES} in all, the contexts left get nothing
 * and `stopped` names the first of them.
 */
function contextOrders(source: AsteriskSource): { readonly orders: AsteriskExtension[][]; readonly stopped?: string; readonly deep?: string } {
  const byName = new Map<string, AsteriskContext>();
  for (const c of source.contexts) if (!byName.has(c.name)) byName.set(c.name, c);
  const sorted = new Map<string, AsteriskExtension[]>();
  const own = (c: AsteriskContext): AsteriskExtension[] => {
    let list = sorted.get(c.name);
    if (!list) sorted.set(c.name, (list = [...c.extensions].sort((a, b) => compareAsteriskExtensions(a.name, b.name))));
    return list;
  };
  const contexts = source.contexts.filter((c) => c.extensions.length > 0 || c.includes.length > 0);
  const orders: AsteriskExtension[][] = [];
  let total = 0;
  let stopped: string | undefined;
  let deep: string | undefined;
  for (const start of contexts) {
    const out: AsteriskExtension[] = [];
    if (stopped === undefined) {
      const seen = new Set<string>();
      const stack = [start.name];
      let searched = 0;
      while (stack.length > 0) {
        const name = stack.pop() as string;
        if (seen.has(name)) continue;
        seen.add(name);
        const ctx = byName.get(name);
        if (!ctx) continue;
        // Asterisk searches no more contexts once its include stack is full: neither does the plan.
        if (searched === ASTERISK_MAX_INCLUDE_STACK) {
          deep ??= start.name;
          break;
        }
        searched++;
        for (const e of own(ctx)) out.push(e);
        for (let i = ctx.includes.length - 1; i >= 0; i--) stack.push(ctx.includes[i] as string);
      }
      if (total + out.length > MAX_ENTRIES) {
        stopped = start.name;
        out.length = 0;
      } else total += out.length;
    }
    orders.push(out);
  }
  return { orders, ...(stopped !== undefined ? { stopped } : {}), ...(deep !== undefined ? { deep } : {}) };
}

function domainOf(source: AsteriskSource): string {
  let d = '0123456789';
  for (const c of source.contexts) for (const e of c.extensions) for (const ch of e.name.slice(e.name.startsWith('_') ? 1 : 0)) if ('*#+'.includes(ch) && !d.includes(ch)) d += ch;
  return d;
}

/** What an extension becomes: a dial-plan pattern, or why not. */
function toDialPlanPattern(e: AsteriskExtension, domain: string): { pattern: string } | { error: string; skip?: boolean } {
  if (e.name.includes('/')) return { error: 'a caller-ID match (/) depends on who calls, which a dial plan does not see' };
  if (!e.name.startsWith('_')) {
    const literal = e.name.replaceAll('-', '');
    if (!/^[0-9*#+]+$/.test(literal)) return { error: `"${e.name}" is a special or named extension, entered by the dialplan itself rather than dialed`, skip: true };
    return { pattern: literal };
  }
  const pos = patternPositions(e.name);
  if (typeof pos === 'string') return { error: pos };
  let out = '';
  for (let i = 0; i < pos.length; i++) {
    const p = pos[i] as Pos;
    if (p.kind !== 'set') {
      if (i !== pos.length - 1) return { error: `${p.kind === 'dot' ? '.' : '!'} before the end of the pattern` };
      // `.` is one or more characters: one of the domain, then anything; `!` is zero or more.
      out += p.kind === 'dot' ? `[${domain}]Z` : 'Z';
      continue;
    }
    const chars = [...p.chars].filter((c) => domain.includes(c)).join('');
    if (chars === '') return { error: `position ${i + 1} allows no character a number holds`, skip: true };
    out += chars === '0123456789' ? 'X' : chars === '123456789' ? 'Y' : chars === '23456789' ? 'N' : chars.length === 1 ? chars : `[${chars}]`;
  }
  return { pattern: out };
}

/**
 * Converts `extensions.conf` to a dial plan: one location per context (with the extensions of the contexts it includes),
 * its extensions as entries in Asterisk's best-match order, each classified with its own name (`_NXXNXXXXXX`); the
 * number keeps its text. Dial-time actions (`Dial(...${EXTEN:1}...)`, `Goto`, `Set`) are reported as not carried over.
 *
 * @param source - what {@link readAsteriskExtensions} read
 * @returns the plan, its YAML and the issues
 * @example
 * ```ts
 * importAsterisk(readAsteriskExtensions(text, 'extensions.conf')).plan.locations; // ['from-internal', ...]
 * ```
 */
export function importAsterisk(source: AsteriskSource): ImportResult {
  const issues: MigrationIssue[] = [...source.issues];
  const domain = domainOf(source);
  const contexts = source.contexts.filter((c) => c.extensions.length > 0 || c.includes.length > 0);
  const taken = new Set<string>();
  const locations = contexts.map((c) => uniqueName(c.name, taken));
  const classes = new Set<string>();
  const entries: ImportedEntry[] = [];
  const names = new Set<string>();
  const reported = new Set<string>();
  const known = new Set(source.contexts.map((c) => c.name));
  const { orders, stopped, deep } = contextOrders(source);
  // Where a context's [name] line is (the first, when it is opened twice).
  const contextWhere = (name: string): string => source.contexts.find((c) => c.name === name)?.where ?? `${source.file} [${name}]`;
  if (deep !== undefined) {
    issues.push({
      severity: 'warning',
      where: contextWhere(deep),
      message: `[${deep}] reaches more than ${ASTERISK_MAX_INCLUDE_STACK} contexts through its includes: Asterisk searches the first ${ASTERISK_MAX_INCLUDE_STACK} only (AST_PBX_MAX_STACK, "Maximum PBX stack exceeded"), and so does the plan (said for the first such context)`,
    });
  }
  if (stopped !== undefined) {
    issues.push({ severity: 'error', where: contextWhere(stopped), message: `the contexts with the extensions they include make more than ${MAX_ENTRIES} entries: [${stopped}] and the contexts after it are not converted` });
  }
  contexts.forEach((ctx, k) => {
    ctx.includes.forEach((inc, i) => {
      if (!known.has(inc)) issues.push({ severity: 'warning', where: ctx.includedAt?.[i] ?? `${source.file} [${ctx.name}]`, message: `include => ${inc}: no such context in this file` });
    });
    for (const e of orders[k] ?? []) {
      const r = toDialPlanPattern(e, domain);
      const label = `${e.where} [${e.context}] exten => ${e.name},1,${e.app}(...)${e.context !== ctx.name ? ` (included in [${ctx.name}])` : ''}`;
      if ('error' in r) {
        if (!reported.has(e.where)) {
          reported.add(e.where);
          issues.push({ severity: r.skip ? 'note' : 'error', where: e.where, message: `${e.name} is not converted: ${r.error}` });
        }
        if (!r.skip) entries.push({ name: e.name, classification: '', match: [], source: label, notConverted: r.error });
        continue;
      }
      classes.add(e.name);
      entries.push({ name: uniqueName(`${e.name} (${ctx.name})`, names), classification: e.name, match: [r.pattern], source: label, ...(contexts.length > 1 ? { location: locations[k] as string } : {}) });
    }
  });
  // What the extensions do when dialed, one note per application at its first line, with every line that runs it.
  const byApp = new Map<string, string[]>();
  for (const a of source.actions) {
    const list = byApp.get(a.app);
    if (list) list.push(a.where);
    else byApp.set(a.app, [a.where]);
  }
  for (const [app, wheres] of [...byApp].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    // The first lines, then how many more: a generated file may run one application on a hundred thousand lines.
    const lines = wheres.slice(0, MAX_LISTED_LINES).map((w) => /:(\d+):\d+$/.exec(w)?.[1] ?? w);
    const more = wheres.length > MAX_LISTED_LINES ? ` and ${wheres.length - MAX_LISTED_LINES} more` : '';
    issues.push({
      severity: 'note',
      where: wheres[0] as string,
      message: `not carried over: the dial-time action ${app} (line${wheres.length > 1 ? 's' : ''} ${lines.join(', ')}${more}): the plan classifies numbers, it does not run applications`,
    });
  }
  const list = [...classes].map((name) => ({ name, internal: false }));
  const unmatched = uniqueName('No extension', new Set(classes));
  list.push({ name: unmatched, internal: false });
  const plan = {
    name: `Asterisk ${source.file.split('/').pop() ?? source.file}`,
    description: '',
    classifications: list,
    // One location per context, even a single one (a query may name it).
    locations,
    entries,
    unmatched: { classification: unmatched, dialCapable: true },
    header: [
      `Imported from Asterisk (${source.file}) by dialplan import --from asterisk.`,
      "Each entry is an extension, in Asterisk's best-match order (not file order); classification = the extension.",
      `A number no extension matches keeps its text (${unmatched}).`,
    ],
  };
  return { plan, yaml: writeImportedPlan(plan), issues };
}

/**
 * The reference evaluator of Asterisk's extension matching (see the module comment).
 *
 * @param source - the contexts
 * @returns the evaluator (locations are the contexts' names when there are several)
 * @example
 * ```ts
 * asteriskReference(source).evaluate({ number: '5551234', location: 'from-internal' }).classification; // '_NXXXXXX'
 * ```
 */
export function asteriskReference(source: AsteriskSource): ReferenceEvaluator {
  const contexts = source.contexts.filter((c) => c.extensions.length > 0 || c.includes.length > 0);
  const taken = new Set<string>();
  const locations = contexts.map((c) => uniqueName(c.name, taken));
  const classes = new Set(source.contexts.flatMap((c) => c.extensions.map((e) => e.name)));
  const unmatched = uniqueName('No extension', new Set(classes));
  const domain = domainOf(source);
  // One regex per extension, shared by every context that includes it.
  const regexes = new Map<AsteriskExtension, RegExp | undefined>();
  const regexOf = (e: AsteriskExtension): RegExp | undefined => {
    if (!regexes.has(e)) regexes.set(e, extensionRegex(e.name));
    return regexes.get(e);
  };
  const ordered = contextOrders(source).orders.map((list) => list.map((e) => ({ e, re: regexOf(e) })));
  const evaluate = (n: VerifyNumber): Outcome => {
    const k = n.location === undefined ? 0 : locations.indexOf(n.location);
    for (const { e, re } of ordered[k] ?? []) if (re?.test(n.number)) return { classification: e.name, normalized: n.number };
    return { classification: unmatched, normalized: n.number };
  };
  const numbers = (seed: number, perRule: number): VerifyNumber[] => {
    const rng = createRng(seed);
    const out: VerifyNumber[] = [];
    const all = source.contexts.flatMap((c) => c.extensions);
    const draw = (e: AsteriskExtension): string | undefined => {
      if (!e.name.startsWith('_')) return e.name.replaceAll('-', '');
      const pos = patternPositions(e.name);
      if (typeof pos === 'string') return undefined;
      let s = '';
      for (const p of pos) {
        const chars = p.kind === 'set' ? [...p.chars].filter((c) => domain.includes(c)).join('') : domain;
        if (chars === '') return undefined;
        const count = p.kind === 'set' ? 1 : p.kind === 'dot' ? 1 + rng.int(12) : rng.int(13);
        for (let i = 0; i < count; i++) s += chars[rng.int(chars.length)];
      }
      return s;
    };
    contexts.forEach((_, k) => {
      for (const e of all) {
        // Every context is asked about every extension's numbers: many contexts of many extensions are bounded here.
        if (out.length >= MAX_VERIFY_NUMBERS) return;
        for (let i = 0; i < perRule; i++) {
          const x = draw(e);
          if (x === undefined || x === '') break;
          for (const y of [x, ...mutate(x, rng, domain)]) if (inDomain(y, domain)) out.push(contexts.length > 1 ? { number: y, location: locations[k] as string } : { number: y });
        }
      }
    });
    return out;
  };
  return { evaluate, numbers, issues: [] };
}
