// The cloud-state service of the runner (design.md "Cloud state and lifecycle"): tracks the
// resources builds made (tracker.ts), polls them (poller.ts), carries out operator actions
// (actions.ts), delivers callbacks (deliveries.ts) and drives lifecycles (lifecycles.ts). Every
// state change is committed to the store first (with its callbacks' deliveries, in the same
// transaction), then announced (announce.ts). Results of its executor requests come through
// the runner's results consumer: `claim` takes those whose build is `ordo:cloud` or
// `ordo:lifecycle`, and acks each once its outcome is stored.
import type { Bus, ResultDelivery } from '@ordo/bus';
import { CLOUD_BUILD_ID, LIFECYCLE_BUILD_ID } from '@ordo/contracts';
import type { Store } from '@ordo/store';
import type { Logger } from 'pino';
import { Actions, isResourceAction } from './actions';
import { Announcer } from './announce';
import { DeliveryWorker } from './deliveries';
import { KeyedQueue } from './keyed-queue';
import { Lifecycles } from './lifecycles';
import { type CloudSettings, type CloudSettingsInput, cloudSettings } from './options';
import { Poller } from './poller';
import { Dispatcher, parseRequestComponent } from './requests';
import { Tracker } from './tracker';

export interface CloudServiceOptions {
  store: Store;
  bus: Bus;
  logger: Logger;
  /** dispatch/result subject prefix (`ORDO_SUBJECT_PREFIX`) */
  prefix: string;
  /** providers served by executors as they are (the runner's); a simulated build routes others to `sim` */
  nativeProviders: ReadonlySet<string>;
  /** `SIMULATE_PROVIDERS=*` */
  simulateAll: boolean;
  settings?: CloudSettingsInput;
  clock?: () => number;
}

export class CloudService {
  readonly settings: CloudSettings;
  private readonly log: Logger;
  private readonly queue = new KeyedQueue();
  private readonly announcer: Announcer;
  private readonly tracker: Tracker;
  private readonly poller: Poller;
  private readonly actions: Actions;
  private readonly deliveries: DeliveryWorker;
  private readonly lifecycles: Lifecycles;
  private accepting = false;
  private stopping = false;
  private readonly handling = new Set<Promise<void>>();

  constructor(o: CloudServiceOptions) {
    this.settings = cloudSettings(o.settings);
    this.log = o.logger;
    const now = o.clock ?? Date.now;
    const { store, bus } = o;
    this.announcer = new Announcer(bus, this.log);
    const announce = this.announcer.announce.bind(this.announcer);
    const dispatcher = new Dispatcher(bus, o.prefix, this.log, () => this.stopping);
    this.deliveries = new DeliveryWorker({
      store,
      bus,
      log: this.log.child({ part: 'callbacks' }),
      settings: this.settings.callbacks,
      prefix: o.prefix,
      rescanMs: this.settings.rescanMs,
      now,
    });
    this.lifecycles = new Lifecycles({
      store,
      bus,
      log: this.log.child({ part: 'lifecycle' }),
      queue: this.queue,
      dispatcher,
      taskTimeoutMs: this.settings.taskTimeoutMs,
      now,
    });
    this.poller = new Poller({
      store,
      log: this.log,
      queue: this.queue,
      dispatcher,
      settings: this.settings,
      now,
      announce,
    });
    this.actions = new Actions({
      store,
      bus,
      log: this.log,
      queue: this.queue,
      dispatcher,
      actionTimeoutMs: this.settings.actionTimeoutMs,
      now,
      announce,
      pollNow: (ids) => this.poller.pollNow(ids),
    });
    this.tracker = new Tracker({
      store,
      bus,
      log: this.log,
      queue: this.queue,
      nativeProviders: o.nativeProviders,
      simulateAll: o.simulateAll,
      trackIntervalMs: this.settings.trackIntervalMs,
      recentBuilds: this.settings.recentBuilds,
      announce,
      tracked: () => this.poller.refresh(),
    });
    this.announcer.listen((changes) => {
      if (changes.some((c) => c.deliveries.length > 0)) this.deliveries.wake();
      this.lifecycles.onChanges(changes);
    });
  }

  /** Starts every part; resolves once commands and results are served (recent builds sync on, see `synced`). */
  async start(): Promise<void> {
    this.accepting = true;
    this.deliveries.start();
    await this.lifecycles.start();
    await this.actions.start();
    this.poller.start();
    await this.tracker.start();
    this.log.info(
      { pollIntervalMs: this.settings.pollIntervalMs, pollIntervals: this.settings.pollIntervals },
      'cloud state service started',
    );
  }

  /** Resolves when the start-up sync of recent builds is done. */
  synced(): Promise<void> {
    return this.tracker.synced();
  }

  /** Stops taking results (they are redelivered to the next runner), finishes what is under way. */
  async stop(): Promise<void> {
    this.accepting = false;
    this.stopping = true;
    await this.tracker.stop();
    await this.actions.stop();
    await this.poller.stop();
    await Promise.allSettled([...this.handling]);
    await this.lifecycles.stop();
    await this.deliveries.stop();
    await this.queue.idle();
  }

  /**
   * For the runner's `claimResult`: true when the result is this service's (build `ordo:cloud`
   * or `ordo:lifecycle`); it is then acked here once handled (nak'ed while the service is not
   * running, so that it comes again).
   */
  claim(delivery: ResultDelivery): boolean {
    const { build, component } = delivery.meta;
    if (build !== CLOUD_BUILD_ID && build !== LIFECYCLE_BUILD_ID) return false;
    if (!this.accepting) {
      safely(() => delivery.nak(1_000));
      return true;
    }
    const request = parseRequestComponent(component);
    let handled: Promise<void> | undefined;
    if (request && build === LIFECYCLE_BUILD_ID) {
      handled = this.lifecycles.onResult(delivery, request.id, request.what);
    } else if (request?.what === 'get') {
      handled = this.poller.onResult(delivery, request.id);
    } else if (request && isResourceAction(request.what)) {
      handled = this.actions.onResult(delivery);
    }
    if (!handled) {
      this.log.warn({ build, component }, 'a result of an unknown cloud request; dropped');
      safely(() => delivery.term());
      return true;
    }
    const tracked = handled.catch((error: unknown) => {
      this.log.error({ err: error, build, component }, 'handling a cloud result failed; it comes again');
      safely(() => delivery.nak(1_000));
    });
    this.handling.add(tracked);
    void tracked.finally(() => this.handling.delete(tracked));
    return true;
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // the connection is gone: JetStream redelivers after ack_wait
  }
}
