/**
 * Ernest mapping ↔ `Graph`.
 *
 * `{id, action, edges:[{source, destination, length}], components:[…], changes:[…]}`; each
 * component is `{_component_id, _component, _action, _provider, _state, …props}`.
 * See shared/formats/ernest-mapping.example.json.
 */
import { z } from 'zod';
import type { Component, Edge, Graph, ValidationIssue } from '../graph/model';
import { type FormatParseResult, fromZodError, isRecord, looseArray, readString, shapeIssue } from './shape';

export interface ErnestComponent {
  _component_id: string;
  _component: string;
  _action: string;
  _provider: string;
  _state?: string;
  [prop: string]: unknown;
}

export interface ErnestEdge {
  source: string;
  destination: string;
  /** accepted and ignored on parse; always 1 on export */
  length: number;
}

export interface ErnestMapping {
  id: string;
  action?: string;
  edges: ErnestEdge[];
  components: ErnestComponent[];
  changes: ErnestComponent[];
}

const UNDERSCORE = 95;

/** Ernest's synthetic first and last nodes; edges naming them are dropped on parse. */
export const SYNTHETIC_NODES: readonly string[] = ['start', 'end'];

/** The component fields that are not props in an Ernest mapping. */
export const ERNEST_COMPONENT_KEYS: ReadonlySet<string> = new Set([
  '_component_id',
  '_component',
  '_action',
  '_provider',
  '_state',
]);

const envelopeSchema = z.object({
  id: z.string().optional(),
  action: z.string().optional(),
  edges: looseArray.optional(),
  components: looseArray.optional(),
  changes: looseArray.optional(),
});

export function parseErnest(input: unknown): FormatParseResult {
  if (!isRecord(input)) return { ok: false, issues: [shapeIssue('$', 'an Ernest mapping object', input)] };
  const issues: ValidationIssue[] = [];
  const envelope = envelopeSchema.safeParse(input);
  if (!envelope.success) issues.push(...fromZodError(envelope.error));
  const body = readGraphBody(input, issues, ERNEST_COMPONENT_KEYS);
  if (issues.length > 0) return { ok: false, issues };
  const graph: Graph = { name: typeof input.id === 'string' ? input.id : '', ...body };
  if (typeof input.action === 'string') graph.action = input.action;
  return { ok: true, graph };
}

export function exportErnest(graph: Graph): ErnestMapping {
  return {
    id: graph.name,
    ...(graph.action !== undefined ? { action: graph.action } : {}),
    // Ernest puts synthetic `start`/`end` nodes in its edges; they carry no dependency, were
    // dropped on parse, and are deliberately not re-added: Ordo reads a mapping without them.
    edges: graph.edges.map((edge) => ({ source: edge.source, destination: edge.destination, length: 1 })),
    components: graph.current.map((c) => toErnestComponent(c, c.state ?? 'waiting')),
    changes: graph.changes.map((c) => toErnestComponent(c, c.state ?? 'waiting')),
  };
}

/**
 * `components`, `changes` and `edges` of an Ernest-form body (Ernest mapping or Ordo native),
 * with structural issues added to `issues`. `reserved` are the component keys that are not
 * props. Lists that are absent or not arrays read as empty (the envelope schema reports them).
 */
export function readGraphBody(
  input: Record<string, unknown>,
  issues: ValidationIssue[],
  reserved: ReadonlySet<string>,
  extend?: ComponentExtension,
): Pick<Graph, 'changes' | 'current' | 'edges'> {
  const current = readComponents(input.components, '$.components', issues, reserved, extend);
  const changes = readComponents(input.changes, '$.changes', issues, reserved, extend);
  // `start`/`end` are synthetic unless a component really has that id.
  const real = new Set<string>();
  for (const list of [current, changes]) {
    for (const component of list) if (SYNTHETIC_NODES.includes(component.id)) real.add(component.id);
  }
  const synthetic = SYNTHETIC_NODES.filter((id) => !real.has(id));
  const edges = readEdges(input.edges, '$.edges', issues, synthetic);
  return { changes, current, edges };
}

/**
 * Reads a format's extra component fields (e.g. native `_policy`) into `component`; the
 * component's JSON path is `${listPath}[${index}]`.
 */
export type ComponentExtension = (
  raw: Record<string, unknown>,
  component: Component,
  listPath: string,
  index: number,
  issues: ValidationIssue[],
) => void;

// The readers below run once per component and per edge (hundreds of thousands): they
// build no path string unless there is an issue to report.

function readComponents(
  list: unknown,
  listPath: string,
  issues: ValidationIssue[],
  reserved: ReadonlySet<string>,
  extend: ComponentExtension | undefined,
): Component[] {
  if (!Array.isArray(list)) return [];
  const components: Component[] = new Array(list.length);
  let kept = 0;
  for (let i = 0; i < list.length; i++) {
    const raw: unknown = list[i];
    if (!isRecord(raw)) {
      issues.push(shapeIssue(`${listPath}[${i}]`, 'a component object', raw));
      continue;
    }
    const component = readComponent(raw, listPath, i, issues, reserved);
    extend?.(raw, component, listPath, i, issues);
    components[kept++] = component;
  }
  components.length = kept;
  return components;
}

/**
 * One Ernest-form component. Absent `_component_id`, `_component`, `_action` or `_provider`
 * read as `''` (validation reports them as `missing_field`); a value of the wrong type is an
 * `invalid_shape` issue.
 */
function readComponent(
  raw: Record<string, unknown>,
  listPath: string,
  index: number,
  issues: ValidationIssue[],
  reserved: ReadonlySet<string>,
): Component {
  const { _component_id: id, _component: type, _action: action, _provider: provider, _state: state } = raw;
  const component: Component =
    typeof id === 'string' &&
    typeof type === 'string' &&
    typeof action === 'string' &&
    typeof provider === 'string'
      ? { id, type, action, provider, props: {} }
      : readComponentSlowly(raw, `${listPath}[${index}]`, issues);
  if (typeof state === 'string') component.state = state;
  else if (state !== undefined) {
    const ids = typeof id === 'string' ? [id] : [];
    issues.push(shapeIssue(`${listPath}[${index}]._state`, 'string', state, ids));
  }
  const props = component.props;
  for (const key in raw) {
    // every reserved key starts with `_`: test that first, it is cheaper than the set
    if (key.charCodeAt(0) !== UNDERSCORE || !reserved.has(key)) setProp(props, key, raw[key]);
  }
  return component;
}

function readComponentSlowly(
  raw: Record<string, unknown>,
  path: string,
  issues: ValidationIssue[],
): Component {
  const ids = typeof raw._component_id === 'string' ? [raw._component_id] : [];
  return {
    id: readString(raw, '_component_id', path, issues, ids, ''),
    type: readString(raw, '_component', path, issues, ids, ''),
    action: readString(raw, '_action', path, issues, ids, ''),
    provider: readString(raw, '_provider', path, issues, ids, ''),
    props: {},
  };
}

function readEdges(
  list: unknown,
  listPath: string,
  issues: ValidationIssue[],
  dropped: readonly string[],
): Edge[] {
  if (!Array.isArray(list)) return [];
  // sized once (hundreds of thousands of edges), not grown push by push
  const edges: Edge[] = new Array(list.length);
  let kept = 0;
  for (let i = 0; i < list.length; i++) {
    const raw: unknown = list[i];
    if (!isRecord(raw)) {
      issues.push(shapeIssue(`${listPath}[${i}]`, 'an edge object {source, destination}', raw));
      continue;
    }
    const { source, destination } = raw;
    if (typeof source !== 'string' || typeof destination !== 'string') {
      if (typeof source !== 'string') issues.push(shapeIssue(`${listPath}[${i}].source`, 'string', source));
      if (typeof destination !== 'string') {
        issues.push(shapeIssue(`${listPath}[${i}].destination`, 'string', destination));
      }
      continue;
    }
    if (dropped.length > 0 && (dropped.includes(source) || dropped.includes(destination))) continue;
    edges[kept++] = { source, destination };
  }
  edges.length = kept;
  return edges;
}

/** Ernest form of one component; props whose key is reserved (hand-built graphs only) are left out. */
export function toErnestComponent(
  component: Component,
  state: string | undefined,
  reserved: ReadonlySet<string> = ERNEST_COMPONENT_KEYS,
): ErnestComponent {
  const out: ErnestComponent = {
    _component_id: component.id,
    _component: component.type,
    _action: component.action,
    _provider: component.provider,
  };
  if (state !== undefined) out._state = state;
  for (const key in component.props) {
    if (!reserved.has(key)) setProp(out, key, component.props[key]);
  }
  return out;
}

/** `target[key] = value`, also for a key named `__proto__` (an ordinary key in JSON). */
export function setProp(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
