'use client';
// The editor's React Flow canvas: pre-sized nodes, visible-only rendering, palette drops and
// file drops, connecting by dragging from a right handle to a left handle. A large graph zoomed
// out is drawn on a canvas instead (overview.tsx): React Flow then holds no nodes at all.
import {
  Background,
  type Connection,
  Controls,
  MiniMap,
  ReactFlow,
  type ReactFlowState,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import { type DragEvent, useCallback } from 'react';
import { flowDefaults } from './flow-defaults';
import { edgeTypes, nodeTypes } from './flow-nodes';
import {
  DETAIL_ZOOM,
  OVERVIEW_MIN,
  OVERVIEW_MIN_ZOOM,
  OverviewCanvas,
  OverviewMiniMap,
  useOverviewForced,
} from './overview';
import { useEditor } from './store-context';
import { type ComponentNode, type DependencyEdge, NODE_HEIGHT, NODE_WIDTH, PALETTE_MIME } from './types';

const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
const NO_NODES: ComponentNode[] = [];
const NO_EDGES: DependencyEdge[] = [];
const zoomedOut = (s: ReactFlowState) => s.transform[2] < DETAIL_ZOOM;

export function EditorCanvas({ onFile }: { onFile: (file: File) => void }) {
  const nodes = useEditor((state) => state.nodes);
  const edges = useEditor((state) => state.edges);
  const actions = useEditor((state) => state.actions);
  const { screenToFlowPosition } = useReactFlow();
  const large = nodes.length > OVERVIEW_MIN;
  const zoomed = useStore(zoomedOut);
  const forced = useOverviewForced();
  const overview = large && (zoomed || forced);

  const onConnect = useCallback(
    (connection: Connection) => {
      actions.connect(connection.source, connection.target);
    },
    [actions],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    const types = event.dataTransfer.types;
    if (!types.includes(PALETTE_MIME) && !types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_MIME);
      if (type !== '') {
        event.preventDefault();
        const at = screenToFlowPosition({ x: event.clientX, y: event.clientY });
        actions.addComponent(type, { x: at.x - NODE_WIDTH / 2, y: at.y - NODE_HEIGHT / 2 });
        return;
      }
      const file = event.dataTransfer.files[0];
      if (file !== undefined) {
        event.preventDefault();
        onFile(file);
      }
    },
    [actions, onFile, screenToFlowPosition],
  );

  return (
    <div className="ge-canvas" data-testid="editor-canvas">
      <ReactFlow<ComponentNode, DependencyEdge>
        {...flowDefaults}
        {...(large ? { minZoom: OVERVIEW_MIN_ZOOM } : {})}
        nodes={overview ? NO_NODES : nodes}
        edges={overview ? NO_EDGES : edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={actions.onNodesChange}
        onEdgesChange={actions.onEdgesChange}
        onConnect={onConnect}
        onNodeDragStart={actions.beginMove}
        onNodeDragStop={actions.endMove}
        onSelectionDragStart={actions.beginMove}
        onSelectionDragStop={actions.endMove}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        onDragOver={onDragOver}
        onDrop={onDrop}
        aria-label="Graph canvas"
      >
        {!overview && <Background gap={20} size={1} />}
        {large ? <OverviewMiniMap /> : <MiniMap pannable zoomable ariaLabel="Overview" />}
        {large && <OverviewCanvas active={overview} />}
        {/* React Flow's own fit jumps straight to the whole graph with every node it holds:
            on a large graph the toolbar's "Fit view" (useFitGraph) does it safely */}
        <Controls showInteractive={false} showFitView={!large} />
      </ReactFlow>
    </div>
  );
}
