import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Graph } from '../graph/model';
import { validateGraph } from '../validation/validate-graph';
import { createBuild } from './create-build';
import { indexOfComponent } from './records';
import { step } from './step';
import { build, done, graph } from './test-support';

/**
 * The edges as `createBuild` must pack them, computed the plain way: ids through a `Map` filled
 * in order (a repeated id stands for its last component), edges between two components of
 * `changes` only, each component's dependants and sources in edge order.
 */
function referenceCsr(g: Graph) {
  const index = new Map<string, number>();
  g.changes.forEach((c, i) => {
    index.set(c.id, i);
  });
  const n = g.changes.length;
  const out: number[][] = Array.from({ length: n }, () => []);
  const into: number[][] = Array.from({ length: n }, () => []);
  for (const e of g.edges) {
    const s = index.get(e.source);
    const d = index.get(e.destination);
    if (s === undefined || d === undefined) continue;
    out[s]?.push(d);
    into[d]?.push(s);
  }
  const csr = (lists: number[][]) => ({
    start: [0, ...lists.map((_, i) => lists.slice(0, i + 1).reduce((sum, l) => sum + l.length, 0))],
    edges: lists.flat(),
  });
  return { index, out: csr(out), in: csr(into) };
}

/** Small graphs whose ids repeat and whose edges may name ids outside `changes`. */
const graphArb = fc
  .record({
    ids: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 8 }),
    edges: fc.array(
      fc.tuple(
        fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'x'),
        fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'x'),
      ),
      {
        maxLength: 12,
      },
    ),
  })
  .map(({ ids, edges }) => graph(ids, edges));

describe('createBuild', () => {
  it('packs the edges and indexes the ids as a Map filled in order would, repeated ids included', () => {
    fc.assert(
      fc.property(graphArb, fc.boolean(), (g, validateFirst) => {
        // validating first leaves an index behind that createBuild reuses
        if (validateFirst) validateGraph(g);
        const s = build(g);
        const ref = referenceCsr(g);
        expect(s.outStart).toEqual(ref.out.start);
        expect(s.outEdges).toEqual(ref.out.edges);
        expect(s.inStart).toEqual(ref.in.start);
        expect(s.inEdges).toEqual(ref.in.edges);
        for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'x']) {
          expect(indexOfComponent(s, id)).toBe(ref.index.get(id) ?? -1);
        }
      }),
    );
  });

  it('does not reuse what validation indexed once the graph changed', () => {
    const g = graph(['a', 'b', 'c'], [['a', 'b']]);
    expect(validateGraph(g)).toEqual([]);
    (g.edges[0] as Graph['edges'][number]).destination = 'c';
    g.edges.push({ source: 'b', destination: 'c' });
    const c = g.changes[2];
    if (c) c.id = 'z';
    g.edges.push({ source: 'a', destination: 'z' });
    const s = build(g);
    const ref = referenceCsr(g);
    expect([s.outStart, s.outEdges, s.inStart, s.inEdges]).toEqual([
      ref.out.start,
      ref.out.edges,
      ref.in.start,
      ref.in.edges,
    ]);
    expect(indexOfComponent(s, 'z')).toBe(2);
    expect(indexOfComponent(s, 'c')).toBe(-1);
  });

  it('answers -1 for an id that is not a string', () => {
    const s = build(graph(['a']));
    expect(indexOfComponent(s, undefined as unknown as string)).toBe(-1);
    expect(indexOfComponent(s, 7 as unknown as string)).toBe(-1);
  });

  it('starts every component with empty outputs and history that a copy of the state does not share', () => {
    const s = createBuild({ id: 'b', environment: 'e', createdAt: 0, graph: graph(['a', 'b']) });
    expect(s.components.map((c) => [c.outputs, c.history])).toEqual([
      [{}, []],
      [{}, []],
    ]);
    // structuredClone keeps shared references shared: completing `a` in the copy must still
    // leave `b`'s outputs and history alone
    const copy = structuredClone(s);
    step(copy, { kind: 'start' }, 0);
    step(copy, done('a', 1, { vpc_id: 'vpc-1' }), 1);
    const [a, b] = copy.components;
    expect(a?.outputs).toEqual({ vpc_id: 'vpc-1' });
    expect(a?.history).toEqual([{ attempt: 1, dispatchedAt: 0, finishedAt: 1, status: 'completed' }]);
    expect(b?.outputs).toEqual({});
    expect(b?.history).toEqual([{ attempt: 1, dispatchedAt: 0, status: 'running' }]);
    expect(s.components.map((c) => [c.outputs, c.history])).toEqual([
      [{}, []],
      [{}, []],
    ]);
  });
});
