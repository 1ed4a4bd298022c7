// The scheduler's saves run on the store's own libSQL connection, around Prisma (sqlite.ts,
// `SqliteConnection`): they must store exactly what the same statements stored through Prisma,
// and Prisma's statements and the raw transactions must never interleave on that connection.
import { createClient } from '@libsql/client';
import {
  type BuildState,
  changedComponents,
  type EnvironmentCommand,
  type Graph,
  parseGraph,
  type SchedulerEvent,
  step,
} from '@ordo/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BuildRepository, type PersistBatch } from './builds';
import { sqlOf } from './bulk';
import { PrismaClient } from './generated/prisma/client';
import { runStatements, SqliteAdapterFactory, type SqliteConnection } from './sqlite';
import { createTestDatabase, createTestStore, type TestDatabase } from './testing';

afterEach(() => {
  vi.useRealTimers();
});

/** Four components in two layers, one failing once, with an environment before the build. */
function graph(): Graph {
  const parsed = parseGraph({
    id: 'raw',
    components: [
      { _component_id: 'net::old', _component: 'net', _action: 'create', _provider: 'sim', cidr: '10/8' },
    ],
    changes: [
      { _component_id: 'net::a', _component: 'net', _action: 'create', _provider: 'sim', cidr: '10/16' },
      { _component_id: 'vm::b', _component: 'vm', _action: 'create', _provider: 'sim', size: 2.5, n: 3 },
      { _component_id: 'vm::c', _component: 'vm', _action: 'create', _provider: 'sim', tags: { a: null } },
      { _component_id: 'net::old', _component: 'net', _action: 'delete', _provider: 'sim' },
    ],
    edges: [
      { source: 'net::a', destination: 'vm::b' },
      { source: 'net::a', destination: 'vm::c' },
    ],
  });
  if (!parsed.ok) throw new Error('the test graph does not parse');
  return parsed.graph;
}

/** Drives a build through start, results (one error and its retry), a timer, operator actions. */
async function drive(builds: BuildRepository): Promise<BuildState> {
  await builds.create({
    id: 'b1',
    environment: 'env',
    graph: graph(),
    policy: 'continue',
    simulate: true,
    seed: 7,
    createdAt: new Date(1_700_000_000_000),
    defaults: { attempts: 2, backoffMs: 10, timeoutMs: 60_000 },
  });
  const state = (await builds.loadState('b1')) as BuildState;
  let now = 1_700_000_001_000;
  const pending: SchedulerEvent[] = [];
  const save = async (event: SchedulerEvent, actions?: PersistBatch['actions']) => {
    const result = step(state, event, now);
    for (const c of result.commands) {
      if (c.kind === 'dispatch') {
        const fail = c.componentId === 'vm::b' && c.attempt === 1;
        pending.push({
          kind: 'result',
          componentId: c.componentId,
          attempt: c.attempt,
          status: fail ? 'error' : 'done',
          payload: fail
            ? { error: 'quota "exceeded"\n' }
            : { ...c.payload, [`${c.type}_id`]: `${c.type}-${c.attempt}`, ratio: 0.1 + 0.2, big: 2 ** 40 },
        });
      } else if (c.kind === 'timer' && c.event.kind === 'retry_due') pending.push(c.event);
    }
    const batch: PersistBatch = {
      state,
      changed: changedComponents(state, event, result.commands),
      events: result.commands.flatMap((c) => (c.kind === 'emit' ? [c.event] : [])),
      environment: result.commands.filter((c): c is EnvironmentCommand => c.kind === 'environment'),
    };
    if (actions) batch.actions = actions;
    await builds.persist([batch]);
  };
  await save({ kind: 'skip', actor: 'bob', componentId: 'vm::c' }, [
    { at: now, actor: 'bob', action: 'skip', componentId: 'vm::c', accepted: false, reason: 'not yet' },
  ]);
  await save({ kind: 'start' });
  while (pending.length > 0) {
    now += 5;
    await save(pending.shift() as SchedulerEvent);
  }
  await save({ kind: 'retry', actor: 'alice' }, [
    { at: now, actor: 'alice', action: 'retry', accepted: true },
  ]);
  return state;
}

/** Every row the saves write, with each value's SQLite type; environment ids by name. */
async function dump(url: string): Promise<unknown> {
  const client = createClient({ url });
  try {
    const envs = (await client.execute('SELECT "id", "name" FROM "Environment"')).rows;
    const names = new Map(envs.map((r) => [r.id as string, `env:${r.name as string}`]));
    const tables: Record<string, string> = {
      Build: '"id"',
      BuildComponent: '"buildId", "index"',
      Attempt: '"buildId", "componentId", "attempt"',
      BuildEvent: '"buildId", "seq"',
      BuildEnvironmentRecord: '"position"',
      EnvironmentComponent: '"position"',
      OperatorAction: '"id"',
    };
    const out: Record<string, unknown[]> = {};
    for (const [table, order] of Object.entries(tables)) {
      const columns = (await client.execute(`PRAGMA table_info("${table}")`)).rows.map(
        (r) => r.name as string,
      );
      const select = columns.map((c) => `"${c}", typeof("${c}")`).join(', ');
      const { rows } = await client.execute(`SELECT ${select} FROM "${table}" ORDER BY ${order}`);
      out[table] = rows.map((row) =>
        Object.fromEntries(
          columns.map((c, i) => {
            const value = row[i * 2];
            return [c, [typeof value === 'string' ? (names.get(value) ?? value) : value, row[i * 2 + 1]]];
          }),
        ),
      );
    }
    return out;
  } finally {
    client.close();
  }
}

/** The same statements through a Prisma interactive transaction (how persist ran before). */
function throughPrisma(db: PrismaClient): SqliteConnection {
  return {
    run: (statements) => db.$transaction((tx) => runStatements(sqlOf(tx), statements), { timeout: 60_000 }),
    prepare: async () => {},
    transaction: (work) => db.$transaction((tx) => work(sqlOf(tx)), { timeout: 60_000 }),
    close: async () => {},
  };
}

describe('the raw persist path', () => {
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    for (const d of databases.splice(0)) await d.remove();
  });

  it('stores exactly what the same saves stored through Prisma', async () => {
    // one clock for both runs: persist stamps rows with Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: new Date(1_750_000_000_000) });
    const runs: Array<{ url: string; state: BuildState }> = [];
    for (const viaPrisma of [false, true]) {
      const database = await createTestDatabase();
      databases.push(database);
      const factory = new SqliteAdapterFactory(database.url, { busyTimeoutMs: 5000, synchronous: 'OFF' });
      const db = new PrismaClient({ adapter: factory });
      try {
        const builds = new BuildRepository(db, viaPrisma ? throughPrisma(db) : factory.connection);
        runs.push({ url: database.url, state: await drive(builds) });
      } finally {
        await db.$disconnect();
        await factory.connection.close();
      }
    }
    const [raw, prisma] = runs as [{ url: string; state: BuildState }, { url: string; state: BuildState }];
    expect(JSON.stringify(raw.state)).toBe(JSON.stringify(prisma.state));
    expect(raw.state.seq).toBeGreaterThan(10);
    const stored = await dump(raw.url);
    expect(stored).toEqual(await dump(prisma.url));
    // and the dump holds what the scenario made: errors, outputs, environment, refused action
    expect(JSON.stringify(stored)).toContain('quota \\"exceeded\\"');
    expect((stored as { OperatorAction: unknown[] }).OperatorAction).toHaveLength(2);
  });
});

describe('one connection, two users', () => {
  it('runs no Prisma statement inside a raw transaction, nor a raw transaction inside a Prisma one', async () => {
    const store = await createTestStore();
    const factory = new SqliteAdapterFactory(store.url, { busyTimeoutMs: 5000, synchronous: 'OFF' });
    const db = new PrismaClient({ adapter: factory });
    try {
      const order: string[] = [];
      const insert = `INSERT INTO "GraphDefinition" ("name", "version", "document") VALUES (?, 1, '{}')`;
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      // a raw transaction writes, then waits, then fails (rolled back)
      const raw = factory.connection
        .transaction(async (tx) => {
          await tx.execute(insert, ['raw']);
          order.push('raw wrote');
          await gate;
          order.push('raw rolls back');
          throw new Error('rolled back on purpose');
        })
        .catch((error: Error) => error.message);
      await new Promise((r) => setTimeout(r, 20));
      // a Prisma read meanwhile: it must wait, and must not see the raw transaction's row
      const count = db.graphDefinition.count().then((n) => {
        order.push(`prisma counted ${n}`);
        return n;
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(order).toEqual(['raw wrote']);
      release();
      expect(await raw).toBe('rolled back on purpose');
      expect(await count).toBe(0);
      expect(order).toEqual(['raw wrote', 'raw rolls back', 'prisma counted 0']);

      // the other way round: a Prisma transaction holds the connection, a raw one waits for it
      order.length = 0;
      let releasePrisma!: () => void;
      const prismaGate = new Promise<void>((r) => {
        releasePrisma = r;
      });
      const inPrisma = db.$transaction(async (tx) => {
        await tx.graphDefinition.create({ data: { name: 'prisma', version: 1, document: {} } });
        order.push('prisma wrote');
        await prismaGate;
        order.push('prisma commits');
      });
      await new Promise((r) => setTimeout(r, 20));
      const rawAfter = factory.connection.transaction(async (tx) => {
        order.push('raw begins');
        return tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM "GraphDefinition"');
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(order).toEqual(['prisma wrote']);
      releasePrisma();
      await inPrisma;
      expect((await rawAfter)[0]?.n).toBe(1);
      expect(order).toEqual(['prisma wrote', 'prisma commits', 'raw begins']);
    } finally {
      await db.$disconnect();
      await factory.connection.close();
      await store.close();
    }
  });

  it('reopens the connection after Prisma disconnected, with its settings', async () => {
    const store = await createTestStore();
    const factory = new SqliteAdapterFactory(store.url, { busyTimeoutMs: 1234, synchronous: 'FULL' });
    const db = new PrismaClient({ adapter: factory });
    try {
      await db.graphDefinition.count();
      await db.$disconnect();
      const settings = await factory.connection.transaction(async (tx) => ({
        busy: (await tx.query<{ timeout: number }>('PRAGMA busy_timeout'))[0]?.timeout,
        sync: (await tx.query<{ synchronous: number }>('PRAGMA synchronous'))[0]?.synchronous,
      }));
      expect(settings).toEqual({ busy: 1234, sync: 2 });
      expect(await db.graphDefinition.count()).toBe(0); // Prisma connects again, to the same one
    } finally {
      await db.$disconnect();
      await factory.connection.close();
      await store.close();
    }
  });
});
