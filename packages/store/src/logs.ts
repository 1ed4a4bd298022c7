// Executors' log lines per build and component (`ordo.logs.<buildId>.<componentId>`).
import { insertRows, sqlDate } from './bulk';
import type { Prisma, PrismaClient } from './generated/prisma/client';

export interface LogLineInput {
  buildId: string;
  componentId: string;
  /** ms since the epoch */
  at: number;
  stream: 'stdout' | 'stderr' | 'info';
  line: string;
}

export interface StoredLogLine {
  at: Date;
  componentId: string;
  stream: string;
  line: string;
}

const LINE_INSERT = [
  ['buildId', 'value'],
  ['componentId', 'value'],
  ['at', 'value'],
  ['stream', 'value'],
  ['line', 'value'],
] as const;

const lineSelect = { at: true, componentId: true, stream: true, line: true } satisfies Prisma.LogLineSelect;

export class LogRepository {
  readonly #db: PrismaClient;

  constructor(db: PrismaClient) {
    this.#db = db;
  }

  /** Appends the lines, in order, in one statement (all or none). A line of an unknown build fails the whole call. */
  async append(lines: LogLineInput[]): Promise<void> {
    if (lines.length === 0) return;
    const rows = lines.map((l) => [l.buildId, l.componentId, sqlDate(l.at), l.stream, l.line]);
    await this.#db.$transaction((tx) => insertRows(tx, 'LogLine', LINE_INSERT, rows));
  }

  /** The build's latest `limit` lines (default 1,000), of one component or all, oldest first. */
  async list(buildId: string, componentId?: string, limit = 1000): Promise<StoredLogLine[]> {
    const rows = await this.#db.logLine.findMany({
      where: componentId === undefined ? { buildId } : { buildId, componentId },
      orderBy: { id: 'desc' },
      take: Math.max(0, Math.floor(limit)),
      select: lineSelect,
    });
    return rows.reverse();
  }
}
