'use client';
// Operator actions on the build (who did what, when), newest first. The store's record
// (`build.actions`) includes refused actions and why; it is re-read whenever a live `action`
// event arrives, so accepted actions show at once and refusals right after.
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTRPC } from '@/trpc/client';
import { formatTime } from './format';
import { useBuildLive } from './monitor-context';

const VERB: Record<string, string> = {
  retry: 'retried',
  cancel: 'cancelled',
  skip: 'skipped',
  approve: 'approved',
};

export function ActivityList({ onSelect }: { onSelect: (id: string) => void }) {
  const trpc = useTRPC();
  const id = useBuildLive((b) => b.id);
  const live = useBuildLive((b) => b.activity.length);
  const query = useQuery(trpc.build.actions.queryOptions({ id }));
  const { refetch } = query;
  useEffect(() => {
    if (live > 0) void refetch();
  }, [live, refetch]);
  const actions = query.data?.actions ?? [];
  return (
    <section className="bm-card" aria-label="Activity">
      <h2>Activity</h2>
      {actions.length === 0 ? (
        <p className="bm-muted">No operator actions yet.</p>
      ) : (
        <ul className="bm-activity" data-testid="activity">
          {[...actions].reverse().map((a) => (
            <li key={`${a.at}:${a.actor}:${a.action}:${a.componentId ?? ''}`} data-accepted={a.accepted}>
              <span className="bm-activity-time">{formatTime(a.at)}</span>
              <span>
                <strong>{a.actor}</strong>{' '}
                {a.accepted ? (VERB[a.action] ?? a.action) : `tried to ${a.action}`}{' '}
                {a.componentId ? (
                  <button
                    type="button"
                    className="bm-link-button bm-mono"
                    onClick={() => onSelect(a.componentId as string)}
                  >
                    {a.componentId}
                  </button>
                ) : a.action === 'retry' ? (
                  'the build from failure'
                ) : (
                  'the build'
                )}
                {!a.accepted && a.reason ? <span className="bm-muted"> — refused: {a.reason}</span> : null}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
