'use client';
// The monitor of one build (`/builds/<id>`): header, canvas, the selected component's panel,
// the timeline of attempts and the operator activity. State arrives through useFollowBuild
// into a MonitorStore; the React tree only subscribes to it.
import { useEffect, useMemo, useState } from 'react';
import { ActivityList } from './activity-list';
import { BuildHeader } from './build-header';
import { ComponentPanel } from './component-panel';
import { layeredLayout } from './layout';
import { MonitorCanvas } from './monitor-canvas';
import { MonitorProvider, useBuildLive, useMonitorStore } from './monitor-context';
import { MonitorStore } from './monitor-store';
import { isFinished } from './states';
import { Timeline } from './timeline';
import { useFollowBuild } from './use-follow-build';

export function BuildMonitor({ buildId }: { buildId: string }) {
  const [store] = useState(() => new MonitorStore(buildId));
  return (
    <MonitorProvider store={store}>
      <MonitorBody buildId={buildId} />
    </MonitorProvider>
  );
}

function MonitorBody({ buildId }: { buildId: string }) {
  const store = useMonitorStore();
  const reload = useFollowBuild(store, buildId);
  const loaded = useBuildLive((b) => b.loaded);
  const loadError = useBuildLive((b) => b.loadError);
  const components = useBuildLive((b) => b.components);
  const edges = useBuildLive((b) => b.edges);
  const [selected, setSelected] = useState<string | null>(null);

  const layout = useMemo(
    () =>
      layeredLayout(
        components.map((c) => c.id),
        edges,
      ),
    [components, edges],
  );
  const order = useMemo(
    () => [...layout].sort((a, b) => a.layer - b.layer || a.row - b.row).map((p) => p.id),
    [layout],
  );
  const selectedInfo = useMemo(
    () => (selected ? components.find((c) => c.id === selected) : undefined),
    [components, selected],
  );

  // Live events carry states, not outputs: when the build finishes, or the component in the
  // panel finishes, the snapshot is read once more for outputs and exact attempt times.
  useEffect(() => {
    let last = store.build.getState().status;
    return store.build.subscribe((b) => {
      if (b.status !== last && isFinished(b.status) && b.loaded) reload();
      last = b.status;
    });
  }, [store, reload]);
  useEffect(() => {
    if (!selected) return;
    const node = store.node(selected);
    let last = node.getState().state;
    return node.subscribe((n) => {
      if (n.state !== last && (n.state === 'completed' || n.state === 'errored')) reload();
      last = n.state;
    });
  }, [store, selected, reload]);

  if (!loaded) {
    return (
      <div className="bm-card">
        {loadError ? (
          <>
            <p className="bm-refused" role="alert">
              Could not load build {buildId}: {loadError}
            </p>
            <button type="button" className="bm-button" onClick={reload}>
              Try again
            </button>
          </>
        ) : (
          <p className="bm-muted">Loading build {buildId}…</p>
        )}
      </div>
    );
  }

  return (
    <div className="bm-monitor">
      <BuildHeader onReload={reload} />
      <div className={`bm-main${selectedInfo ? ' bm-with-panel' : ''}`}>
        <MonitorCanvas
          components={components}
          layout={layout}
          edges={edges}
          selected={selected}
          onSelect={setSelected}
        />
        {selectedInfo ? (
          <div className="bm-panel-slot">
            <ComponentPanel
              key={selectedInfo.id}
              component={selectedInfo}
              onClose={() => setSelected(null)}
            />
          </div>
        ) : null}
      </div>
      <Legend />
      <div className="bm-lower">
        <Timeline order={order} onSelect={setSelected} />
        <ActivityList onSelect={setSelected} />
      </div>
    </div>
  );
}

function Legend() {
  const states = ['waiting', 'running', 'completed', 'errored', 'cancelled', 'skipped', 'blocked'];
  return (
    <ul className="bm-legend" aria-label="Legend">
      {states.map((s) => (
        <li key={s}>
          <span className={`bm-dot bm-bg-${s}`} /> {s}
        </li>
      ))}
      <li className="bm-muted">Click a component for its attempts, outputs and log.</li>
    </ul>
  );
}
