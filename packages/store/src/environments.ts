// Environments and their current state (Ernest's `components`), as completed builds left it.
import type { ErnestRecord } from '@ordo/core';
import type { PrismaClient } from './generated/prisma/client';

export interface EnvironmentSummary {
  name: string;
  /** components in its current state */
  components: number;
  /** when its latest build was created, or null */
  lastBuildAt: Date | null;
}

export class EnvironmentRepository {
  readonly #db: PrismaClient;

  constructor(db: PrismaClient) {
    this.#db = db;
  }

  /** The environment's current components (Ernest form) in the order they were added; [] for an unknown name. */
  async current(name: string): Promise<ErnestRecord[]> {
    const rows = await this.#db.environmentComponent.findMany({
      where: { environment: { name } },
      orderBy: { position: 'asc' },
      select: { record: true },
    });
    return rows.map((r) => r.record as ErnestRecord);
  }

  /** The environment's id, or null for an unknown name. */
  async idOf(name: string): Promise<string | null> {
    const row = await this.#db.environment.findUnique({ where: { name }, select: { id: true } });
    return row?.id ?? null;
  }

  /** Every environment, by name. */
  async list(): Promise<EnvironmentSummary[]> {
    const rows = await this.#db.environment.findMany({
      orderBy: { name: 'asc' },
      select: {
        name: true,
        _count: { select: { components: true } },
        builds: { orderBy: { createdAt: 'desc' }, take: 1, select: { createdAt: true } },
      },
    });
    return rows.map((r) => ({
      name: r.name,
      components: r._count.components,
      lastBuildAt: r.builds[0]?.createdAt ?? null,
    }));
  }
}
