'use client';
// A component on the monitor's canvas. React Flow's node carries only what never changes
// (type, action, provider); the state comes from the component's own store, so a state change
// re-renders this node alone and leaves React Flow's `nodes` untouched (perf-notes.md).
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import { useNodeState } from './monitor-context';
import { stateIcon } from './states';

export type ComponentNodeData = { type: string; action: string; provider: string };
export type ComponentFlowNode = Node<ComponentNodeData, 'component'>;

export const ComponentNode = memo(function ComponentNode({
  id,
  data,
  selected,
}: NodeProps<ComponentFlowNode>) {
  const state = useNodeState(id, (n) => n.state);
  const awaiting = useNodeState(id, (n) => n.awaitingApproval);
  const cancelling = useNodeState(id, (n) => n.cancelRequested);
  const attempt = useNodeState(id, (n) => n.attempt);
  const note = awaiting
    ? 'awaiting approval'
    : cancelling
      ? 'cancelling'
      : attempt > 1
        ? `attempt ${attempt}`
        : '';
  return (
    <div
      className={`bm-node bm-state-${state}${selected ? ' bm-node-selected' : ''}`}
      data-testid={`node-${id}`}
      data-state={state}
      title={`${id}: ${state}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} className="bm-handle" />
      <span className="bm-node-icon" aria-hidden="true">
        {stateIcon(state)}
      </span>
      <span className="bm-node-text">
        <span className="bm-node-id">{id}</span>
        <span className="bm-node-meta">
          <span className="bm-node-kind">
            {data.action} · {data.provider}
            {note && <span className="bm-node-note"> · {note}</span>}
          </span>
          <span className="bm-node-state">{state}</span>
        </span>
      </span>
      <Handle type="source" position={Position.Right} isConnectable={false} className="bm-handle" />
    </div>
  );
});
