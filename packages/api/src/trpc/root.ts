// The application router: one sub-router per domain.
import { buildRouter } from './build/router';
import { callbackRouter } from './callback/router';
import { environmentRouter } from './environment/router';
import { graphRouter } from './graph/router';
import { lifecycleRouter } from './lifecycle/router';
import { resourceRouter } from './resource/router';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  build: buildRouter,
  graph: graphRouter,
  environment: environmentRouter,
  resource: resourceRouter,
  callback: callbackRouter,
  lifecycle: lifecycleRouter,
});

export type AppRouter = typeof appRouter;

/** `createCaller(context)`: call procedures in-process (tests, server components). */
export const createCaller = createCallerFactory(appRouter);
