// JetStream publishes with their acknowledgements collected on one inbox subscription.
//
// A JetStream publish is a core NATS publish with a reply subject: the server answers on it
// with a PubAck (`{"stream":…,"seq":…}`) once the stream holds the message, or with an error.
// nats.js `js.publish` goes through `nc.request` for each message: a request object, a
// promise race, a timer and an eagerly built NatsError (for its stack trace) per publish,
// which cost the runner more than encoding and sending the message itself. Here every
// publish of a connection replies to `<inbox>.<token>` under ONE wildcard subscription, the
// pending publishes sit in a map, and one sweep timer (running only while something is
// pending) fails those whose time is up. What the caller sees is the same: the PubAck, or
// an error when the server refused the message, nobody captured the subject (no responders)
// or no answer came in time.
import {
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type PubAck,
  type Subscription,
} from 'nats';

const decoder = new TextDecoder();
/** How often pending publishes are checked for their time limit. */
const SWEEP_MS = 100;

interface Pending {
  resolve: (ack: PubAck) => void;
  reject: (err: Error) => void;
  /** epoch ms after which the publish fails as timed out */
  expires: number;
}

/** Why a JetStream publish was not acknowledged (the bus wraps it in `PUBLISH_FAILED`). */
export class PubAckError extends Error {
  constructor(
    message: string,
    /** `timeout`, `no_responders`, `closed`, or the JetStream API error code */
    readonly reason: string,
  ) {
    super(message);
    this.name = 'PubAckError';
  }
}

export class PubAcks {
  private readonly prefix: string;
  private sub: Subscription | undefined;
  private counter = 0;
  private readonly pending = new Map<string, Pending>();
  private sweeper: NodeJS.Timeout | undefined;
  /**
   * The pending publishes expire in the order they were made (the usual case: one time limit for
   * all): a sweep then stops at the first that has time left, instead of looking at every one
   * (5,000 dispatches of a build's start, ten times a second, for as long as they wait).
   */
  private inOrder = true;
  private lastExpires = Number.NEGATIVE_INFINITY;

  constructor(private readonly nc: NatsConnection) {
    this.prefix = `${createInbox()}.`;
    void nc.closed().then(() => this.failAll(new PubAckError('connection closed', 'closed')));
  }

  /** publishes to JetStream: resolves with the PubAck, rejects with a `PubAckError` or the client's error */
  publish(
    subject: string,
    data: Uint8Array,
    headers: MsgHdrs | undefined,
    timeoutMs: number,
  ): Promise<PubAck> {
    return new Promise<PubAck>((resolve, reject) => {
      const token = (this.counter++).toString(36);
      const expires = Date.now() + timeoutMs;
      if (this.pending.size === 0) {
        this.inOrder = true;
      } else if (expires < this.lastExpires) {
        this.inOrder = false;
      }
      this.lastExpires = expires;
      this.pending.set(token, { resolve, reject, expires });
      try {
        this.subscribe();
        this.nc.publish(subject, data, { reply: this.prefix + token, ...(headers ? { headers } : {}) });
      } catch (err) {
        this.pending.delete(token);
        reject(err as Error);
        return;
      }
      if (!this.sweeper) {
        this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
        this.sweeper.unref?.();
      }
    });
  }

  /** publishes waiting for their acknowledgement */
  get size(): number {
    return this.pending.size;
  }

  private subscribe(): void {
    if (this.sub && !this.sub.isClosed()) return;
    this.sub = this.nc.subscribe(`${this.prefix}*`, {
      callback: (err, msg) => {
        if (err) {
          // the subscription is gone (e.g. a permissions violation): nothing pending can be answered
          this.sub = undefined;
          this.failAll(err);
          return;
        }
        this.onReply(msg);
      },
    });
  }

  private onReply(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length);
    const entry = this.pending.get(token);
    if (!entry) return; // answered after its time limit
    this.pending.delete(token);
    if (msg.data.length === 0) {
      const code = msg.headers?.code ?? 0;
      entry.reject(
        code === 503
          ? new PubAckError('no responders: no stream captures the subject', 'no_responders')
          : new PubAckError(`empty reply (status ${code} ${msg.headers?.description ?? ''})`, String(code)),
      );
      return;
    }
    let reply: {
      stream?: string;
      seq?: number;
      duplicate?: boolean;
      domain?: string;
      error?: { code?: number; err_code?: number; description?: string };
    };
    try {
      reply = JSON.parse(decoder.decode(msg.data));
    } catch (err) {
      entry.reject(new PubAckError(`invalid PubAck: ${(err as Error).message}`, 'invalid_ack'));
      return;
    }
    if (reply.error) {
      const { code, err_code, description } = reply.error;
      entry.reject(
        new PubAckError(
          `${description ?? 'JetStream error'} (${code ?? '?'}${err_code ? `/${err_code}` : ''})`,
          String(err_code ?? code ?? 'error'),
        ),
      );
      return;
    }
    if (typeof reply.stream !== 'string' || reply.stream === '' || typeof reply.seq !== 'number') {
      entry.reject(new PubAckError('invalid PubAck: no stream or sequence', 'invalid_ack'));
      return;
    }
    const ack: PubAck = { stream: reply.stream, seq: reply.seq, duplicate: reply.duplicate === true };
    if (reply.domain !== undefined) ack.domain = reply.domain;
    entry.resolve(ack);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, entry] of this.pending) {
      if (entry.expires > now) {
        if (this.inOrder) break;
        continue;
      }
      this.pending.delete(token);
      entry.reject(new PubAckError('timeout: no PubAck in time', 'timeout'));
    }
    if (this.pending.size === 0) this.stopSweeping();
  }

  private stopSweeping(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private failAll(err: Error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    this.stopSweeping();
    for (const entry of entries) entry.reject(err);
  }
}
