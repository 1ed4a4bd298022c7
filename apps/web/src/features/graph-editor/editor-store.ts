// The editor's one zustand store (style.md habit 8): the drawn graph, selection (React Flow's
// `selected` flags on nodes and edges), undo/redo as snapshots, the clipboard, the latest
// validation issues and an invalid upload's preview. One store per editor instance
// (`createEditorStore`), handed down through context and read through selectors.
//
// Validation results live beside the graph, not in the nodes array (perf-notes.md): a node
// component subscribes to "is my id invalid", so new issues re-render only the nodes they touch.
import type { Graph, GraphFormat, ValidationIssue } from '@ordo/core';
import {
  applyEdgeChanges,
  applyNodeChanges,
  type EdgeChange,
  type NodeChange,
  type XYPosition,
} from '@xyflow/react';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { type InvalidElements, invalidElements, NO_INVALID } from './issues';
import { componentNode, dependencyEdge, edgeId, fromCoreGraph, type LoadedGraph } from './mapper';
import { findPath } from './reachability';
import type {
  ComponentNode,
  ComponentNodeData,
  DependencyEdge,
  EditorNode,
  GraphMeta,
  GraphSnapshot,
} from './types';

/** Undo keeps at most this many earlier states. */
export const HISTORY_LIMIT = 100;
/** How far each paste moves the copies from the originals. */
const PASTE_OFFSET = 40;

export type Notice = { kind: 'error' | 'info'; text: string };

export type ConnectResult =
  | { ok: true; edgeId: string }
  | {
      ok: false;
      reason: 'self_loop' | 'duplicate' | 'cycle' | 'unknown_component';
      message: string;
      /** `reason: 'cycle'`: the cycle the edge would close, first id repeated at the end */
      cycle?: string[];
    };

/** The last save (or open) of this editor's graph: what Run starts. */
export interface SavedVersion {
  name: string;
  version: number;
  /** the editor revision it holds */
  revision: number;
}

export type RenameResult = { ok: true } | { ok: false; message: string };

/** Fields of a component the side panel edits (the id is renamed with `renameComponent`). */
export type ComponentPatch = Partial<Pick<ComponentNodeData, 'type' | 'action' | 'provider' | 'props'>>;

/** An uploaded graph that did not validate: drawn read-only with its problems, never loaded. */
export interface UploadPreview {
  fileName: string;
  /** null when the file was not a graph in any format */
  format: GraphFormat | null;
  issues: ValidationIssue[];
  nodes: EditorNode[];
  edges: DependencyEdge[];
  invalid: InvalidElements;
}

export interface EditorActions {
  /** A new `<type>::<type>-<n>` component (action create, provider sim), selected; its id. */
  addComponent(type: string, position: XYPosition): string | undefined;
  /** Adds `source → target` unless it is a self-loop, a duplicate or would close a cycle. */
  connect(source: string, target: string): ConnectResult;
  updateComponent(id: string, patch: ComponentPatch): void;
  /** Changes a component's id, and every edge that names it. */
  renameComponent(from: string, to: string): RenameResult;
  /** Removes the selected components (with their edges) and the selected edges. */
  deleteSelected(): void;
  /** Copies the selected components and the edges between them; how many were copied. */
  copySelection(): number;
  /** Adds copies of the clipboard with new ids (`<id>-copy`, `<id>-copy-2`, …), selected; their ids. */
  paste(): string[];
  undo(): void;
  redo(): void;
  /** Replaces the graph (undoable). */
  loadGraph(graph: Graph): LoadedGraph;
  /** Empties the graph (undoable). */
  clear(): void;
  /** The graph's (and the save's) name; not an undoable change. */
  setGraphName(name: string): void;
  /** Moves components to the given positions (a layout), as one undoable change. */
  applyPositions(positions: ReadonlyMap<string, XYPosition>): void;
  /** React Flow's changes: selection, dragging, measuring. */
  onNodesChange(changes: NodeChange<ComponentNode>[]): void;
  onEdgesChange(changes: EdgeChange<DependencyEdge>[]): void;
  /** A drag begins: remember where the nodes were, so the move is one undo step. */
  beginMove(): void;
  endMove(): void;
  /** Selects exactly these components (and no edge). */
  selectOnly(ids: readonly string[]): void;
  /** Issues found in `graph`, the core form of the graph at `revision`. */
  setValidation(issues: ValidationIssue[], graph: Graph, revision: number): void;
  showPreview(preview: UploadPreview): void;
  discardPreview(): void;
  setNotice(notice: Notice | null): void;
  /** The graph at `revision` (default: now) was saved (or opened) as `name` v`version`. */
  markSaved(name: string, version: number, revision?: number): void;
}

export interface EditorState extends GraphSnapshot {
  /** bumped by every change of the graph except selection and a drag in progress */
  revision: number;
  past: GraphSnapshot[];
  future: GraphSnapshot[];
  clipboard: { nodes: ComponentNode[]; edges: DependencyEdge[]; pastes: number } | null;
  /** where the nodes were when the current drag began */
  moveStart: ComponentNode[] | null;
  issues: ValidationIssue[];
  invalid: InvalidElements;
  /** the revision `issues` were found at (-1: not validated yet) */
  validatedRevision: number;
  preview: UploadPreview | null;
  notice: Notice | null;
  saved: SavedVersion | null;
  actions: EditorActions;
}

export type EditorStore = StoreApi<EditorState>;

const EMPTY_META: GraphMeta = { name: '', current: [], externalEdges: [] };

const idIndexCache = new WeakMap<readonly ComponentNode[], Map<string, ComponentNode>>();

/** Nodes by id (built once per nodes array). */
export function nodesById(nodes: readonly ComponentNode[]): Map<string, ComponentNode> {
  let index = idIndexCache.get(nodes);
  if (index === undefined) {
    index = new Map(nodes.map((node) => [node.id, node]));
    idIndexCache.set(nodes, index);
  }
  return index;
}

const selectionCache = new WeakMap<readonly ComponentNode[], string[]>();

/** Ids of the selected components (computed once per nodes array). */
export function selectedIds(nodes: readonly ComponentNode[]): string[] {
  let ids = selectionCache.get(nodes);
  if (ids === undefined) {
    ids = nodes.filter((node) => node.selected === true).map((node) => node.id);
    selectionCache.set(nodes, ids);
  }
  return ids;
}

/** `base`, or `base-2`, `base-3`, … : the first not in `taken`. */
function freeId(base: string, taken: (id: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const id = `${base}-${n}`;
    if (!taken(id)) return id;
  }
}

export function describeCycle(cycle: readonly string[]): string {
  return cycle.join(' → ');
}

export function createEditorStore(initial?: Partial<GraphSnapshot>): EditorStore {
  return createStore<EditorState>()((set, get) => {
    const snapshot = (): GraphSnapshot => {
      const { nodes, edges, meta } = get();
      return { nodes, edges, meta };
    };

    /** Replaces (part of) the graph as one undoable step. */
    const commit = (next: Partial<GraphSnapshot>, extra: Partial<EditorState> = {}): void => {
      const state = get();
      const past = [...state.past, snapshot()];
      if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
      set({ ...next, ...extra, past, future: [], revision: state.revision + 1 });
    };

    const taken = (id: string): boolean => {
      const { nodes, meta } = get();
      return nodesById(nodes).has(id) || meta.current.some((c) => c.id === id);
    };

    const actions: EditorActions = {
      addComponent(type, position) {
        const kind = type.trim();
        if (kind === '') return undefined;
        let n = 1;
        while (taken(`${kind}::${kind}-${n}`)) n++;
        const id = `${kind}::${kind}-${n}`;
        const node = componentNode(
          id,
          { type: kind, action: 'create', provider: 'sim', props: { name: `${kind}-${n}` } },
          { x: Math.round(position.x), y: Math.round(position.y) },
        );
        node.selected = true;
        const nodes = get().nodes.map((other) => (other.selected ? { ...other, selected: false } : other));
        nodes.push(node);
        commit({ nodes, edges: deselectEdges(get().edges) });
        return id;
      },

      connect(source, target) {
        const { nodes, edges } = get();
        const refuse = (result: Exclude<ConnectResult, { ok: true }>): ConnectResult => {
          set({ notice: { kind: 'error', text: result.message } });
          return result;
        };
        if (source === target) {
          return refuse({
            ok: false,
            reason: 'self_loop',
            message: `Refused: ${source} cannot depend on itself.`,
          });
        }
        const index = nodesById(nodes);
        const unknown = [source, target].find((id) => !index.has(id));
        if (unknown !== undefined) {
          return refuse({
            ok: false,
            reason: 'unknown_component',
            message: `Refused: there is no component ${unknown}.`,
          });
        }
        const id = edgeId(source, target);
        if (edges.some((edge) => edge.id === id)) {
          return refuse({
            ok: false,
            reason: 'duplicate',
            message: `Refused: ${source} → ${target} is already there.`,
          });
        }
        // The new edge closes a cycle exactly when `source` is reachable from `target`.
        const path = findPath(edges, target, source);
        if (path !== undefined) {
          const cycle = [...path, target];
          return refuse({
            ok: false,
            reason: 'cycle',
            message: `Refused: ${source} → ${target} would close the cycle ${describeCycle(cycle)}.`,
            cycle,
          });
        }
        commit({ edges: [...edges, dependencyEdge(source, target, id)] }, { notice: null });
        return { ok: true, edgeId: id };
      },

      updateComponent(id, patch) {
        const { nodes } = get();
        const node = nodesById(nodes).get(id);
        if (node === undefined) return;
        const data = { ...node.data, ...patch };
        const changed = (Object.keys(patch) as (keyof ComponentPatch)[]).some((key) =>
          key === 'props' ? !sameJson(node.data.props, data.props) : data[key] !== node.data[key],
        );
        if (!changed) return;
        commit({ nodes: nodes.map((other) => (other.id === id ? { ...other, data } : other)) });
      },

      renameComponent(from, to) {
        const id = to.trim();
        if (id === from) return { ok: true };
        const { nodes, edges, meta } = get();
        if (!nodesById(nodes).has(from)) return { ok: false, message: `There is no component ${from}.` };
        if (id === '') return { ok: false, message: 'A component needs an id.' };
        if (taken(id)) return { ok: false, message: `A component ${id} already exists.` };
        const swap = (x: string): string => (x === from ? id : x);
        commit({
          nodes: nodes.map((node) => (node.id === from ? { ...node, id } : node)),
          edges: edges.map((edge) =>
            edge.source === from || edge.target === from
              ? {
                  ...edge,
                  id: edgeId(swap(edge.source), swap(edge.target)),
                  source: swap(edge.source),
                  target: swap(edge.target),
                }
              : edge,
          ),
          meta: {
            ...meta,
            externalEdges: meta.externalEdges.map((edge) =>
              edge.source === from || edge.destination === from
                ? { source: swap(edge.source), destination: swap(edge.destination) }
                : edge,
            ),
          },
        });
        return { ok: true };
      },

      deleteSelected() {
        const { nodes, edges, meta } = get();
        const gone = new Set(selectedIds(nodes));
        const keptEdges = edges.filter(
          (edge) => edge.selected !== true && !gone.has(edge.source) && !gone.has(edge.target),
        );
        if (gone.size === 0 && keptEdges.length === edges.length) return;
        commit({
          nodes: gone.size === 0 ? nodes : nodes.filter((node) => !gone.has(node.id)),
          edges: keptEdges,
          meta:
            gone.size === 0
              ? meta
              : {
                  ...meta,
                  externalEdges: meta.externalEdges.filter(
                    (edge) => !gone.has(edge.source) && !gone.has(edge.destination),
                  ),
                },
        });
      },

      copySelection() {
        const { nodes, edges } = get();
        const ids = new Set(selectedIds(nodes));
        if (ids.size === 0) return 0;
        set({
          clipboard: {
            nodes: nodes.filter((node) => ids.has(node.id)),
            edges: edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)),
            pastes: 0,
          },
          notice: { kind: 'info', text: `Copied ${ids.size} component${ids.size === 1 ? '' : 's'}.` },
        });
        return ids.size;
      },

      paste() {
        const { clipboard, nodes, edges } = get();
        if (clipboard === null || clipboard.nodes.length === 0) return [];
        const pastes = clipboard.pastes + 1;
        const renamed = new Map<string, string>();
        const added = new Set<string>();
        const isTaken = (id: string) => taken(id) || added.has(id);
        const copies = clipboard.nodes.map((node) => {
          const id = freeId(`${node.id}-copy`, isTaken);
          added.add(id);
          renamed.set(node.id, id);
          const copy = componentNode(id, node.data, {
            x: node.position.x + PASTE_OFFSET * pastes,
            y: node.position.y + PASTE_OFFSET * pastes,
          });
          copy.selected = true;
          return copy;
        });
        const copiedEdges = clipboard.edges.map((edge) => {
          const source = renamed.get(edge.source) as string;
          const target = renamed.get(edge.target) as string;
          return dependencyEdge(source, target);
        });
        commit(
          {
            nodes: [...nodes.map((node) => (node.selected ? { ...node, selected: false } : node)), ...copies],
            edges: [...deselectEdges(edges), ...copiedEdges],
          },
          { clipboard: { ...clipboard, pastes } },
        );
        return copies.map((copy) => copy.id);
      },

      undo() {
        const state = get();
        const previous = state.past.at(-1);
        if (previous === undefined) return;
        set({
          ...previous,
          past: state.past.slice(0, -1),
          future: [snapshot(), ...state.future],
          revision: state.revision + 1,
        });
      },

      redo() {
        const state = get();
        const next = state.future[0];
        if (next === undefined) return;
        set({
          ...next,
          past: [...state.past, snapshot()],
          future: state.future.slice(1),
          revision: state.revision + 1,
        });
      },

      loadGraph(graph) {
        const loaded = fromCoreGraph(graph);
        commit({ nodes: loaded.nodes, edges: loaded.edges, meta: loaded.meta }, { preview: null });
        return loaded;
      },

      clear() {
        const { nodes, edges, meta } = get();
        if (nodes.length === 0 && edges.length === 0 && meta.externalEdges.length === 0) return;
        commit({ nodes: [], edges: [], meta: { ...EMPTY_META, name: meta.name } });
      },

      setGraphName(name) {
        set({ meta: { ...get().meta, name } });
      },

      applyPositions(positions) {
        const { nodes } = get();
        commit({
          nodes: nodes.map((node) => {
            const position = positions.get(node.id);
            return position === undefined ? node : { ...node, position: { x: position.x, y: position.y } };
          }),
        });
      },

      onNodesChange(changes) {
        const nodes = applyNodeChanges(changes, get().nodes);
        const structural = changes.some((change) => change.type === 'remove' || change.type === 'add');
        // a move outside a drag (arrow keys on a selection) is an undo step of its own
        const keyboardMove =
          get().moveStart === null &&
          changes.some(
            (change) => change.type === 'position' && change.position !== undefined && !change.dragging,
          );
        if (structural || keyboardMove) commit({ nodes });
        else set({ nodes });
      },

      onEdgesChange(changes) {
        const edges = applyEdgeChanges(changes, get().edges);
        if (changes.some((change) => change.type === 'remove' || change.type === 'add')) commit({ edges });
        else set({ edges });
      },

      beginMove() {
        set({ moveStart: get().nodes });
      },

      endMove() {
        const { moveStart, nodes, edges, meta } = get();
        if (moveStart === null) return;
        set({ moveStart: null });
        const before = nodesById(moveStart);
        const moved = nodes.some((node) => {
          const old = before.get(node.id);
          return (
            old !== undefined && (old.position.x !== node.position.x || old.position.y !== node.position.y)
          );
        });
        if (!moved) return;
        const state = get();
        const past = [...state.past, { nodes: moveStart, edges, meta }];
        if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
        set({ past, future: [], revision: state.revision + 1 });
      },

      selectOnly(ids) {
        const wanted = new Set(ids);
        set({
          nodes: get().nodes.map((node) =>
            (node.selected === true) === wanted.has(node.id)
              ? node
              : { ...node, selected: wanted.has(node.id) },
          ),
          edges: deselectEdges(get().edges),
        });
      },

      setValidation(issues, graph, revision) {
        set({ issues, invalid: invalidElements(issues, graph), validatedRevision: revision });
      },

      showPreview(preview) {
        set({ preview });
      },

      discardPreview() {
        set({ preview: null });
      },

      setNotice(notice) {
        set({ notice });
      },

      markSaved(name, version, revision = get().revision) {
        set({ saved: { name, version, revision } });
      },
    };

    return {
      nodes: initial?.nodes ?? [],
      edges: initial?.edges ?? [],
      meta: initial?.meta ?? EMPTY_META,
      revision: 0,
      past: [],
      future: [],
      clipboard: null,
      moveStart: null,
      issues: [],
      invalid: NO_INVALID,
      validatedRevision: -1,
      preview: null,
      notice: null,
      saved: null,
      actions,
    };
  });
}

function deselectEdges(edges: DependencyEdge[]): DependencyEdge[] {
  return edges.some((edge) => edge.selected)
    ? edges.map((edge) => (edge.selected ? { ...edge, selected: false } : edge))
    : edges;
}

/** Equal as JSON values, whatever the order of object keys. */
function sameJson(a: unknown, b: unknown): boolean {
  return a === b || canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
