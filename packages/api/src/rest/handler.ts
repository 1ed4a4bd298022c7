// The REST API as a fetch-style handler: `handleRest(request, services)` answers every route of
// REST_ROUTES (Next.js route handlers mount it). Unknown path → 404, known path with another
// method → 405 (with `Allow`), inputs checked with the routes' zod schemas.
import { actorFrom } from '../actor';
import { InvalidRequestError } from '../errors';
import { readJsonBody } from '../http/body';
import type { Services } from '../services/index';
import { parseRequest } from '../zod-issues';
import { errorResponse, responseForError } from './errors';
import { pathPattern, type RestRoute } from './route';
import { REST_ROUTES } from './routes';

export interface RestOptions {
  /** unexpected errors (answered 500) */
  onError?: (err: unknown, request: Request) => void;
}

const compiled = REST_ROUTES.map((route) => ({ route, pattern: pathPattern(route.path) }));

/** The route serving `method` on `pathname`, the methods allowed there, and the path parameters. */
export function matchRoute(
  method: string,
  pathname: string,
): { route: RestRoute | undefined; allowed: string[]; params: Record<string, string> } {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  // HEAD is a GET without the body (the server drops it).
  const wanted = method === 'HEAD' ? 'GET' : method;
  const allowed: string[] = [];
  for (const { route, pattern } of compiled) {
    const match = pattern.exec(path);
    if (!match) continue;
    allowed.push(route.method);
    if (route.method === wanted) return { route, allowed, params: decodeParams(match.groups ?? {}) };
  }
  return { route: undefined, allowed, params: {} };
}

export async function handleRest(
  request: Request,
  services: Services,
  options: RestOptions = {},
): Promise<Response> {
  const url = new URL(request.url);
  const { route, allowed, params } = matchRoute(request.method, url.pathname);
  if (!route) {
    await request.body?.cancel().catch(() => undefined);
    if (allowed.length === 0) {
      return errorResponse(404, 'not_found', `no route ${request.method} ${url.pathname}`);
    }
    return errorResponse(
      405,
      'method_not_allowed',
      `${request.method} is not allowed on ${url.pathname}; allowed: ${allowed.join(', ')}`,
      [],
      { Allow: allowed.join(', ') },
    );
  }
  try {
    const actor = actorFrom(request.headers);
    const input = {
      params: route.params ? parseRequest(route.params, params, '$path', 'path parameter') : {},
      query: route.query ? parseRequest(route.query, queryRecord(url), '$query', 'query') : {},
      body: undefined as unknown,
      bodyBytes: 0,
      actor,
      services,
    };
    if (route.body) {
      const { value, bytes } = await readJsonBody(request, services.config.maxBodyBytes);
      if (value === undefined && route.body.required) {
        throw new InvalidRequestError('the body is empty; expected JSON', [
          { code: 'invalid_request', message: '$: a JSON body is required', ids: [], path: '$' },
        ]);
      }
      input.body = parseRequest(route.body.schema, value, '$', 'body');
      input.bodyBytes = bytes;
    } else {
      await request.body?.cancel().catch(() => undefined);
    }
    const answer = await route.handle(input);
    return Response.json(answer.body, { status: answer.status });
  } catch (err) {
    return responseForError(err, (e) => options.onError?.(e, request));
  }
}

function queryRecord(url: URL): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, value] of url.searchParams) record[key] ??= value;
  return record;
}

function decodeParams(groups: Record<string, string | undefined>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(groups)) {
    if (value === undefined) continue;
    try {
      params[key] = decodeURIComponent(value);
    } catch {
      params[key] = value;
    }
  }
  return params;
}
