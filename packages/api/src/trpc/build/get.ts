import { procedure } from '../trpc';
import { getInputSchema, getOutputSchema } from './get.schema';
import { buildView } from './views';

/** The build's snapshot: status, components with their attempts, edges and last event seq. */
export const get = procedure
  .input(getInputSchema)
  .output(getOutputSchema)
  .query(async ({ ctx, input }) => buildView(await ctx.services.builds.get(input.id)));
