import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { positionsOf, toElkGraph } from './elk-graph';
import { NODE_HEIGHT, NODE_WIDTH } from './types';

describe('toElkGraph + positionsOf', () => {
  it('lays a DAG out left to right with ELK layered, nodes not overlapping', async () => {
    const nodes = ['vpc', 'net', 'fw', 'vm', 'dns'].map((id) => ({ id }));
    const pairs = [
      ['vpc', 'net'],
      ['vpc', 'fw'],
      ['net', 'vm'],
      ['fw', 'vm'],
      ['vm', 'dns'],
      ['vm', 'ghost'],
    ] as const;
    const edges = pairs.map(([source, target]) => ({ id: `${source}-${target}`, source, target }));
    const input = toElkGraph(nodes, edges);
    expect(input.layoutOptions).toMatchObject({ 'elk.algorithm': 'layered', 'elk.direction': 'RIGHT' });
    // an edge to a node that is not laid out is left out (ELK would refuse the graph)
    expect(input.edges).toHaveLength(5);
    const positions = positionsOf(await new ELK().layout(input));
    const x = (id: string) => positions.get(id)?.x as number;
    expect(x('vpc')).toBeLessThan(x('net'));
    expect(x('net')).toBeLessThan(x('vm'));
    expect(x('fw')).toBeLessThan(x('vm'));
    expect(x('vm')).toBeLessThan(x('dns'));
    const boxes = [...positions.values()];
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart = Math.abs(a.x - b.x) >= NODE_WIDTH || Math.abs(a.y - b.y) >= NODE_HEIGHT;
        expect(apart).toBe(true);
      }
    }
  });
});
