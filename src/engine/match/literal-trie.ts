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
  /** The nodes, packed (see the class). */
  readonly t: Int32Array;
  /** Class-set ids of the tails, end to end. */
  readonly tails: Int32Array;
}

/** Items of a record: entry, pattern, tail length, tail offset, capture layout. */
const RECORD = 5;
/** The edge count of a node whose children are kept one slot per class (-1 where there is none). */
const DENSE = -1;
/**
 * A first item below {@link DENSE} starts a chain: `-1 - L` for a run of L nodes that each have one child and no record
 * (the digits of an exact number below the point where it parts from the others), kept as their L classes with the node
 * they lead to right after them. A walk compares the run in one loop, and the run costs one item a character where
 * single-child nodes cost four: a DID list's trie is about half the size, and a query reads fewer cache lines.
 */
const isChain = (first: number): boolean => first < DENSE;
/** The classes a chain node holds, from its first item. */
const chainLength = (first: number): number => -1 - first;

/** Whether a node of `children` children keeps them one slot per class: when that takes no more room than pairs. */
const isDense = (children: number, classes: number): boolean => children > 0 && 2 * children >= classes;
/** The items a node of `children` children spends on its edges. */
const edgeSpan = (children: number, classes: number): number => (isDense(children, classes) ? classes : 2 * children);
/** The items a node spends on its edges, from its first item (its edge count, or {@link DENSE}). */
const nodeEdgeSpan = (first: number, classes: number): number => (first === DENSE ? classes : 2 * first);

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
  /** Nodes stored, the root included; a chain of single children counts once. */
  readonly nodes: number;
  /** Patterns held. */
  readonly patterns: number;
  /**
   * The nodes, end to end in the order `layOut` gives (the large subtrees' nodes level by level, then each small subtree
   * depth first; a child always after its parent), each `[edge count E, record count R, E × (class, offset of the child),
   * R × (entry, pattern, tail length, tail offset, capture layout)]` (a node with many children keeps one slot per class
   * instead of pairs: E is then {@link DENSE}), or a chain `[-1 - L, L classes]` followed by the node it leads to (see
   * {@link isChain}). A node, its edges and its records share cache lines, and a run of single children (the digits of
   * an exact number after its exchange) is one chain in one line.
   */
  private readonly t: Int32Array;
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
    const childCount = new Int32Array(nodes);
    for (let i = 1; i < nodes; i++) childCount[parent[i] as number] = (childCount[parent[i] as number] as number) + 1;
    const { order, grouped } = layOut(nodes, firstChild, nextSibling, parent, (v) => 2 + edgeSpan(childCount[v] as number, classes) + RECORD * (perNode[v] as number));
    // A node with one child and no record joins a chain; the chain starts at the first such node below one that is not,
    // and its single children follow one another in depth-first order, so the node a chain leads to comes right after it.
    // Only inside the groups the layout keeps together, then: above them, a child is not stored next to its parent.
    const inChain = (v: number): boolean => grouped[v] === 1 && childCount[v] === 1 && perNode[v] === 0;
    // A node with many children (an exchange's ten digits) keeps them by class, one slot per class: a step is one read
    // instead of a scan; a node with few keeps (class, child) pairs. Dense when that is no larger.
    const offset = new Int32Array(nodes);
    let size = 0;
    let stored = 0;
    for (let k = 0; k < nodes; k++) {
      const v = order[k] as number;
      offset[v] = size;
      if (inChain(v)) {
        // The chain's first node holds one class per node of the run; the others take no room of their own.
        if (v === 0 || !inChain(parent[v] as number)) {
          let length = 0;
          for (let u = v; inChain(u); u = firstChild[u] as number) length++;
          size += 1 + length;
          stored++;
        }
        continue;
      }
      size += 2 + edgeSpan(childCount[v] as number, classes) + RECORD * (perNode[v] as number);
      stored++;
    }
    const t = new Int32Array(size);
    for (let v = 0; v < nodes; v++) {
      const o = offset[v] as number;
      if (inChain(v)) {
        if (v === 0 || !inChain(parent[v] as number)) {
          let length = 0;
          for (let u = v; inChain(u); u = firstChild[u] as number) t[o + 1 + length++] = nodeClass[firstChild[u] as number] as number;
          t[o] = -1 - length;
        }
        continue;
      }
      const c = childCount[v] as number;
      const dense = isDense(c, classes);
      t[o] = dense ? DENSE : c;
      t[o + 1] = perNode[v] as number;
      if (dense) t.fill(-1, o + 2, o + 2 + classes);
    }
    const fill = new Int32Array(nodes);
    for (let i = 1; i < nodes; i++) {
      const p = parent[i] as number;
      // A chain holds its classes already, and the node after it is found by position.
      if (inChain(p)) continue;
      if (isDense(childCount[p] as number, classes)) {
        t[(offset[p] as number) + 2 + (nodeClass[i] as number)] = offset[i] as number;
        continue;
      }
      const slot = (offset[p] as number) + 2 + 2 * (fill[p] as number);
      fill[p] = (fill[p] as number) + 1;
      t[slot] = nodeClass[i] as number;
      t[slot + 1] = offset[i] as number;
    }
    fill.fill(0);
    const count = kept.length;
    // Equal tails are stored once (every entry of `+1317XXXXXXX` shape has the same `XXXX`): fewer bytes, and the tails a
    // query checks stay in cache. Records keep table order within their node.
    const tailAt = new Map<string, number>();
    const tailList: number[] = [];
    for (let r = 0; r < count; r++) {
      const p = kept[r] as TriePattern;
      const key = p.tail.length === 0 ? '' : p.tail.join(',');
      let at = tailAt.get(key);
      if (at === undefined) {
        at = tailList.length;
        tailAt.set(key, at);
        for (const c of p.tail) tailList.push(c);
      }
      const v = recordNode[r] as number;
      const slot = (offset[v] as number) + 2 + edgeSpan(childCount[v] as number, classes) + RECORD * (fill[v] as number);
      fill[v] = (fill[v] as number) + 1;
      t[slot] = p.entry;
      t[slot + 1] = p.pattern;
      t[slot + 2] = p.tail.length;
      t[slot + 3] = at;
    }
    return new LiteralTrie({ classes, nodes: stored, patterns: count, t, tails: Int32Array.from(tailList) });
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
    this.t = a.t;
    this.tails = a.tails;
  }

  /**
   * The arrays the trie is made of, for a precompiled plan to store; {@link LiteralTrie}'s constructor takes them back.
   *
   * @returns the arrays (shared, not copied)
   */
  arrays(): TrieArrays {
    return { classes: this.classes, nodes: this.nodes, patterns: this.patterns, t: this.t, tails: this.tails };
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
    const t = this.t;
    const k = this.classes;
    let o = 0;
    let d = 0;
    for (;;) {
      const edges = t[o] as number;
      if (edges < DENSE) {
        // A chain: its classes one after the other, then the node it leads to. No record lies inside it.
        const last = o + chainLength(edges);
        for (let i = o + 1; i <= last; i++, d++) if (d === n || t[i] !== cls[d]) return;
        o = last + 1;
        continue;
      }
      const records = t[o + 1] as number;
      if (records > 0) this.check(o + 2 + (edges === DENSE ? k : 2 * edges), records, d, cls, n, sep, hits);
      if (d === n) return;
      const c = cls[d] as number;
      let next = -1;
      if (edges === DENSE) {
        next = t[o + 2 + c] as number;
      } else {
        const end = o + 2 + 2 * edges;
        for (let i = o + 2; i < end; i += 2) {
          if (t[i] === c) {
            next = t[i + 1] as number;
            break;
          }
        }
      }
      if (next < 0) return;
      o = next;
      d++;
    }
  }

  /** Checks the `count` records at `at`, whose prefixes end after `d` characters. */
  private check(at: number, count: number, d: number, cls: Uint16Array, n: number, sep: number, hits: TrieHits | null): void {
    const t = this.t;
    for (let r = at, end = at + RECORD * count; r < end; r += RECORD) {
      const e = t[r] as number;
      if (hits === null) {
        // Records keep table order: once one comes from an entry after the best match so far (whole or base), so do the
        // rest, and none can win (a later copy of an exchange's entry, shadowed by the first).
        const w = this.wholeEntry;
        const b = this.baseEntry;
        // The best so far counts entries from 1 (0: none); entry e is after it when e + 1 > best.
        if (w + b !== 0 && e >= Math.min(w || b, b || w)) return;
      }
      const length = t[r + 2] as number;
      const whole = d + length === n;
      const base = sep > 0 && d + length === sep;
      if (!whole && !base) continue;
      if (!this.tailFits(t[r + 3] as number, d, length, cls)) continue;
      const p = t[r + 1] as number;
      if (hits !== null) hits.list.push(e, p, whole ? 1 : 0);
      if (whole) {
        if (this.wholeEntry === 0 || e + 1 < this.wholeEntry || (e + 1 === this.wholeEntry && p < this.wholePattern)) {
          this.wholeEntry = e + 1;
          this.wholePattern = p;
          this.wholeLayout = t[r + 4] as number;
        }
      } else if (this.baseEntry === 0 || e + 1 < this.baseEntry || (e + 1 === this.baseEntry && p < this.basePattern)) {
        this.baseEntry = e + 1;
        this.basePattern = p;
        this.baseLayout = t[r + 4] as number;
      }
    }
  }

  private tailFits(at: number, d: number, length: number, cls: Uint16Array): boolean {
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
    const t = this.t;
    for (let o = 0; o < t.length; ) {
      if (isChain(t[o] as number)) {
        o += 1 + chainLength(t[o] as number);
        continue;
      }
      const span = nodeEdgeSpan(t[o] as number, this.classes);
      const records = t[o + 1] as number;
      for (let r = o + 2 + span, end = r + RECORD * records; r < end; r += RECORD) t[r + 4] = layoutOf(t[r] as number, t[r + 1] as number);
      o += 2 + span + RECORD * records;
    }
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

/** The most items a subtree may take and still be laid out as one group (1 KB: a page holds a few). */
const GROUP_ITEMS = 256;

/**
 * The order in which a trie's nodes are stored. A walk reads one node per level; what it costs is how many of those
 * nodes are in cache. Depth-first order keeps each small subtree together (a number's last digits, the exchanges of an
 * area code), but spreads the upper levels, which every query reads, over the whole table: a 100 000-entry trie's
 * third-level nodes each sit on a page of their own. So the nodes whose subtree is large come first, level by level,
 * packed into a few hundred kilobytes that stay in cache; each small subtree below them follows as one group in
 * depth-first order, where a query reads a few neighbouring lines. A trie that is small altogether is one group.
 *
 * @param nodes - the number of nodes; node 0 is the root
 * @param firstChild - each node's first child, or -1
 * @param nextSibling - each node's next sibling, or -1
 * @param parent - each node's parent
 * @param itemsOf - the items a node takes
 * @returns the nodes in storage order, and 1 for each node inside a group
 */
function layOut(
  nodes: number,
  firstChild: Int32Array,
  nextSibling: Int32Array,
  parent: Int32Array,
  itemsOf: (v: number) => number,
): { order: Int32Array; grouped: Uint8Array } {
  const order = new Int32Array(nodes);
  const stack = new Int32Array(nodes);
  // Depth-first first: children always come after their parent, so one backward pass adds up the subtrees.
  let sp = 0;
  let next = 0;
  stack[sp++] = 0;
  while (sp > 0) {
    const v = stack[--sp] as number;
    order[next++] = v;
    for (let c = firstChild[v] as number; c >= 0; c = nextSibling[c] as number) stack[sp++] = c;
  }
  const subtree = new Float64Array(nodes);
  for (let k = nodes - 1; k >= 0; k--) {
    const v = order[k] as number;
    subtree[v] = (subtree[v] as number) + itemsOf(v);
    if (v !== 0) subtree[parent[v] as number] = (subtree[parent[v] as number] as number) + (subtree[v] as number);
  }
  const grouped = new Uint8Array(nodes);
  if ((subtree[0] as number) <= GROUP_ITEMS) return { order, grouped: grouped.fill(1) };
  // The large nodes level by level (order doubles as the queue), then each group under them, depth first.
  const large = (v: number): boolean => (subtree[v] as number) > GROUP_ITEMS;
  let head = 0;
  next = 0;
  order[next++] = 0;
  while (head < next) {
    const v = order[head++] as number;
    for (let c = firstChild[v] as number; c >= 0; c = nextSibling[c] as number) if (large(c)) order[next++] = c;
  }
  const largeCount = next;
  for (let i = 0; i < largeCount; i++) {
    const v = order[i] as number;
    for (let g = firstChild[v] as number; g >= 0; g = nextSibling[g] as number) {
      if (large(g)) continue;
      sp = 0;
      stack[sp++] = g;
      while (sp > 0) {
        const u = stack[--sp] as number;
        order[next++] = u;
        grouped[u] = 1;
        for (let c = firstChild[u] as number; c >= 0; c = nextSibling[c] as number) stack[sp++] = c;
      }
    }
  }
  return { order, grouped };
}

/**
 * The node table of a trie as a precompiled plan stores it: each child given by its distance from its parent's start
 * (a few items on for a chain's next node: a small number, where its absolute place is a large one). A copy;
 * {@link readTrieArrays} turns it back.
 *
 * @param a - the trie's arrays ({@link LiteralTrie.arrays})
 * @returns the copy of `t`
 * @example
 * ```ts
 * JSON.stringify(Array.from(relativeTrieArrays(trie.arrays())));
 * ```
 */
export function relativeTrieArrays(a: TrieArrays): Int32Array {
  const { classes } = a;
  const out = a.t.slice();
  for (let o = 0; o < out.length; ) {
    const first = out[o] as number;
    if (isChain(first)) {
      o += 1 + chainLength(first);
      continue;
    }
    const span = nodeEdgeSpan(first, classes);
    if (first === DENSE) {
      for (let i = o + 2; i < o + 2 + span; i++) if ((out[i] as number) !== -1) out[i] = (out[i] as number) - o;
    } else {
      for (let i = o + 3; i < o + 2 + span; i += 2) out[i] = (out[i] as number) - o;
    }
    o += 2 + span + RECORD * (out[o + 1] as number);
  }
  return out;
}

/**
 * Makes stored trie arrays usable, checking them as it goes: the node table as a precompiled plan keeps it, each child
 * given by its distance from its parent (small numbers, short text; see `snapshotAutomaton`), becomes the table a walk
 * reads, with absolute offsets and each record's capture layout filled in. Undefined when anything is out of shape: a
 * range out of bounds, an edge that does not lead forward to a node, a record naming a pattern that does not exist or a
 * tail outside the tails. A precompiled plan is checked by its checksum; this is what keeps a file crafted to pass it
 * from sending a query out of bounds.
 *
 * One pass over the table, because it runs while a plan loads, before any of it is hot: an edge always leads forward,
 * so every edge into a node has been seen when the walk reaches that node, and counting the distinct targets that turn
 * out to be node starts proves them all.
 *
 * The table's patterns are numbered end to end, entry by entry: entry e's pattern p is number `patternBase[e] + p`, and
 * its capture layout is `layouts` at that number. Plain arrays rather than callbacks: this loop runs before anything is
 * optimised, where each call costs as much as the rest of a record's check.
 *
 * @param a - the arrays, `t` relative as stored; `t` is changed in place
 * @param patternBase - where each entry's patterns start in the numbering (checked: from 0, never decreasing)
 * @param layouts - each pattern's capture layout, one per pattern of the table
 * @param setCount - how many class sets the table has
 * @returns the arrays for {@link LiteralTrie}'s constructor, or undefined
 * @example
 * ```ts
 * const arrays = readTrieArrays({ classes, nodes, patterns, t: unpackInts(text, 0), tails }, patternBase, spanAt, sets);
 * ```
 */
export function readTrieArrays(a: TrieArrays, patternBase: Int32Array, layouts: Int32Array, setCount: number): TrieArrays | undefined {
  const { nodes, patterns, t, tails, classes } = a;
  if (!Number.isInteger(nodes) || nodes < 1 || !Number.isInteger(patterns) || patterns < 0 || classes < 1 || t.length === 0) return undefined;
  for (let i = 0; i < tails.length; i++) if ((tails[i] as number) < 0 || (tails[i] as number) >= setCount) return undefined;
  const size = t.length;
  const entries = patternBase.length;
  const total = layouts.length;
  // 1 where some edge leads; `targets` counts those places, `reached` the ones that were node starts.
  const into = new Uint8Array(size);
  let targets = 0;
  let reached = 0;
  let count = 0;
  let records = 0;
  let o = 0;
  while (o < size) {
    const first = t[o] as number;
    if (into[o] === 1) reached++;
    count++;
    if (isChain(first)) {
      // Its classes, then the node it leads to, which must start right after it.
      const next = o + 1 + chainLength(first);
      if (next >= size) return undefined;
      for (let i = o + 1; i < next; i++) if ((t[i] as number) < 0 || (t[i] as number) >= classes) return undefined;
      if (into[next] === 0) (into[next] = 1), targets++;
      o = next;
      continue;
    }
    const recs = o + 1 < size ? (t[o + 1] as number) : -1;
    if (!(first >= DENSE && recs >= 0)) return undefined;
    const span = nodeEdgeSpan(first, classes);
    const end = o + 2 + span + RECORD * recs;
    if (end > size) return undefined;
    records += recs;
    if (first === DENSE) {
      for (let i = o + 2; i < o + 2 + span; i++) {
        const d = t[i] as number;
        if (d === -1) continue;
        if (d <= 0 || o + d >= size) return undefined;
        t[i] = o + d;
        if (into[o + d] === 0) (into[o + d] = 1), targets++;
      }
    } else {
      for (let i = o + 2; i < o + 2 + span; i += 2) {
        const c = t[i] as number;
        const d = t[i + 1] as number;
        if (c < 0 || c >= classes || d <= 0 || o + d >= size) return undefined;
        t[i + 1] = o + d;
        if (into[o + d] === 0) (into[o + d] = 1), targets++;
      }
    }
    for (let r = o + 2 + span; r < end; r += RECORD) {
      const e = t[r] as number;
      const p = t[r + 1] as number;
      const length = t[r + 2] as number;
      const at = t[r + 3] as number;
      if (!(e >= 0 && e < entries) || p < 0 || length < 0 || at < 0 || at + length > tails.length) return undefined;
      const k = (patternBase[e] as number) + p;
      if (k >= (e + 1 < entries ? (patternBase[e + 1] as number) : total)) return undefined;
      // Layouts come from the caller's checked spans, never from the stored records.
      t[r + 4] = layouts[k] as number;
    }
    o = end;
  }
  if (count !== nodes || records !== patterns || reached !== targets) return undefined;
  return a;
}
