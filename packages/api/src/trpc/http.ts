// tRPC over HTTP for the web UI (fetch-style, mounted by a Next.js route handler). The body is
// read here with the `ORDO_MAX_BODY_BYTES` limit: tRPC's fetch adapter has none of its own.
import { getErrorShape, type TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { isApiError } from '../errors';
import { readBodyBytes } from '../http/body';
import type { Services } from '../services/index';
import { createContext } from './context';
import { toTRPCError } from './errors';
import { appRouter } from './root';

export interface TrpcHttpOptions {
  /** the path the router is served at, e.g. `/api/trpc` */
  endpoint: string;
  onError?: (error: TRPCError, path: string | undefined) => void;
}

export async function handleTrpc(
  request: Request,
  services: Services,
  options: TrpcHttpOptions,
): Promise<Response> {
  let req = request;
  if (request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null) {
    try {
      const bytes = await readBodyBytes(request, services.config.maxBodyBytes);
      req = new Request(request.url, {
        method: request.method,
        headers: request.headers,
        body: bytes as Uint8Array<ArrayBuffer>,
      });
    } catch (err) {
      if (!isApiError(err)) throw err;
      return errorResponse(toTRPCError(err));
    }
  }
  return fetchRequestHandler({
    endpoint: options.endpoint,
    req,
    router: appRouter,
    createContext: ({ req: r }) => {
      try {
        return createContext(services, r.headers);
      } catch (err) {
        throw isApiError(err) ? toTRPCError(err) : err;
      }
    },
    ...(options.onError ? { onError: ({ error, path }) => options.onError?.(error, path) } : {}),
  });
}

/** A tRPC-shaped error answer for a request refused before tRPC saw it. */
function errorResponse(error: TRPCError): Response {
  const shape = getErrorShape({
    config: appRouter._def._config,
    error,
    type: 'unknown',
    path: undefined,
    input: undefined,
    ctx: undefined,
  });
  return Response.json({ error: shape }, { status: shape.data.httpStatus });
}
