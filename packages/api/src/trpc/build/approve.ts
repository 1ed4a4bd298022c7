import { procedure } from '../trpc';
import { approveInputSchema, approveOutputSchema } from './approve.schema';

/** Approves a component waiting on a manual gate. */
export const approve = procedure
  .input(approveInputSchema)
  .output(approveOutputSchema)
  .mutation(({ ctx, input }) =>
    ctx.services.builds.action(input.id, { action: 'approve', componentId: input.componentId }, ctx.actor),
  );
