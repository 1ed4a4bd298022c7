// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Ordo templates, not JavaScript ones
// The REST v1 contract against a real nats-server, a real SQLite store and a stand-in runner
// (a NATS peer answering on `ordo.control.>`).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, fixture, type Harness, jsonRequest, startHarness } from '../test-harness';
import { handleRest } from './handler';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ controlTimeoutMs: 500 });
  await h.startRunner();
});

afterAll(async () => {
  await h?.close();
});

beforeEach(() => {
  h.answer = () => ({ ok: true });
});

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked field by field by the assertions
async function call(request: Request): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await handleRest(request, h.services);
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : JSON.parse(text),
    headers: response.headers,
  };
}

/** A graph in the Ordo native format on the `sim` provider. */
function simGraph(name: string, extra: Record<string, unknown> = {}) {
  return {
    ordo: 1,
    name,
    components: [],
    changes: [
      {
        _component_id: 'vpc::a',
        _component: 'vpc',
        _action: 'create',
        _provider: 'sim',
        cidr: '10.0.0.0/16',
      },
      {
        _component_id: 'net::a',
        _component: 'network',
        _action: 'create',
        _provider: 'sim',
        vpc: '${vpc::a.id}',
      },
    ],
    edges: [{ source: 'vpc::a', destination: 'net::a' }],
    ...extra,
  };
}

async function createdFor(id: string) {
  return eventually(() =>
    h.received.find((r) => r.buildId === id && r.command.kind === 'created') ? true : undefined,
  );
}

describe('POST /api/v1/builds', () => {
  it('accepts an Ernest mapping: 202 {id}, stored pending, `created` published', async () => {
    const mapping = fixture('ernest-mapping.example.json');
    const { status, body } = await call(
      jsonRequest('POST', '/api/v1/builds', mapping, { 'Ordo-Actor': 'alice' }),
    );
    expect(status).toBe(202);
    expect(Object.keys(body)).toEqual(['id']);
    const snapshot = await h.store.builds.snapshot(body.id);
    expect(snapshot?.status).toBe('pending');
    expect(snapshot?.environment).toBe('shop-staging');
    expect(snapshot?.components.map((c) => c.id)).toContain('elb::shop');
    expect(snapshot?.components.length).toBe((mapping.changes as unknown[]).length);
    await createdFor(body.id);
  });

  it('accepts a gorch task, the environment being its name', async () => {
    const { status, body } = await call(jsonRequest('POST', '/api/v1/builds', fixture('gorch.example.json')));
    expect(status).toBe(202);
    const snapshot = await h.store.builds.snapshot(body.id);
    expect(snapshot?.environment).toBe('nightly-report');
    expect(snapshot?.components.map((c) => [c.id, c.provider])).toEqual([
      ['fetch-config', 'nil'],
      ['export-orders', 'sleep'],
      ['export-customers', 'sleep'],
      ['join', 'shell'],
      ['publish', 'nil'],
    ]);
    expect(snapshot?.edges).toContainEqual({ source: 'fetch-config', destination: 'export-orders' });
    await createdFor(body.id);
  });

  it('accepts an Ordo native graph', async () => {
    const { status, body } = await call(jsonRequest('POST', '/api/v1/builds', simGraph('native-env')));
    expect(status).toBe(202);
    expect((await h.store.builds.snapshot(body.id))?.environment).toBe('native-env');
  });

  it('accepts a wrapped graph with its options', async () => {
    const graph = {
      ...simGraph('ignored'),
      changes: [{ _component_id: 'vm::x', _component: 'instance', _action: 'create', _provider: 'aws' }],
      edges: [],
    };
    const { status, body } = await call(
      jsonRequest('POST', '/api/v1/builds', {
        graph,
        environment: 'rehearsal',
        simulate: true,
        policy: 'continue',
        concurrency: 2,
      }),
    );
    expect(status).toBe(202);
    const snapshot = await h.store.builds.snapshot(body.id);
    expect(snapshot).toMatchObject({
      environment: 'rehearsal',
      simulate: true,
      policy: 'continue',
      concurrency: { build: 2 },
    });
  });

  it('refuses a provider no executor serves unless simulating', async () => {
    const graph = {
      ...simGraph('unserved'),
      changes: [{ _component_id: 'vm::x', _component: 'instance', _action: 'create', _provider: 'aws' }],
      edges: [],
    };
    const { status, body } = await call(jsonRequest('POST', '/api/v1/builds', graph));
    expect(status).toBe(400);
    expect(body.error.details).toEqual([
      expect.objectContaining({ code: 'unserved_provider', ids: ['vm::x'], path: '$.changes[0]._provider' }),
    ]);
  });

  it('validates against the environment’s stored components (an edge from one is satisfied)', async () => {
    // complete a build of env "shared" so that vpc::a is in its current state
    const first = await call(jsonRequest('POST', '/api/v1/builds', simGraph('shared')));
    await h.play(first.body.id, [
      { kind: 'start' },
      { kind: 'result', componentId: 'vpc::a', attempt: 1, status: 'done', payload: { id: 'vpc-1' } },
      { kind: 'result', componentId: 'net::a', attempt: 1, status: 'done', payload: { id: 'net-1' } },
    ]);
    expect((await h.store.environments.current('shared')).map((r) => r._component_id)).toEqual([
      'vpc::a',
      'net::a',
    ]);
    const second = {
      ordo: 1,
      name: 'shared',
      changes: [
        {
          _component_id: 'fw::a',
          _component: 'firewall',
          _action: 'create',
          _provider: 'sim',
          vpc: '${vpc::a.id}',
        },
      ],
      edges: [{ source: 'vpc::a', destination: 'fw::a' }],
    };
    const accepted = await call(jsonRequest('POST', '/api/v1/builds', second));
    expect(accepted.status).toBe(202);
    // the same graph for an environment that has no vpc::a: dangling edge and template
    const refused = await call(
      jsonRequest('POST', '/api/v1/builds', { graph: second, environment: 'empty-env' }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.map((d: { code: string; path: string }) => [d.code, d.path])).toEqual(
      expect.arrayContaining([['unknown_edge_component', expect.stringMatching(/^\$\.graph\.edges\[0\]/)]]),
    );
  });

  it('answers 400 validation_failed with every issue (cycle and dangling edge) and stores nothing', async () => {
    const before = await h.store.builds.list({ limit: 1000 });
    const graph = simGraph('broken', {
      edges: [
        { source: 'vpc::a', destination: 'net::a' },
        { source: 'net::a', destination: 'vpc::a' },
        { source: 'vpc::a', destination: 'ghost::z' },
      ],
    });
    const { status, body } = await call(jsonRequest('POST', '/api/v1/builds', graph));
    expect(status).toBe(400);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toMatch(/invalid/);
    const details = body.error.details as Array<{
      code: string;
      message: string;
      ids: string[];
      path: string;
    }>;
    const cycle = details.find((d) => d.code === 'cycle');
    expect(cycle).toMatchObject({
      ids: expect.arrayContaining(['vpc::a', 'net::a']),
      path: expect.stringMatching(/^\$\.edges\[[01]\]$/),
    });
    expect(cycle?.message).toMatch(/vpc::a/);
    const dangling = details.find((d) => d.code === 'unknown_edge_component');
    expect(dangling).toMatchObject({
      ids: expect.arrayContaining(['ghost::z']),
      path: expect.stringMatching(/^\$\.edges\[2\]/),
    });
    for (const d of details) expect(Object.keys(d).sort()).toEqual(['code', 'ids', 'message', 'path']);
    expect(await h.store.builds.list({ limit: 1000 })).toHaveLength(before.length);
    expect(await h.store.environments.list()).not.toContainEqual(expect.objectContaining({ name: 'broken' }));
  });

  it('answers 400 for a body that is no graph, naming the format problem', async () => {
    const { status, body } = await call(jsonRequest('POST', '/api/v1/builds', { hello: 'world' }));
    expect(status).toBe(400);
    expect(body.error.details[0]).toMatchObject({ code: 'unknown_format', path: '$' });
  });

  it('answers 400 invalid_request for a malformed wrapper (unknown key, bad policy)', async () => {
    const { status, body } = await call(
      jsonRequest('POST', '/api/v1/builds', { graph: simGraph('w'), policy: 'sometimes', simulated: true }),
    );
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['$.policy']),
    );
  });

  it('answers 400 invalid_json naming the parse error', async () => {
    const { status, body } = await call(jsonRequest('POST', '/api/v1/builds', '{"ordo": 1, "name": '));
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_json');
    expect(body.error.message).toMatch(/not valid JSON: .*(JSON|Unexpected|end)/i);
    expect(body.error.details).toEqual([]);
  });

  it('answers 400 for an empty body', async () => {
    const { status, body } = await call(jsonRequest('POST', '/api/v1/builds'));
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_request');
  });

  it('answers 413 for a 6 MiB body (declared length) and stores nothing', async () => {
    const before = (await h.store.builds.list({ limit: 1000 })).length;
    const big = JSON.stringify({ ...simGraph('big'), padding: 'x'.repeat(6 * 1024 * 1024) });
    const { status, body } = await call(jsonRequest('POST', '/api/v1/builds', big));
    expect(status).toBe(413);
    expect(body.error.code).toBe('payload_too_large');
    expect((await h.store.builds.list({ limit: 1000 })).length).toBe(before);
  });

  it('answers 413 for a chunked 6 MiB body without a length, counting bytes while reading', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0)
          controller.enqueue(new TextEncoder().encode('{"ordo":1,"name":"chunked","padding":"'));
        controller.enqueue(chunk);
        sent += chunk.byteLength;
        if (sent >= 6 * 1024 * 1024) {
          controller.enqueue(new TextEncoder().encode('"}'));
          controller.close();
        }
      },
    });
    const request = new Request('http://localhost/api/v1/builds', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(request.headers.get('content-length')).toBeNull();
    const { status, body } = await call(request);
    expect(status).toBe(413);
    expect(body.error.code).toBe('payload_too_large');
    expect(sent).toBeLessThan(6 * 1024 * 1024); // reading stopped at the limit
  });

  it('answers 400 for an Ordo-Actor over 200 characters', async () => {
    const { status, body } = await call(
      jsonRequest('POST', '/api/v1/builds', simGraph('actor'), { 'Ordo-Actor': 'a'.repeat(201) }),
    );
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_request');
  });
});

describe('reading builds', () => {
  let id: string;

  beforeAll(async () => {
    const { body } = await call(jsonRequest('POST', '/api/v1/builds', simGraph('reads')));
    id = body.id;
    await h.play(id, [
      { kind: 'start' },
      { kind: 'result', componentId: 'vpc::a', attempt: 1, status: 'done', payload: { id: 'vpc-42' } },
      {
        kind: 'result',
        componentId: 'net::a',
        attempt: 1,
        status: 'error',
        payload: { error: 'quota exceeded' },
      },
    ]);
  });

  it('GET /api/v1/builds lists builds newest first, filtered by environment and state', async () => {
    const all = await call(jsonRequest('GET', '/api/v1/builds'));
    expect(all.status).toBe(200);
    expect(all.body.builds[0]).toEqual({
      id: expect.any(String),
      environment: expect.any(String),
      state: expect.any(String),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      finished_at: expect.toSatisfy((v: unknown) => v === null || typeof v === 'string'),
    });
    const mine = await call(jsonRequest('GET', '/api/v1/builds?environment=reads&state=errored,running'));
    expect(mine.body.builds).toEqual([
      {
        id,
        environment: 'reads',
        state: 'errored',
        created_at: expect.any(String),
        finished_at: expect.any(String),
      },
    ]);
    const none = await call(jsonRequest('GET', '/api/v1/builds?environment=reads&state=completed'));
    expect(none.body.builds).toEqual([]);
    const bad = await call(jsonRequest('GET', '/api/v1/builds?state=sleeping&limit=0'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      '$query.limit',
      '$query.state',
    ]);
  });

  it('GET /api/v1/builds/{id} answers the build with components and edges', async () => {
    const { status, body } = await call(jsonRequest('GET', `/api/v1/builds/${id}`));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id,
      environment: 'reads',
      state: 'errored',
      finished_at: expect.any(String),
    });
    expect(body.components).toEqual([
      {
        _component_id: 'vpc::a',
        _component: 'vpc',
        _action: 'create',
        _provider: 'sim',
        _state: 'completed',
        attempts: 1,
        error: null,
        id: 'vpc-42',
      },
      {
        _component_id: 'net::a',
        _component: 'network',
        _action: 'create',
        _provider: 'sim',
        _state: 'errored',
        attempts: 1,
        error: 'quota exceeded',
      },
    ]);
    expect(body.edges).toEqual([{ source: 'vpc::a', destination: 'net::a' }]);
  });

  it('GET …/events?since=N answers the events after N', async () => {
    const all = await call(jsonRequest('GET', `/api/v1/builds/${id}/events`));
    expect(all.status).toBe(200);
    const events = all.body.events as Array<Record<string, unknown>>;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toEqual({
      seq: 1,
      at: expect.stringMatching(/Z$/),
      type: 'build_state',
      component_id: null,
      state: 'running',
      message: null,
      attempt: null,
      actor: null,
      action: null,
    });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'component_state',
        component_id: 'net::a',
        state: 'errored',
        attempt: 1,
      }),
    );
    const later = await call(jsonRequest('GET', `/api/v1/builds/${id}/events?since=2&limit=1`));
    expect(later.body.events.map((e: { seq: number }) => e.seq)).toEqual([3]);
    const past = await call(jsonRequest('GET', `/api/v1/builds/${id}/events?since=10000`));
    expect(past.body.events).toEqual([]);
  });

  it('answers 404 not_found for an unknown build', async () => {
    for (const path of ['/api/v1/builds/nope', '/api/v1/builds/nope/events', '/v1/tasks/nope']) {
      const { status, body } = await call(jsonRequest('GET', path));
      expect(status, path).toBe(404);
      expect(body.error).toEqual({
        code: 'not_found',
        message: expect.stringContaining('nope'),
        details: [],
      });
    }
    const action = await call(jsonRequest('POST', '/api/v1/builds/nope/retry'));
    expect(action.status).toBe(404);
  });
});

describe('operator actions', () => {
  let id: string;

  beforeAll(async () => {
    const { body } = await call(jsonRequest('POST', '/api/v1/builds', simGraph('actions')));
    id = body.id;
  });

  it('sends the action to the runner and answers 202 {ok: true}', async () => {
    const retry = await call(
      jsonRequest('POST', `/api/v1/builds/${id}/retry`, undefined, { 'Ordo-Actor': 'bob' }),
    );
    expect(retry).toMatchObject({ status: 202, body: { ok: true } });
    const cancel = await call(jsonRequest('POST', `/api/v1/builds/${id}/cancel`, { component: 'net::a' }));
    expect(cancel).toMatchObject({ status: 202, body: { ok: true } });
    const skip = await call(jsonRequest('POST', `/api/v1/builds/${id}/skip`, { component: 'vpc::a' }));
    expect(skip.status).toBe(202);
    const approve = await call(jsonRequest('POST', `/api/v1/builds/${id}/approve`, { component: 'vpc::a' }));
    expect(approve.status).toBe(202);
    const actions = h.received
      .filter((r) => r.buildId === id && r.command.kind === 'action')
      .map((r) => r.command);
    expect(actions).toEqual([
      { kind: 'action', action: 'retry', actor: 'bob' },
      { kind: 'action', action: 'cancel', componentId: 'net::a', actor: 'api' },
      { kind: 'action', action: 'skip', componentId: 'vpc::a', actor: 'api' },
      { kind: 'action', action: 'approve', componentId: 'vpc::a', actor: 'api' },
    ]);
  });

  it('answers 409 with the runner’s reason when it refuses', async () => {
    h.answer = () => ({
      ok: false,
      code: 'not_allowed',
      reason: 'component "vpc::a" is completed, not failed',
    });
    const { status, body } = await call(
      jsonRequest('POST', `/api/v1/builds/${id}/retry`, { component: 'vpc::a' }),
    );
    expect(status).toBe(409);
    expect(body.error).toEqual({
      code: 'not_allowed',
      message: 'component "vpc::a" is completed, not failed',
      details: [],
    });
  });

  it('answers 404 when the runner does not know the component', async () => {
    h.answer = () => ({ ok: false, code: 'not_found', reason: 'no component "ghost" in build' });
    const { status, body } = await call(
      jsonRequest('POST', `/api/v1/builds/${id}/skip`, { component: 'ghost' }),
    );
    expect(status).toBe(404);
    expect(body.error.message).toMatch(/ghost/);
  });

  it('answers 400 when skip or approve names no component', async () => {
    for (const action of ['skip', 'approve']) {
      const { status, body } = await call(jsonRequest('POST', `/api/v1/builds/${id}/${action}`));
      expect(status).toBe(400);
      expect(body.error.code).toBe('invalid_request');
    }
    const typo = await call(jsonRequest('POST', `/api/v1/builds/${id}/cancel`, { componentId: 'x' }));
    expect(typo.status).toBe(400);
  });

  it('answers 503 runner_unavailable when no runner answers', async () => {
    await h.stopRunner();
    try {
      const { status, body } = await call(jsonRequest('POST', `/api/v1/builds/${id}/cancel`));
      expect(status).toBe(503);
      expect(body.error.code).toBe('runner_unavailable');
      expect(body.error.message).toMatch(/no runner is running/);
    } finally {
      await h.startRunner();
    }
  });

  it('answers 503 when the runner stays silent past the time limit', async () => {
    h.answer = () => null;
    const start = Date.now();
    const { status, body } = await call(jsonRequest('POST', `/api/v1/builds/${id}/cancel`));
    expect(status).toBe(503);
    expect(body.error.message).toMatch(/no runner answered .* within 500 ms/);
    expect(Date.now() - start).toBeGreaterThanOrEqual(400);
  });
});

describe('routing', () => {
  it('answers 404 for an unknown route and 405 (with Allow) for a wrong method', async () => {
    const unknown = await call(jsonRequest('GET', '/api/v1/nothing'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const wrong = await call(jsonRequest('DELETE', '/api/v1/builds'));
    expect(wrong.status).toBe(405);
    expect(wrong.body.error.code).toBe('method_not_allowed');
    expect(wrong.headers.get('allow')).toBe('POST, GET');
    const put = await call(jsonRequest('PUT', '/v1/tasks/abc'));
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, DELETE');
  });
});

describe('gorchestrator-compatible /v1/tasks', () => {
  it('round trip: POST, GET list, GET one with node states, DELETE cancels', async () => {
    const gorch = fixture('gorch.example.json');
    const created = await call(jsonRequest('POST', '/v1/tasks', gorch));
    expect(created.status).toBe(202);
    expect(Object.keys(created.body)).toEqual(['id']);
    const { id } = created.body as { id: string };
    await createdFor(id);

    await h.play(id, [
      { kind: 'start' },
      { kind: 'result', componentId: 'fetch-config', attempt: 1, status: 'done', payload: {} },
      {
        kind: 'result',
        componentId: 'export-orders',
        attempt: 1,
        status: 'error',
        payload: { error: 'boom' },
      },
    ]);

    const list = await call(jsonRequest('GET', '/v1/tasks'));
    expect(list.status).toBe(200);
    expect(list.body.tasks).toContainEqual({
      id,
      name: 'nightly-report',
      state: expect.stringMatching(/^(Running|Failure)$/),
      start_date: expect.any(String),
      stop_date: expect.toSatisfy((v: unknown) => v === null || typeof v === 'string'),
    });

    const task = await call(jsonRequest('GET', `/v1/tasks/${id}`));
    expect(task.status).toBe(200);
    expect(task.body.name).toBe('nightly-report');
    expect(task.body.digraph).toEqual(gorch.digraph);
    const states = Object.fromEntries(
      (task.body.nodes as Array<{ name: string; state: number }>).map((n) => [n.name, n.state]),
    );
    expect(states).toEqual({
      'fetch-config': 3,
      'export-orders': 4,
      'export-customers': 2,
      join: 0,
      publish: 0,
    });
    expect((task.body.nodes as Array<Record<string, unknown>>)[3]).toMatchObject({
      id: 3,
      engine: 'shell',
      artifact: 'echo',
      args: ['joined'],
    });

    const cancel = await call(
      jsonRequest('DELETE', `/v1/tasks/${id}`, undefined, { 'Ordo-Actor': 'gorch-client' }),
    );
    expect(cancel).toMatchObject({ status: 200, body: { ok: true } });
    expect(
      h.received.filter((r) => r.buildId === id && r.command.kind === 'action').map((r) => r.command),
    ).toEqual([{ kind: 'action', action: 'cancel', actor: 'gorch-client' }]);
  });

  it('reads the body as gorch only', async () => {
    const { status, body } = await call(jsonRequest('POST', '/v1/tasks', simGraph('not-gorch')));
    expect(status).toBe(400);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['$.digraph']),
    );
  });
});
