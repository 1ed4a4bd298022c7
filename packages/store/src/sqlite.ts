// The libSQL driver adapter for a local SQLite file, with one connection per Store and the
// connection settings Ordo relies on.
//
// Why not plain `new PrismaLibSQL({ url })`: @libsql/client 0.8 hands its connection to every
// transaction and opens a fresh one for whatever comes next. Per-connection settings
// (busy_timeout) are then lost after the first transaction, the old connection stays open
// until garbage collection, and the adapter always begins transactions DEFERRED. The wrapper
// below keeps one connection, sets it up once, and begins every transaction IMMEDIATE.
//
// The connection is shared by two users: Prisma (reads, most repositories) and the raw path
// below (`SqliteConnection.transaction`, the runner's hot-path writes, which skip Prisma's query
// compiler). @prisma/adapter-libsql serialises Prisma's own statements behind a mutex that it
// holds for the whole of a transaction, but it knows nothing of the raw path; so the client
// below has a lock of its own that every statement and every transaction of either user takes:
// a transaction holds it from BEGIN to COMMIT/ROLLBACK, and no statement of anyone else runs on
// the connection in between.
//
// The runner's saves (`SqliteConnection.run`) go one step further: their statements run in a
// worker thread (sqlite-writer.mjs) on a connection of its own to the same file, so that the
// process's main thread goes on with NATS and scheduling while SQLite executes and fsyncs a
// commit (libSQL is synchronous: on the main thread each save blocked the whole process). Such a
// save still takes the lock above for its whole transaction, so nothing of Prisma's runs on the
// main connection meanwhile (it waits without blocking the thread), and the two connections
// never contend for SQLite's write lock.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as workerThreads from 'node:worker_threads';

import {
  type Client,
  type Config,
  createClient,
  type InStatement,
  type InValue,
  LibsqlError,
  type ResultSet,
  type Transaction,
  type TransactionMode,
} from '@libsql/client';
import { PrismaLibSQL } from '@prisma/adapter-libsql';

/**
 * The Worker constructor, read off the module at run time: the web app's bundler (Turbopack)
 * follows `new Worker(x)` and fails on a path it cannot resolve statically, although the web app
 * never starts the writer thread (only the runner saves).
 */
const Worker = Reflect.get(workerThreads, 'Worker') as typeof workerThreads.Worker;
type Worker = workerThreads.Worker;

/** Connection settings applied when a Store's connection opens. */
export interface SqliteSettings {
  /**
   * How long a statement waits for another process's write lock before failing with
   * SQLITE_BUSY. libSQL's default is 0 (fail at once). The wait blocks the Node thread
   * (libSQL is synchronous), so keep it short; SQLite write transactions are short too.
   */
  busyTimeoutMs: number;
  /**
   * When a commit reaches the disk. FULL (default): before the commit returns, so a machine
   * crash loses nothing committed — the design needs this (the store is the truth, not
   * JetStream). NORMAL: at WAL checkpoints; a power loss may drop the last commits (never
   * corrupts). OFF: never waits for the disk; for throwaway test databases only.
   */
  synchronous: 'FULL' | 'NORMAL' | 'OFF';
}

export const defaultSqliteSettings: SqliteSettings = { busyTimeoutMs: 5000, synchronous: 'FULL' };

/**
 * The statements run once on a new connection:
 * - `journal_mode = WAL`: readers never block the writer nor the writer the readers, so the
 *   runner and the web app (separate processes) can share the file; a commit appends to the
 *   log instead of rewriting pages. Stored in the file, so it holds for every later opener.
 * - `busy_timeout`: a writer waits for another process's write lock instead of failing.
 * - `foreign_keys = ON`: libSQL's default already, stated so that it never depends on it.
 * - `synchronous`: see SqliteSettings.
 * - `cache_size`: 16 MiB of page cache instead of SQLite's 2 MiB, so that a large build's rows
 *   and indexes stay cached between the runner's saves (about 10% off their cost in
 *   bench/runtime.ts's 5,000-component build); memory is taken as pages are used.
 */
function setupStatements(settings: SqliteSettings): string[] {
  const ms = Math.max(0, Math.floor(settings.busyTimeoutMs));
  const synchronous = ['FULL', 'NORMAL', 'OFF'].includes(settings.synchronous)
    ? settings.synchronous
    : 'FULL';
  return [
    `PRAGMA busy_timeout = ${ms}`,
    'PRAGMA journal_mode = WAL',
    `PRAGMA synchronous = ${synchronous}`,
    'PRAGMA foreign_keys = ON',
    'PRAGMA cache_size = -16384',
  ];
}

/** First come, first served: one holder at a time. */
class Lock {
  #tail: Promise<void> = Promise.resolve();

  /** resolves, once every earlier holder released it, with the release function */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => held);
    return previous.then(() => release);
  }
}

/** A libSQL client that keeps its single connection and begins transactions IMMEDIATE. */
class SingleConnectionClient implements Client {
  readonly protocol: string;
  #inner: Client;
  #setup: string[] | null;
  #inTransaction = false;
  readonly #lock = new Lock();

  constructor(inner: Client, settings: SqliteSettings) {
    this.#inner = inner;
    this.protocol = inner.protocol;
    this.#setup = setupStatements(settings);
  }

  get closed(): boolean {
    return this.#inner.closed;
  }

  async #ready(): Promise<void> {
    if (this.#setup === null) return;
    const statements = this.#setup;
    this.#setup = null;
    // One by one: these PRAGMAs answer with a row, which executeMultiple refuses.
    // journal_mode=WAL cannot change inside a transaction; none is open yet at this point.
    for (const sql of statements) await this.#inner.execute(sql);
  }

  /** runs `work` holding the connection (after its setup) */
  async #locked<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.#lock.acquire();
    try {
      await this.#ready();
      return await work();
    } finally {
      release();
    }
  }

  execute(stmt: InStatement): Promise<ResultSet> {
    return this.#locked(() => this.#inner.execute(stmt));
  }

  batch(stmts: InStatement[], mode?: TransactionMode): Promise<ResultSet[]> {
    return this.#locked(() => this.#inner.batch(stmts, mode));
  }

  executeMultiple(sql: string): Promise<void> {
    return this.#locked(() => this.#inner.executeMultiple(sql));
  }

  /** runs `work` while no statement or transaction of this client runs (the writer thread's saves) */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.#locked(work);
  }

  /**
   * BEGIN IMMEDIATE takes the write lock at the start (waiting up to busy_timeout), so a
   * transaction that reads and then writes never fails half-way with SQLITE_BUSY_SNAPSHOT
   * because another process wrote in between, as a DEFERRED one can. The connection stays
   * held (the lock) until the transaction commits or rolls back.
   */
  async transaction(): Promise<Transaction> {
    const release = await this.#lock.acquire();
    try {
      await this.#ready();
      if (this.#inTransaction) throw new Error('a transaction is already open on this connection');
      await this.#inner.execute('BEGIN IMMEDIATE');
    } catch (error) {
      release();
      throw error;
    }
    this.#inTransaction = true;
    return new SameConnectionTransaction(this.#inner, () => {
      this.#inTransaction = false;
      release();
    });
  }

  sync(): Promise<void> {
    return this.#inner.sync();
  }

  close(): void {
    if (!this.#inner.closed) this.#inner.close();
  }

  /** closes once the statement or transaction holding the connection is over */
  closeWhenIdle(): Promise<void> {
    return this.#locked(async () => {
      if (!this.#inner.closed) this.#inner.close();
    });
  }
}

class SameConnectionTransaction implements Transaction {
  #client: Client;
  #done: (() => void) | null;

  constructor(client: Client, done: () => void) {
    this.#client = client;
    this.#done = done;
  }

  get closed(): boolean {
    return this.#done === null;
  }

  #open(): Client {
    if (this.#done === null) throw new Error('the transaction is closed');
    return this.#client;
  }

  async #end(sql: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    const client = this.#open();
    const done = this.#done;
    try {
      await client.execute(sql);
    } catch (error) {
      // A failed COMMIT can leave the transaction open: roll it back so the connection is usable.
      if (sql === 'COMMIT') await client.execute('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.#done = null;
      done?.();
    }
  }

  execute(stmt: InStatement): Promise<ResultSet> {
    return this.#open().execute(stmt);
  }

  async batch(stmts: InStatement[]): Promise<ResultSet[]> {
    const client = this.#open();
    const results = [];
    for (const stmt of stmts) results.push(await client.execute(stmt));
    return results;
  }

  executeMultiple(sql: string): Promise<void> {
    return this.#open().executeMultiple(sql);
  }

  commit(): Promise<void> {
    return this.#end('COMMIT');
  }

  rollback(): Promise<void> {
    if (this.#done === null) return Promise.resolve();
    return this.#end('ROLLBACK');
  }

  close(): void {
    if (this.#done !== null) void this.rollback();
  }
}

/** A value bound to a `?` of a raw statement. */
export type SqlValue = InValue;

/** One statement of a save (`SqliteConnection.run`). */
export interface SqlStatement {
  readonly sql: string;
  readonly args: readonly SqlValue[];
  /** the number of rows it must change; any other count rolls the whole save back (`SqlCheckError`) */
  readonly changes?: number | undefined;
}

/** A statement of a save changed another number of rows than it had to; nothing was saved. */
export class SqlCheckError extends Error {
  constructor(
    /** the statement's position in the save */
    readonly index: number,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`statement ${index} changed ${actual} rows, not ${expected}; rolled back`);
    this.name = 'SqlCheckError';
  }
}

/** Runs a save's statements in `tx`, in order, checking their counts: what the writer thread does. */
export async function runStatements(
  tx: SqlTransaction,
  statements: readonly SqlStatement[],
): Promise<number[]> {
  const changes: number[] = [];
  for (const [index, statement] of statements.entries()) {
    const changed = await tx.execute(statement.sql, statement.args);
    if (statement.changes !== undefined && changed !== statement.changes) {
      throw new SqlCheckError(index, statement.changes, changed);
    }
    changes.push(changed);
  }
  return changes;
}

/** Statements of one raw transaction (`SqliteConnection.transaction`). */
export interface SqlTransaction {
  /** runs a statement; returns the number of rows it changed */
  execute(sql: string, args?: readonly SqlValue[]): Promise<number>;
  /** runs a statement that returns rows (SELECT, … RETURNING); each row by column name */
  query<T extends Record<string, unknown>>(sql: string, args?: readonly SqlValue[]): Promise<T[]>;
}

/** The Prisma driver-adapter factory for a local SQLite file (`file:` URL). */
export class SqliteAdapterFactory extends PrismaLibSQL {
  readonly #url: string;
  readonly #settings: SqliteSettings;
  #client: SingleConnectionClient | undefined;

  constructor(url: string, settings: SqliteSettings = defaultSqliteSettings) {
    super({ url });
    this.#url = url;
    this.#settings = settings;
  }

  /** The store's one connection, shared by Prisma and `SqliteConnection` (opened again after a close). */
  override createClient(config: Config): Client {
    if (config.url !== this.#url) return new SingleConnectionClient(createClient(config), this.#settings);
    return this.#connection();
  }

  #connection(): SingleConnectionClient {
    if (this.#client === undefined || this.#client.closed) {
      this.#client = new SingleConnectionClient(createClient({ url: this.#url }), this.#settings);
    }
    return this.#client;
  }

  #writer: WriterThread | undefined;

  #writerThread(): WriterThread {
    this.#writer ??= new WriterThread(this.#url, setupStatements(this.#settings));
    return this.#writer;
  }

  /** Statements on the same connection as Prisma's, around Prisma (see the top of this file). */
  readonly connection: SqliteConnection = {
    run: (statements) => {
      if (statements.length === 0) return Promise.resolve([]);
      const writer = this.#writerThread();
      return this.#connection().exclusive(() => writer.run(statements));
    },
    prepare: async () => {
      const writer = this.#writerThread();
      await this.#connection().exclusive(() => writer.run([]));
    },
    transaction: async (work) => {
      const tx = await this.#connection().transaction();
      try {
        const result = await work({
          execute: async (sql, args = []) =>
            (await tx.execute({ sql, args: args as InValue[] })).rowsAffected,
          query: async <T>(sql: string, args: readonly SqlValue[] = []) =>
            (await tx.execute({ sql, args: args as InValue[] })).rows as unknown as T[],
        });
        await tx.commit();
        return result;
      } catch (error) {
        // (after a failed COMMIT the transaction is rolled back already; this is then a no-op)
        await tx.rollback().catch(() => undefined);
        throw error;
      }
    },
    close: async () => {
      await this.#client?.closeWhenIdle();
      const writer = this.#writer;
      this.#writer = undefined;
      await writer?.close();
    },
  };
}

/** Raw transactions on a Store's connection, serialised with Prisma's. */
export interface SqliteConnection {
  /**
   * Runs `statements` in order in one IMMEDIATE transaction, in the writer thread (see the top of
   * this file): committed (durable per `synchronous`) when every statement succeeded and changed
   * the rows it had to, else rolled back and rejected (`SqlCheckError`, or libSQL's error). Resolves
   * with the rows each statement changed. Serialised with Prisma's statements and `transaction`.
   */
  run(statements: readonly SqlStatement[]): Promise<number[]>;
  /**
   * Starts the writer thread and opens its connection now, so that the first save does not wait
   * for them (a thread, its own copy of the libSQL client, the file opened: 0.1–1 s on a busy machine).
   */
  prepare(): Promise<void>;
  /**
   * Runs `work` in one IMMEDIATE transaction: committed when it resolves (a commit is durable per
   * `synchronous`), rolled back when it throws. Do not call Prisma from inside `work`: Prisma
   * waits for the connection this transaction holds.
   */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /** closes the connection once it is idle */
  close(): Promise<void>;
}

/** What the writer thread answers (sqlite-writer.mjs). */
type WriterReply =
  | { id: number; changes: number[] }
  | { id: number; check: { index: number; expected: number; actual: number } }
  | { id: number; error: { message: string; code?: string; rawCode?: number } };

/**
 * The worker thread that runs the saves on a connection of its own (sqlite-writer.mjs, plain
 * JavaScript so that it loads without a TypeScript loader). Started on the first save; keeps the
 * process alive only while a save is in flight; a thread that dies fails the saves in flight and
 * is started again by the next one.
 */
class WriterThread {
  readonly #url: string;
  readonly #setup: string[];
  #worker: Worker | undefined;
  #next = 0;
  readonly #pending = new Map<
    number,
    { resolve: (changes: number[]) => void; reject: (error: Error) => void }
  >();

  constructor(url: string, setup: string[]) {
    this.#url = url;
    this.#setup = setup;
  }

  /** a save; no statements: only opens the thread's connection */
  run(statements: readonly SqlStatement[]): Promise<number[]> {
    const worker = this.#start();
    const id = this.#next++;
    return new Promise<number[]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({ id, statements });
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    // next to this file; not `new URL(…, import.meta.url)`, which bundlers (the web app's) would follow
    const file = join(dirname(fileURLToPath(import.meta.url)), 'sqlite-writer.mjs');
    // no execArgv: the thread needs no TypeScript loader (`--import tsx`) of its own
    const worker = new Worker(file, { workerData: { url: this.#url, setup: this.#setup }, execArgv: [] });
    worker.unref();
    worker.on('message', (reply: WriterReply) => this.#settle(reply));
    worker.on('error', (error) => this.#fail(worker, error));
    worker.on('exit', (code) => this.#fail(worker, new Error(`the SQLite writer thread exited (${code})`)));
    this.#worker = worker;
    return worker;
  }

  #settle(reply: WriterReply): void {
    const entry = this.#pending.get(reply.id);
    if (!entry) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker?.unref();
    if ('changes' in reply) entry.resolve(reply.changes);
    else if ('check' in reply)
      entry.reject(new SqlCheckError(reply.check.index, reply.check.expected, reply.check.actual));
    else entry.reject(libsqlError(reply.error));
  }

  #fail(worker: Worker, error: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const entry of pending) entry.reject(error);
  }

  /** Closes the thread's connection and ends the thread (at once if it does not end by itself). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    worker.postMessage({ close: true });
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<void>((resolve) => {
      timer = setTimeout(() => void worker.terminate().finally(resolve), 5_000);
    });
    await Promise.race([exited, stuck]);
    clearTimeout(timer);
  }
}

/** The thread's error as libSQL's own (callers recognise constraint violations by its code). */
function libsqlError(error: { message: string; code?: string; rawCode?: number }): Error {
  if (error.code === undefined) return new Error(error.message);
  const prefix = `${error.code}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return new LibsqlError(message, error.code, error.rawCode);
}
