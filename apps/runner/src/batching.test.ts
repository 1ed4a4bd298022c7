// The runner in-process (real nats-server and SQLite file): its batching window — inputs arriving
// a few at a time share one transaction, a lone input waits at most the window — and the events
// of a large batch, published in messages of bounded size.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bus, connectBus, controlSubject, ensureStreams, eventsSubject, publishResult } from '@ordo/bus';
import { memoryLogger, type NatsServerHandle, startNatsServer } from '@ordo/bus/testing';
import { buildEventBatchSchema, controlCommandSchema, controlReplySchema } from '@ordo/contracts';
import { type BuildState, changedComponents, parseGraph, type SchedulerEvent, step } from '@ordo/core';
import { nilExecutor, type RunningExecutors, runExecutors } from '@ordo/executors';
import type { PersistBatch } from '@ordo/store';
import { createTestStore, type TestStore } from '@ordo/store/testing';
import pino from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { NATIVE_PROVIDERS, Runner } from './runner';
import { readPublishedSeqs } from './testing/events';

const WINDOW_MS = 300;
const SIZE = 8;

let nats: NatsServerHandle | undefined;
let bus: Bus | undefined;
let store: TestStore | undefined;
let executors: RunningExecutors | undefined;
let runner: Runner | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await runner?.stop();
  await executors?.stop();
  await bus?.close();
  await store?.close();
  await nats?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  runner = executors = bus = store = nats = dataDir = undefined;
});

async function startInProcess(options: {
  batchWindowMs?: number;
  batchTarget?: number;
  maxDispatchesPerStep?: number;
  /** nil executors serving this many at once; 0: none (the test answers dispatches itself) */
  concurrency: number;
}) {
  nats = await startNatsServer({ jetstream: true });
  store = await createTestStore();
  dataDir = await mkdtemp(join(tmpdir(), 'ordo-batching-'));
  bus = await connectBus({ url: nats.url, name: 'batching', logger: memoryLogger() });
  await ensureStreams(bus, { providers: ['sim', ...NATIVE_PROVIDERS] });
  if (options.concurrency > 0)
    executors = await runExecutors(bus, [nilExecutor()], {
      dataDir,
      logger: memoryLogger(),
      concurrency: options.concurrency,
    });
  runner = new Runner({
    store,
    bus,
    logger: pino({ level: 'silent' }),
    prefix: 'ordo.exec.',
    nativeProviders: new Set(NATIVE_PROVIDERS),
    simulateAll: false,
    ...(options.batchWindowMs === undefined ? {} : { batchWindowMs: options.batchWindowMs }),
    ...(options.batchTarget === undefined ? {} : { batchTarget: options.batchTarget }),
    ...(options.maxDispatchesPerStep === undefined
      ? {}
      : { maxDispatchesPerStep: options.maxDispatchesPerStep }),
  });
  return { nats, store, bus, runner };
}

async function createWide(s: TestStore, id: string, size: number): Promise<void> {
  const changes = Array.from({ length: size }, (_, i) => ({
    _component_id: `task::t${i}`,
    _component: 'task',
    _action: 'create',
    _provider: 'nil',
  }));
  const parsed = parseGraph({ id, edges: [], components: [], changes });
  if (!parsed.ok) throw new Error('the graph does not parse');
  await s.builds.create({
    id,
    environment: 'test',
    graph: parsed.graph,
    policy: 'fail-fast',
    simulate: false,
    seed: 1,
    createdAt: new Date(),
  });
}

async function waitCompleted(s: TestStore, id: string): Promise<string | undefined> {
  const deadline = Date.now() + 30_000;
  let status: string | undefined;
  while (status !== 'completed' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    status = (await s.builds.list()).find((b) => b.id === id)?.status;
  }
  return status;
}

describe('events of a large batch', () => {
  test('go out in messages of at most 1,000 events, in order, without gaps', async () => {
    // the start's 1,500 dispatches in one step (and one batch)
    const world = await startInProcess({ concurrency: 256, maxDispatchesPerStep: 2_000 });
    const seen: number[][] = [];
    const sub = world.bus.subscribe(eventsSubject('large'), buildEventBatchSchema);
    void (async () => {
      for await (const { data } of sub) seen.push(data.events.map((e) => e.seq));
    })();
    await world.bus.flush();
    await world.runner.start();
    await createWide(world.store, 'large', 1_500);
    world.bus.publish(controlSubject('large'), controlCommandSchema, { kind: 'created' });
    expect(await waitCompleted(world.store, 'large')).toBe('completed');
    const stored = (await world.store.builds.events('large', 0, 100_000)).map((e) => e.seq);
    const deadline = Date.now() + 5_000;
    while (seen.flat().length < stored.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    sub.unsubscribe();
    expect(Math.max(...seen.map((m) => m.length))).toBe(1_000); // the start's 1,501 events: two messages
    expect(seen.flat()).toEqual(stored);
    expect(stored).toEqual(stored.map((_, i) => i + 1));
  });
});

describe('dispatch budget', () => {
  test("a wide build's start goes out in parts: each saved, published and answered while the next is saved", async () => {
    const world = await startInProcess({ concurrency: 64, maxDispatchesPerStep: 100 });
    // every save: the dispatches it holds (components that went running) and its results
    const saves: Array<{ dispatched: number; completed: number }> = [];
    const persist = world.store.builds.persist.bind(world.store.builds);
    world.store.builds.persist = async (batches: PersistBatch[], options) => {
      let dispatched = 0;
      let completed = 0;
      for (const b of batches)
        for (const e of b.events) {
          if (e.type === 'component_state' && e.state === 'running') dispatched++;
          if (e.type === 'component_state' && e.state === 'completed') completed++;
        }
      saves.push({ dispatched, completed });
      return persist(batches, options);
    };
    const seen: number[] = [];
    const sub = world.bus.subscribe(eventsSubject('budget'), buildEventBatchSchema);
    void (async () => {
      for await (const { data } of sub) seen.push(...data.events.map((e) => e.seq));
    })();
    await world.bus.flush();
    await world.runner.start();
    await createWide(world.store, 'budget', 1_000);
    world.bus.publish(controlSubject('budget'), controlCommandSchema, { kind: 'created' });
    expect(await waitCompleted(world.store, 'budget')).toBe('completed');

    // no save holds more than 100 dispatches: the start went out in (at least) ten parts, and
    // results of the first parts were saved before the last part was
    expect(Math.max(...saves.map((s) => s.dispatched))).toBeLessThanOrEqual(100);
    expect(saves.reduce((n, s) => n + s.dispatched, 0)).toBe(1_000);
    const lastDispatch = saves.findLastIndex((s) => s.dispatched > 0);
    const firstResult = saves.findIndex((s) => s.completed > 0);
    expect(firstResult).toBeLessThan(lastDispatch);
    // every component ran once; the events are stored and published without gaps
    const snapshot = await world.store.builds.snapshot('budget');
    expect(snapshot?.components.every((c) => c.state === 'completed' && c.attempt === 1)).toBe(true);
    const stored = (await world.store.builds.events('budget', 0, 100_000)).map((e) => e.seq);
    expect(stored).toEqual(stored.map((_, i) => i + 1));
    const deadline = Date.now() + 5_000;
    while (seen.length < stored.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    sub.unsubscribe();
    expect(seen).toEqual(stored);
  });
});

describe('resume', () => {
  test('events stored but never published before a crash go out before those of results in the same batch', async () => {
    // the new runner's first batch: the resume and the three results (a wide window holds them together)
    const { store, bus, runner } = await startInProcess({
      concurrency: 0,
      batchWindowMs: 1_000,
      batchTarget: 4,
    });
    await createWide(store, 'gap', 3);
    // a runner that committed the start and died before publishing anything ...
    const state = (await store.builds.loadState('gap')) as BuildState;
    const start: SchedulerEvent = { kind: 'start' };
    const { commands } = step(state, start, Date.now());
    await store.builds.persist([
      {
        state,
        changed: changedComponents(state, start, commands),
        events: commands.flatMap((c) => (c.kind === 'emit' ? [c.event] : [])),
        environment: [],
      },
    ]);
    const stored = state.seq;
    // ... while the executor answered every dispatch
    for (const c of commands) {
      if (c.kind !== 'dispatch') continue;
      const body = {
        _component_id: c.componentId,
        _component: 'task',
        _action: 'create',
        _provider: 'nil',
        service: 'gap',
      };
      await publishResult(bus, 'done', body, {
        build: 'gap',
        component: c.componentId,
        attempt: c.attempt,
        deadline: Date.now() + 60_000,
      });
    }
    const batches: string[][] = [];
    const persist = store.builds.persist.bind(store.builds);
    store.builds.persist = async (saves: PersistBatch[], options) => {
      batches.push(saves.flatMap((b) => b.events.map((e) => `${e.type}:${e.state}`)));
      return persist(saves, options);
    };
    await runner.start();
    expect(await waitCompleted(store, 'gap')).toBe('completed');
    expect(batches[0]).toContain('build_state:completed'); // resume and results in one batch
    const all = (await store.builds.events('gap', 0, 1_000)).map((e) => e.seq);
    expect(all.length).toBeGreaterThan(stored);
    const seen = [...new Set(await readPublishedSeqs({ bus }, 'gap'))].sort((a, b) => a - b);
    expect(seen).toEqual(all);
  });
});

describe('batching window', () => {
  test('results arriving close together share a transaction; a lone input waits at most the window', async () => {
    const world = await startInProcess({ batchWindowMs: WINDOW_MS, batchTarget: SIZE, concurrency: SIZE });
    // every save, with the number of components it changed
    const saves: number[] = [];
    const persist = world.store.builds.persist.bind(world.store.builds);
    world.store.builds.persist = async (batches: PersistBatch[], options) => {
      saves.push(batches.reduce((n, b) => n + [...b.changed].length, 0));
      return persist(batches, options);
    };
    await world.runner.start();

    // a lone input (a control request for an unknown build) is answered once the window is over
    const started = Date.now();
    const reply = await world.bus.request(
      controlSubject('nope'),
      controlCommandSchema,
      { kind: 'created' },
      controlReplySchema,
      { timeoutMs: 5_000 },
    );
    const waited = Date.now() - started;
    expect(reply.data).toMatchObject({ ok: false, code: 'not_found' });
    expect(waited).toBeGreaterThanOrEqual(WINDOW_MS - 20);
    expect(waited).toBeLessThan(WINDOW_MS + 2_000);

    // a wide build: its SIZE results come back within the window and end it early, in one save
    await createWide(world.store, 'wide', SIZE);
    saves.length = 0;
    world.bus.publish(controlSubject('wide'), controlCommandSchema, { kind: 'created' });
    expect(await waitCompleted(world.store, 'wide')).toBe('completed');
    // the start (every component dispatched), then the results: together, not one save each
    expect(saves[0]).toBe(SIZE);
    expect(saves.length).toBeLessThanOrEqual(3);
    expect(saves.slice(1).reduce((a, b) => a + b, 0)).toBe(SIZE);
  });
});

describe('a save that fails', () => {
  test('loses nothing: its batch and any stepped meanwhile come again, events stay gap-free', async () => {
    const world = await startInProcess({ batchWindowMs: 0, concurrency: 8 });
    const seen: number[] = [];
    const sub = world.bus.subscribe(eventsSubject('flaky'), buildEventBatchSchema);
    void (async () => {
      for await (const { data } of sub) seen.push(...data.events.map((e) => e.seq));
    })();
    await world.bus.flush();
    // the third save fails, a while after it began: later batches are stepped (and handed to
    // persist) while it is in flight, so they build on what it loses
    let calls = 0;
    let refused = 0;
    const persist = world.store.builds.persist.bind(world.store.builds);
    world.store.builds.persist = async (batches: PersistBatch[], options) => {
      calls += 1;
      if (calls === 3) {
        await new Promise((r) => setTimeout(r, 200));
        refused += 1;
        throw new Error('the disk is full (on purpose)');
      }
      return persist(batches, options);
    };
    await world.runner.start();
    await createWide(world.store, 'flaky', 40);
    world.bus.publish(controlSubject('flaky'), controlCommandSchema, { kind: 'created' });
    expect(await waitCompleted(world.store, 'flaky')).toBe('completed');
    expect(refused).toBe(1);

    const snapshot = await world.store.builds.snapshot('flaky');
    expect(snapshot?.components.map((c) => [c.state, c.attempt])).toEqual(
      Array.from({ length: 40 }, () => ['completed', 1]),
    );
    const stored = (await world.store.builds.events('flaky', 0, 100_000)).map((e) => e.seq);
    expect(stored).toEqual(stored.map((_, i) => i + 1));
    const deadline = Date.now() + 5_000;
    while (seen.length < stored.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    sub.unsubscribe();
    expect(seen).toEqual(stored);
  });
});
