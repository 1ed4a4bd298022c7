import { StoreError } from './errors';
import { Prisma, type PrismaClient } from './generated/prisma/client';

/** A saved version of a graph in the Ordo-native format. Versions of a name are 1, 2, 3 … */
export interface GraphDefinition {
  name: string;
  version: number;
  createdAt: Date;
  /** The Ordo-native JSON document, exactly as saved (after a JSON round trip). */
  document: unknown;
}

const definitionSelect = {
  name: true,
  version: true,
  createdAt: true,
  document: true,
} satisfies Prisma.GraphDefinitionSelect;

type DefinitionRow = Prisma.GraphDefinitionGetPayload<{ select: typeof definitionSelect }>;

function toDefinition(row: DefinitionRow): GraphDefinition {
  return { name: row.name, version: row.version, createdAt: row.createdAt, document: row.document };
}

/** How many times save() retries when another writer took the same version first (PostgreSQL only). */
const SAVE_ATTEMPTS = 5;

/** Saved graph definitions: every save of a name appends its next version. */
export class GraphDefinitionRepository {
  readonly #db: PrismaClient;

  constructor(db: PrismaClient) {
    this.#db = db;
  }

  /**
   * Saves `document` as the next version of `name` (1 for a new name) and returns it.
   * Reading the last version and inserting the next happen in one transaction. On SQLite the
   * transaction holds the write lock from its start, so concurrent saves (from any process)
   * queue up; on PostgreSQL two saves may pick the same number, the unique key (name,
   * version) refuses the second, and it is retried with the next number.
   */
  async save(name: string, document: unknown): Promise<GraphDefinition> {
    checkName(name);
    const json = toJson(document);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.$transaction(async (tx) => {
          const last = await tx.graphDefinition.findFirst({
            where: { name },
            orderBy: { version: 'desc' },
            select: { version: true },
          });
          const row = await tx.graphDefinition.create({
            data: { name, version: (last?.version ?? 0) + 1, document: json },
            select: definitionSelect,
          });
          return toDefinition(row);
        });
      } catch (error) {
        if (attempt < SAVE_ATTEMPTS && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }

  /** The highest version of `name`, or null when nothing was saved under it. */
  async latest(name: string): Promise<GraphDefinition | null> {
    const row = await this.#db.graphDefinition.findFirst({
      where: { name },
      orderBy: { version: 'desc' },
      select: definitionSelect,
    });
    return row ? toDefinition(row) : null;
  }

  /** One version of `name`, or null. */
  async get(name: string, version: number): Promise<GraphDefinition | null> {
    const row = await this.#db.graphDefinition.findUnique({
      where: { name_version: { name, version } },
      select: definitionSelect,
    });
    return row ? toDefinition(row) : null;
  }

  /** The latest version of every saved name, ordered by name. */
  async list(): Promise<GraphDefinition[]> {
    const latest = await this.#db.graphDefinition.groupBy({
      by: ['name'],
      _max: { version: true },
      orderBy: { name: 'asc' },
    });
    if (latest.length === 0) return [];
    // Versions are never deleted nor changed, so every (name, max version) read above still exists.
    const rows = await this.#db.graphDefinition.findMany({
      where: { OR: latest.map((g) => ({ name: g.name, version: g._max.version ?? 0 })) },
      orderBy: { name: 'asc' },
      select: definitionSelect,
    });
    return rows.map(toDefinition);
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new StoreError('INVALID_ARGUMENT', 'a graph definition needs a non-empty name');
  }
}

/**
 * The document as a JSON value, so that what is read back equals what was stored
 * (undefined members dropped, Dates as strings, …). null and non-JSON values are refused.
 */
function toJson(document: unknown): Prisma.InputJsonValue {
  let text: string | undefined;
  try {
    text = JSON.stringify(document);
  } catch (cause) {
    throw new StoreError('INVALID_ARGUMENT', 'the graph document cannot be written as JSON', { cause });
  }
  if (text === undefined || text === 'null') {
    throw new StoreError('INVALID_ARGUMENT', 'the graph document must be a JSON value other than null');
  }
  return JSON.parse(text) as Prisma.InputJsonValue;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
