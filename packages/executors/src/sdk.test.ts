// The SDK end to end against a real nats-server: a custom executor, idempotency, cancel,
// redelivery of work an executor did not finish, invalid input.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dispatchSubject } from '@ordo/bus';
import { execHeaders } from '@ordo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinExecutors } from './builtin';
import { TaskError } from './errors';
import { defineExecutor, type Executor, type RunningExecutors, runExecutors } from './sdk';
import { sleepExecutor } from './sleep';
import { type Harness, newBuildId, processGone, startHarness, waitFor } from './test-harness';

let h: Harness;
const stops: RunningExecutors[] = [];

beforeAll(async () => {
  h = await startHarness('sdk');
});

afterAll(async () => {
  for (const r of stops) await r.stop();
  await h?.close();
});

/** runExecutors, stopped after the file's tests. */
async function serve(
  executors: Executor[],
  opts: { dataDir?: string; ackWaitMs?: number; bus?: typeof h.bus } = {},
) {
  const running = await runExecutors(opts.bus ?? h.bus, executors, {
    dataDir: opts.dataDir ?? h.dataDir,
    ackWaitMs: opts.ackWaitMs ?? 2000,
    shutdownGraceMs: 300,
  });
  stops.push(running);
  return running;
}

const component = (provider: string, name: string, fields: Record<string, unknown> = {}) => ({
  _component_id: `task::${name}`,
  _component: 'task',
  _action: 'create',
  _provider: provider,
  ...fields,
});

describe('a custom executor', () => {
  it('is served end to end from a few lines', async () => {
    const greeter = defineExecutor({
      name: 'greeter',
      provider: 'greeter',
      async handle({ component, log }) {
        if (typeof component.who !== 'string') throw new Error('who is missing');
        log(`greeting ${component.who}`);
        return { greeting: `hello, ${component.who}` };
      },
    });
    await serve([greeter]);

    const ok = await h.dispatch(component('greeter', 'hi', { who: 'ops' }));
    const bad = await h.dispatch(component('greeter', 'nobody'));
    const r = await h.result(ok.key);
    expect(r.kind).toBe('done');
    expect(r.subject).toBe('ordo.exec.task.create.greeter.done');
    expect(r.data).toMatchObject({
      _component_id: 'task::hi',
      who: 'ops',
      greeting: 'hello, ops',
      _state: 'completed',
    });
    const line = await h.logLine(ok.build, 'task::hi', 'greeting ops');
    expect(line).toMatchObject({ componentId: 'task::hi', stream: 'info' });
    const e = await h.result(bad.key);
    expect(e.kind).toBe('error');
    expect(e.subject).toBe('ordo.exec.task.create.greeter.error');
    expect(e.data).toMatchObject({ error: 'who is missing', _state: 'errored' });
  });

  it('adds the outputs of a TaskError and refuses results that are not objects', async () => {
    await serve([
      defineExecutor({
        name: 'odd',
        provider: 'odd',
        async handle({ component }) {
          if (component.mode === 'task-error') throw new TaskError('went wrong', { code: 42 });
          return 'a string' as unknown as Record<string, unknown>;
        },
      }),
    ]);
    const a = await h.dispatch(component('odd', 'a', { mode: 'task-error' }));
    const b = await h.dispatch(component('odd', 'b'));
    expect((await h.result(a.key)).data).toMatchObject({ error: 'went wrong', code: 42 });
    expect((await h.result(b.key)).data.error).toMatch(/returned string, not an object/);
  });

  it('refuses bad definitions and two executors for one provider', async () => {
    expect(() => defineExecutor({ name: 'bad name', provider: 'x', handle: async () => ({}) })).toThrow(
      /name/,
    );
    expect(() => defineExecutor({ name: 'x', provider: 'a.b', handle: async () => ({}) })).toThrow(
      /provider/,
    );
    expect(() => defineExecutor({ name: 'x', handle: async () => ({}) })).toThrow(/no provider/);
    const one = defineExecutor({ name: 'one', provider: 'same', handle: async () => ({}) });
    const two = defineExecutor({ name: 'two', providers: ['other', 'same'], handle: async () => ({}) });
    await expect(runExecutors(h.bus, [one, two], { dataDir: h.dataDir })).rejects.toThrow(
      /same is served by both/,
    );
  });
});

describe('idempotency', () => {
  it('runs a key once: a repeated dispatch is answered from the record, also after a restart', async () => {
    const dir = await h.tempDir();
    const file = join(dir, 'runs.txt');
    const dataDir = await h.tempDir();
    const first = await serve(builtinExecutors(), { dataDir });
    const c = component('shell', 'append', {
      artifact: 'sh',
      args: ['-c', `echo run >> ${file}; echo appended`],
    });
    const build = newBuildId();

    const meta = await h.dispatch(c, { build });
    const r1 = await h.result(meta.key);
    await h.dispatch(c, { build }); // same build, component, attempt: same key
    const both = await waitFor('two answers', () =>
      h.results(meta.key).length >= 2 ? h.results(meta.key) : undefined,
    );
    expect(both[1]?.data).toEqual(r1.data);

    await first.stop();
    await serve(builtinExecutors(), { dataDir });
    await h.dispatch(c, { build });
    await waitFor('a third answer', () => (h.results(meta.key).length >= 3 ? true : undefined));
    expect(h.results(meta.key)[2]?.data).toEqual(r1.data);
    expect(await readFile(file, 'utf8')).toBe('run\n');
    // the next attempt is new work
    const next = await h.dispatch(c, { build, attempt: 2 });
    expect((await h.result(next.key)).kind).toBe('done');
    expect(await readFile(file, 'utf8')).toBe('run\nrun\n');
  });

  it('does not start a key twice while it runs; both dispatches get the same answer', async () => {
    const calls: string[] = [];
    await serve([
      defineExecutor({
        name: 'slowcount',
        provider: 'slowcount',
        async handle({ meta }) {
          calls.push(meta.key);
          await new Promise((r) => setTimeout(r, 300));
          return { n: calls.length };
        },
      }),
    ]);
    const c = component('slowcount', 'twice');
    const build = newBuildId();
    const meta = await h.dispatch(c, { build });
    await h.dispatch(c, { build });
    const answers = await waitFor('two answers', () =>
      h.results(meta.key).length >= 2 ? h.results(meta.key) : undefined,
    );
    expect(calls).toEqual([meta.key]);
    expect(answers[0]?.data).toEqual(answers[1]?.data);
  });
});

describe('cancel', () => {
  it('aborts a long sleep: error cancelled and a "cancel received" log line', async () => {
    await serve(builtinExecutors(), { dataDir: await h.tempDir() });
    const c = { ...component('sleep', 'long-sleep', { args: ['30'] }), service: newBuildId() };
    const meta = await h.dispatch(c);
    await h.logLine(meta.build, meta.component, 'sleeping 30000 ms');
    const t0 = Date.now();
    await h.cancel(c, meta);
    const r = await h.result(meta.key);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.kind).toBe('error');
    expect(r.data.error).toBe('cancelled');
    const line = await h.logLine(meta.build, meta.component, 'cancel received');
    expect(line.stream).toBe('info');
  });

  it('kills a long shell command', async () => {
    const c = {
      ...component('shell', 'long-shell', { artifact: 'sleep', args: ['30'] }),
      service: newBuildId(),
    };
    const meta = await h.dispatch(c);
    const started = await h.logLine(meta.build, meta.component, 'started sleep (pid');
    const pid = Number(/pid (\d+)/.exec(started.line)?.[1]);
    await h.cancel(c, meta);
    const r = await h.result(meta.key);
    expect(r.data.error).toBe('cancelled');
    await h.logLine(meta.build, meta.component, 'cancel received');
    await processGone(pid, 3000);
  });

  it('answers a dispatch cancelled before it was taken without running it, and ignores unknown keys', async () => {
    const c = { ...component('sleep', 'queued', { args: ['30'] }), service: newBuildId() };
    const key = { build: c.service, component: c._component_id, attempt: 1, deadline: Date.now() + 60_000 };
    await h.cancel(c, { ...key, key: `${c.service}/${c._component_id}/1` }); // nobody holds it yet
    await h.bus.flush();
    await new Promise((r) => setTimeout(r, 50));
    const meta = await h.dispatch(c, { build: c.service });
    const r = await h.result(meta.key, 2000);
    expect(r.data.error).toBe('cancelled');
    expect(h.logs(meta.build, meta.component).some((l) => l.line.startsWith('sleeping'))).toBe(false);
  });
});

describe('redelivery', () => {
  it('gives the work of an executor that died before acking to another one', async () => {
    let runs = 0;
    const hangsFirst = () =>
      defineExecutor({
        name: 'fragile',
        provider: 'fragile',
        async handle() {
          runs += 1;
          if (runs === 1) await new Promise(() => undefined); // never finishes, ignores the signal
          return { run: runs };
        },
      });
    const doomedBus = await h.connect('doomed');
    await serve([hangsFirst()], { bus: doomedBus, ackWaitMs: 1000, dataDir: await h.tempDir() });
    const meta = await h.dispatch(component('fragile', 'work'));
    await waitFor('the first run', () => (runs === 1 ? true : undefined));

    await serve([hangsFirst()], { ackWaitMs: 1000, dataDir: await h.tempDir() });
    await doomedBus.close(); // the process "dies": no ack, no answer, no more working()
    const r = await h.result(meta.key, 5000);
    expect(r.kind).toBe('done');
    expect(r.data.run).toBe(2);
    expect(h.results(meta.key)).toHaveLength(1);
  });

  it('hands the work of a stopping executor to another one at once', async () => {
    const dataDir = await h.tempDir();
    // a provider of its own, so that no other executor of this file takes the dispatch
    const sleeper = () => sleepExecutor({ name: 'handover', provider: 'handover' });
    const a = await serve([sleeper()], { dataDir, ackWaitMs: 20_000 });
    const c = component('handover', 'handover', { args: ['0.5'] });
    const meta = await h.dispatch(c);
    await h.logLine(meta.build, meta.component, 'sleeping');
    await serve([sleeper()], { dataDir: await h.tempDir(), ackWaitMs: 20_000 });
    await a.stop();
    const r = await h.result(meta.key, 4000); // far sooner than the 20 s ack_wait
    expect(r.kind).toBe('done');
    expect(h.logs(meta.build, meta.component).filter((l) => l.line.startsWith('sleeping'))).toHaveLength(2);
  });
});

describe('invalid input', () => {
  it('terminates an invalid dispatch without crashing; later dispatches still work', async () => {
    await serve([
      defineExecutor({ name: 'robust', provider: 'robust', handle: async () => ({ fine: true }) }),
    ]);
    const subject = dispatchSubject({ type: 'task', action: 'create', provider: 'robust' });
    const build = newBuildId();
    const headers = execHeaders({ build, component: 'task::x', attempt: 1, deadline: Date.now() + 60_000 });
    // no _component_id; then valid body but no headers; then not JSON
    await h.bus.jsPublish(
      subject,
      z.unknown(),
      { _component: 'task', _action: 'create', _provider: 'robust', service: build },
      { headers },
    );
    await h.bus.jsPublish(subject, z.unknown(), { ...component('robust', 'x'), service: build });
    h.bus.nc.publish(subject, new TextEncoder().encode('{not json'), {});
    const meta = await h.dispatch(component('robust', 'after'));
    const r = await h.result(meta.key);
    expect(r.data.fine).toBe(true);
    expect(
      h.logger.entries.filter((e) => e.msg === 'terminated an invalid message').length,
    ).toBeGreaterThanOrEqual(3);
  });
});
