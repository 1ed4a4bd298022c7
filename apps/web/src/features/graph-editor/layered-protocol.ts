// Messages between the editor and its layered-layout worker (layered-layout.worker.ts).
import type { LayeredSpacing } from '../graph-layout/layered';

export interface LayeredRequest {
  ids: string[];
  edges: { source: string; destination: string }[];
  spacing: LayeredSpacing;
}

export type LayeredResponse =
  | { ok: true; positions: [id: string, x: number, y: number][] }
  | { ok: false; error: string };
