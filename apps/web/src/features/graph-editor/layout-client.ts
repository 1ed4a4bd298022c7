// Auto-layout off the main thread: ELK's API on this side, ELK itself in a Web Worker
// (layout.worker.ts), created on the first layout and kept for the next ones.
import ElkApi, { type ELK } from 'elkjs/lib/elk-api';
import { positionsOf, toElkGraph } from './elk-graph';

/** A layout that takes longer is given up (and its worker replaced). */
const LAYOUT_TIMEOUT_MS = 120_000;

let elk: ELK | undefined;

function engine(): ELK {
  elk ??= new ElkApi({
    workerFactory: () => new Worker(new URL('./layout.worker.ts', import.meta.url)),
  });
  return elk;
}

/** Left-to-right layered positions (top-left corners) of the given nodes. */
export async function layoutGraph(
  nodes: readonly { id: string }[],
  edges: readonly { id: string; source: string; target: string }[],
): Promise<Map<string, { x: number; y: number }>> {
  const current = engine();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the layout took too long')), LAYOUT_TIMEOUT_MS);
  });
  try {
    return positionsOf(await Promise.race([current.layout(toElkGraph(nodes, edges)), timeout]));
  } catch (error) {
    // a worker that failed or hangs is not reused
    current.terminateWorker();
    if (elk === current) elk = undefined;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
