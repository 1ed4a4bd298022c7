'use client';
// Everything about one component of the build: state, attempts with timings, outputs, the
// error, live log lines, and the actions its state allows (the runner's reason shows when it
// refuses one).
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTRPC } from '@/trpc/client';
import { errorReason } from './errors';
import { formatDuration, formatTime, formatValue } from './format';
import { useBuildLive, useNodeState } from './monitor-context';
import { type ComponentAction, componentActions, stateIcon } from './states';
import type { ComponentInfo } from './types';
import { useComponentLogs } from './use-component-logs';
import { useNow } from './use-now';

const ACTION_LABEL: Record<ComponentAction, string> = {
  retry: 'Retry',
  cancel: 'Cancel',
  skip: 'Skip',
  approve: 'Approve',
};

export function ComponentPanel({ component, onClose }: { component: ComponentInfo; onClose: () => void }) {
  const { id } = component;
  const buildId = useBuildLive((b) => b.id);
  const status = useBuildLive((b) => b.status);
  const state = useNodeState(id, (n) => n.state);
  const attempt = useNodeState(id, (n) => n.attempt);
  const error = useNodeState(id, (n) => n.error);
  const message = useNodeState(id, (n) => n.message);
  const history = useNodeState(id, (n) => n.history);
  const outputs = useNodeState(id, (n) => n.outputs);
  const awaitingApproval = useNodeState(id, (n) => n.awaitingApproval);
  const cancelRequested = useNodeState(id, (n) => n.cancelRequested);
  const now = useNow(state === 'running');

  const trpc = useTRPC();
  const retry = useMutation(trpc.build.retry.mutationOptions());
  const cancel = useMutation(trpc.build.cancel.mutationOptions());
  const skip = useMutation(trpc.build.skip.mutationOptions());
  const approve = useMutation(trpc.build.approve.mutationOptions());
  const mutations = { retry, cancel, skip, approve };
  const busy = Object.values(mutations).some((m) => m.isPending);
  const refused = Object.values(mutations).find((m) => m.error)?.error;

  const run = (action: ComponentAction) => {
    for (const m of Object.values(mutations)) m.reset();
    mutations[action].mutate({ id: buildId, componentId: id });
  };

  const actions = componentActions(status, { state, awaitingApproval, cancelRequested });
  const failureText =
    state === 'errored' || state === 'cancelled' ? (error ?? message) : state === 'blocked' ? message : null;
  const outputEntries = Object.entries(outputs);

  return (
    <aside className="bm-panel" aria-label={`Component ${id}`} data-testid="component-panel">
      <header className="bm-panel-head">
        <div>
          <div className="bm-panel-id bm-mono">{id}</div>
          <div className="bm-muted">
            {component.type} · {component.action} · {component.provider}
          </div>
        </div>
        <button type="button" className="bm-close" aria-label="Close panel" onClick={onClose}>
          ×
        </button>
      </header>

      <div className="bm-panel-state">
        <span className={`bm-badge bm-status-${state}`} data-testid="component-state">
          {stateIcon(state)} {state}
        </span>
        {attempt > 0 && <span className="bm-muted">attempt {attempt}</span>}
        {awaitingApproval && <span className="bm-tag bm-tag-warn">awaiting approval</span>}
        {cancelRequested && <span className="bm-tag">cancel requested</span>}
      </div>

      {failureText && (
        <p className="bm-error-text" data-testid="component-error">
          {failureText}
        </p>
      )}

      {actions.length > 0 && (
        <div className="bm-panel-actions">
          {actions.map((action) => (
            <button
              key={action}
              type="button"
              className={`bm-button${action === 'cancel' ? ' bm-danger' : action === 'approve' ? ' bm-primary' : ''}`}
              disabled={busy}
              onClick={() => run(action)}
            >
              {ACTION_LABEL[action]}
            </button>
          ))}
        </div>
      )}
      {refused && (
        <p className="bm-refused" role="alert">
          Refused: {errorReason(refused)}
        </p>
      )}

      <h3>Attempts</h3>
      {history.length === 0 ? (
        <p className="bm-muted">Not dispatched yet.</p>
      ) : (
        <table className="bm-table bm-attempts">
          <thead>
            <tr>
              <th>#</th>
              <th>Started</th>
              <th>Took</th>
              <th>Result</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.attempt}>
                <td>{h.attempt}</td>
                <td>{formatTime(h.dispatchedAt)}</td>
                <td>{formatDuration((h.finishedAt ?? now) - h.dispatchedAt)}</td>
                <td>
                  <span className={`bm-text-${h.status}`}>{h.status}</span>
                  {h.error && h.status !== 'completed' && h.error !== h.status && (
                    <div className="bm-small">{h.error}</div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {outputEntries.length > 0 && (
        <>
          <h3>Outputs</h3>
          <table className="bm-table bm-kv">
            <tbody>
              {outputEntries.map(([key, value]) => (
                <tr key={key}>
                  <th className="bm-mono">{key}</th>
                  <td className="bm-mono">{formatValue(value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      <h3>Log</h3>
      <ComponentLog buildId={buildId} componentId={id} state={state} />
    </aside>
  );
}

function ComponentLog({
  buildId,
  componentId,
  state,
}: {
  buildId: string;
  componentId: string;
  state: string;
}) {
  const { lines, loading, error } = useComponentLogs(buildId, componentId, state);
  const box = useRef<HTMLPreElement>(null);
  const count = lines.length;
  useEffect(() => {
    const el = box.current;
    if (el && count > 0) el.scrollTop = el.scrollHeight;
  }, [count]);
  if (error) return <p className="bm-refused">Log not available: {errorReason(error)}</p>;
  if (loading && lines.length === 0) return <p className="bm-muted">Loading…</p>;
  if (lines.length === 0) return <p className="bm-muted">No log lines.</p>;
  return (
    <pre className="bm-log" ref={box} data-testid="component-log">
      {lines.map((l) => (
        <div key={`${l.at}:${l.stream}:${l.line}`} className={`bm-log-line bm-log-${l.stream}`}>
          <span className="bm-log-time">{formatTime(l.at)}</span> {l.line}
        </div>
      ))}
    </pre>
  );
}
