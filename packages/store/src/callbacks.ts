// Callbacks and their durable delivery queue (design.md "Callbacks"). Deliveries are queued by
// ResourceRepository in the transaction of the state change; the runner's delivery worker
// takes the due ones, and records every attempt here with the next status.
import type { ResourceState } from '@ordo/core';
import { StoreError } from './errors';
import type { Prisma, PrismaClient } from './generated/prisma/client';

export interface CallbackRecord {
  id: string;
  resourceId: string | null;
  /** environment name when registered per environment */
  environment: string | null;
  url: string | null;
  subject: string | null;
  /** new states that fire it; null = every state */
  states: ResourceState[] | null;
  actor: string;
  createdAt: Date;
}

export interface CreateCallbackInput {
  resourceId?: string;
  environmentId?: string;
  url?: string;
  subject?: string;
  states?: readonly ResourceState[] | null;
  /** HMAC key; the caller generates it and shows it once */
  secret: string;
  actor: string;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';

export interface DeliveryAttemptRecord {
  attempt: number;
  at: Date;
  httpStatus: number | null;
  latencyMs: number;
  ok: boolean;
  error: string | null;
}

export interface DeliveryRecord {
  id: string;
  callbackId: string;
  resourceId: string;
  payload: Record<string, unknown>;
  oldState: ResourceState | null;
  newState: ResourceState;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
  deliveredAt: Date | null;
  lastError: string | null;
  /** oldest first */
  attemptsMade: DeliveryAttemptRecord[];
}

/** A due delivery with what the worker needs to send it. */
export interface DueDelivery {
  id: string;
  callbackId: string;
  payload: Record<string, unknown>;
  attempts: number;
  url: string | null;
  subject: string | null;
  secret: string;
}

export interface AttemptOutcome {
  attempt: number;
  at: Date;
  httpStatus: number | null;
  latencyMs: number;
  ok: boolean;
  error: string | null;
  /** the delivery's status after this attempt */
  status: DeliveryStatus;
  /** when the next attempt is due (status retrying) */
  nextAttemptAt?: Date;
}

const callbackSelect = {
  id: true,
  resourceId: true,
  url: true,
  subject: true,
  states: true,
  actor: true,
  createdAt: true,
  environment: { select: { name: true } },
} satisfies Prisma.CallbackSelect;
type CallbackRow = Prisma.CallbackGetPayload<{ select: typeof callbackSelect }>;

function toCallback(row: CallbackRow): CallbackRecord {
  return {
    id: row.id,
    resourceId: row.resourceId,
    environment: row.environment?.name ?? null,
    url: row.url,
    subject: row.subject,
    states: (row.states ?? null) as ResourceState[] | null,
    actor: row.actor,
    createdAt: row.createdAt,
  };
}

export class CallbackRepository {
  readonly #db: PrismaClient;

  constructor(db: PrismaClient) {
    this.#db = db;
  }

  /** Stores a callback. Exactly one of resourceId/environmentId and one of url/subject. */
  async create(input: CreateCallbackInput): Promise<CallbackRecord> {
    if ((input.resourceId === undefined) === (input.environmentId === undefined)) {
      throw new StoreError(
        'INVALID_ARGUMENT',
        'a callback needs exactly one of a resource or an environment',
      );
    }
    if ((input.url === undefined) === (input.subject === undefined)) {
      throw new StoreError('INVALID_ARGUMENT', 'a callback needs exactly one of a url or a subject');
    }
    try {
      const row = await this.#db.callback.create({
        data: {
          resourceId: input.resourceId ?? null,
          environmentId: input.environmentId ?? null,
          url: input.url ?? null,
          subject: input.subject ?? null,
          states: input.states ? [...input.states] : undefined,
          secret: input.secret,
          actor: input.actor,
        },
        select: callbackSelect,
      });
      return toCallback(row);
    } catch (error) {
      if ((error as { code?: string }).code === 'P2003') {
        throw new StoreError('NOT_FOUND', 'the resource or environment of the callback is not stored', {
          cause: error,
        });
      }
      throw error;
    }
  }

  async get(id: string): Promise<CallbackRecord | null> {
    const row = await this.#db.callback.findUnique({ where: { id }, select: callbackSelect });
    return row ? toCallback(row) : null;
  }

  /** Callbacks of a resource, including those of its environment; or all, newest first. */
  async list(filter: { resourceId?: string; environmentId?: string } = {}): Promise<CallbackRecord[]> {
    const or: Prisma.CallbackWhereInput[] = [];
    if (filter.resourceId !== undefined) or.push({ resourceId: filter.resourceId });
    if (filter.environmentId !== undefined) or.push({ environmentId: filter.environmentId });
    const rows = await this.#db.callback.findMany({
      where: or.length > 0 ? { OR: or } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: callbackSelect,
    });
    return rows.map(toCallback);
  }

  /** Deletes a callback and its deliveries; false when there was none. */
  async remove(id: string): Promise<boolean> {
    const { count } = await this.#db.callback.deleteMany({ where: { id } });
    return count > 0;
  }

  /** Deliveries of a callback with every attempt, newest first. */
  async deliveries(callbackId: string, limit = 200): Promise<DeliveryRecord[]> {
    const rows = await this.#db.callbackDelivery.findMany({
      where: { callbackId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      include: { attemptsMade: { orderBy: { attempt: 'asc' } } },
    });
    return rows.map((r) => ({
      id: r.id,
      callbackId: r.callbackId,
      resourceId: r.resourceId,
      payload: r.payload as Record<string, unknown>,
      oldState: (r.oldState ?? null) as ResourceState | null,
      newState: r.newState as ResourceState,
      status: r.status as DeliveryStatus,
      attempts: r.attempts,
      nextAttemptAt: r.nextAttemptAt,
      createdAt: r.createdAt,
      deliveredAt: r.deliveredAt,
      lastError: r.lastError,
      attemptsMade: r.attemptsMade.map((a) => ({
        attempt: a.attempt,
        at: a.at,
        httpStatus: a.httpStatus,
        latencyMs: a.latencyMs,
        ok: a.ok,
        error: a.error,
      })),
    }));
  }

  /** Pending and retrying deliveries due at `now`, oldest first. */
  async due(now: Date, limit = 50): Promise<DueDelivery[]> {
    const rows = await this.#db.callbackDelivery.findMany({
      where: { status: { in: ['pending', 'retrying'] }, nextAttemptAt: { lte: now } },
      orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: {
        id: true,
        callbackId: true,
        payload: true,
        attempts: true,
        callback: { select: { url: true, subject: true, secret: true } },
      },
    });
    return rows.map((r) => ({
      id: r.id,
      callbackId: r.callbackId,
      payload: r.payload as Record<string, unknown>,
      attempts: r.attempts,
      url: r.callback.url,
      subject: r.callback.subject,
      secret: r.callback.secret,
    }));
  }

  /** When the next pending/retrying delivery is due; null when none waits. */
  async nextDueAt(): Promise<Date | null> {
    const row = await this.#db.callbackDelivery.findFirst({
      where: { status: { in: ['pending', 'retrying'] } },
      orderBy: { nextAttemptAt: 'asc' },
      select: { nextAttemptAt: true },
    });
    return row?.nextAttemptAt ?? null;
  }

  /** Records an attempt and the delivery's next status, in one transaction. */
  async recordAttempt(deliveryId: string, outcome: AttemptOutcome): Promise<void> {
    await this.#db.$transaction([
      this.#db.deliveryAttempt.create({
        data: {
          deliveryId,
          attempt: outcome.attempt,
          at: outcome.at,
          httpStatus: outcome.httpStatus,
          latencyMs: Math.round(outcome.latencyMs),
          ok: outcome.ok,
          error: outcome.error,
        },
      }),
      this.#db.callbackDelivery.update({
        where: { id: deliveryId },
        data: {
          attempts: outcome.attempt,
          status: outcome.status,
          lastError: outcome.ok ? null : outcome.error,
          ...(outcome.status === 'delivered' ? { deliveredAt: outcome.at } : {}),
          ...(outcome.nextAttemptAt ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
        },
      }),
    ]);
  }
}
