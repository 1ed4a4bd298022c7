'use client';
// Live state changes of every tracked resource: `ordo.resources.>` over the page's one nats.ws
// connection (features/live), as the subscribe-only `viewer` user. A state change carries the
// resource's whole view after the change, so applying it needs nothing else; lifecycle progress
// (`ordo.resources.<id>.lifecycle`) says that the resource's lifecycle run moved.
import { ALL_RESOURCES } from '@ordo/bus/subjects';
import {
  type LifecycleProgressMessage,
  lifecycleProgressMessageSchema,
  type ResourceChangeMessage,
  resourceChangeMessageSchema,
} from '@ordo/contracts';
import { liveConnection } from '@/features/live/live-connection';

const decoder = new TextDecoder();

/**
 * Calls `onChange` for every change message; `onSubscribed` once the server has the
 * subscription (load the list after it, so that no change falls between the two), or
 * `onUnavailable` when there is no live connection. Returns a function that stops following.
 */
export function followResourceChanges(handlers: {
  onChange: (message: ResourceChangeMessage) => void;
  onLifecycle?: (message: LifecycleProgressMessage) => void;
  onSubscribed?: () => void;
  onUnavailable?: (error: unknown) => void;
}): () => void {
  let stopped = false;
  let unsubscribe: (() => void) | undefined;
  void liveConnection()
    .then(async (nc) => {
      if (stopped) return;
      const sub = nc.subscribe(ALL_RESOURCES);
      unsubscribe = () => sub.unsubscribe();
      await nc.flush();
      if (!stopped) handlers.onSubscribed?.();
      for await (const msg of sub) {
        let value: unknown;
        try {
          value = JSON.parse(decoder.decode(msg.data));
        } catch {
          continue; // not JSON: skipped (a reload on reconnect puts the list right)
        }
        if (msg.subject.endsWith('.lifecycle')) {
          const progress = lifecycleProgressMessageSchema.safeParse(value);
          if (progress.success) handlers.onLifecycle?.(progress.data);
          continue;
        }
        const change = resourceChangeMessageSchema.safeParse(value);
        if (change.success) handlers.onChange(change.data);
      }
    })
    .catch((error: unknown) => {
      if (!stopped) handlers.onUnavailable?.(error);
    });
  return () => {
    stopped = true;
    unsubscribe?.();
  };
}
