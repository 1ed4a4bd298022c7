'use client';
// Hands one build's MonitorStore to the components of its page, and the selectors they read
// it through: `useNodeState(id, …)` subscribes to one component's store only.
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { BuildLive, MonitorStore, NodeLive } from './monitor-store';

const MonitorContext = createContext<MonitorStore | null>(null);

export function MonitorProvider({ store, children }: { store: MonitorStore; children: ReactNode }) {
  return <MonitorContext.Provider value={store}>{children}</MonitorContext.Provider>;
}

export function useMonitorStore(): MonitorStore {
  const store = useContext(MonitorContext);
  if (!store) throw new Error('useMonitorStore outside a MonitorProvider');
  return store;
}

/** One component's live state through `selector` (return a primitive or a stable reference). */
export function useNodeState<T>(id: string, selector: (node: NodeLive) => T): T {
  return useStore(useMonitorStore().node(id), selector);
}

/** The build-level live state through `selector`. */
export function useBuildLive<T>(selector: (build: BuildLive) => T): T {
  return useStore(useMonitorStore().build, selector);
}

/**
 * The whole build-level state, re-rendering at most once per `intervalMs` however often it
 * changes (the first change after a quiet spell shows at once, later ones at the interval's end).
 */
export function useThrottledBuildLive(intervalMs = 100): BuildLive {
  const build = useMonitorStore().build;
  const [state, setState] = useState(() => build.getState());
  useEffect(() => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const update = () => {
      timer = null;
      last = Date.now();
      setState(build.getState());
    };
    update();
    const unsubscribe = build.subscribe(() => {
      if (timer !== null) return;
      const wait = last + intervalMs - Date.now();
      if (wait <= 0) update();
      else timer = setTimeout(update, wait);
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [build, intervalMs]);
  return state;
}
