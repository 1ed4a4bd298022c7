// Lifecycles of tracked resources, end to end in one process (testing/cloud-world.ts): each
// task runs through the real built-in executors, the run's state is saved in the store before
// its next task is sent, and a restart of the service resumes an awaited task with its key.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Ordo templates, not JavaScript ones
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALL_LOGS, ALL_RESOURCES, parseLogsSubject, parseResourceLifecycleSubject } from '@ordo/bus';
import {
  type LifecycleProgressMessage,
  type LogLine,
  lifecycleProgressMessageSchema,
  logLineSchema,
} from '@ordo/contracts';
import type { LifecycleRunRecord } from '@ordo/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CloudWorld, instancesGraph, startCloudWorld, waitUntil } from '../testing/cloud-world';

let world: CloudWorld;
let server: Server | undefined;

beforeEach(async () => {
  world = await startCloudWorld();
});

afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
  }
  await world.close();
});

/** The example's shape (shared/formats/lifecycle.example.json), with tasks that run here. */
function definition(tasks: Record<string, unknown> = {}, transitions?: unknown[]) {
  return {
    type: 'instance',
    initial: 'launched',
    transitions: transitions ?? [
      {
        source: 'launched',
        dest: 'join_cluster',
        triggers: [{ name: 'start_join', conditions: ['has_private_ip'] }],
      },
      {
        source: 'join_cluster',
        dest: 'joined_cluster',
        triggers: [{ name: 'join', before: ['drain_old_node'], after: ['announce'] }],
      },
      { source: 'joined_cluster', dest: 'ready', triggers: [{ name: 'complete_lifecycle' }] },
      {
        source: 'failure',
        dest: 'abandoned',
        triggers: [{ name: 'abandon_lifecycle', ignore_errors: true }],
      },
    ],
    tasks: {
      has_private_ip: { engine: 'nil' },
      start_join: { engine: 'sleep', args: ['0.05'] },
      drain_old_node: { engine: 'nil' },
      join: { engine: 'shell', artifact: 'echo', args: ['joining ${instance.private_ip}'] },
      announce: { engine: 'nil' },
      complete_lifecycle: { engine: 'nil' },
      abandon_lifecycle: { engine: 'nil' },
      ...tasks,
    },
  };
}

function watchProgress() {
  const messages: LifecycleProgressMessage[] = [];
  const sub = world.bus.subscribe(ALL_RESOURCES, z.unknown());
  void (async () => {
    for await (const m of sub) {
      if (parseResourceLifecycleSubject(m.subject))
        messages.push(lifecycleProgressMessageSchema.parse(m.data));
    }
  })();
  return { messages, stop: () => sub.unsubscribe() };
}

async function runOf(resourceId: string, check: (run: LifecycleRunRecord) => boolean, timeoutMs = 30_000) {
  let last: LifecycleRunRecord | undefined;
  return waitUntil(
    `the lifecycle run of ${resourceId}`,
    async () => {
      last = (await world.store.lifecycles.runsFor(resourceId))[0];
      return last && check(last) ? last : undefined;
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; it is ${JSON.stringify(last?.state)}`);
  });
}

async function instance(environment: string) {
  const build = await world.createBuild(instancesGraph(environment, [`${environment}-vm`]));
  expect(await world.waitForBuild(build)).toBe('completed');
  return world.resource(`instance::${environment}-vm`);
}

describe('lifecycles', () => {
  it('runs a resource that reaches running to ready, each task through its executor, ${instance.*} resolved', async () => {
    const hits: string[] = [];
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('{}');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    await world.store.lifecycles.saveDefinition(
      'instance',
      definition({
        announce: {
          engine: 'http',
          artifact: `http://127.0.0.1:${port}/announce?ip=\${instance.private_ip}&id=\${instance.provider_id}`,
        },
      }),
      'alice',
    );
    await world.startService();
    const progress = watchProgress();
    const vm = await instance('life');
    const run = await runOf(vm.id, (r) => r.status === 'finished');
    expect(run).toMatchObject({ current: 'ready', type: 'instance', version: 1 });
    expect(run.state.history.map((h) => [h.from, h.to, h.trigger, h.ok])).toEqual([
      ['launched', 'join_cluster', 'start_join', true],
      ['join_cluster', 'joined_cluster', 'join', true],
      ['joined_cluster', 'ready', 'complete_lifecycle', true],
    ]);
    expect(hits).toEqual([`/announce?ip=${vm.privateIp}&id=${vm.providerId}`]);
    const last = await waitUntil('the last progress message', () =>
      progress.messages.find((m) => m.run === run.id && m.status === 'finished'),
    );
    expect(last).toMatchObject({ resource: vm.id, current: 'ready', task: null, paused_for: null });
    const tasks = progress.messages
      .filter((m) => m.run === run.id)
      .flatMap((m) => (m.task ? [m.task.name] : []));
    expect(tasks).toEqual([
      'has_private_ip',
      'start_join',
      'drain_old_node',
      'join',
      'announce',
      'complete_lifecycle',
    ]);
    expect(progress.messages.find((m) => m.task?.name === 'announce')?.task).toMatchObject({
      trigger: 'join',
      phase: 'after',
    });
    // one run per resource: later state changes do not start another
    expect(await world.control({ kind: 'action', resourceId: vm.id, action: 'reboot', actor: 'a' })).toEqual({
      ok: true,
    });
    await world.waitForResource(vm.id, (r) => r.state === 'running' && r.pendingAction === null);
    expect(await world.store.lifecycles.runsFor(vm.id)).toHaveLength(1);
    progress.stop();
  });

  it('goes through failure when a task fails, and runs the failure triggers', async () => {
    await world.store.lifecycles.saveDefinition(
      'instance',
      definition({ join: { engine: 'shell', artifact: 'false' } }),
      'alice',
    );
    await world.startService();
    const vm = await instance('fails');
    const run = await runOf(vm.id, (r) => r.status === 'finished');
    expect(run.current).toBe('abandoned');
    expect(run.state.history.map((h) => [h.from, h.to, h.ok, h.error])).toEqual([
      ['launched', 'join_cluster', true, undefined],
      ['join_cluster', 'failure', false, 'task join: exit code 1'],
      ['failure', 'abandoned', true, undefined],
    ]);
  });

  it('fails a task whose template names a field the resource does not have', async () => {
    await world.store.lifecycles.saveDefinition(
      'instance',
      definition({ join: { engine: 'shell', artifact: 'echo', args: ['${instance.no_such_field}'] } }),
      'alice',
    );
    await world.startService();
    const vm = await instance('badref');
    const run = await runOf(vm.id, (r) => r.status === 'finished');
    expect(run.current).toBe('abandoned');
    expect(run.state.history[1]).toMatchObject({ to: 'failure', ok: false });
    expect(run.state.history[1]?.error).toMatch(/^task join: .*no_such_field/);
  });

  it('resumes after a restart of the service: the awaited task is sent again with its key and runs once', async () => {
    await world.store.lifecycles.saveDefinition(
      'instance',
      definition({ start_join: { engine: 'sleep', args: ['1.5'] } }),
      'alice',
    );
    const keys: string[] = [];
    const sleeps: LogLine[] = [];
    const dispatches = world.bus.nc.subscribe('ordo.exec.task.create.sleep');
    void (async () => {
      for await (const m of dispatches) keys.push(m.headers?.get('Ordo-Key') ?? '');
    })();
    const logs = world.bus.subscribe(ALL_LOGS, logLineSchema);
    void (async () => {
      for await (const m of logs) {
        if (parseLogsSubject(m.subject)?.buildId === 'ordo:lifecycle' && m.data.line.startsWith('sleeping')) {
          sleeps.push(m.data);
        }
      }
    })();
    await world.startService();
    const vm = await instance('restart');
    const awaiting = await runOf(vm.id, (r) => r.state.progress?.task === 'start_join');
    await waitUntil('the sleep to be sent', () => keys.length === 1);
    await world.stopService();
    expect((await world.store.lifecycles.run(awaiting.id))?.status).toBe('running');
    await world.startService();
    const run = await runOf(vm.id, (r) => r.status === 'finished');
    expect(run.current).toBe('ready');
    expect(keys).toEqual([keys[0], keys[0]]);
    expect(keys[0]).toBe(`ordo:lifecycle/${awaiting.id}#${awaiting.state.progress?.runId}/1`);
    expect(sleeps).toHaveLength(1);
    dispatches.unsubscribe();
    logs.unsubscribe();
  });

  it('waits after stop_after_state_change and goes on at the resource’s next state change', async () => {
    await world.store.lifecycles.saveDefinition(
      'instance',
      definition({ drain: { engine: 'nil' } }, [
        {
          source: 'launched',
          dest: 'serving',
          triggers: [{ name: 'start_join' }],
          stop_after_state_change: true,
        },
        { source: 'serving', dest: 'drained', triggers: [{ name: 'drain' }] },
      ]),
      'alice',
    );
    await world.startService();
    const vm = await instance('pause');
    const paused = await runOf(vm.id, (r) => r.status === 'paused');
    expect(paused).toMatchObject({ current: 'serving' });
    expect(paused.state.pausedFor).toBe('stop_after_state_change');
    expect(
      await world.control({ kind: 'action', resourceId: vm.id, action: 'terminate', actor: 'a' }),
    ).toEqual({
      ok: true,
    });
    const run = await runOf(vm.id, (r) => r.status === 'finished');
    expect(run.current).toBe('drained');
  });
});
