import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { exportGraph, type Graph, parseGraph, validateGraph } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import { createEditorStore } from './editor-store';
import { invalidElements } from './issues';
import { edgeId, fromCoreGraph, layeredPositions, previewFromCoreGraph, toCoreGraph } from './mapper';
import type { GraphSnapshot } from './types';

const ernestExample = JSON.parse(
  readFileSync(
    resolve(import.meta.dirname, '../../../../../e2e/fixtures/ernest-mapping.example.json'),
    'utf8',
  ),
) as unknown;

function parsed(input: unknown): Graph {
  const result = parseGraph(input);
  if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join('\n'));
  return result.graph;
}

/** What the editor graph says, without React Flow's bookkeeping. */
function essence(graph: GraphSnapshot) {
  return {
    nodes: graph.nodes.map((node) => ({ id: node.id, data: node.data, position: node.position })),
    edges: graph.edges.map((edge) => [edge.source, edge.target]),
    meta: graph.meta,
  };
}

/** An editor graph drawn through the store, with templates, a policy and an edge from the current state. */
function drawn(): GraphSnapshot {
  const store = createEditorStore();
  const { actions } = store.getState();
  actions.loadGraph({
    name: 'drawn',
    action: 'service.create',
    current: [{ id: 'credentials::old', type: 'credentials', action: 'none', provider: 'sim', props: {} }],
    changes: [],
    edges: [],
  });
  const vpc = actions.addComponent('vpc', { x: 10, y: 20 }) as string;
  const net = actions.addComponent('network', { x: 300, y: 20 }) as string;
  const fw = actions.addComponent('firewall', { x: 300, y: 200 }) as string;
  actions.connect(vpc, net);
  actions.connect(net, fw);
  actions.updateComponent(net, {
    provider: 'aws',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an Ordo template, not a JS one
    props: { name: 'public', vpc_id: '${vpc::vpc-1.vpc_id}', tags: { tier: ['web', 1] } },
  });
  actions.updateComponent(fw, { action: 'update' });
  const state = store.getState();
  // hand-edit what the store has no action for: a state, a policy and an edge from `components`
  const nodes = state.nodes.map((node) =>
    node.id === fw ? { ...node, data: { ...node.data, state: 'completed', policy: { attempts: 3 } } } : node,
  );
  const meta = { ...state.meta, externalEdges: [{ source: 'credentials::old', destination: vpc }] };
  return { nodes, edges: state.edges, meta };
}

describe('toCoreGraph / fromCoreGraph', () => {
  it('fromCoreGraph(toCoreGraph(x)) gives back x: ids, edges, fields and positions', () => {
    const x = drawn();
    const core = toCoreGraph(x);
    expect(core.changes.map((c) => c.id)).toEqual([
      'vpc::vpc-1',
      'network::network-1',
      'firewall::firewall-1',
    ]);
    expect(core.edges).toEqual([
      { source: 'vpc::vpc-1', destination: 'network::network-1' },
      { source: 'network::network-1', destination: 'firewall::firewall-1' },
      { source: 'credentials::old', destination: 'vpc::vpc-1' },
    ]);
    expect(validateGraph(core, { simulate: true })).toEqual([]);
    const back = fromCoreGraph(core);
    expect(back.positioned).toBe(true);
    expect(essence(back)).toEqual(essence(x));
  });

  it('survives the Ordo native export that Save sends and Open reads', () => {
    const x = drawn();
    const saved = JSON.parse(JSON.stringify(exportGraph(toCoreGraph(x), 'ordo'))) as unknown;
    expect(essence(fromCoreGraph(parsed(saved)))).toEqual(essence(x));
  });

  it('loads an Ernest mapping whole and writes it back (start/end edges dropped by core)', () => {
    const graph = parsed(ernestExample);
    const loaded = fromCoreGraph(graph);
    expect(loaded.positioned).toBe(false);
    expect(loaded.nodes).toHaveLength(7);
    expect(loaded.edges).toHaveLength(graph.edges.length);
    const back = toCoreGraph(loaded);
    expect(back.changes.map(({ position: _, ...rest }) => rest)).toEqual(graph.changes);
    expect(back.edges).toEqual(graph.edges);
    expect(back.action).toBe(graph.action);
    // every node got a distinct position from the quick placement
    expect(new Set(loaded.nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(7);
  });
});

describe('previewFromCoreGraph', () => {
  it('draws an invalid graph: unknown ids become missing nodes, and the invalid ones are named', () => {
    const graph = parsed({
      id: 'broken',
      edges: [
        { source: 'a', destination: 'b' },
        { source: 'b', destination: 'a' },
        { source: 'a', destination: 'ghost' },
      ],
      changes: ['a', 'b', 'c'].map((id) => ({
        _component_id: id,
        _component: 'vpc',
        _action: 'create',
        _provider: 'sim',
      })),
    });
    const preview = previewFromCoreGraph(graph);
    expect(preview.nodes.map((n) => [n.id, n.type])).toEqual([
      ['a', 'component'],
      ['b', 'component'],
      ['c', 'component'],
      ['ghost', 'missing'],
    ]);
    const invalid = invalidElements(validateGraph(graph, { simulate: true }), graph);
    expect([...invalid.nodes].sort()).toEqual(['a', 'b', 'ghost']);
    expect([...invalid.edges].sort()).toEqual(
      [edgeId('a', 'b'), edgeId('a', 'ghost'), edgeId('b', 'a')].sort(),
    );
    expect(preview.edges.map((e) => e.id)).toEqual([
      edgeId('a', 'b'),
      edgeId('b', 'a'),
      edgeId('a', 'ghost'),
    ]);
  });
});

describe('layeredPositions', () => {
  it('places each id one column right of its furthest source, cycles included', () => {
    const positions = layeredPositions(
      ['a', 'b', 'c', 'x', 'y'],
      [
        { source: 'a', destination: 'b' },
        { source: 'b', destination: 'c' },
        { source: 'a', destination: 'c' },
        { source: 'x', destination: 'y' },
        { source: 'y', destination: 'x' },
      ],
    );
    const column = (id: string) => positions.get(id)?.x;
    expect(column('a')).toBeLessThan(column('b') as number);
    expect(column('b')).toBeLessThan(column('c') as number);
    expect(positions.size).toBe(5);
  });
});
