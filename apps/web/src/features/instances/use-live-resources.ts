'use client';
// Every tracked resource with live state: subscribe to `ordo.resources.>` first, then load the
// list over tRPC, and merge the two (the newest view of each resource wins). A reconnect of the
// NATS connection loads the list again (changes may have been missed while it was down). No
// polling: without NATS the page shows the list it loaded and says that it is not live.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorReason } from '@/features/build-monitor/errors';
import { onLiveStatus } from '@/features/live/live-connection';
import { useTRPC, useTRPCClient } from '@/trpc/client';
import { followResourceChanges } from './follow-resources';
import { mergeLoaded, mergeResource } from './resource-list';
import type { LifecycleProgressMessage, ResourceChangeMessage, ResourceView } from './types';

export type LiveState = 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'offline';

export interface LiveResources {
  resources: ResourceView[];
  loaded: boolean;
  error: string | null;
  live: LiveState;
  reload: () => void;
}

/**
 * `onChange` is called for each live change (after the list took it in), `onLifecycle` for
 * each step of a resource's lifecycle run.
 */
export function useLiveResources(
  onChange?: (message: ResourceChangeMessage) => void,
  onLifecycle?: (message: LifecycleProgressMessage) => void,
): LiveResources {
  const trpc = useTRPC();
  const trpcClient = useTRPCClient();
  const queryClient = useQueryClient();
  const [resources, setResources] = useState<ResourceView[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<LiveState>('connecting');
  const changeHandler = useRef(onChange);
  changeHandler.current = onChange;
  const lifecycleHandler = useRef(onLifecycle);
  lifecycleHandler.current = onLifecycle;
  const reloadRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    let disposed = false;
    let loading = false;
    let again = false;

    async function load(): Promise<void> {
      if (loading) {
        again = true;
        return;
      }
      loading = true;
      try {
        do {
          again = false;
          const { resources: list } = await trpcClient.resource.list.query({});
          if (disposed) return;
          setResources((shown) => mergeLoaded(list, shown));
          setLoaded(true);
          setError(null);
        } while (again && !disposed);
      } catch (err) {
        if (!disposed) setError(errorReason(err));
      } finally {
        loading = false;
      }
    }
    reloadRef.current = () => void load();

    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      void load();
    };
    const stopFollowing = followResourceChanges({
      onChange: (message) => {
        setResources((shown) => mergeResource(shown, message.resource));
        changeHandler.current?.(message);
      },
      onLifecycle: (message) => lifecycleHandler.current?.(message),
      onSubscribed: () => {
        setLive('connected');
        start();
      },
      onUnavailable: () => {
        setLive('offline');
        start();
      },
    });
    // Without an answer from NATS soon, show the list anyway (it follows once connected).
    const fallback = setTimeout(start, 1_500);
    let wasDown = false;
    const stopStatus = onLiveStatus((status) => {
      setLive(status);
      if (status === 'reconnecting' || status === 'closed') wasDown = true;
      else if (status === 'connected' && wasDown) {
        wasDown = false;
        void load();
        void queryClient.invalidateQueries({ queryKey: trpc.resource.get.pathKey() });
      }
    });
    return () => {
      disposed = true;
      clearTimeout(fallback);
      stopFollowing();
      stopStatus();
    };
  }, [trpcClient, queryClient, trpc]);

  const reload = useCallback(() => reloadRef.current(), []);
  return { resources, loaded, error, live, reload };
}
