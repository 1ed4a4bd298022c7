// Operator actions (start, stop, reboot, terminate) on `ordo.cloud.control` (request/reply,
// queue group `ordo-cloud`), and the `poll` command. An action:
//   1. unknown resource → `not_found`; refused by core `checkResourceAction` → the refusal is
//      recorded with its reason and answered `not_allowed` (HTTP 409);
//   2. accepted → recorded and the resource moved to the action's intermediate state, in one
//      transaction (`startAction`, which also queues the callbacks' deliveries) → announced →
//      answered `ok` → sent as `<type>.<action>.<route>` with attempt = the action record's id;
//   3. its result: `.done` → the end state (or the state the provider reports), `.error` → state
//      `error` with the error text (`not_found` → gone, as a poll would read it).
// The action id is in the store, so after a restart every action still pending is sent again
// with the SAME dispatch key: an executor that answered it already answers from its record.
import type { Bus, BusMessage, BusSubscription, ResultDelivery } from '@ordo/bus';
import {
  CLOUD_BUILD_ID,
  CLOUD_CONTROL_SUBJECT,
  type CloudControlCommand,
  type ControlReply,
  cloudControlCommandSchema,
  controlReplySchema,
  NOT_FOUND_FIELD,
} from '@ordo/contracts';
import {
  ACTION_STATES,
  checkResourceAction,
  normalizeProviderState,
  pollOutcome,
  RESOURCE_ACTIONS,
  type ResourceAction,
  type ResourceState,
} from '@ordo/core';
import type { ResourceChange, ResourcePatch, ResourceRecord, Store } from '@ordo/store';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { KeyedQueue } from './keyed-queue';
import { errorText } from './poller';
import { answerFields, type Dispatcher, requestComponent, resourceRequest } from './requests';

/** Extra wait past an action's deadline for the executor's own `timeout` answer. */
const DEADLINE_GRACE_MS = 5_000;

export function isResourceAction(value: string): value is ResourceAction {
  return (RESOURCE_ACTIONS as readonly string[]).includes(value);
}

export interface ActionsOptions {
  store: Store;
  bus: Bus;
  log: Logger;
  queue: KeyedQueue;
  dispatcher: Dispatcher;
  actionTimeoutMs: number;
  now: () => number;
  announce: (changes: readonly ResourceChange[]) => void;
  /** the `poll` command */
  pollNow: (resourceIds?: readonly string[]) => void;
}

interface InFlight {
  resourceId: string;
  action: ResourceAction;
  actionId: number;
  timer: NodeJS.Timeout;
}

export class Actions {
  private subscription: BusSubscription<unknown> | undefined;
  private reading: Promise<void> | undefined;
  /** by dispatch key `ordo:cloud/<resource>#<action>/<actionId>` */
  private readonly inFlight = new Map<string, InFlight>();
  private readonly work = new Set<Promise<unknown>>();

  constructor(private readonly o: ActionsOptions) {}

  /** Serves `ordo.cloud.control` and sends again the actions a previous run left pending. */
  async start(): Promise<void> {
    this.subscription = this.o.bus.subscribe(CLOUD_CONTROL_SUBJECT, z.unknown(), { queue: 'ordo-cloud' });
    this.reading = this.read(this.subscription);
    await this.o.bus.flush();
    for (const { resource, actionId } of await this.o.store.resources.withPendingAction()) {
      const action = resource.pendingAction;
      if (action === null) continue;
      if (actionId === null) {
        this.o.log.warn(
          { resource: resource.id, action },
          'pending action without its record; left to polls',
        );
        continue;
      }
      this.o.log.info({ resource: resource.id, action, actionId }, 'sending a pending action again');
      this.keep(this.send(resource, action, actionId));
    }
  }

  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.reading;
    await Promise.allSettled([...this.work]);
    for (const flight of this.inFlight.values()) clearTimeout(flight.timer);
    this.inFlight.clear();
  }

  private keep(promise: Promise<unknown>): void {
    this.work.add(promise);
    void promise.finally(() => this.work.delete(promise));
  }

  private async read(subscription: BusSubscription<unknown>): Promise<void> {
    for await (const message of subscription) this.keep(this.serve(message));
  }

  private async serve(message: BusMessage<unknown>): Promise<void> {
    const parsed = cloudControlCommandSchema.safeParse(message.data);
    if (!parsed.success) {
      const reason = z.prettifyError(parsed.error);
      this.o.log.warn({ reason }, 'invalid cloud control command dropped');
      this.reply(message, { ok: false, code: 'invalid', reason });
      return;
    }
    const command = parsed.data;
    if (command.kind === 'poll') {
      this.o.pollNow(command.resourceIds);
      this.reply(message, { ok: true });
      return;
    }
    let outcome: { reply: ControlReply; afterReply?: () => Promise<void> };
    try {
      outcome = await this.o.queue.run(command.resourceId, () => this.decide(command));
    } catch (error) {
      this.o.log.error({ err: error, resource: command.resourceId }, 'action failed');
      outcome = { reply: { ok: false, code: 'invalid', reason: 'the store refused the change; try again' } };
    }
    this.reply(message, outcome.reply);
    if (outcome.afterReply) await outcome.afterReply();
  }

  private reply(message: BusMessage<unknown>, reply: ControlReply): void {
    if (!message.msg.reply) return;
    try {
      this.o.bus.respond(message.msg, controlReplySchema, reply);
    } catch (error) {
      this.o.log.warn({ err: error }, 'could not answer a cloud control command');
    }
  }

  /** Steps 1 and 2: refused (recorded) or started (persisted, announced); sending comes after the reply. */
  private async decide(
    command: Extract<CloudControlCommand, { kind: 'action' }>,
  ): Promise<{ reply: ControlReply; afterReply?: () => Promise<void> }> {
    const { resourceId, action, actor } = command;
    const resource = await this.o.store.resources.get(resourceId);
    if (!resource) return { reply: { ok: false, code: 'not_found', reason: `no resource ${resourceId}` } };
    const check = checkResourceAction(
      { state: resource.state, pendingAction: resource.pendingAction },
      action,
    );
    if (!check.ok) {
      await this.o.store.resources.recordAction({
        resourceId,
        actor,
        action,
        accepted: false,
        reason: check.reason,
      });
      this.o.log.info({ resource: resourceId, action, actor, reason: check.reason }, 'action refused');
      return { reply: { ok: false, code: 'not_allowed', reason: check.reason } };
    }
    const { actionId, change } = await this.o.store.resources.startAction({
      resourceId,
      actor,
      action,
      via: check.via,
      at: new Date(this.o.now()),
    });
    this.o.log.info({ resource: resourceId, action, actor, actionId }, 'action accepted');
    if (change) this.o.announce([change]);
    return {
      reply: { ok: true },
      afterReply: () => this.send(change?.resource ?? resource, action, actionId),
    };
  }

  /** Step 2's request (also after a restart, with the same key). */
  private async send(resource: ResourceRecord, action: ResourceAction, actionId: number): Promise<void> {
    const component = requestComponent(resource.id, action);
    const key = `${CLOUD_BUILD_ID}/${component}/${actionId}`;
    const deadline = this.o.now() + this.o.actionTimeoutMs;
    const previous = this.inFlight.get(key);
    if (previous) clearTimeout(previous.timer);
    const flight: InFlight = {
      resourceId: resource.id,
      action,
      actionId,
      timer: setTimeout(() => {
        this.keep(
          this.finish(key, { kind: 'failed', error: `no answer within ${this.o.actionTimeoutMs} ms` }),
        );
      }, this.o.actionTimeoutMs + DEADLINE_GRACE_MS),
    };
    this.inFlight.set(key, flight);
    const sent = await this.o.dispatcher.send(resourceRequest(resource, action), {
      build: CLOUD_BUILD_ID,
      component,
      attempt: actionId,
      deadline,
    });
    if (!sent) await this.finish(key, { kind: 'failed', error: `the ${action} request could not be sent` });
  }

  /** Step 3: an action's result (claimed by the service); acked once written. */
  async onResult(delivery: ResultDelivery): Promise<void> {
    const data = delivery.data as Record<string, unknown>;
    await this.finish(
      delivery.meta.key,
      delivery.kind === 'done'
        ? { kind: 'done', record: data }
        : data[NOT_FOUND_FIELD] === true
          ? { kind: 'missing' }
          : { kind: 'failed', error: delivery.data.error ?? 'failed' },
    );
    safely(() => delivery.ackNow());
  }

  private async finish(
    key: string,
    answer:
      | { kind: 'done'; record: Record<string, unknown> }
      | { kind: 'missing' }
      | { kind: 'failed'; error: string },
  ): Promise<void> {
    const flight = this.inFlight.get(key);
    if (!flight) {
      this.o.log.debug({ key }, 'stale action answer dropped');
      return;
    }
    this.inFlight.delete(key);
    clearTimeout(flight.timer);
    const { resourceId, action, actionId } = flight;
    try {
      await this.o.queue.run(resourceId, async () => {
        const resource = await this.o.store.resources.get(resourceId);
        // a poll that saw the end state, or a new build, finished it already
        if (!resource || resource.pendingAction !== action) return;
        // a late answer (or deadline) of an earlier action of the same kind, which a poll
        // finished, must not end the action started since
        const latest = (await this.o.store.resources.actions(resourceId)).find((a) => a.accepted);
        if (latest !== undefined && latest.id !== actionId) {
          this.o.log.debug({ key, latest: latest.id }, 'answer of an earlier action dropped');
          return;
        }
        const { patch, reason } = endOf(resource, action, answer);
        const changes = await this.o.store.resources.update(
          [{ resourceId, patch, actor: 'action', reason }],
          new Date(this.o.now()),
        );
        this.o.announce(changes);
      });
    } catch (error) {
      this.o.log.error(
        { err: error, resource: resourceId, action },
        'action outcome not stored; polls will settle it',
      );
    }
  }
}

/** What an action's answer makes of the resource. */
export function endOf(
  resource: ResourceRecord,
  action: ResourceAction,
  answer:
    | { kind: 'done'; record: Record<string, unknown> }
    | { kind: 'missing' }
    | { kind: 'failed'; error: string },
): { patch: ResourcePatch; reason: string } {
  if (answer.kind === 'failed') {
    const error = `${action} failed: ${answer.error}`;
    return { patch: { state: 'error', pendingAction: null, error }, reason: error };
  }
  if (answer.kind === 'missing') {
    const outcome = pollOutcome({ state: resource.state, pendingAction: action }, { kind: 'missing' });
    return {
      patch: { state: outcome.state, pendingAction: null, error: null },
      reason: outcome.reason ?? `${action}: gone at the provider`,
    };
  }
  const { via, to } = ACTION_STATES[action];
  const reported = normalizeProviderState(answer.record.state);
  let state: ResourceState = to;
  let pendingAction: ResourceAction | null = null;
  if (reported !== undefined && reported !== to) {
    if (reported === via) {
      // the provider accepted it and is still at it: polls see it finish
      state = via;
      pendingAction = action;
    } else {
      state = reported;
    }
  }
  const patch: ResourcePatch = {
    state,
    pendingAction,
    record: { ...resource.record, ...answerFields(answer.record) },
    error: state === 'error' ? errorText(answer.record) : null,
  };
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const publicIp = str(answer.record.public_ip);
  const privateIp = str(answer.record.private_ip);
  if (publicIp !== undefined) patch.publicIp = publicIp;
  if (privateIp !== undefined) patch.privateIp = privateIp;
  return {
    patch,
    reason: pendingAction === null ? `${action} finished` : `${action} accepted by the provider`,
  };
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // the connection is gone: JetStream redelivers, and a stale answer is dropped
  }
}
