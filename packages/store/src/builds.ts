// Builds: creation, the scheduler's saves (one transaction per batch of steps), restore after a
// crash, and the read models (snapshot, list, events, operator actions).

import { LibsqlError } from '@libsql/client';
import {
  type AttemptRecord,
  type BuildEvent,
  type BuildState,
  type BuildStatus,
  type ComponentPolicy,
  type ComponentState,
  type CreateBuildInput,
  createBuild,
  type EnvironmentCommand,
  type ErnestRecord,
  type FailurePolicy,
  type Graph,
  policyOf,
  restoreBuild,
  type SavedBuildFields,
  type SavedComponentRun,
  type StateCounts,
} from '@ordo/core';
import {
  deleteStatement,
  insertRows,
  insertStatement,
  sqlDate,
  sqlOf,
  updateStatement,
  upsertStatement,
} from './bulk';
import {
  awaitingApprovalOf,
  historyByComponent,
  runExtras,
  savedRun,
  wholeRunHistory,
} from './component-run';
import { planEnvironmentWrites } from './environment-changes';
import { StoreError } from './errors';
import { Prisma, type PrismaClient } from './generated/prisma/client';
import { SqlCheckError, type SqliteConnection, type SqlStatement } from './sqlite';

// ---------------------------------------------------------------------------------------------
// types

export interface CreateBuildRecord {
  /** the build id (the caller makes it, e.g. a uuid v7) */
  id: string;
  /** environment name; the environment is created on first use */
  environment: string;
  /** the validated graph the build runs */
  graph: Graph;
  policy: FailurePolicy;
  concurrency?: { build?: number; providers?: Record<string, number> };
  /** the `sim` executor answers for every provider of this build */
  simulate: boolean;
  /** seed of the scheduler's jitter PRNG */
  seed: number;
  /** build-wide retry policy defaults */
  defaults?: ComponentPolicy;
  createdAt: Date;
  /** who created it */
  actor?: string;
}

/** An operator's request as the runner saw it, accepted or refused. */
export interface OperatorActionInput {
  /** ms since the epoch */
  at: number;
  actor: string;
  /** retry | cancel | skip | approve */
  action: string;
  /** absent: of the whole build */
  componentId?: string;
  accepted: boolean;
  /** why it was refused */
  reason?: string;
}

export interface OperatorActionRecord {
  at: Date;
  actor: string;
  action: string;
  componentId: string | null;
  accepted: boolean;
  reason: string | null;
}

/** What one or more `step`s of one build changed, to save. */
export interface PersistBatch {
  /** the build state after the steps (batches of one build may share the same, mutated, object) */
  state: BuildState;
  /** indexes of the components the steps changed (core `changedComponents`) */
  changed: Iterable<number>;
  /** the emitted events, in order */
  events: BuildEvent[];
  /** the environment commands, in order */
  environment: EnvironmentCommand[];
  actions?: OperatorActionInput[];
}

export interface BuildComponentSnapshot {
  id: string;
  type: string;
  action: string;
  provider: string;
  state: ComponentState;
  attempt: number;
  error: string | null;
  outputs: Record<string, unknown>;
  /** the component's properties as requested (templates unresolved) */
  desired: Record<string, unknown>;
  history: AttemptRecord[];
  awaitingApproval: boolean;
  approved: boolean;
  cancelRequested: boolean;
}

export interface BuildSnapshot {
  id: string;
  environment: string;
  status: BuildStatus;
  policy: FailurePolicy;
  simulate: boolean;
  /** the last event's sequence number: follow events from here */
  seq: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  concurrency: { build?: number; providers?: Record<string, number> };
  /** in graph order */
  components: BuildComponentSnapshot[];
  edges: Array<{ source: string; destination: string }>;
}

/** A build's completed components, as resource tracking reads them (`completedComponents`). */
export interface CompletedComponents {
  environment: string;
  status: BuildStatus;
  simulate: boolean;
  /** in graph order */
  components: Array<{
    id: string;
    type: string;
    action: string;
    provider: string;
    outputs: Record<string, unknown>;
    desired: Record<string, unknown>;
  }>;
}

/** A Json column as Prisma returns it (an object) or as raw SQL does (its text): a record, or {}. */
function jsonRecord(value: unknown): Record<string, unknown> {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return isRecord(parsed) ? parsed : {};
}

export interface BuildSummary {
  id: string;
  environment: string;
  status: BuildStatus;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** components in the build */
  total: number;
  completed: number;
  errored: number;
}

export interface BuildListFilter {
  environment?: string;
  status?: string[];
  /** default 100 */
  limit?: number;
  /** only builds created before this */
  before?: Date;
}

/** A build as the runner needs it. */
export interface LoadedBuild {
  state: BuildState;
  simulate: boolean;
}

// ---------------------------------------------------------------------------------------------
// row shapes

/** Build.options */
interface BuildOptions {
  seed: number;
  defaults?: ComponentPolicy;
  actor?: string;
}

/** Build.scheduler: SavedBuildFields without the columns of their own and the environment. */
type SchedulerFields = Pick<SavedBuildFields, 'rng' | 'halted' | 'ready' | 'parked' | 'retryQueue'>;

/** An interactive transaction may run this long (a 5,000-component build, a large batch). */
const TX_OPTIONS = { timeout: 60_000, maxWait: 10_000 };

const UNFINISHED: BuildStatus[] = ['pending', 'running', 'cancelling'];

function ms(value: Date | null): number | null {
  return value === null ? null : value.getTime();
}

/** A row of `loadRunnable`'s build query, as libSQL returns it. */
interface RunnableBuildRow extends Record<string, unknown> {
  id: string;
  status: string;
  policy: string;
  seq: number | bigint;
  createdAt: unknown;
  startedAt: unknown;
  finishedAt: unknown;
  graph: unknown;
  simulate: number | bigint | boolean;
  concurrency: unknown;
  options: unknown;
  scheduler: unknown;
  environment: string;
}

/** A row of `loadRunnable`'s component query, as libSQL returns it. */
interface RunnableComponentRow extends Record<string, unknown> {
  index: number | bigint;
  componentId: string;
  state: string;
  attempt: number | bigint;
  triesLeft: number | bigint;
  outputs: unknown;
  error: string | null;
  deadline: unknown;
  retryAt: unknown;
  cancelRequested: number | bigint | boolean;
  approved: number | bigint | boolean;
  run: unknown;
}

/** A row of `loadRunnable`'s Attempt query, as libSQL returns it. */
interface RunnableAttemptRow extends Record<string, unknown> {
  componentId: string;
  attempt: number | bigint;
  dispatchedAt: unknown;
  finishedAt: unknown;
  status: string;
  error: string | null;
}

/**
 * A Json column read by raw SQL: libSQL gives its text, parsed here (SQL NULL stays null); a raw
 * query through Prisma may have parsed it already.
 */
function jsonColumn(value: unknown): unknown {
  if (typeof value === 'string') return JSON.parse(value) as unknown;
  return value ?? null;
}

/** A DateTime column read by raw SQL: Prisma writes ISO text on SQLite (epoch ms and Dates read too). */
function dateColumn(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const at = typeof value === 'string' ? Date.parse(value) : Number(value);
  if (!Number.isFinite(at)) throw new Error(`not a date: ${String(value)}`);
  return new Date(at);
}

/** A DateTime column read by raw SQL, as epoch ms. */
function msColumn(value: unknown): number | null {
  return dateColumn(value)?.getTime() ?? null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A unique or primary key violation: from a Prisma query (P2002), a raw statement through Prisma
 * (P2010), or a statement on the raw connection (libSQL's SQLITE_CONSTRAINT_PRIMARYKEY / _UNIQUE).
 */
function isUniqueViolation(error: unknown): boolean {
  if (error instanceof LibsqlError) return /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test(error.code);
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === 'P2002') return true;
  return error.code === 'P2010' && /UNIQUE constraint failed|PRIMARY KEY/i.test(error.message);
}

// ---------------------------------------------------------------------------------------------

const snapshotComponentSelect = {
  componentId: true,
  type: true,
  action: true,
  provider: true,
  state: true,
  attempt: true,
  error: true,
  outputs: true,
  desired: true,
  approved: true,
  cancelRequested: true,
  run: true,
} satisfies Prisma.BuildComponentSelect;

const eventSelect = {
  seq: true,
  at: true,
  type: true,
  componentId: true,
  state: true,
  message: true,
  actor: true,
  action: true,
  attempt: true,
} satisfies Prisma.BuildEventSelect;

type EventRow = Prisma.BuildEventGetPayload<{ select: typeof eventSelect }>;

function toEvent(row: EventRow): BuildEvent {
  const event: BuildEvent = { seq: row.seq, at: row.at.getTime(), type: row.type as BuildEvent['type'] };
  if (row.componentId !== null) event.componentId = row.componentId;
  if (row.state !== null) event.state = row.state as BuildEvent['state'];
  if (row.attempt !== null) event.attempt = row.attempt;
  if (row.message !== null) event.message = row.message;
  if (row.actor !== null) event.actor = row.actor;
  if (row.action !== null) event.action = row.action as BuildEvent['action'];
  return event;
}

function countsOf(value: unknown): Partial<StateCounts> {
  return isRecord(value) ? (value as Partial<StateCounts>) : {};
}

/** Builds and everything that happens to them. Every method is one transaction (or one statement). */
export class BuildRepository {
  readonly #db: PrismaClient;
  readonly #sql: SqliteConnection;
  /** `sql`: the same database's connection, for the scheduler's saves (`persist`) around Prisma */
  constructor(db: PrismaClient, sql: SqliteConnection) {
    this.#db = db;
    this.#sql = sql;
  }

  /**
   * Stores a new, pending build: its environment (created on first use), the Build row with the
   * graph, one BuildComponent per component of `changes`, its edges and its view of the
   * environment (`graph.current`). A build id that exists already → StoreError `CONFLICT`.
   */
  async create(input: CreateBuildRecord): Promise<void> {
    const state = createBuild(toCreateInput(input));
    const options: BuildOptions = { seed: input.seed };
    if (input.defaults) options.defaults = input.defaults;
    if (input.actor !== undefined) options.actor = input.actor;
    const now = sqlDate(input.createdAt.getTime());
    const components = state.components.map((c, index) => [
      input.id,
      c.id,
      index,
      c.type,
      c.action,
      c.provider,
      c.state,
      c.attempt,
      c.triesLeft,
      c.props,
      policyOf(state, c).gate,
      now,
    ]);
    const edges = new Map<string, unknown[]>();
    for (const e of input.graph.edges) {
      edges.set(JSON.stringify([e.source, e.destination]), [input.id, e.source, e.destination]);
    }
    const environment = Object.entries(state.environmentState).map(([componentId, record]) => [
      input.id,
      componentId,
      record,
    ]);
    try {
      await this.#db.$transaction(async (tx) => {
        const env = await tx.environment.upsert({
          where: { name: input.environment },
          create: { name: input.environment },
          update: {},
          select: { id: true },
        });
        // Raw, like the rows below: through Prisma's query compiler a create carrying a large
        // graph costs about 0.1 ms per component (bulk.ts).
        await insertRows(tx, 'Build', BUILD_INSERT, [
          [
            input.id,
            env.id,
            state.status,
            state.failurePolicy,
            input.concurrency ?? {},
            0,
            now,
            input.simulate,
            options,
            state.counts,
          ],
        ]);
        await insertRows(tx, 'BuildGraph', BUILD_GRAPH_INSERT, [[input.id, input.graph]]);
        await insertRows(tx, 'BuildComponent', COMPONENT_INSERT, components);
        await insertRows(tx, 'BuildEdge', EDGE_INSERT, [...edges.values()]);
        await insertRows(tx, 'BuildEnvironmentRecord', BUILD_ENVIRONMENT_INSERT, environment);
      }, TX_OPTIONS);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new StoreError('CONFLICT', `a build with id ${input.id} exists already`, { cause: error });
      }
      throw error;
    }
  }

  /** The scheduler state of a build, as `step` left it at the last save; null if there is no such build. */
  async loadState(id: string): Promise<BuildState | null> {
    return (await this.loadRunnable(id))?.state ?? null;
  }

  /** `loadState` plus the build's `simulate` flag (what the runner needs to resume it). */
  async loadRunnable(id: string): Promise<LoadedBuild | null> {
    // Raw SQL on the store's connection, not Prisma: for a 5,000-component build Prisma's reads
    // (the graph, a row per component, the environment's records) took ≈ 50 ms of the runner's
    // thread, on the way to the build's first dispatch — and on every restart, per build.
    const loaded = await this.#sql.transaction(async (tx) => {
      const [row] = await tx.query<RunnableBuildRow>(
        `SELECT b."id", b."status", b."policy", b."concurrency", b."seq", b."createdAt", b."startedAt",
                b."finishedAt", g."graph", b."simulate", b."options", b."scheduler", e."name" AS "environment"
           FROM "Build" b JOIN "Environment" e ON e."id" = b."environmentId"
           JOIN "BuildGraph" g ON g."buildId" = b."id" WHERE b."id" = ?`,
        [id],
      );
      if (!row) return null;
      // only the components changed since the build was created (`run` not NULL): the others are
      // restored from the graph alone — a new build reads no component row at all
      const components = await tx.query<RunnableComponentRow>(
        `SELECT "index", "componentId", "state", "attempt", "triesLeft", "outputs", "error", "deadline", "retryAt",
                "cancelRequested", "approved", "run"
           FROM "BuildComponent" WHERE "buildId" = ? AND "run" IS NOT NULL`,
        [id],
      );
      const attempts = await tx.query<RunnableAttemptRow>(
        `SELECT "componentId", "attempt", "dispatchedAt", "finishedAt", "status", "error"
           FROM "Attempt" WHERE "buildId" = ? ORDER BY "componentId", "attempt"`,
        [id],
      );
      const environment = await tx.query<{ componentId: string; record: string }>(
        'SELECT "componentId", "record" FROM "BuildEnvironmentRecord" WHERE "buildId" = ? ORDER BY "position"',
        [id],
      );
      const build = {
        id: row.id,
        status: row.status,
        policy: row.policy,
        concurrency: jsonColumn(row.concurrency),
        seq: Number(row.seq),
        createdAt: dateColumn(row.createdAt) as Date,
        startedAt: dateColumn(row.startedAt),
        finishedAt: dateColumn(row.finishedAt),
        graph: jsonColumn(row.graph),
        simulate: Boolean(row.simulate),
        options: jsonColumn(row.options),
        scheduler: jsonColumn(row.scheduler),
        environment: { name: row.environment },
      };
      const history = historyByComponent(
        attempts.map((a) => ({
          componentId: a.componentId,
          attempt: Number(a.attempt),
          dispatchedAt: msColumn(a.dispatchedAt) as number,
          finishedAt: msColumn(a.finishedAt),
          status: a.status,
          error: a.error,
        })),
      );
      return {
        build,
        components: components.map((c) => ({
          index: Number(c.index),
          saved: savedRun(
            {
              state: c.state,
              attempt: Number(c.attempt),
              triesLeft: Number(c.triesLeft),
              outputs: jsonColumn(c.outputs),
              error: c.error,
              deadline: msColumn(c.deadline),
              retryAt: msColumn(c.retryAt),
              cancelRequested: Boolean(c.cancelRequested),
              approved: Boolean(c.approved),
              run: jsonColumn(c.run),
            },
            history.get(c.componentId) ?? [],
          ),
        })),
        environment: environment.map((e) => ({ componentId: e.componentId, record: jsonColumn(e.record) })),
      };
    });
    if (!loaded) return null;
    const { build, components, environment } = loaded;
    const options = (isRecord(build.options) ? build.options : { seed: 0 }) as unknown as BuildOptions;
    const input: CreateBuildInput = {
      id: build.id,
      environment: build.environment.name,
      graph: build.graph as unknown as Graph,
      policy: build.policy as FailurePolicy,
      concurrency: build.concurrency as CreateBuildInput['concurrency'],
      seed: options.seed,
      createdAt: build.createdAt.getTime(),
    };
    if (options.defaults) input.defaults = options.defaults;
    const environmentState: Record<string, ErnestRecord> = {};
    for (const row of environment) putOwn(environmentState, row.componentId, row.record as ErnestRecord);
    const scheduler = (isRecord(build.scheduler) ? build.scheduler : {}) as Partial<SchedulerFields>;
    const saved: Array<SavedComponentRun | undefined> = [];
    for (const row of components) saved[row.index] = row.saved;
    const state = restoreBuild(input, {
      build: {
        status: build.status as BuildStatus,
        startedAt: ms(build.startedAt),
        finishedAt: ms(build.finishedAt),
        seq: build.seq,
        rng: scheduler.rng ?? options.seed >>> 0,
        halted: scheduler.halted ?? false,
        environmentState,
        ready: scheduler.ready ?? [],
        parked: scheduler.parked ?? [],
        retryQueue: scheduler.retryQueue ?? [],
      },
      components: saved,
    });
    return { state, simulate: build.simulate };
  }

  /** Ids of builds still pending, running or cancelling, oldest first. */
  async unfinished(): Promise<string[]> {
    const rows = await this.#db.build.findMany({
      where: { status: { in: UNFINISHED } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /**
   * Saves what steps changed, for one or more builds, in ONE transaction: all of it or none.
   * Per build: the Build row (status, seq, times, counts, scheduler fields), each changed
   * component (its columns and `run`), its Attempt rows, the events, the environment commands
   * (applied to the build's view and to the environment's current state), the operator actions.
   * Batches of the same build are merged (the last batch's state is the one saved).
   *
   * The rows are read from the states when this is called (before it returns its promise), so
   * the caller may step the states further at once. `after`: the transaction runs only once it
   * resolved — a caller that steps on while an earlier save is in flight passes that save, so
   * that nothing built on top of a failed save is ever stored; when `after` rejects, nothing is
   * saved and this rejects too.
   */
  async persist(batches: PersistBatch[], options: { after?: Promise<unknown> } = {}): Promise<void> {
    const byBuild = new Map<string, MergedBatch>();
    for (const batch of batches) {
      let merged = byBuild.get(batch.state.id);
      if (!merged) {
        merged = { state: batch.state, changed: new Set(), events: [], environment: [], actions: [] };
        byBuild.set(batch.state.id, merged);
      }
      merged.state = batch.state;
      for (const i of batch.changed) merged.changed.add(i);
      merged.events.push(...batch.events);
      merged.environment.push(...batch.environment);
      if (batch.actions) merged.actions.push(...batch.actions);
    }
    if (byBuild.size === 0) return;
    // The rows are read from the states now, before anything is awaited: the caller may step
    // the states further as soon as this returns its promise.
    const statements: SqlStatement[] = [];
    const failures: Array<(check: SqlCheckError) => string> = [];
    for (const merged of byBuild.values()) {
      for (const { statement, failure } of persistStatements(merged)) {
        if (failure !== undefined) failures[statements.length] = failure;
        statements.push(statement);
      }
    }
    if (options.after) {
      try {
        await options.after;
      } catch (error) {
        throw new Error('an earlier save failed: nothing was saved', { cause: error });
      }
    }
    try {
      // On the raw connection, in the writer thread (sqlite.ts): through Prisma each of these
      // statements cost about 1 ms of query compilation and client work whatever its size, and
      // on the main thread SQLite's own work blocked the process (bench/BENCH.md).
      await this.#sql.run(statements);
    } catch (error) {
      if (error instanceof SqlCheckError) {
        throw new StoreError('NOT_FOUND', failures[error.index]?.(error) ?? error.message, { cause: error });
      }
      if (isUniqueViolation(error)) {
        throw new StoreError(
          'CONFLICT',
          'the batch repeats a stored row (an event seq?); nothing was saved',
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  /**
   * Gets the saves' writer thread ready (sqlite.ts), so that the first `persist` does not pay for
   * starting it. The runner calls this when it starts.
   */
  prepareSaves(): Promise<void> {
    return this.#sql.prepare();
  }

  /** Everything a viewer needs to show a build, read in one transaction; null if there is no such build. */
  async snapshot(id: string): Promise<BuildSnapshot | null> {
    const loaded = await this.#db.$transaction(async (tx) => {
      const build = await tx.build.findUnique({
        where: { id },
        select: {
          id: true,
          status: true,
          policy: true,
          simulate: true,
          seq: true,
          createdAt: true,
          startedAt: true,
          finishedAt: true,
          concurrency: true,
          environment: { select: { name: true } },
        },
      });
      if (!build) return null;
      const components = await tx.buildComponent.findMany({
        where: { buildId: id },
        orderBy: { index: 'asc' },
        select: snapshotComponentSelect,
      });
      const edges = await tx.buildEdge.findMany({
        where: { buildId: id },
        select: { source: true, destination: true },
      });
      // every attempt of the build at once (not a relation per component: one query, no id list)
      const attempts = await tx.attempt.findMany({
        where: { buildId: id },
        orderBy: [{ componentId: 'asc' }, { attempt: 'asc' }],
        select: {
          componentId: true,
          attempt: true,
          dispatchedAt: true,
          finishedAt: true,
          status: true,
          error: true,
        },
      });
      const history = historyByComponent(
        attempts.map((a) => ({
          ...a,
          dispatchedAt: a.dispatchedAt.getTime(),
          finishedAt: a.finishedAt?.getTime() ?? null,
        })),
      );
      return { build, components, edges, history };
    });
    if (!loaded) return null;
    const { build, components, edges, history } = loaded;
    return {
      id: build.id,
      environment: build.environment.name,
      status: build.status as BuildStatus,
      policy: build.policy as FailurePolicy,
      simulate: build.simulate,
      seq: build.seq,
      createdAt: build.createdAt,
      startedAt: build.startedAt,
      finishedAt: build.finishedAt,
      concurrency: (isRecord(build.concurrency) ? build.concurrency : {}) as BuildSnapshot['concurrency'],
      components: components.map((c) => {
        return {
          id: c.componentId,
          type: c.type,
          action: c.action,
          provider: c.provider,
          state: c.state as ComponentState,
          attempt: c.attempt,
          error: c.error,
          outputs: isRecord(c.outputs) ? c.outputs : {},
          desired: isRecord(c.desired) ? c.desired : {},
          // rows saved before the Attempt rows held the history kept it in `run` (component-run.ts)
          history: wholeRunHistory(c.run) ?? history.get(c.componentId) ?? [],
          awaitingApproval: awaitingApprovalOf(c.run),
          approved: c.approved,
          cancelRequested: c.cancelRequested,
        };
      }),
      edges,
    };
  }

  /**
   * What resource tracking reads of a build: its environment, status and simulate flag, and its
   * completed components — all of them, or only those named in `only` (the ones whose completion
   * was announced since the last look: a running build of thousands of components is not read
   * whole every time a few complete). Null if there is no such build.
   */
  async completedComponents(id: string, only?: Iterable<string>): Promise<CompletedComponents | null> {
    const ids = only === undefined ? undefined : [...new Set(only)];
    return this.#db.$transaction(async (tx) => {
      const build = await tx.build.findUnique({
        where: { id },
        select: { status: true, simulate: true, environment: { select: { name: true } } },
      });
      if (!build) return null;
      const select = {
        componentId: true,
        type: true,
        action: true,
        provider: true,
        outputs: true,
        desired: true,
      } satisfies Prisma.BuildComponentSelect;
      // the ids as one JSON parameter (json_each), not an IN list through Prisma's query
      // compiler: thousands of ids cost one statement
      const rows =
        ids === undefined
          ? await tx.buildComponent.findMany({
              where: { buildId: id, state: 'completed' },
              orderBy: { index: 'asc' },
              select,
            })
          : await sqlOf(tx).query<{
              componentId: string;
              type: string;
              action: string;
              provider: string;
              outputs: string | null;
              desired: string;
            }>(
              `SELECT "componentId", "type", "action", "provider", "outputs", "desired" FROM "BuildComponent"
               WHERE "buildId" = ? AND "state" = 'completed'
                 AND "componentId" IN (SELECT value FROM json_each(?))
               ORDER BY "index"`,
              [id, JSON.stringify(ids)],
            );
      return {
        environment: build.environment.name,
        status: build.status as BuildStatus,
        simulate: build.simulate,
        components: rows.map((c) => ({
          id: c.componentId,
          type: c.type,
          action: c.action,
          provider: c.provider,
          outputs: jsonRecord(c.outputs),
          desired: jsonRecord(c.desired),
        })),
      };
    });
  }

  /** Builds, newest first, with their component counts as of the last save. */
  async list(filter: BuildListFilter = {}): Promise<BuildSummary[]> {
    const where: Prisma.BuildWhereInput = {};
    if (filter.environment !== undefined) where.environment = { name: filter.environment };
    if (filter.status !== undefined) where.status = { in: filter.status };
    if (filter.before !== undefined) where.createdAt = { lt: filter.before };
    const rows = await this.#db.build.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: Math.max(0, Math.floor(filter.limit ?? 100)),
      select: {
        id: true,
        status: true,
        createdAt: true,
        startedAt: true,
        finishedAt: true,
        counts: true,
        environment: { select: { name: true } },
      },
    });
    return rows.map((row) => {
      const counts = countsOf(row.counts);
      let total = 0;
      for (const n of Object.values(counts)) total += typeof n === 'number' ? n : 0;
      return {
        id: row.id,
        environment: row.environment.name,
        status: row.status as BuildStatus,
        createdAt: row.createdAt,
        startedAt: row.startedAt,
        finishedAt: row.finishedAt,
        total,
        completed: counts.completed ?? 0,
        errored: counts.errored ?? 0,
      };
    });
  }

  /** The build's events with `seq > sinceSeq`, in order, at most `limit` (default 1,000). */
  async events(id: string, sinceSeq: number, limit = 1000): Promise<BuildEvent[]> {
    const rows = await this.#db.buildEvent.findMany({
      where: { buildId: id, seq: { gt: sinceSeq } },
      orderBy: { seq: 'asc' },
      take: Math.max(0, Math.floor(limit)),
      select: eventSelect,
    });
    return rows.map(toEvent);
  }

  /** Operator actions on the build, oldest first, refused ones included. */
  async actions(id: string): Promise<OperatorActionRecord[]> {
    return this.#db.operatorAction.findMany({
      where: { buildId: id },
      orderBy: { id: 'asc' },
      select: { at: true, actor: true, action: true, componentId: true, accepted: true, reason: true },
    });
  }
}

// ---------------------------------------------------------------------------------------------

interface MergedBatch {
  state: BuildState;
  changed: Set<number>;
  events: BuildEvent[];
  environment: EnvironmentCommand[];
  actions: OperatorActionInput[];
}

function toCreateInput(input: CreateBuildRecord): CreateBuildInput {
  const result: CreateBuildInput = {
    id: input.id,
    graph: input.graph,
    environment: input.environment,
    policy: input.policy,
    seed: input.seed,
    createdAt: input.createdAt.getTime(),
  };
  if (input.concurrency) result.concurrency = input.concurrency;
  if (input.defaults) result.defaults = input.defaults;
  return result;
}

function putOwn<T>(dict: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(dict, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    dict[key] = value;
  }
}

// Columns of the bulk statements (bulk.ts): a row is an array of values in this order.
const BUILD_INSERT = [
  ['id', 'value'],
  ['environmentId', 'value'],
  ['status', 'value'],
  ['policy', 'value'],
  ['concurrency', 'json'],
  ['seq', 'value'],
  ['createdAt', 'value'],
  ['simulate', 'value'],
  ['options', 'json'],
  ['counts', 'json'],
] as const;
const BUILD_GRAPH_INSERT = [
  ['buildId', 'value'],
  ['graph', 'json'],
] as const;
const COMPONENT_INSERT = [
  ['buildId', 'value'],
  ['componentId', 'value'],
  ['index', 'value'],
  ['type', 'value'],
  ['action', 'value'],
  ['provider', 'value'],
  ['state', 'value'],
  ['attempt', 'value'],
  ['triesLeft', 'value'],
  ['desired', 'json'],
  ['gate', 'value'],
  ['updatedAt', 'value'],
] as const;
const COMPONENT_UPDATE = [
  ['state', 'value'],
  ['attempt', 'value'],
  ['triesLeft', 'value'],
  ['outputs', 'json'],
  ['error', 'value'],
  ['deadline', 'value'],
  ['retryAt', 'value'],
  ['cancelRequested', 'value'],
  ['approved', 'value'],
  ['run', 'json'],
  ['updatedAt', 'value'],
] as const;
const EDGE_INSERT = [
  ['buildId', 'value'],
  ['source', 'value'],
  ['destination', 'value'],
] as const;
const BUILD_ENVIRONMENT_INSERT = [
  ['buildId', 'value'],
  ['componentId', 'value'],
  ['record', 'json'],
] as const;
/** (after `environmentId`, which the statement looks up) */
const ENVIRONMENT_INSERT = [
  ['componentId', 'value'],
  ['record', 'json'],
  ['updatedAt', 'value'],
] as const;
const ATTEMPT_INSERT = [
  ['buildId', 'value'],
  ['componentId', 'value'],
  ['attempt', 'value'],
  ['dispatchedAt', 'value'],
  ['finishedAt', 'value'],
  ['status', 'value'],
  ['error', 'value'],
] as const;
const EVENT_INSERT = [
  ['buildId', 'value'],
  ['seq', 'value'],
  ['at', 'value'],
  ['type', 'value'],
  ['componentId', 'value'],
  ['state', 'value'],
  ['message', 'value'],
  ['actor', 'value'],
  ['action', 'value'],
  ['attempt', 'value'],
] as const;
const ACTION_INSERT = [
  ['buildId', 'value'],
  ['at', 'value'],
  ['actor', 'value'],
  ['action', 'value'],
  ['componentId', 'value'],
  ['accepted', 'value'],
  ['reason', 'value'],
] as const;

/** A statement of a save, and what to say when it does not change the rows it must. */
interface PersistStatement {
  statement: SqlStatement;
  failure?: (check: SqlCheckError) => string;
}

/**
 * The statements that save one build's merged batch. Built at once from the state as it is now
 * (nothing is awaited), so that the caller may go on stepping it while they run.
 */
function persistStatements(batch: MergedBatch): PersistStatement[] {
  const s = batch.state;
  const buildId = s.id;
  const now = sqlDate(Date.now());
  const out: PersistStatement[] = [];
  const add = (statement: SqlStatement | undefined, failure?: (check: SqlCheckError) => string) => {
    if (statement) out.push(failure === undefined ? { statement } : { statement, failure });
  };
  const scheduler: SchedulerFields = {
    rng: s.rng,
    halted: s.halted,
    ready: s.ready,
    parked: s.parked,
    retryQueue: s.retryQueue,
  };
  add(
    {
      sql: 'UPDATE "Build" SET "status" = ?, "seq" = ?, "startedAt" = ?, "finishedAt" = ?, "counts" = ?, "scheduler" = ? WHERE "id" = ?',
      args: [
        s.status,
        s.seq,
        sqlDate(s.startedAt),
        sqlDate(s.finishedAt),
        JSON.stringify(s.counts),
        JSON.stringify(scheduler),
        buildId,
      ],
      changes: 1,
    },
    () => `no build ${buildId}; nothing was saved`,
  );

  const updates: unknown[][] = [];
  const attempts: unknown[][] = [];
  for (const i of [...batch.changed].sort((a, b) => a - b)) {
    const c = s.components[i];
    if (!c) continue;
    updates.push([
      c.id,
      c.state,
      c.attempt,
      c.triesLeft,
      c.outputs,
      c.error,
      sqlDate(c.deadline),
      sqlDate(c.retryAt),
      c.cancelRequested,
      c.approved,
      runExtras(c),
      now,
    ]);
    for (const a of c.history) {
      attempts.push([
        buildId,
        c.id,
        a.attempt,
        sqlDate(a.dispatchedAt),
        sqlDate(a.finishedAt),
        a.status,
        a.error ?? null,
      ]);
    }
  }
  const update = updateStatement('BuildComponent', { buildId }, ['componentId'], COMPONENT_UPDATE, updates);
  add(
    update && { ...update, changes: updates.length },
    (check) => `build ${buildId}: ${check.expected - check.actual} changed components are not stored`,
  );
  // History only grows and its entries become final: upsert the changed components' (short) histories.
  add(
    upsertStatement(
      'Attempt',
      ATTEMPT_INSERT,
      attempts,
      ['buildId', 'componentId', 'attempt'],
      ['finishedAt', 'status', 'error'],
    ),
  );

  const events = batch.events.map((e) => [
    buildId,
    e.seq,
    sqlDate(e.at),
    e.type,
    e.componentId ?? null,
    e.state ?? null,
    e.message ?? null,
    e.actor ?? null,
    e.action ?? null,
    e.attempt ?? null,
  ]);
  add(insertStatement('BuildEvent', EVENT_INSERT, events));

  if (batch.environment.length > 0) {
    // The build's own view, then the environment's current state: the same commands, in order.
    const writes = planEnvironmentWrites(batch.environment);
    add(deleteStatement('BuildEnvironmentRecord', { buildId }, 'componentId', writes.deletes));
    add(
      upsertStatement(
        'BuildEnvironmentRecord',
        BUILD_ENVIRONMENT_INSERT,
        writes.upserts.map(([id, record]) => [buildId, id, record]),
        ['buildId', 'componentId'],
        ['record'],
      ),
    );
    // the build's environment, looked up by the statements themselves (a constant subquery)
    const environmentId = { expr: '(SELECT "environmentId" FROM "Build" WHERE "id" = ?)', args: [buildId] };
    add(deleteStatement('EnvironmentComponent', { environmentId }, 'componentId', writes.deletes));
    add(
      upsertStatement(
        'EnvironmentComponent',
        ENVIRONMENT_INSERT,
        writes.upserts.map(([id, record]) => [id, record, now]),
        ['environmentId', 'componentId'],
        ['record', 'updatedAt'],
        { column: 'environmentId', value: environmentId },
      ),
    );
  }

  const actions = batch.actions.map((a) => [
    buildId,
    sqlDate(a.at),
    a.actor,
    a.action,
    a.componentId ?? null,
    a.accepted,
    a.reason ?? null,
  ]);
  add(insertStatement('OperatorAction', ACTION_INSERT, actions));
  return out;
}
