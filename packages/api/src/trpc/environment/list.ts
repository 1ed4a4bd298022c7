import { ms } from '../build/views';
import { procedure } from '../trpc';
import { listInputSchema, listOutputSchema } from './list.schema';

/** Every environment (Ernest's services). */
export const list = procedure
  .input(listInputSchema)
  .output(listOutputSchema)
  .query(async ({ ctx }) => {
    const environments = await ctx.services.environments.list();
    return {
      environments: environments.map((e) => ({
        name: e.name,
        components: e.components,
        lastBuildAt: ms(e.lastBuildAt),
      })),
    };
  });
