// Announcing committed resource changes: `ordo.resources.<id>` for the browser (core NATS; the
// store has the change already, a missed message is caught up by reloading), then the parts of
// the service that act on changes (callback deliveries, lifecycles).
import { type Bus, resourceSubject } from '@ordo/bus';
import { type ResourceChangeMessage, resourceChangeMessageSchema, toResourceView } from '@ordo/contracts';
import type { ResourceChange } from '@ordo/store';
import type { Logger } from 'pino';

export function changeMessage(change: ResourceChange): ResourceChangeMessage {
  return {
    resource: toResourceView(change.resource),
    old_state: change.oldState,
    new_state: change.newState,
    at: change.at.toISOString(),
    actor: change.actor,
    reason: change.reason,
  };
}

export type ChangeListener = (changes: readonly ResourceChange[]) => void;

export class Announcer {
  private readonly listeners: ChangeListener[] = [];

  constructor(
    private readonly bus: Bus,
    private readonly log: Logger,
  ) {}

  listen(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Call only with changes the store has committed. */
  announce(changes: readonly ResourceChange[]): void {
    if (changes.length === 0) return;
    for (const change of changes) {
      this.log.info(
        {
          resource: change.resource.id,
          from: change.oldState,
          to: change.newState,
          actor: change.actor,
          reason: change.reason,
        },
        'resource state changed',
      );
      if (this.bus.isClosed()) continue;
      try {
        this.bus.publish(
          resourceSubject(change.resource.id),
          resourceChangeMessageSchema,
          changeMessage(change),
        );
      } catch (error) {
        this.log.warn({ err: error, resource: change.resource.id }, 'resource change not published');
      }
    }
    for (const listener of this.listeners) {
      try {
        listener(changes);
      } catch (error) {
        this.log.error({ err: error }, 'a resource change listener failed');
      }
    }
  }
}
