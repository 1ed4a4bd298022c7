// The resource, callback and lifecycle routers through `createCaller` and over HTTP, against a
// real nats-server, a real SQLite store and a stand-in cloud service on `ordo.cloud.control`.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotAllowedError, ValidationError } from '../errors';
import { type Harness, lifecycleExample, startHarness } from '../test-harness';
import { handleTrpc } from './http';
import { createCaller } from './root';

let h: Harness;
let caller: ReturnType<typeof createCaller>;
let resourceId: string;

beforeAll(async () => {
  h = await startHarness({ controlTimeoutMs: 500 });
  await h.startRunner();
  caller = createCaller({ services: h.services, actor: 'carol' });
  ({ id: resourceId } = await h.trackInstance('trpc-cloud', 'instance::app'));
  await h.trackInstance('other-env', 'instance::cache', 'stopped');
});

afterAll(async () => {
  await h?.close();
});

beforeEach(() => {
  h.cloudAnswer = () => ({ ok: true });
});

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe('resource router', () => {
  it('list answers the contract view, filtered', async () => {
    const all = await caller.resource.list();
    expect(all.resources.map((r) => r.component)).toEqual(['instance::cache', 'instance::app']);
    const running = await caller.resource.list({ state: 'running' });
    expect(running.resources).toEqual([
      expect.objectContaining({
        id: resourceId,
        environment: 'trpc-cloud',
        state: 'running',
        pending_action: null,
      }),
    ]);
    expect((await caller.resource.list({ environment: 'other-env' })).resources).toHaveLength(1);
  });

  it('get answers the detail; NOT_FOUND for an unknown id', async () => {
    const detail = await caller.resource.get({ id: resourceId });
    expect(detail.resource.id).toBe(resourceId);
    expect(detail.history.map((e) => e.new_state)).toEqual(['running']);
    expect(detail).toMatchObject({ actions: [], callbacks: [], lifecycle_runs: [] });
    expect((await rejection(caller.resource.get({ id: 'ghost' }))).code).toBe('NOT_FOUND');
  });

  it('action asks the cloud service as the context’s actor; CONFLICT with the reason when refused', async () => {
    expect(await caller.resource.action({ id: resourceId, action: 'reboot' })).toEqual({ ok: true });
    expect(h.cloudReceived.at(-1)).toEqual({ kind: 'action', resourceId, action: 'reboot', actor: 'carol' });
    h.cloudAnswer = () => ({ ok: false, code: 'not_allowed', reason: 'a reboot is in progress' });
    const refused = await rejection(caller.resource.action({ id: resourceId, action: 'stop' }));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.cause).toBeInstanceOf(NotAllowedError);
    expect(refused.message).toBe('a reboot is in progress');
    h.cloudAnswer = () => null;
    expect((await rejection(caller.resource.action({ id: resourceId, action: 'stop' }))).code).toBe(
      'SERVICE_UNAVAILABLE',
    );
  });
});

describe('callback router', () => {
  it('create answers id and secret; list never carries the secret; remove deletes', async () => {
    const created = await caller.callback.create({
      resource: resourceId,
      subject: 'hooks.app',
      states: ['stopped'],
    });
    expect(created.secret).toMatch(/^whsec_/);
    const shared = await caller.callback.create({ environment: 'trpc-cloud', subject: 'hooks.env' });
    const { callbacks } = await caller.callback.list({ resource: resourceId });
    expect(callbacks.map((c) => c.id).sort()).toEqual([created.id, shared.id].sort());
    expect(callbacks.find((c) => c.id === created.id)).toMatchObject({ actor: 'carol', states: ['stopped'] });
    expect(JSON.stringify(callbacks)).not.toContain(created.secret);
    expect((await caller.resource.get({ id: resourceId })).callbacks).toHaveLength(2);
    expect(await caller.callback.remove({ id: shared.id })).toEqual({ ok: true });
    expect((await rejection(caller.callback.remove({ id: shared.id }))).code).toBe('NOT_FOUND');
  });

  it('create refuses what is malformed or unsafe with BAD_REQUEST and the issues', async () => {
    const both = await rejection(
      caller.callback.create({ resource: resourceId, environment: 'trpc-cloud', subject: 'a.b' }),
    );
    expect(both.code).toBe('BAD_REQUEST');
    const loopback = await rejection(
      caller.callback.create({ resource: resourceId, url: 'http://127.0.0.1/x' }),
    );
    expect(loopback.code).toBe('BAD_REQUEST');
    expect(loopback.message).toMatch(/loopback/);
    expect((await rejection(caller.callback.create({ environment: 'nope', subject: 'a.b' }))).code).toBe(
      'NOT_FOUND',
    );
  });

  it('deliveries lists the attempts of a state change', async () => {
    const { id } = await caller.callback.create({ resource: resourceId, subject: 'hooks.deliveries' });
    await h.store.resources.update([
      { resourceId, patch: { state: 'stopping', pendingAction: 'stop' }, actor: 'carol' },
    ]);
    const { deliveries } = await caller.callback.deliveries({ id });
    expect(deliveries).toEqual([
      expect.objectContaining({
        attempt: 0,
        status: 'pending',
        old_state: 'running',
        new_state: 'stopping',
        http_status: null,
      }),
    ]);
    expect((await rejection(caller.callback.deliveries({ id: 'ghost' }))).code).toBe('NOT_FOUND');
  });
});

describe('lifecycle router', () => {
  it('save, list and get; BAD_REQUEST with the issues for an invalid definition', async () => {
    expect(await caller.lifecycle.save({ definition: lifecycleExample() })).toEqual({
      type: 'instance',
      version: 1,
    });
    const { lifecycles } = await caller.lifecycle.list();
    expect(lifecycles).toEqual([
      { type: 'instance', version: 1, actor: 'carol', created_at: expect.any(String) },
    ]);
    const view = await caller.lifecycle.get({ type: 'instance' });
    expect(view.definition.initial).toBe('launched');
    expect(view.versions).toEqual([1]);
    expect((await rejection(caller.lifecycle.get({ type: 'instance', version: 2 }))).code).toBe('NOT_FOUND');
    const invalid = await rejection(
      caller.lifecycle.save({ definition: { ...lifecycleExample(), transitions: 'none' } }),
    );
    expect(invalid.code).toBe('BAD_REQUEST');
    expect(invalid.cause).toBeInstanceOf(ValidationError);
    expect((invalid.cause as ValidationError).issues[0]).toMatchObject({ path: '$.transitions' });
  });
});

describe('over HTTP', () => {
  it('a refused resource action answers 409 with data.reason', async () => {
    h.cloudAnswer = () => ({
      ok: false,
      code: 'not_allowed',
      reason: 'cannot start a resource that is running',
    });
    const response = await handleTrpc(
      new Request('http://localhost/api/trpc/resource.action', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'Ordo-Actor': 'frank' },
        body: JSON.stringify({ id: resourceId, action: 'start' }),
      }),
      h.services,
      { endpoint: '/api/trpc' },
    );
    expect(response.status).toBe(409);
    expect((await response.json()).error.data).toMatchObject({
      code: 'CONFLICT',
      ordoCode: 'not_allowed',
      reason: 'cannot start a resource that is running',
    });
    expect(h.cloudReceived.at(-1)).toMatchObject({ actor: 'frank' });
  });
});
