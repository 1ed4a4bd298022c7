import { describe, expect, it } from 'vitest';
import type { Graph } from '../graph/model';
// A copy of ../shared/formats/gorch.example.json, so that tests run in a fresh clone too.
import example from './fixtures/gorch.example.json' with { type: 'json' };
import { exportGorch, parseGorch } from './gorch';

function parsed(input: unknown): Graph {
  const result = parseGorch(input);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.graph;
}

function codes(input: unknown): string[] {
  const result = parseGorch(input);
  return result.ok ? [] : result.issues.map((i) => `${i.code} ${i.path}`);
}

describe('parseGorch', () => {
  it('maps nodes to task components and the matrix to edges', () => {
    const graph = parsed(example);
    expect(graph.name).toBe('nightly-report');
    expect(graph.current).toEqual([]);
    expect(graph.changes[3]).toEqual({
      id: 'join',
      type: 'task',
      action: 'create',
      provider: 'shell',
      state: '0',
      props: { artifact: 'echo', args: ['joined'] },
    });
    expect(graph.edges).toEqual([
      { source: 'fetch-config', destination: 'export-orders' },
      { source: 'fetch-config', destination: 'export-customers' },
      { source: 'export-orders', destination: 'join' },
      { source: 'export-customers', destination: 'join' },
      { source: 'join', destination: 'publish' },
    ]);
  });

  it('runs a node with neither engine nor artifact as nil, as gorchestrator does', () => {
    const graph = parsed({ name: 'g', digraph: [0], nodes: [{ id: 0, name: 'only' }] });
    expect(graph.changes[0]).toMatchObject({ provider: 'nil', props: { artifact: '', args: [] } });
    expect(graph.changes[0]?.state).toBeUndefined();
  });

  it('reports a matrix that is not n×n', () => {
    const input = { ...example, digraph: example.digraph.slice(1) };
    const result = parseGorch(input);
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          code: 'matrix_not_square',
          message: '$.digraph: has 24 entries; 5 nodes need an n×n matrix of 5×5 = 25',
          ids: [],
          path: '$.digraph',
        },
      ],
    });
  });

  it('reports node ids that are not their index and entries that are not 0/1, all at once', () => {
    const digraph = [...example.digraph];
    digraph[1] = 2;
    (digraph as unknown[])[7] = '1';
    const nodes = example.nodes.map((node, i) => (i === 2 ? { ...node, id: 7 } : node));
    expect(codes({ ...example, digraph, nodes, state: 'x' })).toEqual([
      'invalid_shape $.state',
      'node_id_not_index $.nodes[2].id',
      'matrix_entry_not_binary $.digraph[1]',
      'matrix_entry_not_binary $.digraph[7]',
    ]);
    const result = parseGorch({ ...example, digraph });
    const entry = result.ok ? undefined : result.issues[0];
    expect(entry?.ids).toEqual(['fetch-config', 'export-orders']);
    expect(entry?.message).toContain(
      '"fetch-config" → "export-orders" (row 0, column 1) is 2; expected 0 or 1',
    );
  });

  it('reports badly shaped nodes', () => {
    expect(
      codes({
        name: 'g',
        digraph: [0, 0, 0, 0],
        nodes: [{ id: '0', name: 'a', engine: 3, args: ['x', 1], state: 1.5 }, 'b'],
      }),
    ).toEqual([
      'invalid_shape $.nodes[0].id',
      'invalid_shape $.nodes[0].engine',
      'invalid_shape $.nodes[0].args[1]',
      'invalid_shape $.nodes[0].state',
      'invalid_shape $.nodes[1]',
    ]);
    expect(codes({ name: 'g', nodes: [] })).toEqual(['invalid_shape $.digraph']);
  });

  it('parses a self-loop and unknown engines (validation reports them)', () => {
    const graph = parsed({ name: 'g', digraph: [1], nodes: [{ id: 0, name: 'a', engine: 'teleport' }] });
    expect(graph.edges).toEqual([{ source: 'a', destination: 'a' }]);
    expect(graph.changes[0]?.provider).toBe('teleport');
  });
});

describe('exportGorch', () => {
  it('gives back the example, matrix included', () => {
    const exported = exportGorch(parsed(example));
    expect(exported).toEqual(example);
    expect(exported.digraph).toEqual(example.digraph);
  });

  it('round-trips: parse → export → parse gives an equal graph', () => {
    const graph = parsed(example);
    expect(parsed(exportGorch(graph))).toEqual(graph);
  });

  it('keeps integer states and maps Ordo states to gorch ones', () => {
    const task = {
      ...example,
      nodes: example.nodes.map((node, i) => ({ ...node, state: i === 4 ? 11 : i })),
    };
    expect(exportGorch(parsed(task))).toEqual(task);
    const graph = parsed(example);
    const states = ['completed', 'errored', 'running', 'blocked', 'mystery'];
    graph.changes.forEach((c, i) => {
      c.state = states[i];
    });
    expect(exportGorch(graph).nodes.map((n) => n.state)).toEqual([3, 4, 2, 5, 0]);
  });

  it('numbers changes in order and leaves out edges to components outside changes', () => {
    const graph: Graph = {
      name: 'g',
      current: [{ id: 'old', type: 'vpc', action: 'create', provider: 'sim', props: {} }],
      changes: [
        { id: 'b', type: 'vpc', action: 'create', provider: 'sim', props: { region: 'eu' } },
        { id: 'a', type: 'vpc', action: 'create', provider: 'sleep', props: { args: ['1', 2] } },
      ],
      edges: [
        { source: 'old', destination: 'a' },
        { source: 'a', destination: 'b' },
      ],
    };
    expect(exportGorch(graph)).toEqual({
      name: 'g',
      state: 0,
      digraph: [0, 0, 1, 0],
      nodes: [
        { id: 0, name: 'b', engine: 'sim', artifact: '', args: [], state: 0 },
        { id: 1, name: 'a', engine: 'sleep', artifact: '', args: ['1', '2'], state: 0 },
      ],
    });
  });
});
