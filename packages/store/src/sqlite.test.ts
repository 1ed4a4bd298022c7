import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteAdapterFactory } from './sqlite';
import { createTestStore, type TestStore } from './testing';

const run = promisify(execFile);

type SqlDriverAdapter = Awaited<ReturnType<SqliteAdapterFactory['connect']>>;

async function pragma(adapter: SqlDriverAdapter, name: string): Promise<unknown> {
  const result = await adapter.queryRaw({ sql: `PRAGMA ${name}`, args: [], argTypes: [] });
  return result.rows[0]?.[0];
}

describe('SQLite connection', () => {
  let store: TestStore;
  let adapter: SqlDriverAdapter;

  beforeEach(async () => {
    store = await createTestStore();
    adapter = await new SqliteAdapterFactory(store.url).connect();
  });
  afterEach(async () => {
    await adapter.dispose();
    await store.close();
  });

  it('uses WAL, a busy timeout, FULL sync and foreign keys, also after a transaction', async () => {
    const settings = async () => ({
      journal: await pragma(adapter, 'journal_mode'),
      busy: await pragma(adapter, 'busy_timeout'),
      sync: await pragma(adapter, 'synchronous'),
      fk: await pragma(adapter, 'foreign_keys'),
    });
    const expected = { journal: 'wal', busy: 5000, sync: 2, fk: 1 };
    expect(await settings()).toEqual(expected);
    const tx = await adapter.startTransaction();
    await tx.commit();
    expect(await settings()).toEqual(expected);
  });

  it('takes the write lock when a transaction begins (BEGIN IMMEDIATE)', async () => {
    const other = createClient({ url: store.url }); // busy_timeout 0: fails at once when locked
    try {
      const tx = await adapter.startTransaction();
      await expect(other.execute('BEGIN IMMEDIATE')).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      await tx.commit();
      await other.execute('BEGIN IMMEDIATE');
      await other.execute('ROLLBACK');
    } finally {
      other.close();
    }
  });

  it('rolls a transaction back on the same connection', async () => {
    const insert = `INSERT INTO "GraphDefinition" ("name", "version", "document") VALUES ('x', 1, '{}')`;
    const count = `SELECT COUNT(*) FROM "GraphDefinition"`;
    const tx = await adapter.startTransaction();
    await tx.executeRaw({ sql: insert, args: [], argTypes: [] });
    expect((await tx.queryRaw({ sql: count, args: [], argTypes: [] })).rows[0]?.[0]).toBe(1);
    await tx.rollback();
    expect((await adapter.queryRaw({ sql: count, args: [], argTypes: [] })).rows[0]?.[0]).toBe(0);
  });
});

describe('several processes on one SQLite file', () => {
  it('gives every save a distinct version while two processes write at once', async () => {
    const store = await createTestStore();
    try {
      const child = fileURLToPath(new URL('./test-fixtures/save-versions.ts', import.meta.url));
      const startAt = String(Date.now() + 1500);
      const outputs = await Promise.all(
        [1, 2].map(() =>
          run(process.execPath, ['--import', 'tsx', child, store.url, 'shared', '25', startAt], {
            timeout: 30_000,
          }),
        ),
      );
      const results = outputs.map((o) => JSON.parse(o.stdout) as { saved: number; errors: string[] });
      expect(results).toEqual([
        { saved: 25, errors: [] },
        { saved: 25, errors: [] },
      ]);
      const latest = await store.graphDefinitions.latest('shared');
      expect(latest?.version).toBe(50);
      const versions = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.graphDefinitions.get('shared', i + 1)),
      );
      expect(versions.every((v) => v !== null)).toBe(true);
    } finally {
      await store.close();
    }
  }, 40_000);
});
