import { describe, expect, it } from 'vitest';
import { layeredLayout } from './layout';

describe('layeredLayout', () => {
  it('puts each component one column after its deepest source', () => {
    const placed = layeredLayout(
      ['a', 'b', 'c', 'd'],
      [
        { source: 'a', destination: 'b' },
        { source: 'b', destination: 'c' },
        { source: 'a', destination: 'c' },
        { source: 'a', destination: 'd' },
      ],
    );
    const layer = Object.fromEntries(placed.map((p) => [p.id, p.layer]));
    expect(layer).toEqual({ a: 0, b: 1, d: 1, c: 2 });
  });

  it('is deterministic and survives a cycle and unknown edge ends', () => {
    const edges = [
      { source: 'x', destination: 'y' },
      { source: 'y', destination: 'x' },
      { source: 'x', destination: 'ghost' },
    ];
    const one = layeredLayout(['x', 'y', 'z'], edges);
    expect(one).toEqual(layeredLayout(['x', 'y', 'z'], edges));
    expect(one.map((p) => p.id).sort()).toEqual(['x', 'y', 'z']);
  });

  it('lays out 10,000 components quickly', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `c${i}`);
    const edges = ids.slice(40).map((id, i) => ({ source: ids[i] as string, destination: id }));
    const t0 = performance.now();
    const placed = layeredLayout(ids, edges);
    expect(placed).toHaveLength(10_000);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
