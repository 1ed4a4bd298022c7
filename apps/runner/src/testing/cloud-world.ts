// An in-process Ordo back end for the cloud-state tests: a nats-server, a temporary SQLite store,
// the built-in executors (sim with short latencies), the scheduler and the cloud service, each
// a real one. The cloud service can be stopped and started again (a restart) while the rest runs;
// results for it that arrive meanwhile are handed back to JetStream, as a stopped runner would.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Bus,
  connectBus,
  controlSubject,
  ensureExecRoutes,
  ensureStreams,
  type ResultDelivery,
} from '@ordo/bus';
import { type NatsServerHandle, startNatsServer } from '@ordo/bus/testing';
import {
  CLOUD_BUILD_ID,
  CLOUD_CONTROL_SUBJECT,
  type CloudControlCommand,
  type ControlReply,
  cloudControlCommandSchema,
  controlCommandSchema,
  controlReplySchema,
  LIFECYCLE_BUILD_ID,
  SIM_CONTROL_SUBJECT,
  type SimControlCommand,
  simControlCommandSchema,
} from '@ordo/contracts';
import { parseGraph, validateGraph } from '@ordo/core';
import { builtinExecutors, type RunningExecutors, runExecutors } from '@ordo/executors';
import type { ResourceRecord } from '@ordo/store';
import { createTestStore, type TestStore } from '@ordo/store/testing';
import pino from 'pino';
import type { CloudSettingsInput } from '../cloud/options';
import { CloudService } from '../cloud/service';
import { NATIVE_PROVIDERS, Runner } from '../runner';

export const PREFIX = 'ordo.exec.';
const PROVIDERS = ['sim', ...NATIVE_PROVIDERS, 'aws'];

/** Short intervals for tests: polls every 300 ms (sim), callbacks retried after ~50 ms. */
export const TEST_SETTINGS: CloudSettingsInput = {
  pollIntervalMs: 300,
  pollConcurrency: 4,
  rescanMs: 300,
  trackIntervalMs: 200,
  taskTimeoutMs: 30_000,
  callbacks: { backoffMs: 50, maxAttempts: 5, timeoutMs: 2_000 },
};

export interface CloudWorld {
  nats: NatsServerHandle;
  bus: Bus;
  store: TestStore;
  service(): CloudService | undefined;
  startService(settings?: CloudSettingsInput): Promise<CloudService>;
  stopService(): Promise<void>;
  /** stores a build and announces it (as the API does); returns its id */
  createBuild(graph: unknown, options?: { simulate?: boolean }): Promise<string>;
  waitForBuild(buildId: string, timeoutMs?: number): Promise<string>;
  /** the tracked resource of a component, waiting until it is tracked */
  resource(componentId: string, timeoutMs?: number): Promise<ResourceRecord>;
  /** waits until the resource matches `check` */
  waitForResource(
    id: string,
    check: (r: ResourceRecord) => boolean,
    timeoutMs?: number,
  ): Promise<ResourceRecord>;
  control(command: CloudControlCommand): Promise<ControlReply>;
  sim(command: SimControlCommand): Promise<ControlReply>;
  close(): Promise<void>;
}

/** Polls `check` until it returns a value other than undefined/false; throws after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startCloudWorld(
  options: {
    simActionLatency?: Partial<Record<'start' | 'stop' | 'reboot' | 'terminate', number>>;
    /** subject prefix of dispatches and results (default `ordo.exec.`; '' for bare Ernest subjects) */
    prefix?: string;
  } = {},
): Promise<CloudWorld> {
  const prefix = options.prefix ?? PREFIX;
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  const nats = await startNatsServer({ jetstream: true });
  const store = await createTestStore();
  const dataDir = await mkdtemp(join(tmpdir(), 'ordo-cloud-'));
  const bus = await connectBus({ url: nats.url, name: 'cloud-test', logger, reconnectTimeWaitMs: 50 });
  await ensureStreams(bus, { prefix, providers: PROVIDERS });
  // as main.ts does: bare subjects are captured per type (the runner and the service add theirs)
  if (prefix === '') await ensureExecRoutes(bus, { prefix: '', types: ['task'], providers: PROVIDERS });
  const executors: RunningExecutors = await runExecutors(
    bus,
    builtinExecutors({
      simulateProviders: ['aws'],
      simLatency: { instance: 50, '*': 20 },
      simActionLatency: options.simActionLatency ?? { start: 300, stop: 300, reboot: 200, terminate: 300 },
    }),
    { dataDir, ackWaitMs: 5_000, logger, prefix },
  );
  let service: CloudService | undefined;
  const claim = (delivery: ResultDelivery): boolean => {
    if (service) return service.claim(delivery);
    if (delivery.meta.build !== CLOUD_BUILD_ID && delivery.meta.build !== LIFECYCLE_BUILD_ID) return false;
    delivery.nak(300);
    return true;
  };
  const runner = new Runner({
    store,
    bus,
    logger: logger.child({ part: 'scheduler' }),
    prefix,
    nativeProviders: new Set(['sim', ...NATIVE_PROVIDERS]),
    simulateAll: false,
    claimResult: claim,
  });
  await runner.start();
  let seq = 0;

  const world: CloudWorld = {
    nats,
    bus,
    store,
    service: () => service,
    async startService(settings = TEST_SETTINGS) {
      if (service) throw new Error('the cloud service runs already');
      const next = new CloudService({
        store,
        bus,
        logger: logger.child({ part: 'cloud' }),
        prefix,
        nativeProviders: new Set(['sim', ...NATIVE_PROVIDERS]),
        simulateAll: false,
        settings,
      });
      await next.start();
      service = next;
      return next;
    },
    async stopService() {
      const current = service;
      service = undefined;
      await current?.stop();
    },
    async createBuild(graph, buildOptions = {}) {
      const parsed = parseGraph(graph);
      if (!parsed.ok) throw new Error(`invalid graph: ${parsed.issues.map((i) => i.message).join('; ')}`);
      const issues = validateGraph(parsed.graph, { simulate: true });
      if (issues.length > 0) throw new Error(`invalid graph: ${issues.map((i) => i.message).join('; ')}`);
      seq += 1;
      const id = `cb${seq}-${Date.now().toString(36)}`;
      await store.builds.create({
        id,
        environment: parsed.graph.name || 'test',
        graph: parsed.graph,
        policy: 'fail-fast',
        simulate: buildOptions.simulate ?? true,
        seed: seq,
        createdAt: new Date(),
      });
      bus.publish(controlSubject(id), controlCommandSchema, { kind: 'created' });
      return id;
    },
    async waitForBuild(buildId, timeoutMs = 30_000) {
      return waitUntil(
        `build ${buildId} to finish`,
        async () => {
          const [summary] = (await store.builds.list({ limit: 1_000 })).filter((b) => b.id === buildId);
          return summary && ['completed', 'errored', 'cancelled'].includes(summary.status)
            ? summary.status
            : undefined;
        },
        timeoutMs,
      );
    },
    resource(componentId, timeoutMs = 20_000) {
      return waitUntil(
        `a resource for ${componentId}`,
        async () => (await store.resources.list()).find((r) => r.componentId === componentId),
        timeoutMs,
      );
    },
    waitForResource(id, check, timeoutMs = 20_000) {
      let last: ResourceRecord | null = null;
      return waitUntil(
        `resource ${id} to match`,
        async () => {
          last = await store.resources.get(id);
          return last !== null && check(last) ? last : undefined;
        },
        timeoutMs,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; it is ${JSON.stringify(last)}`);
      });
    },
    async control(command) {
      const reply = await bus.request(
        CLOUD_CONTROL_SUBJECT,
        cloudControlCommandSchema,
        command,
        controlReplySchema,
        {
          timeoutMs: 10_000,
        },
      );
      return reply.data;
    },
    async sim(command) {
      const reply = await bus.request(
        SIM_CONTROL_SUBJECT,
        simControlCommandSchema,
        command,
        controlReplySchema,
      );
      return reply.data;
    },
    async close() {
      await world.stopService();
      await runner.stop();
      await executors.stop();
      await bus.close();
      await store.close();
      await nats.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}

/** An Ernest graph of instances (and a vpc) on `provider`, in environment `environment`. */
export function instancesGraph(environment: string, names: readonly string[], provider = 'aws'): unknown {
  return {
    id: environment,
    edges: names.map((n) => ({ source: `vpc::${environment}`, destination: `instance::${n}` })),
    components: [],
    changes: [
      {
        _component_id: `vpc::${environment}`,
        _component: 'vpc',
        _action: 'create',
        _provider: provider,
        subnet: '10.1.0.0/16',
      },
      ...names.map((n) => ({
        _component_id: `instance::${n}`,
        _component: 'instance',
        _action: 'create',
        _provider: provider,
        name: n,
        instance_type: 'small',
        vpc_id: `\${vpc::${environment}.vpc_id}`,
      })),
    ],
  };
}
