'use client';
// The build's graph, read-only: laid out once per build (the graph of a build never changes),
// nodes pre-sized with their handles so React Flow needs no measuring pass, only visible
// nodes rendered, the edges drawn by MonitorEdges (a few paths, not one SVG per edge: React
// Flow's `edges` stay empty). Clicking a component selects it for the panel.
import {
  Background,
  Controls,
  type Edge,
  type NodeMouseHandler,
  type NodeTypes,
  ReactFlow,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import { type CSSProperties, useEffect, useMemo, useRef } from 'react';
import { type ComponentFlowNode, ComponentNode, LargeCanvasContext } from './component-node';
import { aspectOf, LARGE_BUILD, NODE_HANDLES, NODE_HEIGHT, NODE_WIDTH, type Placed } from './layout';
import { type MonitorEdge, MonitorEdges } from './monitor-edges';
import type { ComponentInfo } from './types';

const nodeTypes: NodeTypes = { component: ComponentNode };
const NO_EDGES: Edge[] = [];
const FIT_VIEW = { padding: 0.12, maxZoom: 1 };
/**
 * How far a large build can be zoomed out: node text stays readable (≈9 px) and about a hundred
 * nodes are mounted (BENCH.md "pnpm bench:web": every mounted node and edge in view costs
 * paint and raster time while thousands of states change per second).
 */
const LARGE_ZOOM_FLOOR = 0.65;

export interface MonitorCanvasProps {
  components: readonly ComponentInfo[];
  /** where each component goes (`layeredLayout`) */
  layout: readonly Placed[];
  edges: readonly { source: string; destination: string }[];
  selected: string | null;
  onSelect: (id: string | null) => void;
}

export function MonitorCanvas({ components, layout, edges, selected, onSelect }: MonitorCanvasProps) {
  const nodes = useMemo<ComponentFlowNode[]>(() => {
    const info = new Map(components.map((c) => [c.id, c]));
    return layout.map((p) => {
      const c = info.get(p.id) as ComponentInfo;
      return {
        id: p.id,
        type: 'component',
        position: { x: p.x, y: p.y },
        data: { type: c.type, action: c.action, provider: c.provider },
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        measured: { width: NODE_WIDTH, height: NODE_HEIGHT },
        handles: NODE_HANDLES,
        draggable: false,
        connectable: false,
        selectable: true,
      };
    });
  }, [components, layout]);

  const positions = useMemo(() => new Map(layout.map((p) => [p.id, { x: p.x, y: p.y }])), [layout]);
  const drawnEdges = useMemo<MonitorEdge[]>(
    () =>
      edges
        .filter((e) => positions.has(e.source) && positions.has(e.destination))
        .map((e) => ({ source: e.source, target: e.destination })),
    [positions, edges],
  );

  // Selection lives in the page, not in the nodes array: the array never changes after layout.
  const shown = useMemo(
    () => (selected ? nodes.map((n) => (n.id === selected ? { ...n, selected: true } : n)) : nodes),
    [nodes, selected],
  );

  const onNodeClick: NodeMouseHandler<ComponentFlowNode> = (_, node) => onSelect(node.id);
  const large = components.length > LARGE_BUILD;
  // A flat graph gets a low canvas, a tall one a high canvas (CSS clamps it).
  const style = useMemo(() => ({ '--bm-aspect': aspectOf(layout).toFixed(3) }) as CSSProperties, [layout]);

  return (
    <div className="bm-canvas" data-testid="build-canvas" style={style}>
      <LargeCanvasContext.Provider value={large}>
        <ReactFlow<ComponentFlowNode>
          nodes={shown}
          edges={NO_EDGES}
          nodeTypes={nodeTypes}
          onNodeClick={onNodeClick}
          onPaneClick={() => onSelect(null)}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          edgesFocusable={false}
          onlyRenderVisibleElements
          fitView
          fitViewOptions={FIT_VIEW}
          minZoom={large ? LARGE_ZOOM_FLOOR : 0.1}
          maxZoom={2}
          proOptions={{ hideAttribution: false }}
        >
          <Background gap={24} size={1} color="#d8dee4" />
          <Controls showInteractive={false} />
          <RefitOnResize />
          <MonitorEdges edges={drawnEdges} positions={positions} animated={!large} />
        </ReactFlow>
      </LargeCanvasContext.Provider>
    </div>
  );
}

/** Fits the graph again when the canvas changes size (the panel opens or closes). */
function RefitOnResize() {
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const { fitView } = useReactFlow();
  const size = useRef({ width, height });
  useEffect(() => {
    const before = size.current;
    size.current = { width, height };
    if (before.width === 0 || (before.width === width && before.height === height)) return;
    void fitView(FIT_VIEW);
  }, [width, height, fitView]);
  return null;
}
