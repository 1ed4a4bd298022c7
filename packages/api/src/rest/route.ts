// A REST route: method, OpenAPI path template, the zod schemas of its inputs and answers (used
// both to validate requests and to write the OpenAPI document) and its handler.
import type { z } from 'zod';
import type { Services } from '../services/index';

export type RestMethod = 'GET' | 'POST' | 'DELETE';

export interface RouteBody<B extends z.ZodType> {
  /** checks the parsed JSON body before the handler sees it */
  schema: B;
  /** what the OpenAPI document shows (default `schema`) */
  doc?: z.ZodType;
  /** false: an empty body is accepted (the handler gets `undefined`) */
  required: boolean;
}

export interface RouteResponse {
  description: string;
  schema: z.ZodType;
}

export interface RouteInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  /** size of the body as received, in bytes */
  bodyBytes: number;
  actor: string;
  services: Services;
}

export interface RestAnswer {
  status: number;
  body: unknown;
}

export interface RestRoute<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: RestMethod;
  /** OpenAPI path template, e.g. `/api/v1/builds/{id}` */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: RouteBody<B>;
  /** the success answer (one per route) */
  success: { status: number } & RouteResponse;
  /** error statuses this route may answer, besides 500 */
  errors: number[];
  handle(input: RouteInput<P, Q, B>): Promise<RestAnswer>;
}

/** A route with its schema types inferred (the table holds them as `RestRoute`). */
export function defineRoute<
  P extends z.ZodType = z.ZodType<Record<string, never>>,
  Q extends z.ZodType = z.ZodType<Record<string, never>>,
  B extends z.ZodType = z.ZodType<undefined>,
>(route: RestRoute<P, Q, B>): RestRoute {
  return route as unknown as RestRoute;
}

/** `/api/v1/builds/{id}/events` → a RegExp with one named group per parameter. */
export function pathPattern(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => {
      const param = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(segment);
      if (param) return `(?<${param[1]}>[^/]+)`;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}
