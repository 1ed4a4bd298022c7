'use client';
// Everything about one resource: its facts and actions, the callbacks that fire for it with
// their deliveries, its state history and operator actions, and its lifecycle. Loaded over
// tRPC; the page reloads it when a live change of this resource arrives.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { errorReason } from '@/features/build-monitor/errors';
import { formatTime } from '@/features/build-monitor/format';
import { useTRPC } from '@/trpc/client';
import { CallbacksPanel } from './callbacks-panel';
import { LifecyclePanel } from './lifecycle-panel';
import { ResourceActions } from './resource-actions';
import type { ResourceDetail as Detail, ResourceView } from './types';

export function ResourceDetail({ resource, onClose }: { resource: ResourceView; onClose: () => void }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.resource.get.queryOptions({ id: resource.id }));
  const now = Date.now();

  return (
    <section
      className="in-detail"
      aria-label={`Resource ${resource.component}`}
      data-testid="resource-detail"
    >
      <header className="in-detail-head">
        <div>
          <h2 className="bm-mono">{resource.component}</h2>
          <div className="bm-muted">
            {resource.type} · {resource.provider} <span className="bm-mono">{resource.provider_id}</span> ·{' '}
            {resource.environment}
          </div>
        </div>
        <button type="button" className="bm-close" aria-label="Close resource" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="in-detail-state">
        <span className={`bm-badge in-state-${resource.state}`} data-testid="detail-state">
          {resource.state}
        </span>
        <ResourceActions resource={resource} />
      </div>
      {resource.error && <p className="bm-error-text">{resource.error}</p>}
      <table className="bm-table bm-kv in-facts">
        <tbody>
          <tr>
            <th>Addresses</th>
            <td className="bm-mono">
              {[resource.public_ip, resource.private_ip].filter((a) => a !== null).join(' · ') || '—'}
            </td>
          </tr>
          <tr>
            <th>Key</th>
            <td>{resource.key_name ?? '—'}</td>
          </tr>
          <tr>
            <th>Made by build</th>
            <td>
              <Link href={`/builds/${encodeURIComponent(resource.build)}`} className="bm-mono">
                {resource.build.slice(0, 8)}
              </Link>
            </td>
          </tr>
          <tr>
            <th>Last polled</th>
            <td>
              {resource.last_polled_at ? formatTime(Date.parse(resource.last_polled_at), now) : 'not yet'}
            </td>
          </tr>
        </tbody>
      </table>

      {detail.error ? (
        <p className="bm-refused" role="alert">
          Could not load the resource: {errorReason(detail.error)}
        </p>
      ) : !detail.data ? (
        <p className="bm-muted">Loading…</p>
      ) : (
        <DetailSections resource={resource} detail={detail.data} now={now} />
      )}
    </section>
  );
}

function DetailSections({ resource, detail, now }: { resource: ResourceView; detail: Detail; now: number }) {
  return (
    <>
      <CallbacksPanel key={resource.id} resource={resource} callbacks={detail.callbacks} />
      <section className="bm-card in-section" aria-label="State history">
        <h2>State history</h2>
        <table className="bm-table" data-testid="state-history">
          <thead>
            <tr>
              <th>When</th>
              <th>Change</th>
              <th>By</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {[...detail.history].reverse().map((e) => (
              <tr key={`${e.at}-${e.old_state}-${e.new_state}`} data-new-state={e.new_state}>
                <td>{formatTime(Date.parse(e.at), now)}</td>
                <td className="bm-mono">
                  {e.old_state ?? '—'} → {e.new_state}
                </td>
                <td>{e.actor}</td>
                <td className="bm-small">{e.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {detail.actions.length > 0 && (
          <>
            <h3>Operator actions</h3>
            <ul className="bm-activity" data-testid="resource-actions-history">
              {detail.actions.map((a) => (
                <li
                  key={`${a.at}-${a.actor}-${a.action}-${a.accepted}`}
                  className={a.accepted ? '' : 'bm-text-bad'}
                >
                  <span className="bm-muted bm-small">{formatTime(Date.parse(a.at), now)}</span> {a.actor}{' '}
                  {a.accepted ? `asked to ${a.action}` : `was refused ${a.action}: ${a.reason ?? ''}`}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <LifecyclePanel resource={resource} runs={detail.lifecycle_runs} />
    </>
  );
}
