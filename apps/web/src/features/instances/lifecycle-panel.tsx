'use client';
// The resource's lifecycle: the definition its latest run follows (or, before any run, the
// latest one of its type) as a state diagram with the current state highlighted, and the run's
// transitions, newest first.
import { useQuery } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useMemo } from 'react';
import { errorReason } from '@/features/build-monitor/errors';
import { formatTime } from '@/features/build-monitor/format';
import { useTRPC } from '@/trpc/client';
import { LifecycleDiagram } from './lifecycle-diagram';
import { lifecycleGraph } from './lifecycle-graph';
import type { LifecycleRunView, ResourceView } from './types';

function isNotFound(error: unknown): boolean {
  return (
    error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === 'NOT_FOUND'
  );
}

export function LifecyclePanel({
  resource,
  runs,
}: {
  resource: ResourceView;
  runs: readonly LifecycleRunView[];
}) {
  const trpc = useTRPC();
  const run = runs[0] ?? null;
  const definition = useQuery({
    ...trpc.lifecycle.get.queryOptions(
      run ? { type: run.type, version: run.version } : { type: resource.type },
    ),
    retry: (count, error) => !isNotFound(error) && count < 2,
  });
  const graph = useMemo(
    () => (definition.data ? lifecycleGraph(definition.data.definition) : null),
    [definition.data],
  );
  const progress = useMemo(() => (run ? { current: run.current, history: run.history } : null), [run]);
  const now = Date.now();

  return (
    <section className="bm-card in-section" aria-label="Lifecycle" data-testid="lifecycle">
      <h2>Lifecycle</h2>
      {definition.isLoading ? (
        <p className="bm-muted">Loading…</p>
      ) : definition.error ? (
        isNotFound(definition.error) ? (
          <p className="bm-muted" data-testid="lifecycle-none">
            No lifecycle is defined for type <code>{resource.type}</code>. Upload one with{' '}
            <code>ordo lifecycle put &lt;file&gt;</code> or <code>POST /api/v1/lifecycles</code>.
          </p>
        ) : (
          <p className="bm-text-bad" role="alert">
            Could not load the lifecycle: {errorReason(definition.error)}
          </p>
        )
      ) : (
        graph &&
        definition.data && (
          <>
            <p className="bm-muted bm-small">
              {definition.data.type} v{definition.data.version}
              {run ? (
                <>
                  {' '}
                  · <span data-testid="lifecycle-status">{run.status}</span> in{' '}
                  <strong data-testid="lifecycle-current">{run.current}</strong>
                  {run.paused_for && <> (paused: {run.paused_for.replaceAll('_', ' ')})</>}
                </>
              ) : (
                ' · has not run for this resource yet (it starts when the resource is running)'
              )}
            </p>
            <LifecycleDiagram graph={graph} run={progress} />
          </>
        )
      )}
      {run && (
        <>
          <h3>Transitions</h3>
          {run.history.length === 0 ? (
            <p className="bm-muted">None yet: the machine is in {run.current}.</p>
          ) : (
            <ol className="in-lc-history" data-testid="lifecycle-history" reversed>
              {[...run.history].reverse().map((h) => (
                <li key={`${h.at}-${h.from}-${h.to}`} className={h.ok ? '' : 'bm-text-bad'}>
                  <span className="bm-muted bm-small">{formatTime(Date.parse(h.at), now)}</span>{' '}
                  <span className="bm-mono">
                    {h.from} → {h.to}
                  </span>{' '}
                  by <em>{h.trigger}</em>
                  {h.error && <span className="bm-small"> — {h.error}</span>}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
