/**
 * The scheduling core: `step(state, event, now) → {state, commands}`.
 *
 * !!! OWNERSHIP: `step` MUTATES `state` IN PLACE and returns the same object. !!!
 * Values of a result's payload are kept by reference (outputs, records a `find` found), and
 * `commands` share objects with the state (dispatch payloads, environment records): the runner
 * must treat events, commands and state as read-only once handed over. Copy the state
 * (`structuredClone`) before `step` if the previous version is still needed. A rejected event
 * leaves the state untouched (and returns no commands).
 *
 * Cost: every event does work proportional to what it changes (the component, its edges,
 * the components that become ready or blocked) — never a scan of the whole build — except the
 * build-wide operator actions (cancel the build, retry the build), which visit every component
 * once.
 *
 * Rules (design.md "Scheduling semantics"):
 * - Ready = every source completed or skipped. Ready components go to a max-heap by longest
 *   remaining path (ties: input order) and are dispatched while the build and provider limits
 *   allow. A `none` component completes at once when ready, without dispatch or slot. A
 *   component whose template cannot be resolved fails at dispatch without taking a slot, so the
 *   next ready (or parked) component takes it in the same step.
 *   A gated component (`policy.gate`) waits for `approve` when ready.
 * - A failed attempt with tries left waits a backoff (see backoff.ts) and is redispatched;
 *   retries that are due go before new work, and still go when fail-fast has halted the build
 *   (they belong to a component already under way).
 * - fail-fast: after a component errors (or is cancelled) nothing new is dispatched; the build
 *   ends when nothing is in flight or backing off. continue: dependants of an errored or
 *   cancelled component become `blocked`.
 * - The build ends when nothing is in flight or backing off and nothing is ready or awaiting
 *   approval (or, halted, when nothing is in flight or backing off): `errored` if a component is
 *   errored, else `cancelled` if one is cancelled, else `completed`.
 */

import type { BuildStatus, ComponentState } from '../graph/model';
import { resolveTemplates } from '../templates/index';
import { backoffDelay, nextRandom } from './backoff';
import { resolvePolicy } from './create-build';
import { heapPop, heapPush } from './heap';
import { dispatchPayload, indexOfComponent, isReservedField, putOwn, runRecord } from './records';
import { StateTemplateContext } from './template-context';
import type {
  AttemptRecord,
  AttemptStatus,
  BuildState,
  Command,
  ComponentRun,
  ErnestRecord,
  OperatorEvent,
  ResolvedPolicy,
  SchedulerEvent,
  StepOptions,
  StepResult,
  TimerEvent,
} from './types';

/** How long a cancelled attempt may take to answer before it counts as cancelled anyway. */
export const CANCEL_GRACE_MS = 10000;

/** The working set of one step. */
interface Tx {
  s: BuildState;
  now: number;
  commands: Command[];
  /** components that may have become ready, to examine */
  stack: number[];
  ctx: StateTemplateContext | null;
  /** dispatches from the ready queue still allowed in this step (`StepOptions.maxDispatches`) */
  budget: number;
  /** the budget ran out with components still ready */
  more: boolean;
}

export function dispatchKey(buildId: string, componentId: string, attempt: number): string {
  return `${buildId}/${componentId}/${attempt}`;
}

export function policyOf(s: BuildState, c: ComponentRun): ResolvedPolicy {
  return c.policy ? resolvePolicy(s.defaults, c.policy) : s.defaults;
}

function isFinished(status: BuildStatus): boolean {
  return status === 'completed' || status === 'errored' || status === 'cancelled';
}

function comp(s: BuildState, i: number): ComponentRun {
  return s.components[i] as ComponentRun;
}

// ---------------------------------------------------------------------------------------------
// events

function emitBuild(tx: Tx, status: BuildStatus): void {
  tx.s.status = status;
  tx.commands.push({
    kind: 'emit',
    event: { seq: ++tx.s.seq, at: tx.now, type: 'build_state', state: status },
  });
}

function emitLog(tx: Tx, message: string, componentId?: string): void {
  const event =
    componentId === undefined
      ? { seq: ++tx.s.seq, at: tx.now, type: 'log' as const, message }
      : { seq: ++tx.s.seq, at: tx.now, type: 'log' as const, componentId, message };
  tx.commands.push({ kind: 'emit', event });
}

function emitAction(tx: Tx, event: OperatorEvent): void {
  tx.commands.push({
    kind: 'emit',
    event:
      event.componentId === undefined
        ? { seq: ++tx.s.seq, at: tx.now, type: 'action', actor: event.actor, action: event.kind }
        : {
            seq: ++tx.s.seq,
            at: tx.now,
            type: 'action',
            componentId: event.componentId,
            actor: event.actor,
            action: event.kind,
          },
  });
}

/** Changes a component's state, keeps the counts, emits one `component_state` event. */
function setState(tx: Tx, i: number, to: ComponentState, message?: string): void {
  const s = tx.s;
  const c = comp(s, i);
  s.counts[c.state]--;
  s.counts[to]++;
  c.state = to;
  const event =
    message === undefined
      ? {
          seq: ++s.seq,
          at: tx.now,
          type: 'component_state' as const,
          componentId: c.id,
          state: to,
          attempt: c.attempt,
        }
      : {
          seq: ++s.seq,
          at: tx.now,
          type: 'component_state' as const,
          componentId: c.id,
          state: to,
          attempt: c.attempt,
          message,
        };
  tx.commands.push({ kind: 'emit', event });
}

// ---------------------------------------------------------------------------------------------
// environment

function ctxOf(tx: Tx): StateTemplateContext {
  tx.ctx ??= new StateTemplateContext(tx.s);
  return tx.ctx;
}

function envPut(tx: Tx, id: string, record: ErnestRecord): void {
  putOwn(tx.s.environmentState, id, record);
  tx.ctx?.invalidate();
  tx.commands.push({ kind: 'environment', op: 'put', id, record });
}

function envRemove(tx: Tx, id: string): void {
  if (Object.hasOwn(tx.s.environmentState, id)) delete tx.s.environmentState[id];
  tx.ctx?.invalidate();
  tx.commands.push({ kind: 'environment', op: 'remove', id });
}

/** Ernest's rules: create/update/get/none put the component, delete removes it, find adds what it found. */
function updateEnvironment(tx: Tx, c: ComponentRun, payload: Record<string, unknown> | null): void {
  switch (c.action) {
    case 'delete':
      envRemove(tx, c.id);
      return;
    case 'find': {
      const found = payload?.components;
      if (!Array.isArray(found)) return;
      for (const record of found) {
        if (record === null || typeof record !== 'object' || Array.isArray(record)) continue;
        const id = (record as Record<string, unknown>)._component_id;
        if (typeof id === 'string') envPut(tx, id, record as ErnestRecord);
      }
      return;
    }
    default:
      envPut(tx, c.id, runRecord(c));
  }
}

// ---------------------------------------------------------------------------------------------
// readiness and dispatch

function canStartNew(s: BuildState): boolean {
  return s.status === 'running' && !s.halted;
}

function enqueue(tx: Tx, i: number): void {
  const c = comp(tx.s, i);
  c.queued = true;
  tx.s.queuedCount++;
  heapPush(tx.s.ready, tx.s.priority, i);
}

function dequeue(s: BuildState, c: ComponentRun): void {
  if (c.queued) {
    c.queued = false;
    s.queuedCount--;
  }
}

/** Completion (or skip) of `i` satisfies one incoming edge of each dependant. */
function satisfyDependants(tx: Tx, i: number): void {
  const s = tx.s;
  const end = s.outStart[i + 1] as number;
  for (let k = s.outStart[i] as number; k < end; k++) {
    const d = s.outEdges[k] as number;
    const left = (s.unmet[d] as number) - 1;
    s.unmet[d] = left;
    if (left === 0) tx.stack.push(d);
  }
}

/** A ready component: gate, complete (`none`) or queue. */
function examine(tx: Tx, i: number): void {
  const s = tx.s;
  const c = comp(s, i);
  if (c.state !== 'waiting' || s.unmet[i] !== 0) return;
  if (c.queued || c.awaitingApproval || c.retryAt !== null || c.retryDue) return;
  if (!c.approved && policyOf(s, c).gate) {
    c.awaitingApproval = true;
    s.awaitingCount++;
    emitLog(tx, `component ${c.id} awaits approval`, c.id);
    return;
  }
  if (c.action === 'none' && canStartNew(s)) {
    completeNone(tx, i);
    return;
  }
  enqueue(tx, i);
}

function drain(tx: Tx): void {
  const stack = tx.stack;
  while (stack.length > 0) examine(tx, stack.pop() as number);
}

function completeNone(tx: Tx, i: number): void {
  const c = comp(tx.s, i);
  setState(tx, i, 'completed');
  updateEnvironment(tx, c, null);
  satisfyDependants(tx, i);
}

function providerFull(s: BuildState, slot: number): boolean {
  const limit = s.providerLimits[slot] as number;
  return limit > 0 && (s.runningByProvider[slot] as number) >= limit;
}

function buildFull(s: BuildState): boolean {
  return s.buildLimit > 0 && s.counts.running >= s.buildLimit;
}

/**
 * Dispatches what the limits allow: due retries first, then the ready heap, into which `unpark`
 * first moves, per provider with free slots, as many parked components as it has free slots.
 *
 * A component taken from the ready heap is completed (`none`, no slot), dispatched (takes a
 * slot), parked again (its provider is full), or leaves the queue without taking a slot: a
 * template that cannot be resolved fails it, or the entry is stale (its component was dequeued
 * by a cancel or a block, or is a duplicate of one already dispatched). Then a slot `unpark` may
 * have counted on is still free, so the best parked component of that provider takes its place
 * in the ready heap: the loop keeps pulling ready and parked work until the slots are really
 * taken or nothing is left to dispatch. (Without this, a component parked behind a failing
 * template waited with nothing in flight and no timer pending, and the build stayed `running`.)
 *
 * When the loop ends with the build neither full nor halted, every component still queued is
 * parked behind a provider at its limit. Cost: O(log n) per component taken or moved, plus one
 * pass over the providers in `unpark`.
 */
function pump(tx: Tx): void {
  const s = tx.s;
  if (s.status !== 'running') return;
  if (s.retryQueue.length > 0) serveRetries(tx);
  if (s.halted) return;
  unpark(tx);
  const ready = s.ready;
  while (ready.length > 0 && !s.halted && !buildFull(s)) {
    if (tx.budget <= 0) {
      // the rest stays queued (saved so) for the `continue` that follows
      tx.more = true;
      return;
    }
    const i = heapPop(ready, s.priority);
    const c = comp(s, i);
    if (c.queued && c.state === 'waiting') {
      if (c.action === 'none') {
        dequeue(s, c);
        completeNone(tx, i);
        drain(tx);
        continue; // never parked, so never counted by `unpark`
      }
      if (providerFull(s, c.providerSlot)) {
        heapPush(s.parked[c.providerSlot] as number[], s.priority, i);
        continue;
      }
      dequeue(s, c);
      if (dispatch(tx, i)) {
        tx.budget--;
        continue;
      }
    } else {
      dequeue(s, c); // a stale entry (or, defensively, a queued component no longer waiting)
    }
    // `i` left the queue without taking a slot of its provider
    unparkOne(s, c.providerSlot);
  }
}

/** Moves the best parked components of providers with free slots back to the ready heap. */
function unpark(tx: Tx): void {
  const s = tx.s;
  if (buildFull(s)) return;
  for (let slot = 0; slot < s.parked.length; slot++) {
    const parked = s.parked[slot] as number[];
    if (parked.length === 0) continue;
    const limit = s.providerLimits[slot] as number;
    let free = limit > 0 ? limit - (s.runningByProvider[slot] as number) : parked.length;
    while (free > 0 && parked.length > 0) {
      const i = heapPop(parked, s.priority);
      if (!comp(s, i).queued) continue;
      heapPush(s.ready, s.priority, i);
      free--;
    }
  }
}

/**
 * A component of provider `slot` left the ready heap without taking a slot: if the provider has
 * a free slot, its best live parked component (stale entries are dropped) joins the ready heap.
 */
function unparkOne(s: BuildState, slot: number): void {
  const parked = s.parked[slot] as number[];
  if (parked.length === 0 || providerFull(s, slot)) return;
  while (parked.length > 0) {
    const i = heapPop(parked, s.priority);
    if (!comp(s, i).queued) continue;
    heapPush(s.ready, s.priority, i);
    return;
  }
}

function serveRetries(tx: Tx): void {
  const s = tx.s;
  const queue = s.retryQueue;
  let kept = 0;
  for (let r = 0; r < queue.length; r++) {
    const i = queue[r] as number;
    const c = comp(s, i);
    if (!c.retryDue || c.state !== 'waiting') continue;
    if (buildFull(s) || providerFull(s, c.providerSlot)) {
      queue[kept++] = i;
      continue;
    }
    c.retryDue = false;
    s.backoffCount--;
    dispatch(tx, i);
  }
  queue.length = kept;
}

/**
 * Dispatches `i` (taking a slot of the build and of its provider) and returns true; or, when a
 * template of its props cannot be resolved, fails it without dispatch or slot and returns false.
 */
function dispatch(tx: Tx, i: number): boolean {
  const s = tx.s;
  const c = comp(s, i);
  let props = c.props;
  if (c.templated) {
    const resolved = resolveTemplates(props, ctxOf(tx));
    if (!resolved.ok) {
      c.error = resolved.error;
      setState(tx, i, 'errored', resolved.error);
      stopped(tx, i);
      return false;
    }
    props = resolved.value as Record<string, unknown>;
  }
  const attempt = ++c.attempt;
  c.triesLeft--;
  const deadline = tx.now + policyOf(s, c).timeoutMs;
  const payload = dispatchPayload(c, props, s.id);
  c.payload = payload;
  c.deadline = deadline;
  const record: AttemptRecord = { attempt, dispatchedAt: tx.now, status: 'running' };
  // a new array for the first attempt: the empty one may be shared (`NO_HISTORY`, or its copy)
  if (c.history.length === 0) c.history = [record];
  else c.history.push(record);
  s.runningByProvider[c.providerSlot] = (s.runningByProvider[c.providerSlot] as number) + 1;
  setState(tx, i, 'running');
  tx.commands.push(
    {
      kind: 'dispatch',
      componentId: c.id,
      attempt,
      key: dispatchKey(s.id, c.id, attempt),
      type: c.type,
      action: c.action,
      provider: c.provider,
      payload,
      deadline,
    },
    { kind: 'timer', at: deadline, event: { kind: 'timeout', componentId: c.id, attempt } },
  );
  return true;
}

// ---------------------------------------------------------------------------------------------
// answers

/** The in-flight attempt of `c` ends: history, slot, payload and timers cleared. */
function endAttempt(tx: Tx, c: ComponentRun, status: AttemptStatus, error?: string): void {
  const record = c.history[c.history.length - 1];
  if (record && record.attempt === c.attempt) {
    record.finishedAt = tx.now;
    record.status = status;
    if (error !== undefined) record.error = error;
  }
  const s = tx.s;
  s.runningByProvider[c.providerSlot] = (s.runningByProvider[c.providerSlot] as number) - 1;
  c.payload = null;
  c.deadline = null;
  c.cancelRequested = false;
  c.cancelGraceAt = null;
}

function complete(tx: Tx, i: number, payload: Record<string, unknown>): void {
  const c = comp(tx.s, i);
  // a new object, never a write into the old one: that may be shared (`NO_OUTPUTS`, or the one
  // copy a `structuredClone` of the state made of it for every component)
  const outputs: Record<string, unknown> = {};
  const before = c.outputs;
  for (const key in before) if (Object.hasOwn(before, key)) putOwn(outputs, key, before[key]);
  for (const key in payload) {
    if (Object.hasOwn(payload, key) && !isReservedField(key)) putOwn(outputs, key, payload[key]);
  }
  c.outputs = outputs;
  endAttempt(tx, c, 'completed');
  setState(tx, i, 'completed');
  updateEnvironment(tx, c, payload);
  satisfyDependants(tx, i);
  drain(tx);
}

/** An `.error` answer or a deadline: cancel, backoff or errored. */
function failAttempt(tx: Tx, i: number, status: 'errored' | 'timeout', error: string): void {
  const s = tx.s;
  const c = comp(s, i);
  if (c.cancelRequested) {
    endAttempt(tx, c, 'cancelled', error);
    c.error = error;
    setState(tx, i, 'cancelled', `cancelled: ${error}`);
    stopped(tx, i);
    return;
  }
  endAttempt(tx, c, status, error);
  c.error = error;
  const policy = policyOf(s, c);
  if (c.triesLeft > 0) {
    const random = nextRandom(s.rng);
    s.rng = random.rng;
    const retry = policy.attempts - c.triesLeft;
    const at = tx.now + backoffDelay(policy, retry, random.value);
    c.retryAt = at;
    s.backoffCount++;
    setState(tx, i, 'waiting', `attempt ${c.attempt} failed: ${error}; next attempt at ${at}`);
    tx.commands.push({
      kind: 'timer',
      at,
      event: { kind: 'retry_due', componentId: c.id, attempt: c.attempt },
    });
    return;
  }
  setState(tx, i, 'errored', error);
  stopped(tx, i);
}

/** `i` became errored or cancelled: fail-fast halts, continue blocks its dependants. */
function stopped(tx: Tx, i: number): void {
  const s = tx.s;
  if (s.status !== 'running') return;
  if (s.failurePolicy === 'fail-fast') {
    s.halted = true;
    return;
  }
  blockDependants(tx, i);
}

function blockDependants(tx: Tx, root: number): void {
  const s = tx.s;
  const rootId = comp(s, root).id;
  const stack = [root];
  while (stack.length > 0) {
    const i = stack.pop() as number;
    const end = s.outStart[i + 1] as number;
    for (let k = s.outStart[i] as number; k < end; k++) {
      const d = s.outEdges[k] as number;
      const c = comp(s, d);
      if (c.state !== 'waiting') continue;
      dequeue(s, c);
      if (c.awaitingApproval) {
        c.awaitingApproval = false;
        s.awaitingCount--;
      }
      setState(tx, d, 'blocked', `blocked: ${rootId} is ${comp(s, root).state}`);
      stack.push(d);
    }
  }
}

/** A source that keeps `i` from running in this build (errored, cancelled or blocked), or -1. */
function blockingSource(s: BuildState, i: number): number {
  const end = s.inStart[i + 1] as number;
  for (let k = s.inStart[i] as number; k < end; k++) {
    const src = s.inEdges[k] as number;
    const state = comp(s, src).state;
    if (state === 'errored' || state === 'cancelled' || state === 'blocked') return src;
  }
  return -1;
}

/** After `root` was retried or skipped: dependants blocked only because of it wait again. */
function unblockDependants(tx: Tx, root: number): void {
  const s = tx.s;
  const stack = [root];
  while (stack.length > 0) {
    const i = stack.pop() as number;
    const end = s.outStart[i + 1] as number;
    for (let k = s.outStart[i] as number; k < end; k++) {
      const d = s.outEdges[k] as number;
      if (comp(s, d).state !== 'blocked' || blockingSource(s, d) >= 0) continue;
      setState(tx, d, 'waiting');
      tx.stack.push(d);
      stack.push(d);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// build status

function finishCheck(tx: Tx): void {
  const s = tx.s;
  if (s.status === 'cancelling') {
    if (s.counts.running === 0) finish(tx, 'cancelled');
    return;
  }
  if (s.status !== 'running') return;
  if (s.counts.running + s.backoffCount > 0) return;
  if (!s.halted && (s.queuedCount > 0 || s.awaitingCount > 0)) return;
  const { counts } = s;
  let outcome: BuildStatus;
  if (counts.errored > 0) outcome = 'errored';
  else if (counts.cancelled > 0) outcome = 'cancelled';
  else if (counts.completed + counts.skipped === s.components.length) outcome = 'completed';
  else outcome = 'errored';
  finish(tx, outcome);
}

function finish(tx: Tx, status: BuildStatus): void {
  tx.s.finishedAt = tx.now;
  emitBuild(tx, status);
}

function reopen(tx: Tx): void {
  if (!isFinished(tx.s.status)) return;
  tx.s.finishedAt = null;
  emitBuild(tx, 'running');
}

// ---------------------------------------------------------------------------------------------
// step

function reject(s: BuildState, code: string, reason: string): StepResult {
  return { state: s, commands: [], rejected: { code, reason } };
}

export function step(
  state: BuildState,
  event: SchedulerEvent,
  now: number,
  options: StepOptions = {},
): StepResult {
  const budget = options.maxDispatches ?? Number.POSITIVE_INFINITY;
  const tx: Tx = { s: state, now, commands: [], stack: [], ctx: null, budget, more: false };
  switch (event.kind) {
    case 'start':
      if (state.status !== 'pending')
        return reject(state, 'not_allowed', `build ${state.id} is already ${state.status}`);
      onStart(tx);
      break;
    case 'continue':
      // nothing of its own: the pump below dispatches what is ready, within the budget
      break;
    case 'result':
      onResult(tx, event);
      break;
    case 'timeout':
    case 'retry_due':
    case 'cancel_grace':
      onTimer(tx, event);
      break;
    case 'retry':
    case 'cancel':
    case 'skip':
    case 'approve': {
      const refusal = checkAction(state, event);
      if (refusal) return { state, commands: [], rejected: refusal };
      emitAction(tx, event);
      applyAction(tx, event);
      break;
    }
    default:
      return reject(
        state,
        'unknown_event',
        `unknown event kind ${String((event as { kind?: unknown }).kind)}`,
      );
  }
  drain(tx);
  pump(tx);
  finishCheck(tx);
  return tx.more ? { state, commands: tx.commands, more: true } : { state, commands: tx.commands };
}

function onStart(tx: Tx): void {
  const s = tx.s;
  s.startedAt = tx.now;
  emitBuild(tx, 'running');
  for (let i = s.components.length - 1; i >= 0; i--) if (s.unmet[i] === 0) tx.stack.push(i);
}

/** Why an answer for `componentId`/`attempt` is not for the in-flight attempt, or null. */
function staleReason(s: BuildState, i: number, attempt: number): string | null {
  if (isFinished(s.status) || s.status === 'pending') return `build ${s.id} is ${s.status}`;
  const c = comp(s, i);
  if (c.state === 'running' && c.attempt === attempt) return null;
  if (attempt === c.attempt && c.state === 'completed')
    return `duplicate: attempt ${attempt} already completed`;
  return `attempt ${attempt} is not in flight (component is ${c.state}, latest attempt ${c.attempt})`;
}

function onResult(tx: Tx, event: Extract<SchedulerEvent, { kind: 'result' }>): void {
  const s = tx.s;
  const i = indexOfComponent(s, event.componentId);
  if (i < 0) {
    emitLog(
      tx,
      `ignored result for ${dispatchKey(s.id, event.componentId, event.attempt)}: unknown component`,
    );
    return;
  }
  const stale = staleReason(s, i, event.attempt);
  if (stale) {
    emitLog(
      tx,
      `ignored ${event.status} result for ${dispatchKey(s.id, event.componentId, event.attempt)}: ${stale}`,
      event.componentId,
    );
    return;
  }
  if (event.status === 'done') {
    // a malformed answer (no payload object) still completes the attempt, with no outputs
    const payload = typeof event.payload === 'object' && event.payload !== null ? event.payload : {};
    complete(tx, i, payload);
  } else {
    const text = (event.payload as Record<string, unknown> | null | undefined)?.error;
    failAttempt(tx, i, 'errored', typeof text === 'string' && text !== '' ? text : 'error');
  }
}

function onTimer(tx: Tx, event: TimerEvent): void {
  const s = tx.s;
  const i = indexOfComponent(s, event.componentId);
  if (i < 0) {
    emitLog(
      tx,
      `ignored ${event.kind} for ${dispatchKey(s.id, event.componentId, event.attempt)}: unknown component`,
    );
    return;
  }
  const c = comp(s, i);
  if (event.kind === 'retry_due') {
    if (
      s.status !== 'running' ||
      c.state !== 'waiting' ||
      c.retryAt === null ||
      c.attempt !== event.attempt
    ) {
      emitLog(
        tx,
        `ignored retry_due for ${dispatchKey(s.id, event.componentId, event.attempt)}: ${
          s.status === 'running' ? 'no backoff pending for this attempt' : `build ${s.id} is ${s.status}`
        }`,
        c.id,
      );
      return;
    }
    c.retryAt = null;
    c.retryDue = true;
    s.retryQueue.push(i);
    return;
  }
  const stale = staleReason(s, i, event.attempt);
  if (stale) {
    emitLog(
      tx,
      `ignored ${event.kind} for ${dispatchKey(s.id, event.componentId, event.attempt)}: ${stale}`,
      c.id,
    );
    return;
  }
  if (event.kind === 'timeout') {
    failAttempt(tx, i, 'timeout', 'timeout');
    return;
  }
  if (!c.cancelRequested) {
    emitLog(
      tx,
      `ignored cancel_grace for ${dispatchKey(s.id, event.componentId, event.attempt)}: no cancel pending`,
      c.id,
    );
    return;
  }
  endAttempt(tx, c, 'cancelled', 'no answer to cancel');
  setState(tx, i, 'cancelled', `cancelled: no answer within ${CANCEL_GRACE_MS} ms of the cancel`);
  stopped(tx, i);
}

// ---------------------------------------------------------------------------------------------
// operator actions

type Refusal = { code: string; reason: string };

function checkAction(s: BuildState, event: OperatorEvent): Refusal | null {
  const id = event.componentId;
  if (id === undefined) {
    if (event.kind === 'retry') {
      if (s.status === 'errored' || s.status === 'cancelled') return null;
      return {
        code: 'not_allowed',
        reason:
          s.status === 'running'
            ? `build ${s.id} is running; only an errored or cancelled build can be retried (retry single components instead)`
            : s.status === 'pending'
              ? `build ${s.id} has not started`
              : `build ${s.id} is ${s.status === 'completed' ? 'already completed' : s.status}; only an errored or cancelled build can be retried`,
      };
    }
    if (s.status === 'pending' || s.status === 'running') return null;
    return {
      code: 'not_allowed',
      reason: isFinished(s.status)
        ? `build ${s.id} is already ${s.status}`
        : `build ${s.id} is already cancelling`,
    };
  }
  const i = indexOfComponent(s, id);
  if (i < 0) return { code: 'not_found', reason: `build ${s.id} has no component ${id}` };
  const c = comp(s, i);
  switch (event.kind) {
    case 'retry':
    case 'skip': {
      if (s.status === 'pending') return { code: 'not_allowed', reason: `build ${s.id} has not started` };
      if (s.status === 'cancelling')
        return { code: 'not_allowed', reason: `build ${s.id} is being cancelled` };
      if (event.kind === 'skip') {
        if (c.state === 'errored' || c.state === 'cancelled' || c.state === 'blocked') return null;
        return {
          code: 'not_allowed',
          reason: `component ${id} is ${c.state}; only errored, cancelled or blocked components can be skipped`,
        };
      }
      if (c.state === 'errored' || c.state === 'cancelled') return null;
      if (c.state === 'blocked') {
        const by = blockingSource(s, i);
        const name = by >= 0 ? comp(s, by).id : 'a source';
        return {
          code: 'not_allowed',
          reason: `component ${id} is blocked by ${name}; retry or skip ${name} (or retry the build)`,
        };
      }
      return {
        code: 'not_allowed',
        reason: `component ${id} is ${c.state}; only errored or cancelled components can be retried`,
      };
    }
    case 'cancel':
      if (s.status !== 'running') {
        return {
          code: 'not_allowed',
          reason: `build ${s.id} is ${s.status}; components of a running build only`,
        };
      }
      if (c.state === 'running' && c.cancelRequested) {
        return { code: 'not_allowed', reason: `a cancel of component ${id} is already pending` };
      }
      if (c.state === 'waiting' || c.state === 'running') return null;
      return {
        code: 'not_allowed',
        reason: `component ${id} is ${c.state}; only waiting or running components can be cancelled`,
      };
    case 'approve':
      if (!policyOf(s, c).gate)
        return { code: 'not_allowed', reason: `component ${id} has no approval gate` };
      if (s.status !== 'running') {
        return {
          code: 'not_allowed',
          reason: `build ${s.id} is ${s.status}; approvals apply to a running build`,
        };
      }
      if (!c.awaitingApproval) {
        return {
          code: 'not_allowed',
          reason: `component ${id} is not waiting for approval (it is ${c.state}${c.approved ? ', already approved' : ''})`,
        };
      }
      return null;
  }
}

function applyAction(tx: Tx, event: OperatorEvent): void {
  const s = tx.s;
  if (event.componentId === undefined) {
    if (event.kind === 'retry') retryBuild(tx);
    else cancelBuild(tx);
    return;
  }
  const i = indexOfComponent(s, event.componentId);
  switch (event.kind) {
    case 'retry':
      retryComponent(tx, i);
      return;
    case 'skip':
      skipComponent(tx, i);
      return;
    case 'cancel':
      cancelComponent(tx, i);
      return;
    case 'approve': {
      const c = comp(s, i);
      c.approved = true;
      c.awaitingApproval = false;
      s.awaitingCount--;
      tx.stack.push(i);
      return;
    }
  }
}

/** Puts a component back to a fresh start (not its state): a new try budget, no error or flags. */
function resetComponent(s: BuildState, c: ComponentRun): void {
  c.triesLeft = policyOf(s, c).attempts;
  c.error = null;
  c.retryAt = null;
  c.retryDue = false;
  c.cancelRequested = false;
  c.cancelGraceAt = null;
  c.queued = false;
  c.awaitingApproval = false;
}

/** Leaves the waiting-room bookkeeping of a waiting component (queue, gate, backoff). */
function leaveWaiting(s: BuildState, c: ComponentRun): void {
  dequeue(s, c);
  if (c.awaitingApproval) {
    c.awaitingApproval = false;
    s.awaitingCount--;
  }
  if (c.retryAt !== null || c.retryDue) {
    c.retryAt = null;
    c.retryDue = false;
    s.backoffCount--;
  }
}

function retryComponent(tx: Tx, i: number): void {
  const s = tx.s;
  const c = comp(s, i);
  resetComponent(s, c);
  s.halted = false;
  reopen(tx);
  const by = s.failurePolicy === 'continue' ? blockingSource(s, i) : -1;
  if (by >= 0) {
    setState(tx, i, 'blocked', `blocked: ${comp(s, by).id} is ${comp(s, by).state}`);
    return;
  }
  setState(tx, i, 'waiting');
  unblockDependants(tx, i);
  tx.stack.push(i);
}

function skipComponent(tx: Tx, i: number): void {
  const s = tx.s;
  s.halted = false;
  reopen(tx);
  setState(tx, i, 'skipped');
  satisfyDependants(tx, i);
  unblockDependants(tx, i);
}

function cancelComponent(tx: Tx, i: number): void {
  const s = tx.s;
  const c = comp(s, i);
  if (c.state === 'waiting') {
    leaveWaiting(s, c);
    setState(tx, i, 'cancelled');
    stopped(tx, i);
    return;
  }
  requestCancel(tx, c);
}

function requestCancel(tx: Tx, c: ComponentRun): void {
  const s = tx.s;
  c.cancelRequested = true;
  c.cancelGraceAt = tx.now + CANCEL_GRACE_MS;
  tx.commands.push(
    {
      kind: 'cancel',
      componentId: c.id,
      attempt: c.attempt,
      key: dispatchKey(s.id, c.id, c.attempt),
      type: c.type,
      action: c.action,
      provider: c.provider,
    },
    {
      kind: 'timer',
      at: c.cancelGraceAt,
      event: { kind: 'cancel_grace', componentId: c.id, attempt: c.attempt },
    },
  );
}

function cancelBuild(tx: Tx): void {
  const s = tx.s;
  emitBuild(tx, 'cancelling');
  for (let i = 0; i < s.components.length; i++) {
    const c = comp(s, i);
    if (c.state === 'waiting') {
      leaveWaiting(s, c);
      setState(tx, i, 'cancelled', 'build cancelled');
    } else if (c.state === 'running' && !c.cancelRequested) {
      requestCancel(tx, c);
    }
  }
  s.ready.length = 0;
  for (const parked of s.parked) parked.length = 0;
  s.retryQueue.length = 0;
  s.queuedCount = 0;
  s.awaitingCount = 0;
  s.backoffCount = 0;
}

function retryBuild(tx: Tx): void {
  const s = tx.s;
  s.halted = false;
  s.finishedAt = null;
  emitBuild(tx, 'running');
  const n = s.components.length;
  for (let i = 0; i < n; i++) {
    const c = comp(s, i);
    if (c.state === 'completed' || c.state === 'skipped' || c.state === 'running') continue;
    resetComponent(s, c);
    if (c.state !== 'waiting') setState(tx, i, 'waiting', 'build retried');
  }
  s.ready.length = 0;
  for (const parked of s.parked) parked.length = 0;
  s.retryQueue.length = 0;
  s.queuedCount = 0;
  s.awaitingCount = 0;
  s.backoffCount = 0;
  for (let i = 0; i < n; i++) {
    let unmet = 0;
    const end = s.inStart[i + 1] as number;
    for (let k = s.inStart[i] as number; k < end; k++) {
      const state = comp(s, s.inEdges[k] as number).state;
      if (state !== 'completed' && state !== 'skipped') unmet++;
    }
    s.unmet[i] = unmet;
  }
  for (let i = n - 1; i >= 0; i--) if (s.unmet[i] === 0 && comp(s, i).state === 'waiting') tx.stack.push(i);
}
