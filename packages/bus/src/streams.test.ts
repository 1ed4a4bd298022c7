import { buildEventSchema, dispatchMessageSchema } from '@ordo/contracts';
import { RetentionPolicy } from 'nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Bus, connectBus } from './connection';
import { BusError } from './errors';
import { DEFAULT_MAX_AGE_MS, ensureExecRoutes, ensureStreams, execStreamSubjects, STREAM } from './streams';
import { dispatchSubject, doneSubject, eventsSubject, logsSubject } from './subjects';
import { memoryLogger, type NatsServerHandle, startNatsServer } from './testing';

let server: NatsServerHandle;
let bus: Bus;

beforeAll(async () => {
  server = await startNatsServer();
  bus = await connectBus({ url: server.url, name: 'streams-test', logger: memoryLogger() });
});

afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

afterEach(async () => {
  const jsm = await bus.jetstreamManager();
  for await (const name of jsm.streams.names()) await jsm.streams.delete(name);
});

async function count(stream: string): Promise<number> {
  const jsm = await bus.jetstreamManager();
  return (await jsm.streams.info(stream)).state.messages;
}

const component = {
  _component_id: 'vpc::prod',
  _component: 'vpc',
  _action: 'create',
  _provider: 'sim',
  service: 'build-1',
};

describe('ensureStreams with the default prefix', () => {
  it('creates the four streams once, then leaves them unchanged', async () => {
    const first = await ensureStreams(bus);
    expect(first.map((s) => [s.name, s.outcome])).toEqual([
      [STREAM.events, 'created'],
      [STREAM.logs, 'created'],
      [STREAM.dispatch, 'created'],
      [STREAM.results, 'created'],
    ]);
    const again = await ensureStreams(bus);
    expect(again.every((s) => s.outcome === 'unchanged')).toBe(true);

    const jsm = await bus.jetstreamManager();
    const events = await jsm.streams.info(STREAM.events);
    expect(events.config.subjects).toEqual(['ordo.events.>']);
    expect(events.config.retention).toBe(RetentionPolicy.Limits);
    expect(events.config.storage).toBe('file');
    expect(events.config.max_age).toBe(DEFAULT_MAX_AGE_MS.events * 1_000_000);
    const dispatch = await jsm.streams.info(STREAM.dispatch);
    expect(dispatch.config.retention).toBe(RetentionPolicy.Workqueue);
    expect(dispatch.config.subjects).toEqual(['ordo.exec.*.*.*']);
    const results = await jsm.streams.info(STREAM.results);
    expect(results.config.retention).toBe(RetentionPolicy.Limits);
    expect(results.config.subjects.sort()).toEqual([
      'ordo.exec.*.*.*.cancel',
      'ordo.exec.*.*.*.done',
      'ordo.exec.*.*.*.error',
    ]);
  });

  it('runs concurrently from several processes without error', async () => {
    const results = await Promise.all([ensureStreams(bus), ensureStreams(bus), ensureStreams(bus)]);
    for (const r of results) expect(r).toHaveLength(4);
    expect(await count(STREAM.events)).toBe(0);
  });

  it('stores each kind of message in its own stream', async () => {
    await ensureStreams(bus);
    await bus.jsPublish(eventsSubject('b.1'), buildEventSchema, {
      seq: 1,
      at: 1,
      type: 'build_state',
      state: 'running',
    });
    await bus.jsPublish(logsSubject('b.1', 'vpc::prod'), dispatchMessageSchema, component);
    await bus.jsPublish(
      dispatchSubject({ type: 'vpc', action: 'create', provider: 'sim' }),
      dispatchMessageSchema,
      component,
    );
    await bus.jsPublish(
      doneSubject({ type: 'vpc', action: 'create', provider: 'sim' }),
      dispatchMessageSchema,
      component,
    );
    expect(await Promise.all(Object.values(STREAM).map(count))).toEqual([1, 1, 1, 1]);
  });

  it('updates a changed max age and refuses a stream of the wrong retention', async () => {
    await ensureStreams(bus);
    const updated = await ensureStreams(bus, { maxAgeMs: { logs: 60_000 } });
    expect(updated.find((s) => s.name === STREAM.logs)?.outcome).toBe('updated');
    const jsm = await bus.jetstreamManager();
    await jsm.streams.delete(STREAM.dispatch);
    await jsm.streams.add({
      name: STREAM.dispatch,
      subjects: ['ordo.exec.*.*.*'],
      retention: RetentionPolicy.Limits,
    });
    await expect(ensureStreams(bus)).rejects.toMatchObject({ code: 'STREAM_CONFLICT' });
  });
});

describe('ensureStreams with an empty prefix (Ernest-style bare subjects)', () => {
  it('cannot use *.*.<provider>: nats-server sees it overlapping ordo.events.>', async () => {
    await ensureStreams(bus);
    const jsm = await bus.jetstreamManager();
    await expect(jsm.streams.add({ name: 'BARE', subjects: ['*.*.sim'] })).rejects.toThrow(/overlap/);
  });

  it('captures <type>.*.<provider> for the configured types and providers only', async () => {
    const made = await ensureStreams(bus, {
      prefix: '',
      providers: ['sim', 'aws'],
      types: ['vpc', 'instance'],
    });
    expect(made.every((s) => s.outcome === 'created')).toBe(true);
    expect(execStreamSubjects({ prefix: '', providers: ['sim'], types: ['vpc'] })).toEqual({
      dispatch: ['vpc.*.sim'],
      results: ['vpc.*.sim.done', 'vpc.*.sim.error', 'vpc.*.sim.cancel'],
    });

    // Ordo's own subjects never land in the exec streams …
    await bus.jsPublish(eventsSubject('x'), buildEventSchema, { seq: 1, at: 1, type: 'build_state' });
    const ack = await bus.jsPublish('ordo.events.sim', buildEventSchema, {
      seq: 2,
      at: 1,
      type: 'build_state',
    });
    expect(ack.stream).toBe(STREAM.events);
    await bus.jsPublish('ordo.logs.sim.done', buildEventSchema, { seq: 3, at: 1, type: 'log' });
    expect(await count(STREAM.dispatch)).toBe(0);
    expect(await count(STREAM.results)).toBe(0);
    expect(await count(STREAM.events)).toBe(2);

    // … while the bare subjects of configured routes do.
    const route = { type: 'vpc', action: 'create', provider: 'sim' };
    expect((await bus.jsPublish(dispatchSubject(route, ''), dispatchMessageSchema, component)).stream).toBe(
      STREAM.dispatch,
    );
    expect((await bus.jsPublish(doneSubject(route, ''), dispatchMessageSchema, component)).stream).toBe(
      STREAM.results,
    );
    // A route nobody configured is not captured (JetStream has no stream for it).
    await expect(
      bus.jsPublish(dispatchSubject({ ...route, type: 'dns' }, ''), dispatchMessageSchema, component, {
        timeoutMs: 500,
      }),
    ).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
    expect(await count(STREAM.dispatch)).toBe(1);

    expect(
      (await ensureStreams(bus, { prefix: '', providers: ['sim', 'aws'], types: ['vpc', 'instance'] })).map(
        (s) => s.outcome,
      ),
    ).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
  });

  it('adds routes at run time, from several processes at once, and never drops earlier ones', async () => {
    const skipped = await ensureStreams(bus, { prefix: '', providers: ['sim'] });
    expect(skipped.filter((s) => s.outcome === 'skipped').map((s) => s.name)).toEqual([
      STREAM.dispatch,
      STREAM.results,
    ]);
    await ensureExecRoutes(bus, { prefix: '', providers: ['sim'], types: ['vpc'] });
    const other = await connectBus({ url: server.url, name: 'streams-test-2', logger: memoryLogger() });
    const types = ['dns', 'lb', 'db', 'fw', 'ip', 'disk'];
    await Promise.all([
      ...types.map((type, i) =>
        ensureExecRoutes(i % 2 ? other : bus, { prefix: '', providers: ['sim'], types: [type] }),
      ),
      ensureExecRoutes(other, { prefix: '', providers: ['aws'], types: ['vpc'] }),
    ]);
    await other.close();
    const jsm = await bus.jetstreamManager();
    const dispatch = await jsm.streams.info(STREAM.dispatch);
    expect(dispatch.config.subjects.sort()).toEqual(
      [...types.map((t) => `${t}.*.sim`), 'vpc.*.aws', 'vpc.*.sim'].sort(),
    );
    const results = await jsm.streams.info(STREAM.results);
    expect(results.config.subjects).toHaveLength(3 * (types.length + 2));
    expect(dispatch.config.max_age).toBe(DEFAULT_MAX_AGE_MS.dispatch * 1_000_000);
    // with the default prefix every route is captured already: nothing to do
    expect(await ensureExecRoutes(bus, { providers: ['sim'], types: ['vpc'] })).toEqual([]);
  });

  it('refuses the type "ordo" and bad tokens', async () => {
    await expect(
      ensureStreams(bus, { prefix: '', providers: ['sim'], types: ['ordo'] }),
    ).rejects.toMatchObject({
      code: 'RESERVED_TOKEN',
    });
    const err = await ensureExecRoutes(bus, { prefix: '', providers: ['s.m'], types: ['vpc'] }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(BusError);
    expect(err.code).toBe('INVALID_TOKEN');
    expect(err.message).toContain('"s.m"');
  });
});
