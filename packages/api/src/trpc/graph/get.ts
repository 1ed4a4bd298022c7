import { procedure } from '../trpc';
import { getInputSchema, getOutputSchema } from './get.schema';

/** One saved version of a graph (default: the latest), Ordo native. */
export const get = procedure
  .input(getInputSchema)
  .output(getOutputSchema)
  .query(async ({ ctx, input }) => {
    const d = await ctx.services.graphs.get(input.name, input.version);
    return {
      name: d.name,
      version: d.version,
      createdAt: d.createdAt.getTime(),
      document: d.document as Record<string, unknown>,
    };
  });
