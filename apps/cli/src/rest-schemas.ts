// The answers of Ordo's REST API v1 (design.md "REST API (v1)") that the CLI reads, as zod
// schemas: the client checks every answer against them, so a server that drifts from the
// contract fails with a message naming the field instead of printing `undefined`.
// Objects are loose: fields added to the contract later pass through.
import { BUILD_EVENT_TYPES, resourceStateSchema } from '@ordo/contracts';
import { BUILD_STATUSES, COMPONENT_STATES } from '@ordo/core';
import { z } from 'zod';

/** Epoch milliseconds or an ISO 8601 string; the contract does not fix which. */
const timestamp = z.union([z.number(), z.string()]);

export const buildStateSchema = z.enum(BUILD_STATUSES);
export const componentStateSchema = z.enum(COMPONENT_STATES);

/** States after which a build changes no more (unless an operator acts on it). */
export const FINISHED_BUILD_STATES: ReadonlySet<string> = new Set(['completed', 'errored', 'cancelled']);

export const apiErrorBodySchema = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    details: z
      .array(
        z.looseObject({
          code: z.string().optional(),
          message: z.string().optional(),
          ids: z.array(z.string()).optional(),
          path: z.string().optional(),
        }),
      )
      .optional(),
  }),
});

/** `POST /api/v1/builds` → 202. */
export const createdBuildSchema = z.looseObject({ id: z.string().min(1) });

const buildFields = {
  id: z.string().min(1),
  environment: z.string().nullish(),
  state: buildStateSchema,
  created_at: timestamp.nullish(),
  finished_at: timestamp.nullish(),
};

/** One row of `GET /api/v1/builds`. */
export const buildSummarySchema = z.looseObject(buildFields);
export type BuildSummary = z.infer<typeof buildSummarySchema>;

export const buildListSchema = z.looseObject({ builds: z.array(buildSummarySchema) });

/** A component of `GET /api/v1/builds/{id}`: Ernest form plus run fields and provider outputs. */
export const buildComponentSchema = z.looseObject({
  _component_id: z.string().min(1),
  _component: z.string(),
  _action: z.string(),
  _provider: z.string(),
  _state: componentStateSchema,
  attempts: z.number().int().nonnegative(),
  error: z.string().nullish(),
});
export type BuildComponent = z.infer<typeof buildComponentSchema>;

/** `GET /api/v1/builds/{id}`. */
export const buildDetailSchema = z.looseObject({
  ...buildFields,
  components: z.array(buildComponentSchema),
  edges: z.array(z.looseObject({ source: z.string(), destination: z.string() })),
});
export type BuildDetail = z.infer<typeof buildDetailSchema>;

/** One event of `GET /api/v1/builds/{id}/events`; `actor` and `action` on `action` events. */
export const restEventSchema = z.looseObject({
  seq: z.number().int().min(1),
  at: timestamp,
  type: z.enum(BUILD_EVENT_TYPES),
  component_id: z.string().nullish(),
  state: z.string().nullish(),
  message: z.string().nullish(),
  attempt: z.number().int().nullish(),
  actor: z.string().nullish(),
  action: z.string().nullish(),
});
export type RestEvent = z.infer<typeof restEventSchema>;

export const eventListSchema = z.looseObject({ events: z.array(restEventSchema) });

/** Answer of an operator action: the contract fixes none beyond the status. */
export const actionAnswerSchema = z.unknown();

// ---------------------------------------------------------------------------------------
// cloud resources, callbacks, lifecycles

const nullableString = z.string().nullish();

/** One tracked resource (`GET /api/v1/resources`, contracts' resource view). */
export const restResourceSchema = z.looseObject({
  id: z.string().min(1),
  provider: z.string(),
  provider_id: z.string(),
  type: z.string(),
  state: resourceStateSchema,
  public_ip: nullableString,
  private_ip: nullableString,
  key_name: nullableString,
  build: z.string().nullish(),
  environment: z.string().nullish(),
  component: z.string().nullish(),
  pending_action: nullableString,
  error: nullableString,
  created_at: timestamp.nullish(),
  last_polled_at: timestamp.nullish(),
});
export type RestResource = z.infer<typeof restResourceSchema>;

export const resourceListSchema = z.looseObject({ resources: z.array(restResourceSchema) });

export const restCallbackSchema = z.looseObject({
  id: z.string().min(1),
  resource: nullableString,
  environment: nullableString,
  url: nullableString,
  subject: nullableString,
  states: z.array(z.string()).nullish(),
  actor: nullableString,
  created_at: timestamp.nullish(),
});
export type RestCallback = z.infer<typeof restCallbackSchema>;

export const callbackListSchema = z.looseObject({ callbacks: z.array(restCallbackSchema) });

/** `POST /api/v1/callbacks` → 201: the secret is shown in this answer only. */
export const callbackCreatedSchema = z.looseObject({ id: z.string().min(1), secret: z.string().min(1) });

export const restResourceEventSchema = z.looseObject({
  at: timestamp,
  old_state: nullableString,
  new_state: z.string(),
  actor: nullableString,
  reason: nullableString,
});

export const restResourceActionSchema = z.looseObject({
  at: timestamp,
  actor: z.string(),
  action: z.string(),
  accepted: z.boolean(),
  reason: nullableString,
});

export const restLifecycleRunSchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  version: z.number().int(),
  current: z.string(),
  status: z.string(),
  paused_for: nullableString,
  started_at: timestamp.nullish(),
  history: z.array(
    z.looseObject({
      from: z.string(),
      to: z.string(),
      trigger: z.string(),
      at: timestamp,
      ok: z.boolean(),
      error: nullableString,
    }),
  ),
});
export type RestLifecycleRun = z.infer<typeof restLifecycleRunSchema>;

/** `GET /api/v1/resources/{id}`. */
export const resourceDetailSchema = z.looseObject({
  resource: restResourceSchema,
  history: z.array(restResourceEventSchema),
  actions: z.array(restResourceActionSchema),
  callbacks: z.array(restCallbackSchema),
  lifecycle_runs: z.array(restLifecycleRunSchema),
});
export type ResourceDetail = z.infer<typeof resourceDetailSchema>;

export const restDeliverySchema = z.looseObject({
  at: timestamp,
  old_state: nullableString,
  new_state: z.string(),
  status: z.string(),
  attempt: z.number().int().nonnegative(),
  error: nullableString,
  http_status: z.number().int().nullish(),
  latency_ms: z.number().nullish(),
});
export type RestDelivery = z.infer<typeof restDeliverySchema>;

export const deliveryListSchema = z.looseObject({ deliveries: z.array(restDeliverySchema) });

export const lifecycleSavedSchema = z.looseObject({ type: z.string(), version: z.number().int() });

export const restLifecycleSummarySchema = z.looseObject({
  type: z.string(),
  version: z.number().int(),
  actor: nullableString,
  created_at: timestamp.nullish(),
});
export type RestLifecycleSummary = z.infer<typeof restLifecycleSummarySchema>;

export const lifecycleListSchema = z.looseObject({ lifecycles: z.array(restLifecycleSummarySchema) });

export const lifecycleViewSchema = restLifecycleSummarySchema.extend({
  definition: z.record(z.string(), z.unknown()),
});
