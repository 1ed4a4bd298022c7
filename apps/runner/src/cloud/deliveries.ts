// Callback deliveries. The queue is the store's CallbackDelivery rows, written in the
// transaction of each state change: a delivery survives any restart. The worker takes the due
// ones (`callbacks.due`), at most `concurrency` at once, and records every attempt:
//   - HTTP: one signed POST through the SSRF guard (`postCallback`, @ordo/callbacks); the body
//     is the payload's JSON exactly as signed;
//   - NATS: the payload published on the callback's subject with the same signature headers;
// then `delivered`, `retrying` (exponential backoff with jitter, core `backoffDelay`), or
// `failed` after `maxAttempts` — at once when the guard refuses the address: asking again
// cannot succeed until the configuration changes. It wakes when a change queues deliveries in
// this process, else sleeps until the next is due (and looks again every `rescanMs`, for
// deliveries another process queued). Secrets and signatures are never logged.

import type { Bus } from '@ordo/bus';
import { callbackSubjectRefusal, postCallback, signatureHeaders } from '@ordo/callbacks';
import { type CallbackPayload, callbackPayloadSchema } from '@ordo/contracts';
import { backoffDelay } from '@ordo/core';
import type { DeliveryStatus, DueDelivery, Store } from '@ordo/store';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CallbackSettings } from './options';

export interface DeliveryWorkerOptions {
  store: Store;
  bus: Bus;
  log: Logger;
  settings: CallbackSettings;
  /** exec subject prefix (a callback subject may not look like a dispatch) */
  prefix: string;
  rescanMs: number;
  now: () => number;
  /** [0, 1) for the jitter (default Math.random) */
  random?: () => number;
}

interface Attempt {
  ok: boolean;
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
  /** refused before trying: no retry */
  refused: boolean;
}

export class DeliveryWorker {
  private readonly inFlight = new Map<string, Promise<void>>();
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  /** something changed since the last scan: scan again before sleeping */
  private dirty = false;

  constructor(private readonly o: DeliveryWorkerOptions) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** New deliveries were committed (or a slot freed): look now. */
  wake(): void {
    this.dirty = true;
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.dirty = false;
      let sleepUntil = this.o.now() + this.o.rescanMs;
      try {
        const free = this.o.settings.concurrency - this.inFlight.size;
        if (free > 0) {
          const due = await this.o.store.callbacks.due(new Date(this.o.now()), free + this.inFlight.size);
          for (const delivery of due) {
            if (this.inFlight.size >= this.o.settings.concurrency || this.stopped) break;
            if (this.inFlight.has(delivery.id)) continue;
            const attempt = this.attempt(delivery).finally(() => {
              this.inFlight.delete(delivery.id);
              this.wake();
            });
            this.inFlight.set(delivery.id, attempt);
          }
        }
        const next = await this.o.store.callbacks.nextDueAt();
        // a due one is being attempted (or waits for a slot): its end wakes the loop
        if (next !== null && next.getTime() > this.o.now()) sleepUntil = Math.min(sleepUntil, next.getTime());
      } catch (error) {
        this.o.log.error({ err: error }, 'reading due callback deliveries failed');
      }
      if (this.stopped) break;
      if (this.dirty) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(5, sleepUntil - this.o.now()));
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private async attempt(delivery: DueDelivery): Promise<void> {
    const number = delivery.attempts + 1;
    const at = new Date(this.o.now());
    const result = await this.send(delivery);
    const { maxAttempts, backoffMs, maxBackoffMs } = this.o.settings;
    let status: DeliveryStatus;
    let nextAttemptAt: Date | undefined;
    if (result.ok) status = 'delivered';
    else if (result.refused || number >= maxAttempts) status = 'failed';
    else {
      status = 'retrying';
      const wait = backoffDelay({ backoffMs, maxBackoffMs }, number, (this.o.random ?? Math.random)());
      nextAttemptAt = new Date(this.o.now() + wait);
    }
    const fields = {
      delivery: delivery.id,
      callback: delivery.callbackId,
      attempt: number,
      status,
      httpStatus: result.httpStatus,
      error: result.error,
    };
    if (result.ok) this.o.log.info(fields, 'callback delivered');
    else this.o.log.warn(fields, 'callback delivery failed');
    try {
      await this.o.store.callbacks.recordAttempt(delivery.id, {
        attempt: number,
        at,
        httpStatus: result.httpStatus,
        latencyMs: result.latencyMs,
        ok: result.ok,
        error: result.error,
        status,
        ...(nextAttemptAt ? { nextAttemptAt } : {}),
      });
    } catch (error) {
      // not recorded: the delivery is still due, and is attempted again (at least once)
      this.o.log.error({ err: error, delivery: delivery.id }, 'callback attempt not recorded');
    }
  }

  private async send(delivery: DueDelivery): Promise<Attempt> {
    const parsed = callbackPayloadSchema.safeParse(delivery.payload);
    if (!parsed.success) {
      return refused(`the stored payload is not a callback payload: ${z.prettifyError(parsed.error)}`);
    }
    // the body sent is exactly the text signed
    const body = JSON.stringify(parsed.data);
    if (delivery.url !== null) {
      const attempt = await postCallback(delivery.url, body, delivery.secret, {
        allowlist: this.o.settings.allowlist,
        timeoutMs: this.o.settings.timeoutMs,
      });
      return { ...attempt, httpStatus: attempt.status };
    }
    if (delivery.subject !== null) return this.publish(delivery.subject, parsed.data, body, delivery.secret);
    return refused('the callback has neither a url nor a subject');
  }

  /** A NATS delivery: published, then confirmed by a round trip to the server. */
  private async publish(
    subject: string,
    payload: CallbackPayload,
    body: string,
    secret: string,
  ): Promise<Attempt> {
    const why = callbackSubjectRefusal(subject, this.o.prefix);
    if (why !== undefined) return refused(why);
    const started = performance.now();
    const latencyMs = () => Math.round(performance.now() - started);
    try {
      // encodes the parsed payload again: the same text as `body`, which the headers sign
      this.o.bus.publish(subject, callbackPayloadSchema, payload, {
        headers: signatureHeaders(secret, body, this.o.now()),
      });
      await withTimeout(this.o.bus.flush(), this.o.settings.timeoutMs);
      return { ok: true, httpStatus: null, latencyMs: latencyMs(), error: null, refused: false };
    } catch (error) {
      return {
        ok: false,
        httpStatus: null,
        latencyMs: latencyMs(),
        error: (error as Error).message,
        refused: false,
      };
    }
  }
}

function refused(error: string): Attempt {
  return { ok: false, httpStatus: null, latencyMs: 0, error, refused: true };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`NATS did not confirm within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
