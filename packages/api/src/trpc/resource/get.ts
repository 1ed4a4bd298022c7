import { procedure } from '../trpc';
import { getInputSchema, getOutputSchema } from './get.schema';

/** The resource with its state history, actions, callbacks (no secrets) and lifecycle runs. */
export const get = procedure
  .input(getInputSchema)
  .output(getOutputSchema)
  .query(({ ctx, input }) => ctx.services.resources.detail(input.id));
