// The sim provider against a real nats-server: ids and addresses, latency, failures on
// demand, state kept across a restart, and simulated providers.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ControlReply,
  controlReplySchema,
  SIM_CONTROL_SUBJECT,
  type SimControlCommand,
  simControlCommandSchema,
} from '@ordo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinExecutors } from './builtin';
import { type RunningExecutors, runExecutors } from './sdk';
import { DEFAULT_SIM_ACTION_LATENCY_MS, DEFAULT_SIM_LATENCY_MS, simExecutor } from './sim';
import { type Harness, newBuildId, startHarness } from './test-harness';

let h: Harness;
let running: RunningExecutors | undefined;

const LATENCY = { instance: 250, '*': 10 };
const ACTION_LATENCY = { start: 50, stop: 400, reboot: 50, terminate: 50 };

async function startSim(): Promise<RunningExecutors> {
  running = await runExecutors(
    h.bus,
    builtinExecutors({ simulateProviders: ['aws'], simLatency: LATENCY, simActionLatency: ACTION_LATENCY }),
    { dataDir: h.dataDir, ackWaitMs: 2000 },
  );
  return running;
}

async function simControl(command: SimControlCommand): Promise<ControlReply> {
  const reply = await h.bus.request(
    SIM_CONTROL_SUBJECT,
    simControlCommandSchema,
    command,
    controlReplySchema,
  );
  return reply.data;
}

beforeAll(async () => {
  h = await startHarness('sim');
  await startSim();
});

afterAll(async () => {
  await running?.stop();
  await h?.close();
});

const component = (type: string, name: string, action: string, fields: Record<string, unknown> = {}) => ({
  _component_id: `${type}::${name}`,
  _component: type,
  _action: action,
  _provider: 'sim',
  ...fields,
});

describe('sim', () => {
  it('creates with <type>-<8 hex> ids; an instance gets private 10.x and public 203.0.113.x addresses', async () => {
    const build = newBuildId();
    const vpc = await h.dispatch(component('vpc', 'ids', 'create', { cidr: '10.0.0.0/16' }), { build });
    const vm = await h.dispatch(component('instance', 'ids', 'create', { size: 'small' }), { build });
    const v = await h.result(vpc.key);
    expect(v.kind).toBe('done');
    expect(v.data.vpc_id).toMatch(/^vpc-[0-9a-f]{8}$/);
    expect(v.data.id).toBe(v.data.vpc_id);
    expect(v.data).toMatchObject({ cidr: '10.0.0.0/16', _state: 'completed', service: build });
    const i = await h.result(vm.key);
    expect(i.data.instance_id).toMatch(/^instance-[0-9a-f]{8}$/);
    expect(i.data.private_ip).toMatch(/^10\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
    expect(i.data.public_ip).toMatch(/^203\.0\.113\.\d{1,3}$/);
    expect(i.data.state).toBe('running');
  });

  it('takes the latency of the type, overridable per component with _sim.latency_ms', async () => {
    const time = async (c: ReturnType<typeof component>) => {
      const t0 = Date.now();
      const meta = await h.dispatch(c);
      await h.result(meta.key);
      return Date.now() - t0;
    };
    const instance = await time(component('instance', 'slow', 'create'));
    const subnet = await time(component('subnet', 'fast', 'create'));
    const custom = await time(component('subnet', 'custom', 'create', { _sim: { latency_ms: 400 } }));
    expect(instance).toBeGreaterThanOrEqual(240);
    expect(subnet).toBeLessThan(200);
    expect(custom).toBeGreaterThanOrEqual(390);
    expect(DEFAULT_SIM_LATENCY_MS.instance).toBe(300);
  });

  it('fails the first fail_times attempts of a component in a build, then succeeds', async () => {
    const build = newBuildId();
    const c = component('firewall', 'flaky', 'create', { _sim: { fail: 'quota exceeded', fail_times: 1 } });
    const first = await h.dispatch(c, { build, attempt: 1 });
    const r1 = await h.result(first.key);
    expect(r1.kind).toBe('error');
    expect(r1.data.error).toBe('quota exceeded');
    expect(r1.data._state).toBe('errored');
    const second = await h.dispatch(c, { build, attempt: 2 });
    const r2 = await h.result(second.key);
    expect(r2.kind).toBe('done');
    expect(r2.data.firewall_id).toMatch(/^firewall-[0-9a-f]{8}$/);
    // another build counts afresh
    const other = await h.dispatch(c, { attempt: 1 });
    expect((await h.result(other.key)).kind).toBe('error');
  });

  it('fails always with fail and no fail_times', async () => {
    const c = component('dns', 'broken', 'create', { _sim: { fail: 'zone locked' } });
    const build = newBuildId();
    for (const attempt of [1, 2, 3]) {
      const meta = await h.dispatch(c, { build, attempt });
      expect((await h.result(meta.key)).data.error).toBe('zone locked');
    }
  });

  it('answers update/get of what it holds merged with the new fields, and of unknown resources with made-up ids', async () => {
    // each action in a build of its own: one key <build>/<component>/<attempt>, one answer
    const created = await h.result((await h.dispatch(component('network', 'held', 'create'))).key);
    const upd = await h.result((await h.dispatch(component('network', 'held', 'update', { mtu: 9000 }))).key);
    expect(upd.data).toMatchObject({ network_id: created.data.network_id, mtu: 9000 });
    const get = await h.result((await h.dispatch(component('network', 'held', 'get'))).key);
    expect(get.data).toMatchObject({ network_id: created.data.network_id, mtu: 9000 });

    const unknown = await h.result((await h.dispatch(component('network', 'never-seen', 'get'))).key);
    expect(unknown.kind).toBe('done');
    expect(unknown.data.network_id).toMatch(/^network-[0-9a-f]{8}$/);
    const given = await h.result(
      (await h.dispatch(component('network', 'imported', 'update', { network_id: 'network-0000beef' }))).key,
    );
    expect(given.data.network_id).toBe('network-0000beef');
  });

  it('deletes (also what it never held) and finds held resources matching the given fields', async () => {
    const build = newBuildId();
    for (const [name, zone] of [
      ['a', 'eu'],
      ['b', 'eu'],
      ['c', 'us'],
    ] as const) {
      await h.result((await h.dispatch(component('bucket', name, 'create', { zone }), { build })).key);
    }
    const found = await h.result(
      (await h.dispatch(component('bucket', 'query', 'find', { zone: 'eu' }), { build })).key,
    );
    const ids = (found.data.components as { _component_id: string }[]).map((c) => c._component_id).sort();
    expect(ids).toEqual(['bucket::a', 'bucket::b']);

    const del = await h.result((await h.dispatch(component('bucket', 'a', 'delete'))).key);
    expect(del.kind).toBe('done');
    const ghost = await h.result((await h.dispatch(component('bucket', 'ghost', 'delete'), { build })).key);
    expect(ghost.kind).toBe('done');
    const after = await h.result(
      (await h.dispatch(component('bucket', 'query2', 'find', { zone: 'eu' }), { build })).key,
    );
    expect((after.data.components as { _component_id: string }[]).map((c) => c._component_id)).toEqual([
      'bucket::b',
    ]);
  });

  it('answers for a simulated provider, naming ids as Ernest connectors do', async () => {
    const meta = await h.dispatch({ ...component('vpc', 'rehearsal', 'create'), _provider: 'aws' });
    const r = await h.result(meta.key);
    expect(r.subject).toBe('ordo.exec.vpc.create.aws.done');
    expect(r.data.vpc_aws_id).toBe(r.data.vpc_id);
  });

  it('keeps its resources across a restart of the executor', async () => {
    const created = await h.result((await h.dispatch(component('instance', 'durable', 'create'))).key);
    await running?.stop();
    const onDisk = JSON.parse(await readFile(join(h.dataDir, 'executors', 'sim-state.json'), 'utf8'));
    expect(onDisk.resources['instance::durable'].instance_id).toBe(created.data.instance_id);

    await startSim();
    const got = await h.result((await h.dispatch(component('instance', 'durable', 'get'))).key);
    expect(got.data).toMatchObject({
      instance_id: created.data.instance_id,
      public_ip: created.data.public_ip,
      private_ip: created.data.private_ip,
    });
  });

  it('refuses to serve one sim executor twice at once', async () => {
    const sim = simExecutor();
    const first = await runExecutors(h.bus, [sim], { dataDir: await h.tempDir(), ackWaitMs: 2000 });
    try {
      await expect(
        runExecutors(h.bus, [sim], { dataDir: await h.tempDir(), ackWaitMs: 2000 }),
      ).rejects.toThrow(/already serving/);
    } finally {
      await first.stop();
    }
  });
});

describe('sim actions and control', () => {
  const act = async (name: string, action: string, opts: { deadline?: number } = {}) =>
    h.result((await h.dispatch(component('instance', name, action), opts)).key, 10_000);

  it('goes through the intermediate state for the latency of the action, which a get meanwhile sees', async () => {
    const created = await act('cycle', 'create');
    expect(created.data.state).toBe('running');
    const stopping = await h.dispatch(component('instance', 'cycle', 'stop'));
    // the stop takes 400 ms here: a get in between sees it stopping
    await new Promise((r) => setTimeout(r, 100));
    const during = await act('cycle', 'get');
    expect(during.data).toMatchObject({ state: 'stopping', instance_id: created.data.instance_id });
    const stopped = await h.result(stopping.key, 10_000);
    expect(stopped.kind).toBe('done');
    expect(stopped.data.state).toBe('stopped');
    expect((await act('cycle', 'get')).data.state).toBe('stopped');
    expect((await act('cycle', 'start')).data.state).toBe('running');
    expect((await act('cycle', 'reboot')).data.state).toBe('running');
    expect((await act('cycle', 'terminate')).data.state).toBe('terminated');
    expect(DEFAULT_SIM_ACTION_LATENCY_MS.stop).toBeGreaterThan(DEFAULT_SIM_LATENCY_MS.instance ?? 0);
  });

  it('keeps the state it had when an action is cut short by its deadline', async () => {
    await act('cut', 'create');
    const r = await act('cut', 'stop', { deadline: Date.now() + 100 });
    expect(r.kind).toBe('error');
    expect(r.data.error).toBe('timeout');
    expect((await act('cut', 'get')).data.state).toBe('running');
  });

  it('answers an action of a resource it never held as if it held it', async () => {
    const r = await act('never-held', 'stop');
    expect(r.kind).toBe('done');
    expect(r.data).toMatchObject({ state: 'stopped' });
    expect(r.data.instance_id).toMatch(/^instance-[0-9a-f]{8}$/);
  });

  it('makes a held resource vanish: get, update and actions answer not_found until it is created again', async () => {
    const created = await act('ghost', 'create');
    expect(await simControl({ kind: 'vanish', providerId: String(created.data.instance_id) })).toEqual({
      ok: true,
    });
    for (const action of ['get', 'update', 'stop']) {
      const r = await act('ghost', action);
      expect(r.kind, action).toBe('error');
      expect(r.data.not_found, action).toBe(true);
      expect(r.data.error, action).toMatch(/not found/);
    }
    // a delete of it succeeds (it is gone), and creating it again brings it back
    expect((await act('ghost', 'delete')).kind).toBe('done');
    expect((await act('ghost', 'create')).kind).toBe('done');
    expect((await act('ghost', 'get')).kind).toBe('done');
  });

  it('makes a held resource fail, or change state on its own; a start repairs a failed one', async () => {
    await act('broken', 'create');
    expect(
      await simControl({ kind: 'fail', componentId: 'instance::broken', message: 'host hardware failure' }),
    ).toEqual({ ok: true });
    const failed = await act('broken', 'get');
    expect(failed.data).toMatchObject({ state: 'error', state_reason: 'host hardware failure' });
    const started = await act('broken', 'start');
    expect(started.data.state).toBe('running');
    expect(started.data.state_reason).toBeUndefined();
    expect(await simControl({ kind: 'state', componentId: 'instance::broken', state: 'stopped' })).toEqual({
      ok: true,
    });
    expect((await act('broken', 'get')).data.state).toBe('stopped');
  });

  it('answers not_found for a resource it does not hold, and invalid for a malformed command', async () => {
    expect(await simControl({ kind: 'vanish', componentId: 'instance::nobody' })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    // both targets at once: what a careless client might send, unchecked
    const reply = await h.bus.request(
      SIM_CONTROL_SUBJECT,
      z.unknown(),
      { kind: 'vanish', componentId: 'a', providerId: 'b' },
      controlReplySchema,
    );
    expect(reply.data).toMatchObject({ ok: false, code: 'invalid' });
    expect(reply.data.ok === false && reply.data.reason).toMatch(/exactly one of componentId and providerId/);
  });

  it('does not record answers to cloud-state polls (their keys never come again), but records the rest', async () => {
    await act('polled', 'create');
    const poll = await h.dispatch(component('instance', 'polled', 'get'), {
      build: 'ordo:cloud',
      attempt: Date.now(),
    });
    expect((await h.result(poll.key)).kind).toBe('done');
    const stop = await h.dispatch(component('instance', 'polled', 'stop'), {
      build: 'ordo:cloud',
      attempt: 7,
    });
    expect((await h.result(stop.key, 10_000)).kind).toBe('done');
    const lines = (await readFile(join(h.dataDir, 'executors', 'sim.jsonl'), 'utf8')).split('\n');
    expect(lines.some((l) => l.includes(JSON.stringify(poll.key)))).toBe(false);
    expect(lines.some((l) => l.includes(JSON.stringify(stop.key)))).toBe(true);
  });

  it('keeps vanished resources across a restart of the executor', async () => {
    await act('gone-for-good', 'create');
    expect(await simControl({ kind: 'vanish', componentId: 'instance::gone-for-good' })).toEqual({
      ok: true,
    });
    await running?.stop();
    await startSim();
    expect((await act('gone-for-good', 'get')).data.not_found).toBe(true);
  });
});
