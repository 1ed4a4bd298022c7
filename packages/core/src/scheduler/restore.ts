/**
 * Rebuilding a `BuildState` from what a runner persists, after a crash.
 *
 * The runner does not store the whole state object. It stores, per component, the fields `step`
 * changes (`SavedComponentRun`, written only for the components a step changed) and, per build,
 * the build-level fields `step` changes (`SavedBuildFields`). Everything else is either fixed at
 * `createBuild` (ids, CSR edges, priorities, limits, defaults, props) or derived from the saved
 * fields and recomputed here: `unmet`, `counts`, `runningByProvider`, `queuedCount`,
 * `backoffCount`, `awaitingCount` and each component's `queued` flag.
 *
 * Three structures are saved with the build instead of being recomputed: the ready heap, the
 * parked heaps and the retry queue. Their contents come from history, not from the components'
 * fields: the retry queue is FIFO in the order the backoffs ended, and the heaps may hold stale
 * entries (a component dequeued by a cancel, a block or a halt stays in the array until popped),
 * duplicates (a stale entry comes back to life when its component is queued again), and a split
 * between ready and parked that depends on when each provider was full. A canonical rebuild from
 * the `queued` flags would give other arrays, so the restored state would not be the lost one
 * field for field. The arrays are small (component indexes) and saved verbatim, so it is.
 */

import { createBuild } from './create-build';
import { indexOfComponent } from './records';
import type { BuildState, Command, ComponentRun, CreateBuildInput, SchedulerEvent } from './types';

/** The fields of a `ComponentRun` that `step` changes, except the derived `queued` flag. */
export type SavedComponentRun = Pick<
  ComponentRun,
  | 'state'
  | 'attempt'
  | 'triesLeft'
  | 'outputs'
  | 'error'
  | 'history'
  | 'payload'
  | 'deadline'
  | 'retryAt'
  | 'retryDue'
  | 'cancelRequested'
  | 'cancelGraceAt'
  | 'awaitingApproval'
  | 'approved'
>;

/**
 * The build-level fields of a `BuildState` that `step` changes and that cannot be recomputed
 * (the heaps and the retry queue are kept verbatim: see the file comment).
 */
export type SavedBuildFields = Pick<
  BuildState,
  | 'status'
  | 'startedAt'
  | 'finishedAt'
  | 'seq'
  | 'rng'
  | 'halted'
  | 'environmentState'
  | 'ready'
  | 'parked'
  | 'retryQueue'
>;

export interface SavedBuild {
  build: SavedBuildFields;
  /** by component index; `undefined` = never changed since `createBuild` */
  components: Array<SavedComponentRun | undefined>;
}

/** The persisted subset of `run`. Shares `outputs`, `history` and `payload` with it: serialize it before the next `step`. */
export function savedComponent(run: ComponentRun): SavedComponentRun {
  return {
    state: run.state,
    attempt: run.attempt,
    triesLeft: run.triesLeft,
    outputs: run.outputs,
    error: run.error,
    history: run.history,
    payload: run.payload,
    deadline: run.deadline,
    retryAt: run.retryAt,
    retryDue: run.retryDue,
    cancelRequested: run.cancelRequested,
    cancelGraceAt: run.cancelGraceAt,
    awaitingApproval: run.awaitingApproval,
    approved: run.approved,
  };
}

/** The persisted build-level subset of `state`. Shares its objects with `state`: serialize it before the next `step`. */
export function savedBuild(state: BuildState): SavedBuildFields {
  return {
    status: state.status,
    startedAt: state.startedAt,
    finishedAt: state.finishedAt,
    seq: state.seq,
    rng: state.rng,
    halted: state.halted,
    environmentState: state.environmentState,
    ready: state.ready,
    parked: state.parked,
    retryQueue: state.retryQueue,
  };
}

/**
 * The indexes of the components whose `SavedComponentRun` a step may have changed: the
 * component the event names, every component a command names, and — for the build-wide retry,
 * which resets waiting components without an event for each — every component. A runner
 * persists `savedComponent` of exactly these after each step.
 *
 * (Components named only by commands would miss one case: a `retry_due` timer moves its
 * component from `retryAt` to `retryDue` and returns no command when no slot is free.) A
 * rejected event changes nothing; its result need not be persisted at all.
 */
export function changedComponents(state: BuildState, event: SchedulerEvent, commands: Command[]): number[] {
  if (event.kind === 'retry' && event.componentId === undefined) return state.components.map((_, i) => i);
  const seen = new Set<number>();
  const add = (id: string | undefined) => {
    if (id === undefined) return;
    const i = indexOfComponent(state, id);
    if (i >= 0) seen.add(i);
  };
  if ('componentId' in event) add(event.componentId);
  for (const c of commands) {
    switch (c.kind) {
      case 'dispatch':
      case 'cancel':
        add(c.componentId);
        break;
      case 'timer':
        add(c.event.componentId);
        break;
      case 'emit':
        add(c.event.componentId);
        break;
      case 'environment':
        break;
    }
  }
  return [...seen].sort((a, b) => a - b);
}

function validIndexes(items: readonly unknown[] | undefined, n: number): number[] {
  const out: number[] = [];
  if (!Array.isArray(items)) return out;
  for (const i of items)
    if (Number.isInteger(i) && (i as number) >= 0 && (i as number) < n) out.push(i as number);
  return out;
}

/**
 * The build state `step` would have, given the same input as `createBuild` and the saved
 * fields. TAKES OWNERSHIP of `saved`: its objects (outputs, history, payloads, environment
 * records) become part of the returned state, which `step` mutates — pass freshly parsed data.
 */
export function restoreBuild(input: CreateBuildInput, saved: SavedBuild): BuildState {
  const s = createBuild(input);
  const b = saved.build;
  s.status = b.status;
  s.startedAt = b.startedAt;
  s.finishedAt = b.finishedAt;
  s.seq = b.seq;
  s.rng = b.rng >>> 0;
  s.halted = b.halted;
  s.environmentState = b.environmentState;

  const n = s.components.length;
  for (let i = 0; i < n; i++) {
    const c = saved.components[i];
    if (c === undefined) continue;
    const run = s.components[i] as ComponentRun;
    run.state = c.state;
    run.attempt = c.attempt;
    run.triesLeft = c.triesLeft;
    run.outputs = c.outputs;
    run.error = c.error;
    run.history = c.history;
    run.payload = c.payload;
    run.deadline = c.deadline;
    run.retryAt = c.retryAt;
    run.retryDue = c.retryDue;
    run.cancelRequested = c.cancelRequested;
    run.cancelGraceAt = c.cancelGraceAt;
    run.awaitingApproval = c.awaitingApproval;
    run.approved = c.approved;
  }

  s.ready = validIndexes(b.ready, n);
  s.parked = s.providers.map((_, slot) => validIndexes(b.parked[slot], n));
  s.retryQueue = validIndexes(b.retryQueue, n);
  recount(s);
  return s;
}

/**
 * Recomputes every derived field from the components' saved fields, as `step` maintains them:
 * - `unmet[i]`: incoming edges whose source is neither completed nor skipped;
 * - `queued`: waiting, ready (unmet 0), not gated-and-waiting, not backing off, build started —
 *   `step` examines every component the moment it becomes ready and queues it unless it waits
 *   on a gate or a backoff; it leaves the queue only by being dispatched (or completed, for
 *   `none`) or by leaving `waiting`;
 * - the counters: `counts`, `runningByProvider`, `queuedCount`, `backoffCount`, `awaitingCount`.
 */
function recount(s: BuildState): void {
  const { components, inStart, inEdges } = s;
  const n = components.length;
  const counts = { waiting: 0, running: 0, completed: 0, errored: 0, cancelled: 0, skipped: 0, blocked: 0 };
  const running = s.providers.map(() => 0);
  const done = new Array<boolean>(n);
  for (let i = 0; i < n; i++) {
    const state = (components[i] as ComponentRun).state;
    done[i] = state === 'completed' || state === 'skipped';
  }
  const started = s.status !== 'pending';
  let queuedCount = 0;
  let backoffCount = 0;
  let awaitingCount = 0;
  for (let i = 0; i < n; i++) {
    const c = components[i] as ComponentRun;
    counts[c.state]++;
    if (c.state === 'running') running[c.providerSlot] = (running[c.providerSlot] as number) + 1;
    let unmet = 0;
    const end = inStart[i + 1] as number;
    for (let k = inStart[i] as number; k < end; k++) if (!done[inEdges[k] as number]) unmet++;
    s.unmet[i] = unmet;
    const backingOff = c.retryAt !== null || c.retryDue;
    if (backingOff) backoffCount++;
    if (c.awaitingApproval) awaitingCount++;
    c.queued = started && c.state === 'waiting' && unmet === 0 && !c.awaitingApproval && !backingOff;
    if (c.queued) queuedCount++;
  }
  s.counts = counts;
  s.runningByProvider = running;
  s.queuedCount = queuedCount;
  s.backoffCount = backoffCount;
  s.awaitingCount = awaitingCount;
}
