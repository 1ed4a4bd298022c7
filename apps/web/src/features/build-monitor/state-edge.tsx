'use client';
// An edge that animates while the component it leads into runs, read from that component's
// store: the `edges` array never changes during a build.
import { BaseEdge, type Edge, type EdgeProps, getBezierPath } from '@xyflow/react';
import { memo } from 'react';
import { useNodeState } from './monitor-context';

export type StateFlowEdge = Edge<Record<string, never>, 'state'>;

export const StateEdge = memo(function StateEdge({
  id,
  target,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  markerEnd,
}: EdgeProps<StateFlowEdge>) {
  const running = useNodeState(target, (n) => n.state === 'running');
  const [path] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <BaseEdge
      id={id}
      path={path}
      className={running ? 'bm-edge bm-edge-running' : 'bm-edge'}
      {...(markerEnd ? { markerEnd } : {})}
    />
  );
});
