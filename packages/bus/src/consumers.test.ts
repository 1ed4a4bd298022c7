import { type DispatchMessage, execHeaders, resultMessageSchema } from '@ordo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Bus, connectBus } from './connection';
import { consumeDurable, type DurableMessage, ensureDurableConsumer } from './consumers';
import { consumeDispatches, consumeResults, publishCancel, publishDispatch, publishResult } from './exec';
import { ensureStreams, STREAM } from './streams';
import { dispatchSubject, execFilter } from './subjects';
import { memoryLogger, type NatsServerHandle, startNatsServer } from './testing';

const job = z.object({ n: z.number().int() });
type Job = z.infer<typeof job>;

let server: NatsServerHandle;
let bus: Bus;
const log = memoryLogger();

beforeAll(async () => {
  server = await startNatsServer();
  bus = await connectBus({ url: server.url, name: 'consumers-test', logger: log, reconnectTimeWaitMs: 50 });
  await ensureStreams(bus);
});

afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

/** Dispatch subject of a test's own provider, so that work-queue filters never overlap. */
const subjectFor = (provider: string) => dispatchSubject({ type: 'job', action: 'create', provider });

function jobConsumer(provider: string, ackWaitMs = 1000, maxMessages = 1) {
  return consumeDurable(bus, {
    stream: STREAM.dispatch,
    durable: `test_${provider}`,
    filterSubject: execFilter({ provider }),
    ackWaitMs,
    maxMessages,
    schema: job,
  });
}

/** The next item, or `undefined` when none arrives within `ms`. */
async function nextWithin<T>(it: AsyncIterator<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  const next = it.next().then((r) => (r.done ? undefined : r.value));
  const value = await Promise.race([next, timeout]);
  clearTimeout(timer);
  return value;
}

async function pendingOf(provider: string) {
  const jsm = await bus.jetstreamManager();
  const info = await jsm.consumers.info(STREAM.dispatch, `test_${provider}`);
  return { ackPending: info.num_ack_pending, pending: info.num_pending, redelivered: info.num_redelivered };
}

describe('durable pull consumer', () => {
  it('redelivers a message not acked within ack_wait', async () => {
    const sub = await jobConsumer('redeliver', 1000);
    const it = sub[Symbol.asyncIterator]();
    await bus.jsPublish(subjectFor('redeliver'), job, { n: 1 });

    const first = await nextWithin(it, 5000);
    expect(first?.data).toEqual({ n: 1 });
    expect(first?.deliveryCount).toBe(1);
    expect(first?.redelivered).toBe(false);
    const t0 = Date.now();

    const second = await nextWithin(it, 5000);
    const waited = Date.now() - t0;
    expect(second?.seq).toBe(first?.seq);
    expect(second?.deliveryCount).toBe(2);
    expect(second?.redelivered).toBe(true);
    expect(waited).toBeGreaterThanOrEqual(900);
    await second?.ack();
    await sub.stop();
  });

  it('does not redeliver an acked message, and the work queue forgets it', async () => {
    const sub = await jobConsumer('acked', 500);
    const it = sub[Symbol.asyncIterator]();
    await bus.jsPublish(subjectFor('acked'), job, { n: 2 });
    const m = await nextWithin(it, 5000);
    await m?.ack();
    await m?.ack(); // acking twice is harmless
    expect(await nextWithin(it, 1500)).toBeUndefined();
    expect(await pendingOf('acked')).toEqual({ ackPending: 0, pending: 0, redelivered: 0 });
    const jsm = await bus.jetstreamManager();
    const left = await jsm.streams
      .getMessage(STREAM.dispatch, { last_by_subj: subjectFor('acked') })
      .catch(() => null);
    expect(left).toBeNull();
    await sub.stop();
  });

  it('delivers what was published before the consumer existed, and nothing is lost across its restart', async () => {
    const provider = 'late';
    await bus.jsPublish(subjectFor(provider), job, { n: 1 });
    await bus.jsPublish(subjectFor(provider), job, { n: 2 });

    const first = await jobConsumer(provider, 2000, 4);
    const seen: number[] = [];
    for await (const m of first) {
      seen.push(m.data.n);
      await m.ack();
      if (seen.length === 2) break; // leaving the loop stops the consumer
    }
    // Published while no process is bound: kept for the next one.
    await bus.jsPublish(subjectFor(provider), job, { n: 3 });
    const second = await jobConsumer(provider, 2000, 4);
    for await (const m of second) {
      seen.push(m.data.n);
      await m.ack();
      break;
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(await pendingOf(provider)).toMatchObject({ ackPending: 0, pending: 0 });
  });

  it('shares one durable between processes, each message to one of them', async () => {
    const provider = 'shared';
    const other = await connectBus({ url: server.url, name: 'consumers-test-2', logger: memoryLogger() });
    const a = await jobConsumer(provider, 5000, 2);
    const b = await consumeDurable(other, {
      stream: STREAM.dispatch,
      durable: `test_${provider}`,
      filterSubject: execFilter({ provider }),
      ackWaitMs: 5000,
      maxMessages: 2,
      schema: job,
    });
    const got: Record<'a' | 'b', number[]> = { a: [], b: [] };
    const total = 40;
    let count = 0;
    let allDone: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    const work = async (name: 'a' | 'b', sub: AsyncIterable<DurableMessage<Job>>) => {
      for await (const m of sub) {
        got[name].push(m.data.n);
        await new Promise((r) => setTimeout(r, 5));
        await m.ack();
        count += 1;
        if (count === total) allDone();
      }
    };
    const running = [work('a', a), work('b', b)];
    for (let n = 0; n < total; n += 1) await bus.jsPublish(subjectFor(provider), job, { n });
    await finished;
    await a.stop();
    await b.stop();
    await Promise.all(running);
    await other.close();
    expect([...got.a, ...got.b].sort((x, y) => x - y)).toEqual([...Array(total).keys()]);
    expect(got.a.length).toBeGreaterThan(0);
    expect(got.b.length).toBeGreaterThan(0);
  });

  it('redelivers after nak(delay), and working() holds a message past ack_wait', async () => {
    const sub = await jobConsumer('nak', 1000);
    const it = sub[Symbol.asyncIterator]();
    await bus.jsPublish(subjectFor('nak'), job, { n: 1 });
    const m = await nextWithin(it, 5000);
    const t0 = Date.now();
    m?.nak(300);
    const again = await nextWithin(it, 5000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(again?.deliveryCount).toBe(2);

    // Keep working for 2.5 × ack_wait: no redelivery meanwhile.
    for (let i = 0; i < 6; i += 1) {
      again?.working();
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(await pendingOf('nak')).toMatchObject({ ackPending: 1, redelivered: 1 });
    await again?.ack();
    expect(await nextWithin(it, 1200)).toBeUndefined();
    await sub.stop();
  });

  it('terminates an invalid message and goes on with the next', async () => {
    const sub = await jobConsumer('invalid', 500);
    const it = sub[Symbol.asyncIterator]();
    await bus.jetstream().publish(subjectFor('invalid'), new TextEncoder().encode('{"n":"x"}'));
    await bus.jsPublish(subjectFor('invalid'), job, { n: 7 });
    const m = await nextWithin(it, 5000);
    expect(m?.data).toEqual({ n: 7 });
    await m?.ack();
    expect(sub.skipped).toBe(1);
    expect(await nextWithin(it, 1200)).toBeUndefined(); // the bad one is not redelivered
    expect(log.entries.some((e) => e.msg === 'terminated an invalid message')).toBe(true);
    await sub.stop();
  });

  it('keeps consuming across a server restart, with nothing lost', async () => {
    const sub = await jobConsumer('restart', 2000);
    const it = sub[Symbol.asyncIterator]();
    await bus.jsPublish(subjectFor('restart'), job, { n: 1 });
    await (await nextWithin(it, 5000))?.ack();

    await server.restart();
    await waitFor(async () => {
      try {
        await bus.jsPublish(subjectFor('restart'), job, { n: 2 }, { timeoutMs: 500 });
        return true;
      } catch {
        return false;
      }
    }, 10_000);
    const t0 = Date.now();
    const m = await nextWithin(it, 20_000);
    expect(m?.data).toEqual({ n: 2 });
    await m?.ack();
    expect(Date.now() - t0).toBeLessThan(20_000);
    await sub.stop();
  });
});

describe('ensureDurableConsumer', () => {
  it('updates ack_wait in place and refuses a changed filter', async () => {
    const opts = {
      stream: STREAM.dispatch,
      durable: 'test_conf',
      filterSubject: execFilter({ provider: 'conf' }),
    };
    await ensureDurableConsumer(bus, { ...opts, ackWaitMs: 1000 });
    const updated = await ensureDurableConsumer(bus, { ...opts, ackWaitMs: 3000 });
    expect(updated.config.ack_wait).toBe(3000 * 1_000_000);
    await expect(
      ensureDurableConsumer(bus, {
        ...opts,
        filterSubject: execFilter({ provider: 'other' }),
        ackWaitMs: 3000,
      }),
    ).rejects.toMatchObject({ code: 'CONSUMER_CONFLICT' });
  });

  it('refuses a second durable whose filter contains another on the work queue', async () => {
    await ensureDurableConsumer(bus, {
      stream: STREAM.dispatch,
      durable: 'test_claim_sim',
      filterSubject: execFilter({ provider: 'claim' }),
      ackWaitMs: 1000,
    });
    await expect(
      ensureDurableConsumer(bus, {
        stream: STREAM.dispatch,
        durable: 'test_claim_all',
        filterSubject: execFilter({}),
        ackWaitMs: 1000,
      }),
    ).rejects.toMatchObject({ code: 'CONSUMER_CONFLICT' });
  });
});

describe('dispatch protocol helpers', () => {
  it('carries a dispatch to an executor and its result to the runner, passing cancels over', async () => {
    const meta = { build: 'b.1', component: 'vpc::prod ☃', attempt: 1, deadline: Date.now() + 60_000 };
    const component: DispatchMessage = {
      _component_id: 'vpc::prod ☃',
      _component: 'vpc',
      _action: 'create',
      _provider: 'protocol',
      service: 'b.1',
      cidr: '10.0.0.0/16',
    };
    await publishDispatch(bus, component, meta);
    await publishCancel(bus, component, meta);

    const executor = await consumeDispatches(bus, { provider: 'protocol', ackWaitMs: 5000 });
    expect(executor.durable).toBe('executor_protocol');
    for await (const d of executor) {
      expect(d.data).toEqual(component);
      expect(d.meta).toEqual({ ...meta, key: 'b.1/vpc::prod ☃/1' });
      await publishResult(bus, 'done', { ...d.data, vpc_id: 'vpc-1' }, d.meta);
      await d.ack();
      break;
    }

    const runner = await consumeResults(bus, { ackWaitMs: 5000, durable: 'test_runner' });
    for await (const r of runner) {
      expect(r.kind).toBe('done');
      expect(r.route).toEqual({ type: 'vpc', action: 'create', provider: 'protocol' });
      expect(resultMessageSchema.parse(r.data)).toMatchObject({ vpc_id: 'vpc-1', cidr: '10.0.0.0/16' });
      expect(r.meta.key).toBe('b.1/vpc::prod ☃/1');
      await r.ack();
      break;
    }
  });

  it('terminates a dispatch whose headers are missing or inconsistent', async () => {
    const component = {
      _component_id: 'x',
      _component: 'vpc',
      _action: 'create',
      _provider: 'badmeta',
      service: 'b',
    };
    const headers = {
      ...execHeaders({ build: 'b', component: 'x', attempt: 1, deadline: 1 }),
      'Ordo-Key': 'b/x/2',
    };
    await bus.jsPublish(
      dispatchSubject({ type: 'vpc', action: 'create', provider: 'badmeta' }),
      z.any(),
      component,
      {
        headers,
      },
    );
    const executor = await consumeDispatches(bus, { provider: 'badmeta', ackWaitMs: 500 });
    const it = executor[Symbol.asyncIterator]();
    expect(await nextWithin(it, 1500)).toBeUndefined();
    expect(executor.skipped).toBe(1);
    await executor.stop();
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
