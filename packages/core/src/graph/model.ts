/**
 * Ordo's internal graph model. Every accepted format (Ernest mapping, gorch matrix,
 * Ordo native) parses into a `Graph`; every export starts from one.
 */

/** What a build does to a component (Ernest's `_action`). */
export type Action =
  /** make the resource */
  | 'create'
  /** change an existing resource; its result replaces the current component */
  | 'update'
  /** destroy the resource; its result removes it from the environment */
  | 'delete'
  /** read one resource; its result replaces the current component */
  | 'get'
  /** look resources up; each found component is added to the environment */
  | 'find'
  /** nothing to dispatch: completes at once, there to be depended on and referenced */
  | 'none';

export const ACTIONS: readonly Action[] = ['create', 'update', 'delete', 'get', 'find', 'none'];

export function isAction(value: string): value is Action {
  return (ACTIONS as readonly string[]).includes(value);
}

/** State of one component within a build. */
export type ComponentState =
  /** not started: waiting for its sources, a concurrency slot, a backoff or a gate */
  | 'waiting'
  /** dispatched to an executor, no final answer yet */
  | 'running'
  /** the executor answered `.done` (or the action is `none`, or an operator skipped it) */
  | 'completed'
  /** the executor answered `.error`, the deadline passed, or a template could not be resolved */
  | 'errored'
  /** an operator (or a build cancel) stopped it */
  | 'cancelled'
  /** an operator marked a failed component done so its dependants may run */
  | 'skipped'
  /** under policy `continue`: a source failed, so it can never run in this build */
  | 'blocked';

export const COMPONENT_STATES: readonly ComponentState[] = [
  'waiting',
  'running',
  'completed',
  'errored',
  'cancelled',
  'skipped',
  'blocked',
];

/** State of a whole build (design.md "REST API"). */
export type BuildStatus =
  /** accepted, not started */
  | 'pending'
  /** dispatching or waiting on components */
  | 'running'
  /** every component completed (or was skipped) */
  | 'completed'
  /** a component failed and nothing more can run */
  | 'errored'
  /** a cancel was asked; waiting for in-flight components to stop */
  | 'cancelling'
  /** cancelled, nothing in flight */
  | 'cancelled';

export const BUILD_STATUSES: readonly BuildStatus[] = [
  'pending',
  'running',
  'completed',
  'errored',
  'cancelling',
  'cancelled',
];

/** Per-component retry, timeout and gate settings (Ordo native `_policy`). */
export interface ComponentPolicy {
  /** total attempts the scheduler makes on its own, >= 1 (default 1: no automatic retry) */
  attempts?: number;
  /** first backoff delay in ms (default 1000); doubles each attempt */
  backoffMs?: number;
  /** largest backoff delay in ms (default 60000) */
  maxBackoffMs?: number;
  /** deadline of one attempt in ms (default 300000) */
  timeoutMs?: number;
  /** when true the component waits for an operator's approval before dispatch */
  gate?: boolean;
}

/** One component (node). `props` holds every provider-specific field, templates included. */
export interface Component {
  /** `_component_id`, e.g. `vpc::prod` */
  id: string;
  /** `_component`, e.g. `vpc` */
  type: string;
  /** `_action`; a string so that an invalid value survives parsing and is reported by validation */
  action: string;
  /** `_provider`, e.g. `aws`, `sim` */
  provider: string;
  /** imported `_state`, kept as history only */
  state?: string;
  /** all other fields, in input order */
  props: Record<string, unknown>;
  policy?: ComponentPolicy;
  /** editor layout position (Ordo native only) */
  position?: { x: number; y: number };
}

/** `destination` runs only after `source` completed. */
export interface Edge {
  source: string;
  destination: string;
}

export type GraphFormat = 'ernest' | 'gorch' | 'ordo';

export interface Graph {
  /** Ernest `id`, gorch `name`, Ordo `name` */
  name: string;
  /** Ernest's top-level `action`, e.g. `service.create` (kept for export) */
  action?: string;
  /** `changes`: the desired state; the components a build runs */
  changes: Component[];
  /** `components`: the environment's current state */
  current: Component[];
  /** dependencies between components; Ernest's synthetic `start`/`end` are dropped on parse */
  edges: Edge[];
}

/** One problem found in an input. Many are reported at once. */
export interface ValidationIssue {
  /** stable, machine-readable, e.g. `cycle`, `unknown_edge_component` */
  code: string;
  /** a sentence for a person, naming the ids */
  message: string;
  /** component ids concerned (for a cycle: the cycle, in order) */
  ids: string[];
  /** JSON path into the input, e.g. `$.edges[3].destination` */
  path: string;
}
