'use client';
// The action buttons of one resource: only those its state allows (core
// `allowedResourceActions`), each answered visibly — "stop requested", or the runner's reason
// when it refuses (HTTP 409 / tRPC CONFLICT). The state itself changes live.
import { useMutation } from '@tanstack/react-query';
import { errorReason } from '@/features/build-monitor/errors';
import { useTRPC } from '@/trpc/client';
import { ACTION_LABEL, actionsFor } from './resource-list';
import type { ResourceAction, ResourceView } from './types';

export function ResourceActions({ resource }: { resource: ResourceView }) {
  const trpc = useTRPC();
  const act = useMutation(trpc.resource.action.mutationOptions());
  const allowed = actionsFor(resource);
  const asked = act.variables?.action;
  const label = resource.component;

  const run = (action: ResourceAction) => {
    if (action === 'terminate' && !window.confirm(`Terminate ${label}? It cannot be started again.`)) return;
    act.reset();
    act.mutate({ id: resource.id, action });
  };

  return (
    <div className="in-actions" data-testid="resource-actions">
      {allowed.length === 0 && !act.isPending && (
        <span className="bm-muted bm-small">
          {resource.pending_action ? `${resource.pending_action} in progress` : 'no actions'}
        </span>
      )}
      {allowed.map((action) => (
        <button
          key={action}
          type="button"
          className={`bm-button${action === 'terminate' ? ' bm-danger' : ''}`}
          disabled={act.isPending}
          aria-label={`${ACTION_LABEL[action]} ${label}`}
          onClick={() => run(action)}
        >
          {act.isPending && asked === action ? `${ACTION_LABEL[action]}…` : ACTION_LABEL[action]}
        </button>
      ))}
      {act.isSuccess && asked && (
        <span className="bm-small in-feedback" role="status" data-testid="action-feedback">
          {asked} requested
        </span>
      )}
      {act.isError && asked && (
        <span className="bm-small bm-text-bad in-feedback" role="alert" data-testid="action-refused">
          {ACTION_LABEL[asked]} refused: {errorReason(act.error)}
        </span>
      )}
    </div>
  );
}
