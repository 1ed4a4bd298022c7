/**
 * A small typed client of Ordo's REST API v1. Every answer is checked against the contract's
 * zod schema; a failed request becomes an `ApiError` (4xx/5xx), an `UnreachableError` (no
 * answer) or a `ProtocolError` (an answer that breaks the contract).
 */
import type { z } from 'zod';
import { ApiError, ProtocolError, UnreachableError } from './errors';
import {
  actionAnswerSchema,
  apiErrorBodySchema,
  type BuildDetail,
  type BuildSummary,
  buildDetailSchema,
  buildListSchema,
  callbackCreatedSchema,
  callbackListSchema,
  createdBuildSchema,
  deliveryListSchema,
  eventListSchema,
  lifecycleListSchema,
  lifecycleSavedSchema,
  lifecycleViewSchema,
  type ResourceDetail,
  type RestCallback,
  type RestDelivery,
  type RestEvent,
  type RestLifecycleSummary,
  type RestResource,
  resourceDetailSchema,
  resourceListSchema,
} from './rest-schemas';

export type OperatorAction = 'retry' | 'cancel' | 'skip' | 'approve';
export type ResourceAction = 'start' | 'reboot' | 'stop' | 'terminate';

/** The body of `POST /api/v1/callbacks`. */
export interface CallbackRequest {
  resource?: string;
  environment?: string;
  url?: string;
  subject?: string;
  states?: string[];
}

/** The body of `POST /api/v1/builds` in its wrapped form. */
export interface BuildRequest {
  graph: unknown;
  environment?: string;
  simulate: boolean;
  policy: 'fail-fast' | 'continue';
  concurrency?: number;
}

export interface OrdoClientOptions {
  /** e.g. `http://localhost:3000`; a trailing `/` is dropped */
  baseUrl: string;
  /** sent as `Ordo-Actor` on every request: who asked, recorded with operator actions */
  actor: string;
  /** per request, 30 s unless given */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class OrdoClient {
  readonly baseUrl: string;
  private readonly actor: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: OrdoClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.actor = options.actor;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async createBuild(body: BuildRequest): Promise<{ id: string }> {
    return this.request('POST', '/api/v1/builds', createdBuildSchema, body);
  }

  /** Builds, newest first; `states` is sent comma-separated. */
  async listBuilds(
    filter: { environment?: string; states?: readonly string[] } = {},
  ): Promise<BuildSummary[]> {
    const query = new URLSearchParams();
    if (filter.environment !== undefined) query.set('environment', filter.environment);
    if (filter.states !== undefined) query.set('state', filter.states.join(','));
    const suffix = query.toString() === '' ? '' : `?${query}`;
    return (await this.request('GET', `/api/v1/builds${suffix}`, buildListSchema)).builds;
  }

  async getBuild(id: string): Promise<BuildDetail> {
    return this.request('GET', buildPath(id), buildDetailSchema);
  }

  /** Events with a sequence number above `since`. */
  async events(id: string, since: number): Promise<RestEvent[]> {
    return (await this.request('GET', `${buildPath(id)}/events?since=${since}`, eventListSchema)).events;
  }

  /** An operator action on the build, or on one of its components. */
  async act(id: string, action: OperatorAction, component?: string): Promise<void> {
    const body = component === undefined ? {} : { component };
    await this.request('POST', `${buildPath(id)}/${action}`, actionAnswerSchema, body);
  }

  /** Tracked resources, newest first. */
  async listResources(
    filter: { environment?: string; state?: string; provider?: string } = {},
  ): Promise<RestResource[]> {
    const query = new URLSearchParams();
    for (const key of ['environment', 'state', 'provider'] as const) {
      const value = filter[key];
      if (value !== undefined) query.set(key, value);
    }
    const suffix = query.toString() === '' ? '' : `?${query}`;
    return (await this.request('GET', `/api/v1/resources${suffix}`, resourceListSchema)).resources;
  }

  async getResource(id: string): Promise<ResourceDetail> {
    return this.request('GET', `/api/v1/resources/${encodeURIComponent(id)}`, resourceDetailSchema);
  }

  async actOnResource(id: string, action: ResourceAction): Promise<void> {
    await this.request('POST', `/api/v1/resources/${encodeURIComponent(id)}/actions`, actionAnswerSchema, {
      action,
    });
  }

  async createCallback(body: CallbackRequest): Promise<{ id: string; secret: string }> {
    return this.request('POST', '/api/v1/callbacks', callbackCreatedSchema, body);
  }

  async listCallbacks(filter: { resource?: string; environment?: string } = {}): Promise<RestCallback[]> {
    const query = new URLSearchParams();
    if (filter.resource !== undefined) query.set('resource', filter.resource);
    if (filter.environment !== undefined) query.set('environment', filter.environment);
    const suffix = query.toString() === '' ? '' : `?${query}`;
    return (await this.request('GET', `/api/v1/callbacks${suffix}`, callbackListSchema)).callbacks;
  }

  async deliveries(callbackId: string): Promise<RestDelivery[]> {
    const path = `/api/v1/callbacks/${encodeURIComponent(callbackId)}/deliveries`;
    return (await this.request('GET', path, deliveryListSchema)).deliveries;
  }

  async removeCallback(callbackId: string): Promise<void> {
    await this.request('DELETE', `/api/v1/callbacks/${encodeURIComponent(callbackId)}`, actionAnswerSchema);
  }

  async saveLifecycle(definition: unknown): Promise<{ type: string; version: number }> {
    return this.request('POST', '/api/v1/lifecycles', lifecycleSavedSchema, definition);
  }

  async listLifecycles(): Promise<RestLifecycleSummary[]> {
    return (await this.request('GET', '/api/v1/lifecycles', lifecycleListSchema)).lifecycles;
  }

  async getLifecycle(type: string, version?: number) {
    const suffix = version === undefined ? '' : `?version=${version}`;
    return this.request(
      'GET',
      `/api/v1/lifecycles/${encodeURIComponent(type)}${suffix}`,
      lifecycleViewSchema,
    );
  }

  private async request<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    const headers: Record<string, string> = { accept: 'application/json', 'Ordo-Actor': this.actor };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(this.baseUrl + path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new UnreachableError(this.baseUrl, error);
    }
    const json = parseJson(text);
    if (!response.ok) throw toApiError(response, json, text);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${['$', ...issue.path.map(String)].join('.')}: ${issue.message}`)
        .join('; ');
      throw new ProtocolError(
        `unexpected answer to ${method} ${path} from Ordo at ${this.baseUrl}: ${problems}`,
      );
    }
    return parsed.data;
  }
}

function buildPath(id: string): string {
  return `/api/v1/builds/${encodeURIComponent(id)}`;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiError(response: Response, json: unknown, text: string): ApiError {
  const body = apiErrorBodySchema.safeParse(json);
  if (body.success) {
    const { code, message, details } = body.data.error;
    return new ApiError(response.status, code, message, details ?? []);
  }
  // Not the contract's error shape (a proxy's page, a crash): keep the start of what came back.
  const snippet = text.trim().replace(/\s+/g, ' ').slice(0, 200);
  return new ApiError(response.status, `http_${response.status}`, snippet || response.statusText, []);
}
