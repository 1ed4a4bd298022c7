// Messages between the runner and executors (design.md "Scheduling semantics" → Dispatch).
// The body is an Ernest-form component record; who/which attempt it is travels in NATS
// headers so that Ernest-style connectors, which know nothing of Ordo, can echo the body.
import { z } from 'zod';

/** A subject-safe token: component type, action and provider appear verbatim in subjects. */
export const SUBJECT_TOKEN_PATTERN = /^[A-Za-z0-9_-]+$/;

const subjectToken = z.string().regex(SUBJECT_TOKEN_PATTERN, 'must match [A-Za-z0-9_-]+');

/**
 * Body of a dispatch `<prefix><type>.<action>.<provider>`: the component with its templates
 * resolved. Unknown fields (provider properties) are kept as they are.
 */
export const dispatchMessageSchema = z.looseObject({
  /** unique id, `<type>::<name>` by convention; may hold `.`, `::`, spaces */
  _component_id: z.string().min(1),
  /** component type, e.g. `vpc`; the subject's first token */
  _component: subjectToken,
  /** `create`, `update`, `delete`, `get`, `find` (`none` is never dispatched) */
  _action: subjectToken,
  /** provider name, e.g. `aws`, `sim` */
  _provider: subjectToken,
  /** the build id (Ernest's "service") */
  service: z.string().min(1),
});
export type DispatchMessage = z.infer<typeof dispatchMessageSchema>;

/**
 * Body of a result on `….done` or `….error`: the component as the executor returns it,
 * with provider outputs (e.g. `vpc_aws_id`) and, on `.error`, the error text.
 */
export const resultMessageSchema = dispatchMessageSchema.extend({
  error: z.string().optional(),
});
export type ResultMessage = z.infer<typeof resultMessageSchema>;

/** Body of a cancel on `….cancel`: the component being cancelled (same form as the dispatch). */
export const cancelMessageSchema = dispatchMessageSchema;
export type CancelMessage = z.infer<typeof cancelMessageSchema>;

/** NATS header names carried by dispatches and echoed on results and cancels. */
export const EXEC_HEADER = {
  build: 'Ordo-Build',
  component: 'Ordo-Component',
  attempt: 'Ordo-Attempt',
  /** epoch ms after which the attempt counts as timed out */
  deadline: 'Ordo-Deadline',
  /** `<build>/<component>/<attempt>`: the idempotency key of one attempt */
  key: 'Ordo-Key',
} as const;

/** The idempotency key of one attempt: `<build>/<component>/<attempt>`. */
export function dispatchKey(build: string, component: string, attempt: number): string {
  return `${build}/${component}/${attempt}`;
}

/** Dispatch metadata as code uses it; `execHeaders()` turns it into NATS header values. */
export interface ExecMeta {
  build: string;
  component: string;
  /** 1 for the first attempt */
  attempt: number;
  /** epoch ms */
  deadline: number;
  /** `<build>/<component>/<attempt>` */
  key: string;
}

const positiveIntString = z.string().regex(/^[1-9][0-9]*$/, 'must be a positive integer');
const epochMsString = z.string().regex(/^[0-9]+$/, 'must be epoch milliseconds');

/**
 * Parses the header record of a dispatch, result or cancel (header name → first value)
 * into `ExecMeta`; the key must agree with build, component and attempt.
 */
export const execHeadersSchema = z
  .looseObject({
    [EXEC_HEADER.build]: z.string().min(1),
    [EXEC_HEADER.component]: z.string().min(1),
    [EXEC_HEADER.attempt]: positiveIntString,
    [EXEC_HEADER.deadline]: epochMsString,
    [EXEC_HEADER.key]: z.string().min(1),
  })
  .transform(
    (h): ExecMeta => ({
      build: h[EXEC_HEADER.build],
      component: h[EXEC_HEADER.component],
      attempt: Number(h[EXEC_HEADER.attempt]),
      deadline: Number(h[EXEC_HEADER.deadline]),
      key: h[EXEC_HEADER.key],
    }),
  )
  .refine((m) => m.key === dispatchKey(m.build, m.component, m.attempt), {
    message: `${EXEC_HEADER.key} must be <build>/<component>/<attempt>`,
    path: [EXEC_HEADER.key],
  });

/** Header values for a dispatch (and the echo on its result); the key is derived. */
export function execHeaders(meta: Omit<ExecMeta, 'key'>): Record<string, string> {
  return {
    [EXEC_HEADER.build]: meta.build,
    [EXEC_HEADER.component]: meta.component,
    [EXEC_HEADER.attempt]: String(meta.attempt),
    [EXEC_HEADER.deadline]: String(meta.deadline),
    [EXEC_HEADER.key]: dispatchKey(meta.build, meta.component, meta.attempt),
  };
}

// ---------------------------------------------------------------------------------------------
// Fast checks for the hot path (every dispatch and result passes through them twice). Each
// accepts only what its schema accepts — a subset of it where that is simpler (plain objects
// only) — and returns the same output; when one says no, the caller asks the schema, for its
// answer and its error message. exec.test.ts checks them against the schemas.

const POSITIVE_INT = /^[1-9][0-9]*$/;
const EPOCH_MS = /^[0-9]+$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function token(value: unknown): value is string {
  return typeof value === 'string' && SUBJECT_TOKEN_PATTERN.test(value);
}

/** True when `dispatchMessageSchema` accepts `value` as it is (a plain object). */
export function isDispatchMessage(value: unknown): value is DispatchMessage {
  return (
    isPlainObject(value) &&
    nonEmptyString(value._component_id) &&
    token(value._component) &&
    token(value._action) &&
    token(value._provider) &&
    nonEmptyString(value.service)
  );
}

/** True when `resultMessageSchema` accepts `value` as it is (a plain object). */
export function isResultMessage(value: unknown): value is ResultMessage {
  return (
    isDispatchMessage(value) &&
    (value.error === undefined || typeof (value as { error?: unknown }).error === 'string')
  );
}

/** `execHeadersSchema`'s output for a valid header record; undefined when it is not (ask the schema why). */
export function parseExecHeaders(headers: Readonly<Record<string, unknown>>): ExecMeta | undefined {
  const build = headers[EXEC_HEADER.build];
  const component = headers[EXEC_HEADER.component];
  const attempt = headers[EXEC_HEADER.attempt];
  const deadline = headers[EXEC_HEADER.deadline];
  const key = headers[EXEC_HEADER.key];
  if (!nonEmptyString(build) || !nonEmptyString(component) || !nonEmptyString(key)) return undefined;
  if (typeof attempt !== 'string' || !POSITIVE_INT.test(attempt)) return undefined;
  if (typeof deadline !== 'string' || !EPOCH_MS.test(deadline)) return undefined;
  const meta: ExecMeta = {
    build,
    component,
    attempt: Number(attempt),
    deadline: Number(deadline),
    key,
  };
  return key === dispatchKey(meta.build, meta.component, meta.attempt) ? meta : undefined;
}
