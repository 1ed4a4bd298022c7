// Durable pull consumers: work shared by every process that binds the same durable, each
// message acked only when its work is done; not acked within ack_wait, it is redelivered.
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamManager,
  type JsMsg,
  nanos,
} from 'nats';
import type { z } from 'zod';
import { decodeMessage, type HeaderRecord } from './codec';
import type { Bus } from './connection';
import { BusError } from './errors';
import { jsErrorCode } from './streams';

const CONSUMER_NOT_FOUND = 10014;
const DURABLE_NAME = /^[A-Za-z0-9_-]+$/;

export interface DurableConsumerOptions {
  stream: string;
  /** durable name, `[A-Za-z0-9_-]+`; processes binding the same name share its messages */
  durable: string;
  /** only messages on these subjects (one filter: NATS 2.9) */
  filterSubject?: string | undefined;
  /** redelivery deadline: a message not acked (or `working()`-extended) by then is sent again */
  ackWaitMs: number;
  /** deliveries of one message before the server gives up on it; default -1 (no limit) */
  maxDeliver?: number | undefined;
  /** unacked messages outstanding across all bound processes; default 1000 */
  maxAckPending?: number | undefined;
  description?: string | undefined;
}

/**
 * Creates the durable pull consumer or brings ack_wait / max_deliver / max_ack_pending /
 * description of an existing one up to date. Its filter, deliver and ack policy cannot be
 * changed in place: `CONSUMER_CONFLICT`. Safe to call from every process at once.
 */
export async function ensureDurableConsumer(bus: Bus, opts: DurableConsumerOptions): Promise<ConsumerInfo> {
  if (!DURABLE_NAME.test(opts.durable)) {
    throw new BusError(
      'INVALID_TOKEN',
      `invalid durable name ${JSON.stringify(opts.durable)}: must match [A-Za-z0-9_-]+`,
    );
  }
  if (!(opts.ackWaitMs > 0))
    throw new BusError('INVALID_TOKEN', `ackWaitMs must be positive, got ${opts.ackWaitMs}`);
  const jsm = await bus.jetstreamManager();
  const wanted = {
    ack_wait: nanos(opts.ackWaitMs),
    max_deliver: opts.maxDeliver ?? -1,
    max_ack_pending: opts.maxAckPending ?? 1000,
    description: opts.description ?? '',
  };
  for (let tries = 0; tries < 3; tries += 1) {
    const existing = await consumerInfo(jsm, opts.stream, opts.durable);
    if (!existing) {
      const config: Partial<ConsumerConfig> = {
        durable_name: opts.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ...(opts.filterSubject ? { filter_subject: opts.filterSubject } : {}),
        ...wanted,
      };
      try {
        return await jsm.consumers.add(opts.stream, config);
      } catch (err) {
        // Another process may have created it a moment ago, with other settings: look again.
        if (tries < 2 && (await consumerInfo(jsm, opts.stream, opts.durable))) continue;
        throw new BusError(
          'CONSUMER_CONFLICT',
          `cannot create consumer ${opts.durable} on ${opts.stream}: ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
    const c = existing.config;
    const filter = c.filter_subject ?? '';
    if (filter !== (opts.filterSubject ?? '') || c.ack_policy !== AckPolicy.Explicit) {
      throw new BusError(
        'CONSUMER_CONFLICT',
        `consumer ${opts.durable} on ${opts.stream} exists with filter ${JSON.stringify(filter)} and ack ` +
          `${c.ack_policy}; wanted ${JSON.stringify(opts.filterSubject ?? '')} and explicit`,
      );
    }
    const same =
      c.ack_wait === wanted.ack_wait &&
      (c.max_deliver ?? -1) === wanted.max_deliver &&
      c.max_ack_pending === wanted.max_ack_pending &&
      (c.description ?? '') === wanted.description;
    if (same) return existing;
    try {
      return await jsm.consumers.update(opts.stream, opts.durable, wanted);
    } catch (err) {
      throw new BusError(
        'CONSUMER_CONFLICT',
        `cannot update consumer ${opts.durable} on ${opts.stream}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
  throw new BusError('CONSUMER_CONFLICT', `consumer ${opts.durable} on ${opts.stream} kept changing`);
}

async function consumerInfo(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (err) {
    if (jsErrorCode(err) === CONSUMER_NOT_FOUND) return undefined;
    throw err;
  }
}

/** A message from a durable consumer whose body (and headers, with `meta`) passed validation. */
export interface DurableMessage<T, M = undefined> {
  data: T;
  meta: M;
  headers: HeaderRecord;
  subject: string;
  /** stream sequence number */
  seq: number;
  /** 1 on first delivery */
  deliveryCount: number;
  redelivered: boolean;
  msg: JsMsg;
  /** done: the server confirms, and never delivers it again (throws `ACK_FAILED`) */
  ack(): Promise<void>;
  /**
   * done, without waiting for the server's confirmation: for consumers whose processing is
   * idempotent (a lost ack only means a redelivery that is recognised and ignored)
   */
  ackNow(): void;
  /** not done: deliver again, after `delayMs` if given */
  nak(delayMs?: number): void;
  /** still working: restarts the ack_wait timer */
  working(): void;
  /** never deliver again (a message that cannot ever be processed) */
  term(): void;
}

/** Messages of a durable consumer, read with `for await` (once). */
export interface DurableSubscription<D> extends AsyncIterable<D> {
  readonly stream: string;
  readonly durable: string;
  /** messages that failed validation (logged and terminated) */
  readonly skipped: number;
  /** stops pulling; unacked messages go to other processes after ack_wait */
  stop(): Promise<void>;
}

export interface ConsumeDurableOptions<S extends z.ZodType, M> extends DurableConsumerOptions {
  schema: S;
  /** zod schema for the header record (e.g. `execHeadersSchema`); its output is `meta` */
  meta?: z.ZodType<M> | undefined;
  /**
   * Messages pulled ahead of processing (default 1). Their ack_wait runs while they wait in
   * this process, so keep it at the number of messages the process works on at once.
   */
  maxMessages?: number | undefined;
}

/**
 * Ensures the durable consumer, binds to it and yields its validated messages. An invalid
 * message is logged and terminated (never redelivered); the iteration goes on.
 */
export async function consumeDurable<S extends z.ZodType, M = undefined>(
  bus: Bus,
  opts: ConsumeDurableOptions<S, M>,
): Promise<DurableSubscription<DurableMessage<z.output<S>, M>>> {
  await ensureDurableConsumer(bus, opts);
  const consumer = await bus.jetstream().consumers.get(opts.stream, opts.durable);
  const messages = await consumer.consume({ max_messages: opts.maxMessages ?? 1 });
  void logConsumerStatus(bus, messages, opts.durable);
  return new DurableIterator<z.output<S>, M>(
    bus,
    messages,
    opts.stream,
    opts.durable,
    opts.schema as z.ZodType<z.output<S>>,
    opts.meta,
  );
}

/** A durable consumer read through a callback (`consumeDurableEach`). */
export interface DurableConsumer {
  readonly stream: string;
  readonly durable: string;
  /** messages that failed validation (logged and terminated) */
  readonly skipped: number;
  /** stops pulling; unacked messages go to other processes after ack_wait */
  stop(): Promise<void>;
  /**
   * Resolves when the consumer ended: after `stop()` (undefined), or on its own with the reason
   * (e.g. the consumer was deleted) — then bind again.
   */
  ended(): Promise<Error | undefined>;
}

/**
 * `consumeDurable` without the async iteration: each validated message is handed to
 * `onMessage` as it arrives (the iterator's queue, promises and generator hops cost more than
 * decoding the message on the hot path). `onMessage` must not throw (a throw is logged); it
 * acks, naks or holds the message as the iterator's reader would. Invalid messages are logged
 * and terminated.
 */
export async function consumeDurableEach<S extends z.ZodType, M = undefined>(
  bus: Bus,
  opts: ConsumeDurableOptions<S, M>,
  onMessage: (message: DurableMessage<z.output<S>, M>) => void,
): Promise<DurableConsumer> {
  await ensureDurableConsumer(bus, opts);
  const consumer = await bus.jetstream().consumers.get(opts.stream, opts.durable);
  const schema = opts.schema as z.ZodType<z.output<S>>;
  let skipped = 0;
  const messages = await consumer.consume({
    max_messages: opts.maxMessages ?? 1,
    callback: (msg) => {
      const decoded = decodeMessage(msg, schema, opts.meta);
      if (!decoded.ok) {
        skipped += 1;
        bus.logger.warn(
          { durable: opts.durable, subject: msg.subject, seq: msg.seq, error: decoded.error },
          'terminated an invalid message',
        );
        msg.term();
        return;
      }
      try {
        onMessage(new Delivery(msg, decoded.data, decoded.meta as M, decoded.headers));
      } catch (err) {
        bus.logger.error(
          { durable: opts.durable, subject: msg.subject, err: (err as Error).message },
          'message handler failed',
        );
      }
    },
  });
  void logConsumerStatus(bus, messages, opts.durable);
  return {
    stream: opts.stream,
    durable: opts.durable,
    get skipped() {
      return skipped;
    },
    stop: async () => {
      messages.stop();
    },
    ended: () => messages.closed().then((err) => err ?? undefined),
  };
}

async function logConsumerStatus(bus: Bus, messages: ConsumerMessages, durable: string): Promise<void> {
  try {
    for await (const s of await messages.status()) {
      bus.logger.debug({ durable, type: s.type, data: s.data }, 'consumer status');
    }
  } catch {
    // the status feed ends with the consumer
  }
}

class DurableIterator<T, M> implements DurableSubscription<DurableMessage<T, M>> {
  skipped = 0;

  constructor(
    private readonly bus: Bus,
    private readonly messages: ConsumerMessages,
    readonly stream: string,
    readonly durable: string,
    private readonly schema: z.ZodType<T>,
    private readonly metaSchema: z.ZodType<M> | undefined,
  ) {}

  async stop(): Promise<void> {
    // Not `close()`: nats.js resolves that only once the iterator has run to its end, which
    // never happens while the loop is parked at a yield. `stop()` unsubscribes at once; the
    // loop ends the next time it asks for a message.
    this.messages.stop();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<DurableMessage<T, M>> {
    try {
      for await (const msg of this.messages) {
        const decoded = decodeMessage(msg, this.schema, this.metaSchema);
        if (!decoded.ok) {
          this.skipped += 1;
          this.bus.logger.warn(
            { durable: this.durable, subject: msg.subject, seq: msg.seq, error: decoded.error },
            'terminated an invalid message',
          );
          msg.term();
          continue;
        }
        yield wrap(msg, decoded.data, decoded.meta, decoded.headers);
      }
    } finally {
      this.messages.stop();
    }
  }
}

function wrap<T, M>(msg: JsMsg, data: T, meta: M, headers: HeaderRecord): DurableMessage<T, M> {
  return new Delivery(msg, data, meta, headers);
}

/**
 * A delivery; its methods live on the prototype (no closures per message on the hot path). The
 * stream sequence and delivery count are read from the ack subject when first asked for (the
 * runner never asks for them).
 */
class Delivery<T, M> implements DurableMessage<T, M> {
  readonly subject: string;

  constructor(
    readonly msg: JsMsg,
    readonly data: T,
    readonly meta: M,
    readonly headers: HeaderRecord,
  ) {
    this.subject = msg.subject;
  }

  get seq(): number {
    return this.msg.seq;
  }

  get deliveryCount(): number {
    return this.msg.info.redeliveryCount;
  }

  get redelivered(): boolean {
    return this.msg.redelivered;
  }

  ackNow(): void {
    this.msg.ack();
  }

  async ack(): Promise<void> {
    const msg = this.msg;
    try {
      await msg.ackAck();
    } catch (err) {
      throw new BusError(
        'ACK_FAILED',
        `ack of ${msg.subject} #${msg.seq} not confirmed: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  nak(delayMs?: number): void {
    this.msg.nak(delayMs);
  }

  working(): void {
    this.msg.working();
  }

  term(): void {
    this.msg.term();
  }
}
