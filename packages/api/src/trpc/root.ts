// The application router: one sub-router per domain.
import { buildRouter } from './build/router';
import { environmentRouter } from './environment/router';
import { graphRouter } from './graph/router';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  build: buildRouter,
  graph: graphRouter,
  environment: environmentRouter,
});

export type AppRouter = typeof appRouter;

/** `createCaller(context)`: call procedures in-process (tests, server components). */
export const createCaller = createCallerFactory(appRouter);
