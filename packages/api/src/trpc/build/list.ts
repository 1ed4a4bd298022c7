import { procedure } from '../trpc';
import { listInputSchema, listOutputSchema } from './list.schema';
import { listItemView } from './views';

/** Builds, newest first. */
export const list = procedure
  .input(listInputSchema)
  .output(listOutputSchema)
  .query(async ({ ctx, input }) => {
    const builds = await ctx.services.builds.list({
      limit: input.limit,
      ...(input.environment ? { environment: input.environment } : {}),
      ...(input.status ? { status: input.status } : {}),
      ...(input.before === undefined ? {} : { before: new Date(input.before) }),
    });
    return { builds: builds.map(listItemView) };
  });
