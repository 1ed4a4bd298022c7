'use client';
// The callbacks that fire for a resource (its own and its environment's), each with its
// delivery history, and a form to register one. A delivery is attempted by the runner after the
// state change that queued it: while one is pending or retrying, its table refreshes until it
// is settled (nothing else tells the page about attempts).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorReason } from '@/features/build-monitor/errors';
import { formatDuration, formatTime } from '@/features/build-monitor/format';
import { useTRPC } from '@/trpc/client';
import { CallbackForm } from './callback-form';
import type { CallbackView, DeliveryRow, ResourceView } from './types';

/** Between two reads of a delivery table while a delivery waits for its next attempt. */
const UNSETTLED_REFRESH_MS = 1_000;

export function CallbacksPanel({
  resource,
  callbacks,
}: {
  resource: ResourceView;
  callbacks: readonly CallbackView[];
}) {
  const [adding, setAdding] = useState(callbacks.length === 0);
  return (
    <section className="bm-card in-section" aria-label="Callbacks" data-testid="callbacks">
      <div className="in-section-head">
        <h2>Callbacks</h2>
        {!adding && (
          <button type="button" className="bm-button" onClick={() => setAdding(true)}>
            Register a callback
          </button>
        )}
      </div>
      {callbacks.length === 0 ? (
        <p className="bm-muted">
          No callback fires for this resource. A callback is told of every state change (or of some states) by
          a signed HTTP POST or a NATS message.
        </p>
      ) : (
        callbacks.map((c) => <CallbackCard key={c.id} callback={c} resourceId={resource.id} />)
      )}
      {adding && <CallbackForm resource={resource} onClose={() => setAdding(false)} />}
    </section>
  );
}

function CallbackCard({ callback, resourceId }: { callback: CallbackView; resourceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const deliveries = useQuery({
    ...trpc.callback.deliveries.queryOptions({ id: callback.id }),
    refetchInterval: (query) =>
      query.state.data?.deliveries.some((d) => d.status === 'pending' || d.status === 'retrying')
        ? UNSETTLED_REFRESH_MS
        : false,
  });
  const remove = useMutation(
    trpc.callback.remove.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.resource.get.queryKey({ id: resourceId }) }),
    }),
  );
  const rows = deliveries.data?.deliveries ?? [];
  const now = Date.now();

  return (
    <article
      className="in-callback"
      data-testid={`callback-${callback.id}`}
      aria-label={`Callback ${callback.id}`}
    >
      <header className="in-callback-head">
        <div>
          <span className="bm-tag">{callback.url ? 'HTTP' : 'NATS'}</span>{' '}
          <span className="bm-mono" data-testid="callback-destination">
            {callback.url ?? callback.subject}
          </span>
          <div className="bm-muted bm-small">
            {callback.resource ? 'this resource' : `every resource of ${callback.environment}`} ·{' '}
            {callback.states ? `on ${callback.states.join(', ')}` : 'on every change'} · by {callback.actor},{' '}
            {formatTime(Date.parse(callback.created_at), now)}
          </div>
        </div>
        <div className="in-callback-buttons">
          <button
            type="button"
            className="bm-button"
            onClick={() => void deliveries.refetch()}
            disabled={deliveries.isFetching}
          >
            Refresh
          </button>
          <button
            type="button"
            className="bm-button bm-danger"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm('Remove this callback and its delivery history?'))
                remove.mutate({ id: callback.id });
            }}
          >
            Remove
          </button>
        </div>
      </header>
      {remove.error && (
        <p className="bm-refused" role="alert">
          Could not remove it: {errorReason(remove.error)}
        </p>
      )}
      {deliveries.error ? (
        <p className="bm-text-bad" role="alert">
          Could not load its deliveries: {errorReason(deliveries.error)}
        </p>
      ) : rows.length === 0 ? (
        <p className="bm-muted bm-small" data-testid="no-deliveries">
          {deliveries.isLoading
            ? 'Loading deliveries…'
            : 'No deliveries yet: nothing changed since it was registered.'}
        </p>
      ) : (
        <DeliveryTable rows={rows} now={now} callbackId={callback.id} />
      )}
    </article>
  );
}

const MAX_ROWS = 50;

function DeliveryTable({
  rows,
  now,
  callbackId,
}: {
  rows: readonly DeliveryRow[];
  now: number;
  callbackId: string;
}) {
  return (
    <table className="bm-table in-deliveries" data-testid={`deliveries-${callbackId}`}>
      <thead>
        <tr>
          <th>When</th>
          <th>Change</th>
          <th>Status</th>
          <th>HTTP</th>
          <th>Attempt</th>
          <th>Latency</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {rows.slice(0, MAX_ROWS).map((d) => (
          <tr
            key={`${d.delivery}-${d.attempt}`}
            data-testid="delivery-row"
            data-status={d.status}
            data-new-state={d.new_state}
          >
            <td>{formatTime(Date.parse(d.at), now)}</td>
            <td className="bm-mono">
              {d.old_state ?? '—'} → {d.new_state}
            </td>
            <td>
              <span className={`bm-badge in-delivery-${d.status}`} data-testid="delivery-status">
                {d.status}
              </span>
              {d.next_attempt_at && d.status !== 'delivered' && (
                <span className="bm-muted bm-small">
                  {' '}
                  next {formatTime(Date.parse(d.next_attempt_at), now)}
                </span>
              )}
            </td>
            <td data-testid="delivery-http">{d.http_status ?? '—'}</td>
            <td>{d.attempt === 0 ? 'queued' : d.attempt}</td>
            <td>{d.latency_ms === null ? '—' : formatDuration(d.latency_ms)}</td>
            <td className="bm-small">{d.error ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
