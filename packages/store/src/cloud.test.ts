// Resources, callbacks and lifecycles on a real temporary SQLite file: a state change writes its
// history row and queues the matching callbacks' deliveries in one transaction; the delivery
// queue hands out due deliveries and records attempts; lifecycle definitions are versioned.
import { readFileSync } from 'node:fs';
import { parseGraph, parseLifecycle, startLifecycle } from '@ordo/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrackResourceInput } from './resources';
import { createTestStore, type TestStore } from './testing';

const example = JSON.parse(
  readFileSync(
    new URL('../../core/src/formats/fixtures/ernest-mapping.example.json', import.meta.url),
    'utf8',
  ),
) as unknown;

let store: TestStore;
let environmentId: string;

beforeEach(async () => {
  store = await createTestStore();
  const parsed = parseGraph(example);
  if (!parsed.ok) throw new Error('the Ernest example does not parse');
  for (const id of ['build-1', 'build-2'])
    await store.builds.create({
      id,
      environment: 'shop',
      graph: parsed.graph,
      policy: 'fail-fast',
      simulate: true,
      seed: 1,
      createdAt: new Date(1_700_000_000_000),
      concurrency: { build: 2, providers: {} },
      defaults: { attempts: 1, backoffMs: 100, timeoutMs: 5_000 },
      actor: 'alice',
    });
  environmentId = (await store.environments.idOf('shop')) ?? '';
});
afterEach(() => store.close());

function instance(componentId: string, state: 'running' | 'stopped' = 'running'): TrackResourceInput {
  return {
    environmentId,
    buildId: 'build-1',
    componentId,
    type: 'instance',
    provider: 'aws',
    route: 'sim',
    facts: {
      providerId: `i-${componentId}`,
      state,
      publicIp: '203.0.113.9',
      privateIp: '10.0.0.9',
      keyName: null,
    },
    record: { _component_id: componentId, instance_id: `i-${componentId}` },
  };
}

describe('resources', () => {
  it('tracks a new resource with a history row, and a known one again only when its state moved', async () => {
    const first = await store.resources.track([instance('instance::a')], new Date(1000));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ oldState: null, newState: 'running', actor: 'build', deliveries: [] });
    expect(await store.resources.track([instance('instance::a')])).toEqual([]);
    // the same build's facts are taken once (a re-sync after a restart changes nothing)
    expect(await store.resources.track([instance('instance::a', 'stopped')])).toEqual([]);
    const again = await store.resources.track([
      { ...instance('instance::a', 'stopped'), buildId: 'build-2' },
    ]);
    expect(again[0]).toMatchObject({ oldState: 'running', newState: 'stopped' });
    const list = await store.resources.list({ environment: 'shop' });
    expect(list.map((r) => [r.componentId, r.state, r.environment])).toEqual([
      ['instance::a', 'stopped', 'shop'],
    ]);
    expect((await store.resources.history(list[0]?.id ?? '')).map((e) => e.newState)).toEqual([
      'running',
      'stopped',
    ]);
  });

  it("does not take an older build's facts over a newer one's (a re-sync after a restart)", async () => {
    const parsed = parseGraph(example);
    if (!parsed.ok) throw new Error('the Ernest example does not parse');
    for (const [id, at] of [
      ['build-old', 1_600_000_000_000],
      ['build-new', 1_800_000_000_000],
    ] as const) {
      await store.builds.create({
        id,
        environment: 'shop',
        graph: parsed.graph,
        policy: 'fail-fast',
        simulate: true,
        seed: 1,
        createdAt: new Date(at),
        concurrency: { build: 2, providers: {} },
        defaults: { attempts: 1, backoffMs: 100, timeoutMs: 5_000 },
        actor: 'alice',
      });
    }
    await store.resources.track([{ ...instance('instance::a'), buildId: 'build-new' }]);
    const id = (await store.resources.list())[0]?.id ?? '';
    await store.resources.update([{ resourceId: id, patch: { state: 'stopped' }, actor: 'poll' }]);
    expect(await store.resources.track([{ ...instance('instance::a'), buildId: 'build-old' }])).toEqual([]);
    expect(await store.resources.get(id)).toMatchObject({ buildId: 'build-new', state: 'stopped' });

    // a delete by an older build leaves what a newer one made; by a newer one it terminates it
    const del = (buildId: string) => [{ environmentId, componentId: 'instance::a', buildId }];
    expect(await store.resources.terminateDeleted(del('build-old'))).toEqual([]);
    const [deleted] = await store.resources.terminateDeleted(del('build-new'));
    expect(deleted).toMatchObject({ oldState: 'stopped', newState: 'terminated', actor: 'build' });
    expect(deleted?.reason).toBe('deleted by build build-new');
    // once terminated, a delete changes nothing more
    expect(await store.resources.terminateDeleted(del('build-new'))).toEqual([]);
    const unknown = [{ environmentId, componentId: 'nope', buildId: 'build-new' }];
    expect(await store.resources.terminateDeleted(unknown)).toEqual([]);
  });

  it('queues a delivery for each matching callback in the transaction of the state change', async () => {
    const [tracked] = await store.resources.track([instance('instance::a')]);
    const id = tracked?.resource.id ?? '';
    const all = await store.callbacks.create({
      resourceId: id,
      url: 'https://a.test/',
      secret: 's1',
      actor: 'bob',
    });
    const onlyStopped = await store.callbacks.create({
      environmentId,
      subject: 'hooks.shop',
      states: ['stopped'],
      secret: 's2',
      actor: 'bob',
    });
    const { change: stopping, actionId } = await store.resources.startAction({
      resourceId: id,
      actor: 'bob',
      action: 'stop',
      via: 'stopping',
    });
    expect((await store.resources.withPendingAction()).map((p) => p.actionId)).toEqual([actionId]);
    expect(stopping?.deliveries.map((d) => d.callbackId)).toEqual([all.id]);
    const [stopped] = await store.resources.update(
      [{ resourceId: id, patch: { state: 'stopped', pendingAction: null }, actor: 'action' }],
      new Date(5_000),
    );
    expect(stopped?.deliveries.map((d) => d.callbackId).sort()).toEqual([all.id, onlyStopped.id].sort());
    const due = await store.callbacks.due(new Date(Date.now() + 1_000));
    expect(due).toHaveLength(3);
    expect(due.find((d) => d.callbackId === onlyStopped.id)?.payload).toEqual({
      resource: id,
      old_state: 'stopping',
      new_state: 'stopped',
      at: new Date(5_000).toISOString(),
      build: 'build-1',
      environment: 'shop',
    });
    expect((await store.resources.actions(id)).map((a) => [a.action, a.accepted])).toEqual([['stop', true]]);
  });

  it('writes nothing when one update of a batch names an unknown resource', async () => {
    const [tracked] = await store.resources.track([instance('instance::a')]);
    const id = tracked?.resource.id ?? '';
    await expect(
      store.resources.update([
        { resourceId: id, patch: { state: 'stopped' }, actor: 'poll' },
        { resourceId: 'nope', patch: { state: 'stopped' }, actor: 'poll' },
      ]),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await store.resources.get(id))?.state).toBe('running');
    expect(await store.resources.history(id)).toHaveLength(1);
  });

  it('records attempts and the next status of a delivery', async () => {
    const [tracked] = await store.resources.track([instance('instance::a')]);
    const id = tracked?.resource.id ?? '';
    const cb = await store.callbacks.create({
      resourceId: id,
      url: 'https://a.test/',
      secret: 's',
      actor: 'bob',
    });
    await store.resources.update([{ resourceId: id, patch: { state: 'stopped' }, actor: 'poll' }]);
    const [due] = await store.callbacks.due(new Date(Date.now() + 1_000));
    expect(due).toMatchObject({ url: 'https://a.test/', secret: 's', attempts: 0 });
    const next = new Date(Date.now() + 60_000);
    await store.callbacks.recordAttempt(due?.id ?? '', {
      attempt: 1,
      at: new Date(),
      httpStatus: 500,
      latencyMs: 12.4,
      ok: false,
      error: 'HTTP 500',
      status: 'retrying',
      nextAttemptAt: next,
    });
    expect(await store.callbacks.due(new Date(Date.now() + 1_000))).toEqual([]);
    expect(await store.callbacks.nextDueAt()).toEqual(next);
    await store.callbacks.recordAttempt(due?.id ?? '', {
      attempt: 2,
      at: new Date(),
      httpStatus: 204,
      latencyMs: 3,
      ok: true,
      error: null,
      status: 'delivered',
    });
    const [delivery] = await store.callbacks.deliveries(cb.id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });
    expect(delivery?.attemptsMade.map((a) => [a.attempt, a.httpStatus, a.ok, a.latencyMs])).toEqual([
      [1, 500, false, 12],
      [2, 204, true, 3],
    ]);
    expect(await store.callbacks.nextDueAt()).toBeNull();
  });

  it('refuses a callback for an unknown resource', async () => {
    await expect(
      store.callbacks.create({ resourceId: 'nope', url: 'https://a.test/', secret: 's', actor: 'bob' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('lifecycles', () => {
  const document = JSON.parse(
    readFileSync(new URL('../../core/src/formats/fixtures/lifecycle.example.json', import.meta.url), 'utf8'),
  ) as unknown;

  it('versions definitions per type and saves runs', async () => {
    await store.lifecycles.saveDefinition('instance', document, 'alice');
    const second = await store.lifecycles.saveDefinition('instance', document, 'bob');
    expect(second.version).toBe(2);
    expect((await store.lifecycles.definitions()).map((d) => [d.type, d.version])).toEqual([['instance', 2]]);

    const parsed = parseLifecycle(document);
    if (!parsed.ok) throw new Error('the lifecycle example does not parse');
    const [tracked] = await store.resources.track([instance('instance::a')]);
    const started = startLifecycle(parsed.definition, 1_000);
    const run = await store.lifecycles.createRun({
      resourceId: tracked?.resource.id ?? '',
      type: 'instance',
      version: 2,
      state: started.state,
    });
    expect(await store.lifecycles.unfinishedRuns()).toHaveLength(1);
    await store.lifecycles.saveRun(run.id, { ...started.state, status: 'finished', current: 'ready' });
    expect(await store.lifecycles.unfinishedRuns()).toEqual([]);
    expect((await store.lifecycles.run(run.id))?.current).toBe('ready');
  });
});
