// The executor SDK: `defineExecutor` describes what an executor does with one component,
// `runExecutors` serves executors on the bus (design.md "Scheduling semantics" → Dispatch,
// Idempotency, Operator actions):
//
// - dispatches come from a durable pull consumer per provider (`consumeDispatches`), shared
//   by every process serving that provider; a dispatch is acked only after its answer is
//   recorded and published, so work of a process that dies is redelivered after ack_wait;
//   while a handler runs, the SDK calls `working()` every ack_wait / 3;
// - every answer is recorded under the dispatch key (records.ts) before it is published; a
//   redelivered key is answered from the record, and a key in progress is not started twice
//   (cloud-state polls excepted: their keys never come again, see `recorded`);
// - cancels arrive by core NATS broadcast on `….cancel`: the process running the key aborts
//   it and answers `.error` `cancelled`; a cancel for a key not (yet) held is remembered for a
//   while, so that a dispatch still waiting in the queue is answered `cancelled` unrun;
// - past `Ordo-Deadline` the work is aborted and answered `.error` `timeout`;
// - log lines go to `ordo.logs.<build>.<component>` (ORDO_LOGS).
import { join } from 'node:path';
import {
  type Bus,
  type BusLogger,
  type BusSubscription,
  consumeDispatchesEach,
  DEFAULT_EXEC_PREFIX,
  type DurableConsumer,
  type DurableMessage,
  execFilter,
  logsSubject,
  publishResult,
  publishResultText,
  type ResultKind,
} from '@ordo/bus';
import {
  type CancelMessage,
  CLOUD_BUILD_ID,
  cancelMessageSchema,
  type DispatchMessage,
  type ExecMeta,
  execHeadersSchema,
  type LogStream,
  logLineSchema,
  type ResultMessage,
  SUBJECT_TOKEN_PATTERN,
} from '@ordo/contracts';
import { delay } from './delay';
import {
  cancelledReason,
  ExecutorError,
  isExecutorError,
  shutdownReason,
  TaskError,
  timeoutReason,
} from './errors';
import { type AnswerRecord, RecordStore } from './records';

/** One dispatch as a handler sees it. */
export interface ExecutorTask {
  /** the component as dispatched (Ernest form, templates resolved) */
  readonly component: DispatchMessage;
  /** build, component, attempt, deadline (epoch ms) and key `<build>/<component>/<attempt>` */
  readonly meta: ExecMeta;
  /** aborts on cancel, deadline or shutdown; `signal.reason` is an `ExecutorError` */
  readonly signal: AbortSignal;
  /** publishes a log line for this component (default stream `info`) */
  log(line: string, stream?: LogStream): void;
  /** restarts the ack_wait timer (the SDK also does it on its own while the handler runs) */
  working(): void;
}

/** What an executor needs when it starts (e.g. to open its own state file). */
export interface ExecutorContext {
  /** `<dataDir>/executors`: where executors keep their files */
  readonly stateDir: string;
  readonly logger: BusLogger;
  /** the bus the executor is served on (e.g. to answer requests of its own; unsubscribe in teardown) */
  readonly bus: Bus;
  /** the dispatch/result subject prefix in use */
  readonly prefix: string;
}

export interface ExecutorDefinition {
  /** `[A-Za-z0-9_-]+`; names the record file `<dataDir>/executors/<name>.jsonl` */
  name: string;
  /** the provider served (subject token, e.g. `shell`) */
  provider?: string | undefined;
  /** several providers served by one handler */
  providers?: readonly string[] | undefined;
  /**
   * Does the work. Returns outputs (merged into the component for `.done`); throws to answer
   * `.error` with the error's message (a `TaskError` adds its `outputs`).
   */
  handle(task: ExecutorTask): Promise<Record<string, unknown>>;
  /** called by `runExecutors` before the first dispatch */
  setup?(context: ExecutorContext): void | Promise<void>;
  /** called by `stop()` once no handler of this executor runs any more */
  teardown?(): void | Promise<void>;
}

/** A validated executor definition. */
export interface Executor {
  readonly name: string;
  readonly providers: readonly string[];
  handle(task: ExecutorTask): Promise<Record<string, unknown>>;
  setup?(context: ExecutorContext): void | Promise<void>;
  teardown?(): void | Promise<void>;
}

const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Checks a definition: a safe name and at least one subject-safe provider. */
export function defineExecutor(definition: ExecutorDefinition): Executor {
  const { name } = definition;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new ExecutorError(
      'INVALID_DEFINITION',
      `executor name ${JSON.stringify(name)} must match ${NAME_PATTERN.source}`,
    );
  }
  const listed = [
    ...(definition.provider === undefined ? [] : [definition.provider]),
    ...(definition.providers ?? []),
  ];
  const providers = [...new Set(listed)];
  if (providers.length === 0) {
    throw new ExecutorError('INVALID_DEFINITION', `executor ${name} serves no provider`);
  }
  for (const p of providers) {
    if (typeof p !== 'string' || !SUBJECT_TOKEN_PATTERN.test(p)) {
      throw new ExecutorError(
        'INVALID_DEFINITION',
        `executor ${name}: provider ${JSON.stringify(p)} must match ${SUBJECT_TOKEN_PATTERN.source}`,
      );
    }
  }
  if (typeof definition.handle !== 'function') {
    throw new ExecutorError('INVALID_DEFINITION', `executor ${name} has no handle function`);
  }
  return {
    name,
    providers,
    handle: (task) => definition.handle(task),
    ...(definition.setup ? { setup: (ctx: ExecutorContext) => definition.setup?.(ctx) } : {}),
    ...(definition.teardown ? { teardown: () => definition.teardown?.() } : {}),
  };
}

export interface RunExecutorsOptions {
  /** `ORDO_SUBJECT_PREFIX`; default `ordo.exec.` */
  prefix?: string | undefined;
  /** `ORDO_DATA_DIR`; executors keep their files in `<dataDir>/executors/` */
  dataDir: string;
  /** redelivery deadline of a dispatch not answered (default 30000) */
  ackWaitMs?: number | undefined;
  /** dispatches one executor works on at once (default 16) */
  concurrency?: number | undefined;
  /** process logger (default the bus's) */
  logger?: BusLogger | undefined;
  /** how long answers are remembered (default 7 days, the dispatch stream's max age) */
  recordRetentionMs?: number | undefined;
  /** on `stop()`, how long aborted handlers get to finish (default 3000) */
  shutdownGraceMs?: number | undefined;
}

export interface RunningExecutors {
  /**
   * Stops pulling dispatches and listening for cancels, aborts running handlers (their
   * dispatches are handed back unanswered — nak — for another process to take), waits for them
   * up to the shutdown grace, runs each executor's `teardown` and closes the record files.
   * Does not close the bus.
   */
  stop(): Promise<void>;
}

/** Default ack_wait of executor consumers. */
export const DEFAULT_ACK_WAIT_MS = 30_000;
/** Default concurrency per executor. */
export const DEFAULT_CONCURRENCY = 16;
/** Longest log line published; longer ones are cut. */
export const MAX_LOG_LINE_CHARS = 8 * 1024;
/** Log lines published per attempt; after that one note says the rest was dropped. */
export const MAX_LOG_LINES_PER_TASK = 10_000;

const MAX_TIMER_MS = 2 ** 31 - 1;
/** Room left in a NATS message for headers and framing. */
const PAYLOAD_MARGIN_BYTES = 16 * 1024;
/** How long a cancel for a key not held is remembered. */
const EARLY_CANCEL_TTL_MS = 60 * 60 * 1000;
const EARLY_CANCEL_MAX = 10_000;
/** Delay before a dispatch whose answer could not be published is delivered again. */
const RETRY_PUBLISH_MS = 1000;

type Dispatch = DurableMessage<DispatchMessage, ExecMeta>;

/** Serves `executors` on the bus until `stop()`; resolves once every consumer is bound. */
export async function runExecutors(
  bus: Bus,
  executors: readonly Executor[],
  options: RunExecutorsOptions,
): Promise<RunningExecutors> {
  const host = new Host(bus, options);
  try {
    await host.start(executors);
  } catch (err) {
    await host.stop();
    throw err;
  }
  return { stop: () => host.stop() };
}

/** One attempt being worked on in this process. */
class Running {
  /** every delivery of this key received while it runs; all are acked with the answer */
  readonly messages: Dispatch[];
  /** why the attempt was aborted (cancel, deadline, shutdown); undefined while it is not */
  abortReason: ExecutorError | undefined;
  /** ends the wait for the handler in `execute` (set while the handler runs) */
  onAbort: (() => void) | undefined;
  /**
   * `task.signal`, made when a handler first reads it: many handlers (nil) never do, and an
   * AbortController with its signal and listener cost more per task than the rest of the attempt.
   */
  #controller: AbortController | undefined;
  /** the handler's outcome is known: no deadline, no heartbeat any more */
  settled = false;
  #logger: ((line: string, stream?: LogStream) => void) | undefined;
  #log: ((line: string, stream?: LogStream) => void) | undefined;
  #working: (() => void) | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly logger: BusLogger,
    readonly meta: ExecMeta,
    readonly component: DispatchMessage,
    first: Dispatch,
  ) {
    this.messages = [first];
  }

  /**
   * Publishes a log line for this attempt: a function of its own (handlers may pass it around),
   * made when first asked for — most attempts (nil) never log.
   */
  get log(): (line: string, stream?: LogStream) => void {
    this.#log ??= this.logLine.bind(this);
    return this.#log;
  }

  /** `working()` of every delivery held (a function of its own, like `log`; made when first asked for) */
  get working(): () => void {
    this.#working ??= this.heartbeat.bind(this);
    return this.#working;
  }

  /** The log subject and line counter are set up on the first line only: most attempts log nothing. */
  private logLine(line: string, stream?: LogStream): void {
    this.#logger ??= taskLogger(this.bus, this.meta, this.logger);
    this.#logger(line, stream);
  }

  private heartbeat(): void {
    for (const msg of this.messages) safely(() => msg.working());
  }

  get aborted(): boolean {
    return this.abortReason !== undefined;
  }

  /** aborts on `reason`'s grounds (the first reason stays) */
  abort(reason: ExecutorError): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.#controller?.abort(reason);
    this.onAbort?.();
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.abortReason !== undefined) this.#controller.abort(this.abortReason);
    }
    return this.#controller.signal;
  }
}

/** What the handler came to, or that the attempt was aborted first. */
type Settled = { ok: true; value: unknown } | { ok: false; error: unknown } | { aborted: true };
const ABORTED: Settled = { aborted: true };

type Outcome =
  | { kind: 'done'; outputs: Record<string, unknown> }
  | { kind: 'error'; message: string; outputs: Record<string, unknown> }
  | { kind: 'shutdown' };

class Host {
  readonly prefix: string;
  readonly logger: BusLogger;
  readonly ackWaitMs: number;
  readonly concurrency: number;
  readonly stateDir: string;
  readonly shutdownGraceMs: number;
  stopping = false;
  private stopped: Promise<void> | undefined;
  private readonly lanes: Lane[] = [];
  private readonly consumeLoops = new Set<Promise<void>>();
  private readonly subscriptions = new Set<DurableConsumer>();
  private readonly cancelSubs: BusSubscription<CancelMessage, ExecMeta>[] = [];
  readonly tasks = new Set<Promise<void>>();
  readonly handlers = new Set<Promise<unknown>>();

  constructor(
    readonly bus: Bus,
    private readonly options: RunExecutorsOptions,
  ) {
    this.prefix = options.prefix ?? DEFAULT_EXEC_PREFIX;
    this.logger = options.logger ?? bus.logger;
    this.ackWaitMs = options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
    this.stateDir = join(options.dataDir, 'executors');
    this.shutdownGraceMs = options.shutdownGraceMs ?? 3000;
  }

  async start(executors: readonly Executor[]): Promise<void> {
    const names = new Set<string>();
    const owners = new Map<string, string>();
    for (const ex of executors) {
      if (names.has(ex.name))
        throw new ExecutorError('DUPLICATE_PROVIDER', `two executors are named ${ex.name}`);
      names.add(ex.name);
      for (const p of ex.providers) {
        const other = owners.get(p);
        if (other !== undefined) {
          throw new ExecutorError(
            'DUPLICATE_PROVIDER',
            `provider ${p} is served by both ${other} and ${ex.name}`,
          );
        }
        owners.set(p, ex.name);
      }
    }
    for (const ex of executors) {
      const records = await RecordStore.open(join(this.stateDir, `${ex.name}.jsonl`), {
        retentionMs: this.options.recordRetentionMs,
      });
      const lane = new Lane(this, ex, records);
      this.lanes.push(lane);
      await ex.setup?.({ stateDir: this.stateDir, logger: this.logger, bus: this.bus, prefix: this.prefix });
      lane.setUp = true;
    }
    // Cancels first, so that no cancel is missed for a dispatch this process takes.
    for (const lane of this.lanes) {
      for (const provider of lane.executor.providers) {
        const sub = this.bus.subscribe(execFilter({ provider }, 'cancel', this.prefix), cancelMessageSchema, {
          meta: execHeadersSchema,
        });
        this.cancelSubs.push(sub);
        void this.readCancels(lane, sub);
      }
    }
    await this.bus.flush();
    for (const lane of this.lanes) {
      for (const provider of lane.executor.providers) {
        const consumer = await this.consume(lane, provider);
        this.track(this.consumeLoops, this.consumeLoop(lane, provider, consumer));
      }
    }
    this.logger.info(
      { executors: this.lanes.map((l) => l.executor.name), prefix: this.prefix },
      'executors serving',
    );
  }

  private async consume(lane: Lane, provider: string): Promise<DurableConsumer> {
    const consumer = await consumeDispatchesEach(
      this.bus,
      { prefix: this.prefix, provider, ackWaitMs: this.ackWaitMs, maxMessages: this.concurrency },
      (m) => lane.accept(m),
    );
    this.subscriptions.add(consumer);
    return consumer;
  }

  private async readCancels(lane: Lane, sub: BusSubscription<CancelMessage, ExecMeta>): Promise<void> {
    try {
      for await (const m of sub) lane.cancel(m.meta.key);
    } catch (err) {
      if (!this.stopping) this.logger.error({ err: (err as Error).message }, 'cancel subscription failed');
    }
  }

  /** Keeps the dispatch consumer of one provider bound: binds it again should it end on its own. */
  private async consumeLoop(lane: Lane, provider: string, first: DurableConsumer): Promise<void> {
    let consumer: DurableConsumer | undefined = first;
    let backoff = 250;
    while (!this.stopping && !this.bus.isClosed()) {
      const since = Date.now();
      try {
        consumer ??= await this.consume(lane, provider);
        const reason = await consumer.ended();
        if (!this.stopping && !this.bus.isClosed()) {
          this.logger.error(
            { provider, err: reason?.message ?? 'ended' },
            'dispatch consumer failed; binding again',
          );
        }
      } catch (err) {
        if (!this.stopping) {
          this.logger.error(
            { provider, err: (err as Error).message },
            'dispatch consumer failed; binding again',
          );
        }
      }
      if (consumer) {
        this.subscriptions.delete(consumer);
        await consumer.stop().catch(() => undefined);
        consumer = undefined;
      }
      if (this.stopping || this.bus.isClosed()) break;
      if (Date.now() - since > 10_000) backoff = 250;
      await delay(backoff);
      backoff = Math.min(backoff * 2, 5000);
    }
  }

  track<T>(set: Set<Promise<T>>, promise: Promise<T>): void {
    set.add(promise);
    void promise.then(
      () => set.delete(promise),
      () => set.delete(promise),
    );
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    for (const sub of this.cancelSubs) sub.unsubscribe();
    await Promise.all([...this.subscriptions].map((s) => s.stop().catch(() => undefined)));
    for (const lane of this.lanes) {
      lane.handBack();
      lane.abortAll();
    }
    await Promise.allSettled([...this.consumeLoops]);
    await Promise.allSettled([...this.tasks]);
    if (this.handlers.size > 0) {
      await Promise.race([Promise.allSettled([...this.handlers]), delay(this.shutdownGraceMs)]);
    }
    for (const lane of this.lanes) {
      lane.stopTimers();
      if (lane.setUp) {
        try {
          await lane.executor.teardown?.();
        } catch (err) {
          this.logger.error({ executor: lane.executor.name, err: (err as Error).message }, 'teardown failed');
        }
      }
      await lane.records.close().catch(() => undefined);
    }
    this.logger.info({}, 'executors stopped');
  }

  /** Largest result body the server accepts, less room for headers. */
  maxResultBytes(): number {
    const max = this.bus.nc.info?.max_payload ?? 1024 * 1024;
    return Math.max(4096, max - PAYLOAD_MARGIN_BYTES);
  }
}

/** One executor served by a host: its records, its queue and the keys it is working on. */
class Lane {
  readonly inProgress = new Map<string, Running>();
  private readonly earlyCancels = new Map<string, number>();
  setUp = false;
  /** deliveries being served (at most the host's concurrency) */
  private active = 0;
  /** deliveries received while every slot was busy, oldest first from `head` */
  private waiting: Dispatch[] = [];
  private head = 0;

  constructor(
    private readonly host: Host,
    readonly executor: Executor,
    readonly records: RecordStore,
  ) {}

  /** A delivery from one of the lane's consumers: served now if a slot is free, else queued. */
  accept(m: Dispatch): void {
    if (this.host.stopping) {
      safely(() => m.nak());
      return;
    }
    if (this.active < this.host.concurrency) this.start(m);
    else this.waiting.push(m);
  }

  private start(m: Dispatch): void {
    this.active += 1;
    this.host.track(
      this.host.tasks,
      this.serve(m).finally(() => this.finished()),
    );
  }

  private finished(): void {
    this.active -= 1;
    if (this.host.stopping || this.head >= this.waiting.length) return;
    const next = this.waiting[this.head] as Dispatch;
    this.head += 1;
    if (this.head >= this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    this.start(next);
  }

  /** On shutdown: the queued deliveries go back to the server for another process. */
  handBack(): void {
    const queued = this.waiting.slice(this.head);
    this.waiting = [];
    this.head = 0;
    for (const m of queued) safely(() => m.nak());
  }

  /** A cancel for `key`: abort it if it runs here, else remember it for a while. */
  cancel(key: string): void {
    const running = this.inProgress.get(key);
    if (!running) {
      if (this.records.get(key) === undefined) {
        this.earlyCancels.set(key, Date.now());
        this.trimEarlyCancels();
      }
      this.host.logger.debug({ key }, 'cancel for a key not running here');
      return;
    }
    if (running.aborted) return;
    running.log('cancel received', 'info');
    running.abort(cancelledReason());
  }

  private trimEarlyCancels(): void {
    const cutoff = Date.now() - EARLY_CANCEL_TTL_MS;
    for (const [key, at] of this.earlyCancels) {
      if (at >= cutoff && this.earlyCancels.size <= EARLY_CANCEL_MAX) break;
      this.earlyCancels.delete(key);
    }
  }

  private takeEarlyCancel(key: string): boolean {
    const at = this.earlyCancels.get(key);
    if (at === undefined) return false;
    this.earlyCancels.delete(key);
    return at >= Date.now() - EARLY_CANCEL_TTL_MS;
  }

  abortAll(): void {
    for (const running of this.inProgress.values()) {
      running.abort(shutdownReason());
    }
  }

  /** Handles one delivery of a dispatch; never throws. */
  async serve(m: Dispatch): Promise<void> {
    const { meta } = m;
    const logger = this.host.logger;
    const existing = this.inProgress.get(meta.key);
    if (existing) {
      existing.messages.push(m);
      safely(() => m.working());
      logger.debug({ key: meta.key }, 'dispatch delivered again while in progress; not started twice');
      return;
    }
    const running = new Running(this.host.bus, logger, meta, m.data, m);
    this.inProgress.set(meta.key, running);
    try {
      let record = this.records.get(meta.key);
      if (!record && m.redelivered) {
        await this.records.refresh();
        record = this.records.get(meta.key);
      }
      if (record) {
        this.inProgress.delete(meta.key);
        logger.info({ key: meta.key, kind: record.kind }, 'answering a repeated dispatch from the record');
        await this.deliver(record, running.messages);
        return;
      }
      const outcome = await this.execute(running);
      if (outcome.kind === 'shutdown') {
        this.inProgress.delete(meta.key);
        for (const msg of running.messages) safely(() => msg.nak());
        return;
      }
      const { kind, payload, text } = this.finalize(running.component, outcome);
      const answer: AnswerRecord = { key: meta.key, at: Date.now(), kind, payload };
      if (recorded(meta, running.component)) {
        try {
          await this.records.append(answer, text);
        } catch (err) {
          // The work is done: answer anyway; only a redelivery of this key would redo it.
          logger.error({ key: meta.key, err: (err as Error).message }, 'cannot record the answer');
        }
      }
      this.inProgress.delete(meta.key);
      await this.deliver(answer, running.messages, text);
    } catch (err) {
      this.inProgress.delete(meta.key);
      logger.error(
        { key: meta.key, err: (err as Error).message },
        'dispatch failed unanswered; handing it back',
      );
      for (const msg of running.messages) safely(() => msg.nak(RETRY_PUBLISH_MS));
    }
  }

  /**
   * Deadlines of the attempts running here, with ONE timer for the earliest (not one per
   * attempt): when it fires, every attempt past its deadline is aborted and the timer is set for
   * the next. `deadlineAt` is when the timer fires (Infinity: not armed).
   */
  private deadlineTimer: NodeJS.Timeout | undefined;
  private deadlineAt = Number.POSITIVE_INFINITY;

  private watchDeadline(deadline: number): void {
    if (!(deadline > 0) || deadline >= this.deadlineAt) return;
    this.armDeadlines(deadline);
  }

  private armDeadlines(at: number): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.deadlineAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    // unref'ed, like the heartbeats: they matter only while the bus connection keeps the process up
    this.deadlineTimer = setTimeout(
      () => this.checkDeadlines(),
      Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS),
    );
    this.deadlineTimer.unref?.();
  }

  private checkDeadlines(): void {
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const running of this.inProgress.values()) {
      const { deadline } = running.meta;
      if (running.settled || running.aborted || !(deadline > 0)) continue;
      if (deadline <= now) {
        running.log('deadline passed: timeout', 'info');
        running.abort(timeoutReason());
      } else if (deadline < next) {
        next = deadline;
      }
    }
    this.armDeadlines(next);
  }

  /**
   * Heartbeats: while attempts run, ONE interval (ack_wait / 3) calls `working()` on every
   * delivery held, so that JetStream does not redeliver work in progress.
   */
  private beat: NodeJS.Timeout | undefined;

  private startHeartbeats(): void {
    if (this.beat) return;
    this.beat = setInterval(
      () => {
        let running = 0;
        for (const r of this.inProgress.values()) {
          if (r.settled) continue;
          running += 1;
          r.working();
        }
        if (running === 0 && this.beat) {
          clearInterval(this.beat);
          this.beat = undefined;
        }
      },
      Math.max(100, Math.floor(this.host.ackWaitMs / 3)),
    );
    this.beat.unref?.();
  }

  /** Stops the lane's timers (on shutdown). */
  stopTimers(): void {
    this.armDeadlines(Number.POSITIVE_INFINITY);
    if (this.beat) clearInterval(this.beat);
    this.beat = undefined;
  }

  /** Runs the handler against the cancel signal and the deadline. */
  private async execute(running: Running): Promise<Outcome> {
    const { meta } = running;
    if (this.takeEarlyCancel(meta.key)) {
      running.log('cancel received', 'info');
      running.abort(cancelledReason());
    }
    if (meta.deadline > 0 && meta.deadline <= Date.now() && !running.aborted) {
      running.log('deadline passed: timeout', 'info');
      running.abort(timeoutReason());
    }
    try {
      if (running.aborted) return abortOutcome(running.abortReason);
      this.watchDeadline(meta.deadline);
      this.startHeartbeats();
      const task: ExecutorTask = {
        component: running.component,
        meta,
        get signal() {
          return running.signal;
        },
        get log() {
          return running.log;
        },
        get working() {
          return running.working;
        },
      };
      // called at once: a handler that throws before its first await fails like one that rejects
      let handled: Promise<unknown>;
      try {
        handled = Promise.resolve(this.executor.handle(task));
      } catch (error) {
        handled = Promise.reject(error);
      }
      // whichever comes first: the handler's outcome, or an abort (cancel, deadline, shutdown)
      const first = await new Promise<Settled>((resolve) => {
        running.onAbort = () => resolve(ABORTED);
        if (running.aborted) resolve(ABORTED);
        handled.then(
          (value: unknown) => resolve({ ok: true, value }),
          (error: unknown) => resolve({ ok: false, error }),
        );
      });
      if ('aborted' in first) {
        // the handler may still run: `stop()` gives it the shutdown grace to finish
        this.host.track(
          this.host.handlers,
          handled.catch(() => undefined),
        );
        return abortOutcome(running.abortReason);
      }
      if (first.ok) {
        const value: unknown = first.value;
        if (value === undefined || value === null) return { kind: 'done', outputs: {} };
        if (typeof value !== 'object' || Array.isArray(value)) {
          return {
            kind: 'error',
            message: `executor ${this.executor.name} returned ${Array.isArray(value) ? 'an array' : typeof value}, not an object`,
            outputs: {},
          };
        }
        return { kind: 'done', outputs: value as Record<string, unknown> };
      }
      if (running.aborted) return abortOutcome(running.abortReason);
      return errorOutcome(first.error);
    } finally {
      running.settled = true;
      running.onAbort = undefined;
    }
  }

  /** The result body: JSON-clean, within the payload limit, with the dispatch's route fields. */
  private finalize(component: DispatchMessage, outcome: Exclude<Outcome, { kind: 'shutdown' }>) {
    const route = {
      _component_id: component._component_id,
      _component: component._component,
      _action: component._action,
      _provider: component._provider,
      service: component.service,
    };
    const { error: _previous, ...base } = component;
    let kind: ResultKind = outcome.kind;
    let text: string;
    try {
      text = JSON.stringify(resultBody(base, route, outcome));
    } catch (err) {
      kind = 'error';
      text = JSON.stringify(
        resultBody(base, route, {
          kind: 'error',
          message: `result is not JSON: ${(err as Error).message}`,
          outputs: {},
        }),
      );
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > this.host.maxResultBytes()) {
      kind = 'error';
      text = JSON.stringify(
        resultBody(base, route, {
          kind: 'error',
          message: `result too large: ${bytes} bytes (limit ${this.host.maxResultBytes()})`,
          outputs: {},
        }),
      );
    }
    // `text` is the payload's JSON as well: the record line and the published body reuse it
    return { kind, payload: JSON.parse(text) as ResultMessage, text };
  }

  /**
   * Publishes an answer — once per distinct dispatch message holding the key, so a dispatch
   * sent twice gets two (equal) answers while a redelivery gets one — and acks every delivery.
   * When publishing fails the deliveries are handed back, to be answered from the record.
   */
  private async deliver(answer: AnswerRecord, messages: readonly Dispatch[], text?: string): Promise<void> {
    // (one delivery, as nearly always: no map)
    const distinct = messages.length === 1 ? messages : distinctBySeq(messages);
    try {
      for (const msg of distinct) {
        const { build, component, attempt, deadline } = msg.meta;
        const meta = { build, component, attempt, deadline };
        await (text === undefined
          ? publishResult(this.host.bus, answer.kind, answer.payload, meta, this.host.prefix)
          : publishResultText(this.host.bus, answer.kind, answer.payload, text, meta, this.host.prefix));
      }
    } catch (err) {
      this.host.logger.error(
        { key: answer.key, err: (err as Error).message },
        'cannot publish the answer; the dispatch will be delivered again',
      );
      for (const msg of messages) safely(() => msg.nak(RETRY_PUBLISH_MS));
      return;
    }
    // The answer is recorded and published: acknowledge without waiting for the server's
    // confirmation. If the ack is lost the dispatch comes again and is answered from the record.
    for (const msg of messages) safely(() => msg.ackNow());
  }
}

/**
 * Whether an answer is recorded under its key. A cloud-state poll (`get` with build
 * `ordo:cloud`) is not: each poll has an attempt number of its own, so its key never comes
 * again, and a redelivery of it only reads the resource once more. Recording polls would grow
 * the record by a line per resource per poll interval.
 */
function recorded(meta: ExecMeta, component: DispatchMessage): boolean {
  return !(meta.build === CLOUD_BUILD_ID && component._action === 'get');
}

/** The deliveries of distinct dispatch messages (stream sequences), first of each kept. */
function distinctBySeq(messages: readonly Dispatch[]): Dispatch[] {
  const bySeq = new Map<number, Dispatch>();
  for (const msg of messages) if (!bySeq.has(msg.seq)) bySeq.set(msg.seq, msg);
  return [...bySeq.values()];
}

/** A result body: the dispatched component, the outputs, then the route fields and the state. */
function resultBody(
  base: Record<string, unknown>,
  route: Pick<ResultMessage, '_component_id' | '_component' | '_action' | '_provider' | 'service'>,
  o: Exclude<Outcome, { kind: 'shutdown' }>,
): ResultMessage {
  const { error: _ignored, ...outputs } = o.outputs;
  return o.kind === 'done'
    ? { ...base, ...outputs, ...route, _state: 'completed' }
    : { ...base, ...outputs, ...route, _state: 'errored', error: o.message };
}

function abortOutcome(reason: unknown): Outcome {
  if (isExecutorError(reason, 'SHUTDOWN')) return { kind: 'shutdown' };
  if (isExecutorError(reason)) return { kind: 'error', message: reason.message, outputs: {} };
  return { kind: 'error', message: 'cancelled', outputs: {} };
}

function errorOutcome(error: unknown): Outcome {
  const message = error instanceof Error ? error.message : String(error);
  const outputs = error instanceof TaskError ? { ...error.outputs } : {};
  return { kind: 'error', message: message === '' ? 'failed' : message, outputs };
}

/** A log function for one attempt: splits lines, cuts long ones, caps their number. */
function taskLogger(bus: Bus, meta: ExecMeta, logger: BusLogger): (line: string, stream?: LogStream) => void {
  let subject: string | undefined;
  try {
    subject = logsSubject(meta.build, meta.component);
  } catch (err) {
    logger.warn({ key: meta.key, err: (err as Error).message }, 'no log subject for this component');
  }
  let count = 0;
  const publish = (line: string, stream: LogStream) => {
    if (subject === undefined || bus.isClosed()) return;
    try {
      bus.publish(subject, logLineSchema, { at: Date.now(), componentId: meta.component, stream, line });
    } catch (err) {
      logger.debug({ key: meta.key, err: (err as Error).message }, 'log line not published');
    }
  };
  return (line, stream = 'info') => {
    const parts = String(line).split(/\r\n|\n|\r/);
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    for (const part of parts) {
      count += 1;
      if (count > MAX_LOG_LINES_PER_TASK) {
        if (count === MAX_LOG_LINES_PER_TASK + 1) publish('log truncated: further lines dropped', 'info');
        return;
      }
      publish(part.length > MAX_LOG_LINE_CHARS ? `${part.slice(0, MAX_LOG_LINE_CHARS)}…` : part, stream);
    }
  };
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // the connection is gone: the server redelivers after ack_wait
  }
}
