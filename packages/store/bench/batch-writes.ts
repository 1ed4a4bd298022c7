// Batched vs single writes through Prisma + the libSQL adapter, on a temporary SQLite file
// with the production connection settings (WAL, synchronous FULL unless ORDO_BENCH_SYNC says).
// Run: pnpm -C packages/store exec tsx bench/batch-writes.ts
import { PrismaClient } from '../src/generated/prisma/client';
import { SqliteAdapterFactory, type SqliteSettings } from '../src/sqlite';
import { createTestDatabase } from '../src/testing';

const ROWS = 2000;
const synchronous = (process.env.ORDO_BENCH_SYNC ?? 'FULL') as SqliteSettings['synchronous'];

async function withDb<T>(run: (db: PrismaClient, buildId: string) => Promise<T>): Promise<T> {
  const database = await createTestDatabase();
  const db = new PrismaClient({
    adapter: new SqliteAdapterFactory(database.url, { busyTimeoutMs: 5000, synchronous }),
  });
  try {
    const env = await db.environment.create({ data: { name: 'bench' }, select: { id: true } });
    const build = await db.build.create({
      data: { environmentId: env.id, status: 'running', policy: 'fail-fast', concurrency: {}, graph: {} },
      select: { id: true },
    });
    return await run(db, build.id);
  } finally {
    await db.$disconnect();
    await database.remove();
  }
}

const event = (buildId: string, seq: number) => ({
  buildId,
  seq,
  at: new Date(),
  type: 'component_state',
  componentId: `vpc::c${seq % 50}`,
  state: 'running',
  message: `event ${seq}`,
  actor: 'scheduler',
  data: { attempt: 1, seq },
});

async function time(label: string, run: (db: PrismaClient, buildId: string) => Promise<void>) {
  return withDb(async (db, buildId) => {
    const start = performance.now();
    await run(db, buildId);
    const ms = performance.now() - start;
    const count = await db.buildEvent.count({ where: { buildId } });
    if (count !== ROWS) throw new Error(`${label}: ${count} rows, expected ${ROWS}`);
    console.log(
      `${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  ${((ROWS / ms) * 1000).toFixed(0)} rows/s`,
    );
    return ms;
  });
}

console.log(`${ROWS} BuildEvent rows, synchronous=${synchronous}`);
const batched = await time('createMany in one $transaction', async (db, buildId) => {
  const rows = Array.from({ length: ROWS }, (_, i) => event(buildId, i + 1));
  await db.$transaction(async (tx) => {
    await tx.buildEvent.createMany({ data: rows });
    await tx.build.update({ where: { id: buildId }, data: { seq: ROWS }, select: { seq: true } });
  });
});
const single = await time('single create, each its own commit', async (db, buildId) => {
  for (let i = 1; i <= ROWS; i++)
    await db.buildEvent.create({ data: event(buildId, i), select: { seq: true } });
});
const singleInTx = await time('single create, all in one $transaction', async (db, buildId) => {
  await db.$transaction(
    async (tx) => {
      for (let i = 1; i <= ROWS; i++)
        await tx.buildEvent.create({ data: event(buildId, i), select: { seq: true } });
    },
    { timeout: 60_000 },
  );
});
console.log(
  `ratios: single/batched ${(single / batched).toFixed(1)}x, single-in-tx/batched ${(singleInTx / batched).toFixed(1)}x`,
);
