// Messages between the monitor's edges (monitor-edges.tsx) and the worker drawing them as an
// image (edges-image.worker.ts).

export interface EdgesImageRequest {
  /** answers to older requests are dropped */
  serial: number;
  /** the image, in pixels */
  width: number;
  height: number;
  /** pixels per flow unit */
  scale: number;
  /** the area's top-left corner, flow coordinates */
  x0: number;
  y0: number;
  /** SVG path data of every curve piece in the area, and of their arrowheads */
  curves: string;
  arrows: string;
  stroke: string;
  /** flow units */
  lineWidth: number;
}

export type EdgesImageResponse =
  | { serial: number; ok: true; blob: Blob }
  | { serial: number; ok: false; error: string };
