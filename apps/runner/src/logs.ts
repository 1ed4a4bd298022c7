// Keeps executors' log lines: reads ORDO_LOGS through a durable consumer and appends them
// to the store in batches, acknowledging only what was written. Lines of the cloud service's
// requests (builds `ordo:cloud`, `ordo:lifecycle`) name no stored build: acked, not kept.
import { type Bus, consumeDurable, type DurableMessage, parseLogsSubject, STREAM } from '@ordo/bus';
import { CLOUD_BUILD_ID, LIFECYCLE_BUILD_ID, type LogLine, logLineSchema } from '@ordo/contracts';
import type { Store } from '@ordo/store';
import type { Logger } from 'pino';

const BATCH = 500;
const FLUSH_MS = 100;

export interface LogKeeper {
  stop(): Promise<void>;
}

export async function keepLogs(bus: Bus, store: Store, log: Logger): Promise<LogKeeper> {
  const subscription = await consumeDurable(bus, {
    stream: STREAM.logs,
    durable: 'ordo_runner_logs',
    ackWaitMs: 30_000,
    maxMessages: BATCH,
    schema: logLineSchema,
  });
  let pending: DurableMessage<LogLine>[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing = Promise.resolve();

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return flushing;
    flushing = flushing.then(async () => {
      const lines = [];
      for (const message of batch) {
        const subject = parseLogsSubject(message.subject);
        // lines of cloud-state polls/actions and lifecycle tasks belong to no build: not kept
        if (!subject || subject.buildId === CLOUD_BUILD_ID || subject.buildId === LIFECYCLE_BUILD_ID)
          continue;
        lines.push({ buildId: subject.buildId, ...message.data });
      }
      try {
        await store.logs.append(lines);
        await Promise.all(batch.map((m) => m.ack().catch(() => undefined)));
      } catch (error) {
        log.error({ err: error, lines: lines.length }, 'log lines not stored; they will be redelivered');
        for (const m of batch) m.nak(1_000);
      }
    });
    return flushing;
  };

  const reading = (async () => {
    for await (const message of subscription) {
      pending.push(message);
      if (pending.length >= BATCH) void flush();
      else timer ??= setTimeout(() => void flush(), FLUSH_MS);
    }
  })();

  return {
    async stop() {
      await subscription.stop();
      await reading.catch(() => undefined);
      await flush();
    },
  };
}
