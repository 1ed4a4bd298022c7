// A real Ordo back end for integration tests: a nats-server with a temporary JetStream dir,
// a temporary SQLite file, and the runner as a child process (so a test can SIGKILL it).
// Builds are created the way the API creates them: stored, then announced on the bus.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Bus, connectBus, controlSubject, ensureStreams } from '@ordo/bus';
import { type NatsServerHandle, startNatsServer } from '@ordo/bus/testing';
import { type ControlReply, controlCommandSchema, controlReplySchema } from '@ordo/contracts';
import { type FailurePolicy, parseGraph, validateGraph } from '@ordo/core';
import { createStore, type Store } from '@ordo/store';
import { createTestDatabase, type TestDatabase } from '@ordo/store/testing';

const runnerDir = resolve(import.meta.dirname, '../..');

export interface WorldOptions {
  prefix?: string;
  /** `builtin`: the runner runs sim/shell/http/nil/sleep itself; `none`: the test brings executors */
  executors?: 'builtin' | 'none';
  simulateProviders?: string;
  /** more environment variables for the runner process */
  env?: Record<string, string>;
}

export interface World {
  nats: NatsServerHandle;
  bus: Bus;
  store: Store;
  dataDir: string;
  prefix: string;
  startRunner(): Promise<void>;
  /** SIGKILL: a crash, no shutdown work */
  killRunner(): Promise<void>;
  stopRunner(): Promise<void>;
  runnerOutput(): string;
  createBuild(
    input: unknown,
    options?: { simulate?: boolean; policy?: FailurePolicy; concurrency?: number },
  ): Promise<string>;
  action(
    buildId: string,
    action: 'retry' | 'cancel' | 'skip' | 'approve',
    componentId?: string,
  ): Promise<ControlReply>;
  waitFor(buildId: string, states: string[], timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const prefix = options.prefix ?? 'ordo.exec.';
  const nats = await startNatsServer({ jetstream: true });
  const database: TestDatabase = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'ordo-runner-'));
  const store = createStore({ url: database.url });
  const bus = await connectBus({ url: nats.url, name: 'test' });
  await ensureStreams(bus, { prefix, providers: ['sim', 'nil', 'sleep', 'shell', 'http'] });
  let child: ChildProcess | undefined;
  let output = '';
  let seq = 0;

  const startRunner = async () => {
    output = '';
    // `node --import tsx` (not the tsx binary, which forks): the pid is the runner's own, so
    // SIGKILL really kills it.
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: runnerDir,
      env: {
        ...process.env,
        NATS_URL: nats.url,
        NATS_USER: '',
        NATS_PASSWORD: '',
        DATABASE_URL: database.url,
        ORDO_DATA_DIR: dataDir,
        ORDO_SUBJECT_PREFIX: prefix,
        ORDO_EXECUTORS: options.executors ?? 'builtin',
        SIMULATE_PROVIDERS: options.simulateProviders ?? '',
        LOG_LEVEL: 'warn',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d) => {
      output += d.toString();
    });
    // Ready when it answers a control request (the reply to an unknown build is `not_found`).
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await bus.request(
          controlSubject('__probe__'),
          controlCommandSchema,
          { kind: 'created' },
          controlReplySchema,
          { timeoutMs: 500 },
        );
        return;
      } catch (error) {
        if (child.exitCode !== null) throw new Error(`runner exited: ${output}`);
        if (Date.now() > deadline) throw new Error(`runner did not answer: ${output} ${String(error)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  const waitExit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolveExit) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolveExit();
      child.once('exit', () => resolveExit());
      child.kill(signal);
    });

  return {
    nats,
    bus,
    store,
    dataDir,
    prefix,
    startRunner,
    killRunner: () => waitExit('SIGKILL'),
    stopRunner: () => waitExit('SIGTERM'),
    runnerOutput: () => output,
    async createBuild(input, buildOptions = {}) {
      const parsed = parseGraph(input);
      if (!parsed.ok) throw new Error(`invalid graph: ${parsed.issues.map((i) => i.message).join('; ')}`);
      const issues = validateGraph(parsed.graph, { simulate: true });
      if (issues.length > 0) throw new Error(`invalid graph: ${issues.map((i) => i.message).join('; ')}`);
      seq += 1;
      const id = `b${seq}-${Date.now().toString(36)}`;
      await store.builds.create({
        id,
        environment: parsed.graph.name || 'test',
        graph: parsed.graph,
        policy: buildOptions.policy ?? 'fail-fast',
        ...(buildOptions.concurrency ? { concurrency: { build: buildOptions.concurrency } } : {}),
        simulate: buildOptions.simulate ?? false,
        seed: seq,
        createdAt: new Date(),
      });
      bus.publish(controlSubject(id), controlCommandSchema, { kind: 'created' });
      return id;
    },
    async action(buildId, action, componentId) {
      const reply = await bus.request(
        controlSubject(buildId),
        controlCommandSchema,
        { kind: 'action', action, actor: 'test', ...(componentId ? { componentId } : {}) },
        controlReplySchema,
        { timeoutMs: 10_000 },
      );
      return reply.data;
    },
    async waitFor(buildId, states, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [summary] = (await store.builds.list({ limit: 1000 })).filter((b) => b.id === buildId);
        if (summary && states.includes(summary.status)) return summary.status;
        if (Date.now() > deadline) {
          throw new Error(`build ${buildId} is ${summary?.status}, not ${states.join('|')}\n${output}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await waitExit('SIGTERM');
      await bus.close();
      await store.close();
      await nats.stop();
      await database.remove();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
