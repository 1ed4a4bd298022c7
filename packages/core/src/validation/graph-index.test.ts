import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Graph } from '../graph/model';
import { findCycles } from './cycles';
import {
  AncestorOracle,
  graphIndex,
  rememberedGraphIndex,
  sharedGraphIndex,
  topologicalOrder,
} from './graph-index';
import { validateGraph } from './validate-graph';

function graphOf(n: number, edges: [number, number][]): Graph {
  return {
    name: 'g',
    changes: Array.from({ length: n }, (_, i) => ({
      id: `c${i}`,
      type: 'task',
      action: 'create',
      provider: 'sim',
      props: {},
    })),
    current: [],
    edges: edges.map(([s, d]) => ({ source: `c${s}`, destination: `c${d}` })),
  };
}

/** A random DAG: `order` is a permutation, each edge goes forward in it. */
const dagArb = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    order: fc.shuffledSubarray(
      Array.from({ length: n }, (_, i) => i),
      { minLength: n, maxLength: n },
    ),
    pairs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n }),
  }),
);

function dagEdges({ order, pairs }: { order: number[]; pairs: [number, number][] }): [number, number][] {
  return pairs
    .filter(([i, j]) => i !== j)
    .map(([i, j]) => {
      const [lo, hi] = i < j ? [i, j] : [j, i];
      return [order[lo] as number, order[hi] as number];
    });
}

describe('graphIndex', () => {
  it('indexes only edges between components of changes, with their edge index', () => {
    const g = graphOf(3, [
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    g.edges.splice(1, 0, { source: 'outside', destination: 'c1' });
    const index = graphIndex(g);
    expect([...index.outStart]).toEqual([0, 2, 3, 3]);
    expect([...index.outTargets]).toEqual([1, 2, 2]);
    expect([...index.outEdges]).toEqual([0, 2, 3]);
    expect([...index.inStart]).toEqual([0, 0, 1, 3]);
    expect([...index.inSources]).toEqual([0, 0, 1]);
    expect(index.lookup.indexOf('c2')).toBe(2);
    expect(index.lookup.indexOf('outside')).toBe(-1);
  });
});

describe('sharedGraphIndex', () => {
  /** The index as plain data, to compare two of them. */
  const plain = (index: ReturnType<typeof graphIndex>) => ({
    ids: [...index.ids],
    outStart: [...index.outStart],
    outTargets: [...index.outTargets],
    outEdges: [...index.outEdges],
    inStart: [...index.inStart],
    inSources: [...index.inSources],
    inEdges: [...index.inEdges],
    edgeSources: [...index.edgeSources],
    edgeTargets: [...index.edgeTargets],
    duplicates: [...index.lookup.duplicates],
  });

  it('reuses the index of an unchanged graph', () => {
    const g = graphOf(3, [
      [0, 1],
      [1, 2],
    ]);
    g.edges.push({ source: 'outside', destination: 'c2' });
    expect(rememberedGraphIndex(g)).toBeUndefined();
    const first = sharedGraphIndex(g);
    expect(rememberedGraphIndex(g)).toBe(first);
    expect(sharedGraphIndex(g)).toBe(first);
    expect(rememberedGraphIndex({ ...g })).toBeUndefined();
  });

  it('answers what graphIndex answers after any change of ids or edges', () => {
    const change = fc.oneof(
      fc.record({
        kind: fc.constant('id' as const),
        at: fc.nat(),
        id: fc.constantFrom('c0', 'c1', 'c5', 'new'),
      }),
      fc.record({
        kind: fc.constant('edge' as const),
        at: fc.nat(),
        end: fc.constantFrom('source' as const, 'destination' as const),
        id: fc.constantFrom('c0', 'c2', 'outside', 'new'),
      }),
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(dagArb, fc.array(change, { maxLength: 3 }), (dag, changes) => {
        const g = graphOf(dag.n, dagEdges(dag));
        g.edges.push({ source: 'outside', destination: 'c0' });
        sharedGraphIndex(g);
        for (const c of changes) {
          if (c.kind === 'id') {
            const component = g.changes[c.at % g.changes.length];
            if (component) component.id = c.id;
          } else if (c.kind === 'edge') {
            const edge = g.edges[c.at % g.edges.length];
            if (edge) edge[c.end] = c.id;
          } else {
            g.edges.splice(c.at % g.edges.length, 1);
          }
        }
        const remembered = rememberedGraphIndex(g);
        const fresh = plain(graphIndex(g));
        if (remembered) expect(plain(remembered)).toEqual(fresh);
        expect(plain(sharedGraphIndex(g))).toEqual(fresh);
      }),
    );
  });
});

describe('topologicalOrder', () => {
  it('orders sources first and answers undefined on a cycle', () => {
    const order = topologicalOrder(
      graphIndex(
        graphOf(4, [
          [2, 1],
          [1, 0],
          [3, 0],
        ]),
      ),
    );
    expect(order && [...order]).toEqual([2, 3, 1, 0]);
    expect(
      topologicalOrder(
        graphIndex(
          graphOf(3, [
            [0, 1],
            [1, 0],
          ]),
        ),
      ),
    ).toBeUndefined();
  });

  it('puts every edge forward for random DAGs', () => {
    fc.assert(
      fc.property(dagArb, (dag) => {
        const edges = dagEdges(dag);
        const order = topologicalOrder(graphIndex(graphOf(dag.n, edges)));
        expect(order).toBeDefined();
        const position = new Map([...(order ?? [])].map((v, i) => [v, i]));
        for (const [s, d] of edges) expect(position.get(s)).toBeLessThan(position.get(d) as number);
      }),
    );
  });
});

describe('AncestorOracle', () => {
  it('answers reachability through edges, including after an early stop', () => {
    const index = graphIndex(
      graphOf(5, [
        [0, 1],
        [1, 2],
        [3, 2],
        [2, 4],
      ]),
    );
    const oracle = new AncestorOracle(index);
    expect(oracle.isAncestor(1, 4)).toBe(true);
    expect(oracle.isAncestor(0, 4)).toBe(true);
    expect(oracle.isAncestor(3, 4)).toBe(true);
    expect(oracle.isAncestor(4, 4)).toBe(false);
    expect(oracle.isAncestor(4, 0)).toBe(false);
    expect(oracle.isAncestor(3, 1)).toBe(false);
  });
});

describe('cycles (property)', () => {
  it('random DAGs validate clean', () => {
    fc.assert(
      fc.property(dagArb, (dag) => {
        expect(validateGraph(graphOf(dag.n, dagEdges(dag)))).toEqual([]);
      }),
    );
  });

  it('a planted cycle is always reported once, as a real cycle', () => {
    const planted = dagArb.chain((dag) =>
      fc.record({
        dag: fc.constant(dag),
        cycle: fc.shuffledSubarray(
          Array.from({ length: dag.n }, (_, i) => i),
          { minLength: 1 },
        ),
      }),
    );
    fc.assert(
      fc.property(planted, ({ dag, cycle }) => {
        const edges = dagEdges(dag);
        cycle.forEach((v, i) => {
          edges.push([v, cycle[(i + 1) % cycle.length] as number]);
        });
        const g = graphOf(dag.n, edges);
        const issues = validateGraph(g);
        // Every cycle of the DAG plus the planted edges goes through a planted node, so all of
        // them lie in one strongly connected component: exactly one cycle is reported.
        expect(issues.map((i) => i.code)).toEqual(['cycle']);
        const ids = issues[0]?.ids ?? [];
        expect(new Set(ids).size).toBe(ids.length);
        const edgeSet = new Set(g.edges.map((e) => `${e.source}>${e.destination}`));
        ids.forEach((id, i) => {
          expect(edgeSet.has(`${id}>${ids[(i + 1) % ids.length]}`)).toBe(true);
        });
        const closing = g.edges[Number(issues[0]?.path.match(/^\$\.edges\[(\d+)\]$/)?.[1])];
        expect(closing).toEqual({ source: ids[ids.length - 1], destination: ids[0] });
      }),
    );
  });

  it('handles a 100k-long chain closed into one cycle without recursion', () => {
    const n = 100_000;
    const edges: [number, number][] = Array.from({ length: n }, (_, i) => [i, (i + 1) % n]);
    const found = findCycles(graphIndex(graphOf(n, edges)));
    expect(found).toHaveLength(1);
    expect(found[0]?.cycle.length).toBe(n);
    expect(found[0]?.cycle.slice(0, 3)).toEqual([0, 1, 2]);
    expect(found[0]?.closingEdge).toBe(n - 1);
  });
});
