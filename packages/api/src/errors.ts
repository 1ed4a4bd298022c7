// Typed errors of the API's services. Services and handlers throw these; the two edges map
// them once each: the REST handler to HTTP statuses (rest/errors.ts), the tRPC middleware to
// TRPCError codes (trpc/errors.ts). Nothing below the edges knows about HTTP or tRPC.
import type { ValidationIssue } from '@ordo/core';

/** Why a request failed; stable, machine-readable, the `error.code` of REST answers. */
export type ApiErrorCode =
  /** the graph (or another document) failed core validation; `issues` lists every problem */
  | 'validation_failed'
  /** a parameter, query or body field is not of the expected form */
  | 'invalid_request'
  /** the body is not JSON */
  | 'invalid_json'
  /** the body is larger than `ORDO_MAX_BODY_BYTES` */
  | 'payload_too_large'
  /** no such build, definition, component or route */
  | 'not_found'
  /** the build's state does not allow the operator action (the runner's reason) */
  | 'not_allowed'
  /** no runner answered on the control subject (none running, or NATS unreachable) */
  | 'runner_unavailable';

/** One problem, in the form of core's `ValidationIssue` (REST `details` items). */
export type IssueDetail = ValidationIssue;

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  /** problems behind the error, each with `code`, `message`, `ids`, `path` */
  readonly details: IssueDetail[];

  constructor(code: ApiErrorCode, message: string, options?: { cause?: unknown; details?: IssueDetail[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.details = options?.details ?? [];
  }
}

/** The graph is invalid; nothing was stored. */
export class ValidationError extends ApiError {
  constructor(issues: ValidationIssue[], message = summarize(issues)) {
    super('validation_failed', message, { details: issues });
    this.name = 'ValidationError';
  }

  get issues(): ValidationIssue[] {
    return this.details;
  }
}

/** A request field is malformed (zod issues as details). */
export class InvalidRequestError extends ApiError {
  constructor(message: string, details: IssueDetail[] = [], cause?: unknown) {
    super('invalid_request', message, { details, cause });
    this.name = 'InvalidRequestError';
  }
}

export class InvalidJsonError extends ApiError {
  constructor(message: string, cause?: unknown) {
    super('invalid_json', message, { cause });
    this.name = 'InvalidJsonError';
  }
}

export class PayloadTooLargeError extends ApiError {
  readonly limit: number;

  constructor(limit: number, received?: number) {
    super(
      'payload_too_large',
      received === undefined
        ? `the body is over the limit of ${limit} bytes (ORDO_MAX_BODY_BYTES)`
        : `the body is ${received} bytes, over the limit of ${limit} bytes (ORDO_MAX_BODY_BYTES)`,
    );
    this.name = 'PayloadTooLargeError';
    this.limit = limit;
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string) {
    super('not_found', message);
    this.name = 'NotFoundError';
  }
}

/** The runner refused an operator action; `reason` is its explanation. */
export class NotAllowedError extends ApiError {
  readonly reason: string;

  constructor(reason: string) {
    super('not_allowed', reason);
    this.name = 'NotAllowedError';
    this.reason = reason;
  }
}

export class RunnerUnavailableError extends ApiError {
  constructor(message: string, cause?: unknown) {
    super('runner_unavailable', message, { cause });
    this.name = 'RunnerUnavailableError';
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

function summarize(issues: ValidationIssue[]): string {
  const first = issues[0];
  if (first === undefined) return 'the graph is invalid';
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return `the graph is invalid: ${first.message}${more}`;
}
