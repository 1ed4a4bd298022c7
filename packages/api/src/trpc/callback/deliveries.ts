import { procedure } from '../trpc';
import { deliveriesInputSchema, deliveriesOutputSchema } from './deliveries.schema';

/** Every delivery attempt of a callback, newest first (attempt 0: queued, not attempted yet). */
export const deliveries = procedure
  .input(deliveriesInputSchema)
  .output(deliveriesOutputSchema)
  .query(async ({ ctx, input }) => ({ deliveries: await ctx.services.callbacks.deliveries(input.id) }));
