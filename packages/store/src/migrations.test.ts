// The committed migrations must build the database schema.prisma describes: a change to the
// schema without its migration fails here. (Prisma's own drift check, `migrate diff
// --from-migrations`, gives wrong answers with the WebAssembly engine; see README.md.)
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Client, createClient } from '@libsql/client';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from './testing';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const schema = fileURLToPath(new URL('../../../prisma/schema.prisma', import.meta.url));

/** Tables with their columns, indexes and foreign keys, as SQLite reports them. */
async function shape(client: Client) {
  const rows = async (sql: string) => (await client.execute(sql)).rows.map((r) => ({ ...r }));
  const tables = await rows(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_prisma_migrations' ORDER BY name`,
  );
  const result: Record<string, unknown> = {};
  for (const { name } of tables) {
    const indexes = await rows(`PRAGMA index_list("${name}")`);
    result[String(name)] = {
      columns: await rows(`PRAGMA table_info("${name}")`),
      foreignKeys: await rows(`PRAGMA foreign_key_list("${name}")`),
      indexes: await Promise.all(
        indexes
          .sort((a, b) => String(a.name).localeCompare(String(b.name)))
          .map(async (i) => ({
            ...i,
            seq: undefined,
            columns: await rows(`PRAGMA index_info("${i.name}")`),
          })),
      ),
    };
  }
  return result;
}

describe('committed migrations', () => {
  it('create exactly the schema of prisma/schema.prisma', async () => {
    const fromMigrations = await createTestDatabase();
    const dir = await mkdtemp(join(tmpdir(), 'ordo-schema-'));
    const a = createClient({ url: fromMigrations.url });
    const b = createClient({ url: `file:${join(dir, 'schema.db')}` });
    try {
      const { stdout: sql } = await run(
        'pnpm',
        ['exec', 'prisma', 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', schema, '--script'],
        { cwd: packageDir, env: { ...process.env, DATABASE_URL: `file:${join(dir, 'unused.db')}` } },
      );
      await b.executeMultiple(sql);
      const expected = await shape(b);
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      expect(await shape(a)).toEqual(expected);
    } finally {
      a.close();
      b.close();
      await fromMigrations.remove();
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
