// Creating a large build and saving large scheduler batches through the build repository, on a
// temporary SQLite file with the production connection settings (synchronous FULL unless
// ORDO_BENCH_SYNC says otherwise).
// Run: pnpm -C packages/store exec tsx bench/builds.ts
import {
  type BuildEvent,
  type BuildState,
  type Command,
  changedComponents,
  type EnvironmentCommand,
  type Graph,
  type SchedulerEvent,
  step,
} from '@ordo/core';
import { insertRows, sqlDate, updateRows } from '../src/bulk';
import { PrismaClient } from '../src/generated/prisma/client';
import { SqliteAdapterFactory, type SqliteSettings } from '../src/sqlite';
import { createStore } from '../src/store';
import { createTestDatabase } from '../src/testing';

const N = Number(process.env.ORDO_BENCH_COMPONENTS ?? 5000);
const synchronous = (process.env.ORDO_BENCH_SYNC ?? 'FULL') as SqliteSettings['synchronous'];

function graphOf(n: number): Graph {
  const changes = Array.from({ length: n }, (_, i) => ({
    id: `instance::web-${i}`,
    type: 'instance',
    action: 'create',
    provider: i % 2 === 0 ? 'aws' : 'sim',
    props: { name: `web-${i}`, size: 't3.small', image: 'debian-12', tags: { team: 'shop', index: i } },
  }));
  // a wide DAG: every component after the first 100 depends on one of the first 100
  const edges = [];
  for (let i = 100; i < n; i++)
    edges.push({ source: `instance::web-${i % 100}`, destination: `instance::web-${i}` });
  return { name: 'bench', changes, current: [], edges };
}

interface Batch {
  state: BuildState;
  changed: Set<number>;
  events: BuildEvent[];
  environment: EnvironmentCommand[];
}

function collect(batch: Batch, event: SchedulerEvent, commands: Command[]): void {
  for (const i of changedComponents(batch.state, event, commands)) batch.changed.add(i);
  for (const c of commands) {
    if (c.kind === 'emit') batch.events.push(c.event);
    else if (c.kind === 'environment') batch.environment.push(c);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Wall and CPU time of `run` (libSQL runs SQLite on this thread, so CPU time includes it; fsync waits do not count). */
async function timed(run: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  await run();
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

const fmt = (t: { wall: number; cpu: number }) => `${t.wall.toFixed(0)} ms (cpu ${t.cpu.toFixed(0)} ms)`;

const database = await createTestDatabase();
const store = createStore({ url: database.url, sqlite: { synchronous } });
try {
  console.log(`${N} components, synchronous=${synchronous}`);
  await store.graphDefinitions.list(); // opens the connection

  const creates: Array<{ wall: number; cpu: number }> = [];
  for (let k = 0; k < 5; k++) {
    const graph = graphOf(N);
    creates.push(
      await timed(() =>
        store.builds.create({
          id: `warm-${k}`,
          environment: 'bench',
          graph,
          policy: 'fail-fast',
          simulate: true,
          seed: 1,
          createdAt: new Date(),
          concurrency: { build: 500 },
        }),
      ),
    );
  }
  console.log(
    `create (${N} components, ${N - 100} edges): median ${median(creates.map((t) => t.wall)).toFixed(0)} ms, cpu ${median(creates.map((t) => t.cpu)).toFixed(0)} ms (5 runs: ${creates.map((t) => t.wall.toFixed(0)).join(', ')})`,
  );

  const start = performance.now();
  const loaded = await store.builds.loadState('warm-0');
  console.log(`loadState (${N} components, pending): ${(performance.now() - start).toFixed(0)} ms`);
  if (!loaded) throw new Error('not loaded');

  // start: 500 dispatched (build limit 500)
  const state = loaded;
  let now = Date.now();
  const first: Batch = { state, changed: new Set(), events: [], environment: [] };
  collect(first, { kind: 'start' }, step(state, { kind: 'start' }, now).commands);
  console.log(
    `persist start: ${first.changed.size} changed, ${first.events.length} events: ${fmt(await timed(() => store.builds.persist([first])))}`,
  );

  // rounds of completions, each completing `size` running components (each completion dispatches the next)
  for (const size of [250, 500, 500, 500]) {
    const batch: Batch = { state, changed: new Set(), events: [], environment: [] };
    const running = state.components.filter((c) => c.state === 'running').slice(0, size);
    now += 10;
    for (const c of running) {
      const event: SchedulerEvent = {
        kind: 'result',
        componentId: c.id,
        attempt: c.attempt,
        status: 'done',
        payload: { instance_aws_id: `i-${c.id}`, public_ip: '203.0.113.7' },
      };
      collect(batch, event, step(state, event, now).commands);
    }
    const t = await timed(() => store.builds.persist([batch]));
    console.log(
      `persist ${size} completions: ${batch.changed.size} changed components, ${batch.events.length} events, ${batch.environment.length} environment puts: ${fmt(t)}`,
    );
  }
  // the brief's shape: 500 changed components and 1,000 events (500 completions, each answered
  // twice: the repeat only logs an "ignored" event) on a 500-component build with no edges
  await store.builds.create({
    id: 'flat',
    environment: 'bench',
    graph: { name: 'flat', changes: graphOf(500).changes, current: [], edges: [] },
    policy: 'fail-fast',
    simulate: true,
    seed: 1,
    createdAt: new Date(),
  });
  const flat = (await store.builds.loadState('flat')) as BuildState;
  const flatStart: Batch = { state: flat, changed: new Set(), events: [], environment: [] };
  collect(flatStart, { kind: 'start' }, step(flat, { kind: 'start' }, now).commands);
  console.log(
    `persist start (500 dispatches): ${flatStart.changed.size} changed, ${flatStart.events.length} events: ${fmt(await timed(() => store.builds.persist([flatStart])))}`,
  );
  const flatBatch: Batch = { state: flat, changed: new Set(), events: [], environment: [] };
  for (let round = 0; round < 2; round++) {
    for (const c of flat.components) {
      const event: SchedulerEvent = {
        kind: 'result',
        componentId: c.id,
        attempt: 1,
        status: 'done',
        payload: { instance_aws_id: `i-${c.id}`, public_ip: '203.0.113.7' },
      };
      collect(flatBatch, event, step(flat, event, now + 5).commands);
    }
  }
  console.log(
    `persist ${flatBatch.changed.size} changed components, ${flatBatch.events.length} events, ${flatBatch.environment.length} environment puts: ${fmt(await timed(() => store.builds.persist([flatBatch])))}`,
  );

  let again: BuildState | null = null;
  const reload = await timed(async () => {
    again = await store.builds.loadState('warm-0');
  });
  console.log(`loadState (${N} components, running): ${fmt(reload)}`);
  if (JSON.stringify(again) !== JSON.stringify(state)) throw new Error('reloaded state differs');
} finally {
  await store.close();
}

// The same writes through Prisma's API and through bulk.ts: 500 component updates (state, run
// JSON, …) and 1,000 events, each in one transaction, on the builds made above.
const db = new PrismaClient({
  adapter: new SqliteAdapterFactory(database.url, { busyTimeoutMs: 5000, synchronous }),
});
try {
  const run = (i: number) => ({
    state: 'completed',
    attempt: 1,
    triesLeft: 0,
    outputs: { instance_aws_id: `i-${i}`, public_ip: '203.0.113.7' },
    error: null,
    history: [{ attempt: 1, dispatchedAt: 1, status: 'completed', finishedAt: 2 }],
    payload: null,
    deadline: null,
    retryAt: null,
    retryDue: false,
    cancelRequested: false,
    cancelGraceAt: null,
    awaitingApproval: false,
    approved: false,
  });
  const event = (seq: number) => ({
    seq,
    at: 1_700_000_000_000 + seq,
    type: 'component_state',
    componentId: `instance::web-${seq % 500}`,
    state: 'completed',
    attempt: 1,
  });
  const prismaWay = await timed(() =>
    db.$transaction(
      async (tx) => {
        for (let i = 0; i < 500; i++) {
          await tx.buildComponent.update({
            where: { buildId_componentId: { buildId: 'warm-1', componentId: `instance::web-${i}` } },
            data: { state: 'completed', attempt: 1, triesLeft: 0, outputs: run(i).outputs, run: run(i) },
            select: { index: true },
          });
        }
        const events = Array.from({ length: 1000 }, (_, k) => ({
          buildId: 'warm-1',
          ...event(k + 1),
          at: new Date(event(k + 1).at),
        }));
        await tx.buildEvent.createMany({ data: events });
      },
      { timeout: 60_000 },
    ),
  );
  const bulkWay = await timed(() =>
    db.$transaction(async (tx) => {
      const now = sqlDate(Date.now());
      await updateRows(
        tx,
        'BuildComponent',
        { buildId: 'warm-2' },
        ['componentId'],
        [
          ['state', 'value'],
          ['attempt', 'value'],
          ['triesLeft', 'value'],
          ['outputs', 'json'],
          ['run', 'json'],
          ['updatedAt', 'value'],
        ],
        Array.from({ length: 500 }, (_, i) => [
          `instance::web-${i}`,
          'completed',
          1,
          0,
          run(i).outputs,
          run(i),
          now,
        ]),
      );
      await insertRows(
        tx,
        'BuildEvent',
        [
          ['buildId', 'value'],
          ['seq', 'value'],
          ['at', 'value'],
          ['type', 'value'],
          ['componentId', 'value'],
          ['state', 'value'],
          ['attempt', 'value'],
        ],
        Array.from({ length: 1000 }, (_, k) => {
          const e = event(k + 1);
          return ['warm-2', e.seq, sqlDate(e.at), e.type, e.componentId, e.state, e.attempt];
        }),
      );
    }),
  );
  console.log(`500 component updates + 1,000 events, Prisma API: ${fmt(prismaWay)}`);
  console.log(`500 component updates + 1,000 events, bulk.ts:    ${fmt(bulkWay)}`);
  console.log(
    `ratio Prisma API / bulk: ${(prismaWay.wall / bulkWay.wall).toFixed(0)}x wall, ${(prismaWay.cpu / bulkWay.cpu).toFixed(0)}x cpu`,
  );
} finally {
  await db.$disconnect();
  await database.remove();
}
