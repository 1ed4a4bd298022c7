import { describe, expect, it } from 'vitest';
import type { Graph } from '../graph/model';
import { exportErnest, parseErnest } from './ernest';
// Copies of ../shared/formats/*.example.json, so that tests run in a fresh clone too.
import example from './fixtures/ernest-mapping.example.json' with { type: 'json' };

function parsed(input: unknown): Graph {
  const result = parseErnest(input);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.graph;
}

describe('parseErnest', () => {
  it('maps the example into the graph model', () => {
    const graph = parsed(example);
    expect(graph.name).toBe('shop-staging');
    expect(graph.action).toBe('service.create');
    expect(graph.current).toEqual([]);
    expect(graph.changes.map((c) => c.id)).toEqual([
      'credentials::sim',
      'vpc::shop',
      'network::shop-public',
      'firewall::shop-web',
      'instance::shop-web-1',
      'instance::shop-web-2',
      'elb::shop',
    ]);
    const vpc = graph.changes[1];
    expect(vpc).toEqual({
      id: 'vpc::shop',
      type: 'vpc',
      action: 'create',
      provider: 'sim',
      state: 'waiting',
      props: {
        name: 'shop',
        subnet: '10.20.0.0/16',
        region: '$(components.#[_component_id="credentials::sim"].region)',
      },
    });
    expect(Object.keys(vpc?.props ?? {})).toEqual(['name', 'subnet', 'region']);
    expect(graph.changes[5]?.props._sim).toEqual({ fail: 'quota exceeded', fail_times: 1 });
  });

  it('drops the synthetic start and end edges and the edge length', () => {
    const graph = parsed(example);
    expect(graph.edges).toHaveLength(example.edges.length - 2);
    expect(graph.edges[0]).toEqual({ source: 'credentials::sim', destination: 'vpc::shop' });
    expect(
      graph.edges.some(
        (e) => ['start', 'end'].includes(e.source) || ['start', 'end'].includes(e.destination),
      ),
    ).toBe(false);
  });

  it('keeps edges of a component really named start', () => {
    const graph = parsed({
      id: 'g',
      changes: [{ _component_id: 'start', _component: 'task', _action: 'create', _provider: 'sim' }],
      edges: [
        { source: 'start', destination: 'x' },
        { source: 'x', destination: 'end' },
      ],
    });
    expect(graph.edges).toEqual([{ source: 'start', destination: 'x' }]);
  });

  it('parses well-shaped but semantically bad input (validation reports it)', () => {
    const graph = parsed({
      id: 'bad',
      changes: [
        { _component_id: 'a', _component: 'x', _action: 'explode', _provider: 'sim' },
        { _component_id: 'a', _component: 'x', _action: 'create', _provider: 'sim' },
      ],
      edges: [
        { source: 'a', destination: 'a' },
        { source: 'a', destination: 'ghost' },
      ],
    });
    expect(graph.changes.map((c) => c.action)).toEqual(['explode', 'create']);
    expect(graph.edges).toHaveLength(2);
  });

  it('reads absent component fields as empty strings', () => {
    const graph = parsed({ changes: [{ name: 'x' }] });
    expect(graph.name).toBe('');
    expect(graph.changes[0]).toEqual({ id: '', type: '', action: '', provider: '', props: { name: 'x' } });
  });

  it('reports every structural problem with its JSON path', () => {
    const result = parseErnest({
      id: 3,
      components: {},
      changes: [{ _component_id: 'a', _component: 'x', _action: 5, _provider: 'sim', _state: false }, 'oops'],
      edges: [{ source: 1 }, null],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.every((i) => i.code === 'invalid_shape')).toBe(true);
    expect(result.issues.map((i) => i.path).sort()).toEqual(
      [
        '$.id',
        '$.components',
        '$.changes[0]._action',
        '$.changes[0]._state',
        '$.changes[1]',
        '$.edges[0].source',
        '$.edges[0].destination',
        '$.edges[1]',
      ].sort(),
    );
    const action = result.issues.find((i) => i.path === '$.changes[0]._action');
    expect(action?.message).toBe('$.changes[0]._action: expected string, received number');
    expect(action?.ids).toEqual(['a']);
    expect(result.issues.find((i) => i.path === '$.components')?.message).toBe(
      '$.components: expected array, received object',
    );
  });

  it('rejects a value that is not an object', () => {
    const result = parseErnest([]);
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          code: 'invalid_shape',
          message: '$: expected an Ernest mapping object, received array',
          ids: [],
          path: '$',
        },
      ],
    });
  });

  it('keeps a prop named __proto__ as an ordinary prop', () => {
    const input: unknown = JSON.parse(
      '{"changes":[{"_component_id":"a","_component":"x","_action":"create","_provider":"sim","__proto__":{"polluted":true}}]}',
    );
    const props = parsed(input).changes[0]?.props ?? {};
    expect(Object.keys(props)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(props)).toBe(Object.prototype);
    expect((props as { polluted?: boolean }).polluted).toBeUndefined();
    const exported = exportErnest(parsed(input)).changes[0] ?? {};
    expect(Object.keys(exported)).toContain('__proto__');
  });
});

describe('exportErnest', () => {
  it('gives back the example, without the synthetic start/end edges', () => {
    const withoutSynthetic = {
      ...example,
      edges: example.edges.filter((e) => e.source !== 'start' && e.destination !== 'end'),
    };
    const exported = exportErnest(parsed(example));
    expect(exported).toEqual(withoutSynthetic);
    // same key order too, so that an export diffs cleanly against its source
    expect(JSON.stringify(exported)).toBe(JSON.stringify(withoutSynthetic));
  });

  it('round-trips: parse → export → parse gives an equal graph', () => {
    const graph = parsed(example);
    expect(parsed(exportErnest(graph))).toEqual(graph);
  });

  it('writes length 1, the state or waiting, and props after the reserved fields', () => {
    const graph: Graph = {
      name: 'g',
      changes: [
        {
          id: 'a',
          type: 't',
          action: 'create',
          provider: 'sim',
          props: { z: 1, a: 2 },
          policy: { attempts: 3 },
        },
      ],
      current: [{ id: 'b', type: 't', action: 'create', provider: 'sim', state: 'completed', props: {} }],
      edges: [{ source: 'b', destination: 'a' }],
    };
    const mapping = exportErnest(graph);
    expect(mapping).toEqual({
      id: 'g',
      edges: [{ source: 'b', destination: 'a', length: 1 }],
      components: [
        { _component_id: 'b', _component: 't', _action: 'create', _provider: 'sim', _state: 'completed' },
      ],
      changes: [
        {
          _component_id: 'a',
          _component: 't',
          _action: 'create',
          _provider: 'sim',
          _state: 'waiting',
          z: 1,
          a: 2,
        },
      ],
    });
    expect(Object.keys(mapping.changes[0] ?? {})).toEqual([
      '_component_id',
      '_component',
      '_action',
      '_provider',
      '_state',
      'z',
      'a',
    ]);
  });
});
