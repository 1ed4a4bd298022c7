// Tracked cloud resources (design.md "Cloud state"), their state history, operator actions, and
// the callback deliveries each state change queues. A state change, its history row and its
// deliveries are written in one transaction: what is announced afterwards (ordo.resources.<id>,
// callbacks) is always in the store first, and a runner restart loses no delivery.
import type { ResourceAction, ResourceState, TrackedResourceFacts } from '@ordo/core';
import { StoreError } from './errors';
import type { Prisma, PrismaClient } from './generated/prisma/client';

/** A tracked resource as the repositories return it. */
export interface ResourceRecord {
  id: string;
  environment: string;
  environmentId: string;
  buildId: string;
  componentId: string;
  type: string;
  provider: string;
  /** provider token of the executor subjects (`sim` for simulated builds) */
  route: string;
  providerId: string;
  state: ResourceState;
  publicIp: string | null;
  privateIp: string | null;
  keyName: string | null;
  /** state → ISO time it was last entered */
  stateTimes: Record<string, string>;
  pendingAction: ResourceAction | null;
  record: Record<string, unknown>;
  error: string | null;
  lastPolledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A queued callback delivery, as written with a state change. */
export interface QueuedDelivery {
  id: string;
  callbackId: string;
}

/** A committed state change: what to announce. */
export interface ResourceChange {
  resource: ResourceRecord;
  oldState: ResourceState | null;
  newState: ResourceState;
  at: Date;
  actor: string;
  reason: string | null;
  /** deliveries queued for the callbacks that match */
  deliveries: QueuedDelivery[];
}

/** A completed build component that is a cloud resource (core `trackedResource`). */
export interface TrackResourceInput {
  environmentId: string;
  buildId: string;
  componentId: string;
  type: string;
  provider: string;
  route: string;
  facts: TrackedResourceFacts;
  record: Record<string, unknown>;
}

/** Fields of a resource to change; `state` different from the current one makes a history row. */
export interface ResourcePatch {
  state?: ResourceState;
  pendingAction?: ResourceAction | null;
  publicIp?: string | null;
  privateIp?: string | null;
  record?: Record<string, unknown>;
  error?: string | null;
  lastPolledAt?: Date;
}

export interface ResourceUpdate {
  resourceId: string;
  patch: ResourcePatch;
  actor: string;
  reason?: string | null;
}

export interface ResourceFilter {
  environment?: string;
  state?: string;
  provider?: string;
  type?: string;
}

export interface ResourceEventRecord {
  id: number;
  at: Date;
  oldState: ResourceState | null;
  newState: ResourceState;
  actor: string;
  reason: string | null;
}

export interface ResourceActionRecord {
  id: number;
  actor: string;
  action: ResourceAction;
  at: Date;
  accepted: boolean;
  reason: string | null;
}

const resourceInclude = { environment: { select: { name: true } } } satisfies Prisma.ResourceInclude;
type ResourceRow = Prisma.ResourceGetPayload<{ include: typeof resourceInclude }>;
type Tx = Prisma.TransactionClient;

function toResource(row: ResourceRow): ResourceRecord {
  return {
    id: row.id,
    environment: row.environment.name,
    environmentId: row.environmentId,
    buildId: row.buildId,
    componentId: row.componentId,
    type: row.type,
    provider: row.provider,
    route: row.route,
    providerId: row.providerId,
    state: row.state as ResourceState,
    publicIp: row.publicIp,
    privateIp: row.privateIp,
    keyName: row.keyName,
    stateTimes: (row.stateTimes ?? {}) as Record<string, string>,
    pendingAction: (row.pendingAction ?? null) as ResourceAction | null,
    record: (row.record ?? {}) as Record<string, unknown>,
    error: row.error,
    lastPolledAt: row.lastPolledAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const json = (value: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(value ?? {}));

/** Resources are not polled nor acted on in these states. */
const FINAL_STATES = ['terminated', 'vanished'];

export class ResourceRepository {
  readonly #db: PrismaClient;

  constructor(db: PrismaClient) {
    this.#db = db;
  }

  /**
   * Tracks completed build components: a new one is created in its reported state, a known one
   * (same environment and component) takes the build's facts; a changed state is a history row
   * with deliveries. Returns the state changes committed.
   */
  async track(items: readonly TrackResourceInput[], at: Date = new Date()): Promise<ResourceChange[]> {
    if (items.length === 0) return [];
    return this.#db.$transaction(async (tx) => {
      const changes: ResourceChange[] = [];
      const created = buildTimes(tx);
      for (const item of items) {
        const existing = await tx.resource.findUnique({
          where: {
            environmentId_componentId: { environmentId: item.environmentId, componentId: item.componentId },
          },
          include: resourceInclude,
        });
        const { facts } = item;
        const fields = {
          buildId: item.buildId,
          type: item.type,
          provider: item.provider,
          route: item.route,
          providerId: facts.providerId,
          publicIp: facts.publicIp,
          privateIp: facts.privateIp,
          keyName: facts.keyName,
          record: json(item.record),
        };
        if (!existing) {
          const row = await tx.resource.create({
            data: {
              ...fields,
              environmentId: item.environmentId,
              componentId: item.componentId,
              state: facts.state,
              stateTimes: { [facts.state]: at.toISOString() },
              pendingAction: null,
            },
            include: resourceInclude,
          });
          changes.push(
            await recordChange(tx, toResource(row), null, at, 'build', `made by build ${item.buildId}`),
          );
          continue;
        }
        // A build's facts are taken once: tracking the same build again (a re-sync after a
        // restart) must not undo what polls and actions changed since.
        if (existing.buildId === item.buildId) continue;
        // Nor are an older build's facts taken over a newer one's (re-syncing recent builds
        // after a restart must not bring back what an older build made).
        if ((await created(existing.buildId)) > (await created(item.buildId))) continue;
        const oldState = existing.state as ResourceState;
        const moved = oldState !== facts.state;
        const row = await tx.resource.update({
          where: { id: existing.id },
          data: {
            ...fields,
            ...(moved
              ? {
                  state: facts.state,
                  stateTimes: { ...(existing.stateTimes as object), [facts.state]: at.toISOString() },
                }
              : {}),
            pendingAction: null,
            error: null,
          },
          include: resourceInclude,
        });
        if (moved) {
          changes.push(
            await recordChange(
              tx,
              toResource(row),
              oldState,
              at,
              'build',
              `made again by build ${item.buildId}`,
            ),
          );
        }
      }
      return changes;
    });
  }

  /**
   * A completed `delete` of tracked components: each resource the deleting build's environment
   * tracks under that component id becomes `terminated` (pending action cleared), unless it is
   * already terminated or vanished, or a build newer than the deleting one made it (again).
   * Returns the state changes committed.
   */
  async terminateDeleted(
    items: ReadonlyArray<{ environmentId: string; componentId: string; buildId: string }>,
    at: Date = new Date(),
  ): Promise<ResourceChange[]> {
    if (items.length === 0) return [];
    return this.#db.$transaction(async (tx) => {
      const changes: ResourceChange[] = [];
      const created = buildTimes(tx);
      for (const item of items) {
        const existing = await tx.resource.findUnique({
          where: {
            environmentId_componentId: { environmentId: item.environmentId, componentId: item.componentId },
          },
        });
        if (!existing || FINAL_STATES.includes(existing.state)) continue;
        if ((await created(existing.buildId)) > (await created(item.buildId))) continue;
        const oldState = existing.state as ResourceState;
        const row = await tx.resource.update({
          where: { id: existing.id },
          data: {
            state: 'terminated',
            stateTimes: { ...(existing.stateTimes as object), terminated: at.toISOString() },
            pendingAction: null,
          },
          include: resourceInclude,
        });
        changes.push(
          await recordChange(tx, toResource(row), oldState, at, 'build', `deleted by build ${item.buildId}`),
        );
      }
      return changes;
    });
  }

  /**
   * Applies updates in one transaction. Fields are always written; a `state` different from the
   * current one is also a history row and queues the matching callbacks' deliveries. Returns the
   * state changes committed (updates that did not change the state are not in it). An unknown
   * resource id fails the whole call (StoreError NOT_FOUND) and nothing is written.
   */
  async update(updates: readonly ResourceUpdate[], at: Date = new Date()): Promise<ResourceChange[]> {
    if (updates.length === 0) return [];
    return this.#db.$transaction(async (tx) => {
      const changes: ResourceChange[] = [];
      for (const { resourceId, patch, actor, reason } of updates) {
        const existing = await tx.resource.findUnique({ where: { id: resourceId } });
        if (!existing) throw new StoreError('NOT_FOUND', `no resource ${resourceId}`);
        const oldState = existing.state as ResourceState;
        const moved = patch.state !== undefined && patch.state !== oldState;
        const data: Prisma.ResourceUpdateInput = {};
        if (moved && patch.state !== undefined) {
          data.state = patch.state;
          data.stateTimes = { ...(existing.stateTimes as object), [patch.state]: at.toISOString() };
        }
        if (patch.pendingAction !== undefined) data.pendingAction = patch.pendingAction;
        if (patch.publicIp !== undefined) data.publicIp = patch.publicIp;
        if (patch.privateIp !== undefined) data.privateIp = patch.privateIp;
        if (patch.record !== undefined) data.record = json(patch.record);
        if (patch.error !== undefined) data.error = patch.error;
        if (patch.lastPolledAt !== undefined) data.lastPolledAt = patch.lastPolledAt;
        const row = await tx.resource.update({ where: { id: resourceId }, data, include: resourceInclude });
        if (moved) changes.push(await recordChange(tx, toResource(row), oldState, at, actor, reason ?? null));
      }
      return changes;
    });
  }

  async get(id: string): Promise<ResourceRecord | null> {
    const row = await this.#db.resource.findUnique({ where: { id }, include: resourceInclude });
    return row ? toResource(row) : null;
  }

  /** Resources, newest first, filtered by environment name, state, provider, type. */
  async list(filter: ResourceFilter = {}, limit = 1_000): Promise<ResourceRecord[]> {
    const rows = await this.#db.resource.findMany({
      where: {
        ...(filter.environment !== undefined ? { environment: { name: filter.environment } } : {}),
        ...(filter.state !== undefined ? { state: filter.state } : {}),
        ...(filter.provider !== undefined ? { provider: filter.provider } : {}),
        ...(filter.type !== undefined ? { type: filter.type } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      include: resourceInclude,
    });
    return rows.map(toResource);
  }

  /** Resources that are polled: every one not terminated or vanished. */
  async pollable(): Promise<ResourceRecord[]> {
    const rows = await this.#db.resource.findMany({
      where: { state: { notIn: FINAL_STATES } },
      orderBy: { id: 'asc' },
      include: resourceInclude,
    });
    return rows.map(toResource);
  }

  /**
   * Resources with an action in progress and the id of the accepted action record that started
   * it (after a restart, their requests are sent again with the same key).
   */
  async withPendingAction(): Promise<Array<{ resource: ResourceRecord; actionId: number | null }>> {
    const rows = await this.#db.resource.findMany({
      where: { pendingAction: { not: null } },
      include: {
        ...resourceInclude,
        actions: { where: { accepted: true }, orderBy: { id: 'desc' }, take: 1, select: { id: true } },
      },
    });
    return rows.map((row) => ({ resource: toResource(row), actionId: row.actions[0]?.id ?? null }));
  }

  /** The state history, oldest first. */
  async history(resourceId: string): Promise<ResourceEventRecord[]> {
    const rows = await this.#db.resourceEvent.findMany({ where: { resourceId }, orderBy: { id: 'asc' } });
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      oldState: (r.oldState ?? null) as ResourceState | null,
      newState: r.newState as ResourceState,
      actor: r.actor,
      reason: r.reason,
    }));
  }

  /** Records an operator action (accepted or refused, with the reason). */
  async recordAction(input: {
    resourceId: string;
    actor: string;
    action: ResourceAction;
    accepted: boolean;
    reason?: string | null;
    at?: Date;
  }): Promise<ResourceActionRecord> {
    const row = await this.#db.resourceAction.create({
      data: {
        resourceId: input.resourceId,
        actor: input.actor,
        action: input.action,
        accepted: input.accepted,
        reason: input.reason ?? null,
        at: input.at ?? new Date(),
      },
    });
    return { ...row, action: row.action as ResourceAction };
  }

  /**
   * Starts an action: records it as accepted and moves the resource to the action's
   * intermediate state, in one transaction. Returns the action record's id (unique: it makes the
   * request's dispatch key, so a restarted runner re-sends the same key) and the change (null
   * when the state did not move).
   */
  async startAction(input: {
    resourceId: string;
    actor: string;
    action: ResourceAction;
    via: ResourceState;
    at?: Date;
  }): Promise<{ actionId: number; change: ResourceChange | null }> {
    const at = input.at ?? new Date();
    return this.#db.$transaction(async (tx) => {
      const existing = await tx.resource.findUnique({ where: { id: input.resourceId } });
      if (!existing) throw new StoreError('NOT_FOUND', `no resource ${input.resourceId}`);
      const { id: actionId } = await tx.resourceAction.create({
        data: { resourceId: input.resourceId, actor: input.actor, action: input.action, accepted: true, at },
        select: { id: true },
      });
      const oldState = existing.state as ResourceState;
      const moved = oldState !== input.via;
      const row = await tx.resource.update({
        where: { id: input.resourceId },
        data: {
          pendingAction: input.action,
          error: null,
          ...(moved
            ? {
                state: input.via,
                stateTimes: { ...(existing.stateTimes as object), [input.via]: at.toISOString() },
              }
            : {}),
        },
        include: resourceInclude,
      });
      if (!moved) return { actionId, change: null };
      return {
        actionId,
        change: await recordChange(
          tx,
          toResource(row),
          oldState,
          at,
          input.actor,
          `${input.action} requested`,
        ),
      };
    });
  }

  /** Operator actions on a resource, newest first. */
  async actions(resourceId: string): Promise<ResourceActionRecord[]> {
    const rows = await this.#db.resourceAction.findMany({
      where: { resourceId },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
    });
    return rows.map((r) => ({ ...r, action: r.action as ResourceAction }));
  }
}

/** Creation times of builds, read once per transaction (an unknown build counts as oldest). */
function buildTimes(tx: Tx): (buildId: string) => Promise<number> {
  const cache = new Map<string, number>();
  return async (buildId) => {
    const known = cache.get(buildId);
    if (known !== undefined) return known;
    const row = await tx.build.findUnique({ where: { id: buildId }, select: { createdAt: true } });
    const time = row?.createdAt.getTime() ?? 0;
    cache.set(buildId, time);
    return time;
  };
}

/** Writes the history row and queues a delivery for each callback the new state fires. */
async function recordChange(
  tx: Tx,
  resource: ResourceRecord,
  oldState: ResourceState | null,
  at: Date,
  actor: string,
  reason: string | null,
): Promise<ResourceChange> {
  const newState = resource.state;
  await tx.resourceEvent.create({
    data: { resourceId: resource.id, at, oldState, newState, actor, reason },
  });
  const callbacks = await tx.callback.findMany({
    where: { OR: [{ resourceId: resource.id }, { environmentId: resource.environmentId }] },
    select: { id: true, states: true },
    orderBy: { createdAt: 'asc' },
  });
  const payload = {
    resource: resource.id,
    old_state: oldState,
    new_state: newState,
    at: at.toISOString(),
    build: resource.buildId,
    environment: resource.environment,
  };
  const deliveries: QueuedDelivery[] = [];
  for (const callback of callbacks) {
    const states = callback.states as string[] | null;
    if (Array.isArray(states) && !states.includes(newState)) continue;
    const row = await tx.callbackDelivery.create({
      data: {
        callbackId: callback.id,
        resourceId: resource.id,
        payload,
        oldState,
        newState,
        status: 'pending',
        nextAttemptAt: at,
      },
      select: { id: true, callbackId: true },
    });
    deliveries.push(row);
  }
  return { resource, oldState, newState, at, actor, reason, deliveries };
}

export function isResourceNotFound(error: unknown): boolean {
  return error instanceof StoreError && error.code === 'NOT_FOUND';
}
