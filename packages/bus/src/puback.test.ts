// JetStream publishes acknowledged through one inbox subscription (puback.ts): the PubAck of each
// publish, de-duplication, and each way a publish fails — as nats.js's own `js.publish` reports.
import { buildEventBatchSchema, dispatchMessageSchema } from '@ordo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bus, connectBus } from './connection';
import { ensureStreams, STREAM } from './streams';
import { dispatchSubject, eventsSubject } from './subjects';
import { memoryLogger, type NatsServerHandle, startNatsServer } from './testing';

let server: NatsServerHandle;
let bus: Bus;

beforeAll(async () => {
  server = await startNatsServer();
  bus = await connectBus({ url: server.url, name: 'puback-test', logger: memoryLogger() });
  await ensureStreams(bus);
});

afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

const event = (seq: number) => ({ events: [{ seq, at: 1, type: 'log' as const, message: `e${seq}` }] });

describe('jsPublish through the PubAck inbox', () => {
  it('resolves each of many concurrent publishes with its own PubAck, in stream order', async () => {
    const subject = eventsSubject('many');
    const acks = await Promise.all(
      Array.from({ length: 500 }, (_, i) => bus.jsPublish(subject, buildEventBatchSchema, event(i + 1))),
    );
    expect(acks.every((a) => a.stream === STREAM.events && a.duplicate === false)).toBe(true);
    const seqs = acks.map((a) => a.seq);
    expect(new Set(seqs).size).toBe(500);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // published in call order
  });

  it('reports a de-duplicated publish as a duplicate of the first', async () => {
    const subject = eventsSubject('dedup');
    const first = await bus.jsPublish(subject, buildEventBatchSchema, event(1), { msgId: 'dedup:1' });
    const again = await bus.jsPublish(subject, buildEventBatchSchema, event(1), { msgId: 'dedup:1' });
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, seq: first.seq, stream: STREAM.events });
  });

  it('fails with PUBLISH_FAILED when no stream captures the subject, or another stream than expected', async () => {
    await expect(
      bus.jsPublish('nobody.listens.here', buildEventBatchSchema, event(1), { timeoutMs: 2_000 }),
    ).rejects.toMatchObject({ code: 'PUBLISH_FAILED', message: expect.stringMatching(/no responders/) });
    const component = {
      _component_id: 'c',
      _component: 'vpc',
      _action: 'create',
      _provider: 'sim',
      service: 'b',
    };
    await expect(
      bus.jsPublish(
        dispatchSubject({ type: 'vpc', action: 'create', provider: 'sim' }),
        dispatchMessageSchema,
        component,
        {
          expectStream: STREAM.events,
        },
      ),
    ).rejects.toMatchObject({ code: 'PUBLISH_FAILED', message: expect.stringMatching(/stream/i) });
  });

  it('fails with PUBLISH_FAILED when no PubAck comes in time, and keeps working afterwards', async () => {
    // a plain subscriber on a subject no stream captures never answers
    const silent = bus.nc.subscribe('quiet.subject');
    const started = Date.now();
    await expect(
      bus.jsPublish('quiet.subject', buildEventBatchSchema, event(1), { timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'PUBLISH_FAILED', message: expect.stringMatching(/timeout/) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(1_500);
    silent.unsubscribe();
    const ack = await bus.jsPublish(eventsSubject('after'), buildEventBatchSchema, event(1));
    expect(ack.stream).toBe(STREAM.events);
  });

  it('times out a publish with a shorter limit made after one with a longer limit', async () => {
    const silent = bus.nc.subscribe('quiet.limits');
    const long = bus.jsPublish('quiet.limits', buildEventBatchSchema, event(1), { timeoutMs: 60_000 });
    long.catch(() => undefined);
    await expect(
      bus.jsPublish('quiet.limits', buildEventBatchSchema, event(2), { timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'PUBLISH_FAILED', message: expect.stringMatching(/timeout/) });
    silent.unsubscribe();
  });

  it('refuses an invalid body before publishing (INVALID_MESSAGE)', async () => {
    await expect(
      bus.jsPublish(eventsSubject('bad'), buildEventBatchSchema, { events: [] }),
    ).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
  });

  it('fails what is pending when the connection closes', async () => {
    const other = await connectBus({ url: server.url, name: 'puback-close', logger: memoryLogger() });
    const silent = other.nc.subscribe('quiet.closing');
    await other.nc.flush();
    const pending = other.jsPublish('quiet.closing', buildEventBatchSchema, event(1), { timeoutMs: 10_000 });
    const started = Date.now();
    silent.unsubscribe();
    await other.close();
    await expect(pending).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
