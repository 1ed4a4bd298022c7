// The tRPC edge of the typed errors: an `ApiError` becomes the TRPCError its code calls for,
// and the error formatter puts its details (`issues`, `reason`) into the shape's `data`.
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import type { IssueDetail } from '../errors';
import { type ApiError, type ApiErrorCode, isApiError, NotAllowedError } from '../errors';
import { zodIssues } from '../zod-issues';

const TRPC_CODE_OF: Record<ApiErrorCode, TRPC_ERROR_CODE_KEY> = {
  validation_failed: 'BAD_REQUEST',
  invalid_request: 'BAD_REQUEST',
  invalid_json: 'BAD_REQUEST',
  payload_too_large: 'PAYLOAD_TOO_LARGE',
  not_found: 'NOT_FOUND',
  not_allowed: 'CONFLICT',
  runner_unavailable: 'SERVICE_UNAVAILABLE',
};

export function toTRPCError(error: ApiError): TRPCError {
  return new TRPCError({ code: TRPC_CODE_OF[error.code], message: error.message, cause: error });
}

/** What the formatter adds to `shape.data`. */
export interface OrdoErrorData {
  /** the ApiError code (`validation_failed`, `not_allowed`, …), or null for other errors */
  ordoCode: ApiErrorCode | null;
  /** every problem: core issues for `validation_failed`, zod issues for a malformed input */
  issues: IssueDetail[];
  /** `not_allowed`: the runner's reason */
  reason: string | null;
}

export function ordoErrorData(error: TRPCError): OrdoErrorData {
  const cause = error.cause;
  if (isApiError(cause)) {
    return {
      ordoCode: cause.code,
      issues: cause.details,
      reason: cause instanceof NotAllowedError ? cause.reason : null,
    };
  }
  if (cause instanceof z.ZodError) {
    return { ordoCode: 'invalid_request', issues: zodIssues(cause), reason: null };
  }
  return { ordoCode: null, issues: [], reason: null };
}
