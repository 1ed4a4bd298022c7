// Callbacks (design.md "Callbacks"): registered per resource or per environment, an HTTP(S) URL
// or a NATS subject, optionally for some new states only. A URL passes the SSRF guard at
// registration (every address its host resolves to; the runner checks again at connect time).
// The secret is made here and answered once; reads never carry it.
import { callbackSubjectRefusal, checkCallbackUrl, newCallbackSecret } from '@ordo/callbacks';
import { StoreError } from '@ordo/store';
import type { ApiConfig } from '../config';
import { InvalidRequestError, NotFoundError } from '../errors';
import type { CallbackListFilter, CreateCallbackBody, DeliveryRow } from '../schemas/cloud';
import { deliveryRows } from '../schemas/cloud';
import type { CallbackPort, StorePort } from './ports';

export interface CallbackServiceOptions {
  store: StorePort;
  config: ApiConfig;
}

export class CallbackService {
  readonly #store: StorePort;
  readonly #config: ApiConfig;

  constructor(options: CallbackServiceOptions) {
    this.#store = options.store;
    this.#config = options.config;
  }

  /**
   * Registers a callback (the body already checked: one target, one destination). Throws
   * `InvalidRequestError` for a URL or subject that is refused (with the reason),
   * `NotFoundError` for an unknown resource or environment. Nothing is stored on an error.
   */
  async create(body: CreateCallbackBody, actor: string): Promise<{ id: string; secret: string }> {
    const destination = await this.#destination(body);
    const target = await this.#target(body);
    const secret = newCallbackSecret();
    let created: CallbackPort;
    try {
      created = await this.#store.callbacks.create({
        ...target,
        ...destination,
        ...(body.states === undefined ? {} : { states: [...new Set(body.states)] }),
        secret,
        actor,
      });
    } catch (err) {
      // the resource or environment went away between the check and the insert
      if (err instanceof StoreError && err.code === 'NOT_FOUND') throw new NotFoundError(err.message);
      throw err;
    }
    return { id: created.id, secret };
  }

  /**
   * Callbacks, newest first: those that fire for a resource (its own and its environment's),
   * those registered for an environment, or all. `NotFoundError` for an unknown one.
   */
  async list(filter: CallbackListFilter = {}): Promise<CallbackPort[]> {
    const ids: { resourceId?: string; environmentId?: string } = {};
    if (filter.resource !== undefined) {
      const resource = await this.#store.resources.get(filter.resource);
      if (!resource) throw new NotFoundError(`no resource ${JSON.stringify(filter.resource)}`);
      ids.resourceId = resource.id;
      if (filter.environment === undefined) ids.environmentId = resource.environmentId;
    }
    if (filter.environment !== undefined) {
      const environmentId = await this.#store.environments.idOf(filter.environment);
      if (environmentId === null)
        throw new NotFoundError(`no environment ${JSON.stringify(filter.environment)}`);
      ids.environmentId = environmentId;
    }
    return this.#store.callbacks.list(ids);
  }

  async get(id: string): Promise<CallbackPort> {
    const callback = await this.#store.callbacks.get(id);
    if (!callback) throw notFound(id);
    return callback;
  }

  /** Deletes a callback and its deliveries; `NotFoundError` when there is none. */
  async remove(id: string): Promise<{ ok: true }> {
    if (!(await this.#store.callbacks.remove(id))) throw notFound(id);
    return { ok: true };
  }

  /** The callback's delivery attempts, newest first (attempt 0: queued, not attempted yet). */
  async deliveries(id: string): Promise<DeliveryRow[]> {
    await this.get(id);
    return deliveryRows(await this.#store.callbacks.deliveries(id));
  }

  async #destination(body: CreateCallbackBody): Promise<{ url: string } | { subject: string }> {
    if (body.url !== undefined) {
      const check = await checkCallbackUrl(body.url, this.#config.callbackAllowlist);
      if (!check.ok) throw refused('url', `the callback URL is refused: ${check.reason}`);
      return { url: check.url.href };
    }
    const subject = body.subject ?? '';
    const why = callbackSubjectRefusal(subject, this.#config.subjectPrefix);
    if (why !== undefined) throw refused('subject', `the callback subject is refused: ${why}`);
    return { subject };
  }

  async #target(body: CreateCallbackBody): Promise<{ resourceId: string } | { environmentId: string }> {
    if (body.resource !== undefined) {
      const resource = await this.#store.resources.get(body.resource);
      if (!resource) throw new NotFoundError(`no resource ${JSON.stringify(body.resource)}`);
      return { resourceId: resource.id };
    }
    const name = body.environment ?? '';
    const environmentId = await this.#store.environments.idOf(name);
    if (environmentId === null) throw new NotFoundError(`no environment ${JSON.stringify(name)}`);
    return { environmentId };
  }
}

function refused(field: 'url' | 'subject', message: string): InvalidRequestError {
  return new InvalidRequestError(message, [
    { code: `callback_${field}_refused`, message: `$.${field}: ${message}`, ids: [], path: `$.${field}` },
  ]);
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`no callback ${JSON.stringify(id)}`);
}
