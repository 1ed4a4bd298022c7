// Cloud state, callbacks and lifecycles (design.md "Cloud state and lifecycle"): what crosses a
// process boundary. The runner owns tracked resources; the API asks it to act on one over
// `ordo.cloud.control` (request/reply); every state change is published on
// `ordo.resources.<encoded resource id>` for the browser (the `viewer` user may subscribe),
// after it is committed to the store.
import { z } from 'zod';

/** States of a tracked resource (Aeolus's instance states). */
export const RESOURCE_STATES = [
  'pending',
  'running',
  'stopping',
  'stopped',
  'terminated',
  'vanished',
  'error',
] as const;
export const resourceStateSchema = z.enum(RESOURCE_STATES);
export type ResourceState = z.infer<typeof resourceStateSchema>;

/** Operator actions on a resource. */
export const RESOURCE_ACTIONS = ['start', 'reboot', 'stop', 'terminate'] as const;
export const resourceActionSchema = z.enum(RESOURCE_ACTIONS);
export type ResourceAction = z.infer<typeof resourceActionSchema>;

/** A tracked resource as the API answers it (REST `GET /api/v1/resources`, tRPC, live messages). */
export const resourceViewSchema = z.object({
  id: z.string(),
  provider: z.string(),
  provider_id: z.string(),
  type: z.string(),
  state: resourceStateSchema,
  public_ip: z.string().nullable(),
  private_ip: z.string().nullable(),
  key_name: z.string().nullable(),
  /** the build that made it (or last re-made it) */
  build: z.string(),
  /** environment name */
  environment: z.string(),
  /** `_component_id` of the component that made it */
  component: z.string(),
  /** the action in progress (its intermediate state is `state`), null when none */
  pending_action: resourceActionSchema.nullable(),
  /** when it last entered each state (ISO 8601) */
  state_times: z.record(z.string(), z.string()),
  /** last error reported by the provider or a failed action */
  error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  last_polled_at: z.string().nullable(),
});
export type ResourceView = z.infer<typeof resourceViewSchema>;

/**
 * The fields of a stored resource that the view is made of (the store's `ResourceRecord` has
 * them; described here by shape, since contracts import nothing but zod).
 */
export interface ResourceRecordFields {
  id: string;
  provider: string;
  providerId: string;
  type: string;
  state: ResourceState;
  publicIp: string | null;
  privateIp: string | null;
  keyName: string | null;
  buildId: string;
  environment: string;
  componentId: string;
  pendingAction: ResourceAction | null;
  stateTimes: Record<string, string>;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  lastPolledAt: Date | null;
}

/** A stored resource as the API answers it and the live messages carry it. */
export function toResourceView(r: ResourceRecordFields): ResourceView {
  return {
    id: r.id,
    provider: r.provider,
    provider_id: r.providerId,
    type: r.type,
    state: r.state,
    public_ip: r.publicIp,
    private_ip: r.privateIp,
    key_name: r.keyName,
    build: r.buildId,
    environment: r.environment,
    component: r.componentId,
    pending_action: r.pendingAction,
    state_times: r.stateTimes,
    error: r.error,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    last_polled_at: r.lastPolledAt?.toISOString() ?? null,
  };
}

/** Published on `ordo.resources.<encoded id>` after a state change is committed. */
export const resourceChangeMessageSchema = z.object({
  resource: resourceViewSchema,
  old_state: resourceStateSchema.nullable(),
  new_state: resourceStateSchema,
  /** ISO 8601 */
  at: z.string(),
  /** who or what caused it: `poll`, `build`, an operator's name, `action` (an action finishing) */
  actor: z.string(),
  reason: z.string().nullable(),
});
export type ResourceChangeMessage = z.infer<typeof resourceChangeMessageSchema>;

/** Subject of cloud-state commands (request/reply, queue group `ordo-cloud`). */
export const CLOUD_CONTROL_SUBJECT = 'ordo.cloud.control';

export const cloudControlCommandSchema = z.discriminatedUnion('kind', [
  /** an operator action on a resource; `actor` is who asked (recorded with the outcome) */
  z.object({
    kind: z.literal('action'),
    resourceId: z.string().min(1),
    action: resourceActionSchema,
    actor: z.string().min(1).max(200),
  }),
  /** poll these resources now (all when absent) instead of waiting for the interval */
  z.object({ kind: z.literal('poll'), resourceIds: z.array(z.string().min(1)).optional() }),
]);
export type CloudControlCommand = z.infer<typeof cloudControlCommandSchema>;

/**
 * The body of a callback delivery: an HTTP POST (signed, see below) or a NATS publish.
 * HTTP headers: `Ordo-Timestamp: <unix seconds>` and
 * `Ordo-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the callback's secret>`.
 */
export const callbackPayloadSchema = z.object({
  /** the resource id */
  resource: z.string(),
  old_state: resourceStateSchema.nullable(),
  new_state: resourceStateSchema,
  /** ISO 8601 */
  at: z.string(),
  build: z.string(),
  environment: z.string(),
});
export type CallbackPayload = z.infer<typeof callbackPayloadSchema>;

export const CALLBACK_HEADER = { timestamp: 'Ordo-Timestamp', signature: 'Ordo-Signature' } as const;

/** Status of a callback delivery. */
export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * A `get` answered `.error` with `not_found: true` in its body means the provider no longer
 * has the resource: it becomes `vanished` (or `stopped` when a stop was sent, `terminated`
 * when a terminate was sent). Any other `.error` of a `get` is a failed poll, not a state.
 */
export const NOT_FOUND_FIELD = 'not_found';

/**
 * Dispatch keys of cloud-state and lifecycle requests use these build ids (the `Ordo-Build`
 * header): results carrying them belong to the cloud service, not to a build.
 */
export const CLOUD_BUILD_ID = 'ordo:cloud';
export const LIFECYCLE_BUILD_ID = 'ordo:lifecycle';

/** Statuses of a lifecycle run (core `LifecycleStatus`). */
export const LIFECYCLE_STATUSES = ['running', 'paused', 'finished'] as const;

/**
 * Published on `ordo.resources.<encoded id>.lifecycle` after a lifecycle run's state is saved:
 * where the resource's lifecycle machine is, the task it awaits, and the state changes made by
 * the step that produced this message.
 */
export const lifecycleProgressMessageSchema = z.object({
  /** the resource id */
  resource: z.string(),
  /** the lifecycle run id */
  run: z.string(),
  /** component type and definition version the run follows */
  type: z.string(),
  version: z.number().int().positive(),
  /** the machine's current state, e.g. `joined_cluster` */
  current: z.string(),
  status: z.enum(LIFECYCLE_STATUSES),
  /** why it waits (`stop_after_state_change`, `no_trigger_passed`, `loop`); null unless paused */
  paused_for: z.string().nullable(),
  /** the task run awaited; null unless running */
  task: z.object({ name: z.string(), run_id: z.string(), trigger: z.string(), phase: z.string() }).nullable(),
  /** state changes made by this step, oldest first */
  transitions: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      trigger: z.string(),
      /** ISO 8601 */
      at: z.string(),
      /** set when a task failed (a move to `failure`, or an error ignored under `ignore_errors`) */
      error: z.string().nullable(),
    }),
  ),
  /** ISO 8601 */
  at: z.string(),
});
export type LifecycleProgressMessage = z.infer<typeof lifecycleProgressMessageSchema>;
