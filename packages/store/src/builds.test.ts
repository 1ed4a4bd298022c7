// Build repositories on real temporary SQLite files: creation, the scheduler's saves, restore
// after a "crash" (a new state loaded from the store), and the read models.
import { readFileSync } from 'node:fs';
import { createClient } from '@libsql/client';
import {
  type BuildEvent,
  type BuildState,
  type Command,
  changedComponents,
  createBuild,
  type EnvironmentCommand,
  type Graph,
  parseGraph,
  type SchedulerEvent,
  step,
} from '@ordo/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreateBuildRecord, OperatorActionInput, PersistBatch } from './builds';
import { StoreError } from './errors';
import { createTestStore, type TestStore } from './testing';

const example = JSON.parse(
  readFileSync(
    new URL('../../core/src/formats/fixtures/ernest-mapping.example.json', import.meta.url),
    'utf8',
  ),
) as unknown;

function ernestGraph(): Graph {
  const parsed = parseGraph(example);
  if (!parsed.ok) throw new Error('the Ernest example does not parse');
  return parsed.graph;
}

function record(graph: Graph, overrides: Partial<CreateBuildRecord> = {}): CreateBuildRecord {
  return {
    id: 'build-1',
    environment: 'shop-staging',
    graph,
    policy: 'fail-fast',
    simulate: true,
    seed: 42,
    createdAt: new Date(1_700_000_000_000),
    concurrency: { build: 2, providers: { sim: 2 } },
    defaults: { attempts: 2, backoffMs: 100, timeoutMs: 5_000 },
    actor: 'alice',
    ...overrides,
  };
}

function coreInput(r: CreateBuildRecord) {
  return {
    id: r.id,
    environment: r.environment,
    graph: r.graph,
    policy: r.policy,
    concurrency: r.concurrency,
    seed: r.seed,
    defaults: r.defaults,
    createdAt: r.createdAt.getTime(),
  };
}

/** What one step asks to save (changed components as `changedComponents` names them). */
function batchOf(
  state: BuildState,
  event: SchedulerEvent,
  commands: Command[],
  actions?: OperatorActionInput[],
) {
  const batch: PersistBatch = {
    state,
    changed: changedComponents(state, event, commands),
    events: commands.flatMap((c) => (c.kind === 'emit' ? [c.event] : [])),
    environment: commands.filter((c): c is EnvironmentCommand => c.kind === 'environment'),
  };
  if (actions) batch.actions = actions;
  return batch;
}

/**
 * A deterministic runner and executors: answers each dispatch 3 ms later (the first attempt of
 * `network::shop-public` fails), fires backoff timers; every step is saved before the next.
 */
class Driver {
  queue: { at: number; event: SchedulerEvent }[] = [];
  now = 1_700_000_000_000;
  steps = 0;

  constructor(
    public state: BuildState,
    private readonly save: (batch: PersistBatch) => Promise<void>,
  ) {}

  take(commands: Command[]): void {
    for (const c of commands) {
      if (c.kind === 'dispatch') {
        const fail = c.componentId === 'network::shop-public' && c.attempt === 1;
        this.queue.push({
          at: this.now + 3,
          event: {
            kind: 'result',
            componentId: c.componentId,
            attempt: c.attempt,
            status: fail ? 'error' : 'done',
            payload: fail ? { error: 'quota' } : { ...c.payload, [`${c.type}_id`]: `${c.type}-${c.attempt}` },
          },
        });
      } else if (c.kind === 'timer' && c.event.kind === 'retry_due') {
        this.queue.push({ at: c.at, event: c.event });
      }
    }
  }

  async apply(event: SchedulerEvent): Promise<void> {
    const result = step(this.state, event, this.now);
    this.steps++;
    await this.save(batchOf(this.state, event, result.commands));
    this.take(result.commands);
  }

  async next(): Promise<boolean> {
    this.queue.sort((a, b) => a.at - b.at);
    const item = this.queue.shift();
    if (!item) return false;
    this.now = Math.max(this.now, item.at);
    await this.apply(item.event);
    return true;
  }
}

describe('builds', () => {
  let store: TestStore;

  beforeEach(async () => {
    store = await createTestStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it('create, then loadState: the state createBuild makes', async () => {
    const r = record(ernestGraph());
    await store.builds.create(r);
    const loaded = await store.builds.loadState(r.id);
    expect(loaded).toEqual(createBuild(coreInput(r)));
    expect(await store.builds.loadState('nope')).toBeNull();
    expect(await store.builds.unfinished()).toEqual([r.id]);
  });

  it('writes DateTime columns in the text form Prisma writes (so Prisma filters and sorts them)', async () => {
    await store.builds.create(record(ernestGraph()));
    const client = createClient({ url: store.url });
    try {
      const { rows } = await client.execute(
        'SELECT b."createdAt" AS ours, e."updatedAt" AS prisma FROM "Build" b JOIN "Environment" e ON e.id = b."environmentId"',
      );
      const shape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/;
      expect(rows[0]?.prisma).toMatch(shape);
      expect(rows[0]?.ours).toBe('2023-11-14T22:13:20.000+00:00');
    } finally {
      client.close();
    }
  });

  it('refuses a second build with the same id (CONFLICT) and stores nothing of it', async () => {
    const r = record(ernestGraph());
    await store.builds.create(r);
    const again = store.builds.create({ ...r, environment: 'other' });
    await expect(again).rejects.toBeInstanceOf(StoreError);
    await expect(again).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await store.environments.list()).map((e) => e.name)).toEqual(['shop-staging']);
  });

  it('drives the Ernest example, saving every step; a state loaded at any point continues to the same end', async () => {
    const r = record(ernestGraph());
    await store.builds.create(r);
    const save = (batch: PersistBatch) => store.builds.persist([batch]);

    // the uninterrupted run, in memory only
    const whole = new Driver(createBuild(coreInput(r)), async () => {});
    await whole.apply({ kind: 'start' });
    while (await whole.next());
    expect(whole.state.status).toBe('completed');

    // the same run, saved; after every few steps the runner "crashes" and loads the state back
    const stored = await store.builds.loadState(r.id);
    if (!stored) throw new Error('not stored');
    const run = new Driver(stored, save);
    await run.apply({ kind: 'start' });
    let reloads = 0;
    while (await run.next()) {
      if (run.steps % 2 !== 0) continue;
      const loaded = await store.builds.loadState(r.id);
      expect(JSON.stringify(loaded)).toBe(JSON.stringify(run.state));
      run.state = loaded as BuildState;
      reloads++;
    }
    expect(reloads).toBeGreaterThan(3);
    expect(run.state.status).toBe('completed');
    const outcome = (s: BuildState) =>
      s.components.map((c) => [c.id, c.state, c.attempt, c.outputs, c.history]);
    expect(outcome(run.state)).toEqual(outcome(whole.state));
    expect(JSON.stringify(await store.builds.loadState(r.id))).toBe(JSON.stringify(whole.state));

    const events = await store.builds.events(r.id, 0);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: whole.state.seq }, (_, i) => i + 1));
    expect(await store.builds.events(r.id, 0, 5)).toEqual(events.slice(0, 5));
    expect(await store.builds.events(r.id, events.length - 2)).toEqual(events.slice(-2));
    expect(events.find((e) => e.message?.includes('quota'))).toMatchObject({
      type: 'component_state',
      componentId: 'network::shop-public',
      state: 'waiting',
      attempt: 1,
    });
    expect(await store.builds.unfinished()).toEqual([]);

    // the environment's current state: what the build completed, in completion order
    const current = await store.environments.current('shop-staging');
    expect(current).toEqual(Object.values(whole.state.environmentState));
    expect(current.map((c) => c._component_id)).toEqual(Object.keys(whole.state.environmentState));
  });

  it('snapshot and list show the build as last saved', async () => {
    const r = record(ernestGraph());
    await store.builds.create(r);
    await store.builds.create({
      ...record(ernestGraph(), { id: 'build-0', createdAt: new Date(1_600_000_000_000) }),
      environment: 'other',
    });
    const state = (await store.builds.loadState(r.id)) as BuildState;
    const started = step(state, { kind: 'start' }, 1_700_000_001_000);
    await store.builds.persist([batchOf(state, { kind: 'start' }, started.commands)]);
    const event: SchedulerEvent = {
      kind: 'result',
      componentId: 'vpc::shop',
      attempt: 1,
      status: 'done',
      payload: { vpc_id: 'vpc-1' },
    };
    await store.builds.persist([batchOf(state, event, step(state, event, 1_700_000_002_000).commands)]);

    const snapshot = await store.builds.snapshot(r.id);
    expect(snapshot).toMatchObject({
      id: r.id,
      environment: 'shop-staging',
      status: 'running',
      policy: 'fail-fast',
      simulate: true,
      seq: state.seq,
      createdAt: r.createdAt,
      startedAt: new Date(1_700_000_001_000),
      finishedAt: null,
      concurrency: r.concurrency,
    });
    const vpc = snapshot?.components.find((c) => c.id === 'vpc::shop');
    expect(vpc).toEqual({
      id: 'vpc::shop',
      type: 'vpc',
      action: 'create',
      provider: 'sim',
      state: 'completed',
      attempt: 1,
      error: null,
      outputs: { vpc_id: 'vpc-1' },
      desired: r.graph.changes[1]?.props,
      history: [
        { attempt: 1, dispatchedAt: 1_700_000_001_000, finishedAt: 1_700_000_002_000, status: 'completed' },
      ],
      awaitingApproval: false,
      approved: false,
      cancelRequested: false,
    });
    expect(snapshot?.components.map((c) => [c.id, c.state])).toEqual(
      state.components.map((c) => [c.id, c.state]),
    );
    expect(snapshot?.edges).toHaveLength(r.graph.edges.length);
    expect(snapshot?.edges).toContainEqual({ source: 'vpc::shop', destination: 'network::shop-public' });
    expect(await store.builds.snapshot('nope')).toBeNull();

    const list = await store.builds.list();
    expect(list.map((b) => b.id)).toEqual(['build-1', 'build-0']);
    expect(list[0]).toEqual({
      id: 'build-1',
      environment: 'shop-staging',
      status: 'running',
      createdAt: r.createdAt,
      startedAt: new Date(1_700_000_001_000),
      finishedAt: null,
      total: 7,
      completed: state.counts.completed,
      errored: 0,
    });
    expect((await store.builds.list({ environment: 'other' })).map((b) => b.id)).toEqual(['build-0']);
    expect((await store.builds.list({ status: ['pending'] })).map((b) => b.id)).toEqual(['build-0']);
    expect((await store.builds.list({ before: r.createdAt })).map((b) => b.id)).toEqual(['build-0']);
    expect((await store.builds.list({ limit: 1 })).map((b) => b.id)).toEqual(['build-1']);
    expect(await store.builds.unfinished()).toEqual(['build-0', 'build-1']);
  });

  it('completedComponents reads the completed components, all or only those named', async () => {
    const r = record(ernestGraph(), { concurrency: {} });
    await store.builds.create(r);
    const state = (await store.builds.loadState(r.id)) as BuildState;
    const driver = new Driver(state, (batch) => store.builds.persist([batch]));
    await driver.apply({ kind: 'start' });
    // run until two components are completed (the first wave: vpc, then a network or two)
    while (state.components.filter((c) => c.state === 'completed').length < 2) await driver.next();
    const completed = state.components.filter((c) => c.state === 'completed').map((c) => c.id);
    const pending = state.components.find((c) => c.state !== 'completed')?.id as string;

    const all = await store.builds.completedComponents(r.id);
    expect(all).toMatchObject({ environment: 'shop-staging', status: 'running', simulate: true });
    expect(all?.components.map((c) => c.id)).toEqual(completed);
    expect(all?.components.find((c) => c.id === 'vpc::shop')).toEqual({
      id: 'vpc::shop',
      type: 'vpc',
      action: 'create',
      provider: 'sim',
      outputs: expect.objectContaining({ vpc_id: 'vpc-1' }),
      desired: r.graph.changes[1]?.props,
    });
    // only the named ones, and of those only the completed ones (the rest are not read)
    const some = await store.builds.completedComponents(r.id, ['vpc::shop', pending, 'nope']);
    expect(some?.components.map((c) => c.id)).toEqual(['vpc::shop']);
    expect((await store.builds.completedComponents(r.id, []))?.components).toEqual([]);
    expect(await store.builds.completedComponents('nope')).toBeNull();
  });

  it('keeps operator actions, accepted or refused', async () => {
    const r = record(ernestGraph());
    await store.builds.create(r);
    const state = (await store.builds.loadState(r.id)) as BuildState;
    const refused = step(state, { kind: 'skip', actor: 'bob', componentId: 'vpc::shop' }, 1_700_000_000_500);
    expect(refused.rejected).toBeDefined();
    const start = step(state, { kind: 'start' }, 1_700_000_001_000);
    const cancel: SchedulerEvent = { kind: 'cancel', actor: 'alice' };
    const cancelled = step(state, cancel, 1_700_000_002_000);
    await store.builds.persist([
      batchOf(state, { kind: 'start' }, start.commands, [
        {
          at: 1_700_000_000_500,
          actor: 'bob',
          action: 'skip',
          componentId: 'vpc::shop',
          accepted: false,
          reason: refused.rejected?.reason,
        },
      ]),
      batchOf(state, cancel, cancelled.commands, [
        { at: 1_700_000_002_000, actor: 'alice', action: 'cancel', accepted: true },
      ]),
    ]);
    expect(await store.builds.actions(r.id)).toEqual([
      {
        at: new Date(1_700_000_000_500),
        actor: 'bob',
        action: 'skip',
        componentId: 'vpc::shop',
        accepted: false,
        reason: refused.rejected?.reason,
      },
      {
        at: new Date(1_700_000_002_000),
        actor: 'alice',
        action: 'cancel',
        componentId: null,
        accepted: true,
        reason: null,
      },
    ]);
    const events = await store.builds.events(r.id, 0);
    expect(events.find((e) => e.type === 'action')).toEqual({
      seq: expect.any(Number),
      at: 1_700_000_002_000,
      type: 'action',
      actor: 'alice',
      action: 'cancel',
    } satisfies BuildEvent);
    expect(JSON.stringify(await store.builds.loadState(r.id))).toBe(JSON.stringify(state));
  });

  it('persist reads the state when called: stepping on at once changes nothing of that save', async () => {
    const r = record(ernestGraph());
    await store.builds.create(r);
    const state = (await store.builds.loadState(r.id)) as BuildState;
    const start = step(state, { kind: 'start' }, 1_700_000_001_000);
    const saved = JSON.stringify(state);
    const save = store.builds.persist([batchOf(state, { kind: 'start' }, start.commands)]);
    // the runner steps the next batch while the save runs in the writer thread
    step(state, { kind: 'cancel', actor: 'alice' }, 1_700_000_001_500);
    await save;
    expect(JSON.stringify(await store.builds.loadState(r.id))).toBe(saved);
  });

  it('persist after a save that failed stores nothing', async () => {
    const r = record(ernestGraph());
    await store.builds.create(r);
    const state = (await store.builds.loadState(r.id)) as BuildState;
    const before = JSON.stringify(state);
    const start = step(state, { kind: 'start' }, 1_700_000_001_000);
    const failed = Promise.reject(new Error('the save before failed'));
    await expect(
      store.builds.persist([batchOf(state, { kind: 'start' }, start.commands)], { after: failed }),
    ).rejects.toThrow(/earlier save failed/);
    expect(JSON.stringify(await store.builds.loadState(r.id))).toBe(before);
    expect(await store.builds.events(r.id, 0)).toEqual([]);
  });

  it('persist is all or nothing: a repeated event seq fails the whole batch and stores none of it', async () => {
    const r = record(ernestGraph());
    await store.builds.create(r);
    await store.builds.create(record(ernestGraph(), { id: 'build-2', environment: 'other' }));
    const state = (await store.builds.loadState(r.id)) as BuildState;
    const start = step(state, { kind: 'start' }, 1_700_000_001_000);
    await store.builds.persist([batchOf(state, { kind: 'start' }, start.commands)]);
    const before = {
      state: JSON.stringify(await store.builds.loadState(r.id)),
      snapshot: await store.builds.snapshot(r.id),
      events: await store.builds.events(r.id, 0),
      other: JSON.stringify(await store.builds.loadState('build-2')),
      environment: await store.environments.current('shop-staging'),
    };

    const other = (await store.builds.loadState('build-2')) as BuildState;
    const otherStart = step(other, { kind: 'start' }, 1_700_000_001_500);
    const event: SchedulerEvent = {
      kind: 'result',
      componentId: 'vpc::shop',
      attempt: 1,
      status: 'done',
      payload: { vpc_id: 'vpc-1' },
    };
    const result = step(state, event, 1_700_000_002_000);
    const good = batchOf(state, event, result.commands, [
      { at: 1_700_000_002_000, actor: 'x', action: 'approve', accepted: false, reason: 'no gate' },
    ]);
    const lastEvent = good.events.at(-1) as BuildEvent;
    const repeated: PersistBatch = { ...good, events: [...good.events, { ...lastEvent }], actions: [] };
    await expect(
      store.builds.persist([batchOf(other, { kind: 'start' }, otherStart.commands), good, repeated]),
    ).rejects.toMatchObject({ code: 'CONFLICT' });

    expect(JSON.stringify(await store.builds.loadState(r.id))).toBe(before.state);
    expect(await store.builds.snapshot(r.id)).toEqual(before.snapshot);
    expect(await store.builds.events(r.id, 0)).toEqual(before.events);
    expect(JSON.stringify(await store.builds.loadState('build-2'))).toBe(before.other);
    expect(await store.environments.current('shop-staging')).toEqual(before.environment);
    expect(await store.builds.actions(r.id)).toEqual([]);

    // an unknown build fails the batch too
    const ghost = { ...batchOf(other, { kind: 'start' }, otherStart.commands) };
    ghost.state = { ...other, id: 'ghost' };
    await expect(store.builds.persist([ghost])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('logs and environments', () => {
  let store: TestStore;

  beforeEach(async () => {
    store = await createTestStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it('appends and lists log lines per build and component', async () => {
    const r = record(ernestGraph());
    await store.builds.create(r);
    const at = 1_700_000_000_000;
    await store.logs.append([
      { buildId: r.id, componentId: 'vpc::shop', at, stream: 'stdout', line: 'creating vpc' },
      { buildId: r.id, componentId: 'elb::shop', at: at + 1, stream: 'stderr', line: 'warning: ☃' },
      { buildId: r.id, componentId: 'vpc::shop', at: at + 2, stream: 'info', line: 'done' },
    ]);
    await store.logs.append([]);
    expect(await store.logs.list(r.id)).toEqual([
      { at: new Date(at), componentId: 'vpc::shop', stream: 'stdout', line: 'creating vpc' },
      { at: new Date(at + 1), componentId: 'elb::shop', stream: 'stderr', line: 'warning: ☃' },
      { at: new Date(at + 2), componentId: 'vpc::shop', stream: 'info', line: 'done' },
    ]);
    expect((await store.logs.list(r.id, 'vpc::shop')).map((l) => l.line)).toEqual(['creating vpc', 'done']);
    expect((await store.logs.list(r.id, undefined, 2)).map((l) => l.line)).toEqual(['warning: ☃', 'done']);
    await expect(
      store.logs.append([{ buildId: 'nope', componentId: 'x', at, stream: 'info', line: 'lost' }]),
    ).rejects.toThrow();
  });

  it('lists environments with their component counts and latest build', async () => {
    expect(await store.environments.list()).toEqual([]);
    expect(await store.environments.current('nope')).toEqual([]);
    const r = record(ernestGraph());
    await store.builds.create(r);
    await store.builds.create(record(ernestGraph(), { id: 'b2', createdAt: new Date(1_800_000_000_000) }));
    await store.builds.create(record(ernestGraph(), { id: 'b3', environment: 'empty' }));
    const state = (await store.builds.loadState(r.id)) as BuildState;
    const start = step(state, { kind: 'start' }, 1_700_000_001_000); // completes credentials::sim (action none)
    await store.builds.persist([batchOf(state, { kind: 'start' }, start.commands)]);
    expect(await store.environments.list()).toEqual([
      { name: 'empty', components: 0, lastBuildAt: r.createdAt },
      { name: 'shop-staging', components: 1, lastBuildAt: new Date(1_800_000_000_000) },
    ]);
    expect(await store.environments.current('shop-staging')).toEqual([
      state.environmentState['credentials::sim'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// random builds: what is loaded back is always exactly the state in memory

interface Scenario {
  n: number;
  edges: [number, number][];
  kinds: number[];
  policy: 'fail-fast' | 'continue';
  limit: number;
  script: { op: number; pick: number; ok: boolean }[];
}

const KINDS = ['create', 'none', 'find', 'delete', 'update'];

const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 10 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc
      .array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 2 * n })
      .map((pairs) =>
        pairs
          .filter(([a, b]) => a !== b)
          .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]),
      ),
    kinds: fc.array(fc.nat(KINDS.length - 1), { minLength: n, maxLength: n }),
    policy: fc.constantFrom<'fail-fast' | 'continue'>('fail-fast', 'continue'),
    limit: fc.integer({ min: 0, max: 2 }),
    script: fc.array(fc.record({ op: fc.nat(10), pick: fc.nat(100), ok: fc.boolean() }), { maxLength: 30 }),
  }),
);

function scenarioGraph(sc: Scenario): Graph {
  const id = (i: number) => `c::${i}`;
  const component = (cid: string, action: string, props: Record<string, unknown>) => ({
    id: cid,
    type: cid.split('::')[0] as string,
    action,
    provider: 'sim',
    props,
  });
  return {
    name: 'random',
    // every third component waits for an operator's approval (the `approve` op of the script)
    changes: Array.from({ length: sc.n }, (_, i) => ({
      ...component(id(i), KINDS[sc.kinds[i] ?? 0] as string, { i }),
      ...(i % 3 === 2 ? { policy: { gate: true } } : {}),
    })),
    // present before the build: the build's puts must replace them in place, not move them last
    current: [
      component('found::1', 'create', { v: 1 }),
      component(id(1), 'create', { old: true }),
      component(id(0), 'create', { old: true }),
      component('found::2', 'create', { v: 2 }),
    ],
    edges: sc.edges.map(([a, b]) => ({ source: id(a), destination: id(b) })),
  };
}

describe('random builds through the store', () => {
  it('loadState always returns exactly the state in memory', async () => {
    const store = await createTestStore();
    let k = 0;
    try {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (sc) => {
          const r = record(scenarioGraph(sc), {
            id: `r-${k++}`,
            environment: `env-${k % 3}`,
            policy: sc.policy,
            concurrency: { build: sc.limit },
            defaults: { attempts: 2, backoffMs: 5 },
          });
          await store.builds.create(r);
          let state = (await store.builds.loadState(r.id)) as BuildState;
          let now = 1_700_000_000_000;
          const pool: SchedulerEvent[] = [];
          const apply = async (event: SchedulerEvent) => {
            const result = step(state, event, now);
            for (const c of result.commands) {
              if (c.kind === 'dispatch') {
                pool.push({
                  kind: 'result',
                  componentId: c.componentId,
                  attempt: c.attempt,
                  status: 'done',
                  payload: {},
                });
              } else if (c.kind === 'timer') pool.push(c.event);
            }
            if (!result.rejected) await store.builds.persist([batchOf(state, event, result.commands)]);
          };
          await apply({ kind: 'start' });
          for (const item of sc.script) {
            now += 7;
            const target = `c::${item.pick % sc.n}`;
            if (item.op < 6 && pool.length > 0) {
              const [event] = pool.splice(item.pick % pool.length, 1) as [SchedulerEvent];
              if (event.kind === 'result') {
                const found = [
                  { _component_id: `found::${item.pick % 3}`, _component: 'found', n: item.pick },
                ];
                await apply(
                  item.ok
                    ? { ...event, payload: { out: item.pick, components: found } }
                    : { ...event, status: 'error', payload: { error: `e${item.pick}` } },
                );
              } else await apply(event);
            } else if (item.op === 6) await apply({ kind: 'retry', actor: 'op', componentId: target });
            else if (item.op === 7) await apply({ kind: 'skip', actor: 'op', componentId: target });
            else if (item.op === 8) await apply({ kind: 'retry', actor: 'op' });
            else if (item.op === 9) await apply({ kind: 'approve', actor: 'op', componentId: target });
            else await apply({ kind: 'cancel', actor: 'op', componentId: target });
            if (item.pick % 4 === 0) {
              const loaded = await store.builds.loadState(r.id);
              expect(JSON.stringify(loaded)).toBe(JSON.stringify(state));
              state = loaded as BuildState;
            }
          }
          expect(JSON.stringify(await store.builds.loadState(r.id))).toBe(JSON.stringify(state));
          const events = await store.builds.events(r.id, 0, 100_000);
          expect(events.map((e) => e.seq)).toEqual(Array.from({ length: state.seq }, (_, i) => i + 1));
          const snapshot = await store.builds.snapshot(r.id);
          expect(
            snapshot?.components.map((c) => [
              c.id,
              c.state,
              c.attempt,
              c.history,
              c.outputs,
              c.awaitingApproval,
            ]),
          ).toEqual(
            state.components.map((c) => [c.id, c.state, c.attempt, c.history, c.outputs, c.awaitingApproval]),
          );
        }),
        { numRuns: 40 },
      );
    } finally {
      await store.close();
    }
  }, 60_000);
});
