/**
 * Ordo native ↔ `Graph`: what the editor saves and exports.
 *
 * `{ordo: 1, name, action?, components:[…], changes:[…], edges:[{source, destination}]}`,
 * components in Ernest form plus the optional `_policy: {attempts, backoff_ms,
 * max_backoff_ms, timeout_ms, gate}` and `_position: {x, y}`. A superset of the Ernest
 * mapping: an edge's `length` and Ernest's `start`/`end` edges are accepted and dropped.
 * Export writes keys in one fixed order so that two exports diff line by line.
 */
import { z } from 'zod';
import type { Component, ComponentPolicy, Graph, ValidationIssue } from '../graph/model';
import { ERNEST_COMPONENT_KEYS, type ErnestComponent, readGraphBody, toErnestComponent } from './ernest';
import { type FormatParseResult, fromZodError, isRecord, looseArray, shapeIssue } from './shape';

/** The native format version this code reads and writes. */
export const ORDO_NATIVE_VERSION = 1;

export interface OrdoPolicy {
  attempts?: number;
  backoff_ms?: number;
  max_backoff_ms?: number;
  timeout_ms?: number;
  gate?: boolean;
}

export interface OrdoComponent extends ErnestComponent {
  _policy?: OrdoPolicy;
  _position?: { x: number; y: number };
}

export interface OrdoNativeGraph {
  ordo: typeof ORDO_NATIVE_VERSION;
  name: string;
  action?: string;
  components: OrdoComponent[];
  changes: OrdoComponent[];
  edges: { source: string; destination: string }[];
}

const NATIVE_COMPONENT_KEYS: ReadonlySet<string> = new Set([
  ...ERNEST_COMPONENT_KEYS,
  '_policy',
  '_position',
]);

const envelopeSchema = z.object({
  name: z.string(),
  action: z.string().optional(),
  components: looseArray.optional(),
  changes: looseArray.optional(),
  edges: looseArray.optional(),
});

const policySchema = z.strictObject({
  attempts: z.int().min(1).optional(),
  backoff_ms: z.number().nonnegative().optional(),
  max_backoff_ms: z.number().nonnegative().optional(),
  timeout_ms: z.number().positive().optional(),
  gate: z.boolean().optional(),
});

const positionSchema = z.strictObject({ x: z.number(), y: z.number() });

export function parseNative(input: unknown): FormatParseResult {
  if (!isRecord(input)) return { ok: false, issues: [shapeIssue('$', 'an Ordo native graph object', input)] };
  if (input.ordo !== ORDO_NATIVE_VERSION) {
    const version = input.ordo === undefined ? 'missing' : JSON.stringify(input.ordo);
    const issue: ValidationIssue = {
      code: 'unsupported_version',
      message: `$.ordo: Ordo native version ${version} is not supported (supported: ${ORDO_NATIVE_VERSION})`,
      ids: [],
      path: '$.ordo',
    };
    return { ok: false, issues: [issue] };
  }
  const issues: ValidationIssue[] = [];
  const envelope = envelopeSchema.safeParse(input);
  if (!envelope.success) issues.push(...fromZodError(envelope.error));
  const body = readGraphBody(input, issues, NATIVE_COMPONENT_KEYS, readNativeFields);
  if (issues.length > 0) return { ok: false, issues };
  const graph: Graph = { name: input.name as string, ...body };
  if (typeof input.action === 'string') graph.action = input.action;
  return { ok: true, graph };
}

function readNativeFields(
  raw: Record<string, unknown>,
  component: Component,
  listPath: string,
  index: number,
  issues: ValidationIssue[],
): void {
  if (raw._policy !== undefined) {
    const policy = policySchema.safeParse(raw._policy);
    if (policy.success) {
      component.policy = fromNativePolicy(policy.data);
    } else {
      issues.push(...withIds(fromZodError(policy.error, `${listPath}[${index}]._policy`), component.id));
    }
  }
  if (raw._position !== undefined) {
    const position = positionSchema.safeParse(raw._position);
    if (position.success) component.position = position.data;
    else
      issues.push(...withIds(fromZodError(position.error, `${listPath}[${index}]._position`), component.id));
  }
}

function withIds(issues: ValidationIssue[], id: string): ValidationIssue[] {
  if (id !== '') for (const issue of issues) issue.ids = [id];
  return issues;
}

function fromNativePolicy(policy: OrdoPolicy): ComponentPolicy {
  const out: ComponentPolicy = {};
  if (policy.attempts !== undefined) out.attempts = policy.attempts;
  if (policy.backoff_ms !== undefined) out.backoffMs = policy.backoff_ms;
  if (policy.max_backoff_ms !== undefined) out.maxBackoffMs = policy.max_backoff_ms;
  if (policy.timeout_ms !== undefined) out.timeoutMs = policy.timeout_ms;
  if (policy.gate !== undefined) out.gate = policy.gate;
  return out;
}

function toNativePolicy(policy: ComponentPolicy): OrdoPolicy {
  const out: OrdoPolicy = {};
  if (policy.attempts !== undefined) out.attempts = policy.attempts;
  if (policy.backoffMs !== undefined) out.backoff_ms = policy.backoffMs;
  if (policy.maxBackoffMs !== undefined) out.max_backoff_ms = policy.maxBackoffMs;
  if (policy.timeoutMs !== undefined) out.timeout_ms = policy.timeoutMs;
  if (policy.gate !== undefined) out.gate = policy.gate;
  return out;
}

/**
 * Key order: `ordo, name, action?, components, changes, edges`; in a component
 * `_component_id, _component, _action, _provider, _state?, …props, _policy?, _position?`.
 * `_state` is written only when the component has one (the editor saves graphs without).
 */
export function exportNative(graph: Graph): OrdoNativeGraph {
  return {
    ordo: ORDO_NATIVE_VERSION,
    name: graph.name,
    ...(graph.action !== undefined ? { action: graph.action } : {}),
    components: graph.current.map(toNativeComponent),
    changes: graph.changes.map(toNativeComponent),
    edges: graph.edges.map((edge) => ({ source: edge.source, destination: edge.destination })),
  };
}

function toNativeComponent(component: Component): OrdoComponent {
  const out: OrdoComponent = toErnestComponent(component, component.state, NATIVE_COMPONENT_KEYS);
  if (component.policy !== undefined) out._policy = toNativePolicy(component.policy);
  if (component.position !== undefined) out._position = { x: component.position.x, y: component.position.y };
  return out;
}
