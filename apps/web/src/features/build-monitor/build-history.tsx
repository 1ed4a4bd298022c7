'use client';
// `/builds`: every build, newest first, filtered by state and environment; each opens the
// monitor (read-only once finished, except retry).
import { BUILD_STATUSES, type BuildStatus } from '@ordo/core';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useState } from 'react';
import { useTRPC } from '@/trpc/client';
import { errorReason } from './errors';
import { formatDuration, formatTime } from './format';

const PAGE = 100;

export function BuildHistory() {
  const trpc = useTRPC();
  const ids = useId();
  const [status, setStatus] = useState<BuildStatus | ''>('');
  const [environment, setEnvironment] = useState('');
  const [limit, setLimit] = useState(PAGE);

  const environments = useQuery(trpc.environment.list.queryOptions());
  const builds = useQuery(
    trpc.build.list.queryOptions({
      limit,
      ...(status ? { status: [status] } : {}),
      ...(environment ? { environment } : {}),
    }),
  );
  const list = builds.data?.builds ?? [];
  const now = Date.now();

  return (
    <div className="bm-history">
      <div className="bm-toolbar">
        <div className="bm-form-row bm-inline">
          <label htmlFor={`${ids}-state`}>State</label>
          <select
            id={`${ids}-state`}
            value={status}
            onChange={(e) => setStatus(e.target.value as BuildStatus | '')}
          >
            <option value="">all</option>
            {BUILD_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="bm-form-row bm-inline">
          <label htmlFor={`${ids}-env`}>Environment</label>
          <select id={`${ids}-env`} value={environment} onChange={(e) => setEnvironment(e.target.value)}>
            <option value="">all</option>
            {environments.data?.environments.map((e) => (
              <option key={e.name} value={e.name}>
                {e.name}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          className="bm-button"
          onClick={() => void builds.refetch()}
          disabled={builds.isFetching}
        >
          Refresh
        </button>
        <Link href="/builds/new" className="bm-button bm-primary bm-push-right">
          New build
        </Link>
      </div>

      {builds.error && (
        <p className="bm-refused" role="alert">
          Could not list builds: {errorReason(builds.error)}
        </p>
      )}
      {builds.isLoading ? (
        <p className="bm-muted">Loading…</p>
      ) : list.length === 0 ? (
        <p className="bm-muted">No builds{status || environment ? ' match these filters' : ' yet'}.</p>
      ) : (
        <table className="bm-table bm-builds" data-testid="build-list">
          <thead>
            <tr>
              <th>Environment</th>
              <th>State</th>
              <th>Components</th>
              <th>Created</th>
              <th>Duration</th>
              <th>Build</th>
            </tr>
          </thead>
          <tbody>
            {list.map((b) => (
              <tr key={b.id} data-testid={`build-row-${b.id}`}>
                <td>
                  <Link href={`/builds/${encodeURIComponent(b.id)}`}>{b.environment}</Link>
                </td>
                <td>
                  <span className={`bm-badge bm-status-${b.status}`}>{b.status}</span>
                </td>
                <td>
                  {b.completed}/{b.total} completed
                  {b.errored > 0 && <span className="bm-text-bad"> · {b.errored} errored</span>}
                </td>
                <td>{formatTime(b.createdAt, now)}</td>
                <td>
                  {b.startedAt === null
                    ? '—'
                    : b.finishedAt === null
                      ? `${formatDuration(now - b.startedAt)} so far`
                      : formatDuration(b.finishedAt - b.startedAt)}
                </td>
                <td>
                  <Link href={`/builds/${encodeURIComponent(b.id)}`} className="bm-mono bm-small">
                    {b.id.slice(0, 8)}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.length >= limit && limit < 1000 && (
        <button type="button" className="bm-button" onClick={() => setLimit((n) => Math.min(1000, n + PAGE))}>
          Show more
        </button>
      )}
    </div>
  );
}
