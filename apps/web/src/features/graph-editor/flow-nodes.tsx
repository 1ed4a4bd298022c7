'use client';
// The node and edge components of both canvases, and `nodeTypes` / `edgeTypes` defined once at
// module level (a new object per render would make React Flow remount every node).
import {
  BaseEdge,
  type EdgeProps,
  type EdgeTypes,
  getBezierPath,
  Handle,
  type NodeProps,
  type NodeTypes,
  Position,
} from '@xyflow/react';
import { memo } from 'react';
import { useInvalidEdge, useInvalidNode } from './store-context';
import { type ComponentNode, type DependencyEdge, type MissingNode, NODE_HEIGHT } from './types';

/** A component: id, then type · action · provider; target handle left, source handle right. */
export const ComponentNodeView = memo(function ComponentNodeView({
  id,
  data,
  selected,
}: NodeProps<ComponentNode>) {
  const invalid = useInvalidNode(id);
  return (
    <div
      className="ge-node"
      data-testid={`node-${id}`}
      data-invalid={invalid ? 'true' : 'false'}
      data-selected={selected ? 'true' : 'false'}
      title={id}
    >
      <Handle type="target" position={Position.Left} aria-label={`${id}: depends on`} />
      <div className="ge-node-id">{id}</div>
      <div className="ge-node-meta">
        <span className="ge-node-type">{data.type || '(no type)'}</span>
        <span className="ge-node-action">{data.action || '(no action)'}</span>
        <span className="ge-node-provider">{data.provider || '(no provider)'}</span>
      </div>
      <Handle type="source" position={Position.Right} aria-label={`${id}: required by`} />
    </div>
  );
});

/** An id an edge names that is no drawn component (only in an invalid upload's preview). */
export const MissingNodeView = memo(function MissingNodeView({ id, data }: NodeProps<MissingNode>) {
  const invalid = useInvalidNode(id);
  return (
    <div
      className="ge-node ge-node-missing"
      data-testid={`node-${id}`}
      data-invalid={invalid ? 'true' : 'false'}
      title={id}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="ge-node-id">{id}</div>
      <div className="ge-node-meta">
        {data.reason === 'current' ? 'only in components (current state)' : 'not a component of the graph'}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

/** A target this close to (or left of) its source is drawn as a loop under both nodes. */
const BACKWARD_MARGIN = 40;

/**
 * An edge pointing backwards (a cycle in an upload, or nodes dragged out of order): out of the
 * source's right side, down below both nodes, left, and up into the target's left side, so it
 * does not run back over the forward edges.
 */
function backwardPath(sx: number, sy: number, tx: number, ty: number): string {
  const below = Math.max(sy, ty) + NODE_HEIGHT / 2 + 16;
  const bend = 48;
  return [
    `M ${sx} ${sy}`,
    `C ${sx + bend} ${sy}, ${sx + bend} ${below}, ${sx} ${below}`,
    `L ${tx} ${below}`,
    `C ${tx - bend} ${below}, ${tx - bend} ${ty}, ${tx} ${ty}`,
  ].join(' ');
}

/** `source → target`: a bezier with an arrow, red when a validation issue concerns it. */
export const DependencyEdgeView = memo(function DependencyEdgeView(props: EdgeProps<DependencyEdge>) {
  const { id, source, target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected } =
    props;
  const invalid = useInvalidEdge(id);
  const path =
    targetX < sourceX + BACKWARD_MARGIN
      ? backwardPath(sourceX, sourceY, targetX, targetY)
      : getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition })[0];
  return (
    <g
      className="ge-edge"
      data-testid={`edge-${source}->${target}`}
      data-invalid={invalid ? 'true' : 'false'}
      data-selected={selected ? 'true' : 'false'}
    >
      <BaseEdge
        id={id}
        path={path}
        markerEnd={
          invalid ? 'url(#ge-arrow-invalid)' : selected ? 'url(#ge-arrow-selected)' : 'url(#ge-arrow)'
        }
      />
    </g>
  );
});

export const nodeTypes: NodeTypes = { component: ComponentNodeView, missing: MissingNodeView };
export const edgeTypes: EdgeTypes = { dependency: DependencyEdgeView };

/** The arrowheads the edges point to (one SVG per page, referenced by id). */
export function EdgeMarkers() {
  const marker = (id: string, color: string) => (
    <marker
      id={id}
      viewBox="0 0 10 10"
      refX="9"
      refY="5"
      markerWidth="11"
      markerHeight="11"
      markerUnits="userSpaceOnUse"
      orient="auto-start-reverse"
    >
      <path d="M 0 0 L 10 5 L 0 10 z" fill={color} />
    </marker>
  );
  return (
    <svg className="ge-markers" aria-hidden="true" width="0" height="0">
      <defs>
        {marker('ge-arrow', '#8c959f')}
        {marker('ge-arrow-selected', '#0969da')}
        {marker('ge-arrow-invalid', '#cf222e')}
      </defs>
    </svg>
  );
}
