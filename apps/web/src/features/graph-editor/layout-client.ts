// Auto-layout off the main thread. Up to LARGE_LAYOUT components: ELK's API on this side, ELK
// itself in a Web Worker (layout.worker.ts), created on the first layout and kept for the next
// ones. Above it, or when ELK gives up (it overflows its stack on ~10k components), the fast
// layered longest-path layout (features/graph-layout/layered.ts) runs in its own worker.
import ElkApi, { type ELK } from 'elkjs/lib/elk-api';
import { positionsOf, toElkGraph } from './elk-graph';
import type { LayeredRequest, LayeredResponse } from './layered-protocol';
import { NODE_HEIGHT, NODE_WIDTH } from './types';

/** A layout that takes longer is given up (and its worker replaced). */
const LAYOUT_TIMEOUT_MS = 120_000;
/** Above this many components the fast layered layout is used instead of ELK. */
export const LARGE_LAYOUT = 2_000;

let elk: ELK | undefined;

function engine(): ELK {
  elk ??= new ElkApi({
    workerFactory: () => new Worker(new URL('./layout.worker.ts', import.meta.url)),
  });
  return elk;
}

export interface LayoutResult {
  positions: Map<string, { x: number; y: number }>;
  /** which layout produced the positions */
  engine: 'elk' | 'layered';
  /** why ELK was not used, when it was not (too large, or its error) */
  note?: string;
}

type Nodes = readonly { id: string }[];
type Edges = readonly { id: string; source: string; target: string }[];

async function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the layout took too long')), LAYOUT_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function elkLayout(nodes: Nodes, edges: Edges): Promise<Map<string, { x: number; y: number }>> {
  const current = engine();
  try {
    return positionsOf(await withTimeout(current.layout(toElkGraph(nodes, edges))));
  } catch (error) {
    // a worker that failed or hangs is not reused
    current.terminateWorker();
    if (elk === current) elk = undefined;
    throw error;
  }
}

/** The fast layered layout, in a worker of its own that lives for this one layout. */
export async function layeredLayoutOffThread(
  nodes: Nodes,
  edges: Edges,
): Promise<Map<string, { x: number; y: number }>> {
  const worker = new Worker(new URL('./layered-layout.worker.ts', import.meta.url));
  const ids = new Set(nodes.map((n) => n.id));
  const request: LayeredRequest = {
    ids: [...ids],
    edges: edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => ({ source: e.source, destination: e.target })),
    spacing: { nodeWidth: NODE_WIDTH, nodeHeight: NODE_HEIGHT, columnGap: 90, rowGap: 28 },
  };
  try {
    const answer = await withTimeout(
      new Promise<LayeredResponse>((resolve, reject) => {
        worker.onmessage = (event: MessageEvent<LayeredResponse>) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(event.message || 'the layout worker failed'));
        worker.postMessage(request);
      }),
    );
    if (!answer.ok) throw new Error(answer.error);
    return new Map(answer.positions.map(([id, x, y]) => [id, { x: Math.round(x), y: Math.round(y) }]));
  } finally {
    worker.terminate();
  }
}

/** Left-to-right layered positions (top-left corners) of the given nodes. */
export async function layoutGraph(nodes: Nodes, edges: Edges): Promise<LayoutResult> {
  if (nodes.length > LARGE_LAYOUT) {
    return {
      positions: await layeredLayoutOffThread(nodes, edges),
      engine: 'layered',
      note: `${nodes.length} components: laid out with the fast layered layout (ELK is used up to ${LARGE_LAYOUT}).`,
    };
  }
  try {
    return { positions: await elkLayout(nodes, edges), engine: 'elk' };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      positions: await layeredLayoutOffThread(nodes, edges),
      engine: 'layered',
      note: `ELK could not lay out this graph (${reason}); used the fast layered layout instead.`,
    };
  }
}
