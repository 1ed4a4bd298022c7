'use client';
// A component's log lines: what the store kept (`build.logs`), then what executors send live
// (`followBuildLogs`). The stored list is read once the live subscription is in place (so no
// line falls between the two), and again when the component's state changes.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { followBuildLogs, liveConnection } from '@/features/live/live-connection';
import { useTRPC } from '@/trpc/client';

const MAX_LINES = 2_000;

/** A stored or live log line (`stream`: stdout, stderr or info). */
export interface LogLine {
  at: number;
  componentId: string;
  stream: string;
  line: string;
}

const keyOf = (l: LogLine) => `${l.at}\u0000${l.stream}\u0000${l.line}`;

export function useComponentLogs(buildId: string, componentId: string, state: string) {
  const trpc = useTRPC();
  const [subscribed, setSubscribed] = useState(false);
  const stored = useQuery({
    ...trpc.build.logs.queryOptions({ id: buildId, componentId, limit: MAX_LINES }),
    enabled: subscribed,
    staleTime: 0,
  });
  const { refetch } = stored;
  const [live, setLive] = useState<LogLine[]>([]);

  useEffect(() => {
    let disposed = false;
    setLive([]);
    setSubscribed(false);
    const stop = followBuildLogs(buildId, (line) => {
      if (line.componentId === componentId) setLive((lines) => [...lines.slice(-(MAX_LINES - 1)), line]);
    });
    // subscribed when the connection promise resolved; a flush makes sure the server has it
    liveConnection()
      .then((nc) => nc.flush())
      .catch(() => undefined)
      .finally(() => {
        if (!disposed) setSubscribed(true);
      });
    return () => {
      disposed = true;
      stop();
    };
  }, [buildId, componentId]);

  const seenState = useRef(state);
  useEffect(() => {
    if (seenState.current === state) return;
    seenState.current = state;
    if (subscribed) void refetch();
  }, [subscribed, state, refetch]);

  const lines = useMemo(() => {
    const seen = new Set<string>();
    const all: LogLine[] = [];
    for (const line of [...(stored.data?.lines ?? []), ...live]) {
      const key = keyOf(line);
      if (seen.has(key)) continue;
      seen.add(key);
      all.push(line);
    }
    all.sort((a, b) => a.at - b.at);
    return all.slice(-MAX_LINES);
  }, [stored.data, live]);

  return { lines, loading: !subscribed || stored.isLoading, error: stored.error };
}
