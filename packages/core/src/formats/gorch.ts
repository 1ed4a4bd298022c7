/**
 * gorch (gorchestrator) task ↔ `Graph`.
 *
 * `{name, state, digraph:[n×n flat 0/1], nodes:[{id, name, engine, artifact, args, state}]}`;
 * `digraph[i*n+j] = 1` means node `i` finishes before node `j`; a node's `id` is its index.
 * See shared/formats/gorch.example.json.
 *
 * Mapping: component id = node `name`, type `task`, action `create`, provider = `engine`
 * (the built-in executors nil/sleep/shell/http serve as providers), props `{artifact, args}`,
 * state = the node's integer `state` as a decimal string (history only). gorch has no
 * current state: `components` is empty on parse and not written on export.
 */
import { z } from 'zod';
import type { ComponentState, Edge, Graph, ValidationIssue } from '../graph/model';
import { type FormatParseResult, fromZodError, isRecord, looseArray, readString, shapeIssue } from './shape';

export interface GorchNode {
  id: number;
  name: string;
  engine: string;
  artifact: string;
  args: string[];
  state: number;
}

export interface GorchTask {
  name: string;
  state: number;
  digraph: number[];
  nodes: GorchNode[];
}

/** Type and action given to every gorch node. */
export const GORCH_COMPONENT_TYPE = 'task';
export const GORCH_COMPONENT_ACTION = 'create';

/**
 * gorchestrator's node states (orchestrator/const.go: Initial 0, ToRun 1, Running 2,
 * Success 3, Failure 4, NotRunnable 5, Timeout 10, Canceled 11) for Ordo's component states,
 * used on export when a component's state is an Ordo state rather than a gorch integer.
 */
export const GORCH_STATE_OF: Readonly<Record<ComponentState, number>> = {
  waiting: 0,
  running: 2,
  completed: 3,
  errored: 4,
  blocked: 5,
  cancelled: 11,
  skipped: 3,
};

const envelopeSchema = z.object({
  name: z.string().optional(),
  state: z.int().optional(),
  digraph: looseArray,
  nodes: looseArray,
});

export function parseGorch(input: unknown): FormatParseResult {
  if (!isRecord(input)) return { ok: false, issues: [shapeIssue('$', 'a gorch task object', input)] };
  const issues: ValidationIssue[] = [];
  const envelope = envelopeSchema.safeParse(input);
  if (!envelope.success) issues.push(...fromZodError(envelope.error));
  const rawNodes = Array.isArray(input.nodes) ? input.nodes : [];
  const names = rawNodes.map((raw, i) =>
    isRecord(raw) && typeof raw.name === 'string' ? raw.name : `#${i}`,
  );
  const graph: Graph = {
    name: typeof input.name === 'string' ? input.name : '',
    changes: [],
    current: [],
    edges: [],
  };
  for (let i = 0; i < rawNodes.length; i++) readNode(rawNodes[i], i, graph, issues);
  if (Array.isArray(input.digraph)) graph.edges = readMatrix(input.digraph, names, issues);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, graph };
}

function readNode(raw: unknown, index: number, graph: Graph, issues: ValidationIssue[]): void {
  const path = `$.nodes[${index}]`;
  if (!isRecord(raw)) {
    issues.push(shapeIssue(path, 'a node object', raw));
    return;
  }
  const ids = typeof raw.name === 'string' ? [raw.name] : [];
  if (typeof raw.id !== 'number') {
    issues.push(shapeIssue(`${path}.id`, 'number (the node index)', raw.id, ids));
  } else if (raw.id !== index) {
    issues.push({
      code: 'node_id_not_index',
      message: `${path}.id: node ${JSON.stringify(ids[0] ?? '')} has id ${raw.id}; a gorch node id must equal its index in nodes (${index})`,
      ids,
      path: `${path}.id`,
    });
  }
  const name = readString(raw, 'name', path, issues, ids, '');
  const engine = readString(raw, 'engine', path, issues, ids, '');
  const artifact = readString(raw, 'artifact', path, issues, ids, '');
  const args = readArgs(raw.args, `${path}.args`, issues, ids);
  if (raw.state !== undefined && !Number.isInteger(raw.state)) {
    issues.push(shapeIssue(`${path}.state`, 'integer', raw.state, ids));
  }
  graph.changes.push({
    id: name,
    type: GORCH_COMPONENT_TYPE,
    action: GORCH_COMPONENT_ACTION,
    // gorchestrator runs a node with neither engine nor artifact as `nil` (orchestrator/node.go)
    provider: engine === '' && artifact === '' ? 'nil' : engine,
    ...(typeof raw.state === 'number' ? { state: String(raw.state) } : {}),
    props: { artifact, args },
  });
}

function readArgs(raw: unknown, path: string, issues: ValidationIssue[], ids: string[]): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    issues.push(shapeIssue(path, 'array of strings', raw, ids));
    return [];
  }
  const args: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const arg: unknown = raw[i];
    if (typeof arg === 'string') args.push(arg);
    else issues.push(shapeIssue(`${path}[${i}]`, 'string', arg, ids));
  }
  return args;
}

function readMatrix(digraph: unknown[], names: string[], issues: ValidationIssue[]): Edge[] {
  const n = names.length;
  if (digraph.length !== n * n) {
    issues.push({
      code: 'matrix_not_square',
      message: `$.digraph: has ${digraph.length} entries; ${n} nodes need an n×n matrix of ${n}×${n} = ${n * n}`,
      ids: [],
      path: '$.digraph',
    });
    return [];
  }
  const edges: Edge[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const entry = digraph[i * n + j];
      if (entry === 0) continue;
      const source = names[i] as string;
      const destination = names[j] as string;
      if (entry === 1) {
        edges.push({ source, destination });
        continue;
      }
      const path = `$.digraph[${i * n + j}]`;
      issues.push({
        code: 'matrix_entry_not_binary',
        message: `${path}: entry for ${JSON.stringify(source)} → ${JSON.stringify(destination)} (row ${i}, column ${j}) is ${JSON.stringify(entry) ?? 'undefined'}; expected 0 or 1`,
        ids: source === destination ? [source] : [source, destination],
        path,
      });
    }
  }
  return edges;
}

/**
 * gorch form of a graph: nodes in `changes` order with `id` = index, the matrix rebuilt from
 * the edges between them (edges naming a component outside `changes` have no row and are
 * left out), task `state` 0. A node's state is its decimal-integer history state, else the
 * gorch value of an Ordo state (`GORCH_STATE_OF`), else 0.
 */
export function exportGorch(graph: Graph): GorchTask {
  const n = graph.changes.length;
  const indexOf = new Map<string, number>();
  const nodes: GorchNode[] = graph.changes.map((component, index) => {
    if (!indexOf.has(component.id)) indexOf.set(component.id, index);
    const { artifact, args } = component.props;
    return {
      id: index,
      name: component.id,
      engine: component.provider,
      artifact: typeof artifact === 'string' ? artifact : '',
      args: Array.isArray(args) ? args.map(String) : [],
      state: gorchState(component.state),
    };
  });
  const digraph: number[] = new Array(n * n).fill(0);
  for (const edge of graph.edges) {
    const i = indexOf.get(edge.source);
    const j = indexOf.get(edge.destination);
    if (i !== undefined && j !== undefined) digraph[i * n + j] = 1;
  }
  return { name: graph.name, state: 0, digraph, nodes };
}

function gorchState(state: string | undefined): number {
  if (state === undefined) return 0;
  if (/^-?\d+$/.test(state)) return Number(state);
  return Object.hasOwn(GORCH_STATE_OF, state) ? GORCH_STATE_OF[state as ComponentState] : 0;
}
