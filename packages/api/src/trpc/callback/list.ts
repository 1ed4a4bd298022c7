import { callbackView } from '../../schemas/cloud';
import { procedure } from '../trpc';
import { listInputSchema, listOutputSchema } from './list.schema';

/** Callbacks, newest first; for a resource, its own and its environment's. Never the secrets. */
export const list = procedure
  .input(listInputSchema)
  .output(listOutputSchema)
  .query(async ({ ctx, input }) => ({
    callbacks: (await ctx.services.callbacks.list(input)).map(callbackView),
  }));
