/**
 * Which entries of a table can ever win, decided exactly on the pattern languages.
 *
 * The semantics are those of `findFirstMatch`: an entry matches a string when one of its patterns matches the whole
 * string or, when an extension may be carried, the base before its first `/` or `^` (at index 1 or later); the first
 * entry that matches wins. One breadth-first walk over the product of the entries' automata visits every class of strings
 * the table can tell apart: each product state knows, for each entry, whether it matches the strings that end there.
 * An entry that wins in no reachable state is unreachable; one that matches where an earlier entry wins is partly shadowed.
 * The walk is breadth first, so example strings are the shortest ones.
 */
import type { CompiledPattern } from '../../match/match.js';
import type { Alphabet, TableNfa } from './nfa.js';
import { buildAlphabet, tableToNfa } from './nfa.js';

/** What lint found out about one entry of a table. */
export interface EntryReach {
  /** Whether some string makes this entry the first to match. */
  readonly reachable: boolean;
  /** Whether the entry matches any string at all. */
  readonly matchesSomething: boolean;
  /** A shortest string the entry wins, if any. */
  readonly winExample?: string;
  /** A shortest string the entry matches but an earlier entry wins, if any. */
  readonly shadowExample?: string;
  /** The earlier entries that win some string this entry matches. */
  readonly coveredBy: readonly number[];
}

/** The outcome for a table; `complete` is false when the walk hit its bound and decided nothing. */
export interface TableReach {
  readonly complete: boolean;
  readonly entries: readonly EntryReach[];
}

/** The most product states visited before lint gives up on a table (it then reports nothing rather than guess). */
export const MAX_PRODUCT_STATES = 200_000;

/**
 * Decides, for each entry of a table, whether it can win and whether earlier entries take some of its strings.
 *
 * @param entries - the table's entries, each with its compiled patterns, in priority order
 * @param carryExtensions - the modes to consider: with extension carrying (telephone numbers) and without (SIP addresses)
 * @param maxStates - the bound of the walk
 * @returns one verdict per entry
 * @example
 * ```ts
 * analyzeTable(tables.entries).entries[3].reachable; // false for an entry hidden behind earlier ones
 * ```
 */
export function analyzeTable(
  entries: readonly { readonly patterns: readonly CompiledPattern[] }[],
  carryExtensions: readonly boolean[] = [true, false],
  maxStates = MAX_PRODUCT_STATES,
): TableReach {
  const alphabet = buildAlphabet(entries.flatMap((e) => e.patterns));
  const nfa = tableToNfa(entries, alphabet);
  const wins: (string | undefined)[] = entries.map(() => undefined);
  const shadows: (string | undefined)[] = entries.map(() => undefined);
  const matches: boolean[] = entries.map(() => false);
  const covered: Set<number>[] = entries.map(() => new Set());
  // An entry with a `when:` condition takes only the numbers libphonenumber-js says meet it, which the pattern languages
  // cannot tell: it may win any string it matches, and never hides a later entry.
  const conditional = entries.map((e) => (e as { readonly rule?: { readonly when?: unknown } }).rule?.when !== undefined);
  for (const carry of carryExtensions) {
    const ok = walk(nfa, alphabet, carry, maxStates, (matching, example) => {
      let k = 0;
      for (; k < matching.length && conditional[matching[k] as number] === true; k++) {
        const e = matching[k] as number;
        matches[e] = true;
        if (wins[e] === undefined) wins[e] = example();
      }
      if (k > 0) matching = matching.slice(k);
      const winner = matching[0];
      if (winner === undefined) return;
      if (wins[winner] === undefined) wins[winner] = example();
      for (const e of matching) {
        matches[e] = true;
        if (e !== winner) {
          covered[e]?.add(winner);
          if (shadows[e] === undefined) shadows[e] = example();
        }
      }
    });
    if (!ok) return { complete: false, entries: [] };
  }
  return {
    complete: true,
    entries: entries.map((_, i) => ({
      reachable: wins[i] !== undefined,
      matchesSomething: matches[i] === true,
      ...(wins[i] !== undefined ? { winExample: wins[i] } : {}),
      ...(shadows[i] !== undefined ? { shadowExample: shadows[i] } : {}),
      coveredBy: [...(covered[i] ?? [])].sort((a, b) => a - b),
    })),
  };
}

interface Node {
  /** The NFA states alive, sorted. */
  readonly set: readonly number[];
  /** The entries whose base matched when the first separator was read (carry mode), sorted. */
  readonly frozen: readonly number[];
  /** 0: nothing read yet, 1: reading the base, 2: past the first separator (carry mode only). */
  readonly phase: 0 | 1 | 2;
  /**
   * How far the string is from being SIP-shaped: prepare reads as a SIP address (matched without extension carrying)
   * only text that holds `@` or starts with `sip:`/`sips:`. Progress through that prefix (0 to 4), 5 once it is SIP, -1
   * when the prefix failed and no `@` was read yet.
   */
  readonly sip: number;
  readonly parent: Node | undefined;
  readonly symbol: number;
}

function walk(
  g: TableNfa,
  alphabet: Alphabet,
  carry: boolean,
  maxStates: number,
  visit: (matching: readonly number[], example: () => string) => void,
): boolean {
  const hasEpsilon = g.epsilon.map((e) => e.length > 0);
  const symbolsFrom = g.symbolsFrom;
  const closure = (states: number[]): number[] => {
    // Most steps land in states without epsilon moves: then the closure is the states themselves, sorted, once each.
    if (!states.some((s) => hasEpsilon[s] === true)) {
      states.sort((a, b) => a - b);
      let w = 0;
      for (let r = 0; r < states.length; r++) if (r === 0 || states[r] !== states[w - 1]) states[w++] = states[r] as number;
      states.length = w;
      return states;
    }
    const seen = new Set<number>();
    const stack = [...states];
    while (stack.length > 0) {
      const s = stack.pop() as number;
      if (seen.has(s)) continue;
      seen.add(s);
      for (const t of g.epsilon[s] ?? []) stack.push(t);
    }
    return [...seen].sort((a, b) => a - b);
  };
  const accepting = (set: readonly number[]): number[] => {
    // Mostly no state of the set accepts, or one does: no Set needed for those.
    let only: readonly number[] | undefined;
    let several = false;
    for (const s of set) {
      const a = g.acceptOf[s] as readonly number[];
      if (a.length === 0) continue;
      if (only === undefined) only = a;
      else several = true;
    }
    if (only === undefined) return [];
    if (!several) return only.slice();
    const out = new Set<number>();
    for (const s of set) for (const e of g.acceptOf[s] ?? []) out.add(e);
    return [...out].sort((a, b) => a - b);
  };
  // Visited product states, by a number hashed from what tells them apart, then compared: no key string per state.
  const hashOf = (n: Pick<Node, 'set' | 'frozen' | 'phase' | 'sip'>): number => {
    let h = n.phase * 16 + n.sip + 1;
    for (const s of n.frozen) h = Math.imul(h ^ s, 0x9e3779b1);
    h = Math.imul(h ^ 0x5bd1e995, 0x85ebca6b);
    for (const s of n.set) h = Math.imul(h ^ s, 0x9e3779b1);
    return h;
  };
  const sameArray = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  const sameNode = (a: Node, b: Node): boolean => a.phase === b.phase && a.sip === b.sip && sameArray(a.set, b.set) && sameArray(a.frozen, b.frozen);
  const visited = new Map<number, Node[]>();
  let visitedCount = 0;
  /** Records a node unless an equal one was; false when it was. */
  const firstVisit = (n: Node): boolean => {
    const h = hashOf(n);
    const bucket = visited.get(h);
    if (bucket?.some((o) => sameNode(o, n))) return false;
    if (bucket) bucket.push(n);
    else visited.set(h, [n]);
    visitedCount++;
    return true;
  };
  const sepSymbols = new Set([alphabet.symbolOf('/'), alphabet.symbolOf('^')]);
  const example = (n: Node): string => {
    const out: string[] = [];
    for (let c: Node | undefined = n; c?.parent; c = c.parent) out.push(alphabet.sample(c.symbol));
    return out.reverse().join('');
  };
  const at = alphabet.symbolOf('@');
  const [sS, sI, sP] = [...'sip'].map((c) => alphabet.symbolOf(c));
  const colon = alphabet.symbolOf(':');
  // The SIP-shape automaton: "sip:" or "sips:" as a prefix, or an "@" anywhere.
  const sipNext = (state: number, sym: number): number => {
    if (state === 5 || sym === at) return 5;
    if (state === -1) return -1;
    if (state === 0) return sym === sS ? 1 : -1;
    if (state === 1) return sym === sI ? 2 : -1;
    if (state === 2) return sym === sP ? 3 : -1;
    if (state === 3) return sym === colon ? 5 : sym === sS ? 4 : -1;
    return sym === colon ? 5 : -1;
  };

  const start: Node = { set: closure([g.start]), frozen: [], phase: 0, sip: 0, parent: undefined, symbol: -1 };
  // Which strings this walk answers for: prepare reads SIP-shaped text as a SIP address (matched whole, no extension
  // carried), so the walk with extension carrying counts only the strings that are not SIP-shaped, the other one only
  // those that are.
  const counts = (n: Node): boolean => (carry ? n.sip !== 5 : n.sip === 5);
  firstVisit(start);
  const queue: Node[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const n = queue[head] as Node;
    // The empty string never reaches a table (prepare rejects it), so the start state is not visited as an end.
    if (n.phase !== 0 && counts(n)) {
      const matching = n.frozen.length === 0 ? accepting(n.set) : [...new Set([...n.frozen, ...accepting(n.set)])].sort((a, b) => a - b);
      visit(matching, () => example(n));
    }
    // Where each symbol leads from the node's states, gathered from the states' own transitions (a literal's state has
    // one symbol, an X's ten) rather than by asking every state about every symbol.
    const movedBy: (number[] | undefined)[] = new Array<number[] | undefined>(alphabet.size);
    for (const s of n.set) {
      const row = g.next[s] as readonly (readonly number[] | undefined)[];
      for (const sym of symbolsFrom[s] as readonly number[]) {
        const list = (movedBy[sym] ??= []);
        for (const t of row[sym] ?? []) list.push(t);
      }
    }
    // Symbols that lead to the same states (the ten digits under an X) make the same child: only the first is worked out.
    // Siblings are told apart by a number hashed from what makes the child, then compared (no string per symbol).
    const siblings = new Map<number, { readonly separates: boolean; readonly sip: number; readonly moved: readonly number[] }[]>();
    for (let sym = 0; sym < alphabet.size; sym++) {
      let phase: Node['phase'] = n.phase === 0 ? 1 : n.phase;
      let frozen = n.frozen;
      const separates = carry && n.phase === 1 && sepSymbols.has(sym);
      if (separates) {
        // The first separator after at least one character: the base ends here.
        frozen = accepting(n.set);
        phase = 2;
      }
      const moved = movedBy[sym] ?? [];
      // Once every entry is dead and no base matched, no longer string can match anything new.
      if (moved.length === 0 && frozen.length === 0) continue;
      const sip = sipNext(n.sip, sym);
      // A SIP-shaped string stays SIP-shaped however it goes on: nothing below it counts for the walk with carrying.
      if (carry && sip === 5) continue;
      let h = (separates ? 1 : 2) * 8 + sip + 1;
      for (const t of moved) h = Math.imul(h ^ t, 0x9e3779b1);
      const same = siblings.get(h);
      if (same?.some((o) => o.separates === separates && o.sip === sip && o.moved.length === moved.length && o.moved.every((t, i) => t === moved[i]))) continue;
      if (same) same.push({ separates, sip, moved: moved.slice() });
      else siblings.set(h, [{ separates, sip, moved: moved.slice() }]);
      const set = moved.length === 0 ? [] : closure(moved);
      // Once every entry is dead and no base matched, no longer string can match anything new.
      if (set.length === 0 && frozen.length === 0) continue;
      const child: Node = { set, frozen, phase, sip, parent: n, symbol: sym };
      if (visitedCount >= maxStates) {
        // The bound: only a state never seen before would exceed it.
        const bucket = visited.get(hashOf(child));
        if (bucket?.some((o) => sameNode(o, child))) continue;
        return false;
      }
      if (!firstVisit(child)) continue;
      queue.push(child);
    }
  }
  return true;
}
