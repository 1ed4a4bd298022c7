// Live state of one monitored build, kept OUT of React Flow's `nodes` (perf-notes.md): every
// component has its own small zustand store that only its node, its edges in and the panel
// subscribe to, so a state change re-renders one node instead of re-checking the whole graph.
// The build-level store holds the header's status, the counts and the activity list.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ActivityEntry,
  AttemptView,
  BuildEvent,
  BuildView,
  ComponentInfo,
  ComponentView,
  LiveStatus,
} from './types';

/** What changes about a component while a build runs. */
export interface NodeLive {
  state: string;
  /** number of the latest dispatch, 0 = never dispatched */
  attempt: number;
  error: string | null;
  /** the message of the last state change (`blocked: …`, `attempt 1 failed: …`, …) */
  message: string | null;
  awaitingApproval: boolean;
  approved: boolean;
  cancelRequested: boolean;
  history: readonly AttemptView[];
  outputs: Readonly<Record<string, unknown>>;
}

export interface BuildLive {
  /** false until the first snapshot arrived */
  loaded: boolean;
  /** why the snapshot could not be loaded */
  loadError: string | null;
  id: string;
  environment: string;
  status: string;
  policy: string;
  simulate: boolean;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** seq of the last event applied */
  seq: number;
  /** components of the build (stable across reloads: the graph of a build never changes) */
  components: readonly ComponentInfo[];
  edges: readonly { source: string; destination: string }[];
  /** components per state */
  counts: Readonly<Record<string, number>>;
  /** bumps whenever a component's state or attempts change (the timeline follows it) */
  version: number;
  /** operator actions, oldest first */
  activity: readonly ActivityEntry[];
  live: LiveStatus;
}

const EMPTY_NODE: NodeLive = {
  state: 'waiting',
  attempt: 0,
  error: null,
  message: null,
  awaitingApproval: false,
  approved: false,
  cancelRequested: false,
  history: [],
  outputs: {},
};

function initialBuild(id: string): BuildLive {
  return {
    loaded: false,
    loadError: null,
    id,
    environment: '',
    status: 'pending',
    policy: 'fail-fast',
    simulate: false,
    createdAt: 0,
    startedAt: null,
    finishedAt: null,
    seq: 0,
    components: [],
    edges: [],
    counts: {},
    version: 0,
    activity: [],
    live: 'connecting',
  };
}

const AWAITS_APPROVAL = / awaits approval$/;

function nextFrame(run: () => void): () => void {
  if (typeof requestAnimationFrame === 'function') {
    // a hidden tab gets no frames: a timer makes sure the events are applied all the same
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      run();
    };
    const frame = requestAnimationFrame(once);
    const timer = setTimeout(once, 250);
    return () => {
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }
  const timer = setTimeout(run, 16);
  return () => clearTimeout(timer);
}

/** Build-level effects of events whose component changes are already shown, not yet written. */
interface BuildPatch {
  status: string;
  startedAt: number | null;
  finishedAt: number | null;
  seq: number;
  /** null: unchanged */
  counts: Record<string, number> | null;
  /** a component's state or attempts changed */
  touched: boolean;
  activity: ActivityEntry[];
}

/** Told about every component whose live state was replaced: its id, the new and the old state. */
export type NodeChangeListener = (id: string, next: NodeLive, previous: NodeLive) => void;

export class MonitorStore {
  readonly build: StoreApi<BuildLive>;
  private readonly nodes = new Map<string, StoreApi<NodeLive>>();
  /** build-level effects of the events applied by `enqueueEvents`, written by the next `flush` */
  private pending: BuildPatch | null = null;
  private cancelFlush: (() => void) | null = null;
  private readonly changeListeners = new Set<NodeChangeListener>();

  /** `schedule` runs a callback later and returns its cancel (default: the next animation frame). */
  constructor(
    buildId: string,
    private readonly schedule: (run: () => void) => () => void = nextFrame,
  ) {
    this.build = createStore<BuildLive>(() => initialBuild(buildId));
  }

  /** The store of one component (an empty one until the snapshot names it). */
  node(id: string): StoreApi<NodeLive> {
    let store = this.nodes.get(id);
    if (!store) {
      store = createStore<NodeLive>(() => EMPTY_NODE);
      this.nodes.set(id, store);
    }
    return store;
  }

  nodeState(id: string): NodeLive {
    return this.node(id).getState();
  }

  /**
   * Calls `listener` whenever a component's live state is replaced (one call per component
   * and batch; e.g. the canvas' edges, which follow the states of the components they lead into).
   */
  onNodeChange(listener: NodeChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private setNode(id: string, next: NodeLive): void {
    const store = this.node(id);
    const previous = store.getState();
    store.setState(next, true);
    for (const listener of this.changeListeners) listener(id, next, previous);
  }

  setLive(live: LiveStatus): void {
    if (this.build.getState().live !== live) this.build.setState({ live });
  }

  setLoadError(message: string | null): void {
    this.build.setState({ loadError: message });
  }

  /** Replaces what is shown with a snapshot; only components that differ are touched. */
  applySnapshot(view: BuildView): void {
    // the build-level effects of events applied before it are replaced by it
    this.flush();
    const counts: Record<string, number> = {};
    let changed = false;
    for (const c of view.components) {
      counts[c.state] = (counts[c.state] ?? 0) + 1;
      const next = nodeOf(c);
      if (!sameNode(this.node(c.id).getState(), next)) {
        this.setNode(c.id, next);
        changed = true;
      }
    }
    const previous = this.build.getState();
    const sameStructure =
      previous.components.length === view.components.length &&
      previous.edges.length === view.edges.length &&
      previous.components.every((c, i) => c.id === view.components[i]?.id);
    this.build.setState({
      loaded: true,
      loadError: null,
      id: view.id,
      environment: view.environment,
      status: view.status,
      policy: view.policy,
      simulate: view.simulate,
      createdAt: view.createdAt,
      startedAt: view.startedAt,
      finishedAt: view.finishedAt,
      seq: view.seq,
      counts,
      ...(sameStructure
        ? {}
        : {
            components: view.components.map(({ id, type, action, provider }) => ({
              id,
              type,
              action,
              provider,
            })),
            edges: view.edges.map(({ source, destination }) => ({ source, destination })),
          }),
      version: changed || !sameStructure ? previous.version + 1 : previous.version,
    });
  }

  /** Adds operator actions found in the event history (duplicates by seq are dropped). */
  addActivity(entries: readonly ActivityEntry[]): void {
    if (entries.length === 0) return;
    this.flush();
    const known = new Map(this.build.getState().activity.map((a) => [a.seq, a]));
    for (const entry of entries) known.set(entry.seq, entry);
    this.build.setState({ activity: [...known.values()].sort((a, b) => a.seq - b.seq) });
  }

  /**
   * Applies consecutive events (the sequencer guarantees the order) as they arrive: each
   * component they change gets its new state at once (one update per component and batch, seen
   * only by what shows that component), while the build-level effects — status, seq, counts,
   * activity, the timeline's version — are written once per animation frame, however many
   * batches arrived meanwhile.
   */
  enqueueEvents(events: readonly BuildEvent[]): void {
    if (events.length === 0) return;
    this.applyToNodes(events);
    if (this.cancelFlush === null) this.cancelFlush = this.schedule(() => this.flush());
  }

  /** Writes the pending build-level effects now (also done before a snapshot replaces what is shown). */
  flush(): void {
    if (this.cancelFlush !== null) {
      const cancel = this.cancelFlush;
      this.cancelFlush = null;
      cancel();
    }
    const patch = this.pending;
    if (patch === null) return;
    this.pending = null;
    const build = this.build.getState();
    this.build.setState({
      status: patch.status,
      startedAt: patch.startedAt,
      finishedAt: patch.finishedAt,
      seq: patch.seq,
      ...(patch.counts ? { counts: patch.counts } : {}),
      ...(patch.touched ? { version: build.version + 1 } : {}),
      ...(patch.activity.length > 0 ? { activity: [...build.activity, ...patch.activity] } : {}),
    });
  }

  /** Drops any scheduled flush (the page is going away). */
  dispose(): void {
    this.cancelFlush?.();
    this.cancelFlush = null;
    this.pending = null;
  }

  /** Applies consecutive events (the sequencer guarantees the order) at once, build level included. */
  applyEvents(events: readonly BuildEvent[]): void {
    this.applyToNodes(events);
    this.flush();
  }

  /** The components' side of `events` now; their build-level side into `this.pending`. */
  private applyToNodes(events: readonly BuildEvent[]): void {
    const build = this.build.getState();
    const patch: BuildPatch = this.pending ?? {
      status: build.status,
      startedAt: build.startedAt,
      finishedAt: build.finishedAt,
      seq: build.seq,
      counts: null,
      touched: false,
      activity: [],
    };
    this.pending = patch;
    /** the new state of every component changed by these events, written once at the end */
    const changed = new Map<string, NodeLive>();
    const get = (id: string): NodeLive => changed.get(id) ?? this.node(id).getState();

    for (const e of events) {
      patch.seq = e.seq;
      switch (e.type) {
        case 'build_state': {
          if (!e.state) break;
          patch.status = e.state;
          if (e.state === 'running') {
            patch.startedAt ??= e.at;
            patch.finishedAt = null;
          } else if (e.state === 'completed' || e.state === 'errored' || e.state === 'cancelled') {
            patch.finishedAt = e.at;
          }
          break;
        }
        case 'component_state': {
          if (!e.componentId || !e.state) break;
          const prev = get(e.componentId);
          patch.counts ??= { ...build.counts };
          const counts = patch.counts;
          counts[prev.state] = (counts[prev.state] ?? 0) - 1;
          counts[e.state] = (counts[e.state] ?? 0) + 1;
          changed.set(e.componentId, nextOnState(prev, e));
          patch.touched = true;
          break;
        }
        case 'log': {
          if (e.componentId && e.message && AWAITS_APPROVAL.test(e.message)) {
            const prev = get(e.componentId);
            if (!prev.awaitingApproval) changed.set(e.componentId, { ...prev, awaitingApproval: true });
          }
          break;
        }
        case 'action': {
          patch.activity.push({
            seq: e.seq,
            at: e.at,
            actor: e.actor ?? 'unknown',
            action: e.action ?? 'action',
            ...(e.componentId ? { componentId: e.componentId } : {}),
          });
          if (e.action === 'approve' && e.componentId) {
            changed.set(e.componentId, { ...get(e.componentId), approved: true, awaitingApproval: false });
          } else if (e.action === 'cancel') {
            const ids = e.componentId ? [e.componentId] : build.components.map((c) => c.id);
            for (const id of ids) {
              const prev = get(id);
              if (prev.state === 'running') changed.set(id, { ...prev, cancelRequested: true });
            }
          }
          break;
        }
      }
    }

    for (const [id, next] of changed) this.setNode(id, next);
  }
}

function nodeOf(c: ComponentView): NodeLive {
  return {
    state: c.state,
    attempt: c.attempt,
    error: c.error,
    message: null,
    awaitingApproval: c.awaitingApproval,
    approved: c.approved,
    cancelRequested: c.cancelRequested,
    history: c.history,
    outputs: c.outputs,
  };
}

function sameNode(a: NodeLive, b: NodeLive): boolean {
  return (
    a.state === b.state &&
    a.attempt === b.attempt &&
    a.error === b.error &&
    a.awaitingApproval === b.awaitingApproval &&
    a.approved === b.approved &&
    a.cancelRequested === b.cancelRequested &&
    JSON.stringify(a.history) === JSON.stringify(b.history) &&
    JSON.stringify(a.outputs) === JSON.stringify(b.outputs)
  );
}

/** A component after a `component_state` event: state, attempts and error as the runner keeps them. */
function nextOnState(prev: NodeLive, e: BuildEvent): NodeLive {
  const state = e.state as string;
  const attempt = e.attempt ?? prev.attempt;
  const message = e.message ?? null;
  let history = prev.history;
  const last = history[history.length - 1];
  if (state === 'running') {
    if (!history.some((h) => h.attempt === attempt)) {
      history = [...history, { attempt, dispatchedAt: e.at, status: 'running' }];
    }
  } else if (last && last.status === 'running' && last.attempt === attempt) {
    const status =
      state === 'waiting' || state === 'errored'
        ? message === 'timeout' || message?.includes('failed: timeout')
          ? 'timeout'
          : 'errored'
        : state;
    const closed: AttemptView = { ...last, finishedAt: e.at, status };
    if (state !== 'completed' && message) closed.error = message;
    history = [...history.slice(0, -1), closed];
  }
  let error = prev.error;
  if (state === 'errored' || state === 'cancelled') error = message ?? prev.error;
  else if (state === 'waiting' && (message === null || message === 'build retried')) error = null;
  return {
    ...prev,
    state,
    attempt,
    error,
    message,
    history,
    awaitingApproval: false,
    cancelRequested: false,
  };
}
