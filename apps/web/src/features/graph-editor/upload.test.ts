import { describe, expect, it } from 'vitest';
import { readUpload } from './upload';

const gorchYaml = `
name: nightly
state: 0
digraph: [0, 1, 0, 0]
nodes:
  - { id: 0, name: fetch, engine: nil, artifact: "", args: [], state: 0 }
  - { id: 1, name: publish, engine: sleep, artifact: "", args: ["0.1"], state: 0 }
`;

describe('readUpload', () => {
  it('reads a gorch task written in YAML', () => {
    const result = readUpload(gorchYaml, 'nightly.yaml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.format).toBe('gorch');
    expect(result.graph.changes.map((c) => c.id)).toEqual(['fetch', 'publish']);
    expect(result.graph.edges).toEqual([{ source: 'fetch', destination: 'publish' }]);
  });

  it('reads an Ordo native graph in JSON', () => {
    const graph = {
      ordo: 1,
      name: 'shop',
      components: [],
      changes: [
        {
          _component_id: 'vpc::a',
          _component: 'vpc',
          _action: 'create',
          _provider: 'sim',
          _position: { x: 1, y: 2 },
        },
      ],
      edges: [],
    };
    const result = readUpload(JSON.stringify(graph), 'shop.json');
    expect(result).toMatchObject({ ok: true, format: 'ordo' });
  });

  it('returns the parsed graph with every problem when it does not validate', () => {
    const mapping = {
      id: 'broken',
      edges: [
        { source: 'a', destination: 'b' },
        { source: 'b', destination: 'a' },
        { source: 'a', destination: 'ghost' },
      ],
      changes: ['a', 'b'].map((id) => ({
        _component_id: id,
        _component: 'vpc',
        _action: 'create',
        _provider: 'sim',
      })),
    };
    const result = readUpload(JSON.stringify(mapping), 'broken.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.graph?.name).toBe('broken');
    expect(result.issues.map((issue) => issue.code).sort()).toEqual(['cycle', 'unknown_edge_component']);
    expect(result.issues.find((issue) => issue.code === 'cycle')?.message).toContain('"a" → "b" → "a"');
  });

  it('reports text that is not JSON or not a graph', () => {
    expect(readUpload('{"id": ', 'x.json')).toMatchObject({ ok: false, issues: [{ code: 'invalid_json' }] });
    expect(readUpload('a: [1', 'x.yml')).toMatchObject({ ok: false, issues: [{ code: 'invalid_yaml' }] });
    expect(readUpload('[1, 2]', 'x.json')).toMatchObject({
      ok: false,
      format: null,
      issues: [{ code: 'unknown_format' }],
    });
  });
});
