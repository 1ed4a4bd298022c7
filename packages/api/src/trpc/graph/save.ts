import { procedure } from '../trpc';
import { saveInputSchema, saveOutputSchema } from './save.schema';

/** Saves a graph as the next version of its name, in the Ordo-native format. */
export const save = procedure
  .input(saveInputSchema)
  .output(saveOutputSchema)
  .mutation(async ({ ctx, input }) => {
    const saved = await ctx.services.graphs.save(input.graph, input.name);
    return {
      name: saved.name,
      version: saved.version,
      createdAt: saved.createdAt.getTime(),
      issues: saved.issues,
    };
  });
