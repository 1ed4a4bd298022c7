/**
 * Cycle detection without recursion (100k-component graphs would overflow the call stack).
 */
import { type GraphIndex, topologicalOrder } from './graph-index';

/** One cycle: components in order (`cycle[0] → cycle[1] → … → cycle[0]`). */
export interface FoundCycle {
  /** component indexes; a self-loop is one index */
  cycle: number[];
  /** index in `graph.edges` of the edge that closes the cycle (last → first) */
  closingEdge: number;
}

/**
 * One cycle per strongly connected component that has one (two or more components, or one
 * with an edge to itself), found by an iterative Tarjan. Each cycle starts at the SCC's
 * component with the lowest index and is a shortest cycle through it. Deterministic: the
 * same graph gives the same cycles in the same order.
 */
export function findCycles(index: GraphIndex): FoundCycle[] {
  // the usual case, an acyclic graph, is settled by a topological sort: a cheaper pass than Tarjan's
  if (topologicalOrder(index) !== undefined) return [];
  const n = index.ids.length;
  const { outStart, outTargets } = index;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callNode = new Int32Array(n);
  const callPos = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  /** per cyclic SCC: [component id, lowest member] */
  const cyclic: [number, number][] = [];
  let sp = 0;
  let counter = 0;
  let comps = 0;

  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    let csp = 0;
    order[root] = low[root] = counter++;
    stack[sp++] = root;
    onStack[root] = 1;
    callNode[csp] = root;
    callPos[csp++] = outStart[root] as number;
    while (csp > 0) {
      const v = callNode[csp - 1] as number;
      const p = callPos[csp - 1] as number;
      if (p < (outStart[v + 1] as number)) {
        callPos[csp - 1] = p + 1;
        const w = outTargets[p] as number;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          callNode[csp] = w;
          callPos[csp++] = outStart[w] as number;
        } else if (onStack[w] === 1 && (order[w] as number) < (low[v] as number)) {
          low[v] = order[w] as number;
        }
        continue;
      }
      // v is finished
      csp--;
      if (csp > 0) {
        const u = callNode[csp - 1] as number;
        if ((low[v] as number) < (low[u] as number)) low[u] = low[v] as number;
      }
      if (low[v] !== order[v]) continue;
      const c = comps++;
      let size = 0;
      let lowest = v;
      let w: number;
      do {
        w = stack[--sp] as number;
        onStack[w] = 0;
        comp[w] = c;
        size++;
        if (w < lowest) lowest = w;
      } while (w !== v);
      if (size > 1 || hasSelfLoop(index, v)) cyclic.push([c, lowest]);
    }
  }

  const seen = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n);
  const queue = new Int32Array(n);
  return cyclic.map(([c, start]) => shortestCycle(index, comp, c, start, seen, parent, queue));
}

function hasSelfLoop(index: GraphIndex, v: number): boolean {
  const end = index.outStart[v + 1] as number;
  for (let p = index.outStart[v] as number; p < end; p++) if (index.outTargets[p] === v) return true;
  return false;
}

/** Breadth-first from `start` inside its SCC until an edge leads back to `start`. */
function shortestCycle(
  index: GraphIndex,
  comp: Int32Array,
  c: number,
  start: number,
  seen: Int32Array,
  parent: Int32Array,
  queue: Int32Array,
): FoundCycle {
  const { outStart, outTargets, outEdges } = index;
  let head = 0;
  let tail = 0;
  queue[tail++] = start;
  seen[start] = c;
  while (head < tail) {
    const u = queue[head++] as number;
    const end = outStart[u + 1] as number;
    for (let p = outStart[u] as number; p < end; p++) {
      const w = outTargets[p] as number;
      if (comp[w] !== c) continue;
      if (w === start) {
        const cycle = [u];
        for (let x = u; x !== start; ) {
          x = parent[x] as number;
          cycle.push(x);
        }
        cycle.reverse();
        return { cycle, closingEdge: outEdges[p] as number };
      }
      if (seen[w] === c) continue;
      seen[w] = c;
      parent[w] = u;
      queue[tail++] = w;
    }
  }
  // Unreachable: every member of a strongly connected component leads back to `start`.
  throw new Error(`no cycle through component ${start} in its strongly connected component`);
}
