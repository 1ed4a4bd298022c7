// The cloud-state service as the runner process runs it (main.ts, configured by env.ts): a
// build's instance is tracked and polled, acted on over `ordo.cloud.control`, and a callback
// queued while its receiver is down is delivered after the runner is killed and started again.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '@ordo/callbacks';
import {
  CLOUD_CONTROL_SUBJECT,
  type CloudControlCommand,
  cloudControlCommandSchema,
  controlReplySchema,
  SIM_CONTROL_SUBJECT,
  simControlCommandSchema,
} from '@ordo/contracts';
import { afterEach, expect, test } from 'vitest';
import { instancesGraph, waitUntil } from '../testing/cloud-world';
import { startWorld, type World } from '../testing/world';

let world: World | undefined;
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await world?.close();
  world = undefined;
});

test('the runner process tracks, polls and acts, and delivers a callback queued before it was killed', async () => {
  const w = await startWorld({
    env: {
      ORDO_POLL_INTERVALS: 'sim=300',
      ORDO_CALLBACK_ALLOWLIST: '127.0.0.1',
      ORDO_CALLBACK_BACKOFF_MS: '100',
      ORDO_CALLBACK_MAX_ATTEMPTS: '50',
    },
  });
  world = w;
  await w.startRunner();
  const control = async (command: CloudControlCommand) =>
    (
      await w.bus.request(CLOUD_CONTROL_SUBJECT, cloudControlCommandSchema, command, controlReplySchema, {
        timeoutMs: 10_000,
      })
    ).data;
  const build = await w.createBuild(instancesGraph('proc', ['proc-a']), { simulate: true });
  expect(await w.waitFor(build, ['completed', 'errored'])).toBe('completed');
  const vm = await waitUntil('the instance to be tracked', async () =>
    (await w.store.resources.list({ environment: 'proc' })).find((r) => r.componentId === 'instance::proc-a'),
  );
  expect(vm).toMatchObject({ provider: 'aws', route: 'sim', state: 'running' });

  // polled at the sim's interval: a state changed at the provider is seen
  await w.bus.request(
    SIM_CONTROL_SUBJECT,
    simControlCommandSchema,
    { kind: 'state', componentId: 'instance::proc-a', state: 'stopped' },
    controlReplySchema,
  );
  await waitUntil(
    'the poll to see it stopped',
    async () => (await w.store.resources.get(vm.id))?.state === 'stopped',
  ).catch(async (e: Error) => {
    throw new Error(`${e.message} ${JSON.stringify(await w.store.resources.get(vm.id))} ${w.runnerOutput()}`);
  });

  // a callback whose receiver is down: its port is free for now
  const port = await new Promise<number>((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const free = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(free));
    });
  });
  const secret = 'whsec_test';
  const callback = await w.store.callbacks.create({
    resourceId: vm.id,
    url: `http://127.0.0.1:${port}/hook`,
    states: ['pending', 'running'],
    secret,
    actor: 'test',
  });
  expect(await control({ kind: 'action', resourceId: vm.id, action: 'start', actor: 'alice' })).toEqual({
    ok: true,
  });
  await waitUntil('a failed attempt', async () =>
    (await w.store.callbacks.deliveries(callback.id)).some((d) => d.attempts > 0),
  );
  await w.killRunner();

  const bodies: string[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const check = verifySignature(
        secret,
        {
          timestamp: req.headers['ordo-timestamp'] as string,
          signature: req.headers['ordo-signature'] as string,
        },
        body,
      );
      bodies.push(body);
      res.statusCode = check.ok ? 204 : 401;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', () => resolve()));
  await w.startRunner();
  await waitUntil(
    'the start to finish after the restart',
    async () => {
      const r = await w.store.resources.get(vm.id);
      return r?.state === 'running' && r.pendingAction === null;
    },
    30_000,
  );
  const deliveries = await waitUntil(
    'both deliveries',
    async () => {
      const list = await w.store.callbacks.deliveries(callback.id);
      return list.length === 2 && list.every((d) => d.status === 'delivered') ? list : undefined;
    },
    30_000,
  );
  expect(deliveries.map((d) => d.newState).sort()).toEqual(['pending', 'running']);
  expect(bodies.map((b) => JSON.parse(b).new_state).sort()).toEqual(['pending', 'running']);
  const [accepted] = await w.store.resources.actions(vm.id);
  expect(accepted).toMatchObject({ action: 'start', actor: 'alice', accepted: true });
});
