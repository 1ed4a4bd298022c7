// The OpenAPI document and the REST handler describe the same routes: every route the handler
// serves is in the document and every documented operation is served, with answers whose
// status the document lists and whose body fits the documented schema.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, type Harness, jsonRequest, lifecycleExample, startHarness } from '../test-harness';
import { handleRest, matchRoute } from './handler';
import { openApiDocument, REST_ROUTES } from './routes';

/** The REST contract of design.md ("REST API (v1)") that this package implements. */
const CONTRACT = [
  'POST /api/v1/builds',
  'GET /api/v1/builds',
  'GET /api/v1/builds/{id}',
  'GET /api/v1/builds/{id}/events',
  'POST /api/v1/builds/{id}/retry',
  'POST /api/v1/builds/{id}/cancel',
  'POST /api/v1/builds/{id}/skip',
  'POST /api/v1/builds/{id}/approve',
  'GET /api/v1/resources',
  'GET /api/v1/resources/{id}',
  'POST /api/v1/resources/{id}/actions',
  'POST /api/v1/callbacks',
  'GET /api/v1/callbacks',
  'DELETE /api/v1/callbacks/{id}',
  'GET /api/v1/callbacks/{id}/deliveries',
  'POST /api/v1/lifecycles',
  'GET /api/v1/lifecycles',
  'GET /api/v1/lifecycles/{type}',
  'GET /api/openapi.json',
  'POST /v1/tasks',
  'GET /v1/tasks',
  'GET /v1/tasks/{id}',
  'DELETE /v1/tasks/{id}',
];

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

function documented(): string[] {
  const doc = openApiDocument();
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists exactly the routes the handler serves, and the contract', () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe('3.1.0');
    const served = REST_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(served).size).toBe(served.length);
    expect([...documented()].sort()).toEqual([...served].sort());
    expect([...documented()].sort()).toEqual([...CONTRACT].sort());
  });

  it('routes every documented operation, and nothing else, to a handler', () => {
    for (const op of documented()) {
      const [method, template] = op.split(' ') as [string, string];
      const path = template.replace(/\{[^}]+\}/g, 'some-id');
      expect(matchRoute(method, path).route, op).toBeDefined();
      expect(matchRoute(method, `${path}/`).route, `${op} with a trailing slash`).toBeDefined();
    }
    for (const [method, path] of [
      ['PUT', '/api/v1/resources'],
      ['GET', '/api/v1/resources/x/actions'],
      ['PUT', '/api/v1/callbacks/x'],
      ['PUT', '/api/v1/builds'],
      ['GET', '/api/v1/builds/x/retry'],
      ['POST', '/api/v1/builds/x/y/events'],
      ['GET', '/v1/tasks/x/y'],
    ] as const) {
      expect(matchRoute(method, path).route, `${method} ${path}`).toBeUndefined();
    }
  });

  it('documents parameters, bodies and the error shape', () => {
    // biome-ignore lint/suspicious/noExplicitAny: a JSON document, checked field by field below
    type Json = any;
    const doc = openApiDocument() as unknown as {
      paths: Record<string, Record<string, Json>>;
      components: { schemas: Record<string, Json> };
    };
    const create = doc.paths['/api/v1/builds']?.post;
    expect(Object.keys(create.responses)).toEqual(['202', '400', '413', '500']);
    expect(create.requestBody.required).toBe(true);
    expect(create.requestBody.content['application/json'].schema.anyOf).toHaveLength(4);
    const events = doc.paths['/api/v1/builds/{id}/events']?.get;
    expect(
      events.parameters.map((p: { name: string; in: string; required: boolean }) => [
        p.name,
        p.in,
        p.required,
      ]),
    ).toEqual([
      ['id', 'path', true],
      ['since', 'query', false],
      ['limit', 'query', false],
    ]);
    expect(doc.paths['/api/v1/builds/{id}/skip']?.post.requestBody.required).toBe(true);
    expect(doc.paths['/api/v1/builds/{id}/retry']?.post.requestBody.required).toBe(false);
    const error = doc.components.schemas.Error;
    expect(error.properties.error.required).toEqual(['code', 'message', 'details']);
    expect(error.properties.error.properties.details.items.required).toEqual([
      'code',
      'message',
      'ids',
      'path',
    ]);
    expect(create.responses['400'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
  });

  it('documents the cloud routes: statuses, parameters and bodies', () => {
    // biome-ignore lint/suspicious/noExplicitAny: a JSON document, checked field by field below
    const paths = openApiDocument().paths as Record<string, Record<string, any>>;
    const callback = paths['/api/v1/callbacks']?.post;
    expect(Object.keys(callback.responses)).toEqual(['201', '400', '404', '413', '500']);
    const body = callback.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(['resource', 'environment', 'url', 'subject', 'states']);
    expect(body.properties.states.items.enum).toContain('stopped');
    expect(body.additionalProperties).toBe(false);
    const action = paths['/api/v1/resources/{id}/actions']?.post;
    expect(Object.keys(action.responses)).toEqual(['202', '400', '404', '409', '413', '500', '503']);
    expect(action.requestBody.content['application/json'].schema.properties.action.enum).toEqual([
      'start',
      'reboot',
      'stop',
      'terminate',
    ]);
    const list = paths['/api/v1/resources']?.get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual([
      'environment',
      'state',
      'provider',
      'type',
    ]);
    const lifecycle = paths['/api/v1/lifecycles/{type}']?.get;
    expect(lifecycle.parameters.map((p: { name: string; in: string }) => [p.name, p.in])).toEqual([
      ['type', 'path'],
      ['version', 'query'],
    ]);
    const deliveries = paths['/api/v1/callbacks/{id}/deliveries']?.get;
    const row = deliveries.responses['200'].content['application/json'].schema.properties.deliveries.items;
    expect(row.required).toEqual(
      expect.arrayContaining([
        'at',
        'old_state',
        'new_state',
        'status',
        'attempt',
        'error',
        'http_status',
        'latency_ms',
      ]),
    );
    expect(
      paths['/api/v1/lifecycles']?.post.requestBody.content['application/json'].schema.properties,
    ).toHaveProperty('transitions');
  });
});

describe('answers match the document', () => {
  let h: Harness;
  let id: string;
  let resourceId: string;
  let callbackId: string;

  beforeAll(async () => {
    h = await startHarness({ controlTimeoutMs: 500 });
    await h.startRunner();
    const response = await handleRest(
      jsonRequest('POST', '/api/v1/builds', fixture('gorch.example.json')),
      h.services,
    );
    ({ id } = (await response.json()) as { id: string });
    ({ id: resourceId } = await h.trackInstance('documented', 'instance::doc'));
    ({ id: callbackId } = await h.services.callbacks.create(
      { resource: resourceId, subject: 'hooks.doc' },
      'test',
    ));
    await h.services.lifecycles.save(lifecycleExample(), 'test');
  });

  afterAll(async () => {
    await h?.close();
  });

  const bodies: Record<string, unknown> = {
    'POST /api/v1/builds': fixture('ernest-mapping.example.json'),
    'POST /v1/tasks': fixture('gorch.example.json'),
    'POST /api/v1/builds/{id}/skip': { component: 'join' },
    'POST /api/v1/builds/{id}/approve': { component: 'join' },
    'POST /api/v1/resources/{id}/actions': { action: 'stop' },
    'POST /api/v1/callbacks': { environment: 'documented', subject: 'hooks.env' },
    'POST /api/v1/lifecycles': lifecycleExample(),
  };

  /** `{id}` of the route's kind of thing; `{type}` a lifecycle type. */
  function concrete(path: string): string {
    const value = path.startsWith('/api/v1/resources/')
      ? resourceId
      : path.startsWith('/api/v1/callbacks/')
        ? callbackId
        : id;
    return path.replace('{id}', encodeURIComponent(value)).replace('{type}', 'instance');
  }

  it('every documented operation answers a documented status, its success body fitting the schema', async () => {
    const doc = openApiDocument();
    // the callback is deleted last: its deliveries are read before
    const routes = [...REST_ROUTES].sort(
      (a, b) => Number(a.operationId === 'deleteCallback') - Number(b.operationId === 'deleteCallback'),
    );
    for (const route of routes) {
      const op = `${route.method} ${route.path}`;
      const path = concrete(route.path);
      const response = await handleRest(jsonRequest(route.method, path, bodies[op]), h.services);
      const statuses = Object.keys(doc.paths[route.path]?.[route.method.toLowerCase()]?.responses ?? {});
      expect(statuses, op).toContain(String(response.status));
      expect(response.status, op).toBe(route.success.status);
      const parsed = route.success.schema.safeParse(await response.json());
      expect(parsed.success, `${op}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('documented error answers have the error shape', async () => {
    const response = await handleRest(jsonRequest('GET', '/api/v1/builds/unknown'), h.services);
    expect(response.status).toBe(404);
    const body = await response.json();
    const { errorBodySchema } = await import('./schemas');
    expect(errorBodySchema.safeParse(body).success).toBe(true);
  });
});

describe('Next.js mounts', () => {
  // apps/web mounts handleRest; every documented path must reach a route file exporting its method.
  const app = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../apps/web/src/app');
  const mounts: Array<[RegExp, string]> = [
    [/^\/api\/openapi\.json$/, 'api/openapi.json/route.ts'],
    [/^\/api\/v1\//, 'api/v1/[...path]/route.ts'],
    [/^\/v1\/tasks$/, 'v1/tasks/route.ts'],
    [/^\/v1\/tasks\/\{id\}$/, 'v1/tasks/[id]/route.ts'],
  ];

  it('a route file exports every documented method', () => {
    for (const op of documented()) {
      const [method, path] = op.split(' ') as [string, string];
      const file = mounts.find(([pattern]) => pattern.test(path))?.[1];
      expect(file, op).toBeDefined();
      const source = readFileSync(resolve(app, file as string), 'utf8');
      expect(source, `${file} exports ${method}`).toMatch(
        new RegExp(`export (async function|const|function) ${method}\\b|export \\{[^}]*\\b${method}\\b`),
      );
    }
  });
});
