import { procedure } from '../trpc';
import { createInputSchema, createOutputSchema } from './create.schema';

/** Registers a callback; answers its id and the signing secret, which is never shown again. */
export const create = procedure
  .input(createInputSchema)
  .output(createOutputSchema)
  .mutation(({ ctx, input }) => ctx.services.callbacks.create(input, ctx.actor));
