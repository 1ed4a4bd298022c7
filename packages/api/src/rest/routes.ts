// Every REST route Ordo serves: the v1 API under /api/v1, the gorchestrator-compatible task API
// under /v1/tasks and the OpenAPI document. `handleRest` dispatches on this table and
// `openApiDocument` describes it, so the two cannot disagree.
import type { OperatorAction } from '@ordo/contracts';
import { exportGraph } from '@ordo/core';
import { z } from 'zod';
import { gorchTaskInputSchema } from '../schemas/graph-formats';
import { CLOUD_ROUTES } from './cloud-routes';
import { buildDetailDto, buildEventDto, buildSummaryDto, iso } from './dto';
import { gorchStateName, gorchTaskState } from './gorch';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi';
import { defineRoute, type RestRoute } from './route';
import {
  acceptedBuildSchema,
  actionAcceptedSchema,
  buildDetailSchema,
  buildEventsSchema,
  buildIdParamsSchema,
  buildListQuerySchema,
  buildListSchema,
  componentBodySchema,
  createBuildBodyDocSchema,
  eventsQuerySchema,
  openApiDocumentSchema,
  optionalComponentBodySchema,
  taskAcceptedSchema,
  taskCancelledSchema,
  taskListSchema,
  taskSchema,
} from './schemas';

const anyJson = z.unknown();

const createBuild = defineRoute({
  method: 'POST',
  path: '/api/v1/builds',
  operationId: 'createBuild',
  summary: 'Start a build',
  description:
    'Validates the graph (any accepted format, optionally wrapped with build options) against the ' +
    "environment's current state and stores it as a pending build; the runner starts it. " +
    'A graph that fails validation is answered 400 `validation_failed` with every issue, and nothing is stored.',
  tags: ['builds'],
  body: { schema: anyJson, doc: createBuildBodyDocSchema, required: true },
  success: {
    status: 202,
    description: 'accepted: the build is stored and pending',
    schema: acceptedBuildSchema,
  },
  errors: [400, 413],
  handle: async ({ body, bodyBytes, actor, services }) => ({
    status: 202,
    body: await services.builds.create(body, actor, { inputBytes: bodyBytes }),
  }),
});

const listBuilds = defineRoute({
  method: 'GET',
  path: '/api/v1/builds',
  operationId: 'listBuilds',
  summary: 'List builds, newest first',
  tags: ['builds'],
  query: buildListQuerySchema,
  success: { status: 200, description: 'builds', schema: buildListSchema },
  errors: [400],
  handle: async ({ query, services }) => {
    const builds = await services.builds.list({
      limit: query.limit,
      ...(query.environment ? { environment: query.environment } : {}),
      ...(query.state ? { status: query.state } : {}),
      ...(query.before ? { before: new Date(query.before) } : {}),
    });
    return { status: 200, body: { builds: builds.map(buildSummaryDto) } };
  },
});

const getBuild = defineRoute({
  method: 'GET',
  path: '/api/v1/builds/{id}',
  operationId: 'getBuild',
  summary: 'A build with its components and edges',
  tags: ['builds'],
  params: buildIdParamsSchema,
  success: { status: 200, description: 'the build', schema: buildDetailSchema },
  errors: [400, 404],
  handle: async ({ params, services }) => ({
    status: 200,
    body: buildDetailDto(await services.builds.get(params.id)),
  }),
});

const listBuildEvents = defineRoute({
  method: 'GET',
  path: '/api/v1/builds/{id}/events',
  operationId: 'listBuildEvents',
  summary: "A build's events after `since`, oldest first",
  tags: ['builds'],
  params: buildIdParamsSchema,
  query: eventsQuerySchema,
  success: { status: 200, description: 'events', schema: buildEventsSchema },
  errors: [400, 404],
  handle: async ({ params, query, services }) => {
    const events = await services.builds.events(params.id, query.since, query.limit);
    return { status: 200, body: { events: events.map(buildEventDto) } };
  },
});

function actionRoute(action: OperatorAction, summary: string, componentRequired: boolean): RestRoute {
  const schema: z.ZodType<{ component?: string | undefined } | undefined> = componentRequired
    ? componentBodySchema
    : optionalComponentBodySchema;
  return defineRoute({
    method: 'POST',
    path: `/api/v1/builds/{id}/${action}`,
    operationId: `${action}Build`,
    summary,
    description:
      'Asks the runner; 409 `not_allowed` with its reason when the state does not allow the action, ' +
      '503 `runner_unavailable` when no runner answers within 5 s.',
    tags: ['builds'],
    params: buildIdParamsSchema,
    body: { schema, required: componentRequired },
    success: { status: 202, description: 'accepted by the runner', schema: actionAcceptedSchema },
    errors: [400, 404, 409, 413, 503],
    handle: async ({ params, body, actor, services }) => ({
      status: 202,
      body: await services.builds.action(params.id, { action, componentId: body?.component }, actor),
    }),
  });
}

const createTask = defineRoute({
  method: 'POST',
  path: '/v1/tasks',
  operationId: 'createTask',
  summary: 'gorchestrator: start a task (a gorch graph)',
  description: 'The gorch `name` is the environment. Same validation and answers as POST /api/v1/builds.',
  tags: ['gorchestrator'],
  body: { schema: anyJson, doc: gorchTaskInputSchema, required: true },
  success: { status: 202, description: 'accepted', schema: taskAcceptedSchema },
  errors: [400, 413],
  handle: async ({ body, bodyBytes, actor, services }) => ({
    status: 202,
    body: await services.builds.create(body, actor, { format: 'gorch', inputBytes: bodyBytes }),
  }),
});

const listTasks = defineRoute({
  method: 'GET',
  path: '/v1/tasks',
  operationId: 'listTasks',
  summary: 'gorchestrator: list tasks (builds, newest first)',
  tags: ['gorchestrator'],
  success: { status: 200, description: 'tasks', schema: taskListSchema },
  errors: [],
  handle: async ({ services }) => {
    const builds = await services.builds.list({ limit: 1000 });
    return {
      status: 200,
      body: {
        tasks: builds.map((b) => ({
          id: b.id,
          name: b.environment,
          state: gorchStateName(gorchTaskState(b.status)),
          start_date: iso(b.startedAt),
          stop_date: iso(b.finishedAt),
        })),
      },
    };
  },
});

const getTask = defineRoute({
  method: 'GET',
  path: '/v1/tasks/{id}',
  operationId: 'getTask',
  summary: 'gorchestrator: the task as gorch JSON, with node states',
  tags: ['gorchestrator'],
  params: buildIdParamsSchema,
  success: { status: 200, description: 'the gorch task', schema: taskSchema },
  errors: [400, 404],
  handle: async ({ params, services }) => {
    const { graph, snapshot } = await services.builds.graph(params.id, true);
    const task = exportGraph(graph, 'gorch');
    return { status: 200, body: { ...task, state: gorchTaskState(snapshot.status) } };
  },
});

const cancelTask = defineRoute({
  method: 'DELETE',
  path: '/v1/tasks/{id}',
  operationId: 'cancelTask',
  summary: 'gorchestrator: cancel the task (the build)',
  tags: ['gorchestrator'],
  params: buildIdParamsSchema,
  success: { status: 200, description: 'the runner accepted the cancel', schema: taskCancelledSchema },
  errors: [400, 404, 409, 503],
  handle: async ({ params, actor, services }) => ({
    status: 200,
    body: await services.builds.action(params.id, { action: 'cancel' }, actor),
  }),
});

const getOpenApi = defineRoute({
  method: 'GET',
  path: '/api/openapi.json',
  operationId: 'getOpenApiDocument',
  summary: 'This OpenAPI document',
  tags: ['meta'],
  success: { status: 200, description: 'the OpenAPI 3.1 document', schema: openApiDocumentSchema },
  errors: [],
  handle: async () => ({ status: 200, body: openApiDocument() }),
});

export const REST_ROUTES: readonly RestRoute[] = [
  createBuild,
  listBuilds,
  getBuild,
  listBuildEvents,
  actionRoute('retry', 'Retry the build from failure, or one component', false),
  actionRoute('cancel', 'Cancel the build, or one component', false),
  actionRoute('skip', 'Skip a failed component so that its dependants run', true),
  actionRoute('approve', 'Approve a component waiting on a manual gate', true),
  ...CLOUD_ROUTES,
  createTask,
  listTasks,
  getTask,
  cancelTask,
  getOpenApi,
];

let document: OpenApiDocument | undefined;

/** The OpenAPI 3.1 document of `REST_ROUTES` (generated once). */
export function openApiDocument(): OpenApiDocument {
  document ??= buildOpenApiDocument(REST_ROUTES);
  return document;
}
