// The REST edge of the typed errors: `{"error": {"code", "message", "details"}}` with the
// status each code calls for (design.md "REST API (v1)").
import { type ApiErrorCode, isApiError } from '../errors';
import type { RestErrorCode } from './schemas';

/** Validation failures answer 400, like every other malformed request (see README). */
export const HTTP_STATUS_OF: Record<ApiErrorCode, number> = {
  validation_failed: 400,
  invalid_request: 400,
  invalid_json: 400,
  payload_too_large: 413,
  not_found: 404,
  not_allowed: 409,
  runner_unavailable: 503,
};

export function errorResponse(
  status: number,
  code: RestErrorCode,
  message: string,
  details: unknown[] = [],
  headers?: Record<string, string>,
): Response {
  return Response.json({ error: { code, message, details } }, { status, ...(headers ? { headers } : {}) });
}

/** The answer for anything a route threw; unexpected errors are 500 `internal` (and logged). */
export function responseForError(err: unknown, log?: (err: unknown) => void): Response {
  if (isApiError(err)) return errorResponse(HTTP_STATUS_OF[err.code], err.code, err.message, err.details);
  log?.(err);
  return errorResponse(500, 'internal', 'internal error');
}
