// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Ordo templates, not JavaScript ones
// Every procedure through `createCaller`, against a real nats-server, a real SQLite store and a
// stand-in runner; and the tRPC HTTP endpoint (fetch adapter) for the error shape and limits.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotAllowedError, ValidationError } from '../errors';
import { eventually, fixture, type Harness, startHarness } from '../test-harness';
import { handleTrpc } from './http';
import { createCaller } from './root';

let h: Harness;
let caller: ReturnType<typeof createCaller>;

beforeAll(async () => {
  h = await startHarness({ controlTimeoutMs: 500 });
  await h.startRunner();
  caller = createCaller({ services: h.services, actor: 'carol' });
});

afterAll(async () => {
  await h?.close();
});

beforeEach(() => {
  h.answer = () => ({ ok: true });
});

const graph = {
  ordo: 1,
  name: 'trpc-env',
  changes: [
    { _component_id: 'vpc::t', _component: 'vpc', _action: 'create', _provider: 'sim' },
    {
      _component_id: 'net::t',
      _component: 'network',
      _action: 'create',
      _provider: 'sim',
      vpc: '${vpc::t.id}',
    },
  ],
  edges: [{ source: 'vpc::t', destination: 'net::t' }],
};

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe('build router', () => {
  let id: string;

  beforeAll(async () => {
    ({ id } = await caller.build.create({ graph, policy: 'continue', concurrency: { build: 3 } }));
    await h.play(id, [
      { kind: 'start' },
      { kind: 'result', componentId: 'vpc::t', attempt: 1, status: 'done', payload: { id: 'vpc-7' } },
    ]);
  });

  it('create stores a pending build and tells the runner', async () => {
    const created = await caller.build.create({ graph: fixture('gorch.example.json') });
    expect((await h.store.builds.snapshot(created.id))?.status).toBe('pending');
    await eventually(() => h.received.find((r) => r.buildId === created.id && r.command.kind === 'created'));
  });

  it('create refuses an invalid graph with BAD_REQUEST, the cause a ValidationError with the issues', async () => {
    const bad = { ...graph, edges: [...graph.edges, { source: 'net::t', destination: 'vpc::t' }] };
    const error = await rejection(caller.build.create({ graph: bad }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.cause).toBeInstanceOf(ValidationError);
    expect((error.cause as ValidationError).issues).toContainEqual(
      expect.objectContaining({ code: 'cycle', path: '$.graph.edges[1]' }),
    );
  });

  it('get answers the snapshot view', async () => {
    const build = await caller.build.get({ id });
    expect(build).toMatchObject({
      id,
      environment: 'trpc-env',
      status: 'running',
      policy: 'continue',
      simulate: false,
      concurrency: { build: 3 },
      createdAt: expect.any(Number),
      startedAt: expect.any(Number),
      finishedAt: null,
      edges: [{ source: 'vpc::t', destination: 'net::t' }],
    });
    expect(build.seq).toBeGreaterThan(0);
    expect(build.components[0]).toMatchObject({
      id: 'vpc::t',
      state: 'completed',
      attempt: 1,
      outputs: { id: 'vpc-7' },
      history: [
        expect.objectContaining({ attempt: 1, status: 'completed', dispatchedAt: expect.any(Number) }),
      ],
    });
    expect(build.components[1]).toMatchObject({ id: 'net::t', state: 'running', attempt: 1 });
  });

  it('get of an unknown build is NOT_FOUND', async () => {
    expect((await rejection(caller.build.get({ id: 'missing' }))).code).toBe('NOT_FOUND');
  });

  it('list filters and counts', async () => {
    const { builds } = await caller.build.list({ environment: 'trpc-env', status: ['running'] });
    expect(builds).toEqual([
      expect.objectContaining({ id, status: 'running', total: 2, completed: 1, errored: 0 }),
    ]);
    expect((await caller.build.list()).builds.length).toBeGreaterThanOrEqual(2);
  });

  it('events follow from a sequence number', async () => {
    const { events } = await caller.build.events({ id });
    expect(events[0]).toMatchObject({
      seq: 1,
      type: 'build_state',
      state: 'running',
      at: expect.any(Number),
    });
    const { events: later } = await caller.build.events({ id, since: events.length - 1 });
    expect(later).toHaveLength(1);
    expect((await rejection(caller.build.events({ id: 'missing' }))).code).toBe('NOT_FOUND');
  });

  it('logs answers the stored lines', async () => {
    await h.store.logs.append([
      { buildId: id, componentId: 'net::t', at: 1_700_000_000_000, stream: 'stdout', line: 'hello' },
    ]);
    const { lines } = await caller.build.logs({ id, componentId: 'net::t' });
    expect(lines).toEqual([
      { at: 1_700_000_000_000, componentId: 'net::t', stream: 'stdout', line: 'hello' },
    ]);
  });

  it('actions lists what operators did, refused ones with the reason', async () => {
    expect(await caller.build.actions({ id })).toEqual({ actions: [] });
    const state = await h.store.builds.loadState(id);
    if (!state) throw new Error('build not stored');
    await h.store.builds.persist([
      {
        state,
        changed: [],
        events: [],
        environment: [],
        actions: [
          {
            at: 1_700_000_000_000,
            actor: 'carol',
            action: 'retry',
            accepted: false,
            reason: 'build is running',
          },
          { at: 1_700_000_001_000, actor: 'dave', action: 'cancel', componentId: 'net::t', accepted: true },
        ],
      },
    ]);
    expect((await caller.build.actions({ id })).actions).toEqual([
      {
        at: 1_700_000_000_000,
        actor: 'carol',
        action: 'retry',
        componentId: null,
        accepted: false,
        reason: 'build is running',
      },
      {
        at: 1_700_000_001_000,
        actor: 'dave',
        action: 'cancel',
        componentId: 'net::t',
        accepted: true,
        reason: null,
      },
    ]);
    expect((await rejection(caller.build.actions({ id: 'missing' }))).code).toBe('NOT_FOUND');
  });

  it('retry, cancel, skip, approve ask the runner with the actor', async () => {
    expect(await caller.build.retry({ id })).toEqual({ ok: true });
    expect(await caller.build.cancel({ id, componentId: 'net::t' })).toEqual({ ok: true });
    expect(await caller.build.skip({ id, componentId: 'net::t' })).toEqual({ ok: true });
    expect(await caller.build.approve({ id, componentId: 'net::t' })).toEqual({ ok: true });
    const sent = h.received
      .filter((r) => r.buildId === id && r.command.kind === 'action')
      .map((r) => r.command);
    expect(sent).toEqual([
      { kind: 'action', action: 'retry', actor: 'carol' },
      { kind: 'action', action: 'cancel', componentId: 'net::t', actor: 'carol' },
      { kind: 'action', action: 'skip', componentId: 'net::t', actor: 'carol' },
      { kind: 'action', action: 'approve', componentId: 'net::t', actor: 'carol' },
    ]);
  });

  it('a refused action is CONFLICT with the reason; no runner is SERVICE_UNAVAILABLE', async () => {
    h.answer = () => ({ ok: false, code: 'not_allowed', reason: 'build is running' });
    const conflict = await rejection(caller.build.retry({ id }));
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.cause).toBeInstanceOf(NotAllowedError);
    expect((conflict.cause as NotAllowedError).reason).toBe('build is running');
    await h.stopRunner();
    try {
      expect((await rejection(caller.build.cancel({ id }))).code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await h.startRunner();
    }
  });

  it('skip without a component is refused by the input schema', async () => {
    // @ts-expect-error componentId is required
    expect((await rejection(caller.build.skip({ id }))).code).toBe('BAD_REQUEST');
  });

  it('export writes each format with component states and outputs', async () => {
    const ordo = await caller.build.export({ id, format: 'ordo' });
    expect(ordo.format).toBe('ordo');
    expect(ordo.content).toMatchObject({
      ordo: 1,
      name: 'trpc-env',
      changes: [
        expect.objectContaining({ _component_id: 'vpc::t', _state: 'completed', id: 'vpc-7' }),
        expect.objectContaining({ _component_id: 'net::t', _state: 'running', vpc: '${vpc::t.id}' }),
      ],
    });
    const ernest = await caller.build.export({ id, format: 'ernest' });
    expect(ernest.content).toMatchObject({
      id: 'trpc-env',
      edges: [{ source: 'vpc::t', destination: 'net::t' }],
    });
    const gorch = await caller.build.export({ id, format: 'gorch' });
    expect(gorch.content).toMatchObject({ digraph: [0, 1, 0, 0], nodes: [{ state: 3 }, { state: 2 }] });
    const dot = await caller.build.export({ id, format: 'dot' });
    expect(dot.format).toBe('dot');
    expect(dot.content).toMatch(/digraph/);
    expect(dot.content).toContain('vpc::t');
  });
});

describe('graph router', () => {
  it('validate reports issues and stores nothing', async () => {
    const before = (await h.store.builds.list({ limit: 1000 })).length;
    const ok = await caller.graph.validate({ graph });
    expect(ok).toEqual({
      ok: true,
      format: 'ordo',
      issues: [],
      summary: { name: 'trpc-env', changes: 2, current: 0, edges: 1 },
    });
    const aws = { ...graph, changes: [{ ...graph.changes[0], _provider: 'aws' }], edges: [] };
    const unserved = await caller.graph.validate({ graph: aws });
    expect(unserved.ok).toBe(false);
    expect(unserved.issues.map((i) => i.code)).toEqual(['unserved_provider']);
    expect((await caller.graph.validate({ graph: aws, simulate: true })).ok).toBe(true);
    const junk = await caller.graph.validate({ graph: { what: 1 } });
    expect(junk).toMatchObject({
      ok: false,
      format: null,
      summary: null,
      issues: [{ code: 'unknown_format' }],
    });
    expect((await h.store.builds.list({ limit: 1000 })).length).toBe(before);
  });

  it('save keeps versions in Ordo native; list and get read them', async () => {
    const first = await caller.graph.save({ graph: fixture('gorch.example.json') });
    expect(first).toMatchObject({ name: 'nightly-report', version: 1, issues: [] });
    const second = await caller.graph.save({ graph, name: 'nightly-report' });
    expect(second.version).toBe(2);
    const draft = await caller.graph.save({
      graph: { ...graph, edges: [{ source: 'vpc::t', destination: 'nowhere' }] },
      name: 'draft',
    });
    expect(draft.issues.map((i) => i.code)).toEqual(['unknown_edge_component', 'template_not_ancestor']);
    const { definitions } = await caller.graph.list();
    expect(definitions.map((d) => [d.name, d.version])).toEqual([
      ['draft', 1],
      ['nightly-report', 2],
    ]);
    const latest = await caller.graph.get({ name: 'nightly-report' });
    expect(latest.document).toMatchObject({
      ordo: 1,
      name: 'nightly-report',
      changes: [{ _component_id: 'vpc::t' }, { _component_id: 'net::t' }],
    });
    const v1 = await caller.graph.get({ name: 'nightly-report', version: 1 });
    expect((v1.document.changes as unknown[])[0]).toMatchObject({
      _component_id: 'fetch-config',
      _provider: 'nil',
    });
    expect((await rejection(caller.graph.get({ name: 'nightly-report', version: 9 }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await rejection(caller.graph.save({ graph: { nope: true } }))).code).toBe('BAD_REQUEST');
  });
});

describe('environment router', () => {
  it('list answers environments with their component counts', async () => {
    const { environments } = await caller.environment.list();
    expect(environments).toContainEqual({ name: 'trpc-env', components: 1, lastBuildAt: expect.any(Number) });
  });
});

describe('tRPC over HTTP', () => {
  const endpoint = '/api/trpc';

  it('answers a query, and maps typed errors into the shape (data.issues, data.reason)', async () => {
    const ok = await handleTrpc(new Request('http://localhost/api/trpc/build.list'), h.services, {
      endpoint,
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()).result.data.builds.length).toBeGreaterThan(0);

    const bad = { ...graph, edges: [{ source: 'vpc::t', destination: 'ghost' }] };
    const invalid = await handleTrpc(
      new Request('http://localhost/api/trpc/build.create', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'Ordo-Actor': 'dave' },
        body: JSON.stringify({ graph: bad }),
      }),
      h.services,
      { endpoint },
    );
    expect(invalid.status).toBe(400);
    const body = await invalid.json();
    expect(body.error.data).toMatchObject({
      code: 'BAD_REQUEST',
      ordoCode: 'validation_failed',
      issues: [
        expect.objectContaining({
          code: 'unknown_edge_component',
          ids: ['ghost'],
          path: '$.graph.edges[0].destination',
        }),
      ],
    });

    h.answer = () => ({ ok: false, code: 'not_allowed', reason: 'nothing failed' });
    const id = (await caller.build.list({ environment: 'trpc-env' })).builds[0]?.id;
    expect(id).toBeDefined();
    const conflict = await handleTrpc(
      new Request('http://localhost/api/trpc/build.retry', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id }),
      }),
      h.services,
      { endpoint },
    );
    expect(conflict.status).toBe(409);
    expect((await conflict.json()).error.data).toMatchObject({ code: 'CONFLICT', reason: 'nothing failed' });
  });

  it('refuses a body over the limit with 413 in tRPC’s error shape', async () => {
    const response = await handleTrpc(
      new Request('http://localhost/api/trpc/graph.validate', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ graph: { ...graph, padding: 'x'.repeat(h.services.config.maxBodyBytes) } }),
      }),
      h.services,
      { endpoint },
    );
    expect(response.status).toBe(413);
    expect((await response.json()).error.data).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      ordoCode: 'payload_too_large',
    });
  });

  it('refuses an over-long Ordo-Actor', async () => {
    const response = await handleTrpc(
      new Request('http://localhost/api/trpc/build.list', { headers: { 'Ordo-Actor': 'x'.repeat(201) } }),
      h.services,
      { endpoint },
    );
    expect(response.status).toBe(400);
  });
});
