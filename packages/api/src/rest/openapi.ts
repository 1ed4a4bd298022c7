// The OpenAPI 3.1 document of the REST routes, generated from the same zod schemas the handler
// validates with (zod 4's `z.toJSONSchema`; OpenAPI 3.1 schemas are JSON Schema 2020-12).
//
// Why not `trpc-to-openapi` (the project's usual "OpenAPI from the tRPC routers"): its 3.3.0
// supports tRPC 11 and zod 4, but its HTTP adapter writes every error as
// `{message, code, issues}` (TRPC codes such as `NOT_FOUND`) and documents that shape, while
// the REST contract (design.md) is `{"error": {"code", "message", "details"}}`; it documents
// every success as 200 (the contract has 202 answers); it answers a wrong method with 404, not
// 405; it needs an object input schema, so a body that is a graph in one of three formats
// cannot be described; and it reads JSON only with exactly `Content-Type: application/json`.
// The contract is stable and scripts depend on it, so the REST routes are a table of their own
// (routes.ts) over the same services, and this document is generated from that table.
import { z } from 'zod';
import type { RestRoute } from './route';
import { errorBodySchema } from './schemas';

export type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
};

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid request: `validation_failed` (details: every graph or lifecycle issue), `invalid_json`, `invalid_request`',
  404: '`not_found`: no such build, component, resource, callback, lifecycle or route',
  405: '`method_not_allowed`',
  409: '`not_allowed`: the state of the build or resource does not allow the action (the runner says why)',
  413: '`payload_too_large`: the body is over ORDO_MAX_BODY_BYTES',
  500: '`internal`',
  503: '`runner_unavailable`: no runner answered',
};

export function buildOpenApiDocument(routes: readonly RestRoute[]): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const operation: OpenApiOperation = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      responses: responses(route),
    };
    const parameters = [...parameterObjects(route.params, 'path'), ...parameterObjects(route.query, 'query')];
    if (parameters.length > 0) operation.parameters = parameters;
    if (route.body) {
      operation.requestBody = {
        required: route.body.required,
        content: { 'application/json': { schema: jsonSchema(route.body.doc ?? route.body.schema, 'input') } },
      };
    }
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, OpenApiOperation>)[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ordo REST API',
      version: '1',
      description:
        'Builds of infrastructure graphs, the cloud resources they made, callbacks on their state ' +
        'changes and lifecycle definitions (design.md "REST API (v1)"). All bodies are JSON. Errors are ' +
        '`{"error": {"code", "message", "details"}}`. Operator actions may name who asks in the `Ordo-Actor` header.',
    },
    servers: [{ url: '/' }],
    paths,
    components: { schemas: { Error: jsonSchema(errorBodySchema, 'output') } },
  };
}

function responses(route: RestRoute): Record<string, unknown> {
  const out: Record<string, unknown> = {
    [String(route.success.status)]: {
      description: route.success.description,
      content: { 'application/json': { schema: jsonSchema(route.success.schema, 'output') } },
    },
  };
  for (const status of [...route.errors, 500]) {
    out[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return out;
}

function parameterObjects(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const { description, ...fieldSchema } = jsonSchema(field, 'input');
    return {
      name,
      in: where,
      required: where === 'path' || !field.safeParse(undefined).success,
      ...(typeof description === 'string' ? { description } : {}),
      schema: fieldSchema,
    };
  });
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}
