// Integration-test support (tests only): a real nats-server, a temporary SQLite store, the
// services over them, and a stand-in runner — a real NATS peer on `ordo.control.>` and
// `ordo.cloud.control` that answers as the runner would — plus helpers that play a build forward
// and track a cloud resource the way the runner does.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Bus, connectBus, parseControlSubject } from '@ordo/bus';
import { memoryLogger, type NatsServerHandle, startNatsServer } from '@ordo/bus/testing';
import {
  CLOUD_CONTROL_SUBJECT,
  type CloudControlCommand,
  type ControlCommand,
  type ControlReply,
  cloudControlCommandSchema,
  controlCommandSchema,
  controlReplySchema,
  type ResourceState,
} from '@ordo/contracts';
import { changedComponents, parseGraph, type SchedulerEvent, step } from '@ordo/core';
import type { ResourceRecord } from '@ordo/store';
import { createTestStore, type TestStore } from '@ordo/store/testing';
import type { ApiConfig } from './config';
import { createServices, type Services } from './services/index';

const here = dirname(fileURLToPath(import.meta.url));

/** The shared example graphs (packages/core/src/formats/fixtures). */
export function fixture(
  name: 'ernest-mapping.example.json' | 'gorch.example.json' | 'lifecycle.example.json',
): Record<string, unknown> {
  const path = resolve(here, '../../core/src/formats/fixtures', name);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** ../shared/formats/lifecycle.example.json, from its copy in core's fixtures (read each call). */
export function lifecycleExample(): Record<string, unknown> {
  return fixture('lifecycle.example.json');
}

export interface Harness {
  nats: NatsServerHandle;
  store: TestStore;
  bus: Bus;
  services: Services;
  /** control commands received by the stand-in runner, in order */
  received: Array<{ buildId: string; command: ControlCommand }>;
  /** how the stand-in runner answers actions (default: accept); null = do not answer */
  answer: (buildId: string, command: ControlCommand) => ControlReply | null;
  /** cloud-state commands received on `ordo.cloud.control`, in order */
  cloudReceived: CloudControlCommand[];
  /** how the stand-in cloud service answers (default: accept); null = do not answer */
  cloudAnswer: (command: CloudControlCommand) => ControlReply | null;
  /** starts the stand-in runner (subscribes on `ordo.control.>` and `ordo.cloud.control`) */
  startRunner(): Promise<void>;
  stopRunner(): Promise<void>;
  /** feeds scheduler events to a stored build and saves the outcome, as the runner does */
  play(buildId: string, events: SchedulerEvent[], now?: number): Promise<void>;
  /** stores a build of `environment` and tracks one instance of it, as the runner does */
  trackInstance(environment: string, componentId: string, state?: ResourceState): Promise<ResourceRecord>;
  close(): Promise<void>;
}

export async function startHarness(config: Partial<ApiConfig> = {}): Promise<Harness> {
  const nats = await startNatsServer({ jetstream: false });
  const store = await createTestStore();
  const logger = memoryLogger();
  const bus = await connectBus({ url: nats.url, name: 'api-test', logger });
  const runnerBus = await connectBus({ url: nats.url, name: 'runner-stand-in', logger });
  const services = createServices({ store, bus: async () => bus, config, logger });
  let subscription: ReturnType<Bus['subscribe']> | undefined;
  let loop: Promise<void> | undefined;
  let cloudSubscription: ReturnType<Bus['subscribe']> | undefined;
  let cloudLoop: Promise<void> | undefined;
  let builds = 0;

  const harness: Harness = {
    nats,
    store,
    bus,
    services,
    received: [],
    answer: () => ({ ok: true }),
    cloudReceived: [],
    cloudAnswer: () => ({ ok: true }),
    async startRunner() {
      const sub = runnerBus.subscribe('ordo.control.>', controlCommandSchema);
      subscription = sub;
      loop = (async () => {
        for await (const message of sub) {
          const buildId = parseControlSubject(message.subject)?.buildId ?? '';
          harness.received.push({ buildId, command: message.data });
          if (message.data.kind !== 'action') continue;
          const reply = harness.answer(buildId, message.data);
          if (reply) runnerBus.respond(message.msg, controlReplySchema, reply);
        }
      })();
      const cloud = runnerBus.subscribe(CLOUD_CONTROL_SUBJECT, cloudControlCommandSchema);
      cloudSubscription = cloud;
      cloudLoop = (async () => {
        for await (const message of cloud) {
          harness.cloudReceived.push(message.data);
          const reply = harness.cloudAnswer(message.data);
          if (reply) runnerBus.respond(message.msg, controlReplySchema, reply);
        }
      })();
      await runnerBus.flush();
    },
    async stopRunner() {
      subscription?.unsubscribe();
      cloudSubscription?.unsubscribe();
      await loop;
      await cloudLoop;
      await runnerBus.flush();
    },
    async play(buildId, events, now = Date.now()) {
      const state = await store.builds.loadState(buildId);
      if (!state) throw new Error(`no build ${buildId}`);
      for (const event of events) {
        const { commands, rejected } = step(state, event, now);
        if (rejected) throw new Error(`${event.kind} rejected: ${rejected.reason}`);
        await store.builds.persist([
          {
            state,
            changed: changedComponents(state, event, commands),
            events: commands.flatMap((c) => (c.kind === 'emit' ? [c.event] : [])),
            environment: commands.flatMap((c) => (c.kind === 'environment' ? [c] : [])),
          },
        ]);
      }
    },
    async trackInstance(environment, componentId, state = 'running') {
      const parsed = parseGraph({
        ordo: 1,
        name: environment,
        changes: [
          { _component_id: componentId, _component: 'instance', _action: 'create', _provider: 'aws' },
        ],
      });
      if (!parsed.ok) throw new Error('the instance graph does not parse');
      builds += 1;
      const buildId = `build-${environment}-${builds}`;
      await store.builds.create({
        id: buildId,
        environment,
        graph: parsed.graph,
        policy: 'fail-fast',
        simulate: true,
        seed: 1,
        createdAt: new Date(),
        actor: 'test',
      });
      const environmentId = await store.environments.idOf(environment);
      if (environmentId === null) throw new Error(`no environment ${environment}`);
      const providerId = `instance-${builds.toString(16).padStart(8, '0')}`;
      await store.resources.track([
        {
          environmentId,
          buildId,
          componentId,
          type: 'instance',
          provider: 'aws',
          route: 'sim',
          facts: { providerId, state, publicIp: '203.0.113.7', privateIp: '10.0.0.7', keyName: 'ops' },
          record: { _component_id: componentId, id: providerId },
        },
      ]);
      const tracked = (await store.resources.list({ environment })).find(
        (r) => r.componentId === componentId,
      );
      if (!tracked) throw new Error(`${componentId} was not tracked`);
      return tracked;
    },
    async close() {
      await harness.stopRunner();
      await runnerBus.close();
      await bus.close();
      await store.close();
      await nats.stop();
    },
  };
  return harness;
}

/** Waits until `check` returns a value other than undefined (polling), or fails after `ms`. */
export async function eventually<T>(check: () => T | undefined, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A request to the REST handler as a client would send it. */
export function jsonRequest(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Request {
  return new Request(`http://localhost${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}
