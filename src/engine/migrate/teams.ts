/**
 * Microsoft Teams tenant dial plans: read as `Get-CsTenantDialPlan | ConvertTo-Json -Depth 5` prints them (or the CSV of
 * `Export-Csv` of their normalization rules), converted to a dial plan, and evaluated as Teams does for `--verify`
 * (ordered rules, the first whose .NET regex matches wins, its translation applied as `Regex.Replace` applies it).
 * No `node:` imports.
 */
import type { ParsedRegex, ReplacementPiece, JsRegex, RegexNode } from './dotnet-regex.js';
import { dotnetReplace, dotnetToJs, parseDotnetRegex, parseReplacement } from './dotnet-regex.js';
import type { ImportedEntry, ImportResult, MigrationIssue } from './imported-plan.js';
import { uniqueName, writeImportedPlan } from './imported-plan.js';
import { convertRegex } from './regex-to-pattern.js';
import type { PositionedJson } from './source-text.js';
import { lineColumn, parsePositionedCsv, parsePositionedJson, SourceSyntaxError } from './source-text.js';
import type { Outcome, VerifyNumber } from './verify.js';
import { createRng, inDomain, mutate, sampleRegex, unsafeToRun } from './verify.js';
import { takeConditions } from './when-regex.js';
import type { WhenCondition } from '../types.js';

/** Where a value of the source sits: the text offsets of its characters and a readable path. */
interface Located {
  readonly value: string;
  readonly path: string;
  readonly at: number;
  readonly map: readonly number[];
}

/** One normalization rule of a Teams dial plan, as read. */
export interface TeamsRule {
  readonly name: string;
  readonly description: string;
  readonly pattern: string;
  readonly translation: string;
  readonly isInternalExtension: boolean;
  /** The 0-based index of the rule in its dial plan (its priority: first match wins). */
  readonly index: number;
  /** @internal Where its pattern and translation are in the file. */
  readonly located: { readonly pattern: Located; readonly translation: Located; readonly rule: string };
}

/** A Teams tenant dial plan, as read. */
export interface TeamsDialPlan {
  /** The SimpleName (or the Identity without `Tag:`). */
  readonly name: string;
  readonly description: string;
  readonly rules: readonly TeamsRule[];
  readonly externalAccessPrefix?: string;
  /** `file:line:column (JSON path)` of the dial plan (of its first rule in a list of rules or a CSV). */
  readonly where?: string;
  readonly optimizeDeviceDialing?: boolean;
}

/** What {@link readTeamsDialPlans} read, and the problems that kept parts of the file out. */
export interface TeamsSource {
  readonly file: string;
  readonly text: string;
  readonly plans: readonly TeamsDialPlan[];
  readonly issues: readonly MigrationIssue[];
}

/** The most normalization rules a Teams tenant dial plan may hold. */
export const TEAMS_MAX_RULES = 50;

const where = (text: string, file: string, l: Located, index?: number): string => {
  const offset = index === undefined ? l.at : (l.map[index] ?? l.at);
  const { line, column } = lineColumn(text, offset);
  return `${file}:${line}:${column} (${l.path}${index === undefined ? '' : `, index ${index}`})`;
};

/**
 * Reads Teams tenant dial plans from JSON (`ConvertTo-Json` of one dial plan, an array of them, or an array of rules) or
 * from CSV (`Export-Csv` of the normalization rules: `Name`, `Description`, `Pattern`, `Translation`,
 * `IsInternalExtension`, and optionally `Priority` and `Identity` / `Parent` naming the dial plan). Never throws.
 *
 * @param text - the file's text
 * @param file - the file name, for positions
 * @returns the dial plans and the problems
 * @example
 * ```ts
 * readTeamsDialPlans('{"SimpleName":"Redmond","NormalizationRules":[]}', 'plan.json').plans[0]?.name; // 'Redmond'
 * ```
 */
export function readTeamsDialPlans(text: string, file: string): TeamsSource {
  const issues: MigrationIssue[] = [];
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  try {
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      const root = parsePositionedJson(text);
      const plans = fromJson(root, text, file, issues);
      // Neither a dial plan nor a rule anywhere: another kind of JSON (a Genesys Cloud export given to --from teams).
      if (!/"(NormalizationRules|Pattern)"\s*:/i.test(text)) {
        issues.push({ severity: 'error', where: `${file}:1:1`, message: 'not readable: no NormalizationRules or Pattern (expected Get-CsTenantDialPlan | ConvertTo-Json -Depth 5)' });
      }
      return { file, text, plans, issues };
    }
    return { file, text, plans: fromCsv(text, file, issues), issues };
  } catch (e) {
    if (e instanceof SourceSyntaxError) {
      const { line, column } = lineColumn(text, e.offset);
      issues.push({ severity: 'error', where: `${file}:${line}:${column}`, message: `not readable: ${e.message}` });
      return { file, text, plans: [], issues };
    }
    throw e;
  }
}

/**
 * Windows PowerShell 5.1's `ConvertTo-Json` writes some arrays (an array given as `-InputObject` or held in a variable,
 * through the `Count` property its type data adds) as `{ "value": [...], "Count": n }`: that object is read as its array.
 */
function unwrapPsArray(o: PositionedJson): PositionedJson {
  if (o.kind !== 'object') return o;
  const keys = [...o.entries.keys()].map((k) => k.toLowerCase());
  const value = [...o.entries].find(([k]) => k.toLowerCase() === 'value')?.[1];
  return value?.kind === 'array' && keys.includes('count') && keys.length === 2 ? value : o;
}

function fromJson(root: PositionedJson, text: string, file: string, issues: MigrationIssue[]): TeamsDialPlan[] {
  const get = (o: PositionedJson, key: string): PositionedJson | undefined => {
    if (o.kind !== 'object') return undefined;
    for (const [k, v] of o.entries) if (k.toLowerCase() === key.toLowerCase()) return v;
    return undefined;
  };
  const str = (o: PositionedJson | undefined): string => (o?.kind === 'string' ? o.value : o && o.kind !== 'object' && o.kind !== 'array' && o.value !== null ? String(o.value) : '');
  const located = (o: PositionedJson | undefined, path: string, fallbackAt: number): Located =>
    o?.kind === 'string' ? { value: o.value, path, at: o.at + 1, map: o.map } : { value: str(o), path, at: o?.at ?? fallbackAt, map: [] };
  const readRules = (list: readonly PositionedJson[], base: string): TeamsRule[] => {
    const rules: TeamsRule[] = [];
    list.forEach((r, index) => {
      const path = `${base}[${index}]`;
      if (r.kind !== 'object') {
        const { line, column } = lineColumn(text, r.at);
        issues.push({ severity: 'error', where: `${file}:${line}:${column} (${path})`, message: 'this rule is not an object (was ConvertTo-Json given -Depth 5?); it is not converted' });
        return;
      }
      const pattern = located(get(r, 'Pattern'), `${path}.Pattern`, r.at);
      const translation = located(get(r, 'Translation'), `${path}.Translation`, r.at);
      const internal = get(r, 'IsInternalExtension');
      rules.push({
        name: str(get(r, 'Name')) || `Rule ${index + 1}`,
        description: str(get(r, 'Description')),
        pattern: pattern.value,
        translation: translation.value,
        isInternalExtension: internal?.kind === 'boolean' ? internal.value === true : /^true$/i.test(str(internal)),
        index,
        located: { pattern, translation, rule: path },
      });
    });
    return rules;
  };
  const readPlan = (o: PositionedJson, path: string, k: number): TeamsDialPlan | undefined => {
    const identity = str(get(o, 'Identity'));
    const name = str(get(o, 'SimpleName')) || identity.replace(/^Tag:/i, '') || `Dial plan ${k + 1}`;
    const found = get(o, 'NormalizationRules');
    const rulesNode = found === undefined ? undefined : unwrapPsArray(found);
    if (found === undefined && o.kind === 'object') {
      const { line, column } = lineColumn(text, o.at);
      issues.push({ severity: 'warning', where: `${file}:${line}:${column} (${path})`, message: `${name} has no NormalizationRules: it becomes a location without entries` });
    }
    let rules: TeamsRule[] = [];
    if (rulesNode?.kind === 'array') rules = readRules(rulesNode.items, `${path}.NormalizationRules`);
    else if (rulesNode?.kind === 'object') rules = readRules([rulesNode], `${path}.NormalizationRules`);
    else if (rulesNode !== undefined && rulesNode.kind !== 'null') {
      const { line, column } = lineColumn(text, rulesNode.at);
      issues.push({ severity: 'error', where: `${file}:${line}:${column} (${path}.NormalizationRules)`, message: 'NormalizationRules is not a list of rules (was ConvertTo-Json given -Depth 5?); none is converted' });
    }
    const prefix = str(get(o, 'ExternalAccessPrefix'));
    const optimize = get(o, 'OptimizeDeviceDialing');
    const at = lineColumn(text, o.at);
    return {
      name,
      where: `${file}:${at.line}:${at.column} (${path})`,
      description: str(get(o, 'Description')),
      rules,
      ...(prefix !== '' ? { externalAccessPrefix: prefix } : {}),
      ...(optimize?.kind === 'boolean' ? { optimizeDeviceDialing: optimize.value === true } : {}),
    };
  };
  const isRule = (o: PositionedJson): boolean => o.kind === 'object' && get(o, 'Pattern') !== undefined && get(o, 'NormalizationRules') === undefined;
  // A list of rules (ConvertTo-Json of the rules themselves, as Get-CsVoiceNormalizationRule prints them): each names its
  // dial plan in Identity (`Tag:Chicago/Rule1`) or Parent and may give its Priority, as the CSV form does.
  const byDialPlan = (items: readonly PositionedJson[]): TeamsDialPlan[] => {
    const rules = readRules(items, '$');
    const groups = new Map<string, { rule: TeamsRule; priority: number; order: number }[]>();
    items.forEach((item, k) => {
      const rule = rules[k];
      if (!rule) return;
      const identity = str(get(item, 'Identity'));
      const parent = str(get(item, 'Parent')) || (identity.includes('/') ? identity.slice(0, identity.lastIndexOf('/')) : '') || 'Teams';
      const list = groups.get(parent) ?? [];
      groups.set(parent, list);
      const given = str(get(item, 'Priority'));
      const priority = Number(given);
      list.push({ rule, priority: given !== '' && Number.isFinite(priority) ? priority : list.length, order: list.length });
    });
    return [...groups].map(([parent, list]) => ({
      name: parent.replace(/^Tag:/i, ''),
      description: '',
      rules: [...list].sort((a, b) => a.priority - b.priority || a.order - b.order).map((x, index) => ({ ...x.rule, index })),
    }));
  };
  root = unwrapPsArray(root);
  if (root.kind === 'array') {
    if (root.items.length > 0 && root.items.every(isRule)) return byDialPlan(root.items);
    return root.items.flatMap((o, k) => {
      const p = readPlan(o, `$[${k}]`, k);
      return p ? [p] : [];
    });
  }
  if (isRule(root)) return [{ name: 'Teams', description: '', rules: readRules([root], '$') }];
  const p = readPlan(root, '$', 0);
  return p ? [p] : [];
}

function fromCsv(text: string, file: string, issues: MigrationIssue[]): TeamsDialPlan[] {
  const { header, records } = parsePositionedCsv(text);
  const col = (name: string): number => header.findIndex((h) => h.value.trim().toLowerCase() === name.toLowerCase());
  const [cName, cDesc, cPattern, cTrans, cInternal, cPriority, cIdentity, cParent] = ['Name', 'Description', 'Pattern', 'Translation', 'IsInternalExtension', 'Priority', 'Identity', 'Parent'].map(col);
  if (cPattern === undefined || cPattern < 0 || cTrans === undefined || cTrans < 0) {
    issues.push({ severity: 'error', where: `${file}:1:1`, message: 'the CSV has no Pattern and Translation columns (Export-Csv of the NormalizationRules)' });
    return [];
  }
  const groups = new Map<string, { rule: Omit<TeamsRule, 'index'>; priority: number; order: number }[]>();
  records.forEach((r, k) => {
    const cell = (c: number | undefined): string => (c === undefined || c < 0 ? '' : (r[c]?.value ?? ''));
    const loc = (c: number, what: string): Located => {
      const v = r[c];
      return { value: v?.value ?? '', path: `record ${k + 1}, ${what}`, at: v?.at ?? 0, map: v?.map ?? [] };
    };
    const identity = cell(cIdentity);
    const parent = cell(cParent) || (identity.includes('/') ? identity.slice(0, identity.lastIndexOf('/')) : '') || 'Teams';
    const name = cell(cName) || (identity.includes('/') ? identity.slice(identity.lastIndexOf('/') + 1) : '') || `Rule ${k + 1}`;
    const list = groups.get(parent) ?? [];
    groups.set(parent, list);
    const priority = Number(cell(cPriority));
    list.push({
      rule: {
        name,
        description: cell(cDesc),
        pattern: cell(cPattern),
        translation: cell(cTrans),
        isInternalExtension: /^true$/i.test(cell(cInternal).trim()),
        located: { pattern: loc(cPattern, 'Pattern'), translation: loc(cTrans, 'Translation'), rule: `record ${k + 1}` },
      },
      priority: cell(cPriority) !== '' && Number.isFinite(priority) ? priority : list.length,
      order: list.length,
    });
  });
  return [...groups].map(([parent, list]) => ({
    name: parent.replace(/^Tag:/i, ''),
    description: '',
    rules: [...list].sort((a, b) => a.priority - b.priority || a.order - b.order).map((x, index) => ({ ...x.rule, index })),
  }));
}

/**
 * The characters numbers are drawn from: digits and `+`, and every other printable character a rule names explicitly
 * (`*`, `#`, `/`, the letters of `sip:`), never through `.`, a negated class or a shorthand.
 *
 * @param source - the dial plans
 * @returns the characters
 * @example
 * ```ts
 * teamsDomain(readTeamsDialPlans('[{"Pattern":"^\\*(\\d{2})$","Translation":"$1"}]', 'x.json')); // '0123456789+*'
 * ```
 */
export function teamsDomain(source: TeamsSource): string {
  let domain = '0123456789+';
  const visit = (n: RegexNode): void => {
    if (n.t === 'set' && !n.set.negate && !n.set.dot) {
      for (const it of n.set.items) {
        if (!('lo' in it) || it.hi - it.lo > 64) continue;
        for (let c = Math.max(it.lo, 0x21); c <= Math.min(it.hi, 0x7e); c++) if (!domain.includes(String.fromCharCode(c))) domain += String.fromCharCode(c);
      }
    } else if (n.t === 'seq') n.items.forEach(visit);
    else if (n.t === 'alt') n.options.forEach(visit);
    else if (n.t === 'group' || n.t === 'repeat' || n.t === 'look') visit(n.body);
  };
  for (const p of source.plans) for (const r of p.rules) visit(parseDotnetRegex(r.pattern).root);
  return domain;
}

/** The classification names of a source's rules: the rule name, unique, and ` (internal)` when one name is used both ways. */
function classificationsOf(source: TeamsSource): { byRule: Map<TeamsRule, string>; list: { name: string; internal: boolean; description?: string }[]; unmatched: string } {
  const byRule = new Map<TeamsRule, string>();
  const list: { name: string; internal: boolean; description?: string }[] = [];
  const index = new Map<string, { name: string; internal: boolean }>();
  const taken = new Set<string>();
  for (const p of source.plans) {
    for (const r of p.rules) {
      const key = `${r.name}\u0000${r.isInternalExtension}`;
      let c = index.get(key);
      if (!c) {
        c = { name: uniqueName(r.name, taken), internal: r.isInternalExtension };
        index.set(key, c);
        list.push(r.description !== '' ? { ...c, description: r.description } : c);
      }
      byRule.set(r, c.name);
    }
  }
  const unmatched = uniqueName('Not normalized', taken);
  list.push({ name: unmatched, internal: false, description: 'no normalization rule matched: Teams dials the number as it is' });
  return { byRule, list, unmatched };
}

/**
 * Converts Teams dial plans to a dial plan: each rule becomes one or more entries (a pattern per way the regex can match
 * when its templates differ) whose classification is the rule's name (internal when `IsInternalExtension`) and whose
 * normalized text is its translation; numbers no rule matches keep their text (classification `Not normalized`). Several
 * dial plans become one location each. Every rule or construct that cannot be expressed is an issue with its position.
 *
 * @param source - what {@link readTeamsDialPlans} read
 * @returns the plan, its YAML and the issues
 * @example
 * ```ts
 * importTeams(readTeamsDialPlans(json, 'tenant.json')).yaml;
 * ```
 */
export function importTeams(source: TeamsSource): ImportResult {
  const { file, text } = source;
  const issues: MigrationIssue[] = [...source.issues];
  const domain = teamsDomain(source);
  const { byRule, list, unmatched } = classificationsOf(source);
  // One location per dial plan, even a single one (a query may name it).
  const locations = uniqueNames(source.plans.map((p) => p.name));
  const entries: ImportedEntry[] = [];
  const names = new Set<string>();
  source.plans.forEach((plan, k) => {
    const location = locations[k];
    const at = (l: Located, i?: number): string => where(text, file, l, i);
    // Where the dial plan is: its object, or its first rule (a list of rules, a CSV), with its name.
    const first = plan.rules[0];
    const planAt = `${plan.where?.replace(/\)$/, `, ${plan.name})`) ?? (first ? `${at(first.located.pattern).replace(/ \(.*\)$/, '')} (${plan.name})` : `${file} (${plan.name})`)}`;
    if (plan.rules.length > TEAMS_MAX_RULES) {
      issues.push({ severity: 'note', where: planAt, message: `${plan.rules.length} rules: more than Teams accepts in one dial plan (${TEAMS_MAX_RULES}); all are converted` });
    }
    if (plan.externalAccessPrefix !== undefined || plan.optimizeDeviceDialing) {
      issues.push({ severity: 'warning', where: planAt, message: `ExternalAccessPrefix "${plan.externalAccessPrefix ?? ''}" / OptimizeDeviceDialing is a client dialing option with no dial-plan counterpart; it is not carried over` });
    }
    for (const rule of plan.rules) {
      const parsed = parseDotnetRegex(rule.pattern);
      const label = `${rule.located.rule} "${rule.name}": ${rule.pattern} → ${rule.translation}${rule.isInternalExtension ? ' (IsInternalExtension)' : ''}`;
      const skip = (why: string): void => {
        entries.push({ name: rule.name, classification: '', match: [], source: `${at(rule.located.pattern)}\n${label}`, notConverted: why });
      };
      if (parsed.errors.length > 0) {
        for (const e of parsed.errors) issues.push({ severity: 'error', where: at(rule.located.pattern, e.pos), message: `"${rule.name}" is not converted: its pattern does not parse: ${e.message}` });
        skip(`its pattern does not parse: ${parsed.errors[0]?.message ?? ''}`);
        continue;
      }
      // The when: conditions dialplan's export wrote as marked look-aheads become when: again.
      const found: { when: WhenCondition; rewritten: string }[] = [];
      const bare: ParsedRegex = { ...parsed, root: takeConditions(parsed.root, found) };
      const when = found[0]?.when;
      const rewritten = found.find((f) => f.rewritten !== '');
      if (rewritten || found.some((f) => JSON.stringify(f.when) !== JSON.stringify(when))) {
        const why = rewritten
          ? `its when: condition is asked of the number as an input conversion rewrote it (to start ${rewritten.rewritten}), which no entry on the dialed number can ask`
          : 'it holds several different when: conditions';
        issues.push({ severity: 'error', where: at(rule.located.pattern), message: `"${rule.name}" is not converted: ${why}` });
        skip(why);
        continue;
      }
      const converted = convertRegex(bare, rule.translation, domain);
      if (!converted.ok) {
        for (const p of converted.problems) {
          issues.push({ severity: 'error', where: at(p.inTranslation ? rule.located.translation : rule.located.pattern, p.pos), message: `"${rule.name}" is not converted: ${p.message}` });
        }
        skip(converted.problems.map((p) => `${p.message} (${p.inTranslation ? 'translation' : 'pattern'} index ${p.pos})`).join('; '));
        continue;
      }
      if (converted.value.variants.length === 0) {
        issues.push({ severity: 'warning', where: at(rule.located.pattern), message: `"${rule.name}" matches no number made of ${domain}; it has no entry` });
        skip(`it matches no number made of ${domain}`);
        continue;
      }
      for (const w of converted.value.warnings) issues.push({ severity: 'warning', where: at(rule.located.pattern, w.pos), message: `"${rule.name}": ${w.message}` });
      // Consecutive variants with the same template are one entry; a new template starts a new entry, keeping the order.
      const groups: { match: string[]; template: string }[] = [];
      for (const v of converted.value.variants) {
        const last = groups[groups.length - 1];
        if (last && last.template === v.template) last.match.push(v.pattern);
        else groups.push({ match: [v.pattern], template: v.template });
      }
      groups.forEach((g, gi) => {
        entries.push({
          name: uniqueName(rule.name, names),
          classification: byRule.get(rule) as string,
          match: g.match,
          normalized: g.template,
          ...(when !== undefined ? { when } : {}),
          source: `${at(rule.located.pattern)}${groups.length > 1 ? ` (part ${gi + 1} of ${groups.length})` : ''}\n${label}`,
          ...(location !== undefined ? { location } : {}),
        });
      });
    }
  });
  const planName = source.plans.length === 1 ? (source.plans[0]?.name ?? 'Teams') : 'Teams tenant dial plans';
  const plan = {
    name: planName,
    description: source.plans.length === 1 ? (source.plans[0]?.description ?? '') : '',
    classifications: list,
    locations,
    entries,
    unmatched: { classification: unmatched, dialCapable: true },
    header: [
      `Imported from Microsoft Teams (${file}) by dialplan import --from teams.`,
      'Each entry is a normalization rule: first match wins, classification = the rule name, normalized = its translation.',
      `Numbers are read over the characters ${domain}; a number no rule matches keeps its text (${unmatched}).`,
    ],
  };
  return { plan, yaml: writeImportedPlan(plan), issues };
}

function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((n) => uniqueName(n, taken));
}

/** A Teams rule ready to evaluate with JavaScript. */
interface EvaluableRule {
  readonly rule: TeamsRule;
  readonly classification: string;
  readonly regex: RegExp;
  readonly js: JsRegex;
  readonly pieces: readonly ReplacementPiece[];
  readonly parsed: ParsedRegex;
}

/** The reference evaluator of Teams normalization, and what it could not evaluate. */
export interface TeamsReference {
  /** What Teams does with a number in a location (the dial plan of that name; the only one when there is one). */
  evaluate(n: VerifyNumber): Outcome;
  /** Rules that the evaluator cannot run (a .NET construct JavaScript has no counterpart for), with positions. */
  readonly issues: readonly MigrationIssue[];
  /** Numbers drawn from the rules' patterns (and near misses), over the domain, seeded. */
  numbers(seed: number, perRule: number): VerifyNumber[];
}

/**
 * The reference evaluator of Teams normalization for `--verify`: rules in order, the first whose pattern matches wins, the
 * number becomes `Regex.Replace(number, Pattern, Translation)` (.NET semantics, see dotnet-regex.ts for the dialect
 * differences handled); no match leaves the number as it is.
 *
 * @param source - the dial plans
 * @param classifications - the classification of each rule and of "no match" (as the import names them)
 * @returns the evaluator
 * @example
 * ```ts
 * teamsReference(source).evaluate({ number: '1234' }).normalized; // '+14255551234'
 * ```
 */
export function teamsReference(source: TeamsSource, classifications?: { byRule: ReadonlyMap<TeamsRule, string>; unmatched: string }): TeamsReference {
  const names = classifications ?? classificationsOf(source);
  const issues: MigrationIssue[] = [];
  const domain = teamsDomain(source);
  const locations: readonly (string | undefined)[] = source.plans.length > 1 ? uniqueNames(source.plans.map((p) => p.name)) : [undefined];
  const compiled = source.plans.map((plan) =>
    plan.rules.flatMap((rule): EvaluableRule[] => {
      const parsed = parseDotnetRegex(rule.pattern);
      if (parsed.errors.length > 0) return [];
      const unsafe = unsafeToRun(parsed.root);
      if (unsafe !== undefined) {
        issues.push({ severity: 'error', where: where(source.text, source.file, rule.located.pattern, unsafe), message: `"${rule.name}" is not evaluated for --verify: nested or many unbounded repetitions could take exponential time` });
        return [];
      }
      try {
        const js = dotnetToJs(parsed);
        return [{ rule, classification: names.byRule.get(rule) ?? rule.name, regex: new RegExp(js.source, 'gu'), js, pieces: parseReplacement(rule.translation, parsed), parsed }];
      } catch (e) {
        issues.push({ severity: 'error', where: where(source.text, source.file, rule.located.pattern), message: `"${rule.name}" cannot be evaluated for --verify: ${(e as Error).message}` });
        return [];
      }
    }),
  );
  const evaluate = (n: VerifyNumber): Outcome => {
    const k = n.location === undefined ? 0 : locations.indexOf(n.location);
    for (const r of compiled[k] ?? []) {
      r.regex.lastIndex = 0;
      if (!r.regex.test(n.number)) continue;
      const out = dotnetReplace(n.number, r.regex, r.js, r.pieces);
      if (out !== undefined) return { classification: r.classification, normalized: out };
    }
    return { classification: names.unmatched, normalized: n.number };
  };
  const numbers = (seed: number, perRule: number): VerifyNumber[] => {
    const rng = createRng(seed);
    const out: VerifyNumber[] = [];
    const all = compiled.flatMap((rules) => rules);
    compiled.forEach((_, k) => {
      const location = locations[k];
      // Every rule of every dial plan is sampled in every location: a number of one site is tried at the others too.
      for (const r of all) {
        for (let s = 0; s < perRule; s++) {
          const x = sampleRegex(r.parsed.root, rng, domain);
          if (x === undefined) break;
          for (const y of [x, ...mutate(x, rng, domain)]) if (inDomain(y, domain)) out.push(location === undefined ? { number: y } : { number: y, location });
        }
      }
    });
    return out;
  };
  return { evaluate, issues, numbers };
}

/**
 * The classification names an import of this source gives (for {@link teamsReference}).
 *
 * @param source - the dial plans
 * @returns each rule's classification and the one of numbers no rule matches
 * @example
 * ```ts
 * teamsClassifications(source).unmatched; // 'Not normalized'
 * ```
 */
export function teamsClassifications(source: TeamsSource): { readonly byRule: ReadonlyMap<TeamsRule, string>; readonly unmatched: string } {
  const { byRule, unmatched } = classificationsOf(source);
  return { byRule, unmatched };
}
