// Ordo's end-to-end dispatch rate against raw NATS, measured in one run on one machine:
//  - raw: NATS request/reply with 256 in flight, 5,000 requests, one responder (the ceiling);
//  - Ordo: a 5,000-component wide graph (no edges) on the `nil` executor, from `created` to
//    `completed`, with the runner persisting every state change to SQLite and publishing
//    every event — what an operator's build really costs.
// Prints both rates and their ratio (target: Ordo ≥ 25% of raw). Run: pnpm bench:runtime
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, controlSubject, ensureStreams } from '@ordo/bus';
import { startNatsServer } from '@ordo/bus/testing';
import { controlCommandSchema } from '@ordo/contracts';
import { parseGraph } from '@ordo/core';
import { nilExecutor, runExecutors } from '@ordo/executors';
import { NATIVE_PROVIDERS, Runner } from '@ordo/runner';
import { createStore } from '@ordo/store';
import { createTestDatabase } from '@ordo/store/testing';
import pino from 'pino';

const SIZE = 5_000;
const IN_FLIGHT = 256;

const nats = await startNatsServer({ jetstream: true });
const database = await createTestDatabase();
const dataDir = await mkdtemp(join(tmpdir(), 'ordo-bench-'));
const silent = pino({ level: 'silent' });
const debug = pino({ level: process.env.BENCH_DEBUG ? 'debug' : 'silent' });
const bus = await connectBus({ url: nats.url, name: 'bench', logger: silent });

// 1. Raw NATS request/reply, 256 in flight.
const responder = bus.nc.subscribe('bench.echo', { callback: (_err, msg) => msg.respond(msg.data) });
const payload = new TextEncoder().encode(JSON.stringify({ _component_id: 'x', _component: 'task', n: 1 }));
let sent = 0;
const rawStart = performance.now();
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async () => {
    while (sent < SIZE) {
      sent++;
      await bus.nc.request('bench.echo', payload, { timeout: 10_000 });
    }
  }),
);
const rawSeconds = (performance.now() - rawStart) / 1000;
responder.unsubscribe();
const rawRate = SIZE / rawSeconds;

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
const id = 'bench-wide';
await store.builds.create({
  id,
  environment: 'bench',
  graph: parsed.graph,
  policy: 'fail-fast',
  simulate: false,
  seed: 1,
  createdAt: new Date(),
});
const ordoStart = performance.now();
bus.publish(controlSubject(id), controlCommandSchema, { kind: 'created' });
let status = 'pending';
while (status !== 'completed' && status !== 'errored') {
  await new Promise((r) => setTimeout(r, 50));
  status = (await store.builds.list({ limit: 5 })).find((b) => b.id === id)?.status ?? status;
}
const ordoSeconds = (performance.now() - ordoStart) / 1000;
if (status !== 'completed') throw new Error(`bench build ended ${status}`);
const ordoRate = SIZE / ordoSeconds;

console.log(
  `raw NATS request/reply (${IN_FLIGHT} in flight): ${rawRate.toFixed(0)} /s (${SIZE} in ${rawSeconds.toFixed(2)} s)`,
);
console.log(
  `Ordo, ${SIZE}-component wide graph, nil executor: ${ordoRate.toFixed(0)} components/s (${ordoSeconds.toFixed(2)} s)`,
);
console.log(`ratio Ordo/raw: ${((ordoRate / rawRate) * 100).toFixed(1)}% (target ≥ 25%)`);

await runner.stop();
await executors.stop();
await bus.close();
await store.close();
await nats.stop();
await database.remove();
await rm(dataDir, { recursive: true, force: true });
