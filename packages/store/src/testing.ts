// Test helpers: a new SQLite file in a temporary directory with the committed migrations
// applied, and a Store on it. Import from '@ordo/store/testing', in tests and benchmarks only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { type Migration, readMigrations } from './migrations';
import type { SqliteSettings } from './sqlite';
import { createStore, type Store } from './store';

export interface TestDatabase {
  /** The temporary directory holding `ordo.db`. */
  readonly dir: string;
  /** The database's `file:` URL, e.g. to open it from a child process. */
  readonly url: string;
  /** Deletes the directory. */
  remove(): Promise<void>;
}

export interface TestStore extends Store, Omit<TestDatabase, 'remove'> {
  /** Closes the store and deletes its directory. */
  close(): Promise<void>;
}

let migrations: Promise<Migration[]> | undefined;

/**
 * Makes a temporary directory and creates `ordo.db` in it by running the SQL of every
 * committed migration (prisma/migrations/…/migration.sql, in order) through libSQL, in one
 * transaction. That SQL is what `prisma migrate deploy` runs; going around the CLI takes
 * milliseconds instead of one to two seconds. (No `_prisma_migrations` table is written.)
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  migrations ??= readMigrations();
  const dir = await mkdtemp(join(tmpdir(), 'ordo-store-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const url = `file:${join(dir, 'ordo.db')}`;
  try {
    const client = createClient({ url });
    try {
      const sql = (await migrations).map((m) => m.sql).join('\n');
      // synchronous = OFF: a test database need not survive a machine crash.
      await client.executeMultiple(`PRAGMA synchronous = OFF; BEGIN; ${sql}; COMMIT;`);
    } finally {
      client.close();
    }
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, url, remove };
}

/**
 * A Store on a new test database (see createTestDatabase). It runs with `synchronous = OFF`
 * (commits do not wait for the disk) unless `options.sqlite` says otherwise. Call `close()`
 * when done (e.g. in afterEach): it closes the store and deletes the directory.
 */
export async function createTestStore(
  options: { sqlite?: Partial<SqliteSettings> } = {},
): Promise<TestStore> {
  const database = await createTestDatabase();
  const store = createStore({ url: database.url, sqlite: { synchronous: 'OFF', ...options.sqlite } });
  return {
    ...store,
    dir: database.dir,
    url: database.url,
    close: async () => {
      try {
        await store.close();
      } finally {
        await database.remove();
      }
    },
  };
}
