'use client';
// The monitor's edges, drawn by hand in one SVG under the nodes instead of as one React Flow
// edge (an <svg> with its own stacking context) each, and kept out of React: at 10k components
// a thousand long edges cross the view and follow the states of the components they lead into.
//
// What keeps this cheap (BENCH.md "pnpm bench:web"):
// - Only the edges whose box meets the view, plus a margin, are in the DOM. The browser repaints
//   the area around a node whose state changes, and everything drawn there with it: a curve is
//   drawn whole (all its length) for every such repaint it crosses. So each edge is cut into
//   short pieces (PIECE_LENGTH), each its own <path>, a repaint draws only the pieces in it, and
//   only the pieces in that area are in the DOM.
// - The view moving redraws once per frame; a component in view starting or stopping to run
//   restyles the edges into it soon, at most every STATE_REDRAW_MS; the node itself shows the
//   change at once.
// - Small graphs (up to LARGE_BUILD components, layout.ts): an edge into a running component is
//   blue and its dashes move (`.bm-edge-running` in globals.css).
// - Large graphs: restyling whole edges repaints most of the view (a ≈50 ms frame on the bench
//   machine each time), and anything that moves every frame costs a software-composited frame of
//   the whole canvas (dashes, or even an opacity pulse: the monitor fell to 6–20 frames per
//   second). So there the grey edges never change, and nothing moves: an edge into a running
//   component gets a blue tail and arrowhead where it enters the component, in a layer of its
//   own above the nodes (the tails lie in the gap between columns, so they cover no node; a layer
//   under the nodes would make the browser give every node over it a layer too), redrawn at
//   most every TAILS_REDRAW_MS. And since they never change, the grey edges of the area are not
//   in the DOM at all but one image of the area (a PNG drawn by a worker, edges-image.worker.ts),
//   made again only when the view leaves the area or zooms: thousands of <path> elements cost
//   the browser layout, paint and layerization work on every frame a node changed (≈40 % of the
//   frame's main-thread time), and an SVG image is drawn again, curve by curve, with every repaint
//   around a node (more raster time than the paths saved); a bitmap is copied.
import { useStoreApi, ViewportPortal } from '@xyflow/react';
import { type CSSProperties, useEffect, useMemo, useState } from 'react';
import type { EdgesImageRequest, EdgesImageResponse } from './edges-image-protocol';
import { NODE_HEIGHT, NODE_WIDTH } from './layout';
import { useMonitorStore } from './monitor-context';

/** How often a change of running states restyles the edges (small graphs) or tails at most. */
const STATE_REDRAW_MS = 100;
const TAILS_REDRAW_MS = 1_000;
/** How long the blue tail of an edge into a running component is (large graphs; flow units). */
const TAIL_LENGTH = 45;
/** The area drawn: the view and this fraction of its size on each side. */
const MARGIN = 0.25;
/** Largest side and area of the edges' image (large graphs), in pixels (Safari's canvas limit ≈ 16.7 M). */
const MAX_IMAGE_SIDE = 8_192;
const MAX_IMAGE_PIXELS = 16_000_000;
/** Edges are cut into pieces about this long (flow units). */
const PIECE_LENGTH = 400;
const SVG_NS = 'http://www.w3.org/2000/svg';
const IDLE = { stroke: '#8c959f', width: '1.5', marker: 'url(#bm-arrow)' };
const RUNNING = { stroke: '#0969da', width: '2.5', marker: 'url(#bm-arrow-running)' };

export interface MonitorEdge {
  source: string;
  target: string;
}

interface Box {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** One edge: its target, box (flow coordinates) and its pieces, the last one ending at the target. */
interface Geometry extends Box {
  target: string;
  pieces: (Box & { d: string })[];
  /** the last TAIL_LENGTH of the curve, and the arrowhead at its end */
  tail: string;
  arrow: string;
}

const r = (v: number) => Math.round(v * 10) / 10;

/**
 * The bezier React Flow draws from a right handle to a left handle (getBezierPath, curvature
 * 0.25), cut by de Casteljau into pieces of about PIECE_LENGTH.
 */
function geometry(sx: number, sy: number, tx: number, ty: number, target: string): Geometry {
  const distance = tx - sx;
  const offset = distance >= 0 ? 0.5 * distance : 0.25 * 25 * Math.sqrt(-distance);
  const p: Bezier = [sx, sy, sx + offset, sy, tx - offset, ty, tx, ty];
  const length = Math.hypot(tx - sx, ty - sy) + offset;
  const n = Math.max(1, Math.ceil(length / PIECE_LENGTH));
  const pieces: Geometry['pieces'] = [];
  // the rest of the curve after each cut, re-parametrised to [0, 1]
  let rest = p;
  for (let k = 0; k < n; k++) {
    const t = 1 / (n - k);
    const [a, b] = split(rest, t);
    const [ax, ay, bx, by, cx, cy, dx, dy] = a as Bezier;
    pieces.push({
      d: `M${r(ax)},${r(ay)}C${r(bx)},${r(by)} ${r(cx)},${r(cy)} ${r(dx)},${r(dy)}`,
      // a piece lies within the box of its four points (and the arrowhead at the end)
      minX: Math.min(ax, bx, cx, dx) - 12,
      maxX: Math.max(ax, bx, cx, dx),
      minY: Math.min(ay, by, cy, dy) - 6,
      maxY: Math.max(ay, by, cy, dy) + 6,
    });
    rest = b;
  }
  const [, [ax, ay, bx, by, cx, cy, dx, dy]] = split(p, Math.max(0, 1 - TAIL_LENGTH / length));
  return {
    target,
    tail: `M${r(ax)},${r(ay)}C${r(bx)},${r(by)} ${r(cx)},${r(cy)} ${r(dx)},${r(dy)}`,
    arrow: `M${r(tx - 10)},${r(ty - 5)}L${r(tx)},${r(ty)}L${r(tx - 10)},${r(ty + 5)}Z`,
    minX: Math.min(sx, tx, tx - offset) - 12,
    maxX: Math.max(sx, tx, sx + offset),
    minY: Math.min(sy, ty) - 6,
    maxY: Math.max(sy, ty) + 6,
    pieces,
  };
}

/** A cubic bezier: start, two control points, end (x, y each). */
type Bezier = [number, number, number, number, number, number, number, number];

/** A cubic bezier split at `t` into two. */
function split(p: Bezier, t: number): [Bezier, Bezier] {
  const [x0, y0, x1, y1, x2, y2, x3, y3] = p;
  const lerp = (a: number, b: number) => a + (b - a) * t;
  const x01 = lerp(x0, x1);
  const y01 = lerp(y0, y1);
  const x12 = lerp(x1, x2);
  const y12 = lerp(y1, y2);
  const x23 = lerp(x2, x3);
  const y23 = lerp(y2, y3);
  const xa = lerp(x01, x12);
  const ya = lerp(y01, y12);
  const xb = lerp(x12, x23);
  const yb = lerp(y12, y23);
  const xm = lerp(xa, xb);
  const ym = lerp(ya, yb);
  return [
    [x0, y0, x01, y01, xa, ya, xm, ym],
    [xm, ym, xb, yb, x23, y23, x3, y3],
  ];
}

const SVG_STYLE: CSSProperties = {
  position: 'absolute',
  left: 0,
  top: 0,
  overflow: 'visible',
  pointerEvents: 'none',
  // under the nodes (the viewport's stacking context)
  zIndex: -1,
};
// above the nodes: a layer of its own under the nodes would make the browser give every node
// over it a layer too
const TAILS_STYLE: CSSProperties = { ...SVG_STYLE, zIndex: 1, willChange: 'transform' };

interface Drawn {
  group: SVGGElement;
  running: boolean;
  /** the piece ending at the target, when it is in the area (it carries the arrowhead) */
  end: SVGPathElement | null;
}

const meets = (b: Box, a: { x0: number; y0: number; x1: number; y1: number }) =>
  b.maxX >= a.x0 && b.minX <= a.x1 && b.maxY >= a.y0 && b.minY <= a.y1;

/** Small graphs: an edge into a running component is blue and its dashes move. */
function style(entry: Drawn, running: boolean): void {
  const look = running ? RUNNING : IDLE;
  entry.running = running;
  entry.group.setAttribute('stroke', look.stroke);
  entry.group.setAttribute('stroke-width', look.width);
  entry.end?.setAttribute('marker-end', look.marker);
  entry.group.setAttribute('class', running ? 'bm-edge-running' : '');
}

export function MonitorEdges({
  edges,
  positions,
  animated,
}: {
  edges: readonly MonitorEdge[];
  positions: ReadonlyMap<string, { x: number; y: number }>;
  /** whether edges into running components move (small graphs only) */
  animated: boolean;
}) {
  const store = useMonitorStore();
  const flow = useStoreApi();
  // the portal renders once React Flow's viewport exists: draw when the SVG is there
  const [svg, setSvg] = useState<SVGSVGElement | null>(null);
  const [layer, setLayer] = useState<SVGGElement | null>(null);
  const [tails, setTails] = useState<SVGSVGElement | null>(null);
  const [imageHost, setImageHost] = useState<HTMLDivElement | null>(null);

  const geometries = useMemo(() => {
    const out: Geometry[] = [];
    for (const e of edges) {
      const s = positions.get(e.source);
      const t = positions.get(e.target);
      if (!s || !t) continue;
      out.push(geometry(s.x + NODE_WIDTH, s.y + NODE_HEIGHT / 2, t.x, t.y + NODE_HEIGHT / 2, e.target));
    }
    return out;
  }, [edges, positions]);

  useEffect(() => {
    if (svg === null || layer === null || tails === null || imageHost === null) return;
    const tailPath = tails.firstElementChild as SVGPathElement;
    const arrowPath = tails.lastElementChild as SVGPathElement;
    /** the edges in the DOM, by index in `geometries` */
    const drawn = new Map<number, Drawn>();
    /** indices of the drawn edges by their target */
    let byTarget = new Map<string, number[]>();
    let area = { x0: 0, y0: 0, x1: -1, y1: -1, zoom: 0 };
    const dirty = new Set<string>();
    let frame: number | null = null;
    let stateTimer: ReturnType<typeof setTimeout> | null = null;
    let lastRestyle = 0;
    let running = 0;
    /** image mode (large graphs): the image shown, and the number of the latest one made */
    let image: { element: HTMLImageElement; url: string } | null = null;
    let imageSerial = 0;
    type Drawing = { request: EdgesImageRequest; answered: (answer: EdgesImageResponse) => void };
    /** the request the worker is drawing, and the newest one waiting for it */
    let drawing: Drawing | null = null;
    let pending: Drawing | null = null;
    let worker =
      !animated && typeof Worker === 'function' && typeof OffscreenCanvas === 'function'
        ? new Worker(new URL('./edges-image.worker.ts', import.meta.url))
        : null;
    if (worker) {
      worker.onmessage = (event: MessageEvent<EdgesImageResponse>) => {
        const done = drawing;
        drawNext();
        done?.answered(event.data);
      };
      worker.onerror = (event) => {
        // the worker cannot run here: SVG images from now on
        console.warn(`the monitor's edges worker failed (${event.message}); drawing them as SVG`);
        worker?.terminate();
        worker = null;
        const next = pending ?? drawing;
        drawing = pending = null;
        next?.answered({ serial: next.request.serial, ok: false, error: event.message || 'worker error' });
      };
    }

    const isRunning = (id: string) => store.nodeState(id).state === 'running';
    /** small graphs restyle the edges into running components; large ones draw tails */
    const look = (entry: Drawn, now: boolean) => {
      if (entry.running) running--;
      if (now) running++;
      // large graphs: the edges are an image that never changes; only the tails follow
      if (animated) style(entry, now);
      else entry.running = now;
    };
    const count = () => {
      svg.dataset.edges = String(drawn.size);
      svg.dataset.running = String(running);
      if (animated) return;
      const ds: string[] = [];
      const heads: string[] = [];
      for (const [i, entry] of drawn) {
        if (!entry.running) continue;
        const g = geometries[i] as Geometry;
        ds.push(g.tail);
        heads.push(g.arrow);
      }
      tailPath.setAttribute('d', ds.join(''));
      arrowPath.setAttribute('d', heads.join(''));
    };

    const draw = () => {
      frame = null;
      const { transform, width, height } = flow.getState();
      const [vx, vy, zoom] = transform;
      if (width === 0 || height === 0) return;
      const x0 = -vx / zoom;
      const y0 = -vy / zoom;
      const x1 = x0 + width / zoom;
      const y1 = y0 + height / zoom;
      if (area.zoom === zoom && area.x0 <= x0 && area.y0 <= y0 && area.x1 >= x1 && area.y1 >= y1) return;
      const mx = (x1 - x0) * MARGIN;
      const my = (y1 - y0) * MARGIN;
      area = { x0: x0 - mx, y0: y0 - my, x1: x1 + mx, y1: y1 + my, zoom };
      const visible = new Set<number>();
      const targets = new Map<string, number[]>();
      for (let i = 0; i < geometries.length; i++) {
        const g = geometries[i] as Geometry;
        if (!meets(g, area)) continue;
        visible.add(i);
        const list = targets.get(g.target);
        if (list) list.push(i);
        else targets.set(g.target, [i]);
      }
      for (const [i, entry] of drawn) {
        if (visible.has(i)) continue;
        if (animated) entry.group.remove();
        if (entry.running) running--;
        drawn.delete(i);
      }
      if (!animated) {
        // large graphs: the edges as one image; `drawn` only follows which edges run (tails)
        for (const i of visible) {
          const g = geometries[i] as Geometry;
          if (drawn.has(i)) continue;
          const entry: Drawn = { group: layer as SVGGElement, running: false, end: null };
          drawn.set(i, entry);
          look(entry, isRunning(g.target));
        }
        showImage(visible);
        byTarget = targets;
        dirty.clear();
        count();
        return;
      }
      for (const i of visible) {
        const g = geometries[i] as Geometry;
        let entry = drawn.get(i);
        if (entry) entry.group.replaceChildren();
        else {
          entry = { group: document.createElementNS(SVG_NS, 'g'), running: false, end: null };
          layer.appendChild(entry.group);
          drawn.set(i, entry);
        }
        // only the pieces in the area
        entry.end = null;
        const last = g.pieces.length - 1;
        g.pieces.forEach((piece, k) => {
          if (!meets(piece, area)) return;
          const path = document.createElementNS(SVG_NS, 'path');
          path.setAttribute('d', piece.d);
          (entry as Drawn).group.appendChild(path);
          if (k === last) (entry as Drawn).end = path;
        });
        entry.group.removeAttribute('stroke');
        look(entry, isRunning(g.target));
      }
      byTarget = targets;
      dirty.clear();
      count();
    };

    /** Shows the grey edges of the area as one image (large graphs), swapped in once decoded. */
    const showImage = (visible: ReadonlySet<number>) => {
      const { x0, y0, x1, y1, zoom } = area;
      const curves: string[] = [];
      const arrows: string[] = [];
      for (const i of visible) {
        const g = geometries[i] as Geometry;
        const last = g.pieces.length - 1;
        g.pieces.forEach((piece, k) => {
          if (!meets(piece, area)) return;
          curves.push(piece.d);
          if (k === last) arrows.push(g.arrow);
        });
      }
      const w = x1 - x0;
      const h = y1 - y0;
      const serial = ++imageSerial;
      /** `width` × `height` flow units from (x0, y0): what the image covers */
      const show = (url: string, width: number, height: number) => {
        const element = document.createElement('img');
        element.alt = '';
        element.decoding = 'async';
        element.style.cssText = `position:absolute;left:${x0}px;top:${y0}px;width:${width}px;height:${height}px`;
        element.src = url;
        // swap once decoded (no blank frame); a newer image made meanwhile wins
        void element
          .decode()
          .catch(() => undefined)
          .then(() => {
            if (serial !== imageSerial) {
              URL.revokeObjectURL(url);
              return;
            }
            const previous = image;
            image = { element, url };
            imageHost.appendChild(element);
            if (previous) {
              previous.element.remove();
              URL.revokeObjectURL(previous.url);
            }
            imageHost.dataset.pieces = String(curves.length);
          });
      };
      const asSvg = () => {
        // the same drawing as an SVG image (vector: redrawn at every repaint, not copied)
        const text =
          `<svg xmlns="${SVG_NS}" width="${r(w)}" height="${r(h)}" viewBox="${r(x0)} ${r(y0)} ${r(w)} ${r(h)}">` +
          `<path d="${curves.join('')}" fill="none" stroke="${IDLE.stroke}" stroke-width="${IDLE.width}"/>` +
          `<path d="${arrows.join('')}" fill="${IDLE.stroke}"/></svg>`;
        show(URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' })), r(w), r(h));
      };
      if (!worker) {
        asSvg();
        return;
      }
      // a bitmap at the view's scale, drawn off the main thread; at most MAX_IMAGE_PIXELS
      const scale = Math.min(
        zoom * (window.devicePixelRatio || 1),
        MAX_IMAGE_SIDE / w,
        MAX_IMAGE_SIDE / h,
        Math.sqrt(MAX_IMAGE_PIXELS / (w * h)),
      );
      const width = Math.max(1, Math.ceil(w * scale));
      const height = Math.max(1, Math.ceil(h * scale));
      const request: EdgesImageRequest = {
        serial,
        width,
        height,
        scale,
        x0,
        y0,
        curves: curves.join(''),
        arrows: arrows.join(''),
        stroke: IDLE.stroke,
        lineWidth: Number(IDLE.width),
      };
      const answered = (answer: EdgesImageResponse) => {
        // a newer area asked meanwhile: this one is not shown
        if (answer.serial !== serial || serial !== imageSerial) return;
        if (answer.ok) show(URL.createObjectURL(answer.blob), width / scale, height / scale);
        else {
          console.warn(`the monitor's edges could not be drawn as a bitmap: ${answer.error}`);
          asSvg();
        }
      };
      // one drawing in flight at a time: while one is, only the newest request waits (a zoom
      // asks for one per frame; each would be drawn, encoded and thrown away in turn)
      pending = { request, answered };
      if (!drawing) drawNext();
    };
    /** Hands the waiting request to the worker. */
    const drawNext = () => {
      const next = pending;
      pending = null;
      drawing = next;
      if (!next || !worker) return;
      worker.postMessage(next.request);
    };

    const restyleDirty = () => {
      stateTimer = null;
      lastRestyle = performance.now();
      for (const id of dirty) {
        const now = isRunning(id);
        for (const i of byTarget.get(id) ?? []) {
          const entry = drawn.get(i);
          if (entry && entry.running !== now) look(entry, now);
        }
      }
      dirty.clear();
      count();
    };

    // the view moved or resized: draw in the next frame (nothing to do while it stays in the area)
    const stopFlow = flow.subscribe((s, previous) => {
      if (s.transform === previous.transform && s.width === previous.width && s.height === previous.height)
        return;
      if (frame === null) frame = requestAnimationFrame(draw);
    });
    // a component an edge in the area leads into started or stopped running: restyle soon
    const stopNodes = store.onNodeChange((id, next, previous) => {
      if ((next.state === 'running') === (previous.state === 'running') || !byTarget.has(id)) return;
      dirty.add(id);
      if (stateTimer !== null) return;
      const every = animated ? STATE_REDRAW_MS : TAILS_REDRAW_MS;
      stateTimer = setTimeout(restyleDirty, Math.max(0, lastRestyle + every - performance.now()));
    });
    draw();
    return () => {
      stopFlow();
      stopNodes();
      if (frame !== null) cancelAnimationFrame(frame);
      if (stateTimer !== null) clearTimeout(stateTimer);
      if (animated) for (const { group } of drawn.values()) group.remove();
      imageSerial++;
      worker?.terminate();
      if (image) {
        image.element.remove();
        URL.revokeObjectURL(image.url);
      }
    };
  }, [flow, store, geometries, animated, svg, layer, tails, imageHost]);

  return (
    <ViewportPortal>
      <div ref={setImageHost} style={SVG_STYLE} aria-hidden="true" data-testid="monitor-edges-image" />
      <svg ref={setSvg} style={SVG_STYLE} width="1" height="1" aria-hidden="true" data-testid="monitor-edges">
        <defs>
          <Arrow id="bm-arrow" color={IDLE.stroke} />
          <Arrow id="bm-arrow-running" color={RUNNING.stroke} />
        </defs>
        <g ref={setLayer} fill="none" />
      </svg>
      <svg
        ref={setTails}
        style={TAILS_STYLE}
        width="1"
        height="1"
        aria-hidden="true"
        data-testid="monitor-running-tails"
      >
        <path fill="none" stroke={RUNNING.stroke} strokeWidth={3} strokeLinecap="round" />
        <path fill={RUNNING.stroke} />
      </svg>
    </ViewportPortal>
  );
}

function Arrow({ id, color }: { id: string; color: string }) {
  return (
    <marker
      id={id}
      viewBox="0 0 10 10"
      refX="9"
      refY="5"
      markerWidth="10"
      markerHeight="10"
      markerUnits="userSpaceOnUse"
      orient="auto"
    >
      <path d="M 0 0 L 10 5 L 0 10 z" fill={color} />
    </marker>
  );
}
