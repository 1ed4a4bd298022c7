import { procedure } from '../trpc';
import { skipInputSchema, skipOutputSchema } from './skip.schema';

/** Marks a failed component done so that its dependants run. */
export const skip = procedure
  .input(skipInputSchema)
  .output(skipOutputSchema)
  .mutation(({ ctx, input }) =>
    ctx.services.builds.action(input.id, { action: 'skip', componentId: input.componentId }, ctx.actor),
  );
