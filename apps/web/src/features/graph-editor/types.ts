// The editor graph as React Flow sees it (style.md habit 8): node kinds as a union of
// `Node<Data, 'kind'>`, one edge kind, and the fixed node geometry that lets React Flow
// skip measuring (perf-notes.md: pre-sized nodes load a 10k graph in about a second).
import type { Component, ComponentPolicy, Edge as CoreEdge } from '@ordo/core';
import { type Edge, type Node, type NodeHandle, Position } from '@xyflow/react';

/** A component of the graph's `changes`: what the editor draws and edits. */
export type ComponentNodeData = {
  /** `_component` */
  type: string;
  /** `_action` (a string: an unknown action survives and is reported by validation) */
  action: string;
  /** `_provider` */
  provider: string;
  /** every other field, templates included (`name` among them) */
  props: Record<string, unknown>;
  /** imported `_state`, kept as history */
  state?: string;
  /** Ordo native `_policy`, kept as is */
  policy?: ComponentPolicy;
};

/**
 * An id an edge names that is not a component of the drawn graph (only in an invalid upload's
 * preview): drawn so that the dangling edge can be seen and highlighted.
 */
export type MissingNodeData = {
  /** `unknown`: in neither changes nor components; `current`: only in components (current state) */
  reason: 'unknown' | 'current';
};

export type ComponentNode = Node<ComponentNodeData, 'component'>;
export type MissingNode = Node<MissingNodeData, 'missing'>;
/** Every kind of node a canvas of this editor draws. */
export type EditorNode = ComponentNode | MissingNode;

/** `target` runs only after `source` completed. */
export type DependencyEdge = Edge<Record<string, never>, 'dependency'>;

/**
 * What the editor keeps of a graph beside its drawn components and edges, so that a loaded
 * graph saves back whole: its name, Ernest's top-level action, the current state
 * (`components`, not drawn: it is not run) and edges that touch a component outside `changes`.
 */
export interface GraphMeta {
  name: string;
  action?: string;
  current: Component[];
  externalEdges: CoreEdge[];
}

/** One state of the editor graph, as undo/redo keeps it. */
export interface GraphSnapshot {
  nodes: ComponentNode[];
  edges: DependencyEdge[];
  meta: GraphMeta;
}

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 64;
/** Handle box size; globals.css (`.ge-node .react-flow__handle`) draws them at this size. */
const HANDLE_SIZE = 10;

/** Where the two handles sit, so React Flow never measures them (shared by every node). */
export const NODE_HANDLES: NodeHandle[] = [
  {
    type: 'target',
    position: Position.Left,
    x: -HANDLE_SIZE / 2,
    y: NODE_HEIGHT / 2 - HANDLE_SIZE / 2,
    width: HANDLE_SIZE,
    height: HANDLE_SIZE,
  },
  {
    type: 'source',
    position: Position.Right,
    x: NODE_WIDTH - HANDLE_SIZE / 2,
    y: NODE_HEIGHT / 2 - HANDLE_SIZE / 2,
    width: HANDLE_SIZE,
    height: HANDLE_SIZE,
  },
];

/** The component types the palette offers (any other type can be typed in). */
export const PALETTE_TYPES = [
  'vpc',
  'network',
  'firewall',
  'instance',
  'elb',
  'credentials',
  'dns',
  'task',
] as const;

/** The drag-and-drop data type of a palette item; its value is the component type. */
export const PALETTE_MIME = 'application/x-ordo-component-type';
