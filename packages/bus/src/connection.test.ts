import { type BuildEvent, buildEventSchema } from '@ordo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Bus, connectBus } from './connection';
import { BusError } from './errors';
import { ALL_EVENTS, eventsSubject, parseEventsSubject } from './subjects';
import { memoryLogger, type NatsServerHandle, startNatsServer } from './testing';

const ping = z.object({ n: z.number().int() });

let server: NatsServerHandle;
let bus: Bus;
const log = memoryLogger();

beforeAll(async () => {
  server = await startNatsServer();
  bus = await connectBus({ url: server.url, name: 'connection-test', logger: log });
});

afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

function event(seq: number): BuildEvent {
  return {
    seq,
    at: Date.now(),
    type: 'component_state',
    componentId: 'vpc::prod',
    state: 'running',
    attempt: 1,
  };
}

/** Collects `count` items of an async iterable. */
async function take<T>(it: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  if (count === 0) return out;
  for await (const item of it) {
    out.push(item);
    if (out.length === count) break;
  }
  return out;
}

describe('publish / subscribe', () => {
  it('delivers validated messages with headers and skips invalid ones without ending', async () => {
    const buildId = 'build.1 :: ☃';
    const subject = eventsSubject(buildId);
    const sub = bus.subscribe(ALL_EVENTS, buildEventSchema);
    const received = take(sub, 2);

    bus.publish(subject, buildEventSchema, event(1), { headers: { 'Ordo-Build': buildId } });
    bus.nc.publish(subject, new TextEncoder().encode('{"seq": 0, "type": "nope"}'));
    bus.nc.publish(subject, new TextEncoder().encode('not json'));
    bus.publish(subject, buildEventSchema, event(2));

    const [first, second] = await received;
    expect(first?.data.seq).toBe(1);
    expect(first?.headers['Ordo-Build']).toBe(buildId);
    expect(parseEventsSubject(first?.subject ?? '')).toEqual({ buildId });
    expect(second?.data.seq).toBe(2);
    expect(sub.skipped).toBe(2);
    const warnings = log.entries.filter((e) => e.msg === 'skipped an invalid message');
    expect(warnings).toHaveLength(2);
    expect(JSON.stringify(warnings[0]?.obj)).toContain('seq');
    expect(JSON.stringify(warnings[1]?.obj)).toContain('not JSON');
  });

  it('refuses to publish a value its schema rejects', () => {
    const err = (() => {
      try {
        bus.publish(eventsSubject('b'), buildEventSchema, { seq: 0 } as unknown as BuildEvent);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BusError);
    expect((err as BusError).code).toBe('INVALID_MESSAGE');
  });

  it('shares a queue group between subscribers', async () => {
    const subject = 'test.queue';
    const a = bus.subscribe(subject, ping, { queue: 'workers' });
    const b = bus.subscribe(subject, ping, { queue: 'workers' });
    const seen: number[] = [];
    const drainInto = async (s: typeof a) => {
      for await (const m of s) seen.push(m.data.n);
    };
    const done = Promise.all([drainInto(a), drainInto(b)]);
    for (let n = 0; n < 100; n += 1) bus.publish(subject, ping, { n });
    await bus.flush();
    await new Promise((r) => setTimeout(r, 100));
    await a.drain();
    await b.drain();
    await done;
    expect(seen.sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
  });

  it('ends the interest when the loop is left', async () => {
    const subject = 'test.leave';
    const sub = bus.subscribe(subject, ping);
    setTimeout(() => bus.publish(subject, ping, { n: 1 }), 10);
    await take(sub, 1);
    expect(bus.nc.stats().inMsgs).toBeGreaterThan(0);
    expect(() => bus.publish(subject, ping, { n: 2 })).not.toThrow();
    // no subscriber is left: a request gets "no responders"
    await expect(bus.request(subject, ping, { n: 3 }, ping, { timeoutMs: 500 })).rejects.toMatchObject({
      code: 'REQUEST_FAILED',
    });
  });
});

describe('request / reply', () => {
  it('validates the reply', async () => {
    const subject = 'test.double';
    const sub = bus.subscribe(subject, ping);
    void (async () => {
      for await (const m of sub) {
        if (m.data.n < 0) m.msg.respond(new TextEncoder().encode('{"n":"bad"}'));
        else bus.respond(m.msg, ping, { n: m.data.n * 2 });
      }
    })();
    const reply = await bus.request(subject, ping, { n: 21 }, ping);
    expect(reply.data.n).toBe(42);
    await expect(bus.request(subject, ping, { n: -1 }, ping)).rejects.toMatchObject({
      code: 'INVALID_MESSAGE',
    });
    sub.unsubscribe();
  });
});

describe('connection lifecycle', () => {
  it('fails with CONNECT_FAILED when no server answers', async () => {
    await expect(
      connectBus({ url: 'nats://127.0.0.1:1', name: 'nobody', logger: memoryLogger() }),
    ).rejects.toMatchObject({
      code: 'CONNECT_FAILED',
    });
  });

  it('survives a server restart: reconnects, resubscribes and publishes again', async () => {
    const logger = memoryLogger();
    const own = await connectBus({ url: server.url, name: 'restart-test', logger, reconnectTimeWaitMs: 50 });
    const subject = 'test.restart';
    const sub = own.subscribe(subject, ping);
    const it = sub[Symbol.asyncIterator]();

    own.publish(subject, ping, { n: 1 });
    expect((await it.next()).value?.data.n).toBe(1);

    const started = Date.now();
    await server.restart();
    await waitFor(() => logger.entries.some((e) => e.msg === 'NATS reconnect'), 10_000);
    const reconnectMs = Date.now() - started;

    own.publish(subject, ping, { n: 2 });
    expect((await it.next()).value?.data.n).toBe(2);
    expect(logger.entries.some((e) => e.msg === 'NATS disconnect')).toBe(true);
    expect(reconnectMs).toBeLessThan(10_000);
    await own.drain();
    expect(own.isClosed()).toBe(true);
    await own.drain(); // a second drain is harmless
  });
});

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
