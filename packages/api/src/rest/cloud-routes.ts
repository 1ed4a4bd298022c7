// REST v1 routes of cloud state, callbacks and lifecycles (design.md "REST API (v1)"), part of
// the one route table (routes.ts) that the handler dispatches on and the OpenAPI document
// describes.
import { z } from 'zod';
import {
  callbackCreatedSchema,
  callbackIdSchema,
  callbackListFilterSchema,
  callbackListSchema,
  callbackView,
  createCallbackBodySchema,
  deletedSchema,
  deliveryListSchema,
  lifecycleBodyDocSchema,
  lifecycleGetQuerySchema,
  lifecycleListSchema,
  lifecycleSavedSchema,
  lifecycleSummary,
  lifecycleTypeSchema,
  lifecycleViewSchema,
  resourceActionBodySchema,
  resourceDetailSchema,
  resourceIdSchema,
  resourceListFilterSchema,
  resourceListSchema,
  resourceView,
} from '../schemas/cloud';
import { defineRoute, type RestRoute } from './route';
import { actionAcceptedSchema } from './schemas';

const resourceParams = z.object({ id: resourceIdSchema });
const callbackParams = z.object({ id: callbackIdSchema });
const lifecycleParams = z.object({ type: lifecycleTypeSchema });

const listResources = defineRoute({
  method: 'GET',
  path: '/api/v1/resources',
  operationId: 'listResources',
  summary: 'Tracked cloud resources, newest first',
  description: 'Every resource a build made that has a cloud id (a `*_id` output, or type `instance`).',
  tags: ['resources'],
  query: resourceListFilterSchema,
  success: { status: 200, description: 'resources', schema: resourceListSchema },
  errors: [400],
  handle: async ({ query, services }) => ({
    status: 200,
    body: { resources: (await services.resources.list(query)).map(resourceView) },
  }),
});

const getResource = defineRoute({
  method: 'GET',
  path: '/api/v1/resources/{id}',
  operationId: 'getResource',
  summary: 'A resource with its state history, actions, callbacks and lifecycle runs',
  tags: ['resources'],
  params: resourceParams,
  success: { status: 200, description: 'the resource', schema: resourceDetailSchema },
  errors: [400, 404],
  handle: async ({ params, services }) => ({ status: 200, body: await services.resources.detail(params.id) }),
});

const actOnResource = defineRoute({
  method: 'POST',
  path: '/api/v1/resources/{id}/actions',
  operationId: 'actOnResource',
  summary: 'Start, reboot, stop or terminate a resource',
  description:
    'Asks the runner, which records the action with who asked (`Ordo-Actor`). 409 `not_allowed` with ' +
    'the reason when the state does not allow it, 503 `runner_unavailable` when no runner answers within 5 s.',
  tags: ['resources'],
  params: resourceParams,
  body: { schema: resourceActionBodySchema, required: true },
  success: { status: 202, description: 'accepted by the runner', schema: actionAcceptedSchema },
  errors: [400, 404, 409, 413, 503],
  handle: async ({ params, body, actor, services }) => ({
    status: 202,
    body: await services.resources.action(params.id, body.action, actor),
  }),
});

const createCallback = defineRoute({
  method: 'POST',
  path: '/api/v1/callbacks',
  operationId: 'createCallback',
  summary: 'Register a callback for a resource or an environment',
  description:
    'Each state change is POSTed to the URL, signed (`Ordo-Timestamp`, `Ordo-Signature: sha256=<hex ' +
    'HMAC-SHA256 of "<timestamp>.<body>">`), or published on the NATS subject. The answer holds the ' +
    'secret of the signature; it is not shown again. 400 when the URL reaches a loopback or private ' +
    'address that ORDO_CALLBACK_ALLOWLIST does not allow; 404 for an unknown resource or environment.',
  tags: ['callbacks'],
  body: { schema: createCallbackBodySchema, required: true },
  success: { status: 201, description: 'registered', schema: callbackCreatedSchema },
  errors: [400, 404, 413],
  handle: async ({ body, actor, services }) => ({
    status: 201,
    body: await services.callbacks.create(body, actor),
  }),
});

const listCallbacks = defineRoute({
  method: 'GET',
  path: '/api/v1/callbacks',
  operationId: 'listCallbacks',
  summary: 'Callbacks, newest first (never their secrets)',
  description: '`?resource=` lists those that fire for the resource: its own and its environment’s.',
  tags: ['callbacks'],
  query: callbackListFilterSchema,
  success: { status: 200, description: 'callbacks', schema: callbackListSchema },
  errors: [400, 404],
  handle: async ({ query, services }) => ({
    status: 200,
    body: { callbacks: (await services.callbacks.list(query)).map(callbackView) },
  }),
});

const listDeliveries = defineRoute({
  method: 'GET',
  path: '/api/v1/callbacks/{id}/deliveries',
  operationId: 'listCallbackDeliveries',
  summary: "A callback's delivery attempts, newest first",
  description: 'One row per attempt, and a row with attempt 0 for a delivery not attempted yet.',
  tags: ['callbacks'],
  params: callbackParams,
  success: { status: 200, description: 'deliveries', schema: deliveryListSchema },
  errors: [400, 404],
  handle: async ({ params, services }) => ({
    status: 200,
    body: { deliveries: await services.callbacks.deliveries(params.id) },
  }),
});

const deleteCallback = defineRoute({
  method: 'DELETE',
  path: '/api/v1/callbacks/{id}',
  operationId: 'deleteCallback',
  summary: 'Remove a callback and its delivery history',
  tags: ['callbacks'],
  params: callbackParams,
  success: { status: 200, description: 'removed', schema: deletedSchema },
  errors: [400, 404],
  handle: async ({ params, services }) => ({ status: 200, body: await services.callbacks.remove(params.id) }),
});

const saveLifecycle = defineRoute({
  method: 'POST',
  path: '/api/v1/lifecycles',
  operationId: 'saveLifecycle',
  summary: 'Store a lifecycle definition as the next version of its type',
  description:
    'The definition is checked first (unknown keys, duplicate transitions, transitions without triggers, ' +
    'unknown tasks, unreachable states): 400 `validation_failed` with every issue, and nothing is stored. ' +
    'A resource of the type that reaches `running` afterwards runs the new version.',
  tags: ['lifecycles'],
  body: { schema: z.unknown(), doc: lifecycleBodyDocSchema, required: true },
  success: { status: 201, description: 'stored', schema: lifecycleSavedSchema },
  errors: [400, 413],
  handle: async ({ body, actor, services }) => ({
    status: 201,
    body: await services.lifecycles.save(body, actor),
  }),
});

const listLifecycles = defineRoute({
  method: 'GET',
  path: '/api/v1/lifecycles',
  operationId: 'listLifecycles',
  summary: 'The latest lifecycle definition of every type',
  tags: ['lifecycles'],
  success: { status: 200, description: 'lifecycles', schema: lifecycleListSchema },
  errors: [],
  handle: async ({ services }) => ({
    status: 200,
    body: { lifecycles: (await services.lifecycles.list()).map(lifecycleSummary) },
  }),
});

const getLifecycle = defineRoute({
  method: 'GET',
  path: '/api/v1/lifecycles/{type}',
  operationId: 'getLifecycle',
  summary: "A type's lifecycle definition: the latest, or `?version=`",
  tags: ['lifecycles'],
  params: lifecycleParams,
  query: lifecycleGetQuerySchema,
  success: { status: 200, description: 'the definition', schema: lifecycleViewSchema },
  errors: [400, 404],
  handle: async ({ params, query, services }) => ({
    status: 200,
    body: await services.lifecycles.get(params.type, query.version),
  }),
});

export const CLOUD_ROUTES: readonly RestRoute[] = [
  listResources,
  getResource,
  actOnResource,
  createCallback,
  listCallbacks,
  listDeliveries,
  deleteCallback,
  saveLifecycle,
  listLifecycles,
  getLifecycle,
];
