// A left-to-right layered layout of a build's graph: each component's column is its longest
// path from a source (Kahn's order, O(V+E)), rows are ordered by the mean row of the
// component's sources (one barycentre sweep), ties by input order. Deterministic and fast
// enough for 10k components on the main thread, so no elk worker is needed for a read-only view.
import { Position } from '@xyflow/react';

export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 58;
const COLUMN_GAP = 70;
const ROW_GAP = 22;
const HANDLE = 6;

export interface Placed {
  id: string;
  x: number;
  y: number;
  layer: number;
  /** position within its layer */
  row: number;
}

export function layeredLayout(
  ids: readonly string[],
  edges: readonly { source: string; destination: string }[],
): Placed[] {
  const index = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) index.set(ids[i] as string, i);
  const n = ids.length;
  const outs: number[][] = Array.from({ length: n }, () => []);
  const ins: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Array<number>(n).fill(0);
  for (const e of edges) {
    const s = index.get(e.source);
    const d = index.get(e.destination);
    if (s === undefined || d === undefined || s === d) continue;
    (outs[s] as number[]).push(d);
    (ins[d] as number[]).push(s);
    indegree[d] = (indegree[d] as number) + 1;
  }
  const layer = new Array<number>(n).fill(0);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue.push(i);
  const seen = new Array<boolean>(n).fill(false);
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head] as number;
    seen[i] = true;
    for (const d of outs[i] as number[]) {
      layer[d] = Math.max(layer[d] as number, (layer[i] as number) + 1);
      indegree[d] = (indegree[d] as number) - 1;
      if (indegree[d] === 0) queue.push(d);
    }
  }
  // A cycle (validation refuses them, but a view must not hang): its members go last.
  let deepest = 0;
  for (let i = 0; i < n; i++) deepest = Math.max(deepest, layer[i] as number);
  for (let i = 0; i < n; i++) if (!seen[i]) layer[i] = deepest + 1;

  const layers: number[][] = [];
  for (let i = 0; i < n; i++) {
    const l = layer[i] as number;
    const members = layers[l];
    if (members) members.push(i);
    else layers[l] = [i];
  }
  const row = new Array<number>(n).fill(0);
  for (const members of layers) {
    if (!members) continue;
    const key = (i: number) => {
      const sources = ins[i] as number[];
      if (sources.length === 0) return i;
      let sum = 0;
      for (const s of sources) sum += row[s] as number;
      return sum / sources.length;
    };
    const keys = new Map(members.map((i) => [i, key(i)]));
    members.sort((a, b) => (keys.get(a) as number) - (keys.get(b) as number) || a - b);
    members.forEach((i, r) => {
      row[i] = r;
    });
  }

  const tallest = Math.max(0, ...layers.map((m) => m?.length ?? 0));
  const placed: Placed[] = [];
  layers.forEach((members, l) => {
    if (!members) return;
    const offset = ((tallest - members.length) * (NODE_HEIGHT + ROW_GAP)) / 2;
    for (const i of members) {
      placed.push({
        id: ids[i] as string,
        x: l * (NODE_WIDTH + COLUMN_GAP),
        y: offset + (row[i] as number) * (NODE_HEIGHT + ROW_GAP),
        layer: l,
        row: row[i] as number,
      });
    }
  });
  return placed;
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
