import { procedure } from '../trpc';
import { saveInputSchema, saveOutputSchema } from './save.schema';

/** Stores a lifecycle definition as the next version of its type (BAD_REQUEST with the issues). */
export const save = procedure
  .input(saveInputSchema)
  .output(saveOutputSchema)
  .mutation(({ ctx, input }) => ctx.services.lifecycles.save(input.definition, ctx.actor));
