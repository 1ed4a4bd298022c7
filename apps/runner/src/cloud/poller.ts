// Polling: every resource that is not terminated or vanished is asked about through an executor
// request `<type>.get.<route>` every interval (per provider), with at most `pollConcurrency`
// requests in flight. Core `pollOutcome` reads the answer: `.done` is the resource as found,
// `.error` with `not_found: true` means it is gone (vanished — or stopped/terminated when that
// was asked), any other error or no answer by the deadline is a failed poll (the error is kept,
// the state is not touched). The outcome is written to the store, THEN announced.
//
// Polls are not persisted: after a restart the store's `lastPolledAt` says when each is due. The
// attempt number of a poll is max(now, last + 1): unique per process without a counter on disk.

import type { ResultDelivery } from '@ordo/bus';
import { CLOUD_BUILD_ID, NOT_FOUND_FIELD } from '@ordo/contracts';
import { FINAL_RESOURCE_STATES, type PollAnswer, pollOutcome } from '@ordo/core';
import type { ResourceChange, ResourcePatch, Store } from '@ordo/store';
import type { Logger } from 'pino';
import type { KeyedQueue } from './keyed-queue';
import { type CloudSettings, pollIntervalOf } from './options';
import { answerFields, type Dispatcher, requestComponent, resourceRequest } from './requests';

export interface PollerOptions {
  store: Store;
  log: Logger;
  queue: KeyedQueue;
  dispatcher: Dispatcher;
  settings: CloudSettings;
  now: () => number;
  announce: (changes: readonly ResourceChange[]) => void;
}

interface Due {
  route: string;
  provider: string;
  /** epoch ms the next poll is due */
  at: number;
}

interface InFlight {
  attempt: number;
  timer: NodeJS.Timeout;
  /** its answer is being written: the deadline no longer counts */
  settling: boolean;
}

export class Poller {
  private readonly due = new Map<string, Due>();
  private readonly inFlight = new Map<string, InFlight>();
  private lastAttempt = 0;
  private nextRescan = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly polls = new Set<Promise<void>>();
  /** resources asked for that the poller does not know yet: polled once a rescan finds them */
  private readonly pollSoon = new Set<string>();

  constructor(private readonly o: PollerOptions) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.polls]);
    for (const flight of this.inFlight.values()) clearTimeout(flight.timer);
    this.inFlight.clear();
  }

  /** Polls these resources (all when absent) as soon as a slot is free. */
  pollNow(resourceIds?: readonly string[]): void {
    if (resourceIds === undefined) {
      for (const entry of this.due.values()) entry.at = 0;
    } else {
      for (const id of resourceIds) {
        const entry = this.due.get(id);
        if (entry) entry.at = 0;
        else this.pollSoon.add(id);
      }
    }
    this.nextRescan = 0;
    this.wake();
  }

  /** The set of resources changed (tracked, terminated …): read it again. */
  refresh(): void {
    this.nextRescan = 0;
    this.wake();
  }

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const now = this.o.now();
      if (now >= this.nextRescan) {
        this.nextRescan = now + this.o.settings.rescanMs;
        try {
          await this.rescan();
        } catch (error) {
          this.o.log.error({ err: error }, 'reading the resources to poll failed');
        }
      }
      let next = this.nextRescan;
      const ready = [...this.due.entries()]
        .filter(([id]) => !this.inFlight.has(id))
        .sort((a, b) => a[1].at - b[1].at);
      for (const [id, entry] of ready) {
        if (entry.at > this.o.now()) {
          next = Math.min(next, entry.at);
          break;
        }
        if (this.inFlight.size >= this.o.settings.pollConcurrency) break;
        this.track(this.poll(id, entry));
      }
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(5, next - this.o.now()));
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private track(poll: Promise<void>): void {
    this.polls.add(poll);
    void poll.finally(() => this.polls.delete(poll));
  }

  private async rescan(): Promise<void> {
    const resources = await this.o.store.resources.pollable();
    const seen = new Set<string>();
    for (const r of resources) {
      seen.add(r.id);
      const entry = this.due.get(r.id);
      if (entry) {
        entry.route = r.route;
        entry.provider = r.provider;
      } else {
        const since = (r.lastPolledAt ?? r.updatedAt).getTime();
        this.due.set(r.id, {
          route: r.route,
          provider: r.provider,
          at: since + pollIntervalOf(this.o.settings, r),
        });
      }
      if (this.pollSoon.delete(r.id)) (this.due.get(r.id) as Due).at = 0;
    }
    for (const id of this.due.keys()) if (!seen.has(id)) this.due.delete(id);
    this.pollSoon.clear();
  }

  private async poll(id: string, entry: Due): Promise<void> {
    const attempt = Math.max(this.o.now(), this.lastAttempt + 1);
    this.lastAttempt = attempt;
    const timeout = this.o.settings.pollTimeoutMs;
    entry.at = this.o.now() + pollIntervalOf(this.o.settings, entry);
    const flight: InFlight = {
      attempt,
      settling: false,
      timer: setTimeout(() => {
        this.track(this.settle(id, attempt, { kind: 'failed', error: `no answer within ${timeout} ms` }));
      }, timeout),
    };
    this.inFlight.set(id, flight);
    try {
      const resource = await this.o.store.resources.get(id);
      if (!resource || FINAL_RESOURCE_STATES.has(resource.state)) {
        this.due.delete(id);
        this.release(id, flight);
        return;
      }
      const sent = await this.o.dispatcher.send(resourceRequest(resource, 'get'), {
        build: CLOUD_BUILD_ID,
        component: requestComponent(id, 'get'),
        attempt,
        deadline: this.o.now() + timeout,
      });
      if (!sent)
        await this.settle(id, attempt, { kind: 'failed', error: 'the poll request could not be sent' });
    } catch (error) {
      this.o.log.error({ err: error, resource: id }, 'poll failed');
      this.release(id, flight);
    }
  }

  private release(id: string, flight: InFlight): void {
    clearTimeout(flight.timer);
    if (this.inFlight.get(id) === flight) this.inFlight.delete(id);
    this.wake();
  }

  /** A `get` answer (claimed by the service). Acked once written; a stale one is dropped. */
  async onResult(delivery: ResultDelivery, resourceId: string): Promise<void> {
    const answer: PollAnswer =
      delivery.kind === 'done'
        ? { kind: 'found', record: delivery.data }
        : (delivery.data as Record<string, unknown>)[NOT_FOUND_FIELD] === true
          ? { kind: 'missing' }
          : { kind: 'failed', error: delivery.data.error ?? 'the provider answered an error' };
    await this.settle(resourceId, delivery.meta.attempt, answer);
    safely(() => delivery.ackNow());
  }

  /** Writes what a poll found (once per poll: the answer or the deadline, whichever comes first). */
  private async settle(id: string, attempt: number, answer: PollAnswer): Promise<void> {
    const flight = this.inFlight.get(id);
    if (!flight || flight.attempt !== attempt || flight.settling) {
      this.o.log.debug({ resource: id, attempt }, 'stale poll answer dropped');
      return;
    }
    flight.settling = true;
    clearTimeout(flight.timer);
    try {
      await this.o.queue.run(id, () => this.write(id, answer));
    } catch (error) {
      this.o.log.error({ err: error, resource: id }, 'poll outcome not stored; the next poll asks again');
    } finally {
      this.release(id, flight);
    }
  }

  private async write(id: string, answer: PollAnswer): Promise<void> {
    const resource = await this.o.store.resources.get(id);
    if (!resource) return;
    const outcome = pollOutcome({ state: resource.state, pendingAction: resource.pendingAction }, answer);
    const patch: ResourcePatch = {
      lastPolledAt: new Date(this.o.now()),
      state: outcome.state,
      pendingAction: outcome.pendingAction,
    };
    if (outcome.publicIp !== undefined) patch.publicIp = outcome.publicIp;
    if (outcome.privateIp !== undefined) patch.privateIp = outcome.privateIp;
    if (answer.kind === 'failed') {
      patch.error = `poll failed: ${answer.error}`;
    } else if (answer.kind === 'found' && !FINAL_RESOURCE_STATES.has(resource.state)) {
      patch.record = { ...resource.record, ...answerFields(answer.record) };
      patch.error = outcome.state === 'error' ? errorText(answer.record) : null;
    } else {
      patch.error = null;
    }
    const changes = await this.o.store.resources.update(
      [{ resourceId: id, patch, actor: 'poll', reason: outcome.reason }],
      new Date(this.o.now()),
    );
    this.o.announce(changes);
    if (FINAL_RESOURCE_STATES.has(outcome.state)) this.due.delete(id);
  }
}

/** Why a provider says a resource is in error (EC2: `StateReason.Message`). */
export function errorText(record: Readonly<Record<string, unknown>>): string {
  for (const key of ['state_reason', 'status_message', 'error_message']) {
    const value = record[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return 'the provider reports an error';
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // the connection is gone: JetStream redelivers, and a stale answer is dropped
  }
}
