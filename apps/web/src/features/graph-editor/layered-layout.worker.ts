// A Web Worker running the fast layered layout (features/graph-layout/layered.ts) for the
// editor: used for graphs too large for ELK and when ELK gives up (layout-client.ts).
import { layeredLayout } from '../graph-layout/layered';
import type { LayeredRequest, LayeredResponse } from './layered-protocol';

self.onmessage = (event: MessageEvent<LayeredRequest>) => {
  const { ids, edges, spacing } = event.data;
  let answer: LayeredResponse;
  try {
    const placed = layeredLayout(ids, edges, spacing);
    answer = { ok: true, positions: placed.map((p) => [p.id, p.x, p.y]) };
  } catch (error) {
    answer = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(answer);
};
