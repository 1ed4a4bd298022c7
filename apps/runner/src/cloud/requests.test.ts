// Pure parts of the cloud service: request bodies and component headers, the end of an action,
// poll intervals per provider, lifecycle task bodies, the keyed queue.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Ordo templates, not JavaScript ones
import type { ResourceRecord } from '@ordo/store';
import { describe, expect, it } from 'vitest';
import { endOf } from './actions';
import { KeyedQueue } from './keyed-queue';
import { taskRequest } from './lifecycle-task';
import { cloudSettings, pollIntervalOf } from './options';
import { answerFields, parseRequestComponent, requestComponent, resourceRequest } from './requests';

const resource = (over: Partial<ResourceRecord> = {}): ResourceRecord => ({
  id: 'r-1',
  environment: 'shop',
  environmentId: 'env-1',
  buildId: 'build-1',
  componentId: 'instance::web',
  type: 'instance',
  provider: 'aws',
  route: 'sim',
  providerId: 'instance-00aa11bb',
  state: 'running',
  publicIp: '203.0.113.7',
  privateIp: '10.0.0.7',
  keyName: null,
  stateTimes: {},
  pendingAction: null,
  record: {
    instance_id: 'instance-00aa11bb',
    state: 'running',
    error: 'old',
    service: 'build-0',
    _sim: { fail: 'no' },
    _component: 'instance',
    size: 'small',
  },
  error: null,
  lastPolledAt: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});

describe('requests', () => {
  it('names a request <id>#<what> and parses it back', () => {
    expect(requestComponent('r-1', 'get')).toBe('r-1#get');
    expect(parseRequestComponent('r-1#get')).toEqual({ id: 'r-1', what: 'get' });
    expect(parseRequestComponent('run#1#run-3')).toEqual({ id: 'run#1', what: 'run-3' });
    for (const bad of ['r-1', '#get', 'r-1#']) expect(parseRequestComponent(bad)).toBeUndefined();
  });

  it("sends a resource's record without Ordo's own fields, to its route, naming the graph's provider", () => {
    expect(resourceRequest(resource(), 'get')).toEqual({
      instance_id: 'instance-00aa11bb',
      size: 'small',
      _component_id: 'instance::web',
      _component: 'instance',
      _action: 'get',
      _provider: 'sim',
      _simulated_provider: 'aws',
      service: 'build-1',
    });
    expect(resourceRequest(resource({ route: 'aws' }), 'stop')).not.toHaveProperty('_simulated_provider');
    const proto = resource({ record: JSON.parse('{"__proto__": {"polluted": true}}') });
    const body = resourceRequest(proto, 'get') as Record<string, unknown>;
    // a `_` field: not sent, and no prototype set through it
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(body.polluted).toBeUndefined();
  });

  it('keeps the fields of an answer that describe the resource', () => {
    expect(
      answerFields({ _state: 'completed', service: 'b', error: 'x', state: 'stopped', public_ip: '1.2.3.4' }),
    ).toEqual({
      state: 'stopped',
      public_ip: '1.2.3.4',
    });
  });
});

describe('the end of an action', () => {
  it('takes the end state, or what the provider reports', () => {
    const r = resource({ state: 'stopping', pendingAction: 'stop' });
    expect(endOf(r, 'stop', { kind: 'done', record: {} }).patch).toMatchObject({
      state: 'stopped',
      pendingAction: null,
      error: null,
    });
    expect(
      endOf(r, 'stop', { kind: 'done', record: { state: 'stopped', public_ip: '203.0.113.9' } }).patch,
    ).toMatchObject({
      state: 'stopped',
      publicIp: '203.0.113.9',
    });
    // still on its way: polls see it finish
    expect(endOf(r, 'stop', { kind: 'done', record: { state: 'stopping' } }).patch).toMatchObject({
      state: 'stopping',
      pendingAction: 'stop',
    });
    expect(
      endOf(r, 'stop', { kind: 'done', record: { state: 'failed', state_reason: 'disk' } }).patch,
    ).toMatchObject({
      state: 'error',
      error: 'disk',
    });
  });

  it('reads an error as state error with its text, and not_found as gone', () => {
    const r = resource({ state: 'stopping', pendingAction: 'terminate' });
    expect(endOf(r, 'terminate', { kind: 'failed', error: 'quota' })).toEqual({
      patch: { state: 'error', pendingAction: null, error: 'terminate failed: quota' },
      reason: 'terminate failed: quota',
    });
    expect(endOf(r, 'terminate', { kind: 'missing' }).patch).toMatchObject({
      state: 'terminated',
      pendingAction: null,
    });
    expect(
      endOf(resource({ state: 'pending', pendingAction: 'start' }), 'start', { kind: 'missing' }).patch.state,
    ).toBe('vanished');
  });
});

describe('poll intervals', () => {
  it("are the route's, else the graph provider's, else the default", () => {
    const settings = cloudSettings({ pollIntervalMs: 30_000, pollIntervals: { sim: 2_000, aws: 60_000 } });
    expect(pollIntervalOf(settings, { route: 'sim', provider: 'aws' })).toBe(2_000);
    expect(pollIntervalOf(settings, { route: 'aws', provider: 'aws' })).toBe(60_000);
    expect(pollIntervalOf(settings, { route: 'gcp', provider: 'gcp' })).toBe(30_000);
    expect(pollIntervalOf(settings, { route: 'constructor', provider: 'x' })).toBe(30_000);
  });

  it('lay what is given over the defaults, callbacks field by field', () => {
    const settings = cloudSettings({ callbacks: { backoffMs: 5, maxAttempts: undefined } });
    expect(settings.callbacks).toMatchObject({ backoffMs: 5, maxAttempts: 8, maxBackoffMs: 600_000 });
    expect(settings.pollIntervalMs).toBe(30_000);
  });
});

describe('lifecycle task requests', () => {
  const command = (definition: { engine: string; artifact?: string; args?: string[] }) => ({
    kind: 'run_task' as const,
    runId: 'run-4',
    task: 'join',
    definition,
    trigger: 'join',
    phase: 'task' as const,
  });

  it('are gorch-like task components with ${instance.*} resolved from the resource', () => {
    const request = taskRequest(
      'lr-1',
      command({
        engine: 'shell',
        artifact: 'echo',
        args: ['joining ${instance.private_ip}', '${instance.size}'],
      }),
      resource(),
    );
    expect(request).toEqual({
      ok: true,
      message: {
        _component_id: 'lr-1#run-4',
        _component: 'task',
        _action: 'create',
        _provider: 'shell',
        service: 'ordo:lifecycle',
        artifact: 'echo',
        args: ['joining 10.0.0.7', 'small'],
      },
    });
    expect(taskRequest('lr-1', command({ engine: 'nil' }), resource())).toMatchObject({
      ok: true,
      message: { _provider: 'nil' },
    });
  });

  it('refuse what is not a field of the resource, and never evaluate', () => {
    const missing = taskRequest(
      'lr-1',
      command({ engine: 'shell', artifact: '${instance.nope}' }),
      resource(),
    );
    expect(missing.ok).toBe(false);
    const code = taskRequest(
      'lr-1',
      command({ engine: 'shell', artifact: '${process.exit(1)}' }),
      resource(),
    );
    expect(code.ok).toBe(false);
    const other = taskRequest(
      'lr-1',
      command({ engine: 'shell', artifact: '$(components.0.x)' }),
      resource(),
    );
    expect(other.ok).toBe(false);
  });
});

describe('KeyedQueue', () => {
  it('runs work of one key in order, one at a time, and other keys alongside', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name}+`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${name}-`);
      return name;
    };
    const a1 = queue.run('a', step('a1', 30));
    const a2 = queue.run('a', step('a2', 1));
    const b1 = queue.run('b', step('b1', 1));
    const failing = queue.run('a', async () => {
      throw new Error('boom');
    });
    const a3 = queue.run('a', step('a3', 1));
    expect(await Promise.all([a1, a2, b1])).toEqual(['a1', 'a2', 'b1']);
    await expect(failing).rejects.toThrow('boom');
    expect(await a3).toBe('a3');
    await queue.idle();
    expect(log.indexOf('a1-')).toBeLessThan(log.indexOf('a2+'));
    expect(log.indexOf('b1+')).toBeLessThan(log.indexOf('a1-'));
    expect(log.indexOf('a2-')).toBeLessThan(log.indexOf('a3+'));
  });
});
