// The route handlers' glue: the services for a request, and the one answer for a server that
// cannot start them (invalid environment, unreachable store). Server only.
import { handleRest, handleTrpc } from '@ordo/api';
import { getServices } from './services';

function unavailable(err: unknown): Response {
  console.error('cannot start the API services', err);
  const message = err instanceof Error ? err.message : String(err);
  return Response.json(
    { error: { code: 'internal', message: `the API cannot start: ${message}`, details: [] } },
    { status: 500 },
  );
}

/** REST v1, gorch-compatible tasks and the OpenAPI document. */
export async function restHandler(request: Request): Promise<Response> {
  let services: ReturnType<typeof getServices>;
  try {
    services = getServices();
  } catch (err) {
    return unavailable(err);
  }
  return handleRest(request, services, {
    onError: (err, req) => console.error(`REST ${req.method} ${new URL(req.url).pathname} failed`, err),
  });
}

export const TRPC_ENDPOINT = '/api/trpc';

export async function trpcHandler(request: Request): Promise<Response> {
  let services: ReturnType<typeof getServices>;
  try {
    services = getServices();
  } catch (err) {
    return unavailable(err);
  }
  return handleTrpc(request, services, {
    endpoint: TRPC_ENDPOINT,
    onError: (error, path) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'} failed`, error);
    },
  });
}
