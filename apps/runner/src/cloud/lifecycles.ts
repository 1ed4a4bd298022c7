// Lifecycles: the per-type state machine of core (`parseLifecycle`, `startLifecycle`,
// `stepLifecycle`) driven for each resource of a type that has a stored definition.
//   - a resource reaching `running` without a run yet starts one (latest version of its type);
//   - a paused run goes on (`resume`) at its resource's next state change;
//   - `run_task` is sent like a gorch node (lifecycle-task.ts) with build `ordo:lifecycle`,
//     component `<run id>#<task run id>`, attempt 1; its result is the `task_result`;
//   - every step's state is saved (`saveRun`) BEFORE its commands are carried out, then its
//     progress is published on `ordo.resources.<id>.lifecycle`.
// After a restart: runs awaiting a task send it again with the same key (an executor answers
// a repeated key from its record); a paused run whose resource changed while the runner was
// down goes on; a resource that reached `running` while down without its run gets one.
import { type Bus, type ResultDelivery, resourceLifecycleSubject } from '@ordo/bus';
import {
  LIFECYCLE_BUILD_ID,
  type LifecycleProgressMessage,
  lifecycleProgressMessageSchema,
} from '@ordo/contracts';
import {
  type LifecycleCommand,
  type LifecycleDefinition,
  type LifecycleEvent,
  type LifecycleState,
  parseLifecycle,
  startLifecycle,
  stepLifecycle,
} from '@ordo/core';
import type { LifecycleRunRecord, ResourceChange, ResourceRecord, Store } from '@ordo/store';
import type { Logger } from 'pino';
import type { KeyedQueue } from './keyed-queue';
import { taskRequest } from './lifecycle-task';
import { type Dispatcher, requestComponent } from './requests';

/** Extra wait past a task's deadline for the executor's own `timeout` answer. */
const DEADLINE_GRACE_MS = 5_000;

export interface LifecyclesOptions {
  store: Store;
  bus: Bus;
  log: Logger;
  queue: KeyedQueue;
  dispatcher: Dispatcher;
  /** deadline of a task without `timeout_ms` */
  taskTimeoutMs: number;
  now: () => number;
}

type RunTask = Extract<LifecycleCommand, { kind: 'run_task' }>;

export class Lifecycles {
  /** `<type>@<version>` → the parsed definition (versions never change), null when invalid */
  private readonly definitions = new Map<string, LifecycleDefinition | null>();
  /** run id → the awaited task run and its deadline timer */
  private readonly awaiting = new Map<string, { taskRunId: string; timer: NodeJS.Timeout }>();
  private readonly work = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly o: LifecyclesOptions) {}

  /** Picks up what a previous run of the runner left (see the file comment). */
  async start(): Promise<void> {
    for (const run of await this.o.store.lifecycles.unfinishedRuns()) {
      this.keep(
        this.serial(run.resourceId, async () => {
          const fresh = await this.o.store.lifecycles.run(run.id);
          if (!fresh) return;
          if (fresh.status === 'running') await this.resend(fresh);
          else if (fresh.status === 'paused') {
            const resource = await this.o.store.resources.get(fresh.resourceId);
            if (resource && lastChange(resource) > fresh.updatedAt.getTime()) await this.resume(fresh);
          }
        }),
      );
    }
    this.keep(this.startMissed());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.o.queue.idle();
    await Promise.allSettled([...this.work]);
    for (const { timer } of this.awaiting.values()) clearTimeout(timer);
    this.awaiting.clear();
  }

  /** Committed resource changes: start or resume runs. */
  onChanges(changes: readonly ResourceChange[]): void {
    for (const change of changes) {
      this.keep(this.serial(change.resource.id, () => this.consider(change)));
    }
  }

  /** A task's result (claimed by the service): stepped, saved, acked, carried out. */
  async onResult(delivery: ResultDelivery, runId: string, taskRunId: string): Promise<void> {
    const run = await this.o.store.lifecycles.run(runId);
    if (run) {
      const event: LifecycleEvent =
        delivery.kind === 'done'
          ? { kind: 'task_result', runId: taskRunId, ok: true, output: delivery.data }
          : {
              kind: 'task_result',
              runId: taskRunId,
              ok: false,
              output: delivery.data,
              error: delivery.data.error ?? 'failed',
            };
      await this.serial(run.resourceId, () => this.answer(runId, taskRunId, event));
    }
    try {
      delivery.ackNow();
    } catch {
      // redelivered: a stale answer is then dropped
    }
  }

  private keep(promise: Promise<unknown>): void {
    this.work.add(promise);
    void promise.finally(() => this.work.delete(promise));
  }

  /** One resource's lifecycle work at a time; errors are logged (the store keeps the last saved step). */
  private serial(resourceId: string, work: () => Promise<void>): Promise<void> {
    return this.o.queue.run(`lifecycle:${resourceId}`, async () => {
      if (this.stopped) return;
      try {
        await work();
      } catch (error) {
        this.o.log.error({ err: error, resource: resourceId }, 'lifecycle step failed');
      }
    });
  }

  private async consider(change: ResourceChange): Promise<void> {
    const resource = change.resource;
    const [latest] = await this.o.store.lifecycles.runsFor(resource.id);
    if (!latest) {
      if (change.newState === 'running') await this.begin(resource);
      return;
    }
    if (latest.status === 'paused') await this.resume(latest);
  }

  private async begin(resource: ResourceRecord): Promise<void> {
    const stored = await this.o.store.lifecycles.latestDefinition(resource.type);
    if (!stored) return;
    const definition = this.parsed(stored.type, stored.version, stored.document);
    if (!definition) return;
    const step = startLifecycle(definition, this.o.now());
    const run = await this.o.store.lifecycles.createRun({
      resourceId: resource.id,
      type: stored.type,
      version: stored.version,
      state: step.state,
    });
    this.o.log.info({ resource: resource.id, run: run.id, version: run.version }, 'lifecycle started');
    this.publish(run, definition, step.commands);
    await this.carryOut(run, step.commands, resource);
  }

  private async resume(run: LifecycleRunRecord): Promise<void> {
    await this.step(run, { kind: 'resume' });
  }

  private async answer(runId: string, taskRunId: string, event: LifecycleEvent): Promise<void> {
    const run = await this.o.store.lifecycles.run(runId);
    if (run?.status !== 'running' || run.state.progress?.runId !== taskRunId) {
      this.o.log.debug({ run: runId, task: taskRunId }, 'stale lifecycle task answer dropped');
      return;
    }
    const awaited = this.awaiting.get(runId);
    if (awaited?.taskRunId === taskRunId) {
      clearTimeout(awaited.timer);
      this.awaiting.delete(runId);
    }
    await this.step(run, event);
  }

  /** Steps a run, saves the new state, publishes it, THEN carries out its commands. */
  private async step(run: LifecycleRunRecord, event: LifecycleEvent): Promise<void> {
    const definition = await this.definitionOf(run);
    if (!definition) return;
    const step = stepLifecycle(definition, run.state, event, this.o.now());
    if (step.rejected) {
      this.o.log.debug({ run: run.id, reason: step.rejected }, 'lifecycle event ignored');
      return;
    }
    const saved = await this.o.store.lifecycles.saveRun(run.id, step.state);
    this.publish(saved, definition, step.commands);
    await this.carryOut(saved, step.commands);
  }

  private async carryOut(
    run: LifecycleRunRecord,
    commands: readonly LifecycleCommand[],
    known?: ResourceRecord,
  ): Promise<void> {
    for (const command of commands) {
      switch (command.kind) {
        case 'run_task':
          await this.runTask(run, command, known);
          break;
        case 'state_changed':
          this.o.log.info(
            {
              run: run.id,
              resource: run.resourceId,
              from: command.from,
              to: command.to,
              error: command.error,
            },
            'lifecycle state changed',
          );
          break;
        case 'paused':
          this.o.log.info({ run: run.id, state: command.state, reason: command.reason }, 'lifecycle paused');
          break;
        case 'finished':
          this.o.log.info({ run: run.id, state: command.state }, 'lifecycle finished');
          break;
      }
    }
  }

  /** After a restart: the awaited task again, with the same key. */
  private async resend(run: LifecycleRunRecord): Promise<void> {
    const definition = await this.definitionOf(run);
    const progress = run.state.progress;
    if (!definition || !progress) return;
    const task = definition.tasks[progress.task];
    if (!task) return;
    this.o.log.info(
      { run: run.id, task: progress.task, taskRun: progress.runId },
      'sending an awaited lifecycle task again',
    );
    await this.runTask(run, {
      kind: 'run_task',
      runId: progress.runId,
      task: progress.task,
      definition: task,
      trigger: triggerName(definition, run.state),
      phase: progress.phase,
    });
  }

  private async runTask(run: LifecycleRunRecord, command: RunTask, known?: ResourceRecord): Promise<void> {
    const fail = (error: string) => {
      // answered through the queue, after this step is done
      this.keep(
        this.serial(run.resourceId, () =>
          this.answer(run.id, command.runId, { kind: 'task_result', runId: command.runId, ok: false, error }),
        ),
      );
    };
    const resource = known ?? (await this.o.store.resources.get(run.resourceId));
    if (!resource) return fail('the resource is no longer tracked');
    const request = taskRequest(run.id, command, resource);
    if (!request.ok) return fail(request.error);
    const timeout = command.definition.timeout_ms ?? this.o.taskTimeoutMs;
    const previous = this.awaiting.get(run.id);
    if (previous) clearTimeout(previous.timer);
    this.awaiting.set(run.id, {
      taskRunId: command.runId,
      timer: setTimeout(() => fail(`no answer within ${timeout} ms`), timeout + DEADLINE_GRACE_MS),
    });
    const sent = await this.o.dispatcher.send(request.message, {
      build: LIFECYCLE_BUILD_ID,
      component: requestComponent(run.id, command.runId),
      attempt: 1,
      deadline: this.o.now() + timeout,
    });
    if (!sent) fail(`the task could not be sent to ${command.definition.engine}`);
  }

  private publish(
    run: LifecycleRunRecord,
    definition: LifecycleDefinition,
    commands: readonly LifecycleCommand[],
  ): void {
    const { state } = run;
    const progress = state.progress;
    const message: LifecycleProgressMessage = {
      resource: run.resourceId,
      run: run.id,
      type: run.type,
      version: run.version,
      current: state.current,
      status: state.status,
      paused_for: state.pausedFor ?? null,
      task:
        state.status === 'running' && progress
          ? {
              name: progress.task,
              run_id: progress.runId,
              trigger: triggerName(definition, state),
              phase: progress.phase,
            }
          : null,
      transitions: commands.flatMap((c) =>
        c.kind === 'state_changed'
          ? [
              {
                from: c.from,
                to: c.to,
                trigger: c.trigger,
                at: new Date(c.at).toISOString(),
                error: c.error ?? null,
              },
            ]
          : [],
      ),
      at: new Date(this.o.now()).toISOString(),
    };
    if (this.o.bus.isClosed()) return;
    try {
      this.o.bus.publish(resourceLifecycleSubject(run.resourceId), lifecycleProgressMessageSchema, message);
    } catch (error) {
      this.o.log.warn({ err: error, run: run.id }, 'lifecycle progress not published');
    }
  }

  private async definitionOf(run: LifecycleRunRecord): Promise<LifecycleDefinition | undefined> {
    const key = `${run.type}@${run.version}`;
    if (this.definitions.has(key)) return this.definitions.get(key) ?? undefined;
    const stored = await this.o.store.lifecycles.definition(run.type, run.version);
    if (!stored) {
      this.o.log.error({ run: run.id, type: run.type, version: run.version }, 'lifecycle definition missing');
      return undefined;
    }
    return this.parsed(stored.type, stored.version, stored.document);
  }

  private parsed(type: string, version: number, document: unknown): LifecycleDefinition | undefined {
    const key = `${type}@${version}`;
    if (!this.definitions.has(key)) {
      const parsed = parseLifecycle(document);
      if (!parsed.ok) {
        this.o.log.error(
          { type, version, issues: parsed.issues.map((i) => i.message) },
          'stored lifecycle definition is invalid',
        );
      }
      this.definitions.set(key, parsed.ok ? parsed.definition : null);
    }
    return this.definitions.get(key) ?? undefined;
  }

  /** Resources that reached `running` (since their type's first definition) without a run: start one. */
  private async startMissed(): Promise<void> {
    try {
      for (const latest of await this.o.store.lifecycles.definitions()) {
        const versions = await this.o.store.lifecycles.versions(latest.type);
        const since = Math.min(...versions.map((v) => v.createdAt.getTime()));
        for (const resource of await this.o.store.resources.list(
          { type: latest.type, state: 'running' },
          10_000,
        )) {
          const runningSince = Date.parse(resource.stateTimes.running ?? '');
          if (!(runningSince >= since)) continue;
          this.keep(
            this.serial(resource.id, async () => {
              const runs = await this.o.store.lifecycles.runsFor(resource.id);
              if (runs.length === 0) await this.begin(resource);
            }),
          );
        }
      }
    } catch (error) {
      this.o.log.error({ err: error }, 'looking for lifecycles to start failed');
    }
  }
}

function triggerName(definition: LifecycleDefinition, state: LifecycleState): string {
  const progress = state.progress;
  if (!progress) return '';
  const candidate = progress.candidates[progress.candidate];
  if (!candidate) return '';
  return definition.transitions[candidate.transition]?.triggers[candidate.trigger]?.name ?? '';
}

/** When the resource last changed state (epoch ms). */
function lastChange(resource: ResourceRecord): number {
  let last = 0;
  for (const at of Object.values(resource.stateTimes)) last = Math.max(last, Date.parse(at) || 0);
  return last;
}
