// Lifecycle definitions (versioned per component type) and lifecycle runs (one machine per
// resource, its core LifecycleState saved before the commands it produced are carried out).
import type { LifecycleState } from '@ordo/core';
import { StoreError } from './errors';
import type { Prisma, PrismaClient } from './generated/prisma/client';

export interface LifecycleDefinitionRecord {
  type: string;
  version: number;
  /** the definition as saved (validated by core parseLifecycle before) */
  document: unknown;
  actor: string;
  createdAt: Date;
}

export interface LifecycleRunRecord {
  id: string;
  resourceId: string;
  type: string;
  version: number;
  state: LifecycleState;
  current: string;
  status: LifecycleState['status'];
  startedAt: Date;
  updatedAt: Date;
}

type RunRow = Prisma.LifecycleRunGetPayload<object>;

function toRun(row: RunRow): LifecycleRunRecord {
  return {
    id: row.id,
    resourceId: row.resourceId,
    type: row.type,
    version: row.version,
    state: row.state as unknown as LifecycleState,
    current: row.current,
    status: row.status as LifecycleState['status'],
    startedAt: row.startedAt,
    updatedAt: row.updatedAt,
  };
}

const toJson = (value: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(value));

export class LifecycleRepository {
  readonly #db: PrismaClient;

  constructor(db: PrismaClient) {
    this.#db = db;
  }

  /** Saves the next version of `type`'s definition (1 for a new type). */
  async saveDefinition(type: string, document: unknown, actor: string): Promise<LifecycleDefinitionRecord> {
    if (type.trim() === '') throw new StoreError('INVALID_ARGUMENT', 'a lifecycle definition needs a type');
    return this.#db.$transaction(async (tx) => {
      const last = await tx.lifecycleDefinition.findFirst({
        where: { type },
        orderBy: { version: 'desc' },
        select: { version: true },
      });
      return tx.lifecycleDefinition.create({
        data: { type, version: (last?.version ?? 0) + 1, document: toJson(document), actor },
      });
    });
  }

  async latestDefinition(type: string): Promise<LifecycleDefinitionRecord | null> {
    return this.#db.lifecycleDefinition.findFirst({ where: { type }, orderBy: { version: 'desc' } });
  }

  async definition(type: string, version: number): Promise<LifecycleDefinitionRecord | null> {
    return this.#db.lifecycleDefinition.findUnique({ where: { type_version: { type, version } } });
  }

  /** The latest version of every type, by type. */
  async definitions(): Promise<LifecycleDefinitionRecord[]> {
    const latest = await this.#db.lifecycleDefinition.groupBy({
      by: ['type'],
      _max: { version: true },
      orderBy: { type: 'asc' },
    });
    if (latest.length === 0) return [];
    return this.#db.lifecycleDefinition.findMany({
      where: { OR: latest.map((g) => ({ type: g.type, version: g._max.version ?? 0 })) },
      orderBy: { type: 'asc' },
    });
  }

  /** Every version of a type, newest first. */
  async versions(type: string): Promise<LifecycleDefinitionRecord[]> {
    return this.#db.lifecycleDefinition.findMany({ where: { type }, orderBy: { version: 'desc' } });
  }

  async createRun(input: {
    resourceId: string;
    type: string;
    version: number;
    state: LifecycleState;
  }): Promise<LifecycleRunRecord> {
    const row = await this.#db.lifecycleRun.create({
      data: {
        resourceId: input.resourceId,
        type: input.type,
        version: input.version,
        state: toJson(input.state),
        current: input.state.current,
        status: input.state.status,
      },
    });
    return toRun(row);
  }

  async saveRun(id: string, state: LifecycleState): Promise<LifecycleRunRecord> {
    const row = await this.#db.lifecycleRun.update({
      where: { id },
      data: { state: toJson(state), current: state.current, status: state.status },
    });
    return toRun(row);
  }

  async run(id: string): Promise<LifecycleRunRecord | null> {
    const row = await this.#db.lifecycleRun.findUnique({ where: { id } });
    return row ? toRun(row) : null;
  }

  /** Runs of a resource, newest first. */
  async runsFor(resourceId: string): Promise<LifecycleRunRecord[]> {
    const rows = await this.#db.lifecycleRun.findMany({
      where: { resourceId },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    });
    return rows.map(toRun);
  }

  /** Runs not finished (running or paused): what a restarted runner resumes. */
  async unfinishedRuns(): Promise<LifecycleRunRecord[]> {
    const rows = await this.#db.lifecycleRun.findMany({
      where: { status: { not: 'finished' } },
      orderBy: { id: 'asc' },
    });
    return rows.map(toRun);
  }
}
