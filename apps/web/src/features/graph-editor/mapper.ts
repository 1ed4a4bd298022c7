// The one mapper between the editor graph (React Flow nodes and edges) and core's `Graph`
// (style.md habit 8). Everything that leaves the editor (validation, save, export, layout)
// goes through `toCoreGraph`; everything that enters it through `fromCoreGraph`.
import type { Component, Edge as CoreEdge, Graph } from '@ordo/core';
import type { XYPosition } from '@xyflow/react';
import {
  type ComponentNode,
  type ComponentNodeData,
  type DependencyEdge,
  type EditorNode,
  type GraphMeta,
  type GraphSnapshot,
  type MissingNode,
  NODE_HANDLES,
  NODE_HEIGHT,
  NODE_WIDTH,
} from './types';

/** The id of the editor edge `source → target` (one edge per ordered pair). */
export function edgeId(source: string, target: string): string {
  return JSON.stringify([source, target]);
}

/** A pre-sized component node: width, height, measured and handles given up front. */
export function componentNode(id: string, data: ComponentNodeData, position: XYPosition): ComponentNode {
  return {
    id,
    type: 'component',
    position,
    data,
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    measured: { width: NODE_WIDTH, height: NODE_HEIGHT },
    handles: NODE_HANDLES,
  };
}

export function dependencyEdge(source: string, target: string, id = edgeId(source, target)): DependencyEdge {
  return { id, source, target, type: 'dependency' };
}

function nodeData(component: Component): ComponentNodeData {
  const data: ComponentNodeData = {
    type: component.type,
    action: component.action,
    provider: component.provider,
    props: component.props,
  };
  if (component.state !== undefined) data.state = component.state;
  if (component.policy !== undefined) data.policy = component.policy;
  return data;
}

/** The editor graph of the current snapshot as core's `Graph` (positions rounded to pixels). */
export function toCoreGraph(graph: GraphSnapshot): Graph {
  const changes = graph.nodes.map((node): Component => {
    const { data } = node;
    const component: Component = {
      id: node.id,
      type: data.type,
      action: data.action,
      provider: data.provider,
      props: data.props,
      position: { x: Math.round(node.position.x), y: Math.round(node.position.y) },
    };
    if (data.state !== undefined) component.state = data.state;
    if (data.policy !== undefined) component.policy = data.policy;
    return component;
  });
  const edges: CoreEdge[] = graph.edges.map((edge) => ({ source: edge.source, destination: edge.target }));
  for (const edge of graph.meta.externalEdges)
    edges.push({ source: edge.source, destination: edge.destination });
  const out: Graph = { name: graph.meta.name, changes, current: graph.meta.current, edges };
  if (graph.meta.action !== undefined) out.action = graph.meta.action;
  return out;
}

export interface LoadedGraph extends GraphSnapshot {
  /** every component had a position: no layout is needed */
  positioned: boolean;
}

/**
 * The editor graph of a (valid) core graph: one node per component of `changes` (positions
 * from `component.position`, else a quick layered placement), one edge per distinct pair of
 * drawn components; edges touching anything else are kept aside in `meta.externalEdges`.
 */
export function fromCoreGraph(graph: Graph): LoadedGraph {
  const ids = new Set<string>();
  for (const component of graph.changes) ids.add(component.id);
  const positioned = graph.changes.every((component) => component.position !== undefined);
  const placed = positioned
    ? undefined
    : layeredPositions(
        graph.changes.map((c) => c.id),
        graph.edges,
      );
  const nodes: ComponentNode[] = [];
  const seenNodes = new Set<string>();
  for (const component of graph.changes) {
    if (seenNodes.has(component.id)) continue;
    seenNodes.add(component.id);
    const position = component.position ?? placed?.get(component.id) ?? { x: 0, y: 0 };
    nodes.push(componentNode(component.id, nodeData(component), { x: position.x, y: position.y }));
  }
  const edges: DependencyEdge[] = [];
  const externalEdges: CoreEdge[] = [];
  const seenEdges = new Set<string>();
  for (const edge of graph.edges) {
    if (!ids.has(edge.source) || !ids.has(edge.destination)) {
      externalEdges.push({ source: edge.source, destination: edge.destination });
      continue;
    }
    const id = edgeId(edge.source, edge.destination);
    if (seenEdges.has(id)) continue;
    seenEdges.add(id);
    edges.push(dependencyEdge(edge.source, edge.destination, id));
  }
  const meta: GraphMeta = { name: graph.name, current: graph.current, externalEdges };
  if (graph.action !== undefined) meta.action = graph.action;
  return { nodes, edges, meta, positioned };
}

/**
 * A read-only drawing of a graph that may be invalid (an upload's preview): duplicate ids are
 * drawn once, ids that edges name outside `changes` become `missing` nodes, repeated edges get
 * distinct ids. Each edge keeps the id `edgeId(source, destination)` (suffixed `#n` when
 * repeated), which is what `invalidElements` names.
 */
export function previewFromCoreGraph(graph: Graph): { nodes: EditorNode[]; edges: DependencyEdge[] } {
  const changeIds = new Set(graph.changes.map((c) => c.id));
  const currentIds = new Set(graph.current.map((c) => c.id));
  const order: string[] = [];
  const seen = new Set<string>();
  for (const component of graph.changes) {
    if (seen.has(component.id)) continue;
    seen.add(component.id);
    order.push(component.id);
  }
  const missing: string[] = [];
  for (const edge of graph.edges) {
    for (const id of [edge.source, edge.destination]) {
      if (seen.has(id)) continue;
      seen.add(id);
      missing.push(id);
    }
  }
  const placed = layeredPositions([...order, ...missing], graph.edges);
  const nodes: EditorNode[] = [];
  const drawn = new Set<string>();
  for (const component of graph.changes) {
    if (drawn.has(component.id)) continue;
    drawn.add(component.id);
    const position = component.position ?? placed.get(component.id) ?? { x: 0, y: 0 };
    nodes.push(componentNode(component.id, nodeData(component), { ...position }));
  }
  for (const id of missing) {
    const node: MissingNode = {
      id,
      type: 'missing',
      position: placed.get(id) ?? { x: 0, y: 0 },
      data: { reason: currentIds.has(id) && !changeIds.has(id) ? 'current' : 'unknown' },
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      measured: { width: NODE_WIDTH, height: NODE_HEIGHT },
      handles: NODE_HANDLES,
      draggable: false,
    };
    nodes.push(node);
  }
  const edges: DependencyEdge[] = [];
  const count = new Map<string, number>();
  for (const edge of graph.edges) {
    const base = edgeId(edge.source, edge.destination);
    const n = (count.get(base) ?? 0) + 1;
    count.set(base, n);
    edges.push(dependencyEdge(edge.source, edge.destination, n === 1 ? base : `${base}#${n}`));
  }
  return { nodes, edges };
}

const COLUMN_GAP = 100;
const ROW_GAP = 36;
/** A layer taller than this many nodes is wrapped into several columns. */
const MAX_ROWS = 40;

/**
 * A quick left-to-right layered placement, linear in the graph's size: each id's layer is the
 * longest path from a source (Kahn's order); ids on a cycle go after everything they follow.
 * Used until (or instead of) the ELK layout, and for previews of invalid graphs.
 */
export function layeredPositions(
  ids: readonly string[],
  edges: readonly { source: string; destination: string }[],
): Map<string, XYPosition> {
  const n = ids.length;
  const index = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!index.has(id)) index.set(id, i);
  });
  const successors: number[][] = Array.from({ length: n }, () => []);
  const predecessors: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Int32Array(n);
  for (const edge of edges) {
    const s = index.get(edge.source);
    const t = index.get(edge.destination);
    if (s === undefined || t === undefined || s === t) continue;
    successors[s]?.push(t);
    predecessors[t]?.push(s);
    indegree[t] = (indegree[t] as number) + 1;
  }
  const layer = new Int32Array(n).fill(-1);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) {
    if (indegree[v] === 0) {
      queue.push(v);
      layer[v] = 0;
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] as number;
    for (const w of successors[v] ?? []) {
      layer[w] = Math.max(layer[w] as number, (layer[v] as number) + 1);
      indegree[w] = (indegree[w] as number) - 1;
      if (indegree[w] === 0) queue.push(w);
    }
  }
  // what is left sits on a cycle (or after one): one layer past its placed predecessors
  for (let v = 0; v < n; v++) {
    if (indegree[v] === 0) continue;
    let best = -1;
    for (const p of predecessors[v] ?? []) best = Math.max(best, layer[p] as number);
    layer[v] = best + 1;
  }
  const layers: number[][] = [];
  for (let v = 0; v < n; v++) {
    const l = Math.max(0, layer[v] as number);
    const members = layers[l];
    if (members === undefined) layers[l] = [v];
    else members.push(v);
  }
  const out = new Map<string, XYPosition>();
  let column = 0;
  for (const members of layers) {
    if (members === undefined) continue;
    members.forEach((v, row) => {
      const id = ids[v] as string;
      if (out.has(id)) return;
      out.set(id, {
        x: (column + Math.floor(row / MAX_ROWS)) * (NODE_WIDTH + COLUMN_GAP),
        y: (row % MAX_ROWS) * (NODE_HEIGHT + ROW_GAP),
      });
    });
    column += Math.max(1, Math.ceil(members.length / MAX_ROWS));
  }
  return out;
}
