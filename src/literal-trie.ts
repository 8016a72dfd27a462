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
  baseEntry = 0;
  basePattern = 0;
  /** Nodes of the trie, the root included. */
  readonly nodes: number;
  /** Patterns held. */
  readonly patterns: number;
  private readonly childStart: Int32Array;
  private readonly edgeClass: Uint16Array;
  private readonly edgeTo: Int32Array;
  private readonly recordStart: Int32Array;
  private readonly recordEntry: Int32Array;
  private readonly recordPattern: Int32Array;
  private readonly recordLength: Int32Array;
  private readonly recordTail: Int32Array;
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
    // Children and records grouped by node (a counting sort over typed arrays), each group in creation order.
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
    // Node v > 0 is the child end of edge v - 1.
    const children = group(parent.subarray(1, nodes));
    this.childStart = children.start;
    this.edgeClass = new Uint16Array(nodes - 1);
    this.edgeTo = new Int32Array(nodes - 1);
    for (let i = 0; i < nodes - 1; i++) {
      const edge = children.order[i] as number;
      this.edgeClass[i] = nodeClass[edge + 1] as number;
      this.edgeTo[i] = edge + 1;
    }
    const records = group(Int32Array.from(recordNode));
    this.recordStart = records.start;
    const count = kept.length;
    this.recordEntry = new Int32Array(count);
    this.recordPattern = new Int32Array(count);
    this.recordLength = new Int32Array(count);
    this.recordTail = new Int32Array(count);
    let tailLength = 0;
    for (const p of kept) tailLength += p.tail.length;
    this.tails = new Int32Array(tailLength);
    let offset = 0;
    for (let r = 0; r < count; r++) {
      const p = kept[records.order[r] as number] as TriePattern;
      this.recordEntry[r] = p.entry;
      this.recordPattern[r] = p.pattern;
      this.recordLength[r] = p.tail.length;
      this.recordTail[r] = offset;
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
    const childStart = this.childStart;
    const edgeClass = this.edgeClass;
    const recordStart = this.recordStart;
    let node = 0;
    for (let d = 0; ; d++) {
      if ((recordStart[node] as number) < (recordStart[node + 1] as number)) this.check(node, d, cls, n, sep, hits);
      if (d === n) return;
      const c = cls[d] as number;
      const end = childStart[node + 1] as number;
      let next = -1;
      for (let i = childStart[node] as number; i < end; i++) {
        if (edgeClass[i] === c) {
          next = this.edgeTo[i] as number;
          break;
        }
      }
      if (next < 0) return;
      node = next;
    }
  }

  /** Checks the tails hanging off `node`, reached after `d` characters. */
  private check(node: number, d: number, cls: Uint16Array, n: number, sep: number, hits: TrieHits | null): void {
    const end = this.recordStart[node + 1] as number;
    for (let r = this.recordStart[node] as number; r < end; r++) {
      const length = this.recordLength[r] as number;
      const whole = d + length === n;
      const base = sep > 0 && d + length === sep;
      if (!whole && !base) continue;
      if (!this.tailFits(r, d, length, cls)) continue;
      const e = this.recordEntry[r] as number;
      const p = this.recordPattern[r] as number;
      if (hits !== null) hits.list.push(e, p, whole ? 1 : 0);
      if (whole) {
        if (this.wholeEntry === 0 || e + 1 < this.wholeEntry || (e + 1 === this.wholeEntry && p < this.wholePattern)) {
          this.wholeEntry = e + 1;
          this.wholePattern = p;
        }
      } else if (this.baseEntry === 0 || e + 1 < this.baseEntry || (e + 1 === this.baseEntry && p < this.basePattern)) {
        this.baseEntry = e + 1;
        this.basePattern = p;
      }
    }
  }

  private tailFits(r: number, d: number, length: number, cls: Uint16Array): boolean {
    const at = this.recordTail[r] as number;
    const k = this.classes;
    for (let i = 0; i < length; i++) {
      if (this.sets[(this.tails[at + i] as number) * k + (cls[d + i] as number)] !== 1) return false;
    }
    return true;
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

  /** About how many bytes the trie holds. */
  get bytes(): number {
    return (
      this.childStart.byteLength +
      this.edgeClass.byteLength +
      this.edgeTo.byteLength +
      this.recordStart.byteLength +
      this.recordEntry.byteLength * 5 +
      this.tails.byteLength +
      this.sets.byteLength
    );
  }
}
