// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Ordo templates, not JavaScript ones
import { describe, expect, it } from 'vitest';
import type { Graph } from '../graph/model';
import { exportNative, type OrdoNativeGraph, parseNative } from './native';

function parsed(input: unknown): Graph {
  const result = parseNative(input);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.graph;
}

/** Written in the export's key order, so that JSON text can be compared too. */
const native: OrdoNativeGraph = {
  ordo: 1,
  name: 'shop',
  action: 'service.create',
  components: [
    {
      _component_id: 'credentials::sim',
      _component: 'credentials',
      _action: 'none',
      _provider: 'sim',
      region: 'eu',
    },
  ],
  changes: [
    {
      _component_id: 'vpc::shop',
      _component: 'vpc',
      _action: 'create',
      _provider: 'sim',
      subnet: '10.0.0.0/16',
      region: '$(components.#[_component_id="credentials::sim"].region)',
      _policy: { attempts: 3, backoff_ms: 500, max_backoff_ms: 4000, timeout_ms: 60000, gate: true },
      _position: { x: 10, y: -20.5 },
    },
    {
      _component_id: 'network::shop',
      _component: 'network',
      _action: 'create',
      _provider: 'sim',
      _state: 'completed',
      vpc_id: '${vpc::shop.vpc_id}',
      _position: { x: 200, y: 0 },
    },
  ],
  edges: [{ source: 'vpc::shop', destination: 'network::shop' }],
};

describe('parseNative', () => {
  it('maps _policy to camelCase policy and _position to position', () => {
    const graph = parsed(native);
    expect(graph.changes[0]).toEqual({
      id: 'vpc::shop',
      type: 'vpc',
      action: 'create',
      provider: 'sim',
      props: { subnet: '10.0.0.0/16', region: '$(components.#[_component_id="credentials::sim"].region)' },
      policy: { attempts: 3, backoffMs: 500, maxBackoffMs: 4000, timeoutMs: 60000, gate: true },
      position: { x: 10, y: -20.5 },
    });
    expect(graph.changes[1]?.state).toBe('completed');
    expect(graph.current[0]?.id).toBe('credentials::sim');
  });

  it('accepts the Ernest form: edge length and start/end edges are dropped', () => {
    const graph = parsed({
      ...native,
      edges: [
        { source: 'start', destination: 'vpc::shop', length: 1 },
        { source: 'vpc::shop', destination: 'network::shop', length: 1 },
        { source: 'network::shop', destination: 'end', length: 1 },
      ],
    });
    expect(graph.edges).toEqual([{ source: 'vpc::shop', destination: 'network::shop' }]);
  });

  it('refuses an unknown or missing version', () => {
    expect(parseNative({ ...native, ordo: 2 })).toEqual({
      ok: false,
      issues: [
        {
          code: 'unsupported_version',
          message: '$.ordo: Ordo native version 2 is not supported (supported: 1)',
          ids: [],
          path: '$.ordo',
        },
      ],
    });
    const { ordo: _, ...unversioned } = native;
    const result = parseNative(unversioned);
    expect(result.ok ? [] : result.issues.map((i) => i.code)).toEqual(['unsupported_version']);
  });

  it('reports bad policies and positions with their paths and the component id', () => {
    const result = parseNative({
      ...native,
      name: 7,
      changes: [
        {
          _component_id: 'a',
          _component: 'x',
          _action: 'create',
          _provider: 'sim',
          _policy: { attempts: 0, backoffMs: 10, gate: 'yes' },
          _position: { x: '1' },
        },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.every((i) => i.code === 'invalid_shape')).toBe(true);
    expect(result.issues.map((i) => i.path).sort()).toEqual(
      [
        '$.name',
        '$.changes[0]._policy.attempts',
        '$.changes[0]._policy.gate',
        '$.changes[0]._policy',
        '$.changes[0]._position.x',
        '$.changes[0]._position.y',
      ].sort(),
    );
    expect(result.issues.find((i) => i.path === '$.changes[0]._policy.gate')).toEqual({
      code: 'invalid_shape',
      message: '$.changes[0]._policy.gate: expected boolean, received string',
      ids: ['a'],
      path: '$.changes[0]._policy.gate',
    });
    expect(result.issues.find((i) => i.path === '$.changes[0]._policy')?.message).toContain('backoffMs');
  });
});

describe('exportNative', () => {
  it('gives back its input, with the same key order', () => {
    const exported = exportNative(parsed(native));
    expect(exported).toEqual(native);
    expect(JSON.stringify(exported)).toBe(JSON.stringify(native));
  });

  it('round-trips: parse → export → parse gives an equal graph', () => {
    const graph = parsed(native);
    expect(parsed(exportNative(graph))).toEqual(graph);
  });

  it('writes keys in a fixed order whatever the graph object order', () => {
    const graph: Graph = {
      edges: [],
      current: [],
      changes: [
        {
          position: { y: 2, x: 1 },
          policy: { gate: false, attempts: 2 },
          props: { b: 1 },
          provider: 'sim',
          action: 'create',
          type: 't',
          id: 'a',
        },
      ],
      name: 'g',
    };
    expect(JSON.stringify(exportNative(graph))).toBe(
      '{"ordo":1,"name":"g","components":[],"changes":[{"_component_id":"a","_component":"t","_action":"create",' +
        '"_provider":"sim","b":1,"_policy":{"attempts":2,"gate":false},"_position":{"x":1,"y":2}}],"edges":[]}',
    );
  });
});
