// The REST routes of cloud state, callbacks and lifecycles against a real nats-server, a real
// SQLite store and a stand-in cloud service (a NATS peer answering on `ordo.cloud.control`).
import { parseAllowlist } from '@ordo/callbacks';
import { type LifecycleDefinition, startLifecycle } from '@ordo/core';
import type { ResourceRecord } from '@ordo/store';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../services/index';
import { type Harness, jsonRequest, lifecycleExample, startHarness } from '../test-harness';
import { handleRest } from './handler';

let h: Harness;
let web: ResourceRecord;
let db: ResourceRecord;
let stopped: ResourceRecord;

beforeAll(async () => {
  h = await startHarness({ controlTimeoutMs: 500 });
  await h.startRunner();
  web = await h.trackInstance('shop', 'instance::web');
  db = await h.trackInstance('shop', 'instance::db');
  stopped = await h.trackInstance('batch', 'instance::worker', 'stopped');
});

afterAll(async () => {
  await h?.close();
});

beforeEach(() => {
  h.cloudAnswer = () => ({ ok: true });
});

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked field by field by the assertions
async function call(request: Request, services = h.services): Promise<{ status: number; body: any }> {
  const response = await handleRest(request, services);
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

describe('GET /api/v1/resources', () => {
  it('lists tracked resources newest first in the contract shape', async () => {
    const { status, body } = await call(jsonRequest('GET', '/api/v1/resources'));
    expect(status).toBe(200);
    expect(body.resources.map((r: { id: string }) => r.id)).toEqual([stopped.id, db.id, web.id]);
    expect(body.resources[2]).toEqual({
      id: web.id,
      provider: 'aws',
      provider_id: web.providerId,
      type: 'instance',
      state: 'running',
      public_ip: '203.0.113.7',
      private_ip: '10.0.0.7',
      key_name: 'ops',
      build: web.buildId,
      environment: 'shop',
      component: 'instance::web',
      pending_action: null,
      state_times: { running: expect.any(String) },
      error: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      last_polled_at: null,
    });
  });

  it('filters by environment, state, provider and type', async () => {
    const ids = async (query: string) =>
      (await call(jsonRequest('GET', `/api/v1/resources?${query}`))).body.resources.map(
        (r: { component: string }) => r.component,
      );
    expect(await ids('environment=shop')).toEqual(['instance::db', 'instance::web']);
    expect(await ids('state=stopped')).toEqual(['instance::worker']);
    expect(await ids('environment=shop&state=stopped')).toEqual([]);
    expect(await ids('provider=aws&type=instance')).toHaveLength(3);
    expect(await ids('provider=gcp')).toEqual([]);
  });

  it('answers 400 naming an unknown state', async () => {
    const { status, body } = await call(jsonRequest('GET', '/api/v1/resources?state=asleep'));
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details[0]).toMatchObject({ path: '$query.state' });
    expect(body.error.details[0].message).toMatch(/running/);
  });
});

describe('GET /api/v1/resources/{id}', () => {
  it('answers the resource with its history, actions, callbacks (no secret) and lifecycle runs', async () => {
    await h.store.resources.update([
      {
        resourceId: web.id,
        patch: { state: 'stopping', pendingAction: 'stop' },
        actor: 'alice',
        reason: 'stop requested',
      },
    ]);
    await h.store.resources.recordAction({
      resourceId: web.id,
      actor: 'alice',
      action: 'stop',
      accepted: true,
    });
    await h.store.resources.recordAction({
      resourceId: web.id,
      actor: 'bob',
      action: 'start',
      accepted: false,
      reason: 'cannot start a resource that is stopping',
    });
    const own = await call(
      jsonRequest('POST', '/api/v1/callbacks', {
        resource: web.id,
        subject: 'hooks.web',
        states: ['stopped'],
      }),
    );
    const shared = await call(
      jsonRequest('POST', '/api/v1/callbacks', { environment: 'shop', subject: 'hooks.shop' }),
    );
    await call(jsonRequest('POST', '/api/v1/callbacks', { environment: 'batch', subject: 'hooks.batch' }));
    const definition = lifecycleExample() as unknown as LifecycleDefinition;
    const { state } = startLifecycle(definition, Date.parse('2026-11-22T10:00:00Z'));
    await h.store.lifecycles.createRun({ resourceId: web.id, type: 'instance', version: 1, state });

    const { status, body } = await call(
      jsonRequest('GET', `/api/v1/resources/${encodeURIComponent(web.id)}`),
    );
    expect(status).toBe(200);
    expect(body.resource).toMatchObject({ id: web.id, state: 'stopping', pending_action: 'stop' });
    expect(body.history).toEqual([
      {
        at: expect.any(String),
        old_state: null,
        new_state: 'running',
        actor: 'build',
        reason: expect.any(String),
      },
      {
        at: expect.any(String),
        old_state: 'running',
        new_state: 'stopping',
        actor: 'alice',
        reason: 'stop requested',
      },
    ]);
    expect(body.actions).toEqual([
      {
        at: expect.any(String),
        actor: 'bob',
        action: 'start',
        accepted: false,
        reason: 'cannot start a resource that is stopping',
      },
      { at: expect.any(String), actor: 'alice', action: 'stop', accepted: true, reason: null },
    ]);
    expect(body.callbacks.map((c: { id: string }) => c.id).sort()).toEqual(
      [own.body.id, shared.body.id].sort(),
    );
    expect(JSON.stringify(body)).not.toContain('whsec_');
    expect(body.callbacks.find((c: { id: string }) => c.id === own.body.id)).toEqual({
      id: own.body.id,
      resource: web.id,
      environment: null,
      url: null,
      subject: 'hooks.web',
      states: ['stopped'],
      actor: 'api',
      created_at: expect.any(String),
    });
    expect(body.lifecycle_runs).toHaveLength(1);
    expect(body.lifecycle_runs[0]).toMatchObject({
      type: 'instance',
      version: 1,
      current: state.current,
      status: state.status,
      history: [],
    });
  });

  it('answers 404 for an unknown resource', async () => {
    const { status, body } = await call(jsonRequest('GET', '/api/v1/resources/nope'));
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'not_found', message: 'no resource "nope"' });
  });
});

describe('POST /api/v1/resources/{id}/actions', () => {
  const path = (id: string) => `/api/v1/resources/${encodeURIComponent(id)}/actions`;

  it('asks the cloud service with who asked, and answers 202 {ok: true}', async () => {
    const before = h.cloudReceived.length;
    const stop = await call(jsonRequest('POST', path(db.id), { action: 'stop' }, { 'Ordo-Actor': 'carol' }));
    expect(stop).toEqual({ status: 202, body: { ok: true } });
    const reboot = await call(jsonRequest('POST', path(db.id), { action: 'reboot' }));
    expect(reboot.status).toBe(202);
    expect(h.cloudReceived.slice(before)).toEqual([
      { kind: 'action', resourceId: db.id, action: 'stop', actor: 'carol' },
      { kind: 'action', resourceId: db.id, action: 'reboot', actor: 'api' },
    ]);
  });

  it('answers 409 with the reason when the state does not allow it', async () => {
    h.cloudAnswer = () => ({
      ok: false,
      code: 'not_allowed',
      reason: 'cannot stop a resource that is stopped; stop is allowed when running',
    });
    const { status, body } = await call(jsonRequest('POST', path(stopped.id), { action: 'stop' }));
    expect(status).toBe(409);
    expect(body.error).toEqual({
      code: 'not_allowed',
      message: 'cannot stop a resource that is stopped; stop is allowed when running',
      details: [],
    });
  });

  it('answers 404 for an unknown resource without asking, and when the cloud service does not know it', async () => {
    const before = h.cloudReceived.length;
    const unknown = await call(jsonRequest('POST', path('ghost'), { action: 'start' }));
    expect(unknown.status).toBe(404);
    expect(h.cloudReceived.length).toBe(before);
    h.cloudAnswer = () => ({ ok: false, code: 'not_found', reason: `no resource ${db.id}` });
    expect((await call(jsonRequest('POST', path(db.id), { action: 'start' }))).status).toBe(404);
  });

  it('answers 400 naming the problem for an unknown action, a missing body or an unknown key', async () => {
    const before = h.cloudReceived.length;
    const wrong = await call(jsonRequest('POST', path(db.id), { action: 'explode' }));
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details[0].path).toBe('$.action');
    expect(wrong.body.error.details[0].message).toMatch(/start.*reboot.*stop.*terminate/);
    expect((await call(jsonRequest('POST', path(db.id)))).status).toBe(400);
    const typo = await call(jsonRequest('POST', path(db.id), { action: 'stop', force: true }));
    expect(typo.status).toBe(400);
    expect(typo.body.error.message).toMatch(/force/);
    expect(h.cloudReceived.length).toBe(before);
  });

  it('answers 503 when no cloud service answers', async () => {
    h.cloudAnswer = () => null;
    const silent = await call(jsonRequest('POST', path(db.id), { action: 'stop' }));
    expect(silent.status).toBe(503);
    expect(silent.body.error.message).toMatch(/no runner answered for resource .* within 500 ms/);
    await h.stopRunner();
    try {
      const none = await call(jsonRequest('POST', path(db.id), { action: 'stop' }));
      expect(none.status).toBe(503);
      expect(none.body.error).toMatchObject({
        code: 'runner_unavailable',
        message: expect.stringMatching(/no runner is running/),
      });
    } finally {
      await h.startRunner();
    }
  });
});

describe('callbacks', () => {
  it('registers a URL callback (201 {id, secret}); the secret is shown once', async () => {
    const allowing = createServices({
      store: h.store,
      bus: async () => h.bus,
      config: { callbackAllowlist: parseAllowlist('127.0.0.1') },
    });
    const { status, body } = await call(
      jsonRequest('POST', '/api/v1/callbacks', {
        resource: db.id,
        url: 'http://127.0.0.1:8080/hook',
        states: ['stopped', 'running', 'stopped'],
      }),
      allowing,
    );
    expect(status).toBe(201);
    expect(Object.keys(body).sort()).toEqual(['id', 'secret']);
    expect(body.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const listed = await call(jsonRequest('GET', `/api/v1/callbacks?resource=${encodeURIComponent(db.id)}`));
    const mine = listed.body.callbacks.find((c: { id: string }) => c.id === body.id);
    expect(mine).toMatchObject({ url: 'http://127.0.0.1:8080/hook', states: ['stopped', 'running'] });
    expect(JSON.stringify(listed.body)).not.toContain(body.secret);
  });

  it('refuses a loopback URL without the allow-list (SSRF guard), naming why; nothing is stored', async () => {
    const before = (await h.store.callbacks.list()).length;
    for (const url of [
      'http://127.0.0.1:9/hook',
      'http://[::1]/x',
      'http://169.254.169.254/latest',
      'http://10.1.2.3/',
    ]) {
      const { status, body } = await call(jsonRequest('POST', '/api/v1/callbacks', { resource: db.id, url }));
      expect(status, url).toBe(400);
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.details).toEqual([
        expect.objectContaining({ code: 'callback_url_refused', path: '$.url' }),
      ]);
      expect(body.error.message).toMatch(/ORDO_CALLBACK_ALLOWLIST/);
    }
    const loopback = await call(
      jsonRequest('POST', '/api/v1/callbacks', { resource: db.id, url: 'http://127.0.0.1:9/' }),
    );
    expect(loopback.body.error.message).toMatch(/loopback/);
    const ftp = await call(
      jsonRequest('POST', '/api/v1/callbacks', { resource: db.id, url: 'ftp://example.com/' }),
    );
    expect(ftp.body.error.message).toMatch(/http or https/);
    expect((await h.store.callbacks.list()).length).toBe(before);
  });

  it('validates the body: one target, one destination, known states, known keys', async () => {
    const before = (await h.store.callbacks.list()).length;
    const cases: Array<[unknown, string, RegExp]> = [
      [{ subject: 'a.b' }, '$', /resource.*environment/],
      [{ resource: db.id, environment: 'shop', subject: 'a.b' }, '$.environment', /not both/],
      [{ resource: db.id }, '$', /url.*subject/],
      [{ resource: db.id, url: 'https://example.com', subject: 'a.b' }, '$.subject', /not both/],
      [{ resource: db.id, subject: 'a.b', states: ['asleep'] }, '$.states[0]', /running/],
      [{ resource: db.id, subject: 'a.b', states: [] }, '$.states', /1/],
      [{ resource: db.id, subject: 'a.b', secret: 'mine' }, '$', /secret/],
    ];
    for (const [input, path, message] of cases) {
      const { status, body } = await call(jsonRequest('POST', '/api/v1/callbacks', input));
      expect(status, JSON.stringify(input)).toBe(400);
      expect(
        body.error.details.map((d: { path: string }) => d.path),
        JSON.stringify(input),
      ).toContain(path);
      expect(body.error.message, JSON.stringify(input)).toMatch(message);
    }
    const reserved = await call(
      jsonRequest('POST', '/api/v1/callbacks', { resource: db.id, subject: 'ordo.events.x' }),
    );
    expect(reserved.status).toBe(400);
    expect(reserved.body.error.details[0]).toMatchObject({
      code: 'callback_subject_refused',
      path: '$.subject',
    });
    const wildcard = await call(
      jsonRequest('POST', '/api/v1/callbacks', { resource: db.id, subject: 'hooks.>' }),
    );
    expect(wildcard.status).toBe(400);
    expect((await h.store.callbacks.list()).length).toBe(before);
  });

  it('answers 404 for an unknown resource or environment', async () => {
    const resource = await call(
      jsonRequest('POST', '/api/v1/callbacks', { resource: 'ghost', subject: 'a.b' }),
    );
    expect(resource.status).toBe(404);
    expect(resource.body.error.message).toBe('no resource "ghost"');
    const environment = await call(
      jsonRequest('POST', '/api/v1/callbacks', { environment: 'nowhere', subject: 'a.b' }),
    );
    expect(environment.status).toBe(404);
    expect(environment.body.error.message).toBe('no environment "nowhere"');
    expect((await call(jsonRequest('GET', '/api/v1/callbacks?environment=nowhere'))).status).toBe(404);
    expect((await call(jsonRequest('GET', '/api/v1/callbacks?resource=ghost'))).status).toBe(404);
  });

  it('lists all callbacks, those of an environment, and those firing for a resource', async () => {
    const env = await call(
      jsonRequest('POST', '/api/v1/callbacks', { environment: 'batch', subject: 'hooks.batch2' }),
    );
    const all = await call(jsonRequest('GET', '/api/v1/callbacks'));
    expect(all.status).toBe(200);
    expect(all.body.callbacks[0].id).toBe(env.body.id);
    const batch = await call(jsonRequest('GET', '/api/v1/callbacks?environment=batch'));
    expect(batch.body.callbacks.every((c: { environment: string }) => c.environment === 'batch')).toBe(true);
    const worker = await call(
      jsonRequest('GET', `/api/v1/callbacks?resource=${encodeURIComponent(stopped.id)}`),
    );
    expect(worker.body.callbacks.map((c: { id: string }) => c.id)).toContain(env.body.id);
  });

  it('lists deliveries, one row per attempt and attempt 0 for a queued one, newest first; DELETE removes', async () => {
    const created = await call(
      jsonRequest('POST', '/api/v1/callbacks', { resource: stopped.id, subject: 'hooks.worker' }),
    );
    const id = created.body.id as string;
    const t = (s: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, s));
    const [first] = await h.store.resources.update(
      [{ resourceId: stopped.id, patch: { state: 'pending', pendingAction: 'start' }, actor: 'dave' }],
      t(0),
    );
    const [second] = await h.store.resources.update(
      [{ resourceId: stopped.id, patch: { state: 'running', pendingAction: null }, actor: 'action' }],
      t(10),
    );
    const firstDelivery = first?.deliveries.find((d) => d.callbackId === id)?.id ?? '';
    expect(second?.deliveries.some((d) => d.callbackId === id)).toBe(true);
    await h.store.callbacks.recordAttempt(firstDelivery, {
      attempt: 1,
      at: t(1),
      httpStatus: 500,
      latencyMs: 12,
      ok: false,
      error: 'HTTP 500',
      status: 'retrying',
      nextAttemptAt: t(3),
    });
    await h.store.callbacks.recordAttempt(firstDelivery, {
      attempt: 2,
      at: t(3),
      httpStatus: 204,
      latencyMs: 8,
      ok: true,
      error: null,
      status: 'delivered',
    });

    const { status, body } = await call(jsonRequest('GET', `/api/v1/callbacks/${id}/deliveries`));
    expect(status).toBe(200);
    expect(
      body.deliveries.map((d: Record<string, unknown>) => [d.attempt, d.status, d.new_state, d.http_status]),
    ).toEqual([
      [0, 'pending', 'running', null],
      [2, 'delivered', 'pending', 204],
      [1, 'retrying', 'pending', 500],
    ]);
    expect(body.deliveries[2]).toEqual({
      delivery: firstDelivery,
      at: t(1).toISOString(),
      old_state: 'stopped',
      new_state: 'pending',
      status: 'retrying',
      attempt: 1,
      error: 'HTTP 500',
      http_status: 500,
      latency_ms: 12,
      next_attempt_at: null,
    });
    expect(body.deliveries[0]).toMatchObject({
      at: t(10).toISOString(),
      next_attempt_at: t(10).toISOString(),
    });

    expect(await call(jsonRequest('DELETE', `/api/v1/callbacks/${id}`))).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect((await call(jsonRequest('GET', `/api/v1/callbacks/${id}/deliveries`))).status).toBe(404);
    expect((await call(jsonRequest('DELETE', `/api/v1/callbacks/${id}`))).status).toBe(404);
  });
});

describe('lifecycles', () => {
  it('stores a definition as the next version of its type (201 {type, version})', async () => {
    const first = await call(
      jsonRequest('POST', '/api/v1/lifecycles', lifecycleExample(), { 'Ordo-Actor': 'erin' }),
    );
    expect(first).toEqual({ status: 201, body: { type: 'instance', version: 1 } });
    const second = await call(jsonRequest('POST', '/api/v1/lifecycles', lifecycleExample()));
    expect(second.body).toEqual({ type: 'instance', version: 2 });
  });

  it('answers 400 validation_failed with every issue and stores nothing', async () => {
    const before = await h.store.lifecycles.versions('instance');
    const bad = lifecycleExample() as { transitions: Array<Record<string, unknown>>; colour?: string };
    bad.colour = 'blue';
    bad.transitions.push({ source: 'launched', dest: 'join_cluster', triggers: [{ name: 'again' }] });
    bad.transitions.push({ source: 'ready', dest: 'retired', triggers: [] });
    const { status, body } = await call(jsonRequest('POST', '/api/v1/lifecycles', bad));
    expect(status).toBe(400);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toMatch(/^the lifecycle definition is invalid: /);
    expect(body.error.details.map((d: { code: string; path: string }) => [d.code, d.path])).toEqual(
      expect.arrayContaining([
        ['unknown_key', '$.colour'],
        ['duplicate_transition', '$.transitions[6]'],
        ['no_triggers', '$.transitions[7].triggers'],
      ]),
    );
    expect(await h.store.lifecycles.versions('instance')).toEqual(before);
    expect((await call(jsonRequest('POST', '/api/v1/lifecycles'))).status).toBe(400);
  });

  it('lists the latest of every type and answers one version', async () => {
    const list = await call(jsonRequest('GET', '/api/v1/lifecycles'));
    expect(list.body).toEqual({
      lifecycles: [{ type: 'instance', version: 2, actor: 'api', created_at: expect.any(String) }],
    });
    const latest = await call(jsonRequest('GET', '/api/v1/lifecycles/instance'));
    expect(latest.body).toMatchObject({ type: 'instance', version: 2, versions: [2, 1] });
    expect(latest.body.definition).toEqual(lifecycleExample());
    const one = await call(jsonRequest('GET', '/api/v1/lifecycles/instance?version=1'));
    expect(one.body).toMatchObject({ version: 1, actor: 'erin' });
    const missing = await call(jsonRequest('GET', '/api/v1/lifecycles/instance?version=9'));
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toMatch(/versions: 2, 1/);
    expect((await call(jsonRequest('GET', '/api/v1/lifecycles/database'))).status).toBe(404);
    expect((await call(jsonRequest('GET', '/api/v1/lifecycles/instance?version=first'))).status).toBe(400);
  });
});
