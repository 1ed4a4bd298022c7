// The ELK input for a left-to-right layered layout of the editor graph, and the positions read
// back from ELK's answer. Pure: the layout itself runs in a Web Worker (layout-client.ts).
import type { ElkNode } from 'elkjs/lib/elk-api';
import { NODE_HEIGHT, NODE_WIDTH } from './types';

/** Above this many components ELK is asked for a quicker, less thorough layout. */
const LARGE_GRAPH = 2_000;

export function layoutOptions(nodeCount: number): Record<string, string> {
  return {
    'elk.algorithm': 'layered',
    'elk.direction': 'RIGHT',
    'elk.layered.spacing.nodeNodeBetweenLayers': '90',
    'elk.spacing.nodeNode': '28',
    'elk.spacing.componentComponent': '60',
    'elk.layered.thoroughness': nodeCount > LARGE_GRAPH ? '1' : '7',
  };
}

export function toElkGraph(
  nodes: readonly { id: string }[],
  edges: readonly { id: string; source: string; target: string }[],
): ElkNode {
  const ids = new Set(nodes.map((node) => node.id));
  return {
    id: 'root',
    layoutOptions: layoutOptions(nodes.length),
    children: nodes.map((node) => ({ id: node.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: edges
      .filter((edge) => ids.has(edge.source) && ids.has(edge.target))
      .map((edge) => ({ id: edge.id, sources: [edge.source], targets: [edge.target] })),
  };
}

/** Top-left corner of every laid-out node, by id. */
export function positionsOf(layout: ElkNode): Map<string, { x: number; y: number }> {
  const out = new Map<string, { x: number; y: number }>();
  for (const child of layout.children ?? []) {
    out.set(child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) });
  }
  return out;
}
