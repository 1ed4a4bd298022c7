import { lifecycleSummary } from '../../schemas/cloud';
import { procedure } from '../trpc';
import { listInputSchema, listOutputSchema } from './list.schema';

/** The latest lifecycle definition of every type. */
export const list = procedure
  .input(listInputSchema)
  .output(listOutputSchema)
  .query(async ({ ctx }) => ({ lifecycles: (await ctx.services.lifecycles.list()).map(lifecycleSummary) }));
