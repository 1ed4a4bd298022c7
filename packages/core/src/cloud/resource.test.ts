import { describe, expect, it } from 'vitest';
import {
  allowedResourceActions,
  checkResourceAction,
  normalizeProviderState,
  pollOutcome,
  RESOURCE_ACTIONS,
  RESOURCE_STATES,
  trackedResource,
} from './resource';

describe('checkResourceAction', () => {
  it('allows stop and reboot only when running, start only when stopped or in error', () => {
    const table = Object.fromEntries(
      RESOURCE_STATES.map((state) => [state, allowedResourceActions({ state, pendingAction: null })]),
    );
    expect(table).toEqual({
      pending: ['terminate'],
      running: ['reboot', 'stop', 'terminate'],
      stopping: ['terminate'],
      stopped: ['start', 'terminate'],
      terminated: [],
      vanished: [],
      error: ['start', 'terminate'],
    });
  });

  it('names the state and what would allow it when refusing', () => {
    const check = checkResourceAction({ state: 'stopped', pendingAction: null }, 'stop');
    expect(check).toEqual({
      ok: false,
      reason: 'cannot stop a resource that is stopped; stop is allowed when running',
    });
  });

  it('refuses every action while one is in progress', () => {
    for (const action of RESOURCE_ACTIONS) {
      const check = checkResourceAction({ state: 'stopping', pendingAction: 'stop' }, action);
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.reason).toContain('a stop is in progress');
    }
  });

  it('gives the intermediate and end state of an allowed action', () => {
    expect(checkResourceAction({ state: 'running', pendingAction: null }, 'stop')).toEqual({
      ok: true,
      via: 'stopping',
      to: 'stopped',
    });
    expect(checkResourceAction({ state: 'stopped', pendingAction: null }, 'terminate')).toEqual({
      ok: true,
      via: 'stopping',
      to: 'terminated',
    });
  });
});

describe('trackedResource', () => {
  const vpc = { type: 'vpc', provider: 'aws', id: 'vpc::shop' };

  it('prefers <type>_<provider>_id, then <type>_id, then any *_id', () => {
    expect(trackedResource(vpc, { vpc_aws_id: 'vpc-1', vpc_id: 'vpc-2' })?.providerId).toBe('vpc-1');
    expect(trackedResource(vpc, { vpc_id: 'vpc-2' })?.providerId).toBe('vpc-2');
    expect(trackedResource(vpc, { subnet_id: 'sn-3', _component_id: 'vpc::shop' })?.providerId).toBe('sn-3');
  });

  it('ignores components without a cloud id unless they are instances', () => {
    expect(trackedResource(vpc, { _component_id: 'vpc::shop', name: 'x' })).toBeUndefined();
    expect(trackedResource({ type: 'instance', provider: 'sim', id: 'instance::a' }, {})?.providerId).toBe(
      'instance::a',
    );
  });

  it('reads state, addresses and key name', () => {
    expect(
      trackedResource(
        { type: 'instance', provider: 'sim', id: 'instance::a' },
        {
          instance_id: 'i-1',
          state: 'stopped',
          public_ip: '203.0.113.4',
          private_ip: '10.0.0.4',
          key_name: 'k',
        },
      ),
    ).toEqual({
      providerId: 'i-1',
      state: 'stopped',
      publicIp: '203.0.113.4',
      privateIp: '10.0.0.4',
      keyName: 'k',
    });
    expect(trackedResource(vpc, { vpc_id: 'v' })?.state).toBe('running');
  });
});

describe('normalizeProviderState', () => {
  it('maps provider words to Ordo states', () => {
    expect(normalizeProviderState('shutting-down')).toBe('stopping');
    expect(normalizeProviderState('RUNNING')).toBe('running');
    expect(normalizeProviderState('available')).toBe('running');
    expect(normalizeProviderState('weird')).toBeUndefined();
    expect(normalizeProviderState(3)).toBeUndefined();
  });
});

describe('pollOutcome', () => {
  it('turns a missing resource into vanished, or stopped/terminated after stop/terminate', () => {
    expect(pollOutcome({ state: 'running', pendingAction: null }, { kind: 'missing' }).state).toBe(
      'vanished',
    );
    expect(pollOutcome({ state: 'stopping', pendingAction: 'stop' }, { kind: 'missing' }).state).toBe(
      'stopped',
    );
    expect(pollOutcome({ state: 'stopping', pendingAction: 'terminate' }, { kind: 'missing' }).state).toBe(
      'terminated',
    );
  });

  it('takes the provider state when no action runs, and changes nothing on a failed poll', () => {
    const r = { state: 'running' as const, pendingAction: null };
    expect(pollOutcome(r, { kind: 'found', record: { state: 'stopped' } })).toMatchObject({
      state: 'stopped',
      reason: 'provider reports stopped',
    });
    expect(pollOutcome(r, { kind: 'failed', error: 'timeout' })).toEqual({
      state: 'running',
      pendingAction: null,
      reason: null,
    });
  });

  it('finishes an action when the provider shows its end state, else waits', () => {
    const stopping = { state: 'stopping' as const, pendingAction: 'stop' as const };
    expect(pollOutcome(stopping, { kind: 'found', record: { state: 'running' } }).state).toBe('stopping');
    expect(pollOutcome(stopping, { kind: 'found', record: { state: 'stopped' } })).toMatchObject({
      state: 'stopped',
      pendingAction: null,
    });
  });

  it('never moves a terminated or vanished resource', () => {
    expect(
      pollOutcome({ state: 'vanished', pendingAction: null }, { kind: 'found', record: { state: 'running' } })
        .state,
    ).toBe('vanished');
  });
});
