/**
 * The part of a table that a DFA handles worst and a trie handles best: fixed-length patterns that start with literal
 * characters (a DID list of exact numbers, one entry per exchange `+1317555XXXX`). Their literal prefixes share one trie;
 * each pattern hangs off the node where its prefix ends, with the fixed-length tail still to check (`XXXX`). A query walks
 * the trie once along the number, checking at each node it passes only the tails of exactly the length left, so a table of
 * 100 000 such entries costs one walk of at most the number's length, whatever the entry count. Everything is stored in
 * flat typed arrays: nothing is built while answering.
 */

/** A pattern given to the trie: its literal prefix as character classes, then its tail as a list of class-set ids. */
export interface TriePattern {
  readonly entry: number;
  readonly pattern: number;
  readonly prefix: readonly number[];
  readonly tail: readonly number[];
}

/** What a {@link LiteralTrie} is made of: flat arrays, so that a precompiled plan can store the trie and load it as it is. */
export interface TrieArrays {
  readonly classes: number;
  readonly nodes: number;
  readonly patterns: number;
  /** Per node and one past the last, [first edge, first record]. */
  readonly node: Int32Array;
  /** Per edge, [class read, node reached]; a node's edges lead to nodes numbered after it. */
  readonly edge: Int32Array;
  /** Per record, [entry, pattern, tail length, tail offset, capture layout]. */
  readonly record: Int32Array;
  /** Class-set ids of the tails, end to end. */
  readonly tails: Int32Array;
}

/** Every match the trie found for one text, for callers that must try candidates in order (conditions such as `when:`). */
export interface TrieHits {
  /** (entry, pattern, 1 for the whole text or 0 for the base) triples, in walk order. */
  readonly list: number[];
}

/**
 * A trie of literal prefixes with fixed-length tails. After {@link LiteralTrie.run}, `wholeEntry`/`wholePattern` hold the
 * lowest (entry, pattern) matching the whole text (entry + 1; 0 for none), `baseEntry`/`basePattern` the same for the
 * text before its extension.
 */
export class LiteralTrie {
  wholeEntry = 0;
  wholePattern = 0;
  /** The capture layout of the whole-text winner (see {@link LiteralTrie.setLayouts}). */
  wholeLayout = 0;
  baseEntry = 0;
  basePattern = 0;
  baseLayout = 0;
  /** Nodes of the trie, the root included. */
  readonly nodes: number;
  /** Patterns held. */
  readonly patterns: number;
  /** Per node, its first edge and its first record; node v's ranges end where node v + 1's begin. */
  private readonly node: Int32Array;
  /** Per edge, the class it reads and the node it leads to. */
  private readonly edge: Int32Array;
  /**
   * Per record (a pattern hanging off a node), [entry, pattern, tail length, tail offset, capture layout]: one cache line
   * holds all a winner needs, where separate arrays would cost a trip to memory each in a large plan.
   */
  private readonly record: Int32Array;
  private readonly tails: Int32Array;
  /** Class sets, `classes` bytes each: 1 where the set holds the class (see {@link LiteralTrie.useSets}). */
  private sets: Uint8Array = new Uint8Array(0);
  private readonly classes: number;

  /**
   * Builds the trie. A pattern whose prefix ends at a node that already holds `maxPerNode` patterns is left out (the
   * caller gives it to the DFA), so that no node makes a query check more than that many tails.
   *
   * @param patterns - the candidates, in table order
   * @param classes - the number of character classes
   * @param accepted - called for each pattern the trie keeps
   * @param maxPerNode - the most patterns one node keeps
   * @returns the trie
   */
  static build(patterns: readonly TriePattern[], classes: number, accepted: (p: TriePattern) => void, maxPerNode: number): LiteralTrie {
    // One insertion per prefix character. A node's children are a linked list (first child, next sibling) in growable
    // typed arrays: no per-node object and no hashing, and a list is at most as long as the number of classes.
    // At most one node per prefix character: allocated once, so the insertion loop reads plain local arrays.
    let capacity = 1;
    for (const p of patterns) capacity += p.prefix.length;
    const firstChild = new Int32Array(capacity).fill(-1);
    const nextSibling = new Int32Array(capacity).fill(-1);
    const nodeClass = new Uint16Array(capacity);
    const parent = new Int32Array(capacity);
    const perNode = new Uint8Array(capacity);
    const recordNode: number[] = [];
    const kept: TriePattern[] = [];
    const most = Math.min(maxPerNode, 255);
    let nodes = 1;
    for (const p of patterns) {
      let node = 0;
      const prefix = p.prefix;
      for (let d = 0; d < prefix.length; d++) {
        const c = prefix[d] as number;
        let next = firstChild[node] as number;
        while (next >= 0 && nodeClass[next] !== c) next = nextSibling[next] as number;
        if (next < 0) {
          next = nodes++;
          nodeClass[next] = c;
          parent[next] = node;
          nextSibling[next] = firstChild[node] as number;
          firstChild[node] = next;
        }
        node = next;
      }
      if ((perNode[node] as number) >= most) continue;
      perNode[node] = (perNode[node] as number) + 1;
      recordNode.push(node);
      kept.push(p);
      accepted(p);
    }
    // Nodes renumbered in depth-first order, so that a chain of single children (the tail of an exact number) lies in
    // consecutive slots: a walk down a 100 000-entry trie then touches a few cache lines rather than one per character.
    const renamed = new Int32Array(nodes);
    const stack = new Int32Array(nodes);
    let sp = 0;
    let next = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const v = stack[--sp] as number;
      renamed[v] = next++;
      for (let c = firstChild[v] as number; c >= 0; c = nextSibling[c] as number) stack[sp++] = c;
    }
    // Children and records grouped by node (a counting sort over typed arrays).
    const group = (owners: Int32Array): { start: Int32Array; order: Int32Array } => {
      const start = new Int32Array(nodes + 1);
      for (let i = 0; i < owners.length; i++) {
        const at = (owners[i] as number) + 1;
        start[at] = (start[at] as number) + 1;
      }
      for (let v = 0; v < nodes; v++) start[v + 1] = (start[v + 1] as number) + (start[v] as number);
      const fill = start.slice(0, nodes);
      const out = new Int32Array(owners.length);
      for (let i = 0; i < owners.length; i++) {
        const o = owners[i] as number;
        out[fill[o] as number] = i;
        fill[o] = (fill[o] as number) + 1;
      }
      return { start, order: out };
    };
    // Edge i - 1 leads to old node i; edges are grouped by their parent's new number.
    const edgeOwners = new Int32Array(nodes - 1);
    for (let i = 1; i < nodes; i++) edgeOwners[i - 1] = renamed[parent[i] as number] as number;
    const children = group(edgeOwners);
    const records = group(Int32Array.from(recordNode, (v) => renamed[v] as number));
    // Per node, [first edge, first record] side by side (the next node's pair ends both ranges); per edge, [class, node].
    const nodeInfo = new Int32Array(2 * (nodes + 1));
    for (let v = 0; v <= nodes; v++) {
      nodeInfo[2 * v] = children.start[v] as number;
      nodeInfo[2 * v + 1] = records.start[v] as number;
    }
    const edge = new Int32Array(2 * (nodes - 1));
    for (let i = 0; i < nodes - 1; i++) {
      const old = (children.order[i] as number) + 1;
      edge[2 * i] = nodeClass[old] as number;
      edge[2 * i + 1] = renamed[old] as number;
    }
    const count = kept.length;
    const record = new Int32Array(5 * count);
    // Equal tails are stored once (every entry of `+1317XXXXXXX` shape has the same `XXXX`): fewer bytes, and the tails a
    // query checks stay in cache.
    const tailAt = new Map<string, number>();
    const tailList: number[] = [];
    for (let r = 0; r < count; r++) {
      const p = kept[records.order[r] as number] as TriePattern;
      const key = p.tail.join(',');
      let at = tailAt.get(key);
      if (at === undefined) {
        at = tailList.length;
        tailAt.set(key, at);
        for (const t of p.tail) tailList.push(t);
      }
      record[5 * r] = p.entry;
      record[5 * r + 1] = p.pattern;
      record[5 * r + 2] = p.tail.length;
      record[5 * r + 3] = at;
    }
    const tails = Int32Array.from(tailList);
    return new LiteralTrie({ classes, nodes, patterns: count, node: nodeInfo, edge, record, tails });
  }

  /**
   * A trie from its arrays: those {@link LiteralTrie.build} made, or a stored copy of them ({@link LiteralTrie.arrays}) that
   * {@link checkTrieArrays} has found well formed.
   *
   * @param a - the trie's arrays
   */
  constructor(a: TrieArrays) {
    this.classes = a.classes;
    this.nodes = a.nodes;
    this.patterns = a.patterns;
    this.node = a.node;
    this.edge = a.edge;
    this.record = a.record;
    this.tails = a.tails;
  }

  /**
   * The arrays the trie is made of, for a precompiled plan to store; {@link LiteralTrie}'s constructor takes them back.
   *
   * @returns the arrays (shared, not copied)
   */
  arrays(): TrieArrays {
    return { classes: this.classes, nodes: this.nodes, patterns: this.patterns, node: this.node, edge: this.edge, record: this.record, tails: this.tails };
  }

  /**
   * Walks the trie along a text given as character classes.
   *
   * @param cls - the class of each character of the text
   * @param n - the text's length
   * @param sep - where the extension starts, or -1: a pattern then also matches the text before it
   * @param hits - when given, every match is added to it
   */
  run(cls: Uint16Array, n: number, sep: number, hits: TrieHits | null): void {
    this.wholeEntry = 0;
    this.baseEntry = 0;
    const info = this.node;
    const edge = this.edge;
    let node = 0;
    for (let d = 0; ; d++) {
      const at = 2 * node;
      if ((info[at + 1] as number) < (info[at + 3] as number)) this.check(node, d, cls, n, sep, hits);
      if (d === n) return;
      const c = cls[d] as number;
      const end = 2 * (info[at + 2] as number);
      let next = -1;
      for (let i = 2 * (info[at] as number); i < end; i += 2) {
        if (edge[i] === c) {
          next = edge[i + 1] as number;
          break;
        }
      }
      if (next < 0) return;
      node = next;
    }
  }

  /** Checks the tails hanging off `node`, reached after `d` characters. */
  private check(node: number, d: number, cls: Uint16Array, n: number, sep: number, hits: TrieHits | null): void {
    const end = this.node[2 * node + 3] as number;
    for (let r = this.node[2 * node + 1] as number; r < end; r++) {
      const length = this.record[5 * r + 2] as number;
      const whole = d + length === n;
      const base = sep > 0 && d + length === sep;
      if (!whole && !base) continue;
      if (!this.tailFits(r, d, length, cls)) continue;
      const e = this.record[5 * r] as number;
      const p = this.record[5 * r + 1] as number;
      if (hits !== null) hits.list.push(e, p, whole ? 1 : 0);
      if (whole) {
        if (this.wholeEntry === 0 || e + 1 < this.wholeEntry || (e + 1 === this.wholeEntry && p < this.wholePattern)) {
          this.wholeEntry = e + 1;
          this.wholePattern = p;
          this.wholeLayout = this.record[5 * r + 4] as number;
        }
      } else if (this.baseEntry === 0 || e + 1 < this.baseEntry || (e + 1 === this.baseEntry && p < this.basePattern)) {
        this.baseEntry = e + 1;
        this.basePattern = p;
        this.baseLayout = this.record[5 * r + 4] as number;
      }
    }
  }

  private tailFits(r: number, d: number, length: number, cls: Uint16Array): boolean {
    const at = this.record[5 * r + 3] as number;
    const k = this.classes;
    for (let i = 0; i < length; i++) {
      if (this.sets[(this.tails[at + i] as number) * k + (cls[d + i] as number)] !== 1) return false;
    }
    return true;
  }

  /**
   * Stores with each record the capture layout of its pattern, as the caller numbers layouts.
   *
   * @param layoutOf - the layout of an entry's pattern
   */
  setLayouts(layoutOf: (entry: number, pattern: number) => number): void {
    for (let r = 0; r < this.patterns; r++) this.record[5 * r + 4] = layoutOf(this.record[5 * r] as number, this.record[5 * r + 1] as number);
  }

  /**
   * Gives the trie the table of class sets its tails refer to, once every set of the table is numbered.
   *
   * @param sets - `classes` bytes per set
   * @returns the trie
   */
  useSets(sets: Uint8Array): this {
    this.sets = sets;
    return this;
  }
}

/**
 * Whether stored trie arrays are well formed: every range in bounds, every edge leading forward, every record naming a
 * pattern that exists and a tail inside the tails. A precompiled plan is checked by its checksum; this check is what keeps
 * a file crafted to pass it from sending a query out of bounds.
 *
 * @param a - the arrays
 * @param patternsOf - how many patterns the entry at an index has (-1 past the last entry)
 * @param setCount - how many class sets the table has
 * @returns whether a {@link LiteralTrie} may be made of them
 * @example
 * ```ts
 * checkTrieArrays(trie.arrays(), (e) => entries[e]?.patterns.length ?? -1, sets); // true
 * ```
 */
export function checkTrieArrays(a: TrieArrays, patternsOf: (entry: number) => number, setCount: number): boolean {
  const { nodes, patterns, node, edge, record, tails, classes } = a;
  if (!Number.isInteger(nodes) || nodes < 1 || !Number.isInteger(patterns) || patterns < 0 || classes < 1) return false;
  if (node.length !== 2 * (nodes + 1) || edge.length !== 2 * (nodes - 1) || record.length !== 5 * patterns) return false;
  if (node[0] !== 0 || node[1] !== 0 || node[2 * nodes] !== nodes - 1 || node[2 * nodes + 1] !== patterns) return false;
  for (let v = 0; v < nodes; v++) {
    const e0 = node[2 * v] as number;
    const e1 = node[2 * v + 2] as number;
    if (e1 < e0 || (node[2 * v + 3] as number) < (node[2 * v + 1] as number)) return false;
    for (let i = e0; i < e1; i++) {
      const c = edge[2 * i] as number;
      const to = edge[2 * i + 1] as number;
      if (c < 0 || c >= classes || to <= v || to >= nodes) return false;
    }
  }
  for (let r = 0; r < patterns; r++) {
    const count = patternsOf(record[5 * r] as number);
    const p = record[5 * r + 1] as number;
    const length = record[5 * r + 2] as number;
    const at = record[5 * r + 3] as number;
    if (count < 0 || p < 0 || p >= count || length < 0 || at < 0 || at + length > tails.length) return false;
  }
  for (let i = 0; i < tails.length; i++) if ((tails[i] as number) < 0 || (tails[i] as number) >= setCount) return false;
  return true;
}
