import { resourceView } from '../../schemas/cloud';
import { procedure } from '../trpc';
import { listInputSchema, listOutputSchema } from './list.schema';

/** Tracked cloud resources, newest first (the contracts' snake_case resource view). */
export const list = procedure
  .input(listInputSchema)
  .output(listOutputSchema)
  .query(async ({ ctx, input }) => ({
    resources: (await ctx.services.resources.list(input)).map(resourceView),
  }));
