'use client';
// Loads a build's snapshot and follows its live events (design.md "Events and live view"):
// subscribe first, make sure the server has the subscription, then read the snapshot over
// tRPC, so nothing falls between the two. A gap in the seqs or a reconnect of the NATS
// connection loads the snapshot again. No polling: without NATS the page shows the snapshot
// and says that it is not live.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { followBuildEvents, liveConnection, onLiveStatus } from '@/features/live/live-connection';
import { useTRPC, useTRPCClient } from '@/trpc/client';
import { errorReason } from './errors';
import type { MonitorStore } from './monitor-store';
import { EventSequencer } from './sequencer';
import type { ActivityEntry, BuildEvent } from './types';

const EVENTS_PAGE = 10_000;
/** Pages of history read for the activity list (until `build.actions` exists: see the report). */
const MAX_EVENT_PAGES = 20;

function activityOf(e: BuildEvent): ActivityEntry {
  return {
    seq: e.seq,
    at: e.at,
    actor: e.actor ?? 'unknown',
    action: e.action ?? 'action',
    ...(e.componentId ? { componentId: e.componentId } : {}),
  };
}

/** Follows `buildId` into `store`; returns a function that loads the snapshot again. */
export function useFollowBuild(store: MonitorStore, buildId: string): () => void {
  const trpc = useTRPC();
  const trpcClient = useTRPCClient();
  const queryClient = useQueryClient();
  const reload = useRef<() => void>(() => undefined);

  useEffect(() => {
    let disposed = false;
    let loading = false;
    let again = false;
    /** every action event up to this seq is in the activity list */
    let activityCovered = 0;
    let activityLoading: Promise<void> = Promise.resolve();
    /** one per snapshot applied; `liveTo`: last event applied on top of that snapshot */
    let epoch = 0;
    let liveTo = 0;

    const sequencer = new EventSequencer({
      apply: (events) => {
        // components at once; the build level (header, counts, timeline) on the next frame
        store.enqueueEvents(events);
        liveTo = events[events.length - 1]?.seq ?? liveTo;
      },
      gap: () => void load(),
    });

    /** Reads the actions of (covered, upTo] from the event history; later ones arrive live. */
    const readActivity = (upTo: number) => {
      const mine = epoch;
      activityLoading = activityLoading
        .then(async () => {
          let since = activityCovered;
          for (let page = 0; page < MAX_EVENT_PAGES && since < upTo; page++) {
            const { events } = await trpcClient.build.events.query({
              id: buildId,
              since,
              limit: EVENTS_PAGE,
            });
            if (disposed) return;
            store.addActivity(events.filter((e) => e.type === 'action' && e.seq <= upTo).map(activityOf));
            const last = events[events.length - 1]?.seq;
            if (last === undefined || events.length < EVENTS_PAGE) break;
            since = last;
          }
          activityCovered = Math.max(activityCovered, upTo);
          // events applied live on top of the same snapshot carried their actions already
          if (epoch === mine) activityCovered = Math.max(activityCovered, liveTo);
        })
        .catch(() => undefined);
    };

    async function load(): Promise<void> {
      if (loading) {
        again = true;
        return;
      }
      loading = true;
      try {
        do {
          again = false;
          sequencer.suspend();
          const view = await queryClient.fetchQuery({
            ...trpc.build.get.queryOptions({ id: buildId }),
            staleTime: 0,
          });
          if (disposed) return;
          store.applySnapshot(view);
          epoch++;
          liveTo = view.seq;
          readActivity(view.seq);
          sequencer.resume(view.seq);
        } while (again && !disposed);
      } catch (error) {
        if (!disposed) store.setLoadError(errorReason(error));
      } finally {
        loading = false;
      }
    }

    const stopEvents = followBuildEvents(buildId, (batch) => sequencer.offer(batch.events));
    let wasDown = false;
    const stopStatus = onLiveStatus((status) => {
      store.setLive(status);
      if (status === 'reconnecting' || status === 'closed') wasDown = true;
      else if (status === 'connected' && wasDown) {
        wasDown = false;
        void load();
      }
    });
    void (async () => {
      try {
        const nc = await liveConnection();
        store.setLive(nc.isClosed() ? 'closed' : 'connected');
        // followBuildEvents subscribed when the same promise resolved, before this line ran:
        // a flush round trip means the server holds that subscription before the snapshot is read.
        await nc.flush();
      } catch {
        store.setLive('offline');
      }
      if (!disposed) await load();
    })();
    reload.current = () => void load();

    return () => {
      disposed = true;
      stopEvents();
      stopStatus();
      store.dispose();
    };
  }, [buildId, store, trpc, trpcClient, queryClient]);

  return useCallback(() => reload.current(), []);
}
