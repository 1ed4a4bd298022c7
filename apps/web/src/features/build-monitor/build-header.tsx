'use client';
// The monitor's header: which build, its state, how far it got, how long it took, and the
// build-level actions its state allows.
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/trpc/client';
import { errorReason } from './errors';
import { formatDuration, formatTime } from './format';
import { LARGE_BUILD } from './layout';
import { useBuildLive, useThrottledBuildLive } from './monitor-context';
import { ProgressBar } from './progress-bar';
import { buildActions } from './states';
import { useNow } from './use-now';

const LIVE_LABEL: Record<string, string> = {
  connecting: 'connecting…',
  connected: 'live',
  reconnecting: 'reconnecting…',
  closed: 'not live',
  offline: 'not live',
};

export function BuildHeader({ onReload }: { onReload: () => void }) {
  const trpc = useTRPC();
  // at most 10 renders a second (4 for a large build), however fast the build's events arrive
  const large = useBuildLive((b) => b.components.length > LARGE_BUILD);
  const {
    id,
    environment,
    status,
    simulate,
    policy,
    createdAt,
    startedAt,
    finishedAt,
    counts,
    live,
    components,
  } = useThrottledBuildLive(large ? 250 : 100);
  const total = components.length;
  const ticking = status === 'running' || status === 'cancelling' || status === 'pending';
  const now = useNow(ticking);

  const retry = useMutation(trpc.build.retry.mutationOptions());
  const cancel = useMutation(trpc.build.cancel.mutationOptions());
  const refused = retry.error ?? cancel.error;
  const busy = retry.isPending || cancel.isPending;
  const actions = buildActions(status);

  const elapsed =
    startedAt === null
      ? `queued ${formatDuration(now - createdAt)}`
      : formatDuration((finishedAt ?? now) - startedAt);

  return (
    <section className="bm-header" aria-label="Build">
      <div className="bm-header-top">
        <div className="bm-title">
          <div className="bm-crumbs">
            <Link href="/builds">Builds</Link> / <span className="bm-mono">{id}</span>
          </div>
          <h1>
            {environment || 'Build'}{' '}
            <span className={`bm-badge bm-status-${status}`} data-testid="build-state">
              {status}
            </span>
          </h1>
          <div className="bm-facts">
            <span>
              started {startedAt === null ? '—' : formatTime(startedAt)}
              {finishedAt !== null && <> · finished {formatTime(finishedAt)}</>}
            </span>
            <span>
              elapsed <strong data-testid="build-elapsed">{elapsed}</strong>
            </span>
            <span>{policy}</span>
            {simulate && <span className="bm-tag">simulated</span>}
            <span className={`bm-live bm-live-${live}`} data-testid="live-status">
              ● {LIVE_LABEL[live] ?? live}
            </span>
            {(live === 'offline' || live === 'closed') && (
              <button type="button" className="bm-link-button" onClick={onReload}>
                Reload
              </button>
            )}
          </div>
        </div>
        <div className="bm-actions">
          {actions.includes('retry') && (
            <button
              type="button"
              className="bm-button bm-primary"
              disabled={busy}
              onClick={() => {
                cancel.reset();
                retry.mutate({ id });
              }}
            >
              Retry from failure
            </button>
          )}
          {actions.includes('cancel') && (
            <button
              type="button"
              className="bm-button bm-danger"
              disabled={busy}
              onClick={() => {
                retry.reset();
                cancel.mutate({ id });
              }}
            >
              Cancel build
            </button>
          )}
        </div>
      </div>
      <ProgressBar counts={counts} total={total} />
      {refused && (
        <p className="bm-refused" role="alert">
          Refused: {errorReason(refused)}
        </p>
      )}
    </section>
  );
}
