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
  for (let e = 0; e < edgeCount; e++) {
    const edge = graph.edges[e] as Graph['edges'][number];
    const s = lookup.indexOf(edge.source);
    const t = lookup.indexOf(edge.destination);
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
