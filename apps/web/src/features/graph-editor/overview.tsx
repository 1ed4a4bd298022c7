'use client';
// A large graph zoomed out is drawn on a canvas instead of as DOM nodes (perf-notes.md: beyond
// ~2,000 mounted nodes the browser's compositing dominates, whatever React does; BENCH.md
// "pnpm bench:web"). Above OVERVIEW_MIN components, the editor canvas hands React Flow no nodes
// and no edges while the zoom is under DETAIL_ZOOM: OverviewCanvas draws them all (selection
// and validation problems coloured), and zooming in past DETAIL_ZOOM gives React Flow the real
// nodes again, of which it mounts only the visible ones. OverviewMiniMap replaces React Flow's
// MiniMap on such graphs (an SVG with one <rect> per node: ≈0.5 s to mount at 10k).
import { getViewportForBounds, Panel, useReactFlow, useStoreApi } from '@xyflow/react';
import { type PointerEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useStore as useZustand } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { type EditorState, nodesById, selectedIds } from './editor-store';
import { FIT_VIEW_OPTIONS } from './flow-defaults';
import { useEditorApi } from './store-context';
import { type ComponentNode, NODE_HEIGHT, NODE_WIDTH } from './types';

/** Graphs with more components than this get the overview when zoomed out. */
export const OVERVIEW_MIN = 1_500;
/** Under this zoom (on such graphs) the overview is drawn instead of DOM nodes. */
export const DETAIL_ZOOM = 0.45;
/** How far out such graphs can be zoomed (enough to fit 100k components). */
export const OVERVIEW_MIN_ZOOM = 0.002;

const EDGE = '#afb8c1';
const EDGE_SELECTED = '#0969da';
const EDGE_INVALID = '#cf222e';
const NODE = '#8c959f';
const NODE_SELECTED = '#0969da';
const NODE_INVALID = '#cf222e';

type Bounds = { x: number; y: number; width: number; height: number };

/** The box around every node (null without nodes). */
export function graphBounds(nodes: readonly ComponentNode[]): Bounds | null {
  if (nodes.length === 0) return null;
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const node of nodes) {
    x0 = Math.min(x0, node.position.x);
    y0 = Math.min(y0, node.position.y);
    x1 = Math.max(x1, node.position.x + NODE_WIDTH);
    y1 = Math.max(y1, node.position.y + NODE_HEIGHT);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Per React Flow instance: the overview is shown whatever the zoom, because a jump to a zoom
 * under DETAIL_ZOOM is about to happen. React Flow must drop its nodes *before* such a jump: it
 * takes new nodes in an effect after rendering, so a view zoomed out on its 10k nodes would
 * first mount every one of them (seconds), then unmount them.
 */
const forcedStores = new WeakMap<object, StoreApi<{ forced: boolean }>>();
function forcedStore(flow: { getState: object }): StoreApi<{ forced: boolean }> {
  // keyed by `getState`: useStoreApi() hands each component a wrapper object of its own
  let store = forcedStores.get(flow.getState);
  if (store === undefined) {
    store = createStore(() => ({ forced: false }));
    forcedStores.set(flow.getState, store);
  }
  return store;
}

/** Whether the overview is forced on (see forcedStore). */
export function useOverviewForced(): boolean {
  return useZustand(forcedStore(useStoreApi()), (s) => s.forced);
}

/**
 * Fits the whole graph into view: React Flow's `fitView` fits the nodes React Flow holds, which
 * in the overview are none, and stops at the editor's zoom floor. Call it in the same tick as a
 * change of the nodes: a fit that ends in the overview switches to it at once, before React Flow
 * renders the new nodes.
 */
export function useFitGraph(): (options?: { duration?: number }) => Promise<void> {
  const store = useEditorApi();
  const flow = useStoreApi();
  const { setViewport } = useReactFlow();
  return useCallback(
    async ({ duration = 0 } = {}) => {
      const { nodes } = store.getState();
      const bounds = graphBounds(nodes);
      const { width, height } = flow.getState();
      if (bounds === null || width === 0 || height === 0) return;
      const large = nodes.length > OVERVIEW_MIN;
      const viewport = getViewportForBounds(
        bounds,
        width,
        height,
        large ? OVERVIEW_MIN_ZOOM : FIT_VIEW_OPTIONS.minZoom,
        FIT_VIEW_OPTIONS.maxZoom,
        FIT_VIEW_OPTIONS.padding,
      );
      const forced = forcedStore(flow);
      const toOverview = large && viewport.zoom < DETAIL_ZOOM;
      if (toOverview) forced.setState({ forced: true });
      // React Flow takes the nodes (or none) in before the view moves
      await new Promise((resolve) => requestAnimationFrame(resolve));
      await setViewport(viewport, { duration });
      if (toOverview) forced.setState({ forced: false });
    },
    [store, flow, setViewport],
  );
}

/** What the overview draws of the editor state: redrawn only when one of these changes. */
function drawnPart(s: EditorState) {
  return [s.nodes, s.edges, s.invalid] as const;
}

function sizeCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width * dpr));
  const h = Math.max(1, Math.round(height * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d');
  if (ctx === null) return null;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return ctx;
}

/**
 * The whole graph on a canvas under React Flow's pane while `active` (pointer events pass
 * through: the pane still pans and zooms).
 */
export function OverviewCanvas({ active }: { active: boolean }) {
  const store = useEditorApi();
  const flow = useStoreApi();
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!active || canvas === null) return;
    let frame: number | null = null;

    const draw = () => {
      frame = null;
      const { transform, width, height } = flow.getState();
      const ctx = sizeCanvas(canvas, width, height);
      if (ctx === null) return;
      const [vx, vy, zoom] = transform;
      const dpr = window.devicePixelRatio || 1;
      ctx.setTransform(zoom * dpr, 0, 0, zoom * dpr, vx * dpr, vy * dpr);
      // the view in flow coordinates
      const x0 = -vx / zoom;
      const y0 = -vy / zoom;
      const x1 = x0 + width / zoom;
      const y1 = y0 + height / zoom;
      const { nodes, edges, invalid } = store.getState();
      const byId = nodesById(nodes);
      const selected = new Set(selectedIds(nodes));
      const onePixel = 1 / zoom;

      // edges: straight lines from the source's right side to the target's left side
      const special: [number, number, number, number, string][] = [];
      ctx.beginPath();
      for (const edge of edges) {
        const s = byId.get(edge.source);
        const t = byId.get(edge.target);
        if (s === undefined || t === undefined) continue;
        const sx = s.position.x + NODE_WIDTH;
        const sy = s.position.y + NODE_HEIGHT / 2;
        const tx = t.position.x;
        const ty = t.position.y + NODE_HEIGHT / 2;
        if (Math.max(sx, tx) < x0 || Math.min(sx, tx) > x1 || Math.max(sy, ty) < y0 || Math.min(sy, ty) > y1)
          continue;
        if (edge.selected || invalid.edges.has(edge.id)) {
          special.push([sx, sy, tx, ty, invalid.edges.has(edge.id) ? EDGE_INVALID : EDGE_SELECTED]);
          continue;
        }
        ctx.moveTo(sx, sy);
        ctx.lineTo(tx, ty);
      }
      ctx.strokeStyle = EDGE;
      ctx.lineWidth = onePixel;
      ctx.stroke();
      ctx.lineWidth = 2 * onePixel;
      for (const [sx, sy, tx, ty, color] of special) {
        ctx.beginPath();
        ctx.moveTo(sx, sy);
        ctx.lineTo(tx, ty);
        ctx.strokeStyle = color;
        ctx.stroke();
      }

      // nodes: filled boxes, at least a pixel
      const w = Math.max(NODE_WIDTH, onePixel);
      const h = Math.max(NODE_HEIGHT, onePixel);
      const marked: ComponentNode[] = [];
      ctx.fillStyle = NODE;
      for (const node of nodes) {
        const { x, y } = node.position;
        if (x + w < x0 || x > x1 || y + h < y0 || y > y1) continue;
        if (selected.has(node.id) || invalid.nodes.has(node.id)) {
          marked.push(node);
          continue;
        }
        ctx.fillRect(x, y, w, h);
      }
      for (const node of marked) {
        ctx.fillStyle = invalid.nodes.has(node.id) ? NODE_INVALID : NODE_SELECTED;
        ctx.fillRect(node.position.x, node.position.y, w, h);
      }
      canvas.dataset.drawn = String(performance.now());
    };
    const schedule = () => {
      if (frame === null) frame = requestAnimationFrame(draw);
    };

    const stopFlow = flow.subscribe((s, previous) => {
      if (s.transform !== previous.transform || s.width !== previous.width || s.height !== previous.height)
        schedule();
    });
    let part = drawnPart(store.getState());
    const stopStore = store.subscribe((s) => {
      const next = drawnPart(s);
      if (next.every((value, i) => value === part[i])) return;
      part = next;
      schedule();
    });
    draw();
    return () => {
      stopFlow();
      stopStore();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [active, store, flow]);

  return (
    <>
      <canvas
        ref={canvasRef}
        className="ge-overview"
        data-testid="editor-overview"
        role="img"
        aria-label="All components of the graph (zoom in to edit them)"
        style={{
          position: 'absolute',
          inset: 0,
          width: '100%',
          height: '100%',
          pointerEvents: 'none',
          zIndex: 3,
          display: active ? 'block' : 'none',
        }}
      />
      {active && (
        <Panel position="top-left" className="ge-overview-hint">
          <span className="ge-hint">Overview of a large graph: zoom in to see and edit components.</span>
        </Panel>
      )}
    </>
  );
}

const MINIMAP = { width: 200, height: 150 };

/**
 * A minimap drawn on a canvas: every node as a dot (drawn once per change of the graph), the
 * view as a rectangle. Click or drag to move the view there, scroll to zoom.
 */
export function OverviewMiniMap() {
  const store = useEditorApi();
  const flow = useStoreApi();
  const { setCenter, getZoom, zoomTo } = useReactFlow();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  /** flow coordinates → minimap pixels */
  const [mapping, setMapping] = useState<{ x: number; y: number; scale: number } | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null) return;
    let graph: HTMLCanvasElement | null = null;
    let map: { x: number; y: number; scale: number } | null = null;
    let frame: number | null = null;

    const drawGraph = () => {
      const { nodes } = store.getState();
      const bounds = graphBounds(nodes);
      graph = document.createElement('canvas');
      map = null;
      if (bounds === null) return;
      const scale = Math.min(MINIMAP.width / bounds.width, MINIMAP.height / bounds.height) * 0.9;
      map = {
        scale,
        x: bounds.x - (MINIMAP.width / scale - bounds.width) / 2,
        y: bounds.y - (MINIMAP.height / scale - bounds.height) / 2,
      };
      const ctx = sizeCanvas(graph, MINIMAP.width, MINIMAP.height);
      if (ctx === null) return;
      const dpr = window.devicePixelRatio || 1;
      ctx.setTransform(scale * dpr, 0, 0, scale * dpr, -map.x * scale * dpr, -map.y * scale * dpr);
      ctx.fillStyle = NODE;
      const w = Math.max(NODE_WIDTH, 1 / scale);
      const h = Math.max(NODE_HEIGHT, 1 / scale);
      for (const node of nodes) ctx.fillRect(node.position.x, node.position.y, w, h);
    };

    const draw = () => {
      frame = null;
      const ctx = sizeCanvas(canvas, MINIMAP.width, MINIMAP.height);
      if (ctx === null) return;
      if (graph !== null && graph.width > 0) ctx.drawImage(graph, 0, 0);
      if (map === null) return;
      const { transform, width, height } = flow.getState();
      const [vx, vy, zoom] = transform;
      const dpr = window.devicePixelRatio || 1;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.strokeStyle = '#0969da';
      ctx.lineWidth = 1.5;
      ctx.strokeRect(
        (-vx / zoom - map.x) * map.scale,
        (-vy / zoom - map.y) * map.scale,
        (width / zoom) * map.scale,
        (height / zoom) * map.scale,
      );
    };
    const schedule = () => {
      if (frame === null) frame = requestAnimationFrame(draw);
    };

    let nodes = store.getState().nodes;
    drawGraph();
    setMapping(map);
    draw();
    const stopStore = store.subscribe((s) => {
      if (s.nodes === nodes) return;
      nodes = s.nodes;
      drawGraph();
      setMapping(map);
      schedule();
    });
    const stopFlow = flow.subscribe((s, previous) => {
      if (s.transform !== previous.transform || s.width !== previous.width || s.height !== previous.height)
        schedule();
    });
    return () => {
      stopStore();
      stopFlow();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [store, flow]);

  const moveTo = (event: PointerEvent<HTMLCanvasElement>) => {
    if (mapping === null) return;
    const box = event.currentTarget.getBoundingClientRect();
    const x = mapping.x + (event.clientX - box.left) / mapping.scale;
    const y = mapping.y + (event.clientY - box.top) / mapping.scale;
    void setCenter(x, y, { zoom: getZoom() });
  };

  return (
    <Panel position="bottom-right" className="react-flow__minimap ge-minimap">
      <canvas
        ref={canvasRef}
        role="img"
        aria-label="Overview"
        style={{ width: MINIMAP.width, height: MINIMAP.height, display: 'block', cursor: 'pointer' }}
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          moveTo(event);
        }}
        onPointerMove={(event) => {
          if (event.buttons === 1) moveTo(event);
        }}
        onWheel={(event) => {
          void zoomTo(getZoom() * (event.deltaY < 0 ? 1.2 : 1 / 1.2));
        }}
      />
    </Panel>
  );
}
