/**
 * The dependency structure of a graph's `changes` as integer arrays, for algorithms that
 * must stay linear at 100k components (cycles, ancestors, topological order).
 */
import type { Graph } from '../graph/model';
import { IdTable } from './id-table';

/**
 * Components are numbered by their index in `graph.changes`. Adjacency is in CSR form: the
 * successors of `v` are `outTargets[outStart[v] .. outStart[v + 1])`, and `outEdges` holds,
 * at the same positions, the index of the edge in `graph.edges` (for JSON paths). `in*` is
 * the same for predecessors.
 *
 * Only edges whose source and destination are both in `changes` are indexed: an edge from
 * a component that is only in `components` is already satisfied, and one naming an unknown
 * id is a validation issue, not a dependency. A duplicated id is indexed at its first
 * occurrence.
 */
export interface GraphIndex {
  /** `graph.changes[v].id` */
  ids: readonly string[];
  /** `lookup.indexOf(id)`: index of the first component of `changes` with this id, or -1 */
  lookup: IdTable;
  outStart: Int32Array;
  outTargets: Int32Array;
  outEdges: Int32Array;
  inStart: Int32Array;
  inSources: Int32Array;
  inEdges: Int32Array;
  /** per edge of `graph.edges`: the index of its source, or -1 when the source is not in `changes` */
  edgeSources: Int32Array;
  /** per edge of `graph.edges`: the index of its destination, or -1 when not in `changes` */
  edgeTargets: Int32Array;
}

export function graphIndex(graph: Graph): GraphIndex {
  const n = graph.changes.length;
  const ids = graph.changes.map((component) => component.id);
  const lookup = new IdTable(ids);

  const edgeCount = graph.edges.length;
  const edgeSources = new Int32Array(edgeCount);
  const edgeTargets = new Int32Array(edgeCount);
  const outStart = new Int32Array(n + 1);
  const inStart = new Int32Array(n + 1);
  let kept = 0;
  // Edges often come in runs into the same destination (a component's dependencies listed
  // together): its id is then compared with the previous one, not looked up again.
  let lastDestination: string | undefined;
  let t = -1;
  for (let e = 0; e < edgeCount; e++) {
    const edge = graph.edges[e] as Graph['edges'][number];
    const s = lookup.indexOf(edge.source);
    if (edge.destination !== lastDestination) {
      lastDestination = edge.destination;
      t = lookup.indexOf(lastDestination);
    }
    edgeSources[e] = s;
    edgeTargets[e] = t;
    if (s === -1 || t === -1) continue;
    outStart[s + 1] = (outStart[s + 1] as number) + 1;
    inStart[t + 1] = (inStart[t + 1] as number) + 1;
    kept++;
  }
  for (let v = 0; v < n; v++) {
    outStart[v + 1] = (outStart[v + 1] as number) + (outStart[v] as number);
    inStart[v + 1] = (inStart[v + 1] as number) + (inStart[v] as number);
  }

  const outTargets = new Int32Array(kept);
  const outEdges = new Int32Array(kept);
  const inSources = new Int32Array(kept);
  const inEdges = new Int32Array(kept);
  const outFill = outStart.slice(0, n);
  const inFill = inStart.slice(0, n);
  for (let e = 0; e < edgeCount; e++) {
    const s = edgeSources[e] as number;
    const t = edgeTargets[e] as number;
    if (s === -1 || t === -1) continue;
    const o = outFill[s] as number;
    outFill[s] = o + 1;
    outTargets[o] = t;
    outEdges[o] = e;
    const i = inFill[t] as number;
    inFill[t] = i + 1;
    inSources[i] = s;
    inEdges[i] = e;
  }
  return {
    ids,
    lookup,
    outStart,
    outTargets,
    outEdges,
    inStart,
    inSources,
    inEdges,
    edgeSources,
    edgeTargets,
  };
}

/**
 * The index `validateGraph` computed for each graph object it checked, so that `createBuild` on
 * the same graph (an upload: validated, then stored as a new build) does not resolve its ids and
 * edges a second time.
 */
const remembered = new WeakMap<Graph, GraphIndex>();

/**
 * `graphIndex(graph)`, remembered for `rememberedGraphIndex` (and reused when the graph is
 * indexed here again unchanged). The answer may be shared: read it, never write to it.
 */
export function sharedGraphIndex(graph: Graph): GraphIndex {
  const index = rememberedGraphIndex(graph) ?? graphIndex(graph);
  remembered.set(graph, index);
  return index;
}

/**
 * The index `sharedGraphIndex` last computed for this graph object, if it still describes the
 * graph exactly: the same ids in the same order, and every edge still naming the components it
 * was indexed with (a check of string equality per edge endpoint, several times cheaper than
 * looking the ids up again). Undefined when there is none or the graph changed in between.
 */
export function rememberedGraphIndex(graph: Graph): GraphIndex | undefined {
  const index = remembered.get(graph);
  return index !== undefined && describes(index, graph) ? index : undefined;
}

/** True when `graphIndex(graph)` would equal `index`. */
function describes(index: GraphIndex, graph: Graph): boolean {
  const { ids, lookup, edgeSources, edgeTargets } = index;
  const { changes, edges } = graph;
  if (changes.length !== ids.length || edges.length !== edgeSources.length) return false;
  for (let v = 0; v < ids.length; v++) {
    if ((changes[v] as Graph['changes'][number]).id !== ids[v]) return false;
  }
  // With the same ids, an endpoint equal to `ids[s]` still resolves to `s` (its first
  // occurrence), and one that resolved to none must be looked up again.
  for (let e = 0; e < edges.length; e++) {
    const edge = edges[e] as Graph['edges'][number];
    const s = edgeSources[e] as number;
    if (s === -1 ? lookup.indexOf(edge.source) !== -1 : edge.source !== ids[s]) return false;
    const t = edgeTargets[e] as number;
    if (t === -1 ? lookup.indexOf(edge.destination) !== -1 : edge.destination !== ids[t]) return false;
  }
  return true;
}

/**
 * Kahn's order of the components (sources first; among ready components, lowest index
 * first in FIFO order), or `undefined` when a cycle leaves some component unordered.
 */
export function topologicalOrder(index: GraphIndex): Int32Array | undefined {
  const n = index.ids.length;
  const remaining = new Int32Array(n);
  const order = new Int32Array(n);
  let tail = 0;
  for (let v = 0; v < n; v++) {
    const degree = (index.inStart[v + 1] as number) - (index.inStart[v] as number);
    remaining[v] = degree;
    if (degree === 0) order[tail++] = v;
  }
  for (let head = 0; head < tail; head++) {
    const v = order[head] as number;
    const end = index.outStart[v + 1] as number;
    for (let p = index.outStart[v] as number; p < end; p++) {
      const w = index.outTargets[p] as number;
      const left = (remaining[w] as number) - 1;
      remaining[w] = left;
      if (left === 0) order[tail++] = w;
    }
  }
  return tail === n ? order : undefined;
}

/**
 * Answers "is `a` an ancestor of `v`" (a path of edges leads from `a` to `v`), computing the
 * ancestors of `v` by a reverse breadth-first walk only when first asked about `v`, and
 * stopping that walk as soon as the asked ancestor is found. Cheap when few components ask.
 */
export class AncestorOracle {
  private readonly walks = new Map<number, { seen: Set<number>; queue: number[]; head: number }>();

  constructor(private readonly index: GraphIndex) {}

  isAncestor(a: number, v: number): boolean {
    let walk = this.walks.get(v);
    if (walk === undefined) {
      walk = { seen: new Set(), queue: [v], head: 0 };
      this.walks.set(v, walk);
    }
    if (walk.seen.has(a)) return true;
    const { inStart, inSources } = this.index;
    const { seen, queue } = walk;
    while (walk.head < queue.length) {
      const u = queue[walk.head++] as number;
      const end = inStart[u + 1] as number;
      for (let p = inStart[u] as number; p < end; p++) {
        const w = inSources[p] as number;
        if (seen.has(w)) continue;
        seen.add(w);
        queue.push(w);
      }
      if (seen.has(a)) return true;
    }
    return false;
  }
}
