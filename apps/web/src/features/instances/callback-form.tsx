'use client';
// Registers a callback for the resource or for its whole environment: an HTTP(S) URL (signed
// POSTs) or a NATS subject, optionally for some new states only. The answer's secret is shown
// here once: the receiver needs it to check the `Ordo-Signature` header, and Ordo never shows it
// again.
import { RESOURCE_STATES } from '@ordo/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { errorIssues, errorReason } from '@/features/build-monitor/errors';
import { useTRPC } from '@/trpc/client';
import type { CreateCallbackInput, ResourceState, ResourceView } from './types';

export function CallbackForm({ resource, onClose }: { resource: ResourceView; onClose: () => void }) {
  const ids = useId();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [scope, setScope] = useState<'resource' | 'environment'>('resource');
  const [kind, setKind] = useState<'url' | 'subject'>('url');
  const [destination, setDestination] = useState('');
  const [states, setStates] = useState<ResourceState[]>([]);
  const create = useMutation(
    trpc.callback.create.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.resource.get.queryKey({ id: resource.id }) }),
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input: CreateCallbackInput = {
      ...(scope === 'resource' ? { resource: resource.id } : { environment: resource.environment }),
      ...(kind === 'url' ? { url: destination.trim() } : { subject: destination.trim() }),
      ...(states.length > 0 ? { states } : {}),
    };
    create.mutate(input);
  };

  const toggle = (state: ResourceState) =>
    setStates((current) =>
      current.includes(state) ? current.filter((s) => s !== state) : [...current, state],
    );

  if (create.isSuccess) {
    return (
      <div className="in-secret" role="status" data-testid="callback-created">
        <p>
          Callback <span className="bm-mono">{create.data.id}</span> registered. Its signing secret is shown{' '}
          <strong>only now</strong>; give it to the receiver to check <code>Ordo-Signature</code>:
        </p>
        <pre className="bm-mono in-secret-value" data-testid="callback-secret">
          {create.data.secret}
        </pre>
        <button
          type="button"
          className="bm-button"
          onClick={() => {
            create.reset();
            setDestination('');
            onClose();
          }}
        >
          Done
        </button>
      </div>
    );
  }

  const issues = create.error ? errorIssues(create.error) : [];
  return (
    <form className="in-form" onSubmit={submit} aria-label="Register a callback" data-testid="callback-form">
      <h3>Register a callback</h3>
      <div className="bm-form-row bm-inline">
        <label htmlFor={`${ids}-scope`}>Fires for</label>
        <select
          id={`${ids}-scope`}
          value={scope}
          onChange={(e) => setScope(e.target.value as 'resource' | 'environment')}
        >
          <option value="resource">this resource</option>
          <option value="environment">every resource of {resource.environment}</option>
        </select>
      </div>
      <div className="bm-form-row bm-inline">
        <label htmlFor={`${ids}-kind`}>Destination</label>
        <select
          id={`${ids}-kind`}
          value={kind}
          onChange={(e) => setKind(e.target.value as 'url' | 'subject')}
        >
          <option value="url">HTTP(S) URL</option>
          <option value="subject">NATS subject</option>
        </select>
        <input
          type="text"
          aria-label={kind === 'url' ? 'Callback URL' : 'Callback subject'}
          placeholder={kind === 'url' ? 'https://hooks.example.com/ordo' : 'hooks.instances'}
          value={destination}
          onChange={(e) => setDestination(e.target.value)}
          required
          className="in-destination"
        />
      </div>
      <fieldset className="in-states">
        <legend>Only on these new states (none: every change)</legend>
        {RESOURCE_STATES.map((state) => (
          <label key={state}>
            <input type="checkbox" checked={states.includes(state)} onChange={() => toggle(state)} /> {state}
          </label>
        ))}
      </fieldset>
      <div className="in-form-buttons">
        <button type="submit" className="bm-button bm-primary" disabled={create.isPending}>
          {create.isPending ? 'Registering…' : 'Register callback'}
        </button>
        <button type="button" className="bm-button" onClick={onClose}>
          Cancel
        </button>
      </div>
      {create.error && (
        <div className="bm-refused" role="alert" data-testid="callback-refused">
          <p>Refused: {issues.length === 1 ? issues[0]?.message : errorReason(create.error)}</p>
          {issues.length > 1 && (
            <ul>
              {issues.map((issue) => (
                <li key={`${issue.path}-${issue.message}`}>{issue.message}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
