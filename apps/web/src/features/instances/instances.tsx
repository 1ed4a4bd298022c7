'use client';
// `/instances`: every tracked cloud resource with its live state (nats.ws), filtered by
// environment, provider and state, with the actions its state allows. Selecting one opens its
// callbacks and deliveries, state history and lifecycle below the list.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useId, useMemo, useState } from 'react';
import { formatTime } from '@/features/build-monitor/format';
import { useTRPC } from '@/trpc/client';
import { ResourceActions } from './resource-actions';
import { ResourceDetail } from './resource-detail';
import { filterOptions, filterResources, NO_FILTERS, type ResourceFilters } from './resource-list';
import type { LifecycleProgressMessage, ResourceChangeMessage, ResourceState } from './types';
import { useLiveResources } from './use-live-resources';

const LIVE_LABEL = {
  connecting: 'connecting…',
  connected: 'live',
  reconnecting: 'reconnecting…',
  closed: 'not live',
  offline: 'not live (no connection to NATS)',
} as const;

export function Instances() {
  const ids = useId();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<ResourceFilters>(NO_FILTERS);
  const [selected, setSelected] = useState<string | null>(null);

  // A change of a resource makes its detail (history, deliveries queued by the change) stale.
  const onChange = useCallback(
    (message: ResourceChangeMessage) => {
      const id = message.resource.id;
      void queryClient.invalidateQueries({ queryKey: trpc.resource.get.queryKey({ id }) });
      void queryClient.invalidateQueries({ queryKey: trpc.callback.deliveries.pathKey() });
    },
    [queryClient, trpc],
  );
  // A lifecycle step changes the run shown in the detail.
  const onLifecycle = useCallback(
    (message: LifecycleProgressMessage) => {
      void queryClient.invalidateQueries({ queryKey: trpc.resource.get.queryKey({ id: message.resource }) });
    },
    [queryClient, trpc],
  );
  const { resources, loaded, error, live, reload } = useLiveResources(onChange, onLifecycle);

  const options = useMemo(() => filterOptions(resources), [resources]);
  const shown = useMemo(() => filterResources(resources, filters), [resources, filters]);
  const current = selected === null ? undefined : resources.find((r) => r.id === selected);
  const now = Date.now();

  const set = (patch: Partial<ResourceFilters>) => setFilters((f) => ({ ...f, ...patch }));
  const filtered = filters.environment !== '' || filters.provider !== '' || filters.state !== '';

  return (
    <div className="in-page">
      <div className="bm-toolbar">
        <FilterSelect
          id={`${ids}-env`}
          label="Environment"
          value={filters.environment}
          choices={options.environments}
          onChange={(environment) => set({ environment })}
        />
        <FilterSelect
          id={`${ids}-provider`}
          label="Provider"
          value={filters.provider}
          choices={options.providers}
          onChange={(provider) => set({ provider })}
        />
        <FilterSelect
          id={`${ids}-state`}
          label="State"
          value={filters.state}
          choices={options.states}
          onChange={(state) => set({ state: state as ResourceState | '' })}
        />
        <span className={`bm-live bm-live-${live}`} data-testid="live-status">
          ● {LIVE_LABEL[live]}
        </span>
        <button type="button" className="bm-button bm-push-right" onClick={reload}>
          Reload
        </button>
      </div>

      {error && (
        <p className="bm-refused" role="alert">
          Could not list resources: {error}
        </p>
      )}
      {!loaded ? (
        !error && <p className="bm-muted">Loading…</p>
      ) : shown.length === 0 ? (
        <p className="bm-muted" data-testid="no-resources">
          {filtered
            ? 'No resource matches these filters.'
            : 'No tracked resources yet. Every component a build creates with a cloud id (an instance, or any *_id output) appears here.'}
        </p>
      ) : (
        <table className="bm-table in-resources" data-testid="resource-list">
          <thead>
            <tr>
              <th>Component</th>
              <th>Type</th>
              <th>Provider</th>
              <th>Environment</th>
              <th>State</th>
              <th>Addresses</th>
              <th>Since</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => {
              const since = r.state_times[r.state];
              return (
                <tr
                  key={r.id}
                  data-testid={`resource-row-${r.id}`}
                  data-component={r.component}
                  data-state={r.state}
                  className={r.id === selected ? 'in-selected' : undefined}
                  aria-selected={r.id === selected}
                >
                  <td>
                    <button
                      type="button"
                      className="bm-link-button bm-mono"
                      onClick={() => setSelected(r.id === selected ? null : r.id)}
                      aria-expanded={r.id === selected}
                    >
                      {r.component}
                    </button>
                  </td>
                  <td>{r.type}</td>
                  <td>
                    {r.provider} <span className="bm-muted bm-mono">{r.provider_id}</span>
                  </td>
                  <td>{r.environment}</td>
                  <td>
                    <span className={`bm-badge in-state-${r.state}`} data-testid="resource-state">
                      {r.state}
                    </span>
                  </td>
                  <td className="bm-mono">{r.public_ip ?? r.private_ip ?? '—'}</td>
                  <td className="bm-small">{since ? formatTime(Date.parse(since), now) : '—'}</td>
                  <td>
                    <ResourceActions resource={r} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {current && <ResourceDetail key={current.id} resource={current} onClose={() => setSelected(null)} />}
    </div>
  );
}

/** One filter of the list: a labelled select with "all" first. */
function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  choices: readonly string[];
  onChange: (value: string) => void;
}) {
  return (
    <div className="bm-form-row bm-inline">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">all</option>
        {props.choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    </div>
  );
}
