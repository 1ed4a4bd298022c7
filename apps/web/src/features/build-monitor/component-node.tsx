'use client';
// A component on the monitor's canvas. React Flow's node carries only what never changes
// (type, action, provider); the state comes from the component's own store, so a state change
// re-renders this node alone and leaves React Flow's `nodes` untouched (perf-notes.md).
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { createContext, memo, useContext } from 'react';
import { useNodeState } from './monitor-context';
import { stateIcon } from './states';

export type ComponentNodeData = { type: string; action: string; provider: string };
export type ComponentFlowNode = Node<ComponentNodeData, 'component'>;

/**
 * Whether the canvas shows a large build: then a running node's icon does not spin (dozens of
 * spinning icons kept the browser repainting every frame; the colour, the ◐ and the word stay).
 */
export const LargeCanvasContext = createContext(false);
const STILL = { animation: 'none' } as const;
/**
 * On a large build the texts are shortened here instead of clipped by CSS: every clip is a paint
 * chunk of its own, and the browser sorts all of them into layers on every frame (≈35 % less of
 * that work without them, BENCH.md "pnpm bench:web"). The full id is in the title.
 */
const UNCLIPPED = { overflow: 'visible' } as const;
const ID_CHARS = 22;
const KIND_CHARS = 28;

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

export const ComponentNode = memo(function ComponentNode({
  id,
  data,
  selected,
}: NodeProps<ComponentFlowNode>) {
  const state = useNodeState(id, (n) => n.state);
  const awaiting = useNodeState(id, (n) => n.awaitingApproval);
  const cancelling = useNodeState(id, (n) => n.cancelRequested);
  const attempt = useNodeState(id, (n) => n.attempt);
  const large = useContext(LargeCanvasContext);
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
      <span className="bm-node-icon" aria-hidden="true" style={large ? STILL : undefined}>
        {stateIcon(state)}
      </span>
      <span className="bm-node-text">
        <span className="bm-node-id" style={large ? UNCLIPPED : undefined}>
          {large ? shorten(id, ID_CHARS) : id}
        </span>
        <span className="bm-node-meta">
          {large ? (
            <span className="bm-node-kind" style={UNCLIPPED}>
              {shorten(`${data.action} · ${data.provider}`, KIND_CHARS)}
              {note && (
                <span className="bm-node-note">
                  {shorten(
                    ` · ${note}`,
                    Math.max(0, KIND_CHARS - `${data.action} · ${data.provider}`.length),
                  )}
                </span>
              )}
            </span>
          ) : (
            <span className="bm-node-kind">
              {data.action} · {data.provider}
              {note && <span className="bm-node-note"> · {note}</span>}
            </span>
          )}
          <span className="bm-node-state">{state}</span>
        </span>
      </span>
      <Handle type="source" position={Position.Right} isConnectable={false} className="bm-handle" />
    </div>
  );
});
