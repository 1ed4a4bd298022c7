// Nothing is lost when a process dies (design.md "Durability"): the runner SIGKILLed at
// random moments, an executor SIGKILLed mid-task, nats-server restarted mid-build. Each
// time the build finishes with every component done exactly once from the executor's
// point of view and an event sequence without gaps.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runExecutors } from '@ordo/executors';
import { afterEach, describe, expect, test } from 'vitest';
import { countingExecutor } from './testing/counting-executor';
import { readPublishedSeqs } from './testing/events';
import { layeredGraph } from './testing/graphs';
import { startWorld, type World } from './testing/world';

const SIZE = 200;
let world: World | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await world?.close();
  world = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function expectGapFreeEvents(w: World, buildId: string): Promise<void> {
  const stored = (await w.store.builds.events(buildId, 0, 100_000)).map((e) => e.seq);
  expect(stored).toEqual(stored.map((_, i) => i + 1));
  const published = [...new Set(await readPublishedSeqs(w, buildId))].sort((a, b) => a - b);
  expect(published).toEqual(stored);
}

async function expectAllCompleted(w: World, buildId: string): Promise<void> {
  const snapshot = await w.store.builds.snapshot(buildId);
  expect(snapshot?.components.filter((c) => c.state !== 'completed').map((c) => c.id)).toEqual([]);
  expect(snapshot?.components).toHaveLength(SIZE);
}

function ledgerCounts(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line) counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return counts;
}

describe('crash safety', () => {
  test('the runner killed with SIGKILL at random moments resumes a 200-component build', async () => {
    // a small dispatch budget: the layers' waves go out in parts of 8, so that kills also fall
    // between the parts of a wave (resumed by the `continue` after the restart)
    world = await startWorld({ executors: 'none', env: { ORDO_DISPATCH_BUDGET: '8' } });
    const { executor, counts } = countingExecutor({ provider: 'sim', workMs: 15 });
    const running = await runExecutors(world.bus, [executor], { dataDir: world.dataDir });
    cleanups.push(() => running.stop());
    await world.startRunner();
    const id = await world.createBuild(layeredGraph(SIZE, 'sim'));

    let kills = 0;
    for (; kills < 4; kills++) {
      await sleep(150 + Math.random() * 500);
      const [summary] = (await world.store.builds.list({ limit: 10 })).filter((b) => b.id === id);
      if (summary?.status === 'completed') break;
      await world.killRunner();
      await world.startRunner();
    }
    expect(await world.waitFor(id, ['completed', 'errored'], 90_000)).toBe('completed');
    expect(kills).toBeGreaterThan(0);
    await expectAllCompleted(world, id);
    expect(counts.size).toBe(SIZE);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    await expectGapFreeEvents(world, id);
  });

  test('an executor killed mid-task has its work redelivered to another', async () => {
    world = await startWorld({ executors: 'none' });
    const ledger = join(world.dataDir, 'ledger.txt');
    writeFileSync(ledger, '');
    const w = world;
    const startExecutor = async (): Promise<ChildProcess> => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/testing/executor-process.ts'], {
        cwd: resolve(import.meta.dirname, '..'),
        env: {
          ...process.env,
          NATS_URL: w.nats.url,
          ORDO_DATA_DIR: w.dataDir,
          LEDGER: ledger,
          PROVIDER: 'sim',
          WORK_MS: '80',
          ACK_WAIT_MS: '1500',
          LOG_LEVEL: 'warn',
          // one task at a time, announced when its work begins: the kill below lands in the
          // middle of a task's work, never between a task's end and its answer's record (a kill
          // there makes any executor do that work again: nothing can tell it was done)
          CONCURRENCY: '1',
          ANNOUNCE_WORK: '1',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      cleanups.push(() => {
        child.kill('SIGKILL');
      });
      await new Promise<void>((ready) =>
        child.stdout?.on('data', (d) => String(d).includes('ready') && ready()),
      );
      return child;
    };
    await world.startRunner();
    const first = await startExecutor();
    const id = await world.createBuild(layeredGraph(SIZE, 'sim'));
    // Kill the executor in the middle of a task, once a quarter of the work is done.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && ledgerCounts(ledger).size < SIZE / 4) await sleep(50);
    await new Promise<void>((midTask) =>
      first.stdout?.on('data', (d) => String(d).includes('working') && midTask()),
    );
    first.kill('SIGKILL');
    const doneBeforeKill = ledgerCounts(ledger).size;
    await startExecutor();
    expect(await world.waitFor(id, ['completed', 'errored'], 90_000)).toBe('completed');
    await expectAllCompleted(world, id);
    const counts = ledgerCounts(ledger);
    expect(doneBeforeKill).toBeLessThan(SIZE);
    expect(counts.size).toBe(SIZE);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    await expectGapFreeEvents(world, id);
  });

  test('nats-server restarted mid-build: the build finishes, nothing runs twice', async () => {
    world = await startWorld({ executors: 'none' });
    const { executor, counts } = countingExecutor({ provider: 'sim', workMs: 20 });
    const running = await runExecutors(world.bus, [executor], { dataDir: world.dataDir });
    cleanups.push(() => running.stop());
    await world.startRunner();
    const id = await world.createBuild(layeredGraph(SIZE, 'sim'));
    while (counts.size < SIZE / 4) await sleep(50);
    await world.nats.restart();
    expect(await world.waitFor(id, ['completed', 'errored'], 90_000)).toBe('completed');
    await expectAllCompleted(world, id);
    expect(counts.size).toBe(SIZE);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    await expectGapFreeEvents(world, id);
  });
});
