// How long a test store takes to make: the committed migration SQL run through libSQL
// (createTestStore) vs `prisma migrate deploy` on a new file.
// Run: pnpm -C packages/store exec tsx bench/test-store.ts
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestStore } from '../src/testing';

const run = promisify(execFile);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const direct: number[] = [];
for (let i = 0; i < 21; i++) {
  const start = performance.now();
  const store = await createTestStore();
  await store.graphDefinitions.list(); // first query: opens the connection, switches to WAL
  await store.close();
  direct.push(performance.now() - start);
}

const cli: number[] = [];
for (let i = 0; i < 3; i++) {
  const dir = await mkdtemp(join(tmpdir(), 'ordo-bench-'));
  const start = performance.now();
  await run('pnpm', ['exec', 'prisma', 'migrate', 'deploy'], {
    env: { ...process.env, DATABASE_URL: `file:${join(dir, 'ordo.db')}` },
  });
  cli.push(performance.now() - start);
  await rm(dir, { recursive: true, force: true });
}

console.log(
  `createTestStore + first query + close: median ${median(direct.slice(1)).toFixed(0)} ms (first ${direct[0]?.toFixed(0)} ms, includes loading Prisma's query compiler)`,
);
console.log(`prisma migrate deploy on a new file:   median ${median(cli).toFixed(0)} ms`);
console.log(`ratio: ${(median(cli) / median(direct.slice(1))).toFixed(0)}x`);
