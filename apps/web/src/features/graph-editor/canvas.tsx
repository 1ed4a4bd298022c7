'use client';
// The editor's React Flow canvas: pre-sized nodes, visible-only rendering, palette drops and
// file drops, connecting by dragging from a right handle to a left handle.
import { Background, type Connection, Controls, MiniMap, ReactFlow, useReactFlow } from '@xyflow/react';
import { type DragEvent, useCallback } from 'react';
import { flowDefaults } from './flow-defaults';
import { edgeTypes, nodeTypes } from './flow-nodes';
import { useEditor } from './store-context';
import { type ComponentNode, type DependencyEdge, NODE_HEIGHT, NODE_WIDTH, PALETTE_MIME } from './types';

const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];

export function EditorCanvas({ onFile }: { onFile: (file: File) => void }) {
  const nodes = useEditor((state) => state.nodes);
  const edges = useEditor((state) => state.edges);
  const actions = useEditor((state) => state.actions);
  const { screenToFlowPosition } = useReactFlow();

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
        nodes={nodes}
        edges={edges}
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
        <Background gap={20} size={1} />
        <MiniMap pannable zoomable ariaLabel="Overview" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
