import { procedure } from '../trpc';
import { retryInputSchema, retryOutputSchema } from './retry.schema';

/** Retries one failed component, or the build from failure (failed, blocked and never-run components). */
export const retry = procedure
  .input(retryInputSchema)
  .output(retryOutputSchema)
  .mutation(({ ctx, input }) =>
    ctx.services.builds.action(input.id, { action: 'retry', componentId: input.componentId }, ctx.actor),
  );
