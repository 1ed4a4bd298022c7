import { describe, expect, it } from 'vitest';
import ernestExample from './fixtures/ernest-mapping.example.json' with { type: 'json' };
import gorchExample from './fixtures/gorch.example.json' with { type: 'json' };
import { detectFormat, exportGraph, parseGraph } from './index';

describe('detectFormat', () => {
  it('recognises each format by its keys', () => {
    expect(detectFormat({ ordo: 1, name: 'x' })).toBe('ordo');
    expect(detectFormat({ ordo: 2, changes: [] })).toBe('ordo');
    expect(detectFormat(gorchExample)).toBe('gorch');
    expect(detectFormat(ernestExample)).toBe('ernest');
    expect(detectFormat({ changes: [] })).toBe('ernest');
    expect(detectFormat({ components: [], edges: [] })).toBe('ernest');
  });

  it('answers undefined for anything else', () => {
    expect(detectFormat({ components: [] })).toBeUndefined();
    expect(detectFormat({ digraph: [] })).toBeUndefined();
    expect(detectFormat({})).toBeUndefined();
    expect(detectFormat([])).toBeUndefined();
    expect(detectFormat('{"changes": []}')).toBeUndefined();
    expect(detectFormat(null)).toBeUndefined();
  });
});

describe('parseGraph', () => {
  it('parses each format and says which it read', () => {
    const ernest = parseGraph(ernestExample);
    expect(ernest.ok && ernest.format).toBe('ernest');
    const gorch = parseGraph(gorchExample);
    expect(gorch.ok && gorch.format).toBe('gorch');
    const native = parseGraph({ ordo: 1, name: 'n', changes: [] });
    expect(native.ok && native.format).toBe('ordo');
  });

  it('uses the format it is given instead of detecting one', () => {
    const result = parseGraph({ changes: [] }, 'gorch');
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['$.digraph', '$.nodes']);
  });

  it('reports an unknown format', () => {
    expect(parseGraph({ hello: 1 })).toMatchObject({
      ok: false,
      issues: [{ code: 'unknown_format', path: '$' }],
    });
    expect(parseGraph(42)).toEqual({
      ok: false,
      issues: [
        {
          code: 'unknown_format',
          message: '$: expected a graph object, received number',
          ids: [],
          path: '$',
        },
      ],
    });
  });

  it('collects every structural issue rather than the first', () => {
    const result = parseGraph({
      ordo: 1,
      name: 'n',
      changes: Array.from({ length: 5 }, (_, i) => ({ _component_id: `c${i}`, _action: i })),
      edges: 'none',
    });
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual([
      '$.edges',
      '$.changes[0]._action',
      '$.changes[1]._action',
      '$.changes[2]._action',
      '$.changes[3]._action',
      '$.changes[4]._action',
    ]);
  });
});

describe('exportGraph', () => {
  it('writes each format', () => {
    const result = parseGraph(gorchExample);
    if (!result.ok) throw new Error('example does not parse');
    expect(exportGraph(result.graph, 'gorch')).toEqual(gorchExample);
    expect(exportGraph(result.graph, 'ernest').changes).toHaveLength(5);
    expect(exportGraph(result.graph, 'ordo').ordo).toBe(1);
    expect(exportGraph(result.graph, 'dot')).toContain('"join" -> "publish";');
  });

  it('round-trips every format through every other that carries the same information', () => {
    const result = parseGraph(ernestExample);
    if (!result.ok) throw new Error('example does not parse');
    const viaNative = parseGraph(exportGraph(result.graph, 'ordo'));
    expect(viaNative.ok && viaNative.graph).toEqual(result.graph);
  });
});
