// Tracking: which completed build components are cloud resources. Follows `ordo.events.>` (core
// NATS: only to learn WHEN and WHERE to look) and, when a batch holds component completions, syncs
// that build from the store (at most every `trackIntervalMs` while it runs, soon after it
// finishes). While it runs, a sync reads only the components whose completion was announced since
// the last one; once it finishes, all its completed components (an announcement missed is caught
// up then):
// completed create/update/get components that core `trackedResource` calls resources are
// tracked, a completed `delete` of a tracked component terminates it. On start the recent builds
// are synced again (the store ignores facts of a build it already took, and of an older build
// than the one that made a resource last), so an event missed while down loses nothing.
import { ALL_EVENTS, type Bus, type BusSubscription, parseEventsSubject } from '@ordo/bus';
import { type BuildEventBatch, buildEventBatchSchema } from '@ordo/contracts';
import { trackedResource } from '@ordo/core';
import type { ResourceChange, Store, TrackResourceInput } from '@ordo/store';
import type { Logger } from 'pino';
import type { KeyedQueue } from './keyed-queue';

/** Build statuses after which no component completes any more (until an operator retries). */
const FINISHED = new Set(['completed', 'errored', 'cancelled']);
/** Actions whose completed component is (or shows) the resource itself. */
const TRACKED_ACTIONS = new Set(['create', 'update', 'get']);
/** Delay of the sync after a build finished (its last batches arrive together). */
const FINAL_SYNC_MS = 200;

export interface TrackerOptions {
  store: Store;
  bus: Bus;
  log: Logger;
  queue: KeyedQueue;
  /** providers served by executors as they are (the runner's set): a simulated build routes others to `sim` */
  nativeProviders: ReadonlySet<string>;
  /** `SIMULATE_PROVIDERS=*`: every build is simulated */
  simulateAll: boolean;
  trackIntervalMs: number;
  recentBuilds: number;
  /** committed changes to announce */
  announce: (changes: readonly ResourceChange[]) => void;
  /** new resources are tracked (the poller looks again) */
  tracked: () => void;
}

export class Tracker {
  private subscription: BusSubscription<BuildEventBatch> | undefined;
  private reading: Promise<void> | undefined;
  private initial: Promise<void> | undefined;
  private stopped = false;
  /** build → when its sync is due, and the timer */
  private readonly scheduled = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  /** build → component ids whose completion this process has handed to the store */
  private readonly handled = new Map<string, Set<string>>();
  private lastSync = new Map<string, number>();
  /** build → components announced completed since its last sync; null: read them all */
  private readonly announced = new Map<string, Set<string> | null>();

  constructor(private readonly o: TrackerOptions) {}

  /** Follows build events; the recent builds are synced in the background (`synced()`). */
  async start(): Promise<void> {
    this.subscription = this.o.bus.subscribe(ALL_EVENTS, buildEventBatchSchema);
    this.reading = this.read(this.subscription);
    await this.o.bus.flush();
    this.initial = this.syncRecent();
  }

  /** Resolves when the start-up sync of recent builds is done. */
  synced(): Promise<void> {
    return this.initial ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.subscription?.unsubscribe();
    for (const { timer } of this.scheduled.values()) clearTimeout(timer);
    this.scheduled.clear();
    await this.reading;
    await this.initial;
  }

  /** Syncs one build now (also what the timers call). */
  sync(buildId: string): Promise<void> {
    return this.o.queue.run(`build:${buildId}`, () => this.syncNow(buildId));
  }

  private async read(subscription: BusSubscription<BuildEventBatch>): Promise<void> {
    for await (const message of subscription) {
      const parsed = parseEventsSubject(message.subject);
      if (!parsed) continue;
      let completed = false;
      let finished = false;
      const { buildId } = parsed;
      for (const event of message.data.events) {
        if (event.type === 'component_state' && event.state === 'completed' && event.componentId) {
          completed = true;
          this.announce(buildId, event.componentId);
        } else if (event.type === 'build_state' && event.state !== undefined && FINISHED.has(event.state))
          finished = true;
      }
      if (finished) {
        this.announced.set(buildId, null);
        this.schedule(buildId, FINAL_SYNC_MS);
      } else if (completed) {
        const since = Date.now() - (this.lastSync.get(buildId) ?? 0);
        this.schedule(buildId, Math.max(FINAL_SYNC_MS, this.o.trackIntervalMs - since));
      }
    }
  }

  /** Notes a completion to read at the build's next sync (unless that sync reads them all). */
  private announce(buildId: string, componentId: string): void {
    const ids = this.announced.get(buildId);
    if (ids === null) return;
    if (ids) ids.add(componentId);
    else this.announced.set(buildId, new Set([componentId]));
  }

  private schedule(buildId: string, delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + delayMs;
    const current = this.scheduled.get(buildId);
    if (current && current.at <= at) return;
    if (current) clearTimeout(current.timer);
    const timer = setTimeout(() => {
      this.scheduled.delete(buildId);
      this.sync(buildId).catch((error) =>
        this.o.log.error({ err: error, build: buildId }, 'build sync failed'),
      );
    }, delayMs);
    this.scheduled.set(buildId, { at, timer });
  }

  private async syncRecent(): Promise<void> {
    try {
      const builds = await this.o.store.builds.list({ limit: this.o.recentBuilds });
      // oldest first: a later build's facts win over an earlier one's
      for (const build of builds.reverse()) {
        if (this.stopped) return;
        // all its completed components: what completed while the tracker was down too
        this.announced.set(build.id, null);
        await this.sync(build.id);
      }
    } catch (error) {
      this.o.log.error({ err: error }, 'syncing recent builds failed');
    }
  }

  private async syncNow(buildId: string): Promise<void> {
    if (this.stopped) return;
    this.lastSync.set(buildId, Date.now());
    // the completions announced so far (all of them when none were: a start-up or final sync)
    const only = this.announced.get(buildId) ?? undefined;
    this.announced.delete(buildId);
    let snapshot: Awaited<ReturnType<Store['builds']['completedComponents']>>;
    let environmentId: string | null = null;
    try {
      snapshot = await this.o.store.builds.completedComponents(buildId, only);
      if (snapshot) environmentId = await this.o.store.environments.idOf(snapshot.environment);
    } catch (error) {
      this.reannounce(buildId, only);
      throw error;
    }
    if (!snapshot || environmentId === null) return;
    const simulate = snapshot.simulate || this.o.simulateAll;
    const handled = this.handled.get(buildId) ?? new Set<string>();
    const items: TrackResourceInput[] = [];
    const deletes: Array<{ environmentId: string; componentId: string; buildId: string }> = [];
    for (const c of snapshot.components) {
      if (handled.has(c.id)) continue;
      handled.add(c.id);
      if (c.action === 'delete') {
        deletes.push({ environmentId, componentId: c.id, buildId });
        continue;
      }
      if (!TRACKED_ACTIONS.has(c.action)) continue;
      const record = { ...c.desired, ...c.outputs };
      const facts = trackedResource({ type: c.type, provider: c.provider, id: c.id }, record);
      if (!facts) continue;
      items.push({
        environmentId,
        buildId,
        componentId: c.id,
        type: c.type,
        provider: c.provider,
        route: simulate && !this.o.nativeProviders.has(c.provider) ? 'sim' : c.provider,
        facts,
        record,
      });
    }
    let changes: ResourceChange[];
    try {
      changes = [
        ...(await this.o.store.resources.track(items)),
        ...(await this.o.store.resources.terminateDeleted(deletes)),
      ];
    } catch (error) {
      // nothing of this sync counts as handled: the next one takes it again
      for (const item of items) handled.delete(item.componentId);
      for (const item of deletes) handled.delete(item.componentId);
      this.reannounce(buildId, only);
      throw error;
    }
    if (FINISHED.has(snapshot.status)) {
      this.handled.delete(buildId);
      this.lastSync.delete(buildId);
    } else {
      this.handled.set(buildId, handled);
    }
    if (items.length > 0) {
      this.o.log.debug({ build: buildId, resources: items.length, deletes: deletes.length }, 'build synced');
      this.o.tracked();
    }
    this.o.announce(changes);
  }

  /** A sync that failed: what it was to read is read by the next one, scheduled here. */
  private reannounce(buildId: string, only: Set<string> | undefined): void {
    if (only === undefined) this.announced.set(buildId, null);
    else for (const id of only) this.announce(buildId, id);
    this.schedule(buildId, this.o.trackIntervalMs);
  }
}
