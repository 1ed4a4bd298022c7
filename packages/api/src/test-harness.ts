// Integration-test support (tests only): a real nats-server, a temporary SQLite store, the
// services over them, and a stand-in runner — a real NATS peer on `ordo.control.>` that answers
// as the runner would — plus a helper that plays a build forward the way the runner does.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Bus, connectBus, parseControlSubject } from '@ordo/bus';
import { memoryLogger, type NatsServerHandle, startNatsServer } from '@ordo/bus/testing';
import {
  type ControlCommand,
  type ControlReply,
  controlCommandSchema,
  controlReplySchema,
} from '@ordo/contracts';
import { changedComponents, type SchedulerEvent, step } from '@ordo/core';
import { createTestStore, type TestStore } from '@ordo/store/testing';
import type { ApiConfig } from './config';
import { createServices, type Services } from './services/index';

const here = dirname(fileURLToPath(import.meta.url));

/** The shared example graphs (packages/core/src/formats/fixtures). */
export function fixture(name: 'ernest-mapping.example.json' | 'gorch.example.json'): Record<string, unknown> {
  const path = resolve(here, '../../core/src/formats/fixtures', name);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
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
  /** starts the stand-in runner (subscribes on `ordo.control.>`) */
  startRunner(): Promise<void>;
  stopRunner(): Promise<void>;
  /** feeds scheduler events to a stored build and saves the outcome, as the runner does */
  play(buildId: string, events: SchedulerEvent[], now?: number): Promise<void>;
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

  const harness: Harness = {
    nats,
    store,
    bus,
    services,
    received: [],
    answer: () => ({ ok: true }),
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
      await runnerBus.flush();
    },
    async stopRunner() {
      subscription?.unsubscribe();
      await loop;
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
