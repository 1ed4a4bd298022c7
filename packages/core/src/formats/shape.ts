/**
 * Structural checks shared by the format parsers. The envelope of each format is a zod
 * schema; the (up to hundreds of thousands of) components and edges inside it are checked
 * by hand with the helpers below, because a zod parse per element costs several times the
 * whole budget of a 100k-component upload.
 */
import { z } from 'zod';
import type { Graph, GraphFormat, ValidationIssue } from '../graph/model';
import { jsonPath } from './json-path';

/** What a format parser answers: a graph, or every structural problem found. */
export type FormatParseResult = { ok: true; graph: Graph } | { ok: false; issues: ValidationIssue[] };

/** `parseGraph`'s answer: as `FormatParseResult`, plus the format that was read. */
export type GraphParseResult =
  | { ok: true; graph: Graph; format: GraphFormat }
  | { ok: false; issues: ValidationIssue[] };

/** Code of every structural problem (wrong type, missing required field). */
export const INVALID_SHAPE = 'invalid_shape';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a value is named in messages: `string`, `number`, `array`, `null`, `undefined`, … */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function shapeIssue(
  path: string,
  expected: string,
  received: unknown,
  ids: string[] = [],
): ValidationIssue {
  return {
    code: INVALID_SHAPE,
    message: `${path}: expected ${expected}, received ${describeValue(received)}`,
    ids,
    path,
  };
}

/**
 * An array whose elements are left unchecked (they are checked by hand afterwards).
 * `z.array(z.unknown())` visits every element: ≈ 15 ms for 400k elements.
 */
export const looseArray = z.custom<unknown[]>((value) => Array.isArray(value), {
  error: (issue) => `expected array, received ${describeValue(issue.input)}`,
});

/** zod's issues as `invalid_shape` issues; `base` is the JSON path of the parsed value. */
export function fromZodError(error: z.ZodError, base = '$'): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = base + jsonPath(issue.path).slice(1);
    const message = issue.message.replace(/^Invalid input: /, '');
    return { code: INVALID_SHAPE, message: `${path}: ${message}`, ids: [], path };
  });
}

/**
 * `record[key]` when it is a string; `fallback` when absent; otherwise records an issue and
 * answers `fallback`.
 */
export function readString(
  record: Record<string, unknown>,
  key: string,
  path: string,
  issues: ValidationIssue[],
  ids: string[],
  fallback: string,
): string {
  const value = record[key];
  if (typeof value === 'string') return value;
  if (value !== undefined) issues.push(shapeIssue(`${path}.${key}`, 'string', value, ids));
  return fallback;
}
