'use client';
// A Gantt chart of the components' attempts: one row per dispatched component (in the canvas'
// column order), one bar per attempt, coloured by how it ended. It follows the build-level
// `version`, which moves whenever an attempt starts or ends, at most four times a second (once
// a second for a large build), and rows out of sight are not laid out or painted.
import { useMemo } from 'react';
import { formatDuration } from './format';
import { LARGE_BUILD } from './layout';
import { useMonitorStore, useThrottledBuildLive } from './monitor-context';
import type { AttemptView } from './types';
import { useNow } from './use-now';

const MAX_ROWS = 300;
/** Rows shown of a large build: each second all of them are drawn again (span and bars move). */
const MAX_ROWS_LARGE = 100;
/** Rows out of sight skip layout and paint (they are 22 px high, globals.css `.bm-gantt-row`). */
const ROW_STYLE = { contentVisibility: 'auto', containIntrinsicSize: 'auto 22px' } as const;

interface Row {
  id: string;
  attempts: readonly AttemptView[];
}

export function Timeline({ order, onSelect }: { order: readonly string[]; onSelect: (id: string) => void }) {
  const store = useMonitorStore();
  // the rows are recomputed at most four times a second, however fast the events arrive
  const { version, status, startedAt, finishedAt } = useThrottledBuildLive(
    order.length > LARGE_BUILD ? 1_000 : 250,
  );
  const maxRows = order.length > LARGE_BUILD ? MAX_ROWS_LARGE : MAX_ROWS;
  const running = status === 'running' || status === 'cancelling';
  const now = useNow(running);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the signal that the per-component stores changed
  const rows = useMemo<Row[]>(() => {
    const out: Row[] = [];
    for (const id of order) {
      const attempts = store.nodeState(id).history;
      if (attempts.length > 0) out.push({ id, attempts });
    }
    return out;
  }, [order, store, version]);

  if (rows.length === 0) {
    return (
      <section className="bm-card" aria-label="Timeline">
        <h2>Timeline</h2>
        <p className="bm-muted">No component has been dispatched yet.</p>
      </section>
    );
  }

  let t0 = startedAt ?? Number.POSITIVE_INFINITY;
  let t1 = finishedAt ?? (running ? now : 0);
  for (const row of rows) {
    for (const a of row.attempts) {
      t0 = Math.min(t0, a.dispatchedAt);
      t1 = Math.max(t1, a.finishedAt ?? (running ? now : a.dispatchedAt));
    }
  }
  const span = Math.max(1, t1 - t0);
  const pct = (t: number) => `${((100 * (t - t0)) / span).toFixed(3)}%`;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const shown = rows.slice(0, maxRows);

  return (
    <section className="bm-card" aria-label="Timeline">
      <h2>Timeline</h2>
      <div className="bm-gantt" data-testid="timeline">
        <div className="bm-gantt-row bm-gantt-axis" aria-hidden="true">
          <div className="bm-gantt-label" />
          <div className="bm-gantt-track">
            {ticks.map((f) => (
              <span key={f} className="bm-gantt-tick" style={{ left: `${f * 100}%` }}>
                {formatDuration(f * span)}
              </span>
            ))}
          </div>
        </div>
        {shown.map((row) => (
          <div className="bm-gantt-row" key={row.id} style={ROW_STYLE}>
            <button
              type="button"
              className="bm-gantt-label bm-mono"
              onClick={() => onSelect(row.id)}
              title={row.id}
            >
              {row.id}
            </button>
            <div className="bm-gantt-track">
              {row.attempts.map((a) => {
                const end = a.finishedAt ?? (running ? now : a.dispatchedAt);
                return (
                  <span
                    key={a.attempt}
                    className={`bm-gantt-bar bm-bg-${a.status}`}
                    style={{
                      left: pct(a.dispatchedAt),
                      width: `max(3px, ${((100 * (end - a.dispatchedAt)) / span).toFixed(3)}%)`,
                    }}
                    title={`${row.id} attempt ${a.attempt}: ${a.status}, ${formatDuration(end - a.dispatchedAt)}${a.error ? ` (${a.error})` : ''}`}
                  />
                );
              })}
            </div>
          </div>
        ))}
        {rows.length > maxRows && (
          <p className="bm-muted">
            {rows.length - maxRows} more components are not shown; open one on the canvas for its attempts.
          </p>
        )}
      </div>
    </section>
  );
}
