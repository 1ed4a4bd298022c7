import { procedure } from '../trpc';
import { removeInputSchema, removeOutputSchema } from './remove.schema';

/** Removes a callback and its delivery history. */
export const remove = procedure
  .input(removeInputSchema)
  .output(removeOutputSchema)
  .mutation(({ ctx, input }) => ctx.services.callbacks.remove(input.id));
