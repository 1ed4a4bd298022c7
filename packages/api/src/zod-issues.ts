// zod's issues in the form every Ordo error detail has: `{code, message, ids, path}`.
import { jsonPath, type ValidationIssue } from '@ordo/core';
import type { z } from 'zod';
import { InvalidRequestError } from './errors';

/** `base` is the JSON path of the parsed value (`$` for a body, `$query` for query parameters). */
export function zodIssues(error: z.ZodError, base = '$'): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = base + jsonPath(issue.path).slice(1);
    return {
      code: 'invalid_request',
      message: `${path}: ${issue.message.replace(/^Invalid input: /, '')}`,
      ids: [],
      path,
    };
  });
}

/** Parses `value` with `schema` or throws `InvalidRequestError` listing every problem. */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  value: unknown,
  base = '$',
  what = 'request',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = zodIssues(result.error, base);
  const first = details[0]?.message ?? 'invalid';
  throw new InvalidRequestError(`invalid ${what}: ${first}`, details, result.error);
}
