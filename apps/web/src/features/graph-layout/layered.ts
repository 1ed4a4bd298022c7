// A fast left-to-right layered layout, shared by the build monitor (on the main thread) and the
// graph editor (in a Web Worker, for graphs too large for ELK): each component's column is its
// longest path from a source (Kahn's order, O(V+E)), rows are ordered by the mean row of the
// component's sources (one barycentre sweep), ties by input order. Deterministic, no recursion
// (so no stack limit), and fast enough for 10k components. No DOM or React Flow imports.

export interface Placed {
  id: string;
  x: number;
  y: number;
  layer: number;
  /** position within its layer */
  row: number;
}

export interface LayeredSpacing {
  nodeWidth: number;
  nodeHeight: number;
  columnGap: number;
  rowGap: number;
}

export function layeredLayout(
  ids: readonly string[],
  edges: readonly { source: string; destination: string }[],
  { nodeWidth, nodeHeight, columnGap, rowGap }: LayeredSpacing,
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

  let tallest = 0;
  for (const members of layers) tallest = Math.max(tallest, members?.length ?? 0);
  const placed: Placed[] = [];
  layers.forEach((members, l) => {
    if (!members) return;
    const offset = ((tallest - members.length) * (nodeHeight + rowGap)) / 2;
    for (const i of members) {
      placed.push({
        id: ids[i] as string,
        x: l * (nodeWidth + columnGap),
        y: offset + (row[i] as number) * (nodeHeight + rowGap),
        layer: l,
        row: row[i] as number,
      });
    }
  });
  return placed;
}
