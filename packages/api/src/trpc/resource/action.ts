import { procedure } from '../trpc';
import { actionInputSchema, actionOutputSchema } from './action.schema';

/** Start, reboot, stop or terminate: the runner decides (CONFLICT with its reason when refused). */
export const action = procedure
  .input(actionInputSchema)
  .output(actionOutputSchema)
  .mutation(({ ctx, input }) => ctx.services.resources.action(input.id, input.action, ctx.actor));
