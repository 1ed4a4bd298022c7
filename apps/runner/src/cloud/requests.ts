// Requests the cloud service sends through executors, as the runner sends a build's dispatches:
// `<prefix><type>.<action>.<route>` into ORDO_DISPATCH, with `Ordo-*` headers whose build is
// `ordo:cloud` (polls, actions) or `ordo:lifecycle` (lifecycle tasks) and whose component is
// `<resource or run id>#<what>`: the runner hands their results to this service (claimResult).
import { type Bus, ensureExecRoutes, publishDispatch } from '@ordo/bus';
import type { DispatchMessage, ExecMeta } from '@ordo/contracts';
import type { ResourceRecord } from '@ordo/store';
import type { Logger } from 'pino';

/** `<id>#<what>`: the component header of a cloud or lifecycle request. */
export function requestComponent(id: string, what: string): string {
  return `${id}#${what}`;
}

/** Inverse of `requestComponent` (the last `#` separates). */
export function parseRequestComponent(component: string): { id: string; what: string } | undefined {
  const at = component.lastIndexOf('#');
  if (at <= 0 || at === component.length - 1) return undefined;
  return { id: component.slice(0, at), what: component.slice(at + 1) };
}

/**
 * Fields of a resource's record that are Ordo's knowledge, not the provider's input: a request
 * carries none of them, so that what comes back (`state` above all) is what the provider says.
 */
const NOT_SENT = new Set(['state', 'state_reason', 'error', 'service']);

/** Sets a key as an own property (a record key `__proto__` stays a plain key). */
export function putOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * The body of a request about a resource: its record (without `_`-fields and what NOT_SENT
 * names), addressed as `<type>.<action>.<route>`; `service` is the build that made it.
 */
export function resourceRequest(resource: ResourceRecord, action: string): DispatchMessage {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource.record)) {
    if (key.startsWith('_') || NOT_SENT.has(key)) continue;
    putOwn(body, key, value);
  }
  return Object.assign(body, {
    _component_id: resource.componentId,
    _component: resource.type,
    _action: action,
    _provider: resource.route,
    service: resource.buildId,
    ...(resource.route !== resource.provider ? { _simulated_provider: resource.provider } : {}),
  }) as DispatchMessage;
}

/** Fields of an answer that describe the request rather than the resource: not kept in the record. */
export function answerFields(answer: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(answer)) {
    if (key.startsWith('_') || key === 'service' || key === 'error') continue;
    putOwn(out, key, value);
  }
  return out;
}

/** Sends requests, with retries while NATS reconnects; with an empty prefix, makes the streams capture their routes first. */
export class Dispatcher {
  private readonly routes = new Set<string>();

  constructor(
    private readonly bus: Bus,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly stopped: () => boolean,
  ) {}

  /** Publishes the request; false (logged) when it could not be sent. */
  async send(message: DispatchMessage, meta: Omit<ExecMeta, 'key'>): Promise<boolean> {
    try {
      await this.ensureRoute(message._component, message._provider);
    } catch (error) {
      this.log.error({ err: error, component: meta.component }, 'request not sent: no stream for its route');
      return false;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await publishDispatch(this.bus, message, meta, this.prefix);
        return true;
      } catch (error) {
        if (
          (error as { code?: string }).code === 'INVALID_TOKEN' ||
          (error as { code?: string }).code === 'INVALID_MESSAGE'
        ) {
          this.log.error({ err: error, component: meta.component }, 'request not sent: invalid');
          return false;
        }
        if (attempt >= 20 || this.bus.isClosed() || this.stopped()) {
          this.log.error({ err: error, component: meta.component }, 'request not sent');
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private async ensureRoute(type: string, provider: string): Promise<void> {
    if (this.prefix !== '' || this.routes.has(`${type}/${provider}`)) return;
    await ensureExecRoutes(this.bus, { prefix: '', types: [type], providers: [provider] });
    this.routes.add(`${type}/${provider}`);
  }
}
