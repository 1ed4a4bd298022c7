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
import { readMigrations } from './migrations';
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

  // Run as `prisma migrate deploy` runs a script through the store's adapter: executeMultiple on a
  // connection with foreign keys on (the store's setting), no transaction around it. A table
  // redefinition must neither lose the rows that reference it (ON DELETE CASCADE) nor its data.
  it("move each build's graph out of the Build row, keeping every row that references the build", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ordo-migrate-'));
    const client = createClient({ url: `file:${join(dir, 'ordo.db')}` });
    try {
      await client.execute('PRAGMA foreign_keys = ON');
      const all = await readMigrations();
      const at = all.findIndex((m) => m.name.endsWith('_build_graph_table'));
      expect(at).toBeGreaterThan(0);
      for (const m of all.slice(0, at)) await client.executeMultiple(m.sql);
      const graph = '{"components":[],"changes":[{"_component_id":"a::1"}],"edges":[]}';
      const now = '2026-12-06T22:00:00.000+00:00';
      await client.batch([
        {
          sql: 'INSERT INTO "Environment" ("id", "name", "updatedAt") VALUES (?, ?, ?)',
          args: ['e', 'env', now],
        },
        {
          sql: 'INSERT INTO "Build" ("id", "environmentId", "status", "policy", "concurrency", "seq", "graph", "scheduler") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          args: ['b', 'e', 'running', 'fail-fast', '{}', 3, graph, '{"ready":[0]}'],
        },
        {
          sql: 'INSERT INTO "BuildComponent" ("buildId", "componentId", "index", "type", "action", "provider", "state", "triesLeft", "desired", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          args: ['b', 'a::1', 0, 'a', 'create', 'nil', 'running', 1, '{}', now],
        },
        {
          sql: 'INSERT INTO "BuildEvent" ("buildId", "seq", "at", "type") VALUES (?, ?, ?, ?)',
          args: ['b', 1, now, 'build_state'],
        },
      ]);
      for (const m of all.slice(at)) await client.executeMultiple(m.sql);

      const rows = async (sql: string) => (await client.execute(sql)).rows.map((r) => ({ ...r }));
      expect(await rows('SELECT "buildId", "graph" FROM "BuildGraph"')).toEqual([{ buildId: 'b', graph }]);
      expect(await rows('SELECT "id", "status", "seq", "scheduler" FROM "Build"')).toEqual([
        { id: 'b', status: 'running', seq: 3, scheduler: '{"ready":[0]}' },
      ]);
      expect(await rows('SELECT "componentId" FROM "BuildComponent"')).toEqual([{ componentId: 'a::1' }]);
      expect(await rows('SELECT "seq" FROM "BuildEvent"')).toEqual([{ seq: 1 }]);
      expect(await rows('PRAGMA foreign_key_check')).toEqual([]);
      expect((await rows('PRAGMA table_info("Build")')).map((c) => c.name)).not.toContain('graph');
    } finally {
      client.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
