'use client';
// A Gantt chart of the components' attempts: one row per dispatched component (in the canvas'
// column order), one bar per attempt, coloured by how it ended. It follows the build-level
// `version`, which moves whenever an attempt starts or ends, at most four times a second, and
// rows out of sight are not laid out or painted.
// A large build (thousands of components changing every second) is drawn once a second while
// it runs, on the clock's tick alone (not on `version` as well: two unaligned redraws a second),
// reads only the components it shows (the first MAX_ROWS_LARGE dispatched, not all), and only
// its rows in the window's view are in the DOM: redrawing a hundred rows each second from all
// 10,000 components cost the monitor a 30–40 ms stall each time (BENCH.md "pnpm bench:web").
import { type RefObject, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { formatDuration } from './format';
import { LARGE_BUILD } from './layout';
import { useBuildLive, useMonitorStore, useThrottledBuildLive } from './monitor-context';
import { isFinished } from './states';
import type { AttemptView } from './types';
import { useNow } from './use-now';

const MAX_ROWS = 300;
/** Rows shown of a large build: each second all of them are drawn again (span and bars move). */
const MAX_ROWS_LARGE = 100;
/** Rows out of sight skip layout and paint (they are 22 px high, globals.css `.bm-gantt-row`). */
const ROW_STYLE = { contentVisibility: 'auto', containIntrinsicSize: 'auto 22px' } as const;
/** Height of a row and of the axis row (globals.css `.bm-gantt-row`, `.bm-gantt-axis`). */
const ROW_HEIGHT = 22;
const AXIS_HEIGHT = 18;
/** Rows drawn beyond the window's view, above and below (large builds). */
const ROWS_BEYOND_VIEW = 8;

interface Row {
  id: string;
  attempts: readonly AttemptView[];
}

export function Timeline({ order, onSelect }: { order: readonly string[]; onSelect: (id: string) => void }) {
  return order.length > LARGE_BUILD ? (
    <LargeTimeline order={order} onSelect={onSelect} />
  ) : (
    <SmallTimeline order={order} onSelect={onSelect} />
  );
}

function SmallTimeline({ order, onSelect }: { order: readonly string[]; onSelect: (id: string) => void }) {
  // the rows are recomputed at most four times a second, however fast the events arrive
  const { version, status, startedAt, finishedAt } = useThrottledBuildLive(250);
  const running = status === 'running' || status === 'cancelling';
  const now = useNow(running);
  return (
    <Gantt
      order={order}
      onSelect={onSelect}
      version={version}
      running={running}
      now={now}
      startedAt={startedAt}
      finishedAt={finishedAt}
      maxRows={MAX_ROWS}
    />
  );
}

function LargeTimeline({ order, onSelect }: { order: readonly string[]; onSelect: (id: string) => void }) {
  const status = useBuildLive((b) => b.status);
  const startedAt = useBuildLive((b) => b.startedAt);
  const finishedAt = useBuildLive((b) => b.finishedAt);
  const running = status === 'running' || status === 'cancelling';
  // while it runs, the clock's tick redraws it (and `version` does not); then every change does
  const version = useBuildLive((b) => (isFinished(b.status) || b.status === 'pending' ? b.version : -1));
  const now = useNow(running);
  return (
    <Gantt
      order={order}
      onSelect={onSelect}
      version={running ? now : version}
      running={running}
      now={now}
      startedAt={startedAt}
      finishedAt={finishedAt}
      maxRows={MAX_ROWS_LARGE}
      windowed
    />
  );
}

interface GanttProps {
  order: readonly string[];
  onSelect: (id: string) => void;
  /** changes when the rows must be read again */
  version: number;
  running: boolean;
  now: number;
  startedAt: number | null;
  finishedAt: number | null;
  maxRows: number;
  /**
   * only the first `maxRows` rows are read (the time axis from them and the build's start and
   * end), and only those in the window's view are in the DOM
   */
  windowed?: boolean;
}

function Gantt({
  order,
  onSelect,
  version,
  running,
  now,
  startedAt,
  finishedAt,
  maxRows,
  windowed = false,
}: GanttProps) {
  const store = useMonitorStore();
  const gantt = useRef<HTMLDivElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the signal that the per-component stores changed
  const rows = useMemo<Row[]>(() => {
    const out: Row[] = [];
    // windowed: one more than shown, to know that there are more
    const limit = windowed ? maxRows + 1 : Number.POSITIVE_INFINITY;
    for (const id of order) {
      const attempts = store.nodeState(id).history;
      if (attempts.length > 0) out.push({ id, attempts });
      if (out.length >= limit) break;
    }
    return out;
  }, [order, store, version, windowed, maxRows]);
  const range = useRowsInView(gantt, windowed, Math.min(rows.length, maxRows));

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
  const listed = Math.min(rows.length, maxRows);
  const [first, last] = windowed ? range : [0, listed];
  const shown = rows.slice(Math.min(first, listed), Math.min(last, listed));

  return (
    <section className="bm-card" aria-label="Timeline">
      <h2>Timeline</h2>
      <div className="bm-gantt" data-testid="timeline" ref={gantt}>
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
        {windowed && first > 0 && <div style={{ height: Math.min(first, listed) * ROW_HEIGHT }} />}
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
        {windowed && last < listed && (
          <div style={{ height: (listed - Math.max(first, last)) * ROW_HEIGHT }} />
        )}
        {rows.length > maxRows && (
          <p className="bm-muted">
            {windowed ? 'More' : `${rows.length - maxRows} more`} components are not shown; open one on the
            canvas for its attempts.
          </p>
        )}
      </div>
    </section>
  );
}

/**
 * Which rows of the chart are in the window's view, with ROWS_BEYOND_VIEW more on each side:
 * [first, last). Measured after every render (the page above may have moved) and on scrolling
 * and resizing; all rows when `enabled` is false.
 */
function useRowsInView(
  gantt: RefObject<HTMLDivElement | null>,
  enabled: boolean,
  count: number,
): readonly [number, number] {
  const [range, setRange] = useState<readonly [number, number]>([0, Math.min(count, ROWS_BEYOND_VIEW * 2)]);
  const measure = useCallback(() => {
    const element = gantt.current;
    if (!element) return;
    const top = element.getBoundingClientRect().top + AXIS_HEIGHT;
    const first = Math.max(0, Math.floor(-top / ROW_HEIGHT) - ROWS_BEYOND_VIEW);
    const last = Math.max(
      first,
      Math.min(count, Math.ceil((window.innerHeight - top) / ROW_HEIGHT) + ROWS_BEYOND_VIEW),
    );
    setRange((r) => (r[0] === first && r[1] === last ? r : [first, last]));
  }, [gantt, count]);
  // after every render: a reading of the layout, no write unless the range changed
  useLayoutEffect(() => {
    if (enabled) measure();
  });
  useEffect(() => {
    if (!enabled) return;
    let frame: number | null = null;
    const schedule = () => {
      frame ??= requestAnimationFrame(() => {
        frame = null;
        measure();
      });
    };
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    return () => {
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [enabled, measure]);
  return enabled ? range : [0, count];
}
