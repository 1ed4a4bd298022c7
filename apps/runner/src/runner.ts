// The scheduler service: carries out core `step` decisions against the store and the bus.
//
// Everything that can change a build arrives as an input in one queue (executor results,
// operator commands, timers, starts) and is handled in batches (when only a few inputs wait,
// the loop waits a few ms for more: see `batchWindowMs`):
//   1. step every input (pure, in memory);
//   2. persist the whole batch in ONE store transaction (components, events, environment,
//      operator actions) — the store is the truth. The transaction runs in the store's writer
//      thread while the next batch is stepped here (a batch's save waits for the one before;
//      when a save fails, the batch stepped meanwhile is dropped too);
//   3. only then arm timers, publish events, dispatch, cancel, ack results and reply (these
//      effects run while later batches are stepped and persisted).
// Results are read through a callback, not an async iterator, and acked without waiting for the
// server's confirmation; a result stepped disarms its attempt's deadline timer.
// A crash between 2 and 3 loses nothing: on start the runner reloads unfinished builds,
// re-sends in-flight dispatches with the same key (executors answer a repeated key from
// their record), re-arms timers and re-publishes events the stream is missing.
import {
  ALL_CONTROL,
  type Bus,
  type BusSubscription,
  consumeResultsEach,
  type DurableConsumer,
  ensureExecRoutes,
  eventsSubject,
  parseControlSubject,
  publishCancel,
  publishDispatch,
  type ResultDelivery,
  STREAM,
} from '@ordo/bus';
import {
  buildEventBatchSchema,
  type ControlCommand,
  type ControlReply,
  controlCommandSchema,
  controlReplySchema,
} from '@ordo/contracts';
import {
  type BuildEvent,
  type BuildState,
  type CancelCommand,
  type Command,
  changedComponents,
  type DispatchCommand,
  type EnvironmentCommand,
  inFlightDispatches,
  pendingTimers,
  type SchedulerEvent,
  step,
  type TimerCommand,
} from '@ordo/core';
import type { Store } from '@ordo/store';
import type { Msg } from 'nats';
import type { Logger } from 'pino';
import { TimerQueue } from './timers';

/** Providers of the built-in executors other than `sim`: they run for real even in a simulated build. */
export const NATIVE_PROVIDERS = ['nil', 'sleep', 'shell', 'http'] as const;

/** Events per message on `ordo.events.<build>` (as many as a re-publish after a restart reads at once). */
const EVENTS_PER_MESSAGE = 1_000;

/** Build statuses after which nothing happens until an operator acts. */
const FINISHED = new Set(['completed', 'errored', 'cancelled']);

export interface RunnerOptions {
  store: Store;
  bus: Bus;
  logger: Logger;
  /** dispatch/result subject prefix (`ORDO_SUBJECT_PREFIX`) */
  prefix: string;
  /** providers served by executors as they are; in a simulated build every other provider is routed to `sim` */
  nativeProviders: ReadonlySet<string>;
  /** `SIMULATE_PROVIDERS=*`: every build is simulated */
  simulateAll: boolean;
  clock?: () => number;
  /** how long a result may stay unacknowledged before JetStream redelivers it */
  resultAckWaitMs?: number;
  /** largest number of inputs handled in one batch (one store transaction) */
  maxBatch?: number;
  /**
   * Batching window: when fewer than `batchTarget` inputs wait, the runner waits up to this
   * long (ms) for more before it handles them, so that results arriving a few at a time share
   * one transaction instead of paying one each. 0: handle at once. Default 4.
   */
  batchWindowMs?: number;
  /** inputs that end the batching window early (default 256) */
  batchTarget?: number;
  /**
   * Dispatches of one build in one batch at most (core `StepOptions.maxDispatches`, default
   * 500): a wider wave of ready components — thousands at a build's start — is stepped, saved
   * and published in parts, one per batch, so that executors begin on the first part while the
   * rest is being saved (one transaction of 5,000 dispatches kept them idle for ≈ 0.2 s).
   */
  maxDispatchesPerStep?: number;
  /**
   * Results that are not a build's: cloud-state and lifecycle requests (dispatch keys with the
   * build ids `ordo:cloud` / `ordo:lifecycle`). Returns true when it took the delivery (and
   * acks it itself); the scheduler never sees those.
   */
  claimResult?: (delivery: ResultDelivery) => boolean;
}

interface LoadedBuild {
  state: BuildState;
  simulate: boolean;
}

type Input =
  | {
      kind: 'event';
      buildId: string;
      event: SchedulerEvent;
      /**
       * the result that produced this event: acked once persisted, nak'ed (redelivered) when
       * persisting failed
       */
      delivery?: ResultDelivery;
      /** operator commands: the answer to send once persisted */
      reply?: (reply: ControlReply) => void;
    }
  | { kind: 'resume'; buildId: string; reply?: (reply: ControlReply) => void };

interface PendingBatch {
  build: LoadedBuild;
  /** the build's last event seq before this batch stepped it */
  seqBefore: number;
  changed: Set<number>;
  events: BuildEvent[];
  environment: EnvironmentCommand[];
  actions: Array<{
    at: number;
    actor: string;
    action: string;
    componentId?: string;
    accepted: boolean;
    reason?: string;
  }>;
}

interface Effects {
  /** per build, in seq order */
  events: Map<string, BuildEvent[]>;
  dispatches: Array<{ build: LoadedBuild; command: DispatchCommand }>;
  cancels: Array<{ build: LoadedBuild; command: CancelCommand }>;
  timers: Array<{ buildId: string; command: TimerCommand }>;
  /**
   * timers made useless by a result: once a result for an attempt is stepped, that attempt's
   * `timeout` and `cancel_grace` can only be stale (step would log and ignore them)
   */
  disarms: Array<{ buildId: string; componentId: string; attempt: number }>;
  /** results to acknowledge */
  acks: ResultDelivery[];
  replies: Array<() => void>;
}

export class Runner {
  private readonly store: Store;
  private readonly bus: Bus;
  private readonly log: Logger;
  private readonly prefix: string;
  private readonly nativeProviders: ReadonlySet<string>;
  private readonly simulateAll: boolean;
  private readonly claimResult: ((delivery: ResultDelivery) => boolean) | undefined;
  private readonly now: () => number;
  private readonly resultAckWaitMs: number;
  private readonly maxBatch: number;
  private readonly batchWindowMs: number;
  private readonly batchTarget: number;
  private readonly dispatchBudget: number;

  private readonly builds = new Map<string, LoadedBuild>();
  /** deadlines, retry backoffs and cancel grace periods, by `timerKey` (timers.ts) */
  private readonly timers: TimerQueue<{ buildId: string; event: TimerCommand['event'] }>;
  private inbox: Input[] = [];
  private wake: (() => void) | undefined;
  /** ends the batching window early (set while the loop waits in it) */
  private filled: (() => void) | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private results: DurableConsumer | undefined;
  private control: BusSubscription<ControlCommand> | undefined;
  private readonly readers: Promise<void>[] = [];
  /** empty prefix only: `type/provider` routes the exec streams already capture */
  private readonly routes = new Set<string>();
  /**
   * Pipelining: a batch's save runs (in the store's writer thread) while the next batch is
   * stepped, and the effects (publishes, acks, replies) of a saved batch run while later ones are
   * stepped and saved. `effects` is the chain of effects, each link waiting for its batch's save;
   * `olderEffects` the link before, awaited before a new batch starts, so at most two batches are
   * outstanding: one being saved, one being stepped.
   */
  private effects: Promise<void> = Promise.resolve();
  private olderEffects: Promise<void> = Promise.resolve();
  /** the last batch's save, settled and handled: true when it was committed */
  private saved: Promise<boolean> = Promise.resolve(true);
  /**
   * Saves that failed so far. A batch stepped while an earlier save was in flight is saved only if
   * that save succeeded and no failure was handled since it began (its states may build on what
   * was lost): see `handle`.
   */
  private failures = 0;
  /** builds in a batch being stepped or saved → how many such batches (kept in memory meanwhile) */
  private readonly inUse = new Map<string, number>();

  constructor(options: RunnerOptions) {
    this.store = options.store;
    this.bus = options.bus;
    this.log = options.logger;
    this.prefix = options.prefix;
    this.nativeProviders = options.nativeProviders;
    this.simulateAll = options.simulateAll;
    this.claimResult = options.claimResult;
    this.now = options.clock ?? Date.now;
    this.timers = new TimerQueue(this.now, ({ buildId, event }) =>
      this.push({ kind: 'event', buildId, event }),
    );
    this.resultAckWaitMs = options.resultAckWaitMs ?? 30_000;
    this.maxBatch = options.maxBatch ?? 2_000;
    this.batchWindowMs = Math.max(0, options.batchWindowMs ?? 4);
    this.batchTarget = Math.max(1, Math.min(options.batchTarget ?? 256, this.maxBatch));
    this.dispatchBudget = Math.max(1, options.maxDispatchesPerStep ?? 500);
  }

  /** Reloads unfinished builds, then follows results and operator commands. */
  async start(): Promise<void> {
    // the store's writer thread up before the first save needs it
    await this.store.builds.prepareSaves();
    this.loop = this.run();
    const unfinished = await this.store.builds.unfinished();
    for (const buildId of unfinished) this.push({ kind: 'resume', buildId });
    if (unfinished.length > 0) this.log.info({ builds: unfinished.length }, 'resuming unfinished builds');

    this.control = this.bus.subscribe(ALL_CONTROL, controlCommandSchema, { queue: 'ordo-runner' });
    this.readers.push(this.readControl(this.control));
    this.results = await this.consumeResults();
    this.readers.push(this.watchResults(this.results));
  }

  private consumeResults(): Promise<DurableConsumer> {
    return consumeResultsEach(
      this.bus,
      { prefix: this.prefix, ackWaitMs: this.resultAckWaitMs, maxMessages: 256 },
      (delivery) => this.onResult(delivery),
    );
  }

  /** Binds the results consumer again should it end on its own (e.g. deleted). */
  private async watchResults(first: DurableConsumer): Promise<void> {
    let consumer: DurableConsumer | undefined = first;
    let backoff = 250;
    while (!this.stopped) {
      try {
        consumer ??= await this.consumeResults();
        this.results = consumer;
        const reason = await consumer.ended();
        if (this.stopped || this.bus.isClosed()) return;
        this.log.error({ err: reason }, 'the results consumer ended; binding again');
      } catch (error) {
        if (this.stopped || this.bus.isClosed()) return;
        this.log.error({ err: error }, 'cannot bind the results consumer; trying again');
      }
      consumer = undefined;
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 5_000);
    }
  }

  /** Stops reading, lets the current batch finish, clears timers. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.control?.unsubscribe();
    await this.results?.stop();
    this.wake?.();
    this.filled?.();
    await this.loop;
    await this.effects;
    this.timers.clear();
    await Promise.allSettled(this.readers);
  }

  /** Builds held in memory (for tests and metrics). */
  get loadedBuilds(): number {
    return this.builds.size;
  }

  private push(input: Input): void {
    this.inbox.push(input);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    if (this.filled && this.inbox.length >= this.batchTarget) this.filled();
  }

  /** The batching window: waits until `batchTarget` inputs are in, `batchWindowMs` passed, or stop. */
  private gather(): Promise<void> {
    if (this.batchWindowMs === 0 || this.inbox.length >= this.batchTarget || this.stopped) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.filled = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.batchWindowMs);
      this.filled = done;
    });
  }

  private async readControl(subscription: BusSubscription<ControlCommand>): Promise<void> {
    for await (const message of subscription) {
      const parsed = parseControlSubject(message.subject);
      const reply = (answer: ControlReply) => this.respond(message.msg, answer);
      if (!parsed) {
        reply({ ok: false, code: 'invalid', reason: `not a control subject: ${message.subject}` });
        continue;
      }
      const command = message.data;
      if (command.kind === 'created') {
        this.push({ kind: 'resume', buildId: parsed.buildId, reply });
      } else {
        const { action, actor, componentId } = command;
        let event: SchedulerEvent;
        if (action === 'retry' || action === 'cancel') {
          event = componentId ? { kind: action, actor, componentId } : { kind: action, actor };
        } else if (componentId) {
          event = { kind: action, actor, componentId };
        } else {
          reply({ ok: false, code: 'invalid', reason: `${action} needs a component` });
          continue;
        }
        this.push({ kind: 'event', buildId: parsed.buildId, event, reply });
      }
    }
  }

  private respond(msg: Msg, answer: ControlReply): void {
    if (!msg.reply) return;
    try {
      this.bus.respond(msg, controlReplySchema, answer);
    } catch (error) {
      this.log.warn({ err: error }, 'could not answer a control request');
    }
  }

  private onResult(delivery: ResultDelivery): void {
    if (this.claimResult?.(delivery)) return;
    const { meta } = delivery;
    this.push({
      kind: 'event',
      buildId: meta.build,
      event: {
        kind: 'result',
        componentId: meta.component,
        attempt: meta.attempt,
        status: delivery.kind,
        payload: delivery.data,
      },
      delivery,
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped || this.inbox.length > 0) {
      if (this.inbox.length === 0) {
        if (this.stopped) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        continue;
      }
      await this.gather();
      const batch = this.inbox.splice(0, this.maxBatch);
      try {
        await this.handle(batch);
      } catch (error) {
        this.log.error({ err: error }, 'batch failed; affected builds will be reloaded from the store');
      }
    }
  }

  private async load(buildId: string): Promise<LoadedBuild | undefined> {
    const cached = this.builds.get(buildId);
    if (cached) return cached;
    const loaded = await this.store.builds.loadRunnable(buildId);
    if (!loaded) return undefined;
    const build = { state: loaded.state, simulate: loaded.simulate || this.simulateAll };
    if (this.prefix === '') {
      await this.ensureRoutes(
        build.state.components.map((c) => ({
          type: c.type,
          provider: this.routeProvider(build, c.provider),
        })),
      );
    }
    this.builds.set(buildId, build);
    return build;
  }

  private async ensureRoutes(routes: Array<{ type: string; provider: string }>): Promise<void> {
    const missing = routes.filter((r) => !this.routes.has(`${r.type}/${r.provider}`));
    if (missing.length === 0) return;
    await ensureExecRoutes(this.bus, {
      prefix: '',
      types: [...new Set(missing.map((r) => r.type))],
      providers: [...new Set(missing.map((r) => r.provider))],
    });
    for (const r of missing) this.routes.add(`${r.type}/${r.provider}`);
  }

  private async handle(batch: Input[]): Promise<void> {
    await this.olderEffects;
    const generation = this.failures;
    const now = this.now();
    const t0 = performance.now();
    const pending = new Map<string, PendingBatch>();
    const effects: Effects = {
      events: new Map(),
      dispatches: [],
      cancels: [],
      timers: [],
      disarms: [],
      acks: [],
      replies: [],
    };
    /** running builds resumed in this batch, with their seq before it */
    const resumed: Array<{ build: LoadedBuild; seqBefore: number }> = [];
    const naks: ResultDelivery[] = [];
    const failed: Array<(reply: ControlReply) => void> = [];
    /** builds whose dispatch budget ran out: stepped on (`continue`) in the next batch */
    const more = new Set<string>();

    try {
      await this.stepAll(batch, now, pending, effects, resumed, naks, failed, more);
    } catch (error) {
      // The states of this batch's builds may have run ahead: forget them (reloaded from the store).
      for (const id of pending.keys()) this.builds.delete(id);
      this.release(pending.keys());
      throw error;
    }
    const t1 = performance.now();
    // (not once stopping: what is held back stays queued in the store, and the `continue` after
    // the next start's reconcile dispatches it)
    if (!this.stopped)
      for (const buildId of more) this.push({ kind: 'event', buildId, event: { kind: 'continue' } });

    // A save that failed while this batch was stepped: its states may build on what was lost.
    if (this.failures !== generation) {
      for (const id of pending.keys()) this.builds.delete(id);
      this.dropBatch([...pending.keys()], naks, failed);
      return;
    }
    // The rows are read from the states now (persist reads them before it returns); the
    // transaction runs once the previous batch's save is settled, and only if no save failed
    // since this batch began (else its states build on what was lost: it is dropped as well).
    const save = this.store.builds.persist(
      [...pending.values()].map((p) => ({
        state: p.build.state,
        changed: p.changed,
        events: p.events,
        environment: p.environment,
        actions: p.actions,
      })),
      {
        after: this.saved.then(() => {
          if (this.failures !== generation) throw new Error('an earlier batch was not saved');
        }),
      },
    );
    const saved = save.then(
      () => {
        for (const { buildId, componentId, attempt } of effects.disarms) {
          this.disarm(buildId, 'timeout', componentId, attempt);
          this.disarm(buildId, 'cancel_grace', componentId, attempt);
        }
        this.release(pending.keys());
        for (const [id, entry] of pending) {
          if (FINISHED.has(entry.build.state.status) && !this.inUse.has(id) && !this.hasTimers(id)) {
            this.builds.delete(id);
          }
        }
        return true;
      },
      (error: unknown) => {
        if (this.failures === generation) {
          // This save failed (not an earlier one): every state stepped since the last save that
          // committed — this batch's and the next one's — ran ahead of the store. Forget them all
          // (they are reloaded from the store); a batch stepped from here on starts afresh.
          this.failures += 1;
          for (const id of this.inUse.keys()) this.builds.delete(id);
          this.log.error({ err: error }, 'batch failed; affected builds will be reloaded from the store');
        }
        // (else an earlier save failed once this batch was stepped: its builds were forgotten then)
        this.dropBatch([...pending.keys()], naks, failed);
        return false;
      },
    );
    this.saved = saved;

    const previousEffects = this.effects;
    this.olderEffects = previousEffects;
    this.effects = previousEffects
      .then(() => saved)
      .then(async (ok) => {
        if (!ok) return;
        const t2 = performance.now();
        // Resumed builds first: the events stored before a crash but never published go out
        // before this batch's own (published after them, they would hide the gap: the stream's
        // last seq would already be past it).
        for (const { build, seqBefore } of resumed) {
          try {
            await this.reconcile(build, seqBefore);
          } catch (error) {
            this.log.error({ err: error, build: build.state.id }, 'resuming a build failed in part');
          } finally {
            // what a dispatch budget held back when the runner stopped (after the events and
            // dispatches in flight are out again, so that the stream stays in sequence)
            if (!this.stopped)
              this.push({ kind: 'event', buildId: build.state.id, event: { kind: 'continue' } });
          }
        }
        await this.carryOut(effects);
        this.log.debug(
          {
            inputs: batch.length,
            stepMs: Math.round(t1 - t0),
            savedMs: Math.round(t2 - t1),
            effectsMs: Math.round(performance.now() - t2),
          },
          'batch',
        );
      })
      .catch((error) => this.log.error({ err: error }, 'carrying out a batch failed'));
  }

  /** A batch that is not saved: its results redelivered, its requests refused. */
  private dropBatch(
    ids: string[],
    naks: ResultDelivery[],
    failed: Array<(reply: ControlReply) => void>,
  ): void {
    this.release(ids);
    for (const delivery of naks) safely(() => delivery.nak(1_000));
    for (const reply of failed)
      reply({ ok: false, code: 'invalid', reason: 'the store refused the change; try again' });
  }

  /** Marks `ids` no longer in a batch being stepped or saved (once per batch that marked them). */
  private release(ids: Iterable<string>): void {
    for (const id of ids) {
      const count = (this.inUse.get(id) ?? 1) - 1;
      if (count > 0) this.inUse.set(id, count);
      else this.inUse.delete(id);
    }
  }

  /** Steps every input of a batch, sorting what comes out into `pending` and `effects`. */
  private async stepAll(
    batch: Input[],
    now: number,
    pending: Map<string, PendingBatch>,
    effects: Effects,
    resumed: Array<{ build: LoadedBuild; seqBefore: number }>,
    naks: ResultDelivery[],
    failed: Array<(reply: ControlReply) => void>,
    more: Set<string>,
  ): Promise<void> {
    // the dispatch budget of each build in this batch (every step of it draws on the same one)
    const budgets = new Map<string, number>();
    const stepWithin = (buildId: string, state: BuildState, event: SchedulerEvent) => {
      const left = budgets.get(buildId) ?? this.dispatchBudget;
      const result = step(state, event, now, { maxDispatches: left });
      let dispatched = 0;
      for (const command of result.commands) if (command.kind === 'dispatch') dispatched++;
      budgets.set(buildId, Math.max(0, left - dispatched));
      if (result.more) more.add(buildId);
      return result;
    };
    for (const input of batch) {
      const build = await this.load(input.buildId);
      if (!build) {
        this.log.warn({ build: input.buildId, input: input.kind }, 'input for an unknown build ignored');
        if (input.kind === 'event' && input.delivery) effects.acks.push(input.delivery);
        const reply = input.reply;
        if (reply)
          effects.replies.push(() =>
            reply({ ok: false, code: 'not_found', reason: `no build ${input.buildId}` }),
          );
        continue;
      }
      let entry = pending.get(input.buildId);
      if (!entry) {
        entry = {
          build,
          seqBefore: build.state.seq,
          changed: new Set(),
          events: [],
          environment: [],
          actions: [],
        };
        pending.set(input.buildId, entry);
        this.inUse.set(input.buildId, (this.inUse.get(input.buildId) ?? 0) + 1);
      }
      if (input.reply) failed.push(input.reply);

      if (input.kind === 'resume') {
        if (build.state.status === 'pending') {
          const start: SchedulerEvent = { kind: 'start' };
          this.apply(entry, start, stepWithin(input.buildId, build.state, start).commands, effects);
        } else {
          resumed.push({ build, seqBefore: entry.seqBefore });
        }
        const reply = input.reply;
        if (reply) effects.replies.push(() => reply({ ok: true }));
        continue;
      }

      const event = input.event;
      const result = stepWithin(input.buildId, build.state, event);
      const operator = 'actor' in event ? event : undefined;
      if (operator) {
        entry.actions.push({
          at: now,
          actor: operator.actor,
          action: operator.kind,
          ...(operator.componentId ? { componentId: operator.componentId } : {}),
          accepted: result.rejected === undefined,
          ...(result.rejected ? { reason: result.rejected.reason } : {}),
        });
      }
      if (result.rejected) {
        const rejected = result.rejected;
        const reply = input.reply;
        if (reply) {
          const code = rejected.code === 'not_found' ? 'not_found' : 'not_allowed';
          effects.replies.push(() => reply({ ok: false, code, reason: rejected.reason }));
        } else {
          this.log.debug({ build: input.buildId, reason: rejected.reason }, 'event refused');
        }
      } else {
        this.apply(entry, event, result.commands, effects);
        if (event.kind === 'result') {
          effects.disarms.push({
            buildId: input.buildId,
            componentId: event.componentId,
            attempt: event.attempt,
          });
        }
        const reply = input.reply;
        if (reply) effects.replies.push(() => reply({ ok: true }));
      }
      if (input.delivery) {
        effects.acks.push(input.delivery);
        naks.push(input.delivery);
      }
    }
  }

  /** Sorts a step's commands into what to persist and what to do after persisting. */
  private apply(entry: PendingBatch, event: SchedulerEvent, commands: Command[], effects: Effects): void {
    const { state } = entry.build;
    for (const index of changedComponents(state, event, commands)) entry.changed.add(index);
    for (const command of commands) {
      switch (command.kind) {
        case 'emit':
          entry.events.push(command.event);
          {
            const list = effects.events.get(state.id);
            if (list) list.push(command.event);
            else effects.events.set(state.id, [command.event]);
          }
          break;
        case 'dispatch':
          effects.dispatches.push({ build: entry.build, command });
          break;
        case 'cancel':
          effects.cancels.push({ build: entry.build, command });
          break;
        case 'timer':
          effects.timers.push({ buildId: state.id, command });
          break;
        case 'environment':
          entry.environment.push(command);
          break;
      }
    }
  }

  private async carryOut(effects: Effects): Promise<void> {
    // Timers first: a dispatch's deadline timer is armed before its result can come back (the
    // result then disarms it).
    for (const { buildId, command } of effects.timers) this.arm(buildId, command);
    const work: Promise<unknown>[] = [];
    for (const [buildId, events] of effects.events) work.push(this.publishEvents(buildId, events));
    for (const { build, command } of effects.dispatches) work.push(this.dispatch(build, command));
    for (const { build, command } of effects.cancels) work.push(this.cancel(build, command));
    await Promise.all(work);
    // A lost ack only means a redelivery, which step() ignores as stale: no need to wait.
    for (const delivery of effects.acks) {
      try {
        delivery.ackNow();
      } catch (error) {
        this.log.warn({ err: error }, 'result ack failed');
      }
    }
    for (const reply of effects.replies) reply();
  }

  /** Where a component goes: in a simulated build, providers without their own executor go to `sim`. */
  private routeProvider(build: LoadedBuild, provider: string): string {
    return build.simulate && !this.nativeProviders.has(provider) ? 'sim' : provider;
  }

  /**
   * Publishes with retries: during a NATS restart the client reconnects on its own, and a
   * dispatch or event that was persisted must still go out. Gives up after ~30 s (a lost
   * dispatch then ends as a timeout at its deadline; a lost event is re-published on restart).
   */
  private async publish(what: string, fn: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await fn();
        return;
      } catch (error) {
        if (attempt >= 60 || this.bus.isClosed()) {
          this.log.error({ err: error, what }, 'not published');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private async dispatch(build: LoadedBuild, command: DispatchCommand): Promise<void> {
    const provider = this.routeProvider(build, command.provider);
    // core's payload names the provider already; a copy only when routed elsewhere (to `sim`)
    const payload: Record<string, unknown> =
      provider === command.provider && command.payload._provider === provider
        ? command.payload
        : { ...command.payload, _provider: provider };
    if (provider !== command.provider) payload._simulated_provider = command.provider;
    const meta = {
      build: build.state.id,
      component: command.componentId,
      attempt: command.attempt,
      deadline: command.deadline,
    };
    await this.publish(`dispatch ${command.key}`, () =>
      publishDispatch(this.bus, payload as Parameters<typeof publishDispatch>[1], meta, this.prefix),
    );
  }

  private async cancel(build: LoadedBuild, command: CancelCommand): Promise<void> {
    const message = {
      _component_id: command.componentId,
      _component: command.type,
      _action: command.action,
      _provider: this.routeProvider(build, command.provider),
      service: build.state.id,
    };
    const meta = {
      build: build.state.id,
      component: command.componentId,
      attempt: command.attempt,
      deadline: this.now(),
    };
    await this.publish(`cancel ${command.key}`, () => publishCancel(this.bus, message, meta, this.prefix));
  }

  /**
   * Publishes events of one build (consecutive seqs), at most EVENTS_PER_MESSAGE per message
   * (a batch that starts a large build emits one event per component: one message would pass
   * the server's payload limit), each de-duplicated by its range. One after the other, so that
   * the stream never holds a later range without the earlier (a re-publish after a restart
   * starts after the last one stored).
   */
  private async publishEvents(buildId: string, events: BuildEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += EVENTS_PER_MESSAGE) {
      await this.publishEventMessage(buildId, events.slice(i, i + EVENTS_PER_MESSAGE));
    }
  }

  private publishEventMessage(buildId: string, events: BuildEvent[]): Promise<void> {
    const first = events[0]?.seq;
    const last = events[events.length - 1]?.seq;
    if (first === undefined) return Promise.resolve();
    return this.publish(`events ${buildId}#${first}-${last}`, () =>
      this.bus.jsPublish(
        eventsSubject(buildId),
        buildEventBatchSchema,
        { events },
        {
          msgId: `${buildId}:${first}-${last}`,
          expectStream: STREAM.events,
        },
      ),
    );
  }

  private timerKey(buildId: string, command: TimerCommand): string {
    const { event } = command;
    return timerKey(buildId, event.kind, event.componentId, event.attempt);
  }

  private disarm(
    buildId: string,
    kind: TimerCommand['event']['kind'],
    componentId: string,
    attempt: number,
  ): void {
    if (this.timers.size === 0) return;
    this.timers.delete(timerKey(buildId, kind, componentId, attempt));
  }

  private arm(buildId: string, command: TimerCommand): void {
    if (this.stopped) return;
    this.timers.add(this.timerKey(buildId, command), buildId, command.at, { buildId, event: command.event });
  }

  private hasTimers(buildId: string): boolean {
    return this.timers.hasGroup(buildId);
  }

  /** After a restart: re-send in-flight dispatches, re-arm timers, re-publish missing events. */
  /** A resumed build: its timers, the events stored up to `storedSeq` and not in the stream, its dispatches in flight. */
  private async reconcile(build: LoadedBuild, storedSeq: number): Promise<void> {
    const { state } = build;
    // timers before the dispatches, as in carryOut: a result that comes back disarms its deadline
    for (const command of pendingTimers(state)) this.arm(state.id, command);
    await this.republishEvents(state.id, storedSeq);
    await Promise.all(inFlightDispatches(state).map((command) => this.dispatch(build, command)));
    this.log.info({ build: state.id, status: state.status, seq: state.seq }, 'build resumed');
  }

  private async republishEvents(buildId: string, storedSeq: number): Promise<void> {
    let published = 0;
    try {
      const jsm = await this.bus.jetstreamManager();
      const last = await jsm.streams.getMessage(STREAM.events, { last_by_subj: eventsSubject(buildId) });
      const batch = last.json() as { events?: Array<{ seq?: number }> };
      published = batch.events?.[batch.events.length - 1]?.seq ?? 0;
    } catch {
      published = 0; // nothing in the stream for this build
    }
    if (published >= storedSeq) return;
    let since = published;
    for (;;) {
      // up to `storedSeq`: what the store holds past it is published by the batch that made it
      const events = (await this.store.builds.events(buildId, since, 1_000)).filter(
        (e) => e.seq <= storedSeq,
      );
      if (events.length === 0) break;
      await this.publishEvents(buildId, events);
      since = events[events.length - 1]?.seq ?? since;
      if (since >= storedSeq) break;
    }
    this.log.info({ build: buildId, from: published + 1, to: storedSeq }, 're-published events');
  }
}

function timerKey(buildId: string, kind: string, componentId: string, attempt: number): string {
  return `${buildId}\u0000${kind}\u0000${componentId}\u0000${attempt}`;
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // the connection is gone: JetStream redelivers after ack_wait
  }
}
