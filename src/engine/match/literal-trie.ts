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
   */
  constructor(patterns: readonly TriePattern[], classes: number, accepted: (p: TriePattern) => void, maxPerNode: number) {
    this.classes = classes;
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
    this.nodes = nodes;
    this.patterns = kept.length;
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
    this.node = new Int32Array(2 * (nodes + 1));
    for (let v = 0; v <= nodes; v++) {
      this.node[2 * v] = children.start[v] as number;
      this.node[2 * v + 1] = records.start[v] as number;
    }
    this.edge = new Int32Array(2 * (nodes - 1));
    for (let i = 0; i < nodes - 1; i++) {
      const old = (children.order[i] as number) + 1;
      this.edge[2 * i] = nodeClass[old] as number;
      this.edge[2 * i + 1] = renamed[old] as number;
    }
    const count = kept.length;
    this.record = new Int32Array(5 * count);
    let tailLength = 0;
    for (const p of kept) tailLength += p.tail.length;
    this.tails = new Int32Array(tailLength);
    let offset = 0;
    for (let r = 0; r < count; r++) {
      const p = kept[records.order[r] as number] as TriePattern;
      this.record[5 * r] = p.entry;
      this.record[5 * r + 1] = p.pattern;
      this.record[5 * r + 2] = p.tail.length;
      this.record[5 * r + 3] = offset;
      for (let i = 0; i < p.tail.length; i++) this.tails[offset++] = p.tail[i] as number;
    }
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
