// Build events and log lines (design.md "Events and live view"): written to the store, then
// published on `ordo.events.<build>` / `ordo.logs.<build>.<component>`.
import { z } from 'zod';

const epochMs = z.number().int().nonnegative();

/** What an event records. */
export const BUILD_EVENT_TYPES = [
  /** the build moved to another state (`state` holds it) */
  'build_state',
  /** a component moved to another state (`componentId`, `state`, `attempt`) */
  'component_state',
  /** a log line worth keeping in the build's history (`componentId`, `message`) */
  'log',
  /** an operator action: retry, cancel, skip, approve (`actor`, `action`, `componentId`) */
  'action',
] as const;
export const buildEventTypeSchema = z.enum(BUILD_EVENT_TYPES);
export type BuildEventType = z.infer<typeof buildEventTypeSchema>;

/** One event of a build; `seq` counts from 1 per build with no gaps. */
export const buildEventSchema = z.object({
  seq: z.number().int().min(1),
  at: epochMs,
  type: buildEventTypeSchema,
  componentId: z.string().min(1).optional(),
  state: z.string().min(1).optional(),
  attempt: z.number().int().min(0).optional(),
  message: z.string().optional(),
  actor: z.string().optional(),
  action: z.string().optional(),
});
export type BuildEvent = z.infer<typeof buildEventSchema>;

/** Where a log line came from: the executor's process output or an informational note. */
export const LOG_STREAMS = ['stdout', 'stderr', 'info'] as const;
export const logStreamSchema = z.enum(LOG_STREAMS);
export type LogStream = z.infer<typeof logStreamSchema>;

/** One line an executor logged for a component. */
export const logLineSchema = z.object({
  at: epochMs,
  componentId: z.string().min(1),
  stream: logStreamSchema,
  line: z.string(),
});
export type LogLine = z.infer<typeof logLineSchema>;

/**
 * What is published on `ordo.events.<build>`: the events of one runner batch, in `seq`
 * order with no gaps. A viewer that sees `events[0].seq` above the last seq it holds + 1
 * has missed something and reloads the snapshot.
 */
export const buildEventBatchSchema = z.object({ events: z.array(buildEventSchema).min(1) });
export type BuildEventBatch = z.infer<typeof buildEventBatchSchema>;

// Fast check for the hot path (one batch per runner batch and build): accepts only what
// `buildEventBatchSchema` accepts and would return unchanged — no keys it would strip — and
// says no otherwise (ask the schema then). events.test.ts checks it against the schema.

const EVENT_KEYS = new Set([
  'seq',
  'at',
  'type',
  'componentId',
  'state',
  'attempt',
  'message',
  'actor',
  'action',
]);
const EVENT_TYPES: ReadonlySet<unknown> = new Set(BUILD_EVENT_TYPES);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function isEpochMs(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function optional(value: unknown, check: (v: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

const isString = (v: unknown) => typeof v === 'string';
const isNonEmptyString = (v: unknown) => typeof v === 'string' && v.length > 0;

/** True when `buildEventSchema` accepts `value` and would return it unchanged. */
export function isBuildEvent(value: unknown): value is BuildEvent {
  if (!isPlainObject(value)) return false;
  // an unknown key is refused (the schema would strip it), unless its value is undefined: JSON
  // has no such key, so the schema's output is the same message
  for (const key in value) if (!EVENT_KEYS.has(key) && value[key] !== undefined) return false;
  const seq = value.seq;
  return (
    typeof seq === 'number' &&
    Number.isSafeInteger(seq) &&
    seq >= 1 &&
    isEpochMs(value.at) &&
    EVENT_TYPES.has(value.type) &&
    optional(value.componentId, isNonEmptyString) &&
    optional(value.state, isNonEmptyString) &&
    optional(value.attempt, isEpochMs) &&
    optional(value.message, isString) &&
    optional(value.actor, isString) &&
    optional(value.action, isString)
  );
}

/** True when `buildEventBatchSchema` accepts `value` and would return it unchanged. */
export function isBuildEventBatch(value: unknown): value is BuildEventBatch {
  if (!isPlainObject(value)) return false;
  for (const key in value) if (key !== 'events') return false;
  const events = value.events;
  if (!Array.isArray(events) || events.length === 0) return false;
  for (const event of events) if (!isBuildEvent(event)) return false;
  return true;
}
