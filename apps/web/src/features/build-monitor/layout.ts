// A left-to-right layered layout of a build's graph (the shared algorithm in
// features/graph-layout/layered.ts, with the monitor's node size). Fast enough for 10k
// components on the main thread, so no elk worker is needed for a read-only view.
import { Position } from '@xyflow/react';
import { layeredLayout as layered, type Placed } from '../graph-layout/layered';

export type { Placed };

/**
 * Above this many components a build is drawn and followed more cheaply (BENCH.md "pnpm
 * bench:web"): a zoom floor, no spinning icons or moving edges, a slower header and timeline.
 */
export const LARGE_BUILD = 1_500;

export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 58;
const COLUMN_GAP = 70;
const ROW_GAP = 22;
const HANDLE = 6;

export function layeredLayout(
  ids: readonly string[],
  edges: readonly { source: string; destination: string }[],
): Placed[] {
  return layered(ids, edges, {
    nodeWidth: NODE_WIDTH,
    nodeHeight: NODE_HEIGHT,
    columnGap: COLUMN_GAP,
    rowGap: ROW_GAP,
  });
}

/** Width over height of the laid-out graph (1 when empty). */
export function aspectOf(placed: readonly Placed[]): number {
  if (placed.length === 0) return 1;
  let width = 0;
  let height = 0;
  for (const p of placed) {
    width = Math.max(width, p.x + NODE_WIDTH);
    height = Math.max(height, p.y + NODE_HEIGHT);
  }
  return width / height;
}

/** The handles every node has, given up front so edges need no DOM measurement. */
export const NODE_HANDLES = [
  {
    type: 'target' as const,
    position: Position.Left,
    x: -HANDLE / 2,
    y: NODE_HEIGHT / 2 - HANDLE / 2,
    width: HANDLE,
    height: HANDLE,
  },
  {
    type: 'source' as const,
    position: Position.Right,
    x: NODE_WIDTH - HANDLE / 2,
    y: NODE_HEIGHT / 2 - HANDLE / 2,
    width: HANDLE,
    height: HANDLE,
  },
];
