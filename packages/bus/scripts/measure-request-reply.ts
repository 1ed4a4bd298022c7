// Throwaway measure, not a test: request/reply rates through the bus on loopback, for
// comparison with shared/toolchain.md (≈2,400/s one at a time, ≈25,000/s with 256 in flight).
// Run: pnpm -C packages/bus measure
import { z } from 'zod';
import { connectBus } from '../src/connection';
import { memoryLogger, startNatsServer } from '../src/testing';

const body = z.object({ n: z.number().int(), id: z.string() });
const subject = 'measure.echo';

const server = await startNatsServer({ jetstream: false });
const responder = await connectBus({ url: server.url, name: 'responder', logger: memoryLogger() });
const requester = await connectBus({ url: server.url, name: 'requester', logger: memoryLogger() });

const sub = responder.subscribe(subject, body);
void (async () => {
  for await (const m of sub) responder.respond(m.msg, body, m.data);
})();
await responder.flush();

// The same echo on bare nats.js, without zod or JSON, to show what the bus adds.
const rawSubject = 'measure.raw';
responder.nc.subscribe(rawSubject, { callback: (_err, m) => m.respond(m.data) });
await responder.flush();

async function rawRate(total: number, inFlight: number): Promise<number> {
  let next = 0;
  const payload = new TextEncoder().encode(JSON.stringify({ n: 0, id: 'vpc::prod' }));
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      next += 1;
      await requester.nc.request(rawSubject, payload, { timeout: 5000 });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return total / ((performance.now() - started) / 1000);
}

async function rate(total: number, inFlight: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const n = next++;
      const reply = await requester.request(subject, body, { n, id: 'vpc::prod' }, body);
      if (reply.data.n !== n) throw new Error('wrong reply');
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return total / ((performance.now() - started) / 1000);
}

async function oneWay(total: number): Promise<number> {
  const sink = responder.subscribe('measure.oneway', body);
  let got = 0;
  const done = (async () => {
    for await (const _ of sink) if (++got === total) break;
  })();
  await responder.flush();
  const started = performance.now();
  for (let n = 0; n < total; n += 1) requester.publish('measure.oneway', body, { n, id: 'vpc::prod' });
  await done;
  return total / ((performance.now() - started) / 1000);
}

await rate(2000, 64); // warm up
const sequential = await rate(5000, 1);
const parallel = await rate(50_000, 256);
const rawSequential = await rawRate(5000, 1);
const rawParallel = await rawRate(50_000, 256);
const pubsub = await oneWay(200_000);
console.log(`request/reply, one at a time: ${Math.round(sequential).toLocaleString('en')}/s`);
console.log(`request/reply, 256 in flight: ${Math.round(parallel).toLocaleString('en')}/s`);
console.log(`publish → subscribe (validated both ends): ${Math.round(pubsub).toLocaleString('en')} msgs/s`);
console.log(`ratio 256-in-flight / sequential: ${(parallel / sequential).toFixed(1)}×`);
console.log(
  `bare nats.js for comparison: ${Math.round(rawSequential).toLocaleString('en')}/s one at a time, ` +
    `${Math.round(rawParallel).toLocaleString('en')}/s with 256 in flight (bus/bare: ${(parallel / rawParallel).toFixed(2)})`,
);

await requester.close();
await responder.close();
await server.stop();
