'use client';
// A lifecycle definition drawn as a state diagram (React Flow): states as nodes, laid out left
// to right by ELK, transitions as edges labelled with their triggers. The state the machine is
// in carries `data-state="current"`, those it passed through `visited`; the transitions it took
// are drawn darker. Read-only.
import {
  Background,
  type Edge,
  Handle,
  MarkerType,
  type Node,
  type NodeProps,
  type NodeTypes,
  Position,
  ReactFlow,
} from '@xyflow/react';
import { memo, useEffect, useMemo, useState } from 'react';
import {
  type LifecycleGraph,
  layoutLifecycle,
  type RunProgress,
  STATE_HEIGHT,
  STATE_WIDTH,
  type StateMark,
  stateMarks,
  takenTransitions,
} from './lifecycle-graph';

type StateNodeData = { mark: StateMark; initial: boolean; failure: boolean; final: boolean };
type StateFlowNode = Node<StateNodeData, 'state'>;

const StateNode = memo(function StateNode({ id, data }: NodeProps<StateFlowNode>) {
  const kind = data.failure ? ' in-lc-failure' : data.final ? ' in-lc-final' : '';
  return (
    <div
      className={`in-lc-state in-lc-${data.mark}${kind}`}
      data-testid={`lifecycle-state-${id}`}
      data-state={data.mark}
      title={`${id}${data.initial ? ' (initial)' : ''}${data.mark === 'current' ? ': current state' : ''}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} className="bm-handle" />
      {data.initial && (
        <span className="in-lc-initial" title="initial state">
          ▸
        </span>
      )}
      <span className="in-lc-name">{id}</span>
      <Handle type="source" position={Position.Right} isConnectable={false} className="bm-handle" />
    </div>
  );
});

const nodeTypes: NodeTypes = { state: StateNode };
const FIT_VIEW = { padding: 0.15, maxZoom: 1 };

export function LifecycleDiagram({ graph, run }: { graph: LifecycleGraph; run: RunProgress | null }) {
  const [positions, setPositions] = useState<Map<string, { x: number; y: number }> | null>(null);
  const [layoutError, setLayoutError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setPositions(null);
    layoutLifecycle(graph).then(
      (placed) => {
        if (!cancelled) setPositions(placed);
      },
      (error: unknown) => {
        if (!cancelled) setLayoutError(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [graph]);

  const marks = useMemo(() => stateMarks(graph, run), [graph, run]);
  const taken = useMemo(() => takenTransitions(run), [run]);

  const nodes = useMemo<StateFlowNode[]>(() => {
    if (!positions) return [];
    return graph.states.map((s) => ({
      id: s.id,
      type: 'state',
      position: positions.get(s.id) ?? { x: 0, y: 0 },
      data: { mark: marks.get(s.id) ?? 'idle', initial: s.initial, failure: s.failure, final: s.final },
      width: STATE_WIDTH,
      height: STATE_HEIGHT,
      draggable: false,
      connectable: false,
      selectable: false,
    }));
  }, [graph, positions, marks]);

  const edges = useMemo<Edge[]>(
    () =>
      graph.transitions.map((t) => {
        const done = taken.has(t.id);
        return {
          id: t.id,
          source: t.source,
          target: t.target,
          label: t.pauses ? `${t.label} ⏸` : t.label,
          className: done ? 'in-lc-edge in-lc-edge-taken' : 'in-lc-edge',
          markerEnd: { type: MarkerType.ArrowClosed, color: done ? '#24292f' : '#8c959f' },
          labelBgPadding: [4, 2] as [number, number],
          labelStyle: { fontSize: 11 },
          focusable: false,
        };
      }),
    [graph, taken],
  );

  if (layoutError) return <p className="bm-text-bad">Cannot lay out the lifecycle: {layoutError}</p>;
  return (
    <div className="in-lc-canvas" data-testid="lifecycle-diagram" data-current={run?.current ?? ''}>
      {positions && (
        <ReactFlow<StateFlowNode>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          edgesFocusable={false}
          fitView
          fitViewOptions={FIT_VIEW}
          minZoom={0.2}
          maxZoom={1.5}
          proOptions={{ hideAttribution: false }}
        >
          <Background gap={24} size={1} color="#d8dee4" />
        </ReactFlow>
      )}
    </div>
  );
}
