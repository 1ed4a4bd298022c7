'use client';
// Hands one build's MonitorStore to the components of its page, and the selectors they read
// it through: `useNodeState(id, …)` subscribes to one component's store only.
import { createContext, type ReactNode, useContext } from 'react';
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
