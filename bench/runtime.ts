// Ordo's end-to-end dispatch rate against raw NATS, measured in one run on one machine:
//  - raw: NATS request/reply with 256 in flight, 5,000 requests, one responder (the ceiling);
//  - Ordo: a 5,000-component wide graph (no edges) on the `nil` executor, from `created` to
//    `completed`, with the runner persisting every state change to SQLite (synchronous=FULL)
//    and publishing every event — what an operator's build really costs.
// Prints both rates and their ratio (target: Ordo ≥ 25% of raw). Run: pnpm bench:runtime
//
// For reading the ratio, also printed (not part of it): raw request/reply one at a time, and
// the JetStream traffic of one component alone — a dispatch published and acknowledged,
// delivered, answered with a result published and acknowledged, delivered, both acked — with
// no store and no scheduler: the most Ordo's protocol allows in this process. Each line also
// gives the CPU time per item of this process and of nats-server.
// Also printed: the CPU per component of each thread of this process during the Ordo phase
// (from /proc, Linux): the main thread, then the others, largest first (the store's writer
// thread, V8's compiler and collector helpers, libuv's pool; Linux names them all `node`).
// BENCH_PROFILE=<file.cpuprofile> writes a CPU profile of the Ordo phase;
// BENCH_HEAP_PROFILE=<file.heapprofile> a sampling heap profile of it (every allocation, also
// those collected since). BENCH_WARM=<n> runs both sides n times untimed first (raw: n passes;
// Ordo: n builds of the same size): steady state against steady state, not a cold process.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectBus,
  consumeDispatchesEach,
  consumeResultsEach,
  controlSubject,
  ensureStreams,
  eventsSubject,
  publishDispatch,
  publishResult,
  RUNNER_RESULTS_DURABLE,
  STREAM,
} from '@ordo/bus';
import { startNatsServer } from '@ordo/bus/testing';
import { type BuildEventBatch, controlCommandSchema } from '@ordo/contracts';
import { parseGraph } from '@ordo/core';
import { nilExecutor, runExecutors } from '@ordo/executors';
import { NATIVE_PROVIDERS, Runner } from '@ordo/runner';
import { createStore } from '@ordo/store';
import { createTestDatabase } from '@ordo/store/testing';
import pino from 'pino';

const SIZE = 5_000;
const IN_FLIGHT = 256;
const ONE_AT_A_TIME = 2_000;

const nats = await startNatsServer({ jetstream: true });

interface Cpu {
  node: number;
  /** the main thread alone (process.cpuUsage counts every thread: the store's writer thread too) */
  main: number;
  nats: number;
}

/** CPU time (ms) of a process or thread, from /proc (Linux); NaN elsewhere. */
async function procCpu(path: string): Promise<number> {
  try {
    // utime + stime, fields 14 and 15 of …/stat, in clock ticks (100 per second on Linux)
    const fields = (await readFile(path, 'utf8')).split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** CPU time used so far (ms) by this process, its main thread and nats-server: where the time goes. */
async function cpuNow(): Promise<Cpu> {
  const { user, system } = process.cpuUsage();
  return {
    node: (user + system) / 1000,
    main: await procCpu(`/proc/${process.pid}/task/${process.pid}/stat`),
    nats: await procCpu(`/proc/${nats.pid}/stat`),
  };
}

/** CPU time used so far (ms) by each thread of this process, by thread id; empty where /proc is not. */
async function threadCpu(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const tasks = await readdir(`/proc/${process.pid}/task`).catch(() => [] as string[]);
  for (const tid of tasks) out.set(tid, await procCpu(`/proc/${process.pid}/task/${tid}/stat`));
  return out;
}

/** Runs `work` (`items` of it) and returns its rate, seconds and CPU per item. */
async function measure(items: number, work: () => Promise<void>) {
  const cpu = await cpuNow();
  const start = performance.now();
  await work();
  const seconds = (performance.now() - start) / 1000;
  const end = await cpuNow();
  const per = (ms: number) => ((ms * 1000) / items).toFixed(0);
  return {
    rate: items / seconds,
    line: `${(items / seconds).toFixed(0)} /s (${items} in ${seconds.toFixed(2)} s; CPU per item: node ${per(end.node - cpu.node)} µs, of it the main thread ${per(end.main - cpu.main)} µs, nats-server ${per(end.nats - cpu.nats)} µs)`,
  };
}

const database = await createTestDatabase();
const dataDir = await mkdtemp(join(tmpdir(), 'ordo-bench-'));
const silent = pino({ level: 'silent' });
const debug = pino({ level: process.env.BENCH_DEBUG ? 'debug' : 'silent' });
const bus = await connectBus({ url: nats.url, name: 'bench', logger: silent });

// 1. Raw NATS request/reply: 256 in flight (the ratio's base), then one at a time. On a
// connection of its own with nats.js as it comes: not the bus's write coalescing (coalesce.ts).
const plain = await connectBus({ url: nats.url, name: 'bench-raw', logger: silent, coalesceWrites: false });
const responder = plain.nc.subscribe('bench.echo', { callback: (_err, msg) => msg.respond(msg.data) });
const payload = new TextEncoder().encode(JSON.stringify({ _component_id: 'x', _component: 'task', n: 1 }));
const WARM_UPS = Number(process.env.BENCH_WARM ?? 0);
async function rawPass(): Promise<void> {
  let sent = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (sent < SIZE) {
        sent++;
        await plain.nc.request('bench.echo', payload, { timeout: 10_000 });
      }
    }),
  );
}
for (let i = 0; i < WARM_UPS; i++) await rawPass();
const raw = await measure(SIZE, rawPass);
const serial = await measure(ONE_AT_A_TIME, async () => {
  for (let i = 0; i < ONE_AT_A_TIME; i++) await plain.nc.request('bench.echo', payload, { timeout: 10_000 });
});
responder.unsubscribe();
await plain.close();

// 2. Ordo: runner + nil executor in this process, real store and JetStream.
await ensureStreams(bus, { providers: ['sim', ...NATIVE_PROVIDERS] });
const store = createStore({ url: database.url });
const executors = await runExecutors(bus, [nilExecutor()], {
  dataDir,
  logger: silent,
  concurrency: IN_FLIGHT,
});
const runner = new Runner({
  store,
  bus,
  logger: debug,
  prefix: 'ordo.exec.',
  nativeProviders: new Set(NATIVE_PROVIDERS),
  simulateAll: false,
});
await runner.start();
const changes = Array.from({ length: SIZE }, (_, i) => ({
  _component_id: `task::t${i}`,
  _component: 'task',
  _action: 'create',
  _provider: 'nil',
}));
const parsed = parseGraph({ id: 'wide', edges: [], components: [], changes });
if (!parsed.ok) throw new Error('bench graph did not parse');
const graph = parsed.graph;
async function createBuild(id: string): Promise<void> {
  await store.builds.create({
    id,
    environment: 'bench',
    graph,
    policy: 'fail-fast',
    simulate: false,
    seed: 1,
    createdAt: new Date(),
  });
}
// The end is seen the way a viewer sees it: the build's `completed` event on ordo.events.<build>,
// which the runner publishes only once the state change is committed to the store (checked
// below). Polling the store instead (through Prisma, every 50 ms) cost this process more CPU
// than the measurement is worth; so did checking every event batch against its schema (the
// runner checked them before publishing), and so did parsing every batch (≈ 1.2 MB of JSON
// per build, in the process measured): only a batch that holds a build_state event is parsed.
const BUILD_STATE = Buffer.from('"build_state"');
function endOf(id: string): Promise<string> {
  return new Promise<string>((resolve) => {
    const sub = bus.nc.subscribe(eventsSubject(id), {
      callback: (_err, msg) => {
        const bytes = Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength);
        if (bytes.indexOf(BUILD_STATE) < 0) return;
        const { events } = msg.json<BuildEventBatch>();
        const end = events.find(
          (e) => e.type === 'build_state' && (e.state === 'completed' || e.state === 'errored'),
        );
        if (end?.state) {
          sub.unsubscribe();
          resolve(end.state);
        }
      },
    });
  });
}
for (let i = 0; i < WARM_UPS; i++) {
  const warmId = `bench-warm-${i}`;
  await createBuild(warmId);
  const end = endOf(warmId);
  await bus.flush();
  bus.publish(controlSubject(warmId), controlCommandSchema, { kind: 'created' });
  if ((await end) !== 'completed') throw new Error(`warm-up build ${warmId} did not complete`);
}
const id = 'bench-wide';
await createBuild(id);
const finished = endOf(id);
await bus.flush();
const profiler = process.env.BENCH_PROFILE ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
const heapProfiler = process.env.BENCH_HEAP_PROFILE ? new Session() : undefined;
if (heapProfiler) {
  heapProfiler.connect();
  await heapProfiler.post('HeapProfiler.enable');
  await heapProfiler.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
}
const threadsBefore = await threadCpu();
let ended = '';
const ordo = await measure(SIZE, async () => {
  bus.publish(controlSubject(id), controlCommandSchema, { kind: 'created' });
  ended = await finished;
});
const threadsAfter = await threadCpu();
if (heapProfiler && process.env.BENCH_HEAP_PROFILE) {
  const { profile } = await heapProfiler.post('HeapProfiler.stopSampling');
  await writeFile(process.env.BENCH_HEAP_PROFILE, JSON.stringify(profile));
  heapProfiler.disconnect();
}
if (profiler && process.env.BENCH_PROFILE) {
  const { profile } = await profiler.post('Profiler.stop');
  await writeFile(process.env.BENCH_PROFILE, JSON.stringify(profile));
  profiler.disconnect();
}
const status = (await store.builds.list({ limit: 5 })).find((b) => b.id === id)?.status;
if (ended !== 'completed' || status !== 'completed') {
  throw new Error(`bench build ended ${ended} (store: ${status})`);
}
await runner.stop();
await executors.stop();

// 3. The JetStream traffic of a component alone, through Ordo's bus, after Ordo's run (its
// consumers removed, the results it left purged), on the same durables.
const jsm = await bus.jetstreamManager();
await jsm.consumers.delete(STREAM.dispatch, 'executor_nil');
await jsm.consumers.delete(STREAM.results, RUNNER_RESULTS_DURABLE);
await jsm.streams.purge(STREAM.results);
let answered = 0;
let allAnswered!: () => void;
const done = new Promise<void>((resolve) => {
  allAnswered = resolve;
});
const echo = await consumeDispatchesEach(
  bus,
  { provider: 'nil', ackWaitMs: 30_000, maxMessages: IN_FLIGHT },
  (m) => {
    const { build, component, attempt, deadline } = m.meta;
    void publishResult(bus, 'done', { ...m.data }, { build, component, attempt, deadline }).then(() =>
      m.ackNow(),
    );
  },
);
const collect = await consumeResultsEach(bus, { ackWaitMs: 30_000, maxMessages: IN_FLIGHT }, (r) => {
  r.ackNow();
  if (++answered === SIZE) allAnswered();
});
const deadline = Date.now() + 300_000;
const protocol = await measure(SIZE, async () => {
  await Promise.all(
    changes.map((c) =>
      publishDispatch(
        bus,
        { ...c, service: 'floor' },
        { build: 'floor', component: c._component_id, attempt: 1, deadline },
      ),
    ),
  );
  await done;
});
await echo.stop();
await collect.stop();

const ratio = (rate: number) => `${((rate / raw.rate) * 100).toFixed(1)}%`;
console.log(`raw NATS request/reply (${IN_FLIGHT} in flight): ${raw.line}`);
console.log(`Ordo, ${SIZE}-component wide graph, nil executor: ${ordo.line.replace(' /s', ' components/s')}`);
console.log(`ratio Ordo/raw: ${ratio(ordo.rate)} (target ≥ 25%)`);
const perComponent = (tid: string) =>
  ((((threadsAfter.get(tid) ?? 0) - (threadsBefore.get(tid) ?? 0)) * 1000) / SIZE).toFixed(0);
const others = [...threadsAfter.keys()]
  .filter((tid) => tid !== String(process.pid))
  .map((tid) => Number(perComponent(tid)))
  .filter((us) => us > 0)
  .sort((a, b) => b - a);
console.log(
  `  Ordo's CPU per component by thread: main ${perComponent(String(process.pid))} µs; the others ${others.map((us) => `${us} µs`).join(', ')}`,
);
console.log(`  for reference: raw request/reply one at a time: ${serial.line}`);
console.log(
  `  for reference: JetStream traffic of a component alone (no store, no scheduler): ${protocol.line} — ${ratio(protocol.rate)} of raw`,
);

await bus.close();
await store.close();
await nats.stop();
await database.remove();
await rm(dataDir, { recursive: true, force: true });
