/**
 * Genesys Cloud number plans (`GET /api/v2/telephony/providers/edges/sites/{siteId}/numberplans`): read, converted to a
 * dial plan (a location per site), evaluated as Genesys Cloud does for `--verify`, and written from a dial plan for the
 * API (`PUT .../sites/{siteId}/numberplans`). No `node:` imports.
 *
 * The evaluator's model of Genesys Cloud: a site's active plans (`state` `active`, or none given) are tried by
 * `priority` (lowest first; equal priorities in file order) and the first that matches classifies the number. `numberList` matches a number of digits within one of its
 * `numbers` ranges (`start` to `end`, strings of one length); `e164NumberList` the same for `+` numbers; `digitLength` a
 * number of digits whose count is within `digitLength`; `intraCountryCode` a `+` number of the site's country calling code
 * and `interCountryCode` one of another, both of 10 to 15 digits in all (as Genesys Cloud documents them); `regex` a number the Java regular expression `match` matches whole, normalized
 * with `normalizedFormat` (Java's `$1`, `${name}`). Other plans leave the number as it is.
 */
import type { DialPlan } from '../plan/plan.js';
import type { ParsedRegex, ReplacementPiece } from './dotnet-regex.js';
import { dotnetReplace, dotnetToJs, parseDotnetRegex, parseJavaReplacement } from './dotnet-regex.js';
import type { ReferenceEvaluator } from './formats.js';
import type { ImportedConversion, ImportedEntry, ImportResult, MigrationIssue } from './imported-plan.js';
import type { WhenCondition } from '../types.js';
import { takeConditions } from './when-regex.js';
import { uniqueName, writeImportedPlan } from './imported-plan.js';
import { convertRegex } from './regex-to-pattern.js';
import type { PositionedJson } from './source-text.js';
import { lineColumn, parsePositionedJson, SourceSyntaxError } from './source-text.js';
import { composeLocation, longestRegexNote } from './teams-export.js';
import type { Outcome, VerifyNumber, VerifyReport } from './verify.js';
import { compareOutcomes, conditionNumbers, createRng, inDomain, mutate, samplePattern, sampleRegex, unsafeToRun } from './verify.js';

/** The match types of a Genesys Cloud number plan. */
export const GENESYS_MATCH_TYPES = ['digitLength', 'numberList', 'e164NumberList', 'intraCountryCode', 'interCountryCode', 'regex'] as const;

/** One Genesys Cloud number plan, as read. */
export interface GenesysNumberPlan {
  readonly name: string;
  readonly matchType: string;
  readonly match: string;
  readonly numbers: readonly { readonly start: string; readonly end: string }[];
  readonly digitLength?: { readonly start: number; readonly end: number };
  readonly normalizedFormat: string;
  readonly classification: string;
  readonly priority: number;
  /**
   * The plan's `state` as the file gives it (`active`, `inactive`, `deleted`; empty or absent when the file gives none).
   * Genesys Cloud uses only active plans: see {@link isActivePlan}.
   */
  readonly state?: string;
  /** Where it is in the file: `file:line:column (path)`. */
  readonly where: string;
  /** @internal Offsets of the characters of `match`, for positions inside the regex. */
  readonly matchAt: { readonly path: string; readonly at: number; readonly map: readonly number[] };
}

/** One site's number plans. */
export interface GenesysSite {
  readonly name: string;
  /** The file does not name the site (the answer for one site): `name` is made up. */
  readonly unnamed?: boolean;
  /** The site's country calling code (`1`, `44`), for `intraCountryCode` and `interCountryCode`. */
  readonly countryCallingCode: string;
  /** The plans in the order Genesys Cloud tries them (by priority). */
  readonly plans: readonly GenesysNumberPlan[];
}

/** What {@link readGenesysNumberPlans} read. */
export interface GenesysSource {
  readonly file: string;
  readonly text: string;
  readonly sites: readonly GenesysSite[];
  readonly issues: readonly MigrationIssue[];
}

/**
 * Reads Genesys Cloud number plans: the API's answer for a site (an array of plans, or `{ "entities": [...] }`), or
 * `{ "sites": [{ "name", "countryCallingCode", "numberPlans": [...] }] }` for several sites (what `dialplan export --to
 * genesys-cloud` writes). Plans naming different `site.name`s are split into those sites. Never throws.
 *
 * @param text - the JSON text
 * @param file - the file name, for positions
 * @returns the sites and the problems
 * @example
 * ```ts
 * readGenesysNumberPlans('[{"name":"Emergency","matchType":"numberList","numbers":[{"start":"911","end":"911"}],"classification":"Emergency","priority":0}]', 'plans.json').sites[0]?.plans.length; // 1
 * ```
 */
export function readGenesysNumberPlans(text: string, file: string): GenesysSource {
  const issues: MigrationIssue[] = [];
  let root: PositionedJson;
  try {
    root = parsePositionedJson(text);
  } catch (e) {
    if (!(e instanceof SourceSyntaxError)) throw e;
    const { line, column } = lineColumn(text, e.offset);
    issues.push({ severity: 'error', where: `${file}:${line}:${column}`, message: `not readable: ${e.message}` });
    return { file, text, sites: [], issues };
  }
  const get = (o: PositionedJson | undefined, key: string): PositionedJson | undefined => (o?.kind === 'object' ? o.entries.get(key) : undefined);
  const str = (o: PositionedJson | undefined): string => (o === undefined ? '' : o.kind === 'string' ? o.value : o.kind === 'number' || o.kind === 'boolean' ? String(o.value) : '');
  const at = (o: PositionedJson, path: string): string => {
    const { line, column } = lineColumn(text, o.at);
    return `${file}:${line}:${column} (${path})`;
  };
  const readPlans = (list: readonly PositionedJson[], base: string): { plan: GenesysNumberPlan; site: string }[] =>
    list.flatMap((o, k) => {
      const path = `${base}[${k}]`;
      if (o.kind !== 'object') {
        issues.push({ severity: 'error', where: at(o, path), message: 'this number plan is not an object; it is not converted' });
        return [];
      }
      if (get(o, 'classificationTypes') !== undefined && get(o, 'matchType') === undefined) {
        // GET .../sites/{siteId}/outboundroutes: which trunks carry which classifications. A dial plan has no trunks.
        issues.push({ severity: 'error', where: at(o, path), message: `"${str(get(o, 'name'))}" is an outbound route (classificationTypes), not a number plan: which trunks carry a classification has no dial-plan counterpart; it is not converted (import the site's numberplans)` });
        return [];
      }
      const numbers = get(o, 'numbers');
      const digitLength = get(o, 'digitLength');
      const match = get(o, 'match');
      const priority = Number(str(get(o, 'priority')));
      const dl = digitLength?.kind === 'object' ? { start: Number(str(get(digitLength, 'start'))), end: Number(str(get(digitLength, 'end'))) } : undefined;
      const matchType = str(get(o, 'matchType'));
      if ((matchType === 'intraCountryCode' || matchType === 'interCountryCode') && (str(match) !== '' || (numbers?.kind === 'array' && numbers.items.length > 0))) {
        // The UI's list of country codes for these match types: where the API keeps it is not documented, so it is not
        // guessed at; the plan is read for every other country (interCountryCode) or the site's (intraCountryCode).
        issues.push({ severity: 'warning', where: at(o, path), message: `${matchType} with a list of country codes (match or numbers): the list is not followed; the plan is read for ${matchType === 'interCountryCode' ? 'every country but the site\'s' : 'the site\'s country'}` });
      }
      return [
        {
          site: str(get(get(o, 'site'), 'name')),
          plan: {
            name: str(get(o, 'name')) || `Number plan ${k + 1}`,
            matchType: str(get(o, 'matchType')),
            match: str(match),
            numbers: numbers?.kind === 'array' ? numbers.items.map((n) => ({ start: str(get(n, 'start')), end: str(get(n, 'end')) || str(get(n, 'start')) })) : [],
            ...(dl !== undefined ? { digitLength: dl } : {}),
            normalizedFormat: str(get(o, 'normalizedFormat')),
            classification: str(get(o, 'classification')),
            priority: Number.isFinite(priority) && str(get(o, 'priority')) !== '' ? priority : k,
            state: str(get(o, 'state')),
            where: at(o, path),
            matchAt: match?.kind === 'string' ? { path: `${path}.match`, at: match.at + 1, map: match.map } : { path: `${path}.match`, at: o.at, map: [] },
          },
        },
      ];
    });
  const order = (plans: { plan: GenesysNumberPlan }[]): GenesysNumberPlan[] =>
    plans
      .map((p, i) => ({ p: p.plan, i }))
      .sort((a, b) => a.p.priority - b.p.priority || a.i - b.i)
      .map((x) => x.p);
  const sites: GenesysSite[] = [];
  const sitesNode = get(root, 'sites');
  if (sitesNode?.kind === 'array') {
    sitesNode.items.forEach((s, k) => {
      const list = get(s, 'numberPlans');
      const routes = get(s, 'outboundRoutes');
      if (routes !== undefined) issues.push({ severity: 'note', where: at(routes, `$.sites[${k}].outboundRoutes`), message: 'not carried over: outbound routes (which trunks carry each classification; a dial plan has no trunks)' });
      sites.push({
        name: str(get(s, 'name')) || `Site ${k + 1}`,
        countryCallingCode: str(get(s, 'countryCallingCode')).replace(/^\+/, ''),
        plans: order(list?.kind === 'array' ? readPlans(list.items, `$.sites[${k}].numberPlans`) : []),
      });
    });
  } else {
    const list = root.kind === 'array' ? root : get(root, 'entities');
    if (list?.kind !== 'array') {
      issues.push({ severity: 'error', where: `${file}:1:1`, message: 'not readable: expected an array of number plans, { "entities": [...] } or { "sites": [...] }' });
      return { file, text, sites: [], issues };
    }
    const plans = readPlans(list.items, root.kind === 'array' ? '$' : '$.entities');
    const names = [...new Set(plans.map((p) => p.site))];
    for (const name of names) sites.push({ name: name || 'Site', ...(name ? {} : { unnamed: true }), countryCallingCode: '', plans: order(plans.filter((p) => p.site === name)) });
  }
  for (const s of sites) {
    if (s.countryCallingCode === '' && s.plans.some((p) => p.matchType === 'intraCountryCode' || p.matchType === 'interCountryCode')) {
      issues.push({
        severity: 'warning',
        where: `${file} (site ${s.name})`,
        message: 'the answer does not say the site\'s country: intraCountryCode and interCountryCode plans are read for +1 (wrap the plans as { "sites": [{ "name", "countryCallingCode": "44", "numberPlans": [...] }] } for another)',
      });
    }
  }
  return { file, text, sites: sites.map((s) => ({ ...s, countryCallingCode: s.countryCallingCode || '1' })), issues };
}

/**
 * The dial-plan patterns of the numbers from `lo` to `hi` (digit strings of one length): `3175550000`-`3175559999` is
 * `317555XXXX`; `5100`-`5349` is `5[1-2]XX`, `53[0-4]X`.
 *
 * @param lo - the first number
 * @param hi - the last number
 * @returns the patterns, which together match exactly the range
 * @example
 * ```ts
 * rangePatterns('5100', '5349'); // ['5[1-2]XX', '53[0-4]X']
 * ```
 */
export function rangePatterns(lo: string, hi: string): string[] {
  if (lo === hi) return [lo];
  let i = 0;
  while (lo[i] === hi[i]) i++;
  const prefix = lo.slice(0, i);
  const a = Number(lo[i]);
  const b = Number(hi[i]);
  const n = lo.length - i - 1;
  const zeros = '0'.repeat(n);
  const nines = '9'.repeat(n);
  const restLo = lo.slice(i + 1);
  const restHi = hi.slice(i + 1);
  const cls = (x: number, y: number): string => (x === y ? String(x) : x === 0 && y === 9 ? 'X' : x === 1 && y === 9 ? 'Y' : x === 2 && y === 9 ? 'N' : `[${x}-${y}]`);
  const out: string[] = [];
  let from = a;
  if (restLo !== zeros) {
    out.push(...rangePatterns(restLo, nines).map((p) => `${prefix}${a}${p}`));
    from = a + 1;
  }
  const to = restHi === nines ? b : b - 1;
  if (from <= to) out.push(`${prefix}${cls(from, to)}${'X'.repeat(n)}`);
  if (restHi !== nines) out.push(...rangePatterns(zeros, restHi).map((p) => `${prefix}${b}${p}`));
  return out;
}

/** Whether a number is in a range of equal-length digit strings (the comparison Genesys Cloud makes, as modelled). */
function inRange(n: string, lo: string, hi: string): boolean {
  return n.length === lo.length && n.length === hi.length && n >= lo && n <= hi;
}

const DIGITS = /^\d+$/;

/**
 * Whether Genesys Cloud uses a number plan: its `state` is `active` (in any case), or the file gives no state (an
 * answer trimmed by hand, an older export). `inactive` and `deleted` plans, and any other state, are not tried.
 *
 * @param p - a plan as read
 * @returns true when the plan is in effect
 * @example
 * ```ts
 * readGenesysNumberPlans('[{"name":"Old","state":"inactive","matchType":"digitLength","digitLength":{"start":4,"end":4}}]', 'p.json')
 *   .sites[0]?.plans.filter(isActivePlan).length; // 0
 * ```
 */
export function isActivePlan(p: GenesysNumberPlan): boolean {
  return p.state === undefined || p.state === '' || p.state.toLowerCase() === 'active';
}

/** Most and fewest digits of a number `intraCountryCode` and `interCountryCode` take ("a total number length between 10 and 15 digits"). */
const E164_MIN_DIGITS = 10;
const E164_MAX_DIGITS = 15;

/** `prefix` (holding `used` digits) followed by any digits, for each total length from 10 to 15 digits. */
function e164Lengths(prefix: string, used: number): string[] {
  const out: string[] = [];
  for (let n = Math.max(E164_MIN_DIGITS, used); n <= E164_MAX_DIGITS; n++) out.push(prefix + 'X'.repeat(n - used));
  return out;
}

/** What a plan's match type becomes: patterns (and the regex for `regex` plans), or why it cannot be converted. */
function planPatterns(p: GenesysNumberPlan, site: GenesysSite): { patterns: string[] } | { error: string } {
  switch (p.matchType) {
    case 'numberList':
    case 'e164NumberList': {
      const plus = p.matchType === 'e164NumberList' ? '+' : '';
      const out: string[] = [];
      for (const r of p.numbers) {
        const lo = plus ? r.start.replace(/^\+/, '') : r.start;
        const hi = plus ? r.end.replace(/^\+/, '') : r.end;
        if (!DIGITS.test(lo) || !DIGITS.test(hi) || lo.length !== hi.length || lo > hi) return { error: `the range ${r.start}-${r.end} is not two digit strings of one length, in order` };
        out.push(...rangePatterns(lo, hi).map((x) => plus + x));
      }
      return { patterns: out };
    }
    case 'digitLength': {
      const d = p.digitLength;
      if (!d || !Number.isInteger(d.start) || !Number.isInteger(d.end) || d.start < 1 || d.end < d.start || d.end > 64) return { error: 'digitLength needs whole start and end from 1 to 64' };
      return { patterns: Array.from({ length: d.end - d.start + 1 }, (_, k) => 'X'.repeat(d.start + k)) };
    }
    case 'intraCountryCode':
      // A + number of the site's calling code with 10 to 15 digits in all (Genesys Cloud's number plan documentation).
      return { patterns: e164Lengths(`+${site.countryCallingCode}`, site.countryCallingCode.length) };
    case 'interCountryCode': {
      // Every + number of 10 to 15 digits that do not start with the calling code: a digit off the code's path.
      const c = site.countryCallingCode;
      const out: string[] = [];
      for (let k = 0; k < c.length; k++) {
        const others = [...'0123456789'].filter((d) => d !== c[k]).join('');
        out.push(...e164Lengths(`+${c.slice(0, k)}[${others}]`, k + 1));
      }
      return { patterns: out };
    }
    default:
      return { error: `the match type "${p.matchType}" is not one of ${GENESYS_MATCH_TYPES.join(', ')}` };
  }
}

function classificationsOf(source: GenesysSource): { list: { name: string; internal: boolean }[]; unmatched: string; of: (p: GenesysNumberPlan) => string } {
  const taken = new Set<string>();
  const list: { name: string; internal: boolean }[] = [];
  const of = (p: GenesysNumberPlan): string => p.classification || p.name;
  // Only plans in effect: an inactive plan's classification would be one that nothing gives.
  for (const s of source.sites) for (const p of s.plans) if (isActivePlan(p) && !taken.has(of(p))) list.push({ name: uniqueName(of(p), taken), internal: false });
  const unmatched = uniqueName('Unclassified', taken);
  list.push({ name: unmatched, internal: false });
  return { list, unmatched, of };
}

function siteNames(source: GenesysSource): string[] {
  const taken = new Set<string>();
  return source.sites.map((s) => uniqueName(s.name, taken));
}

function regexOf(p: GenesysNumberPlan): { parsed: ParsedRegex; whole: ParsedRegex } {
  const parsed = parseDotnetRegex(p.match, 'java');
  // Genesys matches the whole number (Java's matches()): the regex between \A and \z, positions unchanged.
  const whole: ParsedRegex = { ...parsed, root: { t: 'seq', pos: 0, items: [{ t: 'anchor', kind: 'A', pos: 0 }, parsed.root, { t: 'anchor', kind: 'z', pos: p.match.length }] } };
  return { parsed, whole };
}

function domainOf(source: GenesysSource): string {
  let d = '0123456789+';
  for (const s of source.sites) for (const p of s.plans) for (const ch of p.match + p.numbers.map((n) => n.start + n.end).join('')) if (/[*#]/.test(ch) && !d.includes(ch)) d += ch;
  return d;
}

/**
 * Converts Genesys Cloud number plans to a dial plan: a location per site, an entry per plan in priority order, classified
 * with the plan's classification; `regex` plans normalize with their `normalizedFormat`; numbers no plan matches are
 * `Unclassified` and keep their text. A plan whose `state` is not `active` ({@link isActivePlan}) is not imported: it is
 * reported (a warning) and kept as a `# NOT CONVERTED` comment where it was, as Genesys Cloud does not use it.
 *
 * @param source - what {@link readGenesysNumberPlans} read
 * @returns the plan, its YAML and the issues
 * @example
 * ```ts
 * importGenesys(readGenesysNumberPlans(json, 'plans.json')).yaml;
 * ```
 */
export function importGenesys(source: GenesysSource): ImportResult {
  const issues: MigrationIssue[] = [...source.issues];
  const { list, unmatched, of } = classificationsOf(source);
  const names = siteNames(source);
  // One location per site, even a single one the file names (a query may name it).
  const locations = source.sites.length > 1 || source.sites[0]?.unnamed !== true ? names : [];
  const domain = domainOf(source);
  const entries: ImportedEntry[] = [];
  const conversions: ImportedConversion[] = [];
  const taken = new Set<string>();
  let rebuilt = false;
  source.sites.forEach((site, k) => {
    const location = locations[k];
    // Plans that are not active are not used by Genesys Cloud: each is reported and kept as a comment where it was.
    const active = site.plans.filter(isActivePlan);
    // An export of a plan with when: conditions and input conversions: rebuild the conversions (see exportShape).
    const shape = exportShape({ ...site, plans: active });
    if (shape) {
      rebuilt = true;
      for (const f of shape.fallbacks) {
        const p = active[f] as GenesysNumberPlan;
        const { whole } = regexOf(p);
        const converted = whole.errors.length > 0 ? undefined : convertRegex(whole, p.normalizedFormat, domain, parseJavaReplacement(p.normalizedFormat, whole));
        const name = p.name.replace(/ then converted number(?: \(\d+\))?$/, '');
        if (!converted?.ok || converted.value.variants.length === 0) {
          issues.push({ severity: 'error', where: p.where, message: `"${p.name}" is not converted back into an input conversion: ${converted && !converted.ok ? (converted.problems[0]?.message ?? '') : 'its regex does not parse'}` });
          continue;
        }
        const groups: { match: string[]; template: string }[] = [];
        for (const v of converted.value.variants) {
          const last = groups[groups.length - 1];
          if (last && last.template === v.template) last.match.push(v.pattern);
          else groups.push({ match: [v.pattern], template: v.template });
        }
        for (const g of groups) conversions.push({ name, match: g.match, output: g.template, source: `${p.where} "${p.name}": ${p.match} → ${p.normalizedFormat}`, ...(location !== undefined ? { location } : {}) });
      }
    }
    const asEntries = new Set(shape ? active.slice(shape.start) : active);
    for (const p of site.plans) {
      const label = `${p.where} "${p.name}": ${p.matchType}${p.match ? ` ${p.match}` : ''}${p.normalizedFormat ? ` → ${p.normalizedFormat}` : ''} (priority ${p.priority})`;
      if (!isActivePlan(p)) {
        const why = `its state is "${p.state ?? ''}": Genesys Cloud uses active number plans only`;
        issues.push({ severity: 'warning', where: p.where, message: `"${p.name}" is not imported: ${why}` });
        entries.push({ name: p.name, classification: '', match: [], source: label, notConverted: why });
        continue;
      }
      if (!asEntries.has(p)) continue;
      const skip = (why: string, where = p.where): void => {
        issues.push({ severity: 'error', where, message: `"${p.name}" is not converted: ${why}` });
        entries.push({ name: p.name, classification: '', match: [], source: label, notConverted: why });
      };
      const base = { classification: of(p), source: label, ...(location !== undefined ? { location } : {}) };
      if (p.matchType === 'regex') {
        const { parsed, whole } = regexOf(p);
        const at = (pos: number): string => {
          const { line, column } = lineColumn(source.text, p.matchAt.map[pos] ?? p.matchAt.at);
          return `${source.file}:${line}:${column} (${p.matchAt.path}, index ${pos})`;
        };
        if (parsed.errors.length > 0) {
          skip(`its regex does not parse: ${parsed.errors[0]?.message ?? ''}`, at(parsed.errors[0]?.pos ?? 0));
          continue;
        }
        // The when: conditions dialplan's export wrote as marked look-aheads become when: again.
        const found: { when: WhenCondition; rewritten: string }[] = [];
        const root = takeConditions(whole.root, found);
        const rewritten = found.find((f) => f.rewritten !== '');
        if (rewritten) {
          skip(`its when: condition is asked of the number as input conversion rewrote it (to start ${rewritten.rewritten}); the conversion is not in this file`, at(0));
          continue;
        }
        const when = found[0]?.when;
        if (found.some((f) => JSON.stringify(f.when) !== JSON.stringify(when))) {
          skip('it holds several different when: conditions', at(0));
          continue;
        }
        const bare: ParsedRegex = { ...whole, root };
        const format = p.normalizedFormat === '' ? '$0' : p.normalizedFormat;
        const converted = convertRegex(bare, format, domain, parseJavaReplacement(format, bare));
        if (!converted.ok) {
          const first = converted.problems[0];
          skip(converted.problems.map((x) => `${x.message} (index ${x.pos})`).join('; '), first && !first.inTranslation ? at(first.pos) : p.where);
          continue;
        }
        for (const w of converted.value.warnings) issues.push({ severity: 'warning', where: at(w.pos), message: `"${p.name}": ${w.message}` });
        if (converted.value.variants.length === 0) {
          // Such as the default Network plan (SIP addresses, user@host): no telephone number of these characters.
          issues.push({ severity: 'warning', where: at(0), message: `"${p.name}" matches no number made of ${domain}; it has no entry` });
          entries.push({ name: p.name, classification: '', match: [], source: label, notConverted: `it matches no number made of ${domain}` });
          continue;
        }
        const groups: { match: string[]; template: string }[] = [];
        for (const v of converted.value.variants) {
          const last = groups[groups.length - 1];
          if (last && last.template === v.template) last.match.push(v.pattern);
          else groups.push({ match: [v.pattern], template: v.template });
        }
        for (const g of groups) entries.push({ ...base, name: uniqueName(p.name, taken), match: g.match, normalized: g.template, ...(when !== undefined ? { when } : {}) });
        continue;
      }
      const r = planPatterns(p, site);
      if ('error' in r) {
        skip(r.error);
        continue;
      }
      if (p.normalizedFormat !== '') issues.push({ severity: 'note', where: p.where, message: `"${p.name}": normalizedFormat applies to regex plans only; it is not used` });
      entries.push({ ...base, name: uniqueName(p.name, taken), match: r.patterns });
    }
  });
  const plan = {
    name: source.sites.length === 1 ? `Genesys Cloud site ${source.sites[0]?.name ?? ''}` : 'Genesys Cloud sites',
    description: '',
    classifications: list,
    locations,
    entries,
    inputConversions: conversions,
    unmatched: { classification: unmatched, dialCapable: true },
    header: [
      `Imported from Genesys Cloud number plans (${source.file}) by dialplan import --from genesys-cloud.`,
      'Each entry is a number plan, in priority order: first match wins; regex plans normalize with their normalizedFormat.',
      `A number no plan matches keeps its text (${unmatched}).`,
      ...(rebuilt
        ? ['Read as a dialplan export with when: conditions: its "... then converted number" plans are input conversions again, and the plans after the last of them are the entries (the ones before repeat them behind each conversion).']
        : []),
    ],
  };
  return { plan, yaml: writeImportedPlan(plan), issues };
}

/**
 * Where a site's plans are what `dialplan export --to genesys-cloud` writes for a plan with input conversions and `when:`
 * conditions: a block of plans per conversion ("G then E", ending with "G then converted number", which rewrites the
 * prefix), then the plan's own entries, then the unmatched plan `^(?:(?<x>.*))$`. A condition behind a conversion is
 * asked of the rewritten number, which no entry on the dialed number can ask; so the conversions are rebuilt from the
 * "then converted number" plans and the entries are read from the last block. Only a site with a marked condition
 * (dialplan's own) and this shape is read so; `--verify` compares the result with the file as Genesys Cloud reads it.
 */
function exportShape(site: GenesysSite): { readonly fallbacks: readonly number[]; readonly start: number } | undefined {
  const plans = site.plans;
  const last = plans[plans.length - 1];
  if (!last || last.matchType !== 'regex' || last.match !== '^(?:(?<x>.*))$' || last.normalizedFormat !== '${x}') return undefined;
  if (!plans.some((p) => p.matchType === 'regex' && p.match.includes('(?<dpwhen'))) return undefined;
  const fallbacks: number[] = [];
  plans.forEach((p, i) => {
    if (p.matchType === 'regex' && p.classification === last.classification && / then converted number(?: \(\d+\))?$/.test(p.name)) fallbacks.push(i);
  });
  if (fallbacks.length === 0) return undefined;
  let from = 0;
  for (const f of fallbacks) {
    const group = (plans[f] as GenesysNumberPlan).name.replace(/ then converted number(?: \(\d+\))?$/, '');
    if (plans.slice(from, f).some((p) => !p.name.startsWith(`${group} then `))) return undefined;
    from = f + 1;
  }
  return { fallbacks, start: from };
}

/**
 * The reference evaluator of Genesys Cloud number plans (see the module comment for the model).
 *
 * @param source - the sites and plans
 * @returns the evaluator (locations are the sites' names when there are several)
 * @example
 * ```ts
 * genesysReference(source).evaluate({ number: '911' }).classification; // 'Emergency'
 * ```
 */
export function genesysReference(source: GenesysSource): ReferenceEvaluator {
  const issues: MigrationIssue[] = [];
  const { unmatched, of } = classificationsOf(source);
  const names = siteNames(source);
  const domain = domainOf(source);
  type Compiled = { p: GenesysNumberPlan; regex?: { re: RegExp; js: ReturnType<typeof dotnetToJs>; pieces: readonly ReplacementPiece[]; whole: ParsedRegex } };
  const compiled: Compiled[][] = source.sites.map((s) =>
    s.plans.flatMap((p): Compiled[] => {
      if (p.matchType !== 'regex') return [{ p }];
      const { whole } = regexOf(p);
      if (whole.errors.length > 0) return [];
      if (unsafeToRun(whole.root) !== undefined) {
        issues.push({ severity: 'error', where: p.where, message: `"${p.name}" is not evaluated for --verify: nested or many unbounded repetitions could take exponential time` });
        return [];
      }
      try {
        const js = dotnetToJs(whole);
        return [{ p, regex: { re: new RegExp(js.source, 'gu'), js, pieces: parseJavaReplacement(p.normalizedFormat === '' ? '$0' : p.normalizedFormat, whole), whole } }];
      } catch (e) {
        issues.push({ severity: 'error', where: p.where, message: `"${p.name}" cannot be evaluated for --verify: ${(e as Error).message}` });
        return [];
      }
    }),
  );
  const matches = (c: Compiled, site: GenesysSite, n: string): string | undefined => {
    const p = c.p;
    switch (p.matchType) {
      case 'numberList':
        return p.numbers.some((r) => DIGITS.test(n) && inRange(n, r.start, r.end)) ? n : undefined;
      case 'e164NumberList':
        return n.startsWith('+') && p.numbers.some((r) => DIGITS.test(n.slice(1)) && inRange(n.slice(1), r.start.replace(/^\+/, ''), r.end.replace(/^\+/, ''))) ? n : undefined;
      case 'digitLength':
        return p.digitLength && DIGITS.test(n) && n.length >= p.digitLength.start && n.length <= p.digitLength.end ? n : undefined;
      case 'intraCountryCode':
        return /^\+\d{10,15}$/.test(n) && n.slice(1).startsWith(site.countryCallingCode) ? n : undefined;
      case 'interCountryCode':
        return /^\+\d{10,15}$/.test(n) && !n.slice(1).startsWith(site.countryCallingCode) ? n : undefined;
      case 'regex': {
        if (!c.regex) return undefined;
        c.regex.re.lastIndex = 0;
        if (!c.regex.re.test(n)) return undefined;
        return dotnetReplace(n, c.regex.re, c.regex.js, c.regex.pieces);
      }
      default:
        return undefined;
    }
  };
  const evaluate = (v: VerifyNumber): Outcome => {
    const k = v.location === undefined ? 0 : names.indexOf(v.location);
    const site = source.sites[k];
    for (const c of compiled[k] ?? []) {
      // Genesys Cloud tries active plans only; the others still give numbers to try (they must fall through).
      if (!isActivePlan(c.p)) continue;
      const out = site ? matches(c, site, v.number) : undefined;
      if (out !== undefined) return { classification: of(c.p), normalized: out };
    }
    return { classification: unmatched, normalized: v.number };
  };
  const numbers = (seed: number, perRule: number): VerifyNumber[] => {
    const rng = createRng(seed);
    const out: VerifyNumber[] = [];
    const digits = (len: number): string => Array.from({ length: len }, () => String(rng.int(10))).join('');
    const draw = (c: Compiled, site: GenesysSite): string | undefined => {
      const p = c.p;
      switch (p.matchType) {
        case 'numberList':
        case 'e164NumberList': {
          const r = p.numbers[rng.int(p.numbers.length)];
          if (!r) return undefined;
          const lo = r.start.replace(/^\+/, '');
          const hi = r.end.replace(/^\+/, '');
          if (!DIGITS.test(lo) || !DIGITS.test(hi) || lo.length !== hi.length) return undefined;
          const span = BigInt(hi) - BigInt(lo) + 1n;
          const pick = (BigInt(lo) + (BigInt(Math.floor(rng.next() * 2 ** 52)) * span) / 2n ** 52n).toString().padStart(lo.length, '0');
          return (p.matchType === 'e164NumberList' ? '+' : '') + pick;
        }
        case 'digitLength':
          return p.digitLength ? digits(p.digitLength.start + rng.int(Math.max(1, p.digitLength.end - p.digitLength.start + 1))) : undefined;
        case 'intraCountryCode':
          return `+${site.countryCallingCode}${digits(E164_MIN_DIGITS - site.countryCallingCode.length + rng.int(E164_MAX_DIGITS - E164_MIN_DIGITS + 1))}`;
        case 'interCountryCode':
          return `+${digits(E164_MIN_DIGITS + rng.int(E164_MAX_DIGITS - E164_MIN_DIGITS + 1))}`;
        case 'regex':
          return c.regex ? sampleRegex(c.regex.whole.root, rng, domain) : undefined;
        default:
          return undefined;
      }
    };
    const all = source.sites.flatMap((s, k) => (compiled[k] ?? []).map((c) => ({ c, s })));
    source.sites.forEach((_, k) => {
      const location = source.sites.length > 1 ? names[k] : undefined;
      for (const { c, s } of all) {
        for (let i = 0; i < perRule; i++) {
          const x = draw(c, s);
          if (x === undefined) break;
          for (const y of [x, ...mutate(x, rng, domain)]) if (inDomain(y, domain)) out.push(location === undefined ? { number: y } : { number: y, location });
        }
      }
    });
    return out;
  };
  return { evaluate, numbers, issues };
}

/** The most number plans a Genesys Cloud site has ("You can have a maximum of 200 number plans per site"). */
export const GENESYS_MAX_NUMBER_PLANS = 200;

/** One exported Genesys Cloud number plan. */
export interface GenesysNumberPlanOut {
  readonly name: string;
  readonly state: 'active';
  readonly matchType: 'regex';
  readonly match: string;
  readonly normalizedFormat: string;
  readonly classification: string;
  readonly priority: number;
}

/** What {@link exportGenesys} made: a site per location with its number plans, as JSON, and the issues. */
export interface GenesysExport {
  readonly sites: readonly { readonly name: string; readonly numberPlans: readonly GenesysNumberPlanOut[] }[];
  readonly json: string;
  readonly issues: readonly MigrationIssue[];
}

// A .NET replacement of the composed rules in Java's syntax: `$$` is `\$`, a backslash is doubled.
function toJavaReplacement(s: string): string {
  return s.replaceAll('\\', '\\\\').replaceAll('$$', '\\$');
}

/**
 * Exports a dial plan as Genesys Cloud number plans: a site per location, a `regex` plan per entry (and per input
 * conversion it follows) in priority order, classified as the plan classifies, with the plan's normalized text as
 * `normalizedFormat`; a last plan gives the unmatched classification. Written as `{ "sites": [{ "name", "numberPlans" }] }`:
 * each site's `numberPlans` is the body of `PUT .../sites/{siteId}/numberplans`.
 *
 * @param plan - the plan
 * @param options - `location`: export only that location
 * @returns the sites, their JSON and the issues
 * @example
 * ```ts
 * exportGenesys(loadDefaultDialPlan()).sites[0]?.numberPlans[0]?.matchType; // 'regex'
 * ```
 */
export function exportGenesys(plan: DialPlan, options: { readonly location?: string } = {}): GenesysExport {
  const issues: MigrationIssue[] = [];
  const locations = options.location !== undefined ? [options.location] : plan.locations.length > 0 ? [...plan.locations] : [undefined];
  const sites = locations.map((location) => {
    const drafts = composeLocation(plan, location, { classify: true, merge: false, dialect: 'java' }, issues);
    const taken = new Set<string>();
    return {
      name: location ?? plan.name,
      numberPlans: drafts.map((d, i) => ({
        name: uniqueName(d.group === 'no conversion' ? d.entry.split(' (')[0] || 'Number plan' : `${d.group.split(' (')[0]} then ${d.entry.split(' (')[0]}`, taken),
        state: 'active' as const,
        matchType: 'regex' as const,
        match: `${d.prefix}(?:${d.body})$`,
        normalizedFormat: toJavaReplacement(d.translation),
        classification: d.classification,
        priority: i,
      })),
    };
  });
  const notCarried = ['display texts, edit bases and dial strings', 'internal classifications (Genesys Cloud classifications have no such flag) and the directory (queue fields)', 'extension handling after / or ^', 'what prepare does before the rules (keypad letters, formatting characters, tel: URIs)'];
  if (plan.rules.dialPlan.some((e) => e.classifications.length > 0)) notCarried.push("further classifications (an entry's classifications: list; a number plan has one classification)");
  for (const n of notCarried) issues.push({ severity: 'note', where: plan.name, message: `not carried over: ${n}` });
  for (const s of sites) {
    if (s.numberPlans.length > GENESYS_MAX_NUMBER_PLANS) {
      issues.push({
        severity: 'error',
        where: `${plan.name}${s.name !== plan.name ? ` [${s.name}]` : ''}`,
        message: `needs ${s.numberPlans.length} number plans; Genesys Cloud accepts at most ${GENESYS_MAX_NUMBER_PLANS} in one site (split the plan into locations, or merge entries)`,
      });
    }
  }
  const note = longestRegexNote(sites.flatMap((s) => s.numberPlans.map((p) => ({ name: p.name, regex: p.match }))), 'Genesys Cloud documents no maximum length of a regex number plan');
  if (note) issues.push({ severity: 'note', where: plan.name, message: note });
  return { sites, json: JSON.stringify({ sites: sites.map((s) => ({ name: s.name, countryCallingCode: '', numberPlans: s.numberPlans })) }, null, 2) + '\n', issues };
}

/**
 * Proves a Genesys Cloud export: numbers drawn from the plan's patterns, evaluated by the Genesys reference evaluator on
 * the exported JSON (read back) and by the plan; both must give the same classification and normalized text.
 *
 * @param plan - the plan
 * @param exported - what {@link exportGenesys} made of it
 * @param options - the seed and numbers drawn per pattern
 * @returns the report
 * @example
 * ```ts
 * verifyGenesysExport(plan, exportGenesys(plan), { seed: 1, perRule: 25 }).agreement; // 100
 * ```
 */
export function verifyGenesysExport(plan: DialPlan, exported: GenesysExport, options: { readonly seed: number; readonly perRule: number }): VerifyReport {
  const reference = genesysReference(readGenesysNumberPlans(exported.json, 'export.json'));
  const rules = plan.rules;
  const rng = createRng(options.seed);
  const numbers: VerifyNumber[] = [];
  // Site k is the plan's location of that name (the plan's name for a plan without locations).
  const siteLocation = new Map(exported.sites.map((s) => [s.name, plan.locations.includes(s.name) ? s.name : undefined]));
  const several = exported.sites.length > 1;
  const domain = '0123456789+*#';
  for (const site of exported.sites) {
    const location = siteLocation.get(site.name);
    const vars = location === undefined ? {} : (rules.locations[location] ?? {});
    const values: Record<string, readonly string[]> = { ...rules.sets, ...Object.fromEntries(Object.entries(vars).map(([n, v]) => [n, [v]])) };
    for (const m of [...rules.inputConversions.flatMap((c) => c.match), ...rules.dialPlan.flatMap((e) => e.match)]) {
      for (let i = 0; i < options.perRule; i++) {
        const x = samplePattern(m, rng, domain, values);
        if (x === undefined) break;
        for (const y of [x, ...mutate(x, rng, domain)]) if (inDomain(y, domain)) numbers.push(several ? { number: y, location: site.name } : { number: y });
      }
    }
  }
  // Numbers that meet (and nearly meet) the entries' when: conditions.
  for (const site of exported.sites) {
    for (const y of conditionNumbers(plan, rng, options.perRule, domain)) if (inDomain(y, domain)) numbers.push(several ? { number: y, location: site.name } : { number: y });
  }
  const only = exported.sites[0]?.name;
  return compareOutcomes(numbers, reference.evaluate, (n) => {
    const location = siteLocation.get(n.location ?? only ?? '');
    const r = plan.query(n.number, location !== undefined ? { location } : {});
    if (!r.ok) return { classification: `!${r.error.code}`, normalized: '' };
    return { classification: r.details.defaultClassification, normalized: r.details.normalizedText };
  });
}
