// Cloud state, callbacks and lifecycles (design.md "Cloud state and lifecycle", "REST API (v1)"):
// the bodies the API accepts and the views it answers with, shared by the REST routes and the
// tRPC procedures. The views are snake_case with ISO 8601 times, like contracts'
// `resourceViewSchema` and the live messages on `ordo.resources.>`, so the UI merges a live
// message into what it loaded without a second shape.
import {
  DELIVERY_STATUSES,
  RESOURCE_STATES,
  type ResourceView,
  resourceActionSchema,
  resourceStateSchema,
  resourceViewSchema,
  toResourceView,
} from '@ordo/contracts';
import { type LifecycleDefinition, lifecycleDefinitionSchema } from '@ordo/core';
import { z } from 'zod';
import type {
  CallbackPort,
  DeliveryPort,
  LifecycleDefinitionPort,
  LifecycleRunPort,
  ResourceActionPort,
  ResourceEventPort,
  ResourcePort,
} from '../services/ports';

const isoTime = z.string().meta({ description: 'ISO 8601 time', format: 'date-time' });
const id = (what: string) => z.string().min(1).max(200).meta({ description: what });

// ---------------------------------------------------------------------------------------
// resources

export { resourceViewSchema };

export const resourceIdSchema = id('resource id');

export const resourceListFilterSchema = z.object({
  environment: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'only resources of this environment' }),
  state: resourceStateSchema
    .optional()
    .meta({ description: `only resources in this state (${RESOURCE_STATES.join(', ')})` }),
  provider: z.string().min(1).max(200).optional().meta({ description: 'only resources of this provider' }),
  type: z.string().min(1).max(200).optional().meta({ description: 'only resources of this component type' }),
});
export type ResourceListFilter = z.output<typeof resourceListFilterSchema>;

export const resourceListSchema = z.object({ resources: z.array(resourceViewSchema) });

export const resourceActionBodySchema = z.strictObject({
  action: resourceActionSchema.meta({ description: 'start, reboot, stop or terminate' }),
});

export const resourceEventViewSchema = z.object({
  at: isoTime,
  old_state: resourceStateSchema.nullable(),
  new_state: resourceStateSchema,
  /** `build`, `poll`, an operator's name, `action` */
  actor: z.string().meta({ description: 'who or what changed it: build, poll, an operator, action' }),
  reason: z.string().nullable(),
});

export const resourceActionViewSchema = z.object({
  at: isoTime,
  actor: z.string(),
  action: resourceActionSchema,
  accepted: z.boolean(),
  reason: z.string().nullable().meta({ description: 'why it was refused' }),
});

export const lifecycleHistoryViewSchema = z.object({
  from: z.string(),
  to: z.string(),
  trigger: z.string(),
  at: isoTime,
  /** false when a task of the trigger failed */
  ok: z.boolean(),
  error: z.string().nullable(),
});

export const lifecycleRunViewSchema = z.object({
  id: z.string(),
  type: z.string(),
  version: z.int().meta({ description: 'version of the definition it runs' }),
  /** the machine's current state */
  current: z.string(),
  status: z.enum(['running', 'paused', 'finished']),
  paused_for: z.string().nullable(),
  started_at: isoTime,
  updated_at: isoTime,
  /** state changes, oldest first */
  history: z.array(lifecycleHistoryViewSchema),
});
export type LifecycleRunView = z.infer<typeof lifecycleRunViewSchema>;

// ---------------------------------------------------------------------------------------
// callbacks

const destinationDoc =
  'exactly one of `resource` (an id) or `environment` (a name), and exactly one of `url` ' +
  '(http or https; loopback and private addresses only when ORDO_CALLBACK_ALLOWLIST allows them) ' +
  'or `subject` (a plain NATS subject outside `ordo.`)';

export const createCallbackBodySchema = z
  .strictObject({
    resource: id('fire for this resource').optional(),
    environment: id('fire for every resource of this environment').optional(),
    url: z.string().min(1).max(2048).optional().meta({ description: 'POST the signed payload here' }),
    subject: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .meta({ description: 'publish the payload on this NATS subject' }),
    states: z
      .array(resourceStateSchema)
      .min(1)
      .optional()
      .meta({ description: 'fire only when the new state is one of these (default: every change)' }),
  })
  .superRefine((body, ctx) => {
    if ((body.resource === undefined) === (body.environment === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message:
          body.resource === undefined
            ? 'give the target: "resource" (an id) or "environment" (a name)'
            : 'give only one target: "resource" or "environment", not both',
        path: body.resource === undefined ? [] : ['environment'],
      });
    }
    if ((body.url === undefined) === (body.subject === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message:
          body.url === undefined
            ? 'give the destination: "url" (http or https) or "subject" (NATS)'
            : 'give only one destination: "url" or "subject", not both',
        path: body.url === undefined ? [] : ['subject'],
      });
    }
  })
  .meta({ description: destinationDoc });
export type CreateCallbackBody = z.output<typeof createCallbackBodySchema>;

export const callbackCreatedSchema = z.object({
  id: z.string(),
  secret: z.string().meta({
    description: 'HMAC-SHA256 key of the Ordo-Signature header; shown only in this answer',
  }),
});

export const callbackIdSchema = id('callback id');

export const callbackListFilterSchema = z.object({
  resource: id('callbacks that fire for this resource (its own and its environment’s)').optional(),
  environment: id('callbacks registered for this environment').optional(),
});
export type CallbackListFilter = z.output<typeof callbackListFilterSchema>;

export const callbackViewSchema = z.object({
  id: z.string(),
  /** the resource it fires for, or null when registered per environment */
  resource: z.string().nullable(),
  /** the environment it fires for, or null when registered per resource */
  environment: z.string().nullable(),
  url: z.string().nullable(),
  subject: z.string().nullable(),
  /** new states that fire it; null = every change */
  states: z.array(resourceStateSchema).nullable(),
  actor: z.string().meta({ description: 'who registered it' }),
  created_at: isoTime,
});
export type CallbackView = z.infer<typeof callbackViewSchema>;

export const callbackListSchema = z.object({ callbacks: z.array(callbackViewSchema) });

export const deletedSchema = z.object({ ok: z.literal(true) });

export const deliveryRowSchema = z.object({
  /** the delivery (one per state change and callback); its attempts share it */
  delivery: z.string(),
  /** when the attempt was made; for attempt 0, when the state changed (the delivery was queued) */
  at: isoTime,
  old_state: resourceStateSchema.nullable(),
  new_state: resourceStateSchema,
  status: z.enum(DELIVERY_STATUSES).meta({
    description:
      'delivered (this attempt succeeded), retrying (it failed, another follows), failed (the last ' +
      'attempt failed, no more), pending (attempt 0: not attempted yet)',
  }),
  /** 1, 2, …; 0 = queued, not attempted yet */
  attempt: z.int().meta({ description: '1, 2, …; 0 for a delivery not attempted yet' }),
  error: z.string().nullable(),
  http_status: z.int().nullable(),
  latency_ms: z.int().nullable(),
  /** when the next attempt is due (the newest row of a pending or retrying delivery) */
  next_attempt_at: isoTime.nullable(),
});
export type DeliveryRow = z.infer<typeof deliveryRowSchema>;

export const deliveryListSchema = z.object({ deliveries: z.array(deliveryRowSchema) });

// ---------------------------------------------------------------------------------------
// the resource with everything about it

export const resourceDetailSchema = z.object({
  resource: resourceViewSchema,
  /** state changes, oldest first */
  history: z.array(resourceEventViewSchema),
  /** operator actions, newest first */
  actions: z.array(resourceActionViewSchema),
  /** callbacks that fire for it: its own and its environment's (never the secret) */
  callbacks: z.array(callbackViewSchema),
  /** lifecycle machines run for it, newest first */
  lifecycle_runs: z.array(lifecycleRunViewSchema),
});
export type ResourceDetail = z.infer<typeof resourceDetailSchema>;

// ---------------------------------------------------------------------------------------
// lifecycles

export const lifecycleTypeSchema = id('component type the lifecycle is for, e.g. instance');

export const lifecycleGetQuerySchema = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: 'this version (default: the latest)' }),
});

export const lifecycleSavedSchema = z.object({ type: z.string(), version: z.int() });

export const lifecycleSummarySchema = z.object({
  type: z.string(),
  /** the latest version */
  version: z.int(),
  actor: z.string(),
  created_at: isoTime,
});

export const lifecycleListSchema = z.object({ lifecycles: z.array(lifecycleSummarySchema) });

export const lifecycleViewSchema = lifecycleSummarySchema.extend({
  /** every version of the type, newest first */
  versions: z.array(z.int()),
  definition: lifecycleDefinitionSchema.meta({
    description: 'the definition (formats/lifecycle.example.json): type, initial, transitions, tasks',
  }),
});
export type LifecycleView = z.infer<typeof lifecycleViewSchema>;

/** A lifecycle definition as documented (core `parseLifecycle` checks the body). */
export const lifecycleBodyDocSchema = lifecycleDefinitionSchema.meta({
  description:
    'a lifecycle definition: {type, initial, transitions: [{source, dest, triggers: [{name, conditions, ' +
    'unless, before, after, ignore_errors}], stop_after_state_change}], tasks: {name: {engine, artifact, args, timeout_ms}}}',
});

// ---------------------------------------------------------------------------------------
// store records → views

const iso = (value: Date): string => value.toISOString();

/** A stored resource as the API answers it (one mapping, shared with the runner's live messages). */
export const resourceView: (r: ResourcePort) => ResourceView = toResourceView;

export function resourceEventView(e: ResourceEventPort): z.infer<typeof resourceEventViewSchema> {
  return { at: iso(e.at), old_state: e.oldState, new_state: e.newState, actor: e.actor, reason: e.reason };
}

export function resourceActionView(a: ResourceActionPort): z.infer<typeof resourceActionViewSchema> {
  return { at: iso(a.at), actor: a.actor, action: a.action, accepted: a.accepted, reason: a.reason };
}

export function lifecycleRunView(run: LifecycleRunPort): LifecycleRunView {
  const state = run.state;
  return {
    id: run.id,
    type: run.type,
    version: run.version,
    current: run.current,
    status: run.status,
    paused_for: state.pausedFor ?? null,
    started_at: iso(run.startedAt),
    updated_at: iso(run.updatedAt),
    history: (state.history ?? []).map((h) => ({
      from: h.from,
      to: h.to,
      trigger: h.trigger,
      at: new Date(h.at).toISOString(),
      ok: h.ok,
      error: h.error ?? null,
    })),
  };
}

export function callbackView(c: CallbackPort): CallbackView {
  return {
    id: c.id,
    resource: c.resourceId,
    environment: c.environment,
    url: c.url,
    subject: c.subject,
    states: c.states,
    actor: c.actor,
    created_at: iso(c.createdAt),
  };
}

/**
 * One row per attempt, and a row with attempt 0 for a delivery not attempted yet; newest first.
 * An attempt's status: delivered when it succeeded; the delivery's status for its last failed
 * attempt (retrying or failed); retrying for an earlier failed attempt.
 */
export function deliveryRows(deliveries: readonly DeliveryPort[]): DeliveryRow[] {
  const rows: DeliveryRow[] = [];
  for (const d of deliveries) {
    const common = { delivery: d.id, old_state: d.oldState, new_state: d.newState };
    const waiting = d.status === 'pending' || d.status === 'retrying';
    const next = waiting ? iso(d.nextAttemptAt) : null;
    if (d.attemptsMade.length === 0) {
      rows.push({
        ...common,
        at: typeof d.payload.at === 'string' ? d.payload.at : iso(d.createdAt),
        status: d.status === 'retrying' ? 'pending' : d.status,
        attempt: 0,
        error: d.lastError,
        http_status: null,
        latency_ms: null,
        next_attempt_at: next,
      });
      continue;
    }
    const last = d.attemptsMade.length - 1;
    d.attemptsMade.forEach((a, i) => {
      const status = a.ok ? 'delivered' : i === last && d.status === 'failed' ? 'failed' : 'retrying';
      rows.push({
        ...common,
        at: iso(a.at),
        status,
        attempt: a.attempt,
        error: a.error,
        http_status: a.httpStatus,
        latency_ms: a.latencyMs,
        next_attempt_at: i === last ? next : null,
      });
    });
  }
  return rows.sort((a, b) => b.at.localeCompare(a.at) || b.attempt - a.attempt);
}

export function lifecycleSummary(d: LifecycleDefinitionPort): z.infer<typeof lifecycleSummarySchema> {
  return { type: d.type, version: d.version, actor: d.actor, created_at: iso(d.createdAt) };
}

export function lifecycleView(d: LifecycleDefinitionPort, versions: readonly number[]): LifecycleView {
  return { ...lifecycleSummary(d), versions: [...versions], definition: d.document as LifecycleDefinition };
}
