import { procedure } from '../trpc';
import { cancelInputSchema, cancelOutputSchema } from './cancel.schema';

/** Cancels one component, or the whole build. */
export const cancel = procedure
  .input(cancelInputSchema)
  .output(cancelOutputSchema)
  .mutation(({ ctx, input }) =>
    ctx.services.builds.action(input.id, { action: 'cancel', componentId: input.componentId }, ctx.actor),
  );
