/**
 * Helpers for the scheduler's tests (not exported from the package): tiny graph builders, a
 * consistency check of the state's bookkeeping, and command filters.
 */

import type { Component, ComponentPolicy, ComponentState, Graph } from '../graph/model';
import { createBuild } from './create-build';
import { step } from './step';
import type {
  BuildEvent,
  BuildState,
  Command,
  CreateBuildInput,
  DispatchCommand,
  SchedulerEvent,
  StepResult,
} from './types';

export function component(
  id: string,
  options: {
    action?: string;
    provider?: string;
    props?: Record<string, unknown>;
    policy?: ComponentPolicy;
    state?: string;
  } = {},
): Component {
  const type = id.includes('::') ? (id.split('::')[0] as string) : 'thing';
  const c: Component = {
    id,
    type,
    action: options.action ?? 'create',
    provider: options.provider ?? 'sim',
    props: options.props ?? {},
  };
  if (options.policy) c.policy = options.policy;
  if (options.state) c.state = options.state;
  return c;
}

/** `edges` as `[source, destination]` pairs; plain ids become `create` components on `sim`. */
export function graph(
  changes: (Component | string)[],
  edges: [string, string][] = [],
  current: (Component | string)[] = [],
): Graph {
  const toComponent = (c: Component | string) => (typeof c === 'string' ? component(c) : c);
  return {
    name: 'test',
    changes: changes.map(toComponent),
    current: current.map(toComponent),
    edges: edges.map(([source, destination]) => ({ source, destination })),
  };
}

export function build(g: Graph, options: Partial<Omit<CreateBuildInput, 'graph'>> = {}): BuildState {
  return createBuild({ id: 'b1', environment: 'env', createdAt: 0, graph: g, ...options });
}

export function dispatches(commands: Command[]): DispatchCommand[] {
  return commands.filter((c): c is DispatchCommand => c.kind === 'dispatch');
}

export function dispatchedIds(commands: Command[]): string[] {
  return dispatches(commands).map((d) => d.componentId);
}

export function events(commands: Command[]): BuildEvent[] {
  return commands.flatMap((c) => (c.kind === 'emit' ? [c.event] : []));
}

export function stateOf(state: BuildState, id: string): ComponentState {
  const c = state.components.find((x) => x.id === id);
  if (!c) throw new Error(`no component ${id}`);
  return c.state;
}

export function run(state: BuildState, id: string) {
  const c = state.components.find((x) => x.id === id);
  if (!c) throw new Error(`no component ${id}`);
  return c;
}

/** Applies `event` and checks the state's bookkeeping afterwards. */
export function apply(state: BuildState, event: SchedulerEvent, now = 0): StepResult {
  const seqBefore = state.seq;
  const result = step(state, event, now);
  assertConsistent(result.state);
  assertNoIdleWork(result.state);
  // events are numbered without gaps
  let seq = seqBefore;
  for (const e of events(result.commands)) {
    if (e.seq !== seq + 1) throw new Error(`event seq ${e.seq} after ${seq}`);
    seq = e.seq;
  }
  if (seq !== result.state.seq) throw new Error(`state.seq ${result.state.seq}, last event ${seq}`);
  return result;
}

export function done(
  componentId: string,
  attempt = 1,
  payload: Record<string, unknown> = {},
): SchedulerEvent {
  return {
    kind: 'result',
    componentId,
    attempt,
    status: 'done',
    payload: { _component_id: componentId, ...payload },
  };
}

export function failed(componentId: string, attempt = 1, error = 'boom'): SchedulerEvent {
  return {
    kind: 'result',
    componentId,
    attempt,
    status: 'error',
    payload: { _component_id: componentId, error },
  };
}

/** The counters kept incrementally agree with a full recount. */
export function assertConsistent(s: BuildState): void {
  const counts: Record<string, number> = {};
  let queued = 0;
  let awaiting = 0;
  let backoff = 0;
  const running: Record<string, number> = {};
  s.components.forEach((c, i) => {
    counts[c.state] = (counts[c.state] ?? 0) + 1;
    if (c.queued) queued++;
    if (c.awaitingApproval) awaiting++;
    if (c.retryAt !== null || c.retryDue) backoff++;
    if (c.state === 'running') running[c.provider] = (running[c.provider] ?? 0) + 1;
    if (c.queued && c.state !== 'waiting') throw new Error(`${c.id} queued but ${c.state}`);
    let unmet = 0;
    for (let k = s.inStart[i] as number; k < (s.inStart[i + 1] as number); k++) {
      const src = s.components[s.inEdges[k] as number];
      if (src && src.state !== 'completed' && src.state !== 'skipped') unmet++;
    }
    if (unmet !== s.unmet[i]) {
      throw new Error(`${c.id}: unmet ${s.unmet[i]}, recount ${unmet}`);
    }
  });
  for (const [state, n] of Object.entries(s.counts)) {
    if ((counts[state] ?? 0) !== n) throw new Error(`count of ${state}: ${n}, recount ${counts[state] ?? 0}`);
  }
  if (queued !== s.queuedCount) throw new Error(`queuedCount ${s.queuedCount}, recount ${queued}`);
  if (awaiting !== s.awaitingCount) throw new Error(`awaitingCount ${s.awaitingCount}, recount ${awaiting}`);
  if (backoff !== s.backoffCount) throw new Error(`backoffCount ${s.backoffCount}, recount ${backoff}`);
  for (const [slot, n] of s.runningByProvider.entries()) {
    const provider = s.providers[slot] as string;
    if ((running[provider] ?? 0) !== n)
      throw new Error(`running on ${provider}: ${n}, recount ${running[provider]}`);
  }
}

/**
 * Liveness after a step: a running build leaves no work idle that a free slot could take. A due
 * retry waits only while the build or its provider is at its limit; a queued component (not
 * halted) waits only while the build is at its limit or — unless it is a `none`, which needs no
 * slot — while its provider is. (Otherwise the build could wait with nothing in flight and no
 * timer pending, `running` forever.)
 */
export function assertNoIdleWork(s: BuildState): void {
  if (s.status !== 'running') return;
  const buildFull = s.buildLimit > 0 && s.counts.running >= s.buildLimit;
  if (buildFull) return;
  for (const c of s.components) {
    if (c.state !== 'waiting') continue;
    const limit = s.providerLimits[c.providerSlot] as number;
    const providerFull = limit > 0 && (s.runningByProvider[c.providerSlot] as number) >= limit;
    if (c.retryDue && !providerFull) throw new Error(`${c.id}: due retry idle with a free slot`);
    if (c.queued && !s.halted && (c.action === 'none' || !providerFull))
      throw new Error(`${c.id}: queued but idle with a free slot (running ${s.counts.running})`);
  }
}
