import { describe, expect, it } from 'vitest';
import { actionsFor, filterOptions, filterResources, mergeLoaded, mergeResource } from './resource-list';
import type { ResourceView } from './types';

function view(id: string, fields: Partial<ResourceView> = {}): ResourceView {
  return {
    id,
    provider: 'aws',
    provider_id: `instance-${id}`,
    type: 'instance',
    state: 'running',
    public_ip: null,
    private_ip: null,
    key_name: null,
    build: 'b-1',
    environment: 'shop',
    component: `instance::${id}`,
    pending_action: null,
    state_times: {},
    error: null,
    created_at: '2026-11-22T10:00:00.000Z',
    updated_at: '2026-11-22T10:00:00.000Z',
    last_polled_at: null,
    ...fields,
  };
}

describe('merging live changes into the list', () => {
  it('replaces a resource with a newer view, keeps the newer one when an older arrives late', () => {
    const list = [view('a'), view('b', { created_at: '2026-11-22T09:00:00.000Z' })];
    const stopping = view('a', {
      state: 'stopping',
      pending_action: 'stop',
      updated_at: '2026-11-22T10:00:05.000Z',
    });
    const next = mergeResource(list, stopping);
    expect(next.map((r) => [r.id, r.state])).toEqual([
      ['a', 'stopping'],
      ['b', 'running'],
    ]);
    expect(mergeResource(next, view('a'))).toBe(next);
  });

  it('adds a new resource in creation order (newest first)', () => {
    const list = [view('a', { created_at: '2026-11-22T10:00:00.000Z' })];
    const next = mergeResource(list, view('new', { created_at: '2026-11-22T11:00:00.000Z' }));
    expect(next.map((r) => r.id)).toEqual(['new', 'a']);
  });

  it('a loaded list keeps what live messages brought that is newer or not in it yet', () => {
    const shown = [
      view('a', { state: 'stopped', updated_at: '2026-11-22T10:00:09.000Z' }),
      view('late', { created_at: '2026-11-22T12:00:00.000Z' }),
    ];
    const loaded = [view('a', { state: 'stopping', updated_at: '2026-11-22T10:00:05.000Z' }), view('b')];
    expect(mergeLoaded(loaded, shown).map((r) => [r.id, r.state])).toEqual([
      ['late', 'running'],
      ['b', 'running'],
      ['a', 'stopped'],
    ]);
    const newer = [view('a', { state: 'running', updated_at: '2026-11-22T10:00:20.000Z' })];
    expect(mergeLoaded(newer, shown).find((r) => r.id === 'a')?.state).toBe('running');
  });
});

describe('filters', () => {
  const list = [
    view('a'),
    view('b', { environment: 'batch', state: 'stopped' }),
    view('c', { provider: 'azure', state: 'terminated' }),
  ];

  it('filters by environment, provider and state', () => {
    expect(filterResources(list, { environment: 'shop', provider: '', state: '' }).map((r) => r.id)).toEqual([
      'a',
      'c',
    ]);
    expect(filterResources(list, { environment: '', provider: 'azure', state: '' }).map((r) => r.id)).toEqual(
      ['c'],
    );
    expect(filterResources(list, { environment: 'shop', provider: '', state: 'stopped' })).toEqual([]);
  });

  it('offers the values present, states in their order', () => {
    expect(filterOptions(list)).toEqual({
      environments: ['batch', 'shop'],
      providers: ['aws', 'azure'],
      states: ['running', 'stopped', 'terminated'],
    });
  });
});

describe('actionsFor', () => {
  it('shows only what the state allows, and nothing while an action runs', () => {
    expect(actionsFor({ state: 'running', pending_action: null })).toEqual(['reboot', 'stop', 'terminate']);
    expect(actionsFor({ state: 'stopped', pending_action: null })).toEqual(['start', 'terminate']);
    expect(actionsFor({ state: 'stopping', pending_action: 'stop' })).toEqual([]);
    expect(actionsFor({ state: 'terminated', pending_action: null })).toEqual([]);
  });
});
