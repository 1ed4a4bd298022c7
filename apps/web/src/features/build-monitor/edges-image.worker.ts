// A Web Worker drawing the monitor's grey edges of one area into a PNG (monitor-edges.tsx, large
// builds): the page shows it as an <img>, a bitmap the browser copies when it repaints the area
// around a node instead of drawing thousands of curves again (BENCH.md "pnpm bench:web").
import type { EdgesImageRequest, EdgesImageResponse } from './edges-image-protocol';

self.onmessage = async (event: MessageEvent<EdgesImageRequest>) => {
  const { serial, width, height, scale, x0, y0, curves, arrows, stroke, lineWidth } = event.data;
  let answer: EdgesImageResponse;
  try {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d context in the worker');
    // flow coordinates → image pixels
    context.setTransform(scale, 0, 0, scale, -x0 * scale, -y0 * scale);
    context.strokeStyle = stroke;
    context.fillStyle = stroke;
    context.lineWidth = lineWidth;
    context.stroke(new Path2D(curves));
    context.fill(new Path2D(arrows));
    answer = { serial, ok: true, blob: await canvas.convertToBlob({ type: 'image/png' }) };
  } catch (error) {
    answer = { serial, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(answer);
};
