/**
 * `createBuild`: turns a validated graph into the initial (pending) build state. O(n + m), no
 * recursion: ids are indexed, edges packed into CSR arrays, and each component's longest
 * remaining path computed once over a topological order.
 */

import type { ComponentPolicy } from '../graph/model';
import { hasTemplates } from '../templates/index';
import { graphIndex, rememberedGraphIndex } from '../validation/graph-index';
import { ComponentLookup, currentRecord, NO_HISTORY, NO_OUTPUTS, putOwn, rememberIndex } from './records';
import type { BuildState, ComponentRun, CreateBuildInput, ErnestRecord, ResolvedPolicy } from './types';

/** Built-in policy (design.md "Retry policy"): one attempt, 1 s doubling to 60 s, 5 min deadline. */
export const DEFAULT_POLICY: Readonly<ResolvedPolicy> = {
  attempts: 1,
  backoffMs: 1000,
  maxBackoffMs: 60000,
  timeoutMs: 300000,
  gate: false,
};

function finiteAtLeast(value: number | undefined, min: number): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= min ? value : undefined;
}

/** `base` overridden by the valid fields of `override` (attempts ≥ 1 integer, delays ≥ 0, timeout > 0). */
export function resolvePolicy(
  base: ResolvedPolicy,
  override: ComponentPolicy | null | undefined,
): ResolvedPolicy {
  if (!override) return base;
  const attempts = finiteAtLeast(override.attempts, 1);
  const timeoutMs = finiteAtLeast(override.timeoutMs, 0);
  return {
    attempts: attempts === undefined ? base.attempts : Math.floor(attempts),
    backoffMs: finiteAtLeast(override.backoffMs, 0) ?? base.backoffMs,
    maxBackoffMs: finiteAtLeast(override.maxBackoffMs, 0) ?? base.maxBackoffMs,
    timeoutMs: timeoutMs !== undefined && timeoutMs > 0 ? timeoutMs : base.timeoutMs,
    gate: typeof override.gate === 'boolean' ? override.gate : base.gate,
  };
}

export function createBuild(input: CreateBuildInput): BuildState {
  const { graph } = input;
  const defaults = resolvePolicy({ ...DEFAULT_POLICY }, input.defaults);
  const n = graph.changes.length;
  // ids and edges resolved once: by `validateGraph`, when it checked this same graph object
  const index = rememberedGraphIndex(graph) ?? graphIndex(graph);
  const lookup = new ComponentLookup(index.lookup, index.ids);

  const providers: string[] = [];
  const providerSlots = new Map<string, number>();
  const components: ComponentRun[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = graph.changes[i];
    if (!c) continue;
    const policy = c.policy ?? null;
    let providerSlot = providerSlots.get(c.provider);
    if (providerSlot === undefined) {
      providerSlot = providers.length;
      providers.push(c.provider);
      providerSlots.set(c.provider, providerSlot);
    }
    components[i] = {
      id: c.id,
      type: c.type,
      action: c.action,
      provider: c.provider,
      providerSlot,
      props: c.props,
      templated: hasTemplates(c.props),
      policy,
      state: 'waiting',
      attempt: 0,
      triesLeft: policy ? resolvePolicy(defaults, policy).attempts : defaults.attempts,
      outputs: NO_OUTPUTS,
      error: null,
      history: NO_HISTORY,
      payload: null,
      deadline: null,
      retryAt: null,
      retryDue: false,
      cancelRequested: false,
      cancelGraceAt: null,
      queued: false,
      awaitingApproval: false,
      approved: false,
    };
  }

  // Edges between two components of `changes`; any other edge is already satisfied (its source
  // is only in `current`) or names Ernest's synthetic start/end. An id repeated in `changes` (an
  // invalid graph) stands for its last occurrence.
  const { edgeSources, edgeTargets } = index;
  const edgeCount = edgeSources.length;
  const outStart = new Array<number>(n + 1).fill(0);
  const inStart = new Array<number>(n + 1).fill(0);
  let m = 0;
  for (let e = 0; e < edgeCount; e++) {
    const s = lookup.last(edgeSources[e] as number);
    const d = lookup.last(edgeTargets[e] as number);
    if (s === -1 || d === -1) continue;
    outStart[s + 1] = (outStart[s + 1] as number) + 1;
    inStart[d + 1] = (inStart[d + 1] as number) + 1;
    m++;
  }
  for (let i = 0; i < n; i++) {
    outStart[i + 1] = (outStart[i + 1] as number) + (outStart[i] as number);
    inStart[i + 1] = (inStart[i + 1] as number) + (inStart[i] as number);
  }
  const outEdges = new Array<number>(m).fill(0);
  const inEdges = new Array<number>(m).fill(0);
  // scratch arrays are typed: off the garbage-collected heap, half the size of a number array
  const outFill = Int32Array.from(outStart);
  const inFill = Int32Array.from(inStart);
  for (let e = 0; e < edgeCount; e++) {
    const s = lookup.last(edgeSources[e] as number);
    const d = lookup.last(edgeTargets[e] as number);
    if (s === -1 || d === -1) continue;
    outEdges[(outFill[s] as number)++] = d;
    inEdges[(inFill[d] as number)++] = s;
  }

  const unmet = new Array<number>(n);
  for (let i = 0; i < n; i++) unmet[i] = (inStart[i + 1] as number) - (inStart[i] as number);

  // Longest remaining path: Kahn's topological order, then a backward pass.
  const pending = Int32Array.from(unmet);
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) if (pending[i] === 0) order[tail++] = i;
  while (head < tail) {
    const i = order[head++] as number;
    const end = outStart[i + 1] as number;
    for (let k = outStart[i] as number; k < end; k++) {
      const d = outEdges[k] as number;
      if (--(pending[d] as number) === 0) order[tail++] = d;
    }
  }
  const priority = new Array<number>(n).fill(1);
  for (let p = tail - 1; p >= 0; p--) {
    const i = order[p] as number;
    let best = 0;
    const end = outStart[i + 1] as number;
    for (let k = outStart[i] as number; k < end; k++) {
      const v = priority[outEdges[k] as number] as number;
      if (v > best) best = v;
    }
    priority[i] = best + 1;
  }

  const environmentState: Record<string, ErnestRecord> = {};
  for (const c of graph.current) putOwn(environmentState, c.id, currentRecord(c));

  const limits = input.concurrency?.providers ?? {};
  const providerLimits = providers.map((provider) => {
    const limit = Object.hasOwn(limits, provider) ? limits[provider] : undefined;
    return typeof limit === 'number' && Number.isFinite(limit) && limit >= 1 ? Math.floor(limit) : 0;
  });
  const buildLimit = input.concurrency?.build;

  const state: BuildState = {
    version: 1,
    id: input.id,
    environment: input.environment,
    status: 'pending',
    failurePolicy: input.policy ?? 'fail-fast',
    createdAt: input.createdAt,
    startedAt: null,
    finishedAt: null,
    seq: 0,
    rng: (input.seed ?? 0) >>> 0,
    halted: false,
    buildLimit:
      typeof buildLimit === 'number' && Number.isFinite(buildLimit) && buildLimit >= 1
        ? Math.floor(buildLimit)
        : 0,
    providers,
    providerLimits,
    defaults,
    components,
    outStart,
    outEdges,
    inStart,
    inEdges,
    priority,
    unmet,
    ready: [],
    parked: providers.map(() => []),
    retryQueue: [],
    counts: { waiting: n, running: 0, completed: 0, errored: 0, cancelled: 0, skipped: 0, blocked: 0 },
    runningByProvider: providers.map(() => 0),
    queuedCount: 0,
    backoffCount: 0,
    awaitingCount: 0,
    environmentState,
  };
  rememberIndex(state, lookup);
  return state;
}
