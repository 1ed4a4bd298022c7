// One NATS connection per process: connect once, reconnect forever, drain on shutdown.
import {
  connect,
  DebugEvents,
  Events,
  type JetStreamClient,
  type JetStreamManager,
  type Msg,
  type NatsConnection,
  type PubAck,
  type Subscription,
} from 'nats';
import type { z } from 'zod';
import { coalesceWrites } from './coalesce';
import { decodeMessage, encodeJson, type HeaderRecord, publishHeaders, toMsgHdrs } from './codec';
import { BusError } from './errors';
import { type BusLogger, defaultLogger } from './logger';
import { PubAcks } from './puback';

export interface BusOptions {
  /** `nats://host:port`, several separated by commas, or a list (`NATS_URL`) */
  url: string | readonly string[];
  user?: string | undefined;
  pass?: string | undefined;
  /** connection name shown by the server, e.g. `runner`, `executor-sim` */
  name: string;
  /** default: pino named `bus:<name>` */
  logger?: BusLogger | undefined;
  /** wait between reconnect attempts in ms (default 250, plus up to 100 ms jitter) */
  reconnectTimeWaitMs?: number | undefined;
  /** keep trying when the first connect fails, instead of rejecting (default false) */
  waitOnFirstConnect?: boolean | undefined;
  /** default time limit of requests and JetStream API calls in ms (default 5000) */
  timeoutMs?: number | undefined;
  /**
   * send what is published during one turn of the event loop in one socket write (default true;
   * coalesce.ts); false leaves nats.js as it comes (one write per microtask that published)
   */
  coalesceWrites?: boolean | undefined;
}

/** A received message whose body (and optionally headers) passed validation. */
export interface BusMessage<T, M = undefined> {
  data: T;
  /** the header record parsed by `meta`, when a `meta` schema was given */
  meta: M;
  headers: HeaderRecord;
  subject: string;
  msg: Msg;
}

export interface SubscribeOptions<M> {
  /** queue group: each message goes to one member of the group */
  queue?: string | undefined;
  /** zod schema for the header record (e.g. `execHeadersSchema`); its output is `meta` */
  meta?: z.ZodType<M> | undefined;
}

/** A subscription read with `for await`; invalid messages are logged and skipped. */
export interface BusSubscription<T, M = undefined> extends AsyncIterable<BusMessage<T, M>> {
  readonly subject: string;
  /** how many messages failed to decode or validate so far */
  readonly skipped: number;
  unsubscribe(): void;
  /** stops interest; the iterator ends after the messages already received */
  drain(): Promise<void>;
}

export interface PublishOptions {
  headers?: Record<string, string> | undefined;
  reply?: string | undefined;
}

export interface JsPublishOptions {
  headers?: Record<string, string> | undefined;
  /** JetStream de-duplication id (`Nats-Msg-Id`) */
  msgId?: string | undefined;
  /** fail unless the subject is captured by this stream */
  expectStream?: string | undefined;
  timeoutMs?: number | undefined;
}

export interface RequestOptions {
  headers?: Record<string, string> | undefined;
  timeoutMs?: number | undefined;
}

/** Ordo's handle on NATS; create one per process with `connectBus`. */
export interface Bus {
  readonly name: string;
  readonly logger: BusLogger;
  /** the underlying connection, for what the bus does not wrap */
  readonly nc: NatsConnection;
  /** core NATS publish of a validated JSON body; throws `INVALID_MESSAGE` */
  publish<S extends z.ZodType>(subject: string, schema: S, value: z.input<S>, opts?: PublishOptions): void;
  /** publish and wait for JetStream to store it; throws `PUBLISH_FAILED` when no stream took it */
  jsPublish<S extends z.ZodType>(
    subject: string,
    schema: S,
    value: z.input<S>,
    opts?: JsPublishOptions,
  ): Promise<PubAck>;
  /**
   * `jsPublish` of a body already encoded — and validated — by the caller (the exec protocol's
   * own encoders, exec.ts); throws `PUBLISH_FAILED`
   */
  jsPublishEncoded(subject: string, data: Uint8Array, opts?: JsPublishOptions): Promise<PubAck>;
  subscribe<S extends z.ZodType, M = undefined>(
    subject: string,
    schema: S,
    opts?: SubscribeOptions<M>,
  ): BusSubscription<z.output<S>, M>;
  /** request/reply; throws `REQUEST_FAILED` (timeout, no responders) or `INVALID_MESSAGE` */
  request<S extends z.ZodType, R extends z.ZodType>(
    subject: string,
    schema: S,
    value: z.input<S>,
    replySchema: R,
    opts?: RequestOptions,
  ): Promise<BusMessage<z.output<R>>>;
  /** answers a request; false when the message had no reply subject */
  respond<S extends z.ZodType>(
    msg: Msg,
    schema: S,
    value: z.input<S>,
    opts?: { headers?: Record<string, string> },
  ): boolean;
  flush(): Promise<void>;
  jetstream(): JetStreamClient;
  jetstreamManager(): Promise<JetStreamManager>;
  /** finishes what is in flight (subscriptions drained, publishes flushed), then closes */
  drain(): Promise<void>;
  /** closes at once */
  close(): Promise<void>;
  /** resolves when the connection is closed for good */
  closed(): Promise<void>;
  isClosed(): boolean;
}

function serverList(url: string | readonly string[]): string[] {
  const list = typeof url === 'string' ? url.split(',') : [...url];
  return list.map((u) => u.trim()).filter((u) => u.length > 0);
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** Connects once; from then on the client reconnects forever and logs each status change. */
export async function connectBus(options: BusOptions): Promise<Bus> {
  const logger = options.logger ?? defaultLogger(`bus:${options.name}`);
  const servers = serverList(options.url);
  if (servers.length === 0) throw new BusError('CONNECT_FAILED', 'no NATS server URL given');
  const timeout = options.timeoutMs ?? 5000;
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: options.name,
      user: options.user,
      pass: options.pass,
      maxReconnectAttempts: -1,
      reconnectTimeWait: options.reconnectTimeWaitMs ?? 250,
      reconnectJitter: 100,
      waitOnFirstConnect: options.waitOnFirstConnect ?? false,
      timeout,
    });
  } catch (err) {
    throw new BusError(
      'CONNECT_FAILED',
      `cannot connect to NATS at ${servers.map(redact).join(',')}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  logger.info({ server: nc.getServer(), name: options.name }, 'connected to NATS');
  if (options.coalesceWrites !== false && !coalesceWrites(nc))
    logger.warn({}, 'nats client internals changed: every publish is written on its own');
  return new NatsBus(options.name, nc, logger, timeout);
}

class NatsBus implements Bus {
  private js: JetStreamClient | undefined;
  private acks: PubAcks | undefined;
  private jsm: Promise<JetStreamManager> | undefined;
  private readonly closedPromise: Promise<void>;

  constructor(
    readonly name: string,
    readonly nc: NatsConnection,
    readonly logger: BusLogger,
    private readonly timeoutMs: number,
  ) {
    void this.watchStatus();
    this.closedPromise = nc.closed().then((err) => {
      if (err) logger.error({ err: err.message }, 'NATS connection closed with an error');
      else logger.info({}, 'NATS connection closed');
    });
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      const detail = {
        type: s.type,
        data: s.data,
        ...(s.permissionContext ? { permission: s.permissionContext } : {}),
      };
      switch (s.type) {
        case Events.Disconnect:
        case Events.LDM:
          this.logger.warn(detail, `NATS ${s.type}`);
          break;
        case Events.Error:
          this.logger.error(detail, 'NATS async error');
          break;
        case Events.Reconnect:
        case Events.Update:
          this.logger.info(detail, `NATS ${s.type}`);
          break;
        case DebugEvents.Reconnecting:
        case DebugEvents.PingTimer:
        case DebugEvents.StaleConnection:
        case DebugEvents.ClientInitiatedReconnect:
          this.logger.debug(detail, `NATS ${s.type}`);
          break;
      }
    }
  }

  publish<S extends z.ZodType>(
    subject: string,
    schema: S,
    value: z.input<S>,
    opts: PublishOptions = {},
  ): void {
    const data = encodeJson(schema, value, subject);
    this.nc.publish(subject, data, { headers: toMsgHdrs(opts.headers), reply: opts.reply });
  }

  jsPublish<S extends z.ZodType>(
    subject: string,
    schema: S,
    value: z.input<S>,
    opts: JsPublishOptions = {},
  ): Promise<PubAck> {
    let data: Uint8Array;
    try {
      data = encodeJson(schema, value, subject);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.jsPublishEncoded(subject, data, opts);
  }

  async jsPublishEncoded(subject: string, data: Uint8Array, opts: JsPublishOptions = {}): Promise<PubAck> {
    try {
      const extra: Array<[string, string]> = [];
      if (opts.msgId) extra.push(['Nats-Msg-Id', opts.msgId]);
      if (opts.expectStream) extra.push(['Nats-Expected-Stream', opts.expectStream]);
      const hdrs = publishHeaders(opts.headers, extra);
      this.acks ??= new PubAcks(this.nc);
      return await this.acks.publish(subject, data, hdrs, opts.timeoutMs ?? this.timeoutMs);
    } catch (err) {
      if (err instanceof BusError) throw err;
      throw new BusError('PUBLISH_FAILED', `JetStream did not store ${subject}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  subscribe<S extends z.ZodType, M = undefined>(
    subject: string,
    schema: S,
    opts: SubscribeOptions<M> = {},
  ): BusSubscription<z.output<S>, M> {
    const sub = this.nc.subscribe(subject, opts.queue ? { queue: opts.queue } : {});
    return new ValidatedSubscription<z.output<S>, M>(
      sub,
      schema as z.ZodType<z.output<S>>,
      opts.meta,
      this.logger,
    );
  }

  async request<S extends z.ZodType, R extends z.ZodType>(
    subject: string,
    schema: S,
    value: z.input<S>,
    replySchema: R,
    opts: RequestOptions = {},
  ): Promise<BusMessage<z.output<R>>> {
    const data = encodeJson(schema, value, subject);
    let msg: Msg;
    try {
      msg = await this.nc.request(subject, data, {
        timeout: opts.timeoutMs ?? this.timeoutMs,
        headers: toMsgHdrs(opts.headers),
      });
    } catch (err) {
      throw new BusError('REQUEST_FAILED', `request on ${subject} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const decoded = decodeMessage(msg, replySchema as z.ZodType<z.output<R>>, undefined);
    if (!decoded.ok) throw new BusError('INVALID_MESSAGE', `invalid reply to ${subject}: ${decoded.error}`);
    return { data: decoded.data, meta: undefined, headers: decoded.headers, subject: msg.subject, msg };
  }

  respond<S extends z.ZodType>(
    msg: Msg,
    schema: S,
    value: z.input<S>,
    opts: { headers?: Record<string, string> } = {},
  ): boolean {
    if (!msg.reply) return false;
    return msg.respond(encodeJson(schema, value, msg.reply), { headers: toMsgHdrs(opts.headers) });
  }

  flush(): Promise<void> {
    return this.nc.flush();
  }

  jetstream(): JetStreamClient {
    this.js ??= this.nc.jetstream({ timeout: this.timeoutMs });
    return this.js;
  }

  jetstreamManager(): Promise<JetStreamManager> {
    this.jsm ??= this.nc.jetstreamManager({ timeout: this.timeoutMs }).catch((err: unknown) => {
      this.jsm = undefined;
      throw err;
    });
    return this.jsm;
  }

  async drain(): Promise<void> {
    if (this.nc.isClosed() || this.nc.isDraining()) return this.closed();
    await this.nc.drain();
    await this.closedPromise;
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.close();
    await this.closedPromise;
  }

  closed(): Promise<void> {
    return this.closedPromise;
  }

  isClosed(): boolean {
    return this.nc.isClosed();
  }
}

class ValidatedSubscription<T, M> implements BusSubscription<T, M> {
  skipped = 0;

  constructor(
    private readonly sub: Subscription,
    private readonly schema: z.ZodType<T>,
    private readonly metaSchema: z.ZodType<M> | undefined,
    private readonly logger: BusLogger,
  ) {}

  get subject(): string {
    return this.sub.getSubject();
  }

  unsubscribe(): void {
    if (!this.sub.isClosed()) this.sub.unsubscribe();
  }

  drain(): Promise<void> {
    return this.sub.isClosed() ? Promise.resolve() : this.sub.drain();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<BusMessage<T, M>> {
    try {
      for await (const msg of this.sub) {
        const decoded = decodeMessage(msg, this.schema, this.metaSchema);
        if (!decoded.ok) {
          this.skipped += 1;
          this.logger.warn({ subject: msg.subject, error: decoded.error }, 'skipped an invalid message');
          continue;
        }
        yield { data: decoded.data, meta: decoded.meta, headers: decoded.headers, subject: msg.subject, msg };
      }
    } finally {
      // Leaving the loop early (break, throw) ends the interest too.
      this.unsubscribe();
    }
  }
}
