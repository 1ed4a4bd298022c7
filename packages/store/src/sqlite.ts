// The libSQL driver adapter for a local SQLite file, with one connection per Store and the
// connection settings Ordo relies on.
//
// Why not plain `new PrismaLibSQL({ url })`: @libsql/client 0.8 hands its connection to every
// transaction and opens a fresh one for whatever comes next. Per-connection settings
// (busy_timeout) are then lost after the first transaction, the old connection stays open
// until garbage collection, and the adapter always begins transactions DEFERRED. The wrapper
// below keeps one connection, sets it up once, and begins every transaction IMMEDIATE.
//
// This is safe because @prisma/adapter-libsql already serialises all statements of one
// client behind a mutex and holds it for the whole of a transaction: no other statement can
// run on the connection while a transaction is open.
import {
  type Client,
  type Config,
  createClient,
  type InStatement,
  type ResultSet,
  type Transaction,
  type TransactionMode,
} from '@libsql/client';
import { PrismaLibSQL } from '@prisma/adapter-libsql';

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
  ];
}

/** A libSQL client that keeps its single connection and begins transactions IMMEDIATE. */
class SingleConnectionClient implements Client {
  readonly protocol: string;
  #inner: Client;
  #setup: string[] | null;
  #inTransaction = false;

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

  async execute(stmt: InStatement): Promise<ResultSet> {
    await this.#ready();
    return this.#inner.execute(stmt);
  }

  async batch(stmts: InStatement[], mode?: TransactionMode): Promise<ResultSet[]> {
    await this.#ready();
    return this.#inner.batch(stmts, mode);
  }

  async executeMultiple(sql: string): Promise<void> {
    await this.#ready();
    return this.#inner.executeMultiple(sql);
  }

  /**
   * BEGIN IMMEDIATE takes the write lock at the start (waiting up to busy_timeout), so a
   * transaction that reads and then writes never fails half-way with SQLITE_BUSY_SNAPSHOT
   * because another process wrote in between, as a DEFERRED one can.
   */
  async transaction(): Promise<Transaction> {
    await this.#ready();
    if (this.#inTransaction) throw new Error('a transaction is already open on this connection');
    await this.#inner.execute('BEGIN IMMEDIATE');
    this.#inTransaction = true;
    return new SameConnectionTransaction(this.#inner, () => {
      this.#inTransaction = false;
    });
  }

  sync(): Promise<void> {
    return this.#inner.sync();
  }

  close(): void {
    this.#inner.close();
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

/** The Prisma driver-adapter factory for a local SQLite file (`file:` URL). */
export class SqliteAdapterFactory extends PrismaLibSQL {
  #settings: SqliteSettings;

  constructor(url: string, settings: SqliteSettings = defaultSqliteSettings) {
    super({ url });
    this.#settings = settings;
  }

  override createClient(config: Config): Client {
    return new SingleConnectionClient(createClient(config), this.#settings);
  }
}
