/**
 * Types of the scheduling core: the build state (plain JSON data), the events it consumes and
 * the commands it returns. See `step.ts` for the rules and the ownership rule of `BuildState`.
 */

import type { BuildStatus, Component, ComponentPolicy, ComponentState, Graph } from '../graph/model';

/** Failure policy of a build (design.md "Scheduling semantics", "Failure"). */
export type FailurePolicy =
  /** Ernest's: once a component fails, nothing new starts; the build ends `errored` when nothing is in flight */
  | 'fail-fast'
  /** dependants of a failure become `blocked`; independent branches go on */
  | 'continue';

/** Input of `createBuild`. The graph is assumed validated (acyclic, known ids). */
export interface CreateBuildInput {
  id: string;
  graph: Graph;
  /** environment name (Ernest's "service") */
  environment: string;
  /** default `fail-fast` */
  policy?: FailurePolicy;
  /** in-flight dispatch limits; absent, 0 or negative = unlimited */
  concurrency?: { build?: number; providers?: Record<string, number> };
  /** seed of the jitter PRNG (default 0) */
  seed?: number;
  /** build-wide policy defaults, overriding the built-in ones (attempts 1, backoff 1000/60000 ms, timeout 300000 ms) */
  defaults?: ComponentPolicy;
  /** ms since the epoch */
  createdAt: number;
}

/** Every policy field resolved (built-in defaults ← `defaults` ← per component `policy`). */
export interface ResolvedPolicy {
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
  gate: boolean;
}

/** Outcome of one attempt, for history (a Gantt chart). */
export type AttemptStatus =
  /** dispatched, no final answer yet */
  | 'running'
  /** the executor answered `.done` */
  | 'completed'
  /** the executor answered `.error` */
  | 'errored'
  /** no answer before the deadline */
  | 'timeout'
  /** stopped by a cancel (the executor answered `.error` after a cancel, or the cancel grace passed) */
  | 'cancelled';

export interface AttemptRecord {
  attempt: number;
  dispatchedAt: number;
  /** absent while running */
  finishedAt?: number;
  status: AttemptStatus;
  error?: string;
}

/** An Ernest-form component record: `{_component_id, _component, _action, _provider, _state, ...props, ...outputs}`. */
export type ErnestRecord = Record<string, unknown>;

/** One component of the build (`changes`), by index. Plain data. */
export interface ComponentRun {
  /** `_component_id` */
  id: string;
  /** `_component` */
  type: string;
  /** `_action` (`none` completes without dispatch) */
  action: string;
  /** `_provider` */
  provider: string;
  /** index of `provider` in `BuildState.providers` */
  providerSlot: number;
  /** provider properties as given (templates unresolved); shared with the input graph, never mutated */
  props: Record<string, unknown>;
  /** true when some string in `props` may hold a template (computed once at createBuild) */
  templated: boolean;
  /** this component's own policy overrides, or null (see `BuildState.defaults`) */
  policy: ComponentPolicy | null;
  /** current state */
  state: ComponentState;
  /** number of the latest dispatch (0 = never dispatched); monotonic for the whole build */
  attempt: number;
  /** automatic dispatches left in the current try budget (reset to `attempts` by an operator retry) */
  triesLeft: number;
  /**
   * result fields merged from `.done` payloads (reserved `_…`, `service`, `error` excluded).
   * Read-only: `step` replaces the object; before the first result it is a shared, frozen `{}`.
   */
  outputs: Record<string, unknown>;
  /** last error text (an `.error` answer, `timeout`, an unresolvable template), or null */
  error: string | null;
  /** one record per dispatch, oldest first; before the first dispatch, a shared, frozen `[]` */
  history: AttemptRecord[];
  /** the payload sent with the in-flight attempt (so a restarted runner re-sends the same), or null */
  payload: ErnestRecord | null;
  /** deadline (ms) of the in-flight attempt, or null */
  deadline: number | null;
  /** when waiting on a backoff: the time the next attempt is due, else null */
  retryAt: number | null;
  /** true once the backoff elapsed and the retry waits in `BuildState.retryQueue` for a slot */
  retryDue: boolean;
  /** a cancel was sent for the in-flight attempt */
  cancelRequested: boolean;
  /** when `cancelRequested`: the time after which the component counts as cancelled even without an answer */
  cancelGraceAt: number | null;
  /** in the ready queue (a heap entry whose component has `queued === false` is stale and dropped) */
  queued: boolean;
  /** gated (`policy.gate`), ready, and waiting for an operator's `approve` */
  awaitingApproval: boolean;
  /** an operator approved the gate; kept across retries */
  approved: boolean;
}

/** Counts of components per state, kept up to date by every state change. */
export type StateCounts = Record<ComponentState, number>;

/**
 * Everything the scheduler knows about one build. Plain JSON data (no Map, Set, class or
 * function): the runner may `JSON.stringify` it at any time and `JSON.parse` it after a crash.
 *
 * OWNERSHIP: `step` MUTATES the state it is given and returns the same object. A caller that
 * needs the previous state must copy it (e.g. `structuredClone`) before calling `step`.
 */
export interface BuildState {
  /** format version of this object */
  version: 1;
  /** build id (`service` in dispatch payloads, first part of dispatch keys) */
  id: string;
  /** environment name */
  environment: string;
  status: BuildStatus;
  failurePolicy: FailurePolicy;
  createdAt: number;
  /** time of `start`, or null */
  startedAt: number | null;
  /** time the build last finished (completed/errored/cancelled), or null while pending/running/cancelling */
  finishedAt: number | null;
  /** sequence number of the last emitted BuildEvent (0 = none yet); events are numbered 1, 2, … */
  seq: number;
  /** state of the mulberry32 PRNG used for backoff jitter (a uint32) */
  rng: number;
  /** fail-fast only: a component failed (or was cancelled) since the last operator retry/skip; nothing new is dispatched */
  halted: boolean;
  /** in-flight limit of the build, 0 = unlimited */
  buildLimit: number;
  /** the distinct providers of the build's components, first seen first; `ComponentRun.providerSlot` indexes it */
  providers: string[];
  /** in-flight limit per provider slot, 0 = unlimited */
  providerLimits: number[];
  /** built-in defaults overridden by `CreateBuildInput.defaults` */
  defaults: ResolvedPolicy;
  /**
   * the build's components (`graph.changes`), in input order; an index into this array is a
   * component's handle (id → index: `indexOfComponent`, a cache derived from this array)
   */
  components: ComponentRun[];
  /**
   * outgoing edges in CSR form: the dependants of component `i` are
   * `outEdges[outStart[i]] … outEdges[outStart[i + 1] - 1]` (length n + 1). Only edges between
   * two components of `changes` are kept (others are already satisfied).
   */
  outStart: number[];
  outEdges: number[];
  /** incoming edges in CSR form (the sources of component `i`), same layout */
  inStart: number[];
  inEdges: number[];
  /** longest remaining path of each component: count of components on its longest downstream chain, itself included */
  priority: number[];
  /** per component: incoming edges whose source is not yet completed/skipped */
  unmet: number[];
  /** binary max-heap of ready component indices, by (priority desc, index asc); may hold stale entries */
  ready: number[];
  /** per provider slot: a heap of ready components set aside while that provider is at its limit */
  parked: number[][];
  /** components whose backoff elapsed, waiting for a slot (FIFO; served before `ready`, even when halted) */
  retryQueue: number[];
  /** components per state */
  counts: StateCounts;
  /** in-flight dispatches per provider slot */
  runningByProvider: number[];
  /** components with `queued === true` */
  queuedCount: number;
  /** components waiting on a backoff (`retryAt` set or `retryDue`) */
  backoffCount: number;
  /** components with `awaitingApproval === true` */
  awaitingCount: number;
  /** the environment's current state: component id → Ernest-form record; initialised from `graph.current` */
  environmentState: Record<string, ErnestRecord>;
}

/** Timer events: scheduled by `timer` commands, fed back by the runner when due. */
export type TimerEvent =
  /** the deadline of an attempt passed */
  | { kind: 'timeout'; componentId: string; attempt: number }
  /** the backoff after a failed attempt elapsed; `attempt` is the failed one */
  | { kind: 'retry_due'; componentId: string; attempt: number }
  /** a cancelled attempt did not answer within the grace period */
  | { kind: 'cancel_grace'; componentId: string; attempt: number };

/** Operator actions; each names its actor. */
export type OperatorEvent =
  /** no componentId: retry the build from failure */
  | { kind: 'retry'; actor: string; componentId?: string }
  /** no componentId: cancel the build */
  | { kind: 'cancel'; actor: string; componentId?: string }
  | { kind: 'skip'; actor: string; componentId: string }
  | { kind: 'approve'; actor: string; componentId: string };

/** Everything `step` consumes. */
export type SchedulerEvent =
  /** start a pending build */
  | { kind: 'start' }
  /**
   * dispatch what is ready: after a step whose dispatch budget (`StepOptions.maxDispatches`)
   * held ready components back (`StepResult.more`), and when a runner resumes a build; changes
   * nothing when there is nothing to dispatch, and nothing of a build that is not running
   */
  | { kind: 'continue' }
  /** an executor's answer: the Ernest-form component (`error` text on failure; `components` for `find`) */
  | {
      kind: 'result';
      componentId: string;
      attempt: number;
      status: 'done' | 'error';
      payload: Record<string, unknown>;
    }
  | TimerEvent
  | OperatorEvent;

/** One entry of a build's event log (design.md "Events and live view"). */
export interface BuildEvent {
  /** per-build sequence number, 1, 2, … */
  seq: number;
  /** the `now` of the step that emitted it */
  at: number;
  type: 'build_state' | 'component_state' | 'action' | 'log';
  componentId?: string;
  /** new state (build_state: a BuildStatus; component_state: a ComponentState) */
  state?: BuildStatus | ComponentState;
  attempt?: number;
  message?: string;
  /** action events: who */
  actor?: string;
  /** action events: which operator action (`retry`, `cancel`, `skip`, `approve`) */
  action?: OperatorEvent['kind'];
}

/** Publish the component on `<prefix><type>.<action>.<provider>`. */
export interface DispatchCommand {
  kind: 'dispatch';
  componentId: string;
  attempt: number;
  /** `<buildId>/<componentId>/<attempt>` */
  key: string;
  type: string;
  action: string;
  provider: string;
  /** Ernest-form record, templates resolved, `service` = build id, `_state` = `running` */
  payload: ErnestRecord;
  /** ms; the scheduler also returns a `timer` command for it */
  deadline: number;
}

/** Publish `<subject>.cancel` for an in-flight attempt. */
export interface CancelCommand {
  kind: 'cancel';
  componentId: string;
  attempt: number;
  key: string;
  type: string;
  action: string;
  provider: string;
}

/** Feed `event` back into `step` at time `at` (or at once if `at` has passed). */
export interface TimerCommand {
  kind: 'timer';
  at: number;
  event: TimerEvent;
}

/** Store and publish an event. */
export interface EmitCommand {
  kind: 'emit';
  event: BuildEvent;
}

/** A change of the environment's current state, to persist. */
export interface EnvironmentCommand {
  kind: 'environment';
  op: 'put' | 'remove';
  id: string;
  /** op `put`: the new Ernest-form record */
  record?: ErnestRecord;
}

/** Everything `step` asks the runner to do, in order. */
export type Command = DispatchCommand | CancelCommand | TimerCommand | EmitCommand | EnvironmentCommand;

/** How one `step` goes about its work (nothing of it is part of the build's state). */
export interface StepOptions {
  /**
   * Dispatches from the ready queue in this step at most (default: no limit). A runner that
   * saves each step before it publishes uses it to split a very wide wave (thousands of ready
   * components, e.g. at the start) over several steps, each saved and published while the next
   * is stepped, so that executors start on the first ones while the rest are still being saved.
   * Ready components held back stay queued (and saved so); `continue` dispatches them.
   */
  maxDispatches?: number;
}

export interface StepResult {
  /** the same object that was passed in (mutated) */
  state: BuildState;
  commands: Command[];
  /** the dispatch budget ran out with components still ready: step `continue` to go on */
  more?: boolean;
  /**
   * set when the event is refused; the state is then unchanged and `commands` is empty.
   * `code`: `not_allowed` (the state does not allow it: an operator action, or `start` of a
   * build already started), `not_found` (an operator action names an unknown component),
   * `unknown_event` (an event kind this version does not know).
   */
  rejected?: { code: string; reason: string };
}

/** What `deriveDeleteGraph` needs of an environment. */
export interface EnvironmentSnapshot {
  name: string;
  /** the environment's current components */
  current: Component[];
  /** its dependency edges (creation order) */
  edges: { source: string; destination: string }[];
}
