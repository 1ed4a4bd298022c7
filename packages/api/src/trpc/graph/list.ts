import { procedure } from '../trpc';
import { listInputSchema, listOutputSchema } from './list.schema';

/** The latest version of every saved graph, by name. */
export const list = procedure
  .input(listInputSchema)
  .output(listOutputSchema)
  .query(async ({ ctx }) => {
    const definitions = await ctx.services.graphs.list();
    return {
      definitions: definitions.map((d) => ({
        name: d.name,
        version: d.version,
        createdAt: d.createdAt.getTime(),
      })),
    };
  });
