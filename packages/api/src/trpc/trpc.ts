// tRPC's root: the context type, the error formatter and the one procedure builder every
// procedure starts from. Typed errors thrown below become TRPCErrors here, and only here.
import { initTRPC } from '@trpc/server';
import { isApiError } from '../errors';
import type { Context } from './context';
import { ordoErrorData, toTRPCError } from './errors';

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    return { ...shape, data: { ...shape.data, ...ordoErrorData(error) } };
  },
});

/** Maps a typed error thrown by a service to the matching TRPCError (NOT_FOUND, CONFLICT, …). */
const typedErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isApiError(result.error.cause)) {
    return { ...result, error: toTRPCError(result.error.cause) };
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/** The base of every procedure. */
export const procedure = t.procedure.use(typedErrors);
