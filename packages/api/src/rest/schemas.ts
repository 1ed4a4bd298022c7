// The REST v1 contract (design.md "REST API (v1)") as zod schemas: the handler validates
// parameters and bodies with them, and the OpenAPI document is generated from the same ones.
import { BUILD_EVENT_TYPES } from '@ordo/contracts';
import { BUILD_STATUSES, type BuildStatus } from '@ordo/core';
import { z } from 'zod';
import { wrappedBuildDocSchema } from '../schemas/build-options';
import {
  ernestMappingSchema,
  gorchTaskInputSchema,
  gorchTaskSchema,
  ordoNativeSchema,
} from '../schemas/graph-formats';
import { issueSchema } from '../schemas/issue';

// ---------------------------------------------------------------------------------------
// errors

export const REST_ERROR_CODES = [
  'validation_failed',
  'invalid_request',
  'invalid_json',
  'payload_too_large',
  'not_found',
  'method_not_allowed',
  'not_allowed',
  'runner_unavailable',
  'internal',
] as const;
export type RestErrorCode = (typeof REST_ERROR_CODES)[number];

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(REST_ERROR_CODES),
      message: z.string(),
      details: z
        .array(issueSchema)
        .meta({ description: 'every problem; for `validation_failed` the graph validation issues' }),
    }),
  })
  .meta({ title: 'Error' });

// ---------------------------------------------------------------------------------------
// parameters

export const buildIdParamsSchema = z.object({
  id: z.string().min(1).max(200).meta({ description: 'build id' }),
});

export const buildListQuerySchema = z.object({
  environment: z.string().min(1).max(200).optional().meta({ description: 'only builds of this environment' }),
  state: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined;
      const states = value.split(',').map((s) => s.trim());
      const unknown = states.filter((s) => !(BUILD_STATUSES as readonly string[]).includes(s));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown state ${unknown.map((s) => JSON.stringify(s)).join(', ')}; expected ${BUILD_STATUSES.join(', ')}`,
        });
        return z.NEVER;
      }
      return states as BuildStatus[];
    })
    .meta({ description: `only builds in these states, comma-separated (${BUILD_STATUSES.join(', ')})` }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .meta({ description: 'at most this many (1–1000)' }),
  before: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'only builds created before this time (ISO 8601): the next page' }),
});

export const eventsQuerySchema = z.object({
  since: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .meta({ description: 'answer events with a higher seq (0 = from the start)' }),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000).meta({ description: 'at most this many' }),
});

// ---------------------------------------------------------------------------------------
// bodies

/** POST /api/v1/builds, as documented (core checks the graph: see BuildService.create). */
export const createBuildBodyDocSchema = z
  .union([wrappedBuildDocSchema, ordoNativeSchema, gorchTaskInputSchema, ernestMappingSchema])
  .meta({ description: 'a graph in any accepted format, or wrapped with build options' });

export const optionalComponentBodySchema = z
  .strictObject({ component: z.string().min(1).optional().meta({ description: 'component id' }) })
  .optional()
  .meta({ description: 'optional; `component` names one component, otherwise the whole build' });

export const componentBodySchema = z.strictObject({
  component: z.string().min(1).meta({ description: 'component id' }),
});

// ---------------------------------------------------------------------------------------
// answers

export const acceptedBuildSchema = z.object({ id: z.string().meta({ description: 'the new build id' }) });

export const actionAcceptedSchema = z.object({ ok: z.literal(true) });

const isoTime = z.string().meta({ description: 'ISO 8601 time', format: 'date-time' });

export const buildSummarySchema = z.object({
  id: z.string(),
  environment: z.string(),
  state: z.string().meta({ description: `build state: ${BUILD_STATUSES.join(', ')}` }),
  created_at: isoTime,
  finished_at: isoTime.nullable(),
});

export const buildListSchema = z.object({ builds: z.array(buildSummarySchema) });

export const buildComponentSchema = z
  .looseObject({
    _component_id: z.string(),
    _component: z.string(),
    _action: z.string(),
    _provider: z.string(),
    _state: z
      .string()
      .meta({ description: 'waiting, running, completed, errored, cancelled, skipped, blocked' }),
    attempts: z.int().meta({ description: 'dispatches so far' }),
    error: z.string().nullable(),
  })
  .meta({ description: 'a component; the other fields are its provider outputs' });

export const buildDetailSchema = buildSummarySchema.extend({
  components: z.array(buildComponentSchema),
  edges: z.array(z.object({ source: z.string(), destination: z.string() })),
});

export const buildEventSchema = z.object({
  seq: z.int().meta({ description: 'per-build sequence number, 1, 2, …' }),
  at: isoTime,
  type: z.enum(BUILD_EVENT_TYPES),
  component_id: z.string().nullable(),
  state: z.string().nullable().meta({ description: 'new build or component state' }),
  message: z.string().nullable(),
  attempt: z.int().nullable(),
  actor: z.string().nullable().meta({ description: 'action events: who' }),
  action: z.string().nullable().meta({ description: 'action events: retry, cancel, skip or approve' }),
});

export const buildEventsSchema = z.object({ events: z.array(buildEventSchema) });

// gorchestrator-compatible answers

export const taskAcceptedSchema = z.object({ id: z.string() });

export const taskSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z
    .string()
    .meta({ description: 'Initial, ToRun, Running, Success, Failure, NotRunnable, Timeout, Canceled' }),
  start_date: isoTime.nullable(),
  stop_date: isoTime.nullable(),
});

export const taskListSchema = z.object({ tasks: z.array(taskSummarySchema) });

export const taskSchema = gorchTaskSchema;

export const taskCancelledSchema = z.object({ ok: z.literal(true) });

export const openApiDocumentSchema = z
  .record(z.string(), z.unknown())
  .meta({ description: 'an OpenAPI 3.1 document' });
