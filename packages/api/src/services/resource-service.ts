// Tracked cloud resources (design.md "Cloud state"): read them from the store, and ask the
// runner's cloud service to act on one over `ordo.cloud.control` (request/reply). The runner
// decides whether the state allows the action, records it with who asked, and replies.
import { CLOUD_CONTROL_SUBJECT, cloudControlCommandSchema, type ResourceAction } from '@ordo/contracts';
import type { ApiConfig } from '../config';
import { NotFoundError } from '../errors';
import {
  callbackView,
  lifecycleRunView,
  type ResourceDetail,
  type ResourceListFilter,
  resourceActionView,
  resourceEventView,
  resourceView,
} from '../schemas/cloud';
import { askRunner } from './ask-runner';
import type { BusProvider, ResourcePort, StorePort } from './ports';

export interface ResourceServiceOptions {
  store: StorePort;
  bus: BusProvider;
  config: ApiConfig;
}

export class ResourceService {
  readonly #store: StorePort;
  readonly #bus: BusProvider;
  readonly #config: ApiConfig;

  constructor(options: ResourceServiceOptions) {
    this.#store = options.store;
    this.#bus = options.bus;
    this.#config = options.config;
  }

  /** Tracked resources, newest first, filtered by environment, state, provider and type. */
  list(filter: ResourceListFilter = {}): Promise<ResourcePort[]> {
    return this.#store.resources.list({
      ...(filter.environment === undefined ? {} : { environment: filter.environment }),
      ...(filter.state === undefined ? {} : { state: filter.state }),
      ...(filter.provider === undefined ? {} : { provider: filter.provider }),
      ...(filter.type === undefined ? {} : { type: filter.type }),
    });
  }

  /** The resource; `NotFoundError` when there is none. */
  async get(id: string): Promise<ResourcePort> {
    const resource = await this.#store.resources.get(id);
    if (!resource) throw notFound(id);
    return resource;
  }

  /**
   * The resource with its state history, operator actions, the callbacks that fire for it (its
   * own and its environment's; never their secrets) and its lifecycle runs.
   */
  async detail(id: string): Promise<ResourceDetail> {
    const resource = await this.get(id);
    const [history, actions, callbacks, runs] = await Promise.all([
      this.#store.resources.history(id),
      this.#store.resources.actions(id),
      this.#store.callbacks.list({ resourceId: id, environmentId: resource.environmentId }),
      this.#store.lifecycles.runsFor(id),
    ]);
    return {
      resource: resourceView(resource),
      history: history.map(resourceEventView),
      actions: actions.map(resourceActionView),
      callbacks: callbacks.map(callbackView),
      lifecycle_runs: runs.map(lifecycleRunView),
    };
  }

  /**
   * Asks the runner to start, reboot, stop or terminate the resource and waits for its answer.
   * `NotFoundError` for an unknown resource, `NotAllowedError` with the runner's reason when the
   * state does not allow it, `RunnerUnavailableError` when no runner answers in time.
   */
  async action(id: string, action: ResourceAction, actor: string): Promise<{ ok: true }> {
    await this.get(id);
    await askRunner(this.#bus, {
      subject: CLOUD_CONTROL_SUBJECT,
      schema: cloudControlCommandSchema,
      command: { kind: 'action', resourceId: id, action, actor },
      timeoutMs: this.#config.controlTimeoutMs,
      about: `resource ${id}`,
    });
    return { ok: true };
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`no resource ${JSON.stringify(id)}`);
}
